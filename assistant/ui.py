"""The web page (Gradio): layout and event wiring only. All logic lives in
assistant.chat.service (ChatService) and assistant.chat.view (conversions for display).

    demo = build_app(); demo.launch(**launch_options())

One ChatService per browser session (gr.State). The owner of saved drafts is the logged-in
user, else a random token kept in the browser (gr.BrowserState), so reopening the page lists
「我的草稿」 of that browser only. Every event checks its user against the session's owner, and
files (downloads, uploads) are served to their owner only (assistant.chat.files).
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Callable

import gradio as gr
from starlette.middleware import Middleware

from assistant import config
from assistant.chat import files, view
from assistant.chat.auth import MESSAGES as AUTH_MESSAGES
from assistant.chat.auth import load_users, make_auth
from assistant.chat.service import MAX_UPLOAD_BYTES, UPLOAD_SUFFIXES, ChatBackend, ChatService, Reply
from assistant.chat.storage import new_browser_token, owner_for, valid_token

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
HARD_UPLOAD_LIMIT = "50mb"  # Gradio refuses above this; the service's 5 MB cap has the Chinese message
CONCURRENCY = 4

MESSAGES = {
    "title": "绩效目标表助手",
    "intro": "用对话起草、检查、导出项目支出绩效目标表。描述项目即可生成草稿；右侧表格可直接修改。",
    "chat": "对话",
    "input": "输入消息",
    "placeholder": "例如：2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次；或输入「帮助」",
    "send": "发送",
    "undo": "撤销",
    "check": "检查一下",
    "new": "新建草稿",
    "upload_box": "上传已有表格",
    "upload": "上传表格（.docx / .xlsx / .json / .txt，不超过 {mb} MB）",
    "upload_pick": "选择项目表",
    "upload_check": "检查该表",
    "upload_start": "以此为草稿",
    "drafts_box": "我的草稿",
    "drafts": "我的草稿",
    "drafts_refresh": "刷新",
    "drafts_open": "打开",
    "draft": "当前草稿",
    "project_name": "项目名称",
    "total": "预算数（元）",
    "fiscal": "其中：财政资金（元）",
    "other": "其他资金（元）",
    "fund_use": "资金用途",
    "plan": "资金支出计划（累计 %）",
    "goal": "绩效目标",
    "save_header": "保存表头修改",
    "indicators": "绩效指标（可直接编辑；一级、二级留空表示同上一行）",
    "findings": "检查结果（错误在前，“行”对应上表行号）",
    "sources": "引用来源（相似项目与指标）",
    "export_json": "导出 JSON",
    "export_docx": "导出 Word",
    "export_xlsx": "导出 Excel",
    "download": "下载",
    "ui_error": "页面操作出错，请刷新页面后重试。",
    # What the buttons say in the chat (parsed like typed messages).
    "commands": {"undo": "撤销", "check": "检查一下", "json": "导出JSON", "docx": "导出Word", "xlsx": "导出Excel"},
}

CSS = """
#findings table, #sources table, #indicators table { font-size: 13px; }
footer { display: none !important; }
"""


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    """No traceback reaches the page: unexpected errors become a Chinese toast."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:  # noqa: BLE001
            log.exception("UI handler failed")
            raise gr.Error(MESSAGES["ui_error"]) from exc

    return wrapper


