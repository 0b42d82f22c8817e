"""`export FILE... --to OUT.docx|OUT.xlsx|OUT.json [--force] [--title TITLE]`: the tables of all
input files into one Word booklet, Excel workbook or JSON file (format by OUT's extension)."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.export import export_tables
from assistant.parsers import load_tables
from assistant.parsers.common import InputError

MESSAGES = {
    "help": "导出绩效目标表为 Word 汇编、Excel 表或 JSON（export tables to .docx/.xlsx/.json）",
    "files": "输入文件（.txt .docx .xlsx .json），可多个",
    "to": "输出文件，格式由扩展名决定：.docx .xlsx .json",
    "force": "覆盖已存在的输出文件",
    "title": "Word 汇编的总标题，如“某某局2025年项目支出绩效目标表”",
    "failed": "错误：{error}",
    "not_written": "有输入文件无法读取，未导出（nothing written: some inputs could not be read）",
    "done": "已导出 {tables} 个项目表、{indicators} 条指标到 {path}",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help=MESSAGES["help"])
    p.add_argument("files", nargs="+", help=MESSAGES["files"])
    p.add_argument("--to", required=True, metavar="OUT", help=MESSAGES["to"])
    p.add_argument("--force", action="store_true", help=MESSAGES["force"])
    p.add_argument("--title", default=None, help=MESSAGES["title"])
    p.set_defaults(func=run)


def run(args) -> int:
    target = Path(args.to).resolve()
    if any(Path(f).resolve() == target for f in args.files):  # --force must not replace an input
        raise InputError(args.to, "same_as_input")
    tables, errors = load_tables(args.files)
    for error in errors:
        print(MESSAGES["failed"].format(error=error), file=sys.stderr)
    if errors:
        # Never write a booklet that silently lacks the tables of an unreadable file.
        print(MESSAGES["not_written"], file=sys.stderr)
        return 2
    if not tables:
        raise InputError(", ".join(args.files), "no_input_tables")
    path = export_tables(tables, args.to, overwrite=args.force, department_title=args.title)
    indicators = sum(len(t.indicators) for t in tables)
    print(MESSAGES["done"].format(tables=len(tables), indicators=indicators, path=path))
    return 0
