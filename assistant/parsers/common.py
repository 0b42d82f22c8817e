"""Shared reading helpers: size caps, encodings, clear bilingual errors."""

from __future__ import annotations

import errno
import re
import stat
import zipfile
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024  # a real booklet is well under 1 MB
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # docx/xlsx: refuse zip bombs
MAX_ZIP_RATIO = 200

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")

# User-facing messages (Chinese with the English gist).
MESSAGES = {
    "missing": "文件不存在（file not found）",
    "symlink_loop": "符号链接形成循环，无法打开（symbolic link loop）",
    "not_file": "不是文件（not a regular file）",
    "empty": "文件为空（empty file）",
    "too_big": "文件过大：{size:.1f} MB，上限 {limit} MB（file too large）",
    "binary": "不是文本文件，可能是二进制文件（binary content, not text）",
    "encoding": "无法识别文本编码，请另存为 UTF-8 或 GBK（unknown text encoding）",
    "bad_zip": "文件损坏或不是有效的 Office 文件（not a valid .docx/.xlsx zip）",
    "zip_bomb": "压缩内容异常庞大，疑似压缩炸弹，已拒绝读取（zip bomb suspected）",
    "unsupported": "不支持的文件类型“{suffix}”，支持 .txt .docx .xlsx .json .jsonl（unsupported file type）",
    "no_tables": "未找到绩效目标表（no performance-target table found）",
    "bad_json": "JSON 格式错误：第 {line} 行第 {col} 列（invalid JSON）",
    "bad_table": "第 {index} 个表格式不符：{detail}（table does not match the schema）",
    "too_deep": "内容嵌套层数过深（超过 {limit} 层），不像绩效目标表，已拒绝读取（nesting too deep）",
    "bad_office": "无法读取 {kind} 文件，可能已损坏或不是 {kind} 格式（cannot read the file: {detail}）",
    "exists": "文件已存在，未覆盖；确需覆盖请加 --force（file exists, not overwritten）",
    "export_suffix": "不支持导出为“{suffix}”，请用 .docx .xlsx .json（unsupported export format）",
    "too_long": "第 {index} 个表“{name}”的{field}有 {length} 字，超过 Excel 单元格上限 {limit} 字（text too long for Excel）",
    "no_input_tables": "输入文件中没有可导出的绩效目标表（nothing to export）",
    "no_folder": "输出目录不存在（output folder not found）",
    "write_failed": "无法写入文件：{detail}（cannot write the file）",
    "same_as_input": "输出文件就是输入文件之一，不能用导出结果覆盖输入文件（output would replace an input file）",
}


class InputError(Exception):
    """A file that cannot be read. `str()` names the file and the problem in Chinese and English."""

    def __init__(self, path: str | Path, key: str, **fields: object) -> None:
        self.path = str(path)
        self.key = key
        self.message = MESSAGES[key].format(**fields)
        super().__init__(f"{self.path}：{self.message}")


def check_file(path: Path) -> int:
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(path, "symlink_loop" if exc.errno == errno.ELOOP else "missing") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "not_file")
    size = info.st_size
    if size == 0:
        raise InputError(path, "empty")
    if size > MAX_FILE_BYTES:
        raise InputError(path, "too_big", size=size / 1024 / 1024, limit=MAX_FILE_BYTES // 1024 // 1024)
    return size


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK, refusing binary data."""
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary")
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes almost anything; reject results full of control characters.
        controls = len(re.findall(r"[\x00-\x08\x0e-\x1f\x7f]", text))
        if controls > max(5, len(text) // 100):
            raise InputError(path, "binary")
        return text
    raise InputError(path, "encoding")


def read_text(path: Path) -> str:
    check_file(path)
    return decode_text(path.read_bytes(), path)


def check_zip(path: Path) -> None:
    """Refuse broken archives and zip bombs before python-docx/openpyxl open them."""
    check_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError(path, "bad_zip") from None
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > MAX_UNZIPPED_BYTES or unpacked / packed > MAX_ZIP_RATIO:
        raise InputError(path, "zip_bomb")


XML_DEPTH_LIMIT = 256  # lxml refuses deeper documents unless told XML_PARSE_HUGE


def office_error(path: Path, kind: str, exc: Exception) -> InputError:
    """A python-docx/openpyxl failure as a Chinese message; lxml's English text only as detail,
    never for the nesting limit (a hostile document, not a damaged one)."""
    if "excessive depth" in str(exc).lower():
        return InputError(path, "too_deep", limit=XML_DEPTH_LIMIT)
    return InputError(path, "bad_office", kind=kind, detail=str(exc)[:120])


def squash(text: str | None) -> str:
    """Remove all whitespace: '其中：财政    资金' -> '其中：财政资金' (for label matching)."""
    return re.sub(r"\s+", "", text or "")


def parse_amount(text: str | None) -> float | None:
    """'235000.00' -> 235000.0; blanks -> None."""
    cleaned = squash(text).replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_percent(text: str | None) -> float | None:
    cleaned = squash(text).replace("％", "%").rstrip("%")
    try:
        return float(cleaned) if cleaned else None
    except ValueError:
        return None


def find_year(*texts: str | None, bare: bool = True) -> int | None:
    """The first 'YYYY年' in the texts, else (if `bare`) the first bare year.

    '冀财建【2024】…2025年…' -> 2025; '冀财建【2024】270号…' -> 2024, or None when bare=False.
    """
    patterns = [r"((?:19|20)\d{2})\s*年"] + ([r"((?:19|20)\d{2})"] if bare else [])
    for pattern in patterns:
        for text in texts:
            m = re.search(pattern, text or "")
            if m:
                return int(m.group(1))
    return None
