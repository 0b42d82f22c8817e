"""`chat [--table FILE] [--profile P] [--json]`: the page's chat in a terminal.

One message per line from standard input (with a prompt when it is a terminal); each reply is
printed, or with --json one object per message:
{"reply": str, "action": str, "table": <the table in the JSON form or null>, "findings": [...]}.
`--table` starts from the first table of any file `parse` reads. End of input ends the session.
Drafts are saved under the data folder like the page's; nothing is written anywhere else (the
retrieval index is used when it exists, never built from here).
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

from assistant.parsers import load_path

MESSAGES = {
    "help": "在终端中与助手对话（每行一条消息；--json 每条回复输出一个 JSON 对象）",
    "table": "从该文件的第一个项目表开始（.txt .docx .xlsx .json）",
    "profile": "指标框架：hebei-2025 或 mof-2021",
    "json": "每条消息输出一行 JSON：reply, action, table, findings",
    "no_table": "{path}：文件中没有项目表",
    "prompt": "您> ",
    "failed": "错误：{error}",
    "bye": "再见。草稿已保存，可在网页版「我的草稿」中打开。",
}


def register(subparsers) -> None:
    p = subparsers.add_parser("chat", help=MESSAGES["help"])
    p.add_argument("--table", metavar="FILE", help=MESSAGES["table"])
    p.add_argument("--profile", help=MESSAGES["profile"])
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.set_defaults(func=run)


def _owner() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:local"


def finding_json(finding: Any) -> dict[str, Any]:
    return {**finding.model_dump(), "row": None if finding.row is None else finding.row + 1}


def reply_json(reply: Any) -> str:
    return json.dumps({"reply": reply.text, "action": reply.action,
                       "table": reply.table.to_json_dict() if reply.table is not None else None,
                       "findings": [finding_json(f) for f in reply.findings]}, ensure_ascii=False)


def run(args) -> int:
    from assistant.chat.service import ChatBackend, ChatService
    from assistant.checks.profiles import get_profile

    if args.profile:
        try:
            get_profile(args.profile)
        except ValueError as exc:  # an unknown profile, in Chinese
            print(MESSAGES["failed"].format(error=exc), file=sys.stderr)
            return 2
    table = None
    if args.table:
        document = load_path(args.table)  # an unreadable file: InputError, printed by the CLI
        if not document.tables:
            print(MESSAGES["failed"].format(error=MESSAGES["no_table"].format(path=args.table)), file=sys.stderr)
            return 2
        table = document.tables[0]
    chat = ChatService(ChatBackend(profile=args.profile, build_index=False), _owner(), markdown=False)
    interactive = sys.stdin.isatty() and not args.json
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    if table is not None:
        _emit(chat.start_from_table(table), args.json, quiet=args.json)
    elif interactive:
        print(chat.history[0]["content"])
    while True:
        if interactive:
            print(MESSAGES["prompt"], end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        _emit(chat.handle(line.rstrip("\r\n")), args.json)
    if interactive:
        print("\n" + MESSAGES["bye"])
    return 0


def _emit(reply: Any, as_json: bool, quiet: bool = False) -> None:
    """Print one reply (with --json the opening of --table prints nothing: one line per message)."""
    if as_json:
        if not quiet:
            print(reply_json(reply), flush=True)
        return
    print(reply.text + "\n", flush=True)
