"""The web page (Gradio): layout and event wiring only. All logic lives in
assistant.chat.service (ChatService); what the page shows is computed by assistant.chat.view and
assistant.chat.page_view.

    demo = build_app(); demo.launch(**launch_options())

Layout: the chat on the left (Enter sends, Shift+Enter breaks the line); on the right the draft:
a toolbar (新建 · 我的草稿 + 打开 · 上传表格 · 导出), the download right under the export buttons,
the header fields in one row (资金用途, 支出计划 and 绩效目标 folded below them), the indicator grid
in the middle with each row's marks (❌/⚠️ findings, ✎ rows the last turn changed), and under it
the findings (click one to go to its row) and the cited sources (click one for its original file).

One ChatService per browser session (gr.State). The owner of saved drafts is the logged-in
user, else a random token kept in the browser (gr.BrowserState); opening the page again opens
the owner's last draft. Every event checks its user against the session's owner, and files
(downloads, uploads, originals) are served to their owner only (assistant.chat.files). Gradio's
own words are Chinese in every browser (assistant.chat.page_locale).
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import Any, Callable

import gradio as gr
from starlette.middleware import Middleware

from assistant import config, limits
from assistant.chat import files, page_locale, page_view, view
from assistant.chat.auth import MESSAGES as AUTH_MESSAGES
from assistant.chat.auth import load_users, make_auth
from assistant.chat.storage import new_browser_token, owner_for, valid_token

log = logging.getLogger(__name__)

HARD_UPLOAD_LIMIT = "50mb"  # Gradio refuses above this; the service's 5 MB cap has the Chinese message
CONCURRENCY = 4
UPLOAD_SUFFIXES = (".docx", ".xlsx", ".json", ".txt")  # as the service accepts (checked there again)
# Fonts on the reader's machine (Windows, macOS, Linux with Noto CJK): nothing is fetched.
FONTS = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "sans-serif"]
MONO_FONTS = ["Consolas", "Noto Sans Mono CJK SC", "monospace"]
RETRIEVER_DELAY_S = 4.0  # open the retriever after the first page load, or this long after start

MESSAGES = {
    "title": "绩效目标表助手",
    "intro": "用对话起草、检查、导出项目支出绩效目标表",
    "input": "输入消息",
    "placeholder": "描述项目或说要改什么（Enter 发送，Shift+Enter 换行）",
    "send": "发送",
    "undo": "撤销",
    "check": "检查",
    "help": "帮助",
    "new": "新建",
    "drafts": "我的草稿",
    "drafts_open": "打开",
    "drafts_refresh": "刷新",
    "upload": "上传表格",
    "upload_pick": "选择项目表",
    "upload_start": "打开并检查",
    "project_name": "项目名称",
    "total": "预算数（元）",
    "fiscal": "财政资金（元）",
    "other": "其他资金（元）",
    "more_header": "资金用途 · 资金支出计划 · 绩效目标",
    "fund_use": "资金用途",
    "plan": "资金支出计划（累计 %）",
    "goal": "绩效目标",
    "save_header": "保存表头修改",
    "findings_tab": "检查结果",
    "sources_tab": "引用来源",
    "sources": "引用来源（点击一行可下载原文件）",
    "original": "原文件",
    "export_docx": "导出 Word",
    "export_xlsx": "导出 Excel",
    "export_json": "导出 JSON",
    "download": "下载",
    "no_original": "这一条不是来自语料中的文件，没有原文件可下载。",
    "ui_error": "页面操作出错，请刷新页面后重试。",
    "help_text": "帮助",
    # What the buttons say in the chat (read like typed messages).
    "commands": {"undo": "撤销", "check": "检查一下", "help": "帮助", "json": "导出JSON", "docx": "导出Word",
                 "xlsx": "导出Excel"},
}

CSS = """
.gradio-container { padding-top: 4px !important; }
footer { display: none !important; }
#title { margin: 0 0 2px 0; }
#title p { margin: 0; font-size: 13px; color: var(--body-text-color-subdued); }
#title strong { font-size: 18px; color: var(--body-text-color); margin-right: 10px; }
#chat { flex-grow: 1; }
#send-row { gap: 6px; }
#send-row button { min-width: 0; }
#toolbar { gap: 6px; align-items: center; flex-wrap: nowrap; }
#toolbar > button, #toolbar > .hide + button, #toolbar button { flex: none !important; width: auto !important;
  min-width: 0 !important; white-space: nowrap; padding: 4px 12px; }
