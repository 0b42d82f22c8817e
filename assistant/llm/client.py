"""Talking to a chat model: any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama,
Xinference …) through LangChain's ChatOpenAI, or the embedded local model (assistant.llm.local)
through the very same path.

Configuration comes from the environment or the project's `.env` (loaded by assistant.config):
  ASSISTANT_LLM_BASE_URL   e.g. https://api.deepseek.com/v1 or http://127.0.0.1:8080/v1
  ASSISTANT_LLM_MODEL      e.g. deepseek-chat
  ASSISTANT_LLM_API_KEY    default "not-needed" (local servers ignore it)
  ASSISTANT_LLM_TIMEOUT    seconds per request, default 120
  ASSISTANT_LLM_LOCAL=1    start the embedded local model instead (needs the local-llm extra)

`structured_call` never raises for model trouble: it returns (parsed, raw_text, message_zh),
with the English detail only in the log."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant import config

log = logging.getLogger(__name__)

DEFAULT_API_KEY = "not-needed"
DEFAULT_TIMEOUT = 120.0
# The embedded model runs on one CPU thread beside other work: a full draft (≈1000 prompt +
# ≈700 answer tokens) measured 1–3 min, so 120 s would abandon good answers.
LOCAL_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 1

MESSAGES = {
    "not_configured": (
        "未配置大模型：请在 .env 中设置 ASSISTANT_LLM_BASE_URL 和 ASSISTANT_LLM_MODEL，"
        "或设置 ASSISTANT_LLM_LOCAL=1 使用本地模型"
    ),
    "connection": "无法连接大模型服务（{url}），请确认服务已启动、地址正确",
    "timeout": "大模型服务在 {seconds:.0f} 秒内没有回应，请稍后重试或调大 ASSISTANT_LLM_TIMEOUT",
    "auth": "大模型服务拒绝了密钥，请检查 ASSISTANT_LLM_API_KEY",
    "not_found": "大模型服务找不到模型“{model}”或接口地址不对，请检查 ASSISTANT_LLM_MODEL 和 ASSISTANT_LLM_BASE_URL",
    "rate_limit": "大模型服务繁忙或额度不足（请求过多），请稍后重试",
    "context": "提示内容过长，超出模型的上下文长度，请精简输入",
    "bad_request": "大模型服务不接受此请求（可能不支持 JSON Schema 结构化输出）",
    "server_error": "大模型服务出错（HTTP {status}），请稍后重试",
    "truncated": "大模型的回答被截断（达到输出长度上限），未得到完整结果",
    "refused": "大模型拒绝回答此请求",
    "empty": "大模型没有返回内容",
    "not_json": "大模型的回答不是有效的 JSON",
    "schema": "大模型的回答不符合要求的格式（{count} 处不符，如：{where}）",
    "item": "第{n}项",
    "unexpected": "调用大模型时出错，详情已记录在日志中",
}


# Field and error names in the Chinese schema message (unknown ones are shown as they are).
FIELD_LABELS = {
    "goal": "绩效目标",
    "indicators": "指标",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "description": "指标描述",
    "value": "指标值",
    "basis": "指标值确定依据",
}
ERROR_KINDS = {
    "missing": "缺失",
    "literal_error": "不是允许的名称",
    "enum": "不是允许的名称",
    "string_too_short": "为空",
    "string_too_long": "过长",
    "too_short": "数量不足",
    "too_long": "数量过多",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "dict_type": "应为对象",
}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = None
    model: str | None = None
    api_key: str = DEFAULT_API_KEY
    timeout: float | None = None  # None: DEFAULT_TIMEOUT, or LOCAL_TIMEOUT for the local model
    local: bool = False
    max_retries: int = DEFAULT_MAX_RETRIES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "LLMSettings":
        """From the app's settings (assistant.config), or from the given variables only."""
        s = config.settings() if environ is None else config.Settings.from_env(environ)
        key = s.llm_api_key.get_secret_value().strip() if s.llm_api_key else ""
        return cls(base_url=s.llm_base_url, model=s.llm_model, api_key=key or DEFAULT_API_KEY,
                   timeout=s.llm_timeout, local=s.llm_local)

    @property
    def configured(self) -> bool:
        return self.local or bool(self.base_url and self.model)

    def __repr__(self) -> str:  # never print the key
        return (
            f"LLMSettings(base_url={self.base_url!r}, model={self.model!r}, api_key=***, "
            f"timeout={self.timeout}, local={self.local}, max_retries={self.max_retries})"
        )


def llm_configured(settings: LLMSettings | None = None) -> bool:
    """True when an endpoint (base URL + model) is set or the local model is asked for."""
    return (settings or LLMSettings.from_env()).configured


class LLMNotConfigured(RuntimeError):
    def __init__(self) -> None:
        super().__init__(MESSAGES["not_configured"])


_shared_lock = threading.Lock()
_shared_server = None


def _shared_local_server():
    """One embedded server per process, started on first use and stopped at exit."""
    global _shared_server
    with _shared_lock:
        if _shared_server is None:
            import atexit

            from assistant.llm.local import LocalLLMServer

            _shared_server = LocalLLMServer().start()
            atexit.register(_shared_server.stop)
        return _shared_server


def resolve_settings(settings: LLMSettings | None = None) -> LLMSettings:
    """Settings with a concrete endpoint and timeout: for `local`, the process-wide embedded
    server is started (once) and its loopback URL and model name filled in. Raises
    LLMNotConfigured (Chinese message) when nothing is configured, and LocalModelError when
    the local model cannot be prepared."""
    settings = settings or LLMSettings.from_env()
    if not settings.configured:
        raise LLMNotConfigured()
    if settings.local:
        server = _shared_local_server()
        # One slot, one thread: a retry only queues the same slow work again.
        return replace(
            settings,
            base_url=server.base_url,
            model=server.model,
            local=False,
            timeout=settings.timeout or LOCAL_TIMEOUT,
            max_retries=0,
        )
    return replace(settings, timeout=settings.timeout or DEFAULT_TIMEOUT)


