"""Gradio's own words (menus, tooltips, upload boxes) in Chinese for every browser.

Gradio translates its built-in strings with svelte-i18n in the browser, choosing the language
from `navigator.language` (there is no server-side setting). The page is for Chinese staff only,
so `ChineseLocale`, an ASGI middleware, puts a one-line script at the top of the page's <head>
that reports zh-CN as the browser language before Gradio's code runs, and marks the document
`lang="zh-CN"`. Keys that Gradio's own zh-CN dictionary lacks are supplied as custom
translations (`translations()`, passed to `launch(i18n=...)`).
"""

from __future__ import annotations

from typing import Any

from assistant.chat.files import whole_response

LOCALE = "zh-CN"
FORCE_SCRIPT = (
    "<script>(()=>{const d=(k,v)=>Object.defineProperty(Navigator.prototype,k,{get:()=>v,configurable:true});"
    f"d('language','{LOCALE}');d('languages',['{LOCALE}','zh']);}})();</script>"
)
PAGE_PATHS = ("/", "")

# Gradio keys with no zh-CN text in Gradio 6.31 (found by comparing its en and zh-CN
# dictionaries), limited to the components this page uses.
MESSAGES = {
    "chatbot.copy_message": "复制消息",
    "chatbot.copied_message": "已复制",
    "chatbot.conversation": "对话",
    "chatbot.chatbot": "对话",
    "chatbot.message_placeholder": "输入消息……",
    "chatbot.new_chat": "新对话",
    "common.complete": "完成",
    "common.download_all": "全部下载",
    "common.progress": "进度",
    "common.upload": "上传",
    "dataframe.filter": "筛选",
    "dataframe.clear_filter": "清除筛选",
    "dataframe.import_empty_file": "拖入的文件是空的。",
    "dataframe.import_no_column_names": "拖入的文件没有列名。",
    "dataframe.import_ragged_row": "文件第 {line} 行有 {fields} 列，表头有 {columns} 列。",
    "dataframe.import_static_columns": "此表有只读列，不能导入文件。",
    "dataframe.import_fixed_columns": "此表固定为 {expected} 列，文件有 {actual} 列。",
    "dataframe.import_fixed_rows": "此表固定为 {expected} 行，文件有 {actual} 行。",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
}


def translations() -> Any:
    """The custom translations for `launch(i18n=...)`."""
    import gradio as gr

    return gr.I18n(**{LOCALE: dict(MESSAGES)})


def localise(html: bytes) -> bytes:
    """The page's HTML with the locale script first in <head> and lang="zh-CN"."""
    html = html.replace(b"<head>", b"<head>" + FORCE_SCRIPT.encode("utf-8"), 1)
    return html.replace(b'lang="en"', f'lang="{LOCALE}"'.encode("ascii"), 1)


class ChineseLocale:
    """ASGI middleware: rewrites the HTML of the page itself (GET /), nothing else."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") not in PAGE_PATHS:
            await self.app(scope, receive, send)
            return
        def finish(start: dict, body: bytes) -> tuple[dict, bytes]:
            headers = dict(start.get("headers") or [])
            data = localise(body) if b"text/html" in headers.get(b"content-type", b"") else body
            kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            return {**start, "headers": [*kept, (b"content-length", str(len(data)).encode("ascii"))]}, data

        rewriting = whole_response(send, finish)
        await self.app(scope, receive, rewriting)
