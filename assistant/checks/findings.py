"""What a check reports: one Finding per problem, with a Chinese message and suggestion."""

from __future__ import annotations

import json
from enum import Enum
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field


class Severity(str, Enum):
    error = "error"  # a reviewer sends the table back
    warning = "warning"  # weak or inconsistent, worth fixing
    info = "info"  # normalised or noted; nothing to do unless you want to


class Finding(BaseModel):
    """JSON keys: rule, severity, project_name, level1, level2, level3, field, message, suggestion.

    `row` (0-based indicator index, None for table-level findings) is for pointing at rows in
    a UI and is left out of dumps.
    """

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Literal["error", "warning", "info"]  # Severity values; Severity.error == "error"
    project_name: str = ""
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    field: str | None = None
    message: str
    suggestion: str = ""
    row: int | None = Field(default=None, exclude=True)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == Severity.error for f in findings)


def findings_json(findings: Iterable[Finding], indent: int | None = 2) -> str:
    """A JSON array of findings with exactly the public keys (no `row`)."""
    return json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False, indent=indent)
