"""What a handler found or did, as data: the reply module (assistant.chat.replies) renders these
into Chinese, the session commits the tables they carry. No text for users here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel

from assistant.model import Budget, PlanItem, ProjectTable

# --- what changed in a table (one line each in the reply) -----------------------------------


@dataclass(frozen=True)
class RowChange:
    """One field of one row. `why`: 'user' (asked for), or what it followed: 'unit_cost',
    'budget', 'quantity', 'user_basis'. `notes`: 'kept_operator', 'kept_unit'."""

    row: int  # 1-based, as the user sees it
    name: str
    field: str  # value | basis | description | level3
    old: str
    new: str
    why: str = "user"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowAdded:
    row: int
    level1: str
    level2: str
    name: str
    value: str
    guessed: bool = False


@dataclass(frozen=True)
class RowRemoved:
    row: int
    name: str
    value: str


@dataclass(frozen=True)
class BudgetChange:
    old: Budget
    new: Budget


@dataclass(frozen=True)
class PlanChange:
    old: tuple[PlanItem, ...]
    new: tuple[PlanItem, ...]


@dataclass(frozen=True)
class TextChange:
    """A header text: asked for (why='user') or following an edited number (why='follow')."""

    field: str  # project_name | fund_use | goal | department
    old: str
    new: str
    why: str = "user"


@dataclass(frozen=True)
class Flag:
    """Something that follows from the edit but cannot be derived: said, not changed."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)


Change = Union[RowChange, RowAdded, RowRemoved, BudgetChange, PlanChange, TextChange, Flag]


# --- outcomes of one action ------------------------------------------------------------------


@dataclass
class Edited:
    """A new table to commit, with every change it makes."""

    table: ProjectTable
    kind: str
    changes: list[Change]


@dataclass
class Pending:
    """What the answer to a clarifying question completes."""

    action: BaseModel
    candidates: list[int] = field(default_factory=list)  # 0-based rows offered
    confirm: bool = False  # a yes runs `action` as confirmed


@dataclass
class Clarification:
    """One short question instead of a guess; `candidates` are 0-based rows to list."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)
    candidates: list[int] = field(default_factory=list)
    pending: Pending | None = None
    kind: str = "clarify"


@dataclass
class Refusal:
    """The request was understood but the table cannot take it (a bad value, no draft)."""

    key: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Notice:
    """A reply without a table change: help, undo with nothing to undo, an LLM's words."""

    key: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Drafted:
    result: Any  # assistant.drafting.DraftResult
    sources: list[dict[str, Any]]
    kind: str = "draft"


@dataclass
class Checked:
    findings: list[Any]
    kind: str = "check"


@dataclass
class Found:
    """Retrieval answers: indicator hits, project hits or value statistics."""

    key: str  # hits_indicators | hits_projects | stats | no_hits | retrieval_unavailable
    data: dict[str, Any]
    sources: list[dict[str, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    kind: str = "ask"


@dataclass
class Exported:
    path: Path
    fmt: str
    errors: int
    kind: str = "export"


@dataclass
class Undone:
    what: str | None  # None: there was nothing to undo
    kind: str = "undo"


Outcome = Union[Edited, Clarification, Refusal, Notice, Drafted, Checked, Found, Exported, Undone]
