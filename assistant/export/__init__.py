"""Export project tables: `export_tables(tables, path)` picks Word, Excel or JSON by the extension.

The target is never overwritten unless asked (`overwrite=True`), and is written atomically: the
writer fills a temporary file next to it, which then takes the target's name in one step, so a
failed export leaves no half-written file behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Sequence

from assistant.model import ProjectTable
from assistant.parsers.common import InputError

EXPORT_SUFFIXES = (".docx", ".xlsx", ".json")


def _writer(suffix: str, department_title: str | None) -> Callable[[Sequence[ProjectTable], Path], None]:
    if suffix == ".docx":
        from assistant.export.docx_booklet import write_docx

        return lambda tables, path: write_docx(tables, path, department_title=department_title)
    if suffix == ".xlsx":
        from assistant.export.xlsx_workbook import write_xlsx

        return write_xlsx
    from assistant.export.json_file import write_json

    return write_json


def export_tables(
    tables: Sequence[ProjectTable],
    path: str | Path,
    *,
    overwrite: bool = False,
    department_title: str | None = None,
) -> Path:
    """Write `tables` to `path` (.docx booklet, .xlsx workbook or .json); returns the path.

    Raises InputError: unsupported extension (export_suffix), missing folder (no_folder),
    existing file without overwrite (exists), text too long for an Excel cell (too_long), an
    operating-system failure while writing (write_failed).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(path, "export_suffix", suffix=suffix or path.name)
    if not path.parent.is_dir():
        raise InputError(path.parent, "no_folder")
    if path.exists() and not overwrite:
        raise InputError(path, "exists")
    write = _writer(suffix, department_title)
    temp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{suffix}")
    try:
        write(tables, temp)
        if overwrite:
            os.replace(temp, path)
        else:
            _move_without_overwrite(temp, path)
    except OSError as exc:  # read-only folder, disk full, target is a folder…
        raise InputError(path, "write_failed", detail=exc.strerror or type(exc).__name__) from None
    finally:
        temp.unlink(missing_ok=True)
    return path


def _move_without_overwrite(temp: Path, path: Path) -> None:
    """Give `temp` the name `path` unless a file appeared there meanwhile (os.link refuses)."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise InputError(path, "exists") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise InputError(path, "exists") from None
        os.replace(temp, path)


__all__ = ["EXPORT_SUFFIXES", "export_tables"]
