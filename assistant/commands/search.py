"""`search [--json] [-k N] [--kind project|indicator] [--level1 X] [--level2 X] [--department X]
[--year Y] QUERY...`: find similar past projects and indicators; the model loads once."""

from __future__ import annotations

import json
import sys

MESSAGES = {
    "help": "在语料库中查找相似的项目和指标（可一次查询多条）",
    "queries": "查询内容，可以写多条",
    "json": "以 JSON 输出：[{query, hits: [...]}]",
    "k": "每条查询返回的结果数（默认 10）",
    "kind": "只查项目（project）或只查指标（indicator）",
    "level1": "只查这个一级指标下的指标，如 产出指标",
    "level2": "只查这个二级指标下的指标，如 时效指标",
    "department": "只查部门名称包含此文字的表",
    "year": "只查这一年的表",
    "mode": "检索方式：hybrid（默认，语义+关键词）、dense（语义）、lexical（关键词）",
    "query": "查询：{query}",
    "none": "  （没有找到结果）",
    "project": "  {n}. [项目] {name}（{department} {year}）  相关度 {score:.4f}\n     来源：{file} 表{table}",
    "indicator": "  {n}. [指标] {level1} / {level2} / {level3} = {value}  相关度 {score:.4f}\n"
    "     项目：{project}；来源：{file} 表{table} 第{row}行",
    "error": "错误：{error}",
}


def open_retriever(progress: bool = False, rebuild: bool = False):
    """The Retriever for a CLI command, or None after printing why it cannot open (Chinese)."""
    from assistant.retrieval.embeddings import EmbeddingModelError
    from assistant.retrieval.search import Retriever
    from assistant.retrieval.store import StoreError

    try:
        retriever = Retriever.open(progress=progress, rebuild=rebuild)
    except (EmbeddingModelError, StoreError) as exc:
        print(MESSAGES["error"].format(error=exc), file=sys.stderr)
        return None
    for note in retriever.notes:
        print(note, file=sys.stderr)
    return retriever


def register(subparsers) -> None:
    p = subparsers.add_parser("search", help=MESSAGES["help"])
    p.add_argument("queries", nargs="+", metavar="QUERY", help=MESSAGES["queries"])
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.add_argument("-k", type=int, default=10, help=MESSAGES["k"])
    p.add_argument("--kind", choices=["project", "indicator"], help=MESSAGES["kind"])
    p.add_argument("--level1", help=MESSAGES["level1"])
    p.add_argument("--level2", help=MESSAGES["level2"])
    p.add_argument("--department", help=MESSAGES["department"])
    p.add_argument("--year", help=MESSAGES["year"])
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid", help=MESSAGES["mode"])
    p.set_defaults(func=run)


def _print_hits(query: str, hits) -> None:
    print(MESSAGES["query"].format(query=query))
    if not hits:
        print(MESSAGES["none"])
    for n, hit in enumerate(hits, start=1):
        if hit.kind == "project":
            print(MESSAGES["project"].format(n=n, name=hit.project_name, department=hit.department, year=hit.year or "",
                                             score=hit.score, file=hit.source.file, table=hit.source.table))
        else:
            print(MESSAGES["indicator"].format(n=n, level1=hit.level1, level2=hit.level2, level3=hit.level3,
                                               value=hit.value, score=hit.score, project=hit.project_name,
                                               file=hit.source.file, table=hit.source.table, row=hit.source.row))


def run(args) -> int:
    from assistant.retrieval.search import MESSAGES as SEARCH_MESSAGES
    from assistant.retrieval.search import RetrievalError, prepare_query

    retriever = open_retriever()
    if retriever is None:
        return 2
    valid: list[str] = []
    results: dict[int, dict] = {}
    for i, query in enumerate(args.queries):
        try:
            prepared = prepare_query(query)
        except RetrievalError as exc:
            results[i] = {"query": query, "error": str(exc), "hits": []}
            continue
        if prepared.truncated:
            print(SEARCH_MESSAGES["truncated"].format(length=prepared.original_length, limit=len(prepared.text)), file=sys.stderr)
        valid.append(query)
    filters = dict(kind=args.kind, level1=args.level1, level2=args.level2, department=args.department, year=args.year)
    try:
        found = retriever.search_many(valid, args.k, mode=args.mode, **filters) if valid else []
    except RetrievalError as exc:
        print(MESSAGES["error"].format(error=exc), file=sys.stderr)
        return 2
    hits_of = iter(found)
    output = [results.get(i) or {"query": q, "hits": next(hits_of)} for i, q in enumerate(args.queries)]
    if args.json:
        payload = [{"query": o["query"], "hits": [h.brief() for h in o["hits"]], **({"error": o["error"]} if "error" in o else {})}
                   for o in output]
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for o in output:
            if "error" in o:
                print(MESSAGES["query"].format(query=o["query"]))
                print("  " + MESSAGES["error"].format(error=o["error"]))
            else:
                _print_hits(o["query"], o["hits"])
    return 1 if results else 0
