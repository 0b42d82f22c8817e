"""Read any supported file into a Document: `load_path(path)`.

Formats by extension: .txt (the seed's Word-to-text booklet), .docx, .xlsx, .json/.jsonl.
Every failure is an InputError whose message names the file in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

from assistant.model import Document, Source
from assistant.parsers.common import InputError, check_file, check_zip, read_text

SUPPORTED_SUFFIXES = (".txt", ".docx", ".xlsx", ".json", ".jsonl")


def load_path(path: str | Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        check_file(path)
        raise InputError(path, "unsupported", suffix=suffix or path.name)
    if suffix == ".txt":
        from assistant.parsers.seed_txt import parse_seed_text

        doc = parse_seed_text(read_text(path), Source(file=path.name, format="seed-txt"))
    elif suffix in (".json", ".jsonl"):
        from assistant.parsers.json_form import parse_json_text

        doc = parse_json_text(read_text(path), path)
    elif suffix == ".docx":
        check_zip(path)
        from assistant.parsers.docx_tables import parse_docx

        doc = parse_docx(path, Source(file=path.name, format="docx"))
    else:
        check_zip(path)
        from assistant.parsers.xlsx_rows import parse_xlsx

        doc = parse_xlsx(path, Source(file=path.name, format="xlsx"))
    if not doc.tables and doc.department_goals is None:
        raise InputError(path, "no_tables")
    return doc


def load_tables(paths: list[str | Path]) -> tuple[list, list[InputError]]:
    """All tables of several files, plus the errors of the files that could not be read."""
    tables, errors = [], []
    for path in paths:
        try:
            tables.extend(load_path(path).tables)
        except InputError as exc:
            errors.append(exc)
    return tables, errors


__all__ = ["InputError", "SUPPORTED_SUFFIXES", "load_path", "load_tables"]
