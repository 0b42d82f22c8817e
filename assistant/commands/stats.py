"""`stats [--json] NAME...`: the values past tables set for an indicator name or a 二级 category."""

from __future__ import annotations

import json
import sys

from assistant.commands.search import open_retriever

MESSAGES = {
    "help": "统计语料库中某个指标或二级指标的指标值分布（供审核参考）",
    "names": "指标名称或二级指标，如 服务对象满意度、时效指标",
    "json": "以 JSON 输出",
    "error": "错误：{error}",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("stats", help=MESSAGES["help"])
    p.add_argument("names", nargs="+", metavar="NAME", help=MESSAGES["names"])
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.retrieval.search import RetrievalError
    from assistant.retrieval.stats import value_stats

    retriever = open_retriever()
    if retriever is None:
        return 2
    failed = 0
    results = []
    for name in args.names:
        try:
            stats = value_stats(retriever, name)
        except RetrievalError as exc:
            failed += 1
            print(MESSAGES["error"].format(error=exc), file=sys.stderr)
            continue
        results.append(stats)
        if not args.json:
            print(stats.summary())
    if args.json:
        print(json.dumps([s.model_dump(mode="json") for s in results], ensure_ascii=False, indent=1))
    return 1 if failed else 0
