"""`ingest [PATH...] [--rebuild]`: parse files (or folders) into corpus/ in our JSON form, then
bring the search index up to date with corpus/ (incremental; `--rebuild` starts it afresh)."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import corpus
from assistant.parsers import SUPPORTED_SUFFIXES, InputError

MESSAGES = {
    "help": "把文件或文件夹中的绩效目标表加入语料库（corpus/）",
    "added": "已加入：{file}（{tables} 个项目表）",
    "unchanged": "未变化，跳过：{file}",
    "skipped": "跳过：{error}",
    "summary": "共 {files} 个文件：新增或更新 {changed}，未变化 {unchanged}，无法读取 {bad}",
    "paths": "要加入的文件或文件夹；省略时只为现有语料库建立索引",
    "rebuild": "删除现有索引，用当前嵌入模型从语料库重新建立",
    "no_index": "只加入语料库，不建立索引",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help=MESSAGES["help"])
    p.add_argument("paths", nargs="*", help=MESSAGES["paths"])
    p.add_argument("--rebuild", action="store_true", help=MESSAGES["rebuild"])
    p.add_argument("--no-index", action="store_true", help=MESSAGES["no_index"])
    p.set_defaults(func=run)


def expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def run(args) -> int:
    status = add_to_corpus(args.paths) if args.paths else 0
    if args.no_index:
        return status
    from assistant.commands.search import open_retriever

    # Opening brings the index up to date with corpus/ (with a progress bar).
    retriever = open_retriever(progress=True, rebuild=args.rebuild)
    if retriever is None:
        return 2
    report = retriever.last_report
    if report is not None and not (report.documents or report.removed or report.bad or report.notes):
        print(report.summary())
    return status or (1 if report is not None and report.bad else 0)


def add_to_corpus(paths: list[str]) -> int:
    files = expand(paths)
    changed = unchanged = 0
    bad: list[InputError] = []
    for path in files:
        try:
            entry, was_changed = corpus.add_file(path)
        except InputError as exc:
            bad.append(exc)
            print(MESSAGES["skipped"].format(error=exc), file=sys.stderr)
            continue
        if was_changed:
            changed += 1
            print(MESSAGES["added"].format(file=path, tables=len(entry.document.tables)))
        else:
            unchanged += 1
            print(MESSAGES["unchanged"].format(file=path))
    print(MESSAGES["summary"].format(files=len(files), changed=changed, unchanged=unchanged, bad=len(bad)))
    return 1 if bad else 0
