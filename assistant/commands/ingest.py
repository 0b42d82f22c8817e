"""`ingest PATH...`: parse files (or folders), store them in corpus/ in our JSON form."""

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
}


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help=MESSAGES["help"])
    p.add_argument("paths", nargs="+")
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
    files = expand(args.paths)
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
