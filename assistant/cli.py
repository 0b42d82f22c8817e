"""`python -m assistant <command>` (console script: `jxmb`). Thin: each command lives in
assistant/commands/<name>.py with `register(subparsers)` and calls services; no logic here."""

from __future__ import annotations

import argparse
import importlib
import sys

from assistant.parsers.common import InputError

COMMANDS = ["parse", "schema", "setup", "ingest", "draft", "export", "llm_serve", "lint", "search", "stats", "chat"]

MESSAGES = {
    "description": "绩效目标表助手：解析、检查、检索、起草与导出（performance-target table assistant）",
    "interrupted": "已中断（interrupted）",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description=MESSAGES["description"])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"assistant.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(MESSAGES["interrupted"], file=sys.stderr)
        return 130
