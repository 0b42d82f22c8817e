"""Prompt templates live as files in `prompts/` (project root), so wording can be reviewed and
changed without touching code. Placeholders are `{name}` (str.format); a literal brace in a
template is written `{{` / `}}`.

Templates and their placeholders:
  draft_system  schema  (otherwise constant, so the server's prompt cache keeps it)
  draft_user    name, department, year, budget, usage, fixed, examples, slots, profile
  reask         findings
  chat_tools    tools, schema
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from assistant import config

PROMPTS_DIR = config.ROOT / "prompts"
_NAME = re.compile(r"[a-z0-9_]+")

MESSAGES = {
    "bad_name": "提示词模板名称不合法：{name}（invalid prompt name）",
    "missing": "找不到提示词模板：{path}（prompt template not found）",
    "missing_field": "提示词模板 {name} 缺少填充值：{fields}（missing placeholder values）",
}


class PromptError(LookupError):
    pass


def prompt_path(name: str, directory: Path | None = None) -> Path:
    if not _NAME.fullmatch(name):
        raise PromptError(MESSAGES["bad_name"].format(name=name))
    return (directory or PROMPTS_DIR) / f"{name}.md"


def load_prompt(name: str, directory: Path | None = None) -> str:
    """The raw template text of prompts/<name>.md."""
    path = prompt_path(name, directory)
    try:
        return path.read_text(encoding="utf-8").strip() + "\n"
    except FileNotFoundError:
        raise PromptError(MESSAGES["missing"].format(path=path)) from None


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render_prompt(prompt_name: str, directory: Path | None = None, /, **values: object) -> str:
    """The template with every placeholder filled; a missing value is an error, not a
    silently empty slot. Values are inserted as-is (never re-parsed as template text).
    The first two parameters are positional-only so that `name=` can be a placeholder."""
    template = load_prompt(prompt_name, directory)
    missing = sorted(placeholders(template) - values.keys())
    if missing:
        raise PromptError(MESSAGES["missing_field"].format(name=prompt_name, fields="、".join(missing)))
    return template.format_map(values)