def build_app(backend: ChatBackend | None = None) -> gr.Blocks:
    """The page. `backend` (shared by all sessions) defaults to one that opens the retriever now,
    in the background (building the index from corpus/ if missing)."""
    if backend is None:
        backend = ChatBackend()
        backend.start_background_open()

    def session(service: ChatService | None, token: str | None,
                request: gr.Request | None) -> tuple[ChatService, str, Any]:
        """(the session's service, browser token, what to store as the session state). Every event
        checks the request's user (or, without login, the browser token) against the session's
        owner: a stranger's event — another user's session hash — gets a fresh service, which
        is not stored, so the owner's session stays as it was."""
        if not valid_token(token):
            token = new_browser_token()
        username = getattr(request, "username", None) if request is not None else None
        owner = owner_for(username, token) or f"browser:{token}"
        if service is None:
            service = ChatService(backend, owner)
            return service, token, service
        if service.owner != owner:
            log.warning("event for another owner's session: fresh session")
            return ChatService(backend, owner), token, gr.skip()
        return service, token, service

    def drafts_update(service: ChatService) -> Any:
        return gr.update(choices=view.draft_choices(service.list_drafts()))

    def panels(service: ChatService, reply: Reply | None, request: gr.Request | None) -> list[Any]:
        """chatbot, header ×6, plan, indicators, findings, sources, download, drafts. A download is
        offered to the requester only (files.publish)."""
        table = service.table
        name, total, fiscal, other, fund_use, goal = view.header_values(table)
        findings = reply.findings if reply is not None else service.findings
        sources = reply.sources if reply is not None else service.sources
        download = (files.publish(reply.file, files.request_requester(request)) if reply is not None and reply.file
                    else gr.skip())
        return [service.history, name, total, fiscal, other, fund_use, goal, view.plan_rows(table),
                view.indicator_rows(table), view.finding_rows(findings), view.source_rows(sources), download,
                drafts_update(service)]

    with gr.Blocks(title=MESSAGES["title"]) as demo:
        state = gr.State(None)
        token = gr.BrowserState(None, storage_key="jxmb_owner_token")
        gr.Markdown(f"## {MESSAGES['title']}\n{MESSAGES['intro']}")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=360):
                chatbot = gr.Chatbot(label=MESSAGES["chat"], height=520, elem_id="chat", buttons=["copy"])
                message = gr.Textbox(label=MESSAGES["input"], placeholder=MESSAGES["placeholder"], lines=2,
                                     max_lines=8, elem_id="message")
                with gr.Row():
                    send = gr.Button(MESSAGES["send"], variant="primary", elem_id="send")
                    undo = gr.Button(MESSAGES["undo"])
                    check = gr.Button(MESSAGES["check"])
                    new = gr.Button(MESSAGES["new"])
                with gr.Accordion(MESSAGES["upload_box"], open=False):
                    upload = gr.File(label=MESSAGES["upload"].format(mb=MAX_UPLOAD_BYTES // 1024 // 1024),
                                     file_types=list(UPLOAD_SUFFIXES), file_count="single", elem_id="upload")
                    upload_note = gr.Markdown()
                    upload_pick = gr.Dropdown(label=MESSAGES["upload_pick"], choices=[], type="index")
                    with gr.Row():
                        upload_check = gr.Button(MESSAGES["upload_check"])
                        upload_start = gr.Button(MESSAGES["upload_start"])
                with gr.Accordion(MESSAGES["drafts_box"], open=False):
                    drafts = gr.Dropdown(label=MESSAGES["drafts"], choices=[], elem_id="drafts")
                    with gr.Row():
                        drafts_refresh = gr.Button(MESSAGES["drafts_refresh"])
                        drafts_open = gr.Button(MESSAGES["drafts_open"])
            with gr.Column(scale=7, min_width=480):
                gr.Markdown(f"### {MESSAGES['draft']}")
                project_name = gr.Textbox(label=MESSAGES["project_name"], elem_id="project_name")
                with gr.Row():
                    total = gr.Number(label=MESSAGES["total"], precision=2)
                    fiscal = gr.Number(label=MESSAGES["fiscal"], precision=2)
                    other = gr.Number(label=MESSAGES["other"], precision=2)
                fund_use = gr.Textbox(label=MESSAGES["fund_use"], lines=2, max_lines=6)
                with gr.Row(equal_height=False):
                    plan = gr.Dataframe(headers=view.PLAN_HEADERS, label=MESSAGES["plan"], type="array",
                                        interactive=True, column_count=2, scale=2)
                    goal = gr.Textbox(label=MESSAGES["goal"], lines=5, max_lines=12, scale=3)
                save_header = gr.Button(MESSAGES["save_header"], size="sm")
                indicators = gr.Dataframe(headers=view.INDICATOR_HEADERS, label=MESSAGES["indicators"], type="array",
                                          interactive=True, wrap=True, column_count=len(view.INDICATOR_HEADERS),
                                          static_columns=[0], elem_id="indicators", max_height=620,
                                          column_widths=["5%", "9%", "11%", "18%", "22%", "13%", "22%"])
                with gr.Row(equal_height=False):
                    findings = gr.Dataframe(headers=view.FINDING_HEADERS, label=MESSAGES["findings"], type="array",
                                            interactive=False, wrap=True, elem_id="findings", scale=3, max_height=400)
                    sources = gr.Dataframe(headers=view.SOURCE_HEADERS, label=MESSAGES["sources"], type="array",
                                           interactive=False, wrap=True, elem_id="sources", scale=2, max_height=400)
                with gr.Row():
                    export_json = gr.Button(MESSAGES["export_json"], elem_id="export_json")
                    export_docx = gr.Button(MESSAGES["export_docx"], elem_id="export_docx")
                    export_xlsx = gr.Button(MESSAGES["export_xlsx"], elem_id="export_xlsx")
                download = gr.File(label=MESSAGES["download"], interactive=False, elem_id="download", height=90)

        panel_outputs = [chatbot, project_name, total, fiscal, other, fund_use, goal, plan, indicators, findings,
                         sources, download, drafts]
        session_io = [state, token]

        # --- events -------------------------------------------------------------------------
        @_safe
        def on_load(service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            return [kept, browser_token, *panels(service, None, request)]

        @_safe
        def on_message(text, service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            reply = service.handle(text or "")
            return ["", kept, browser_token, *panels(service, reply, request)]

        def command(text: str) -> Callable[..., Any]:
            @_safe
            def run(service, browser_token, request: gr.Request):
                service, browser_token, kept = session(service, browser_token, request)
                reply = service.handle(text)
                return [kept, browser_token, *panels(service, reply, request)]

            return run

        @_safe
        def on_new(service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            reply = service.new_draft()
            return [kept, browser_token, *panels(service, reply, request)]

        @_safe
        def on_table_edit(rows, service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            reply = service.apply_rows(rows or [])
            return [kept, browser_token, *panels(service, reply, request)]

        @_safe
        def on_header(name, total_v, fiscal_v, other_v, fund_use_v, goal_v, plan_rows, service, browser_token,
                      request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            reply = service.apply_header(name, total_v, fiscal_v, other_v, fund_use_v, goal_v, plan_rows or [])
            return [kept, browser_token, *panels(service, reply, request)]

        @_safe
        def on_upload(path, service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            if path and not files.owns(path, files.request_requester(request)):
                return [kept, browser_token, files.MESSAGES["not_yours"], gr.update(choices=[], value=None)]
            result = service.open_upload(path)
            choices = [(title, i) for i, title in enumerate(result.titles)]
            pick = gr.update(choices=choices, value=0 if choices else None)
            return [kept, browser_token, result.message, pick]

        def upload_action(start: bool) -> Callable[..., Any]:
            @_safe
            def run(index, service, browser_token, request: gr.Request):
                service, browser_token, kept = session(service, browser_token, request)
                chosen = index if isinstance(index, int) else -1
                reply = service.start_from_uploaded(chosen) if start else service.check_uploaded(chosen)
                return [kept, browser_token, *panels(service, reply, request)]

            return run

        @_safe
        def on_refresh(service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            return [kept, browser_token, drafts_update(service)]

        @_safe
        def on_open(draft_id, service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            reply = service.restore(draft_id or "")
            return [kept, browser_token, *panels(service, reply, request)]

        demo.load(on_load, inputs=session_io, outputs=[*session_io, *panel_outputs], api_visibility="private")
        chat_io = dict(inputs=[message, *session_io], outputs=[message, *session_io, *panel_outputs])
        send.click(on_message, **chat_io, api_name="chat")
        message.submit(on_message, **chat_io, api_visibility="private")
        commands = MESSAGES["commands"]
        for button, name in ((undo, "undo"), (check, "check")):
            button.click(command(commands[name]), inputs=session_io, outputs=[*session_io, *panel_outputs],
                         api_visibility="private")
        for button, fmt in ((export_json, "json"), (export_docx, "docx"), (export_xlsx, "xlsx")):
            button.click(command(commands[fmt]), inputs=session_io, outputs=[*session_io, *panel_outputs],
                         api_name=f"export_{fmt}")
        new.click(on_new, inputs=session_io, outputs=[*session_io, *panel_outputs], api_visibility="private")
        indicators.input(on_table_edit, inputs=[indicators, *session_io], outputs=[*session_io, *panel_outputs],
                         api_visibility="private")
        save_header.click(on_header, inputs=[project_name, total, fiscal, other, fund_use, goal, plan, *session_io],
                          outputs=[*session_io, *panel_outputs], api_visibility="private")
        upload.upload(on_upload, inputs=[upload, *session_io], outputs=[*session_io, upload_note, upload_pick],
                      api_visibility="private")
        upload_check.click(upload_action(False), inputs=[upload_pick, *session_io],
                           outputs=[*session_io, *panel_outputs], api_visibility="private")
        upload_start.click(upload_action(True), inputs=[upload_pick, *session_io],
                           outputs=[*session_io, *panel_outputs], api_visibility="private")
        drafts_refresh.click(on_refresh, inputs=session_io, outputs=[*session_io, drafts], api_visibility="private")
        drafts_open.click(on_open, inputs=[drafts, *session_io], outputs=[*session_io, *panel_outputs],
                          api_visibility="private")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def serve() -> None:
    """Start the page (blocking): the server first, then the retriever opens in the background,
    so the page answers while the embedding model loads."""
    backend = ChatBackend()
    demo = build_app(backend)
    demo.launch(**launch_options(), prevent_thread_lock=True)
    backend.start_background_open()
    demo.block_thread()


def launch_options() -> dict[str, Any]:
    """Keyword arguments for demo.launch(): address, login, file serving, look. Nothing under
    data/ is served; downloads and uploads go through files.FileGuard (owner only)."""
    data = config.data_dir()
    data.mkdir(parents=True, exist_ok=True)
    users = load_users()
    return {
        "server_name": os.environ.get("ASSISTANT_HOST", DEFAULT_HOST),
        "server_port": int(os.environ.get("ASSISTANT_PORT", DEFAULT_PORT)),
        "auth": make_auth(users),
        "auth_message": AUTH_MESSAGES["login"] if users else None,
        "blocked_paths": [str(data)],
        "app_kwargs": {"middleware": [Middleware(files.FileGuard)]},
        "max_file_size": HARD_UPLOAD_LIMIT,
        "show_error": False,
        "footer_links": [],
        "theme": gr.themes.Soft(),
        "css": CSS,
    }