def make_chat_model(settings: LLMSettings | None = None, *, max_tokens: int | None = None):
    """A ChatOpenAI (temperature 0, few retries, the configured timeout) for the endpoint."""
    from langchain_openai import ChatOpenAI

    settings = resolve_settings(settings)
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        temperature=0,
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        max_tokens=max_tokens,
    )


# --------------------------------------------------------------------------- calls


def _response_format(schema: type[BaseModel]) -> dict[str, Any]:
    # A dict (not the class): the OpenAI SDK then does not validate inside the request, so a
    # bad answer comes back as text we can show the model again instead of an exception.
    return {"name": schema.__name__, "schema": schema.model_json_schema()}


def _text(message: Any) -> str:
    content = getattr(message, "content", "") or ""
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _where(loc: tuple) -> str:
    parts = [MESSAGES["item"].format(n=p + 1) if isinstance(p, int) else FIELD_LABELS.get(str(p), str(p)) for p in loc]
    return "".join(parts) or "整体"


def _validation_message(exc: ValidationError) -> str:
    """Chinese, e.g. 「…（2 处不符，如：绩效目标为空；指标第1项一级指标不是允许的名称）」."""
    errors = exc.errors(include_url=False)
    where = "；".join(_where(e["loc"]) + ERROR_KINDS.get(e["type"], "不合要求") for e in errors[:3])
    return MESSAGES["schema"].format(count=len(errors), where=where)


def _error_message(exc: BaseException, chat: Any) -> tuple[str, str]:
    """(Chinese message for the user, raw text if the exception carries the answer)."""
    import openai

    url = str(getattr(chat, "openai_api_base", None) or "")
    if isinstance(exc, openai.LengthFinishReasonError):
        choices = getattr(exc.completion, "choices", None) or []
        raw = (choices[0].message.content or "") if choices else ""
        return MESSAGES["truncated"], raw
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return MESSAGES["refused"], ""
    if isinstance(exc, openai.APITimeoutError):
        return MESSAGES["timeout"].format(seconds=float(getattr(chat, "request_timeout", 0) or 0)), ""
    if isinstance(exc, openai.APIConnectionError):
        return MESSAGES["connection"].format(url=url), ""
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return MESSAGES["auth"], ""
    if isinstance(exc, openai.NotFoundError):
        return MESSAGES["not_found"].format(model=getattr(chat, "model_name", "")), ""
    if isinstance(exc, openai.RateLimitError):
        return MESSAGES["rate_limit"], ""
    if isinstance(exc, openai.BadRequestError):
        text = str(exc).lower()
        if "context" in text and ("exceed" in text or "length" in text):
            return MESSAGES["context"], ""
        return MESSAGES["bad_request"], ""
    if isinstance(exc, openai.APIStatusError):
        return MESSAGES["server_error"].format(status=exc.status_code), ""
    if isinstance(exc, ValidationError):
        return _validation_message(exc), ""
    if isinstance(exc, json.JSONDecodeError):
        return MESSAGES["not_json"], ""
    return MESSAGES["unexpected"], ""


def _answer_problem(exc: BaseException | None, raw_text: str) -> str:
    if not raw_text.strip():
        return MESSAGES["empty"]
    if exc is not None and "Refusal" in type(exc).__name__:
        return MESSAGES["refused"]
    return MESSAGES["not_json"]


def structured_call(
    chat: Any, messages: Sequence[Any], schema: type[BaseModel], method: str = "json_schema"
) -> tuple[BaseModel | None, str, str | None]:
    """Ask `chat` for an answer in `schema` (JSON-schema structured output; `method="json_mode"`
    asks for any JSON object and validates it here, for schemas whose grammar a small local
    model follows worse than the prompt, e.g. a union of many actions).

    Returns (parsed, raw_text, error_message_zh): `parsed` is a validated `schema` instance
    or None; `raw_text` is what the model wrote (for a re-ask); the message is None on
    success, else a Chinese sentence fit for a user. Never raises for endpoint or answer
    trouble (connection, timeout, HTTP errors, truncated/non-JSON/off-schema answers)."""
    shape = _response_format(schema) if method == "json_schema" else schema
    runnable = chat.with_structured_output(shape, method=method, include_raw=True)
    try:
        result = runnable.invoke(list(messages))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a traceback
        message, raw = _error_message(exc, chat)
        log.warning("LLM call failed: %s: %s", type(exc).__name__, exc)
        return None, raw, message
    raw_message = result.get("raw")
    raw_text = _text(raw_message)
    usage = getattr(raw_message, "usage_metadata", None)
    if usage:
        log.info("LLM usage: %s", usage)
    if result.get("parsing_error") is not None:
        exc = result["parsing_error"]
        log.warning("LLM answer not parsed: %s: %s; raw=%r", type(exc).__name__, exc, raw_text[:500])
        return None, raw_text, _answer_problem(exc, raw_text)
    parsed = result.get("parsed")
    if parsed is None:
        return None, raw_text, _answer_problem(None, raw_text)
    try:
        return schema.model_validate(parsed), raw_text, None
    except ValidationError as exc:
        log.warning("LLM answer off schema: %s; raw=%r", exc, raw_text[:500])
        return None, raw_text, _validation_message(exc)
