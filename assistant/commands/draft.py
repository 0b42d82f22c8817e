"""`draft [--json] [--profile P] (--brief FILE.json | --briefs FILE.jsonl | --text "…" | --name N --budget B --usage U ...)`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import ValidationError

from assistant.drafting import Brief, DraftResult, draft_brief
from assistant.parsers.common import InputError, read_text

MESSAGES = {
    "help": "根据项目简介起草绩效目标表（默认规则起草，配置大模型后由大模型起草并检查）",
    "brief": "项目简介 JSON 文件（键：name, department, year, budget, fiscal, other, usage, profile, id）",
    "briefs": "多个项目简介，每行一个 JSON（.jsonl）",
    "llm": "使用已配置的大模型起草（需设置 ASSISTANT_LLM_BASE_URL 等）",
    "no_llm": "不使用大模型，只用规则起草",
    "text": "用一段话描述项目（如「我们局今年要办一期…培训班，预算15万元，培训200人次」）",
    "need_input": "请提供 --brief、--briefs、--text，或 --name 与 --budget",
    "type": "  {line}",
    "bad_brief": "第 {n} 个项目简介有误：{errors}",
    "bad_json": "{path}：JSON 格式错误（invalid JSON）：{error}",
    "header": "== {name}（{method}）预算 {budget:,.2f} 元，{count} 条指标",
    "goal": "绩效目标：\n{goal}",
    "row": "  {level1}/{level2}/{level3}：{value}　〔来源：{source}〕",
    "note": "  说明：{note}",
    "warning": "  提示：{message}",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("draft", help=MESSAGES["help"])
    p.add_argument("--json", action="store_true")
    p.add_argument("--profile", choices=["hebei-2025", "mof-2021"])
    p.add_argument("--brief", help=MESSAGES["brief"])
    p.add_argument("--briefs", help=MESSAGES["briefs"])
    p.add_argument("--text", help=MESSAGES["text"])
    p.add_argument("--name")
    p.add_argument("--budget", type=float)
    p.add_argument("--fiscal", type=float)
    p.add_argument("--other", type=float)
    p.add_argument("--usage", default="")
    p.add_argument("--department", default="")
    p.add_argument("--year", type=int)
    llm = p.add_mutually_exclusive_group()
    llm.add_argument("--llm", dest="use_llm", action="store_true", default=None, help=MESSAGES["llm"])
    llm.add_argument("--no-llm", dest="use_llm", action="store_false", help=MESSAGES["no_llm"])
    p.set_defaults(func=run)


def _raw_briefs(args) -> list[dict]:
    if args.text:
        from assistant.drafting.describe import brief_fields_from_text

        return [brief_fields_from_text(args.text)]
    if args.brief or args.briefs:
        path = Path(args.brief or args.briefs)
        text = read_text(path)
        try:
            if args.briefs:
                return [json.loads(line) for line in text.splitlines() if line.strip()]
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(path, "bad_json", line=exc.lineno, col=exc.colno) from None
        return data if isinstance(data, list) else [data]
    if args.name is None and args.budget is None:
        return []
    fields = {k: getattr(args, k) for k in ("name", "budget", "fiscal", "other", "usage", "department", "year")}
    return [{k: v for k, v in fields.items() if v is not None}]


def _print(result: DraftResult) -> None:
    table = result.table
    print(MESSAGES["header"].format(name=table.project_name, method=result.method, budget=table.budget.total or 0, count=len(table.indicators)))
    if result.project_type:
        print(MESSAGES["type"].format(line=result.project_type["line"]))
    print(MESSAGES["goal"].format(goal=table.goal))
    for row in table.indicators:
        print(MESSAGES["row"].format(**row.model_dump(include={"level1", "level2", "level3", "value"}), source=row.source))
    type_line = (result.project_type or {}).get("line")
    for note in result.notes:
        if note != type_line:
            print(MESSAGES["note"].format(note=note))
    for finding in result.findings:
        print(MESSAGES["warning"].format(message=finding["message"]))


def run(args) -> int:
    raw = _raw_briefs(args)
    if not raw:
        print(MESSAGES["need_input"], file=sys.stderr)
        return 2
    briefs: list[Brief] = []
    for n, item in enumerate(raw, start=1):
        if args.profile and isinstance(item, dict):
            item = {**item, "profile": args.profile}
        try:
            briefs.append(Brief.model_validate(item))
        except ValidationError as exc:
            errors = "；".join(e["msg"] for e in exc.errors(include_url=False))
            print(MESSAGES["bad_brief"].format(n=n, errors=errors), file=sys.stderr)
            return 2
    from assistant.retrieval.search import Retriever

    retriever = Retriever.open()
    results = [draft_brief(b, retriever, use_llm=args.use_llm) for b in briefs]
    if args.json:
        print(json.dumps([r.table.to_json_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            _print(result)
    return 0
