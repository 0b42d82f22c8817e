"""Size limits on what users send, each with a clear Chinese message.

A real 绩效目标表 has a few dozen indicators and a department's booklet a few dozen projects, so
the limits sit far above real use and far below what would let one user's file or table slow
the page for everyone (parse time, checker runs and saves grow with the table).

    problem = table_problem(table)      # None, or the Chinese message
    document = read_upload(path)        # load_path with the upload limits; raises LimitError
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from assistant.model import Document, ProjectTable
from assistant.parsers.common import InputError

MAX_INDICATORS = 300  # rows of one table
MAX_TABLES = 50  # project tables in one uploaded file
MAX_UPLOAD_CHARS = 1_000_000  # characters of an uploaded .txt/.json, or of its tables' text
MAX_UPLOAD_UNZIPPED = 40 * 1024 * 1024  # a .docx/.xlsx upload, unpacked (Word's XML: ~10 KB a row)
MAX_JSON_DEPTH = 32  # our JSON form nests 5 deep

MESSAGES = {
    "indicators": "指标过多：共 {n} 个，每张表最多 {limit} 个。请删减或拆分为多个项目表。",
    "tables": "文件中的项目表过多：共 {n} 个，每个文件最多 {limit} 个。请拆分后分别上传。",
    "chars": "文件内容过长：约 {n:,} 字，上限 {limit:,} 字。",
    "unzipped": "文件解压后过大：{size:.1f} MB，上限 {limit} MB。",
}


class LimitError(InputError):
    """A file beyond a limit: an InputError whose message comes from this module."""

    def __init__(self, path: str | Path, key: str, **fields: object) -> None:
        self.path, self.key = str(path), key
        self.message = MESSAGES[key].format(**fields)
        Exception.__init__(self, f"{self.path}：{self.message}")


def json_depth(data: Any) -> int:
    """Nesting depth of parsed JSON (a scalar is 0), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def table_problem(table: ProjectTable) -> str | None:
    n = len(table.indicators)
    return MESSAGES["indicators"].format(n=n, limit=MAX_INDICATORS) if n > MAX_INDICATORS else None


def _text_chars(document: Document) -> int:
    return sum(len(value) for table in document.tables for value in _texts(table.to_json_dict()))


def _texts(data: Any):
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_upload(path: Path) -> Document:
    """Read an uploaded file within the limits (cheap checks before parsing, then the result)."""
    from assistant.parsers import load_path

    suffix = path.suffix.lower()
    if suffix in (".docx", ".xlsx"):
        try:
            with zipfile.ZipFile(path) as archive:
                unzipped = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, EOFError):
            unzipped = 0  # load_path reports the broken archive
        if unzipped > MAX_UPLOAD_UNZIPPED:
            raise LimitError(path, "unzipped", size=unzipped / 1024 / 1024, limit=MAX_UPLOAD_UNZIPPED // 1024 // 1024)
    elif path.stat().st_size > MAX_UPLOAD_CHARS:  # bytes ≥ characters; decode only when it may be too long
        from assistant.parsers.common import read_text

        n = len(read_text(path))
        if n > MAX_UPLOAD_CHARS:
            raise LimitError(path, "chars", n=n, limit=MAX_UPLOAD_CHARS)
    document = load_path(path)
    if len(document.tables) > MAX_TABLES:
        raise LimitError(path, "tables", n=len(document.tables), limit=MAX_TABLES)
    for table in document.tables:
        if len(table.indicators) > MAX_INDICATORS:
            raise LimitError(path, "indicators", n=len(table.indicators), limit=MAX_INDICATORS)
    n = _text_chars(document)
    if n > MAX_UPLOAD_CHARS:
        raise LimitError(path, "chars", n=n, limit=MAX_UPLOAD_CHARS)
    return document
