"""Project tables as our JSON form with its schema version (read back by parsers.json_form)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from assistant.model import SCHEMA_VERSION, ProjectTable


def tables_payload(tables: Sequence[ProjectTable]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "tables": [t.to_json_dict() for t in tables]}


def write_json(tables: Sequence[ProjectTable], path: str | Path) -> None:
    """Write `{"schema_version": …, "tables": [...]}` as UTF-8 (overwrites; see export_tables)."""
    text = json.dumps(tables_payload(tables), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")
