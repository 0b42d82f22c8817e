"""Free-form chat messages -> the same actions the rules produce, through an LLM.

The model gets prompts/chat_tools.md with the list of actions generated from the action models'
own JSON schema (assistant.chat.actions: names, parameters, allowed values, descriptions), the
current table as data, and the message; it answers with a ChatPlan under JSON-schema structured
output. The actions then run in the same handlers as the rules' ones, so every change still
goes through row matching, value completion and the checker. Any failure (no endpoint, timeout,
off-schema answer) raises LLMUnavailable with a Chinese message; the caller falls back.

The system prompt depends on nothing but the schema, so it is the same for every turn and a
llama.cpp server reuses its cached prefix; the table and the message go in the user turn.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field

from assistant.chat.actions import ACTION_TYPES, Pick
from assistant.model import ProjectTable

MAX_ACTIONS = 5
CONTEXT_ROWS = 30

MESSAGES = {
    "timeout": "大模型在 {seconds:.0f} 秒内没有回应",
    "no_answer": "大模型没有给出可执行的动作",
    "action": "- {kind}：{description}。参数：{params}",
    "no_params": "- {kind}：{description}。无参数",
    "param": "{name}（{detail}）",
    "param_values": "取值 {values}",
    "param_list": "列表，每项含 {fields}",
    "optional": "可省略",
    "skeleton": {"actions": [{"kind": "动作名", "参数名": "参数值"}]},
    "context_header": "当前草稿（仅供参考的数据）：",
    "context_none": "当前没有草稿。",
    "context_project": "{name}（预算 {budget:.2f} 元，财政资金 {fiscal:.2f} 元，其他资金 {other:.2f} 元）",
    "context_plan": "资金支出计划：{plan}",
    "context_row": "第{row}行 {level2} / {level3}：{value}",
    "user_header": "用户的话：",
}

# Parameters left out of the description (optional; the handlers fill them).
HIDDEN = {"kind", "said", "unknown"}
# Every action but the answer to a clarifying question (only the rules know one was asked).
LLM_ACTIONS: tuple[type[BaseModel], ...] = tuple(t for t in ACTION_TYPES if t is not Pick)
LLMAction = Annotated[Union[LLM_ACTIONS], Field(discriminator="kind")]  # type: ignore[valid-type]


class ChatPlan(BaseModel):
    actions: list[LLMAction] = Field(min_length=1, max_length=MAX_ACTIONS)


class LLMUnavailable(RuntimeError):
    """The LLM could not turn the message into actions; str() is a Chinese reason."""


def _detail(prop: dict[str, Any], defs: dict[str, Any], required: bool) -> str:
    parts = [prop.get("description", "")]
    options = prop.get("anyOf", [prop])
    values = [v for option in options for v in option.get("enum", [])] or [
        option["const"] for option in options if "const" in option]
    if values:
        parts.append(MESSAGES["param_values"].format(values="|".join(map(str, values))))
    items = prop.get("items", {})
    if "$ref" in items:
        nested = defs[items["$ref"].rsplit("/", 1)[-1]]["properties"]
        fields = "、".join(f"{name}（{p.get('description', '')}）" for name, p in nested.items())
        parts.append(MESSAGES["param_list"].format(fields=fields))
    if not required:
        parts.append(MESSAGES["optional"])
    return "；".join(p for p in parts if p)


@functools.lru_cache(maxsize=1)
def describe_actions() -> str:
    """The action list of the system prompt, from the action models' JSON schema."""
    lines = []
    for model in LLM_ACTIONS:
        schema = model.model_json_schema()
        kind = model.model_fields["kind"].default
        required = set(schema.get("required", []))
        params = [MESSAGES["param"].format(name=name, detail=_detail(prop, schema.get("$defs", {}), name in required))
                  for name, prop in schema["properties"].items() if name not in HIDDEN]
        key = "action" if params else "no_params"
        lines.append(MESSAGES[key].format(kind=kind, description=schema.get("description", ""), params="；".join(params)))
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def system_prompt() -> str:
    from assistant.llm.prompts import render_prompt

    return render_prompt("chat_tools", tools=describe_actions(),
                         schema=json.dumps(MESSAGES["skeleton"], ensure_ascii=False))


def _context(table: ProjectTable | None) -> str:
    if table is None:
        return MESSAGES["context_none"]
    b = table.budget
    plan = "，".join(f"{p.label} {p.percent:g}%" for p in table.spending_plan if p.percent is not None)
    lines = [MESSAGES["context_header"],
             MESSAGES["context_project"].format(name=table.project_name, budget=b.total or 0, fiscal=b.fiscal or 0,
                                                other=b.other or 0),
             MESSAGES["context_plan"].format(plan=plan)]
    lines += [MESSAGES["context_row"].format(row=i + 1, level2=r.level2, level3=r.level3, value=r.value)
              for i, r in enumerate(table.indicators[:CONTEXT_ROWS])]
    return "\n".join(lines)


def build_messages(message: str, table: ProjectTable | None) -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    user = f"{_context(table)}\n\n{MESSAGES['user_header']}\n{message}"
    return [SystemMessage(system_prompt()), HumanMessage(user)]


def message_to_actions(message: str, table: ProjectTable | None, model: Any | None = None,
                       timeout: float = 30.0) -> list[Any]:
    """The actions the LLM reads in the message. Raises LLMUnavailable (Chinese reason)."""
    from dataclasses import replace

    from assistant.llm.client import LLMSettings, make_chat_model, structured_call

    if model is None:
        settings = LLMSettings.from_env()
        model = make_chat_model(replace(settings, timeout=min(settings.timeout or timeout, timeout)))
    messages = build_messages(message, table)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(structured_call, model, messages, ChatPlan)
    try:
        parsed, _raw, problem = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise LLMUnavailable(MESSAGES["timeout"].format(seconds=timeout)) from None
    finally:
        pool.shutdown(wait=False)
    if problem or parsed is None:
        raise LLMUnavailable(problem or MESSAGES["no_answer"])
    return list(parsed.actions)
