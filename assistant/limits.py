"""Size limits on what users send, each with a clear Chinese message.

A real 绩效目标表 has a few dozen indicators and a department's booklet a few dozen projects, so
the limits sit far above real use and far below what would let one user's file or table slow
the page for everyone (parse time, checker runs and saves grow with the table).

    problem = table_problem(table)      # None, or the Chinese message
    document = read_upload(path)        # load_path with the upload limits; raises InputError

An upload is read in a separate, low-priority process (`read_upload`): parsing a large file is
CPU work that, in the app's process, would hold the interpreter lock and slow every other
user's requests (measured: bench/bench_isolation.py).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

from assistant.model import Document, ProjectTable
from assistant.parsers.common import InputError

MAX_INDICATORS = 300  # rows of one table
MAX_TABLES = 50  # project tables in one uploaded file
MAX_UPLOAD_CHARS = 1_000_000  # characters of an uploaded .txt/.json, or of its tables' text
MAX_UPLOAD_UNZIPPED = 40 * 1024 * 1024  # a .docx/.xlsx upload, unpacked (Word's XML: ~10 KB a row)
MAX_SHEET_ROWS = 5_000  # rows in all sheets of an uploaded .xlsx (50 tables of ~30 rows is 1,500)
MAX_JSON_DEPTH = 32  # our JSON form nests 5 deep
UPLOAD_SECONDS = 30  # reading one upload, at most
UPLOAD_WORKERS = 2
UPLOAD_WORKER_START_SECONDS = 300  # a new worker's start-up (it imports the app), waited for apart from reading

MESSAGES = {
    "indicators": "指标过多：共 {n} 个，每张表最多 {limit} 个。请删减或拆分为多个项目表。",
    "tables": "文件中的项目表过多：共 {n} 个，每个文件最多 {limit} 个。请拆分后分别上传。",
    "chars": "文件内容过长：约 {n:,} 字，上限 {limit:,} 字。",
    "unzipped": "文件解压后过大：{size:.1f} MB，上限 {limit} MB。",
    "rows": "工作表行数过多：共约 {n:,} 行，上限 {limit:,} 行。请删减或拆分后分别上传。",
    "timeout": "文件过大或过于复杂，{seconds} 秒内未能读完，已停止。请拆分后分别上传。",
}


class LimitError(InputError):
    """An upload refused by a limit, or by the parser in the worker process: an InputError
    carrying its message (InputError itself, built from a key, does not cross processes)."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path, self.key, self.message = str(path), "upload", message
        Exception.__init__(self, f"{self.path}：{message}")


def _refuse(path: str | Path, key: str, **fields: object) -> LimitError:
    return LimitError(path, MESSAGES[key].format(**fields))


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


_pool = None
_pool_lock = threading.Lock()


def _close_pool(pool) -> None:
    """Stop the upload workers at exit (a pool left to the garbage collector complains at shutdown)."""
    pool.terminate()
    pool.join()


def _start_worker() -> None:
    """A worker runs at the lowest priority and has its parsers loaded before the first file."""
    os.nice(19)
    import assistant.parsers.docx_tables  # noqa: F401
    import assistant.parsers.json_form  # noqa: F401
    import assistant.parsers.seed_txt  # noqa: F401
    import assistant.parsers.xlsx_rows  # noqa: F401
    import assistant.values  # noqa: F401  (the value parser every indicator uses)


def _workers():
    """The upload worker pool and the pending result that says its first worker is up (started
    on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            pool = multiprocessing.get_context("spawn").Pool(UPLOAD_WORKERS, initializer=_start_worker)
            atexit.register(_close_pool, pool)
            _pool = (pool, pool.apply_async(os.getpid))
        return _pool


def start_upload_workers() -> None:
    """Start the upload workers ahead of the first upload (returns at once)."""
    _workers()


def read_upload(path: Path, seconds: float = UPLOAD_SECONDS) -> Document:
    """Read an uploaded file within the limits, in a worker process at lower priority; a file
    that takes longer than `seconds` is given up (the worker is replaced)."""
    global _pool
    workers = _workers()
    pool, up = workers
    # Starting a worker (at the lowest priority, on a busy machine) is not reading the file:
    # wait until one is up, so the reading limit below counts the reading only.
    try:
        up.get(UPLOAD_WORKER_START_SECONDS)
        document, error = pool.apply_async(_read_upload_in_worker, (str(path),)).get(seconds)
    except multiprocessing.TimeoutError:
        with _pool_lock:
            if _pool is workers:
                _pool = None
        pool.terminate()
        raise _refuse(path, "timeout", seconds=int(seconds)) from None
    if error is not None:
        raise LimitError(path, error)
    return document


def _read_upload_in_worker(path: str) -> tuple[Document | None, str | None]:
    try:
        return _read_upload(Path(path)), None
    except InputError as exc:
        return None, exc.message


def _sheet_rows(archive: zipfile.ZipFile) -> int:
    """Rows in the workbook's sheets, counted in the raw XML (fast; openpyxl would build them all)."""
    rows = 0
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as sheet:
                tail = b""
                while chunk := sheet.read(1 << 20):
                    rows += (tail + chunk).count(b"<row")
                    tail = chunk[-3:]
    return rows


def _read_upload(path: Path) -> Document:
    """Read an uploaded file within the limits (cheap checks before parsing, then the result)."""
    from assistant.parsers import load_path

    suffix = path.suffix.lower()
    if suffix in (".docx", ".xlsx"):
        try:
            with zipfile.ZipFile(path) as archive:
                unzipped = sum(info.file_size for info in archive.infolist())
                if unzipped > MAX_UPLOAD_UNZIPPED:
                    raise _refuse(path, "unzipped", size=unzipped / 1024 / 1024,
                                  limit=MAX_UPLOAD_UNZIPPED // 1024 // 1024)
                rows = _sheet_rows(archive) if suffix == ".xlsx" else 0
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile):
            rows = 0  # load_path reports the broken archive
        if rows > MAX_SHEET_ROWS:
            raise _refuse(path, "rows", n=rows, limit=MAX_SHEET_ROWS)
    elif path.stat().st_size > MAX_UPLOAD_CHARS:  # bytes ≥ characters; decode only when it may be too long
        from assistant.parsers.common import read_text

        n = len(read_text(path))
        if n > MAX_UPLOAD_CHARS:
            raise _refuse(path, "chars", n=n, limit=MAX_UPLOAD_CHARS)
    document = load_path(path)
    if len(document.tables) > MAX_TABLES:
        raise _refuse(path, "tables", n=len(document.tables), limit=MAX_TABLES)
    for table in document.tables:
        if len(table.indicators) > MAX_INDICATORS:
            raise _refuse(path, "indicators", n=len(table.indicators), limit=MAX_INDICATORS)
    n = _text_chars(document)
    if n > MAX_UPLOAD_CHARS:
        raise _refuse(path, "chars", n=n, limit=MAX_UPLOAD_CHARS)
    return document
