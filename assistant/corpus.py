"""The corpus: past tables shipped as data and the user's own, normalised to our JSON form.

Layout under corpus/:
  sources/<name>        the original file as received (never modified)
  tables/<stem>.json    {"source_file", "source_sha256", "tables": [...], "department_goals": ...}
One tables/ file per source file, so the index can re-ingest per file by content hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from assistant import config
from assistant.model import DepartmentGoals, Document, ProjectTable
from assistant.parsers import load_path


@dataclass(frozen=True)
class CorpusEntry:
    """One normalised corpus file: the tables of one source file."""

    path: Path
    source_file: str
    sha256: str
    document: Document


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(stem: str) -> str:
    return re.sub(r"[^\w.-]+", "_", stem).strip("._") or "file"


def tables_dir(root: Path | None = None) -> Path:
    return (root or config.corpus_dir()) / "tables"


def sources_dir(root: Path | None = None) -> Path:
    return (root or config.corpus_dir()) / "sources"


def add_file(path: str | Path, root: Path | None = None) -> tuple[CorpusEntry, bool]:
    """Parse a file and store it (original + normalised JSON). Returns (entry, changed).

    Raises InputError for unreadable files. An unchanged file (same name, same content) is a
    no-op; a changed one replaces its previous normalised form; the input is never modified.
    """
    path = Path(path)
    doc = load_path(path)
    sha = _sha256(path)
    stem = _slug(path.stem)
    target = tables_dir(root) / f"{stem}.json"
    if target.exists():
        previous = json.loads(target.read_text(encoding="utf-8"))
        if previous.get("source_sha256") == sha:
            return read_entry(target), False
        if previous.get("source_file") != path.name:
            target = tables_dir(root) / f"{stem}-{sha[:8]}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    original = sources_dir(root) / target.with_suffix(path.suffix).name
    original.parent.mkdir(parents=True, exist_ok=True)
    if path.resolve() != original.resolve():
        shutil.copyfile(path, original)
    payload = {
        "source_file": path.name,
        "source_sha256": sha,
        "tables": [t.to_json_dict() for t in doc.tables],
        "department_goals": doc.department_goals.model_dump(mode="json") if doc.department_goals else None,
    }
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target)
    return CorpusEntry(target, path.name, sha, doc), True


def read_entry(path: Path) -> CorpusEntry:
    data = json.loads(path.read_text(encoding="utf-8"))
    goals = data.get("department_goals")
    doc = Document(
        tables=[ProjectTable.model_validate(t) for t in data.get("tables", [])],
        department_goals=DepartmentGoals.model_validate(goals) if goals else None,
    )
    return CorpusEntry(path, data.get("source_file", path.name), data.get("source_sha256", ""), doc)


def entries(root: Path | None = None) -> list[CorpusEntry]:
    folder = tables_dir(root)
    return [read_entry(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def load_tables(root: Path | None = None) -> list[ProjectTable]:
    return [t for e in entries(root) for t in e.document.tables]
