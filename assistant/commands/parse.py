"""`parse FILE... [--json]`: read tables and print a summary or the JSON array of tables."""

from __future__ import annotations

import json
import sys

from assistant.model import Document
from assistant.parsers import InputError, load_path

MESSAGES = {
    "help": "解析绩效目标表文件（.txt .docx .xlsx .json）",
    "json": "输出 JSON 数组（parse JSON form）",
    "file": "{path}：{tables} 个项目表，{indicators} 条指标，预算合计 {total:,.2f} 元",
    "table": "  {n}. {name}（{code}）预算 {total} 元，{indicators} 条指标{partial}",
    "partial": "，原文不完整",
    "department": "  部门整体绩效目标：{count} 个分项目标，保障措施 {measures} 字",
    "failed": "错误：{error}",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("parse", help=MESSAGES["help"])
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.set_defaults(func=run)


def _summary(path: str, doc: Document) -> str:
    total = sum(t.budget.total or 0 for t in doc.tables)
    lines = [
        MESSAGES["file"].format(
            path=path, tables=len(doc.tables), indicators=sum(len(t.indicators) for t in doc.tables), total=total
        )
    ]
    for n, t in enumerate(doc.tables, start=1):
        lines.append(
            MESSAGES["table"].format(
                n=n,
                name=t.project_name,
                code=t.project_code or "无编码",
                total=f"{t.budget.total:,.2f}" if t.budget.total is not None else "—",
                indicators=len(t.indicators),
                partial=MESSAGES["partial"] if t.source and not t.source.complete else "",
            )
        )
    goals = doc.department_goals
    if goals is not None:
        lines.append(MESSAGES["department"].format(count=len(goals.sub_goals), measures=len(goals.measures)))
    return "\n".join(lines)


def run(args) -> int:
    tables, failed = [], 0
    for path in args.files:
        try:
            doc = load_path(path)
        except InputError as exc:
            print(MESSAGES["failed"].format(error=exc), file=sys.stderr)
            failed += 1
            continue
        tables.extend(doc.tables)
        if not args.json:
            print(_summary(path, doc))
    if args.json:
        print(json.dumps([t.to_json_dict() for t in tables], ensure_ascii=False, indent=2))
    return 1 if failed else 0
