"""`schema`: print the JSON Schema of the table JSON form."""

from __future__ import annotations

import json

from assistant.model import ProjectTable

MESSAGES = {"help": "输出项目表 JSON 格式的 JSON Schema"}


def register(subparsers) -> None:
    p = subparsers.add_parser("schema", help=MESSAGES["help"])
    p.set_defaults(func=run)


def run(args) -> int:
    schema = ProjectTable.model_json_schema(mode="serialization")
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0