#toolbar > .block { flex: 1 1 auto !important; min-width: 160px !important; }
#header-row { gap: 6px; }
#header-row > .block { min-width: 0 !important; padding: 2px 6px !important; }
#header-row [data-testid="block-info"] { font-size: 12px; padding: 0 4px; margin-bottom: 1px; }
#header-row input { padding: 3px 8px !important; }
#chat .icon-button-wrapper.top-panel { display: none !important; }  /* clearing the chat alone would lose nothing */
#more-header { padding: 2px 8px !important; }
#indicators table, #indicators [role="grid"] { font-size: 13px; }
#indicators .body-cell { padding: 3px 6px !important; line-height: 1.35; }
#indicators .body-cell .cell-wrap { padding: 0 !important; }
#indicators .body-cell .text[data-expanded="false"] { display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
#indicators [role="columnheader"] .cell-menu-button { display: none !important; }  /* no sorting or filtering */
#indicators .jx-picked .body-cell { outline: 2px solid #2563eb; outline-offset: -2px; }
#findings-list { max-height: 210px; overflow-y: auto; font-size: 13px; }
.jx-findings ol { margin: 4px 0; padding-left: 0; list-style: none; }
.jx-findings li { padding: 3px 6px; border-radius: 4px; margin: 1px 0; }
.jx-findings li[data-row] { cursor: pointer; }
.jx-findings li[data-row]:hover { background: var(--background-fill-secondary); }
.jx-findings li.jx-error { border-left: 4px solid #dc2626; }
.jx-findings li.jx-warning { border-left: 4px solid #d97706; }
.jx-findings li.jx-info { border-left: 4px solid #9ca3af; }
.jx-findings .jx-where { white-space: nowrap; color: var(--body-text-color-subdued); }
.jx-findings .jx-tip { color: #1d4ed8; }
.jx-findings .jx-title { font-weight: 600; margin-bottom: 2px; }
.jx-empty, .jx-ok { padding: 6px; color: var(--body-text-color-subdued); }
#sources { font-size: 12px; }
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


class _RetrieverStarter:
    """Opens the shared retriever and starts the upload workers once: after the first page has
    loaded, or after a delay, so that loading them does not slow the first page."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self._started = threading.Event()

    def start(self) -> None:
        if not self._started.is_set():
            self._started.set()
            self.backend.start_background_open()
            limits.start_upload_workers()

    def start_later(self, delay: float = RETRIEVER_DELAY_S) -> None:
        timer = threading.Timer(delay, self.start)
        timer.daemon = True
        timer.start()


def build_app(backend: Any | None = None, starter: _RetrieverStarter | None = None) -> gr.Blocks:
    """The page. `backend` (shared by all sessions) defaults to one whose retriever opens in the
    background (building the index from corpus/ if missing)."""
    from assistant.chat.service import ChatBackend, ChatService

    if backend is None:
        backend = ChatBackend()
        starter = starter or _RetrieverStarter(backend)
        starter.start_later(0.0)

    def session(service: Any, token: str | None, request: gr.Request | None) -> tuple[Any, str, Any]:
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

    def drafts_update(service: Any) -> Any:
        """「我的草稿」, showing the open draft."""
        choices = view.draft_choices(service.list_drafts())
        current = service.draft_id if any(service.draft_id == value for _, value in choices) else None
        return gr.update(choices=choices, value=current)

    def panels(service: Any, reply: Any, request: gr.Request | None, before: Any = None) -> list[Any]:
        """chatbot, header ×6, plan, indicators, findings, sources, download, drafts. A download
        is offered to the requester only (files.publish), right under the export buttons."""
        table = service.table
        name, total, fiscal, other, fund_use, goal = view.header_values(table)
        findings = reply.findings if reply is not None else service.findings
        sources = reply.sources if reply is not None else service.sources
        if reply is not None and reply.file:
            download = gr.update(value=files.publish(reply.file, files.request_requester(request)), visible=True)
        elif reply is not None and reply.changed:
            download = gr.update(value=None, visible=False)  # the file no longer matches the table
        else:
            download = gr.skip()
        if reply is not None and reply.action == "table" and not reply.changed:
            grid = gr.skip()  # a grid edit that changed nothing (e.g. a new empty row): leave it as typed
        else:
            changed = page_view.changed_rows(before, table, reply.action if reply is not None else "")
            grid = gr.update(value=page_view.grid_value(table, findings, changed),
                             label=page_view.grid_label(table, findings))
        return [page_view.chat_messages(service.history), name, total, fiscal, other, fund_use, goal, view.plan_rows(table), grid,
                page_view.findings_html(findings, table is not None), view.source_rows(sources), download,
                drafts_update(service)]

    with gr.Blocks(title=MESSAGES["title"], fill_width=True) as demo:
        state = gr.State(None)
        token = gr.BrowserState(None, storage_key="jxmb_owner_token")
        gr.Markdown(f"**{MESSAGES['title']}** {MESSAGES['intro']}", elem_id="title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=340):
                chatbot = gr.Chatbot(show_label=False, height="calc(100vh - 232px)", min_height=360, elem_id="chat",
                                     buttons=["copy"], layout="bubble")
                message = gr.Textbox(label=MESSAGES["input"], show_label=False, placeholder=MESSAGES["placeholder"],
                                     lines=1, max_lines=6, elem_id="message")
                with gr.Row(elem_id="send-row"):
                    send = gr.Button(MESSAGES["send"], variant="primary", elem_id="send", scale=2)
                    undo = gr.Button(MESSAGES["undo"], elem_id="undo", scale=1)
                    check = gr.Button(MESSAGES["check"], elem_id="check", scale=1)
                    help_button = gr.Button(MESSAGES["help"], elem_id="help", scale=1)
            with gr.Column(scale=8, min_width=560):
                with gr.Row(elem_id="toolbar", equal_height=True):
                    new = gr.Button(MESSAGES["new"], elem_id="new", size="sm", scale=0)
                    drafts = gr.Dropdown(label=MESSAGES["drafts"], show_label=False, choices=[], elem_id="drafts",
                                         scale=3, container=False, info=None, allow_custom_value=False)
                    drafts_open = gr.Button(MESSAGES["drafts_open"], elem_id="drafts_open", size="sm", scale=0)
                    drafts_refresh = gr.Button(MESSAGES["drafts_refresh"], elem_id="drafts_refresh", size="sm",
                                               scale=0)
                    upload = gr.UploadButton(MESSAGES["upload"], file_types=list(UPLOAD_SUFFIXES),
                                             file_count="single", elem_id="upload", size="sm", scale=0)
                    export_docx = gr.Button(MESSAGES["export_docx"], elem_id="export_docx", size="sm", scale=0,
                                            variant="primary")
                    export_xlsx = gr.Button(MESSAGES["export_xlsx"], elem_id="export_xlsx", size="sm", scale=0)
                    export_json = gr.Button(MESSAGES["export_json"], elem_id="export_json", size="sm", scale=0)
                download = gr.File(label=MESSAGES["download"], interactive=False, elem_id="download",
                                   visible=False)
                with gr.Row(visible=False, elem_id="upload-row") as upload_row:
                    upload_note = gr.Markdown(elem_id="upload_note")
                    upload_pick = gr.Dropdown(label=MESSAGES["upload_pick"], choices=[], type="index",
                                              elem_id="upload_pick", scale=3)
                    upload_start = gr.Button(MESSAGES["upload_start"], elem_id="upload_start", scale=1)
                with gr.Row(elem_id="header-row", equal_height=True):
                    project_name = gr.Textbox(label=MESSAGES["project_name"], elem_id="project_name", scale=4,
                                              max_lines=1)
                    total = gr.Number(label=MESSAGES["total"], precision=2, scale=1, elem_id="total")
                    fiscal = gr.Number(label=MESSAGES["fiscal"], precision=2, scale=1)
                    other = gr.Number(label=MESSAGES["other"], precision=2, scale=1)
                with gr.Accordion(MESSAGES["more_header"], open=False, elem_id="more-header"):
                    fund_use = gr.Textbox(label=MESSAGES["fund_use"], lines=2, max_lines=6)
                    with gr.Row(equal_height=False):
                        plan = gr.Dataframe(headers=view.PLAN_HEADERS, label=MESSAGES["plan"], type="array",
                                            interactive=True, column_count=(2, "fixed"), scale=2, elem_id="plan",
                                            buttons=[])
                        goal = gr.Textbox(label=MESSAGES["goal"], lines=5, max_lines=12, scale=3)
                    save_header = gr.Button(MESSAGES["save_header"], size="sm")
                indicators = gr.Dataframe(headers=view.INDICATOR_HEADERS, label=page_view.grid_label(None, []), type="array",
                                          interactive=True, wrap=True, column_count=(len(view.INDICATOR_HEADERS), "fixed"),
                                          static_columns=[0], elem_id="indicators", max_height=390, buttons=[],
                                          column_widths=["56px", "9%", "11%", "17%", "25%", "12%", "19%"])
                with gr.Tabs():
                    with gr.Tab(MESSAGES["findings_tab"], elem_id="findings-tab"):
                        findings = gr.HTML(page_view.findings_html([], False), elem_id="findings-list",
                                           js_on_load=page_view.FINDINGS_JS)
                    with gr.Tab(MESSAGES["sources_tab"], elem_id="sources-tab"):
                        with gr.Row(equal_height=False):
                            sources = gr.Dataframe(headers=view.SOURCE_HEADERS, label=MESSAGES["sources"], type="array",
                                                   interactive=False, wrap=True, elem_id="sources", max_height=220,
                                                   scale=4, buttons=[],
                                                   column_widths=["12%", "44%", "26%", "18%"])
                            original = gr.File(label=MESSAGES["original"], interactive=False, elem_id="original",
                                               height=52, scale=1, visible=False)

        panel_outputs = [chatbot, project_name, total, fiscal, other, fund_use, goal, plan, indicators, findings,
                         sources, download, drafts]
        session_io = [state, token]
        turn_outputs = [*session_io, *panel_outputs]

        # --- events -------------------------------------------------------------------------
        def turn(act: Callable[[Any], Any]) -> Callable[..., Any]:
            """An event that runs one service call and shows the result (state, token, panels)."""

            @_safe
            def run(service, browser_token, request: gr.Request):
                service, browser_token, kept = session(service, browser_token, request)
                before = service.table
                reply = act(service)
                return [kept, browser_token, *panels(service, reply, request, before)]

            return run

        @_safe
        def on_load(service, browser_token, request: gr.Request):
            fresh = service is None
            service, browser_token, kept = session(service, browser_token, request)
            reply = None
            if fresh and service.table is None:
                last = service.list_drafts()[:1]
                if last:  # back to where the user left off
                    reply = service.restore(last[0].id)
            if starter is not None:
                starter.start()
            return [kept, browser_token, *panels(service, reply, request)]

        @_safe
        def on_message(text, service, browser_token, request: gr.Request):
            return ["", *turn(lambda s: s.handle(text or ""))(service, browser_token, request)]

        def command(text: str) -> Callable[..., Any]:
            return turn(lambda s: s.handle(text))

        @_safe
        def on_table_edit(rows, service, browser_token, request: gr.Request):
            return turn(lambda s: s.apply_rows(rows or []))(service, browser_token, request)

        @_safe
        def on_header(name, total_v, fiscal_v, other_v, fund_use_v, goal_v, plan_rows, service, browser_token,
                      request: gr.Request):
            return turn(lambda s: s.apply_header(name, total_v, fiscal_v, other_v, fund_use_v, goal_v,
                                                 plan_rows or []))(service, browser_token, request)

        @_safe
        def on_upload(path, service, browser_token, request: gr.Request):
            """Read the file; one table opens at once (with its findings), several wait to be picked."""
            service, browser_token, kept = session(service, browser_token, request)
            path = getattr(path, "name", path)
            if path and not files.owns(path, files.request_requester(request)):
                hidden = gr.update(visible=True)
                return [kept, browser_token, files.MESSAGES["not_yours"], gr.update(choices=[], value=None), hidden,
                        *([gr.skip()] * len(panel_outputs))]
            result = service.open_upload(path, Path(str(path)).name if path else None)
            choices = [(title, i) for i, title in enumerate(result.titles)]
            pick = gr.update(choices=choices, value=0 if choices else None)
            if result.ok and len(choices) == 1:
                before = service.table
                reply = service.start_from_uploaded(0)
                return [kept, browser_token, result.message, pick, gr.update(visible=False),
                        *panels(service, reply, request, before)]
            return [kept, browser_token, result.message, pick, gr.update(visible=True),
                    *([gr.skip()] * len(panel_outputs))]

        @_safe
        def on_upload_start(index, service, browser_token, request: gr.Request):
            chosen = index if isinstance(index, int) else -1
            return turn(lambda s: s.start_from_uploaded(chosen))(service, browser_token, request)

        @_safe
        def on_refresh(service, browser_token, request: gr.Request):
            service, browser_token, kept = session(service, browser_token, request)
            return [kept, browser_token, drafts_update(service)]

        @_safe
        def on_open(draft_id, service, browser_token, request: gr.Request):
            return turn(lambda s: s.restore(draft_id or ""))(service, browser_token, request)

        @_safe
        def on_source(service, browser_token, request: gr.Request, evt: gr.SelectData):
            """The original file of the clicked source, for the requester only."""
            from assistant.chat.provenance import original_file

            service, browser_token, kept = session(service, browser_token, request)
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            cited = service.sources
            path = original_file(cited[row]) if isinstance(row, int) and 0 <= row < len(cited) else None
            if path is None:
                gr.Info(MESSAGES["no_original"])
                return [kept, browser_token, gr.update(value=None, visible=False)]
            return [kept, browser_token,
                    gr.update(value=files.publish(path, files.request_requester(request)), visible=True)]

        private = {"api_visibility": "private"}
        demo.load(on_load, inputs=session_io, outputs=turn_outputs, **private)
        chat_io = dict(inputs=[message, *session_io], outputs=[message, *turn_outputs])
        send.click(on_message, **chat_io, api_name="chat")
        message.submit(on_message, **chat_io, **private)
        commands = MESSAGES["commands"]
        for button, name in ((undo, "undo"), (check, "check"), (help_button, "help")):
            button.click(command(commands[name]), inputs=session_io, outputs=turn_outputs, **private)
        for button, fmt in ((export_json, "json"), (export_docx, "docx"), (export_xlsx, "xlsx")):
            button.click(command(commands[fmt]), inputs=session_io, outputs=turn_outputs, api_name=f"export_{fmt}")
        new.click(turn(lambda s: s.new_draft()), inputs=session_io, outputs=turn_outputs, **private)
        indicators.input(on_table_edit, inputs=[indicators, *session_io], outputs=turn_outputs, **private)
        save_header.click(on_header, inputs=[project_name, total, fiscal, other, fund_use, goal, plan, *session_io],
                          outputs=turn_outputs, **private)
        upload.upload(on_upload, inputs=[upload, *session_io],
                      outputs=[*session_io, upload_note, upload_pick, upload_row, *panel_outputs], **private)
        upload_start.click(on_upload_start, inputs=[upload_pick, *session_io], outputs=turn_outputs, **private)
        drafts_refresh.click(on_refresh, inputs=session_io, outputs=[*session_io, drafts], **private)
        drafts_open.click(on_open, inputs=[drafts, *session_io], outputs=turn_outputs, **private)
        sources.select(on_source, inputs=session_io, outputs=[*session_io, original], **private)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def serve() -> None:
    """Start the page (blocking): the server first; the retriever opens in the background once
    the first page has loaded (or a few seconds after start), so the page answers at once."""
    from assistant.chat.service import ChatBackend

    backend = ChatBackend()
    starter = _RetrieverStarter(backend)
    demo = build_app(backend, starter)
    demo.launch(**launch_options(), prevent_thread_lock=True)
    starter.start_later()
    demo.block_thread()


def launch_options() -> dict[str, Any]:
    """Keyword arguments for demo.launch(): address, login, file serving, language, look.
    Nothing under data/ is served; downloads and uploads go through files.FileGuard (owner only)."""
    settings = config.settings()
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    users = load_users()
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": make_auth(users),
        "auth_message": AUTH_MESSAGES["login"] if users else None,
        "blocked_paths": [str(data)],
        "app_kwargs": {"middleware": [Middleware(files.FileGuard), Middleware(page_locale.ChineseLocale)]},
        "max_file_size": HARD_UPLOAD_LIMIT,
        "show_error": False,
        "footer_links": [],
        "i18n": page_locale.translations(),
        "theme": gr.themes.Soft(font=FONTS, font_mono=MONO_FONTS),
        "css": CSS,
    }
