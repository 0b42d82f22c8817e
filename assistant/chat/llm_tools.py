"""Free-form chat messages -> the same actions the rules produce, through an LLM.

The model gets prompts/chat_tools.md (the action list and a JSON skeleton) and answers with a
ChatPlan under JSON-schema structured output; the actions are then run by ChatService exactly
like parsed ones, so every change still goes through the checker. Any failure (no endpoint,
timeout, off-schema answer) raises LLMUnavailable with a Chinese message; the caller falls
back to the rules.
"""

from __future__ import annotations

import concurrent.futures
import json
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, Field

from assistant.chat.intents import Action
from assistant.model import ProjectTable

MAX_ACTIONS = 5
CONTEXT_ROWS = 30

MESSAGES = {
    "timeout": "大模型在 {seconds:.0f} 秒内没有回应",
    "no_answer": "大模型没有给出可执行的动作",
    "tools": [
        "draft(text)：根据用户对新项目的描述起草整张表；text 为用户的原话",
        "set_value(target, field, value)：修改一个指标；target 为表中三级指标名称或「第N行」；field 取 value（指标值）、"
        "basis（指标值确定依据）、description（绩效指标描述）、level3（指标名称），默认 value",
        "set_header(field, value)：修改表头；field 取 project_name（项目名称）、fund_use（资金用途）、goal（绩效目标）、"
        "department（单位）",
        "set_budget(part, amount)：修改金额；part 取 total（预算数）、fiscal（财政资金）、other（其他资金）；amount 单位为元",
        "set_plan(label, percent)：修改资金支出计划；label 如「6月底」，percent 为累计百分比数字",
        "add(level2, level3, value)：增加指标；level2 为二级指标名称（如 时效指标），level3 为名称，value 为指标值",
        "remove(target)：删除指标；target 为三级指标名称或「第N行」",
        "undo()：撤销上一步",
        "check()：检查当前草稿",
        "export(format)：导出；format 取 docx、xlsx、json",
        "ask(question, mode, topic, level2)：检索语料回答问题；mode 取 similar（类似指标）、stats（取值统计）、"
        "projects（类似项目）",
        "clarify(question)：信息不足时向用户追问，question 为一句中文",
        "respond(text)：与绩效目标表无关或无需操作时直接回复一句中文",
    ],
    "skeleton": {"actions": [{"kind": "动作名", "参数名": "参数值"}]},
    "context_header": "当前草稿（仅供参考的数据）：",
    "context_none": "当前没有草稿。",
    "context_project": "{name}（预算 {budget:.2f} 元）",
    "context_row": "第{row}行 {level2} / {level3}：{value}",
    "user_header": "用户的话：",
}


class Clarify(BaseModel):
    kind: Literal["clarify"] = "clarify"
    question: str = Field(max_length=300)


class Respond(BaseModel):
    kind: Literal["respond"] = "respond"
    text: str = Field(max_length=600)


# The rules' actions plus the two only an LLM chooses.
_RULE_ACTIONS = get_args(get_args(Action)[0])
LLMAction = Annotated[Union[(*_RULE_ACTIONS, Clarify, Respond)], Field(discriminator="kind")]


class ChatPlan(BaseModel):
    actions: list[LLMAction] = Field(min_length=1, max_length=MAX_ACTIONS)


class LLMUnavailable(RuntimeError):
    """The LLM could not turn the message into actions; str() is a Chinese reason."""


def _context(table: ProjectTable | None) -> str:
    if table is None:
        return MESSAGES["context_none"]
    lines = [MESSAGES["context_header"],
             MESSAGES["context_project"].format(name=table.project_name, budget=table.budget.total or 0)]
    lines += [MESSAGES["context_row"].format(row=i + 1, level2=r.level2, level3=r.level3, value=r.value)
              for i, r in enumerate(table.indicators[:CONTEXT_ROWS])]
    return "\n".join(lines)


def build_messages(message: str, table: ProjectTable | None) -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    from assistant.llm.prompts import render_prompt

    system = render_prompt("chat_tools", tools="\n".join(f"- {t}" for t in MESSAGES["tools"]),
                           schema=json.dumps(MESSAGES["skeleton"], ensure_ascii=False))
    user = f"{_context(table)}\n\n{MESSAGES['user_header']}\n{message}"
    return [SystemMessage(system), HumanMessage(user)]


def message_to_actions(message: str, table: ProjectTable | None, model: Any | None = None,
                       timeout: float = 30.0) -> list[Any]:
    """The actions the LLM reads in the message. Raises LLMUnavailable (Chinese reason)."""
    from dataclasses import replace

    from assistant.llm.client import LLMSettings, make_chat_model, structured_call

    if model is None:
        settings = LLMSettings.from_env()
        model = make_chat_model(replace(settings, timeout=min(settings.timeout, timeout)))
    chat = model
    messages = build_messages(message, table)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(structured_call, chat, messages, ChatPlan)
    try:
        parsed, _raw, problem = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise LLMUnavailable(MESSAGES["timeout"].format(seconds=timeout)) from None
    finally:
        pool.shutdown(wait=False)
    if problem or parsed is None:
        raise LLMUnavailable(problem or MESSAGES["no_answer"])
    return list(parsed.actions)
