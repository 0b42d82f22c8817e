"""One conversation's state, changed only through `ChatSession.transition(step)`.

A step is an edit (a new table from the chat or the page's grid), an undo, opening a table
(a draft just made, a saved draft restored, an uploaded table started from) or clearing. Every
step but undo leaves an undo point; every step re-runs the checker and saves the draft for its
owner. Nothing else assigns the table.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from assistant.chat.outcomes import Pending
from assistant.model import ProjectTable

MAX_UNDO = 50
MAX_HISTORY = 200  # chat messages kept per session


@dataclass(frozen=True)
class Edit:
    table: ProjectTable
    what: str  # the action kinds, for 「已撤销上一步：…」


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Open:
    """A whole table becomes the draft: drafted, restored (`draft_id` given) or uploaded."""

    table: ProjectTable
    what: str  # draft | restore | upload
    sources: tuple[dict[str, Any], ...] = ()
    draft_id: str | None = None


@dataclass(frozen=True)
class Clear:
    pass


Step = Union[Edit, Undo, Open, Clear]


@dataclass
class Snapshot:
    table: ProjectTable | None
    draft_id: str | None
    draft_sources: list[dict[str, Any]]
    what: str


@dataclass
class ChatSession:
    owner: str
    save: Callable[[str, ProjectTable, list[dict[str, Any]], str | None], str]  # -> draft id
    lint: Callable[[ProjectTable], list[Any]]
    table: ProjectTable | None = None
    draft_id: str | None = None
    draft_sources: list[dict[str, Any]] = field(default_factory=list)  # what the draft cites
    sources: list[dict[str, Any]] = field(default_factory=list)  # what the last reply cites
    findings: list[Any] = field(default_factory=list)
    pending: Pending | None = None  # what an answer to the last question completes
    uploaded: list[ProjectTable] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    undo_stack: list[Snapshot] = field(default_factory=list)

    @property
    def last_change(self) -> str | None:
        return self.undo_stack[-1].what if self.undo_stack else None

    def transition(self, step: Step) -> None:
        """The one way the table changes."""
        self.pending = None
        if isinstance(step, Undo):
            snap = self.undo_stack.pop()
            self.table, self.draft_id, self.draft_sources = snap.table, snap.draft_id, snap.draft_sources
        else:
            if not (isinstance(step, Open) and step.what == "start"):  # the terminal's first table: nothing before
                self.undo_stack.append(Snapshot(copy.deepcopy(self.table), self.draft_id, list(self.draft_sources),
                                                step.what if isinstance(step, (Edit, Open)) else "clear"))
                del self.undo_stack[:-MAX_UNDO]
            if isinstance(step, Edit):
                self.table = step.table
            elif isinstance(step, Open):
                self.table, self.draft_id, self.draft_sources = step.table, step.draft_id, list(step.sources)
            else:
                self.table, self.draft_id, self.draft_sources = None, None, []
        self.sources = list(self.draft_sources)
        self.findings = self.lint(self.table) if self.table is not None else []
        if self.table is not None and not (isinstance(step, Open) and step.what == "restore"):
            self.draft_id = self.save(self.owner, self.table, self.draft_sources, self.draft_id)

    def record(self, user: str | None, reply: str) -> None:
        """Append a turn to the chat history (texts already escaped for display)."""
        if user is not None:
            self.history.append({"role": "user", "content": user})
        if reply:
            self.history.append({"role": "assistant", "content": reply})
        del self.history[:-MAX_HISTORY]
