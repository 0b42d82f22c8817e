"""Where a cited row comes from, in words a clerk reads: 「项目名称（单位，年度）第N行」, and the
original file of the corpus it was read from (offered for download on request).

A source is what retrieval and drafting record: a dict {"file", "table", "row", "project"}, or
the drafter's label "016.json · 项目名称 · 第6行", or a plain label ("项目申报内容",
"内置指标库（培训/会议）") that names no corpus file. The corpus's own tables give the unit and
the year; they are read once per corpus folder (and again when a file there changes).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import corpus

MESSAGES = {
    "label": "{project}（{meta}）{row}",
    "label_no_meta": "{project}{row}",
    "meta_sep": "，",
    "year": "{year}年",
    "row": "第{row}行",
    "table": "表{table}",
}
_DRAFT_LABEL = re.compile(r"^(?P<file>[^\s·]+\.(?:json|txt|docx|xlsx))\s*·\s*(?P<project>.*?)(?:\s*·\s*第(?P<row>\d+)行)?$")
_UNIT_CODE = re.compile(r"^\s*(?:\[\d+\]|\d{3,})\s*")
_UNIT_CUT = re.compile(r"\s*(?:[（(]|/|；|;|，|,).*$")


@dataclass(frozen=True)
class Provenance:
    project: str
    unit: str = ""
    year: int | None = None
    table: int | None = None  # 1-based, within the file
    row: int | None = None  # 1-based indicator row
    file: str = ""  # the corpus source file name ("" when the source is no corpus file)
    label: str = ""  # a plain label, when the source names no corpus row

    def meta(self) -> str:
        parts = [self.unit] if self.unit else []
        if self.year:
            parts.append(MESSAGES["year"].format(year=self.year))
        return MESSAGES["meta_sep"].join(parts)

    def row_text(self) -> str:
        return MESSAGES["row"].format(row=self.row) if self.row else ""

    def text(self) -> str:
        """「项目名称（单位，年度）第N行」, or the plain label."""
        if not self.file:
            return self.label or self.project
        meta = self.meta()
        key = "label" if meta else "label_no_meta"
        return MESSAGES[key].format(project=self.project, meta=meta, row=self.row_text())

    def ref(self) -> str:
        """The part after the project name, for text that names the project itself: 「单位，年度，第N行」."""
        if not self.file:
            return self.label
        return MESSAGES["meta_sep"].join(p for p in (self.meta(), self.row_text()) if p)


def clean_unit(unit: str | None) -> str:
    """「436001玉田县工业和信息化局本级」→「玉田县工业和信息化局本级」; notes and guesses dropped."""
    text = (unit or "").strip()
    if not text or text.lower().startswith("unknown"):
        return ""
    return _UNIT_CUT.sub("", _UNIT_CODE.sub("", text)).strip()


class _Catalogue:
    """(file, table number) -> (project, unit, year), read from the corpus's tables (corpus.entries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._tables: dict[tuple[str, int], tuple[str, str, int | None]] = {}
        self._by_name: dict[tuple[str, str], int] = {}

    def _folder_key(self, folder: Path) -> tuple:
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return (str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in files))

    def _load(self) -> None:
        folder = corpus.tables_dir()
        key = self._folder_key(folder)
        if key == self._key:
            return
        tables: dict[tuple[str, int], tuple[str, str, int | None]] = {}
        by_name: dict[tuple[str, str], int] = {}
        for entry in corpus.entries():
            for number, table in enumerate(entry.document.tables, start=1):
                tables[(entry.source_file, number)] = (table.project_name, clean_unit(table.department), table.year)
                by_name.setdefault((entry.source_file, table.project_name), number)
        self._tables, self._by_name, self._key = tables, by_name, key

    def lookup(self, file: str, table: int | None, project: str) -> tuple[int | None, str, str, int | None]:
        """(table number, project, unit, year); the table found by name when its number is unknown."""
        with self._lock:
            self._load()
            if table is None:
                table = self._by_name.get((file, project))
                if table is None and sum(1 for f, _ in self._tables if f == file) == 1:
                    table = 1
            name, unit, year = self._tables.get((file, table or 0), (project, "", None))
            return table, name or project, unit, year


_catalogue = _Catalogue()


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def provenance(source: dict[str, Any]) -> Provenance:
    """The provenance of a cited source (a retrieval hit or a drafted row, as the service keeps them)."""
    ref = source.get("source") if isinstance(source, dict) else None
    project = str(source.get("project_name") or "") if isinstance(source, dict) else ""
    file, table, row = "", None, None
    if isinstance(ref, dict) and ref.get("file"):
        file, table, row = str(ref["file"]), _int(ref.get("table")), _int(ref.get("row"))
        project = project or str(ref.get("project") or "")
    elif isinstance(ref, str):
        match = _DRAFT_LABEL.match(ref.strip())
        if not match:
            return Provenance(project=project, label=ref.strip())
        file, row = match["file"], _int(match["row"])
        project = project or match["project"].strip()
    else:
        return Provenance(project=project)
    table, name, unit, year = _catalogue.lookup(file, table, project)
    return Provenance(project=name, unit=unit, year=year, table=table, row=row, file=file)


def original_file(source: dict[str, Any]) -> Path | None:
    """The corpus's original of a cited source (corpus/sources/<file>), if there is one."""
    found = provenance(source)
    if not found.file or "/" in found.file or "\\" in found.file or found.file.startswith("."):
        return None
    path = corpus.sources_dir() / found.file
    return path if path.is_file() else None
