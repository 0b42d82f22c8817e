"""The chat assistant's logic, without Gradio: one ChatService per browser session.

    backend = ChatBackend()                   # shared: retriever (opened once), draft store
    chat = ChatService(backend, owner="user:alice")
    reply = chat.handle("2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次")
    reply = chat.handle("把培训人数改为300人次")

Every change re-runs the checker and is saved for the owner. Replies never raise: any failure
becomes a Chinese message. All user or corpus text in reply markdown is escaped (view.esc).
"""

from __future__ import annotations

import copy
import datetime as _dt
import logging
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from assistant import config, limits
from assistant.chat import intents
from assistant.chat.files import new_folder
from assistant.chat.intents import Help
from assistant.chat.edits import (
    follow_budget,
    follow_quantity,
    guess_level2,
    insert_position,
    keep_operator,
    match_row,
    num_text,
    refresh_unit_costs,
    set_plan_percent,
    split_budget,
)
from assistant.chat.storage import DraftStore, DraftSummary
from assistant.chat.view import esc, finding_where, sort_findings
from assistant.checks.profiles import canonical_level2, get_profile
from assistant.model import Budget, Indicator, ProjectTable, strip_bidi

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".docx", ".xlsx", ".json", ".txt")
MAX_UNDO = 50
MAX_HISTORY = 200  # chat messages kept per session
FINDINGS_IN_REPLY = 12
SOURCES_IN_REPLY = 8
STATS_GROUPS = 5
NOTES_IN_REPLY = 4
WARM_UP_QUERY = "项目完成及时率"
NEEDS_DRAFT = {"set_value", "set_header", "set_budget", "set_plan", "add", "remove", "check", "export"}

EXPORT_SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "json": ".json"}

MESSAGES = {
    "help": (
        "我可以帮您起草和检查绩效目标表。可以这样说：\n"
        "- **描述新项目**：「2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次，11月底前完成」\n"
        "- **改指标值**：「把培训人数改为300人次」「满意度改成≥90%」「第3行改为≥95%」「把验收合格率的依据改为计划标准」\n"
        "- **增删指标**：「增加一个时效指标：资金支付及时率≥95%」「删除‘结果准确性’」\n"
        "- **改预算与支出计划**：「预算改为50万元」「财政资金改为40万元」「6月底支出改为60%」\n"
        "- **改表头**：「项目名称改为……」「资金用途改为……」\n"
        "- **撤销**：「撤销」　**检查**：「检查一下」　**导出**：「导出Word」「导出Excel」「导出JSON」\n"
        "- **提问**：「有哪些类似项目的时效指标？」「满意度一般定多少？」「有哪些类似项目？」\n"
        "也可以直接在右侧表格中修改，或上传已有的表格（docx/xlsx/json/txt）进行检查。"
    ),
    "unknown": "抱歉，我没有理解“{text}”。",
    "empty": "请输入内容。",
    "too_long": "消息过长（{n} 字），已只处理前 {limit} 字。",
    "no_draft": "还没有草稿。请先描述项目（名称、预算、主要任务和数量），或上传已有的表格。",
    "internal_error": "处理时出错了，草稿未受影响。请换个说法再试，或输入「帮助」查看示例。",
    "drafted": "已根据描述起草《{name}》：共 {n} 个指标，预算 {budget} 元。",
    "draft_failed": "无法根据这段描述起草：{reason}\n\n请至少写明项目名称和预算，例如：「2025年XX培训项目，预算30万元，培训200人次」。",
    "draft_unavailable": "起草服务暂不可用：{reason}",
    "notes": "说明：",
    "notes_more": "- ……另有 {n} 条说明",
    "similar_cited": "参考的相似项目：",
    "findings_none": "检查通过：没有发现问题。",
    "findings_summary": "检查结果：{errors} 个错误、{warnings} 个警告、{infos} 条提示。",
    "findings_more": "……另有 {n} 条，见右侧“检查结果”。",
    "finding_line": "- {icon} {where}{name}：{message}{suggestion}",
    "suggestion": "（建议：{text}）",
    "checker_unavailable": "检查服务暂不可用：{reason}",
    "no_match": "没有找到与“{target}”对应的指标。现有指标：{names}。可以用行号指定，如「第3行改为≥95%」。",
    "candidate": "第{row}行「{name}」",
    "quoted": "「{name}」",
    "file_stem": "绩效目标表",
    "ambiguous": "“{target}”可能指：{candidates}。请写出完整名称或行号，如「第{row}行改为……」。",
    "bad_row": "没有第 {row} 行（共 {n} 行）。",
    "field_names": {"value": "指标值", "basis": "指标值确定依据", "description": "绩效指标描述", "level3": "三级指标名称"},
    "set_value": "已将第{row}行「{name}」的{field}由“{old}”改为“{new}”。",
    "kept_operator": "（沿用原来的“{op}”）",
    "header_names": {"project_name": "项目名称", "fund_use": "资金用途", "goal": "绩效目标", "department": "单位"},
    "set_header": "已将{field}改为“{value}”。",
    "budget_parts": {"total": "预算数", "fiscal": "财政资金", "other": "其他资金"},
    "set_budget": "已将{part}改为 {amount} 元。现在：预算数 {total} 元 = 财政资金 {fiscal} 元 + 其他资金 {other} 元。",
    "budget_bad": "金额必须大于 0 且不超过 1000 亿元（收到 {amount} 元）。",
    "cost_follow": "成本指标「{name}」随之改为“{value}”。",
    "set_plan": "已将 {label} 的累计支出比例改为 {percent}%。支出计划：{plan}。",
    "plan_bad": "支出比例应在 0% 到 100% 之间（收到 {percent}%）。",
    "added": "已在「{level2}」下增加第{row}行「{name}」，指标值“{value}”。",
    "added_guess": "（根据名称归入“{level2}”，如不对可以在表格中修改）",
    "add_no_value": "请同时给出指标值，例如「增加一个时效指标：资金支付及时率≥95%」。",
    "add_description": "反映{name}情况",
    "add_basis": "计划标准：{year}年度工作计划",
    "removed": "已删除第{row}行「{name}」（{value}）。",
    "undone": "已撤销上一步：{what}",
    "nothing_to_undo": "没有可以撤销的操作。",
    "exported": "已导出 {fmt}：{name}。点击右侧“下载”按钮保存。",
    "export_with_errors": "注意：草稿还有 {n} 个错误，建议修改后再提交。",
    "export_failed": "导出失败：{reason}",
    "export_formats": {"docx": "Word", "xlsx": "Excel", "json": "JSON"},
    "retrieval_unavailable": "检索服务暂不可用：{reason}",
    "no_hits": "语料中没有找到与“{topic}”相关的{what}。",
    "hits_indicators": "语料中{scope}的指标（共 {n} 条，按相似度排序）：",
    "hits_projects": "语料中相似的项目（共 {n} 个）：",
    "hit_indicator": "- {name}：{value}（{project}，{ref}）",
    "hit_project": "- {project}（{ref}）",
    "scope_level2": "“{level2}”类",
    "scope_topic": "与“{topic}”相关",
    "stats_header": "“{topic}”的取值统计：",
    "what_indicators": "指标",
    "what_projects": "项目",
    "edited_in_table": "已保存表格中的修改。",
    "header_saved": "已保存表头修改。",
    "no_change": "没有变化。",
    "restored": "已打开草稿《{name}》。",
    "not_found": "没有找到这份草稿（可能已被删除，或不属于当前用户）。",
    "new_session": "已开始新的草稿。请描述项目。",
    "upload_too_big": "文件过大：{size:.1f} MB，上限 {limit} MB。",
    "upload_type": "不支持的文件类型“{suffix}”。请上传 .docx、.xlsx、.json 或 .txt 文件。",
    "upload_failed": "无法读取文件：{reason}",
    "upload_none": "请先选择要上传的文件。",
    "upload_loaded": "已读取《{file}》：共 {n} 个项目表。",
    "upload_table": "第{index}个：{name}（{n} 个指标）",
    "upload_check_header": "《{name}》的检查结果：",
    "upload_started": "已把《{name}》作为当前草稿，可以继续对话修改。",
    "upload_pick": "请先上传文件并选择其中一个项目表。",
    "llm_failed": "大模型暂时不可用（{reason}），已改用规则方式理解您的消息。",
    "llm_unclear": "大模型未能把这句话转换成操作。",
    "what": {
        "draft": "起草", "set_value": "修改指标", "set_header": "修改表头", "set_budget": "修改预算",
        "set_plan": "修改支出计划", "add": "增加指标", "remove": "删除指标", "table": "表格编辑",
        "header": "表头编辑", "upload": "上传的表格",
    },
}


# --- results --------------------------------------------------------------------------------


@dataclass
class Reply:
    """What one turn gives back to the page (or a test)."""

    text: str  # markdown; user and corpus text already escaped
    table: ProjectTable | None = None
    findings: list[Any] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    file: Path | None = None
    action: str = ""
    changed: bool = False
    draft_id: str | None = None


@dataclass
class UploadResult:
    ok: bool
    message: str
    titles: list[str] = field(default_factory=list)


@dataclass
class _Snapshot:
    table: ProjectTable | None
    draft_id: str | None
    draft_sources: list[dict[str, Any]]
    what: str


# --- shared resources -----------------------------------------------------------------------


class ChatBackend:
    """What all sessions share: the retriever (opened once), the draft store, the profile, and
    the optional LLM. Thread-safe."""

    def __init__(self, store: DraftStore | None = None, retriever: Any | None = None, profile: str | None = None,
                 open_retriever: bool = True, llm: Any | None = None, llm_timeout: float = 30.0,
                 draft_with_llm: bool | None = None) -> None:
        self.store = store or DraftStore()
        self.profile = profile or config.default_profile()
        self._retriever = retriever
        self._retriever_error: str | None = None
        self._open_retriever = open_retriever and retriever is None
        self._lock = threading.Lock()
        self._llm = llm  # None: as configured; False: never; a chat model: use it for chat messages
        self.llm_timeout = llm_timeout
        self.draft_with_llm = False if llm is False else draft_with_llm  # None: drafting decides

    # retrieval ------------------------------------------------------------------------------
    def open_retriever(self) -> Any | None:
        """Open the retriever once (building the index from corpus/ if missing)."""
        with self._lock:
            if self._retriever is None and self._open_retriever:
                self._open_retriever = False
                try:
                    from assistant.retrieval.search import Retriever

                    self._retriever = Retriever.open()
                except Exception as exc:  # noqa: BLE001 - shown to the user, the chat carries on
                    log.exception("retriever unavailable")
                    self._retriever_error = _reason(exc)
            return self._retriever

    def start_background_open(self) -> threading.Thread:
        """Open the retriever and warm it up in a thread, so the page answers while the model
        loads; the first request that needs retrieval waits for it."""
        thread = threading.Thread(target=lambda: (self.open_retriever(), self.warm_up()), name="retriever-open",
                                  daemon=True)
        thread.start()
        return thread

    def warm_up(self) -> None:
        """One search, so that the first user does not wait for the model's first run."""
        try:
            self.search(WARM_UP_QUERY, k=1)
        except Exception:  # noqa: BLE001 - an unavailable retriever is reported when used
            log.warning("retriever warm-up failed", exc_info=True)

    @property
    def retriever_error(self) -> str | None:
        return self._retriever_error

    def search(self, query: str, **kwargs: Any) -> list[Any]:
        retriever = self.open_retriever()
        if retriever is None:
            raise RuntimeError(self._retriever_error or "retriever not available")
        return list(retriever.search(query, **kwargs))

    def value_stats(self, topic: str) -> Any:
        """assistant.retrieval.stats.ValueStats for an indicator name or a 二级 category."""
        from assistant.retrieval.stats import value_stats

        retriever = self.open_retriever()
        if retriever is None:
            raise RuntimeError(self._retriever_error or "retriever not available")
        return value_stats(retriever, topic)

    # checking, drafting, exporting ----------------------------------------------------------
    def lint(self, table: ProjectTable) -> list[Any]:
        from assistant.checks import lint_table

        return sort_findings(lint_table(table, profile=self.profile))

    def draft(self, text: str) -> Any:
        from assistant.drafting import draft_brief
        from assistant.drafting.describe import brief_from_text

        brief = brief_from_text(text, profile=self.profile)
        return draft_brief(brief, retriever=self.open_retriever(), use_llm=self.draft_with_llm)

    def export(self, table: ProjectTable, fmt: str, owner: str) -> Path:
        from assistant.export import export_tables

        folder = new_folder("exports")  # a random folder per file; `owner` is who asked
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"{safe_name(table.project_name or MESSAGES['file_stem'])}-{stamp}{EXPORT_SUFFIX[fmt]}"
        export_tables([table], path, overwrite=True)
        return path

    # LLM ------------------------------------------------------------------------------------
    @property
    def llm_enabled(self) -> bool:
        if self._llm is False:
            return False
        if self._llm is not None:
            return True
        try:
            from assistant.llm.client import llm_configured

            return bool(llm_configured())
        except Exception:  # noqa: BLE001 - no LLM module or config: the rules carry on
            return False

    def llm_actions(self, message: str, table: ProjectTable | None) -> list[Any]:
        """Ask the LLM to turn a free-form message into actions (structured output)."""
        from assistant.chat.llm_tools import message_to_actions

        model = self._llm if self._llm not in (None, False) else None
        return message_to_actions(message, table, model=model, timeout=self.llm_timeout)


def safe_name(name: str, limit: int = 60) -> str:
    """A file name from any text: no path parts, no separators or control characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", name).strip("._")
    return name[:limit] or "file"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(e.get("msg", "")) for e in exc.errors(include_url=False))
    text = str(exc).strip()
    return text[:300] if text else type(exc).__name__


def _money(value: float | None) -> str:
    return f"{value or 0:,.2f}"


# --- the session service --------------------------------------------------------------------


class ChatService:
    """One user's conversation: the current draft, its undo stack, sources and findings."""

    def __init__(self, backend: ChatBackend, owner: str) -> None:
        self.backend = backend
        self.owner = owner
        self.table: ProjectTable | None = None
        self.draft_id: str | None = None
        self.draft_sources: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self.findings: list[Any] = []
        self.uploaded: list[ProjectTable] = []
        self.history: list[dict[str, str]] = [{"role": "assistant", "content": MESSAGES["help"]}]
        self._undo: list[_Snapshot] = []
        self._lock = threading.RLock()

    # public API -------------------------------------------------------------------------------
    def handle(self, message: str) -> Reply:
        """One chat message -> one reply. Never raises."""
        with self._lock:
            try:
                reply = self._handle(message)
            except Exception:  # noqa: BLE001 - the page must never show a traceback
                log.exception("chat turn failed")
                reply = self._reply(MESSAGES["internal_error"], action="error")
            return self._record(reply, user=message)

    def execute(self, action: Any) -> Reply:
        """Run one parsed action (from the rules or from the LLM's tool call)."""
        return self._guarded(lambda: self._execute(action))

    def apply_rows(self, rows: list[list[Any]]) -> Reply:
        """Indicator rows edited in the page's grid (blank 一级/二级 inherit from above)."""
        from assistant.chat.view import indicators_from_rows

        rows = rows[: limits.MAX_INDICATORS + 1]  # one more than allowed is enough for the limit's message
        return self._guarded(lambda: self._apply_rows(indicators_from_rows(rows, self._indicators())))

    def apply_header(self, project_name: str, total: float | None, fiscal: float | None, other: float | None,
                     fund_use: str, goal: str, plan: list[list[Any]]) -> Reply:
        """Header fields edited in the page."""
        from assistant.chat.view import plan_from_rows

        def run() -> Reply:
            if self.table is None:
                return self._reply(MESSAGES["no_draft"], action="header")
            table = self.table.model_copy(deep=True)
            table.project_name = strip_bidi(project_name or "").strip()[:300]
            table.budget = Budget(total=_opt_float(total), fiscal=_opt_float(fiscal), other=_opt_float(other))
            table.fund_use = strip_bidi(fund_use or "").strip()
            table.goal = strip_bidi(goal or "").strip()
            table.spending_plan = plan_from_rows(plan or [])
            if table == self.table:
                return self._reply(MESSAGES["no_change"], action="header")
            return self._commit(table, "header", MESSAGES["header_saved"])

        return self._guarded(run)

    def restore(self, draft_id: str) -> Reply:
        def run() -> Reply:
            stored = self.backend.store.load(self.owner, draft_id)
            if stored is None:
                return self._reply(MESSAGES["not_found"], action="restore")
            self._push("restore")
            self.table, self.draft_id = stored.table, stored.id
            self.draft_sources = self.sources = stored.sources
            self.findings = self._lint(self.table)
            return self._reply(MESSAGES["restored"].format(name=esc(self.table.project_name)), action="restore",
                               changed=True)

        return self._guarded(run)

    def new_draft(self) -> Reply:
        def run() -> Reply:
            if self.table is not None:
                self._push("draft")
            self.table, self.draft_id, self.draft_sources, self.sources, self.findings = None, None, [], [], []
            return self._reply(MESSAGES["new_session"], action="new", changed=True)

        return self._guarded(run)

    def list_drafts(self) -> list[DraftSummary]:
        return self.backend.store.list_drafts(self.owner)

    def open_upload(self, path: str | Path | None, original_name: str | None = None) -> UploadResult:
        """Read an uploaded file (size cap, allowed types); its tables wait for check/start."""
        with self._lock:
            try:
                return self._open_upload(path, original_name)
            except Exception:  # noqa: BLE001
                log.exception("upload failed")
                return UploadResult(False, MESSAGES["internal_error"])

    def check_uploaded(self, index: int) -> Reply:
        """Findings of one uploaded table, in the chat; the current draft stays as it is."""

        def run() -> Reply:
            if not 0 <= index < len(self.uploaded):
                return self._reply(MESSAGES["upload_pick"], action="upload_check")
            table = self.uploaded[index]
            findings = self._lint(table)
            text = MESSAGES["upload_check_header"].format(name=esc(table.project_name)) + "\n\n" + _findings_text(findings)
            return self._reply(text, action="upload_check", findings_override=findings)

        return self._guarded(run)

    def start_from_uploaded(self, index: int) -> Reply:
        def run() -> Reply:
            if not 0 <= index < len(self.uploaded):
                return self._reply(MESSAGES["upload_pick"], action="upload_start")
            table = self.uploaded[index].model_copy(deep=True)
            self._push("upload")
            self.draft_id, self.draft_sources = None, []
            return self._commit(table, "upload", MESSAGES["upload_started"].format(name=esc(table.project_name)),
                                push=False)

        return self._guarded(run)

    def state_reply(self, text: str = "") -> Reply:
        """The current state as a reply (for a page reload)."""
        with self._lock:
            return self._reply(text, action="state")

    # dispatch ---------------------------------------------------------------------------------
    def _guarded(self, run: Callable[[], Reply]) -> Reply:
        with self._lock:
            try:
                reply = run()
            except Exception:  # noqa: BLE001
                log.exception("chat operation failed")
                reply = self._reply(MESSAGES["internal_error"], action="error")
            return self._record(reply)

    def _record(self, reply: Reply, user: str | None = None) -> Reply:
        """Append the turn to the session's chat history (user text escaped)."""
        if user is not None:
            self.history.append({"role": "user", "content": esc((user or "").strip()[:MAX_MESSAGE_CHARS])})
        if reply.text:
            self.history.append({"role": "assistant", "content": reply.text})
        del self.history[:-MAX_HISTORY]
        return reply

    def _handle(self, message: str) -> Reply:
        text = strip_bidi(message or "").strip()
        if not text:
            return self._reply(MESSAGES["empty"], action="help")
        prefix = ""
        if len(text) > MAX_MESSAGE_CHARS:
            prefix = MESSAGES["too_long"].format(n=len(text), limit=MAX_MESSAGE_CHARS) + "\n\n"
            text = text[:MAX_MESSAGE_CHARS]
        actions = [intents.parse_message(text)]
        if isinstance(actions[0], Help) and actions[0].unknown and self.backend.llm_enabled:
            actions, note = self._llm_actions(text)
            prefix += note
        replies = [self._execute(action, original=text) for action in actions]
        reply = replies[-1]
        reply.text = prefix + "\n\n".join(r.text for r in replies if r.text)
        reply.file = next((r.file for r in reversed(replies) if r.file), None)
        reply.changed = any(r.changed for r in replies)
        return reply

    def _llm_actions(self, text: str) -> tuple[list[Any], str]:
        try:
            actions = self.backend.llm_actions(text, self.table)
        except Exception as exc:  # noqa: BLE001 - timeouts, HTTP errors, bad answers: the rules carry on
            log.warning("LLM failed: %s", exc)
            return [Help(unknown=True)], MESSAGES["llm_failed"].format(reason=esc(_reason(exc))) + "\n\n"
        return (actions, "") if actions else ([Help(unknown=True)], MESSAGES["llm_unclear"] + "\n\n")

    def _execute(self, action: Any, original: str = "") -> Reply:
        handlers: dict[str, Callable[[Any], Reply]] = {
            "draft": self._do_draft, "set_value": self._do_set_value, "set_header": self._do_set_header,
            "set_budget": self._do_set_budget, "set_plan": self._do_set_plan, "add": self._do_add,
            "remove": self._do_remove, "undo": self._do_undo, "check": self._do_check, "export": self._do_export,
            "ask": self._do_ask,
        }
        kind = getattr(action, "kind", "")
        handler = handlers.get(kind)
        if kind in ("clarify", "respond"):
            return self._reply(esc(getattr(action, "question", "") or getattr(action, "text", "")), action=action.kind)
        if handler is None:
            text = MESSAGES["help"]
            if isinstance(action, Help) and action.unknown and original:
                text = MESSAGES["unknown"].format(text=esc(original[:80])) + "\n\n" + text
            return self._reply(text, action="help")
        if kind in NEEDS_DRAFT and self.table is None:
            return self._reply(MESSAGES["no_draft"], action=kind)
        return handler(action)

    # actions ----------------------------------------------------------------------------------
    def _do_draft(self, action: intents.DraftProject) -> Reply:
        try:
            result = self.backend.draft(action.text)
        except ValidationError as exc:
            return self._reply(MESSAGES["draft_failed"].format(reason=esc(_reason(exc))), action="draft")
        except ImportError as exc:
            log.exception("drafting unavailable")
            return self._reply(MESSAGES["draft_unavailable"].format(reason=esc(_reason(exc))), action="draft")
        table = result.table
        self._push("draft")
        self.draft_id = None
        self.draft_sources = draft_sources(result)
        lines = [MESSAGES["drafted"].format(name=esc(table.project_name), n=len(table.indicators),
                                            budget=_money(table.budget.total))]
        notes = list(dict.fromkeys(result.notes))
        if notes:
            shown = [f"- {esc(n)}" for n in notes[:NOTES_IN_REPLY]]
            if len(notes) > NOTES_IN_REPLY:
                shown.append(MESSAGES["notes_more"].format(n=len(notes) - NOTES_IN_REPLY))
            lines.append(MESSAGES["notes"] + "\n" + "\n".join(shown))
        projects = [s for s in self.draft_sources if s.get("kind") == "project"][:SOURCES_IN_REPLY]
        if projects:
            lines.append(MESSAGES["similar_cited"] + "\n" + "\n".join(
                MESSAGES["hit_project"].format(project=esc(s["project_name"]), ref=esc(_ref_text(s))) for s in projects))
        return self._commit(table, "draft", "\n\n".join(lines), push=False, with_findings=True)

    def _row_for(self, target: str, row: int | None, value: str | None) -> tuple[int | None, str | None]:
        """(index, None) or (None, a Chinese message explaining why no row was chosen)."""
        table = self.table
        assert table is not None
        if row is None:
            row = intents.row_number(target)
        if row is not None:
            if 0 <= row < len(table.indicators):
                return row, None
            return None, MESSAGES["bad_row"].format(row=row + 1, n=len(table.indicators))
        index, candidates = match_row(table, target, value)
        if index is not None:
            return index, None
        if candidates:
            listed = "、".join(MESSAGES["candidate"].format(row=i + 1, name=esc(table.indicators[i].level3))
                              for i in candidates)
            return None, MESSAGES["ambiguous"].format(target=esc(target), candidates=listed, row=candidates[0] + 1)
        names = "、".join(MESSAGES["quoted"].format(name=esc(i.level3)) for i in table.indicators[:20])
        return None, MESSAGES["no_match"].format(target=esc(target), names=names)

    def _do_set_value(self, action: intents.SetValue) -> Reply:
        index, problem = self._row_for(action.target, action.row, action.value if action.field == "value" else None)
        if index is None:
            return self._reply(problem or "", action="set_value")
        table = self.table.model_copy(deep=True)
        old = table.indicators[index]
        new_text, note = action.value, ""
        if action.field == "value":
            new_text, kept = keep_operator(old.value, action.value)
            if kept:
                note = MESSAGES["kept_operator"].format(op=esc(kept))
            table.indicators[index] = old.with_value(new_text)
            follow_quantity(table, index, old)
        else:
            table.indicators[index] = Indicator.model_validate({**old.model_dump(), action.field: new_text})
        text = MESSAGES["set_value"].format(row=index + 1, name=esc(old.level3), field=MESSAGES["field_names"][action.field],
                                            old=esc(getattr(old, action.field)), new=esc(new_text)) + note
        for _i, name, value in refresh_unit_costs(self.table, table):
            text += "\n" + MESSAGES["cost_follow"].format(name=esc(name), value=esc(value))
        return self._commit(table, "set_value", text, with_findings=True)

    def _do_set_header(self, action: intents.SetHeader) -> Reply:
        table = self.table.model_copy(deep=True)
        setattr(table, action.field, action.value.strip())
        text = MESSAGES["set_header"].format(field=MESSAGES["header_names"][action.field], value=esc(action.value))
        return self._commit(table, "set_header", text, with_findings=True)

    def _do_set_budget(self, action: intents.SetBudget) -> Reply:
        if not 0 < action.amount <= 1e11:
            return self._reply(MESSAGES["budget_bad"].format(amount=_money(action.amount)), action="set_budget")
        table = self.table.model_copy(deep=True)
        old_total = table.budget.total
        total, fiscal, other = split_budget(table.budget, action.part, action.amount)
        table.budget = Budget(total=total, fiscal=fiscal, other=other)
        lines = [MESSAGES["set_budget"].format(part=MESSAGES["budget_parts"][action.part], amount=_money(action.amount),
                                               total=_money(total), fiscal=_money(fiscal), other=_money(other))]
        followed = follow_budget(table, old_total, total) + refresh_unit_costs(self.table, table)
        for _i, name, value in followed:
            lines.append(MESSAGES["cost_follow"].format(name=esc(name), value=esc(value)))
        return self._commit(table, "set_budget", "\n".join(lines), with_findings=True)

    def _do_set_plan(self, action: intents.SetPlan) -> Reply:
        if not 0 <= action.percent <= 100:
            return self._reply(MESSAGES["plan_bad"].format(percent=num_text(action.percent)), action="set_plan")
        table = self.table.model_copy(deep=True)
        table.spending_plan = set_plan_percent(table.spending_plan, action.label, action.percent)
        plan = "，".join(f"{esc(p.label)} {num_text(p.percent)}%" for p in table.spending_plan if p.percent is not None)
        text = MESSAGES["set_plan"].format(label=esc(action.label), percent=num_text(action.percent), plan=plan)
        return self._commit(table, "set_plan", text, with_findings=True)

    def _do_add(self, action: intents.AddIndicator) -> Reply:
        if not action.value:
            return self._reply(MESSAGES["add_no_value"], action="add")
        table = self.table.model_copy(deep=True)
        level2, guessed = action.level2, False
        if not level2:
            level2, guessed = guess_level2(action.level3, action.value), True
        profile = get_profile(self.backend.profile)
        level2 = canonical_level2(level2, profile.name)
        level1 = profile.parent(level2) or profile.level1[0]
        row = Indicator(level1=level1, level2=level2, level3=action.level3,
                        description=MESSAGES["add_description"].format(name=action.level3), value=action.value,
                        basis=MESSAGES["add_basis"].format(year=table.year or _dt.date.today().year))
        index = insert_position(table.indicators, level1, level2, profile)
        table.indicators.insert(index, row)
        text = MESSAGES["added"].format(level2=esc(level2), row=index + 1, name=esc(action.level3), value=esc(action.value))
        if guessed:
            text += MESSAGES["added_guess"].format(level2=esc(level2))
        return self._commit(table, "add", text, with_findings=True)

    def _do_remove(self, action: intents.RemoveIndicator) -> Reply:
        index, problem = self._row_for(action.target, action.row, None)
        if index is None:
            return self._reply(problem or "", action="remove")
        table = self.table.model_copy(deep=True)
        old = table.indicators.pop(index)
        text = MESSAGES["removed"].format(row=index + 1, name=esc(old.level3), value=esc(old.value))
        return self._commit(table, "remove", text, with_findings=True)

    def _do_undo(self, _action: intents.Undo) -> Reply:
        if not self._undo:
            return self._reply(MESSAGES["nothing_to_undo"], action="undo")
        snap = self._undo.pop()
        self.table, self.draft_id, self.draft_sources = snap.table, snap.draft_id, snap.draft_sources
        self.sources = self.draft_sources
        self.findings = self._lint(self.table) if self.table else []
        if self.table is not None:
            self.draft_id = self.backend.store.save(self.owner, self.table, self.draft_sources, self.draft_id)
        text = MESSAGES["undone"].format(what=MESSAGES["what"].get(snap.what, snap.what))
        return self._reply(text, action="undo", changed=True)

    def _do_check(self, _action: intents.Check) -> Reply:
        self.findings = self._lint(self.table)
        return self._reply(_findings_text(self.findings), action="check")

    def _do_export(self, action: intents.Export) -> Reply:
        fmt_name = MESSAGES["export_formats"][action.format]
        try:
            path = self.backend.export(self.table, action.format, self.owner)
        except Exception as exc:  # noqa: BLE001 - a failed export is a message, not a crash
            log.exception("export failed")
            return self._reply(MESSAGES["export_failed"].format(reason=esc(_reason(exc))), action="export")
        text = MESSAGES["exported"].format(fmt=fmt_name, name=esc(path.name))
        errors = sum(1 for f in self.findings if f.severity == "error")
        if errors:
            text += "\n\n" + MESSAGES["export_with_errors"].format(n=errors)
        return self._reply(text, action="export", file=path)

    def _do_ask(self, action: intents.Ask) -> Reply:
        context = f"{self.table.project_name} {self.table.fund_use[:200]}" if self.table else ""
        topic = action.topic or (action.level2 or "")
        try:
            if action.mode == "projects":
                hits = self.backend.search((context or topic or action.question)[:400], k=SOURCES_IN_REPLY, kind="project")
                return self._answer_hits(hits, topic or context, projects=True)
            if action.mode == "stats":
                return self._answer_stats(action, topic)
            query = " ".join(x for x in (topic, context) if x) or action.question
            hits = self.backend.search(query[:400], k=SOURCES_IN_REPLY, kind="indicator", level2=action.level2)
            return self._answer_hits(hits, topic, level2=action.level2)
        except (ImportError, RuntimeError) as exc:
            log.warning("retrieval unavailable: %s", exc)
            return self._reply(MESSAGES["retrieval_unavailable"].format(reason=esc(_reason(exc))), action="ask")
        except ValueError as exc:  # the retriever's QueryError/FilterError carry a Chinese message
            return self._reply(esc(_reason(exc)), action="ask")

    def _answer_hits(self, hits: list[Any], topic: str, projects: bool = False, level2: str | None = None) -> Reply:
        sources = [hit_source(h) for h in hits]
        if not sources:
            what = MESSAGES["what_projects"] if projects else MESSAGES["what_indicators"]
            return self._reply(MESSAGES["no_hits"].format(topic=esc(topic or level2 or ""), what=what), action="ask")
        if projects:
            lines = [MESSAGES["hits_projects"].format(n=len(sources))]
            lines += [MESSAGES["hit_project"].format(project=esc(s["project_name"]), ref=esc(_ref_text(s))) for s in sources]
        else:
            scope = (MESSAGES["scope_level2"].format(level2=esc(level2)) if level2 and not topic
                     else MESSAGES["scope_topic"].format(topic=esc(topic)))
            lines = [MESSAGES["hits_indicators"].format(scope=scope, n=len(sources))]
            lines += [MESSAGES["hit_indicator"].format(name=esc(s["level3"]), value=esc(s["value"]),
                                                       project=esc(s["project_name"]), ref=esc(_ref_text(s)))
                      for s in sources]
        self.sources = sources
        return self._reply("\n".join(lines), action="ask")

    def _answer_stats(self, action: intents.Ask, topic: str) -> Reply:
        stats = self.backend.value_stats(topic or action.level2 or "")
        lines = [MESSAGES["stats_header"].format(topic=esc(topic or action.level2 or ""))]
        lines += [f"- {esc(line.strip())}" for line in stats.summary().splitlines() if line.strip()]
        sources = [{"kind": "stat", "project_name": src.project, "level2": stats.category or "",
                    "level3": "、".join(group.names[:2]), "value": group.label, "source": src.model_dump()}
                   for group in stats.groups[:STATS_GROUPS] for src in group.sources[:2]]
        if sources:
            self.sources = sources
        return self._reply("\n".join(lines), action="ask")

    # upload -----------------------------------------------------------------------------------
    def _open_upload(self, path: str | Path | None, original_name: str | None) -> UploadResult:
        from assistant.parsers import InputError

        if not path:
            return UploadResult(False, MESSAGES["upload_none"])
        path = Path(path)
        name = safe_name(original_name or path.name, limit=120)
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            return UploadResult(False, MESSAGES["upload_type"].format(suffix=esc(suffix or name)))
        size = path.stat().st_size if path.is_file() else 0
        if size > MAX_UPLOAD_BYTES:
            return UploadResult(False, MESSAGES["upload_too_big"].format(size=size / 1024 / 1024,
                                                                         limit=MAX_UPLOAD_BYTES // 1024 // 1024))
        target = new_folder("uploads") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        try:
            document = limits.read_upload(target)
        except InputError as exc:
            return UploadResult(False, MESSAGES["upload_failed"].format(reason=esc(exc.message)))
        self.uploaded = [t for t in document.tables]
        titles = [MESSAGES["upload_table"].format(index=i + 1, name=t.project_name or "—", n=len(t.indicators))
                  for i, t in enumerate(self.uploaded)]
        if not titles:
            return UploadResult(False, MESSAGES["upload_failed"].format(reason=esc(MESSAGES["upload_pick"])))
        return UploadResult(True, MESSAGES["upload_loaded"].format(file=esc(name), n=len(titles)), titles)

    # state --------------------------------------------------------------------------------------
    def _indicators(self) -> list[Indicator]:
        return list(self.table.indicators) if self.table else []

    def _apply_rows(self, indicators: list[Indicator]) -> Reply:
        if self.table is None:
            return self._reply(MESSAGES["no_draft"], action="table")
        table = self.table.model_copy(deep=True)
        table.indicators = indicators
        if [i.model_dump() for i in table.indicators] == [i.model_dump() for i in self.table.indicators]:
            return self._reply("", action="table")  # the grid fires on blur too: nothing to say
        return self._commit(table, "table", MESSAGES["edited_in_table"])

    def _push(self, what: str) -> None:
        self._undo.append(_Snapshot(copy.deepcopy(self.table), self.draft_id, list(self.draft_sources), what))
        del self._undo[:-MAX_UNDO]

    def _lint(self, table: ProjectTable | None) -> list[Any]:
        return self.backend.lint(table) if table is not None else []

    def _commit(self, table: ProjectTable, what: str, text: str, push: bool = True,
                with_findings: bool = False) -> Reply:
        """Make `table` the draft: undo point, checker, save, reply (not beyond the size limits)."""
        problem = limits.table_problem(table)
        if problem:
            return self._reply(problem, action=what)
        if push:
            self._push(what)
        self.table = table
        self.findings = self._lint(table)
        self.sources = self.draft_sources
        self.draft_id = self.backend.store.save(self.owner, table, self.draft_sources, self.draft_id)
        if with_findings:
            text = text + "\n\n" + _findings_text(self.findings, brief=True)
        return self._reply(text, action=what, changed=True)

    def _reply(self, text: str, action: str = "", file: Path | None = None, changed: bool = False,
               findings_override: list[Any] | None = None) -> Reply:
        return Reply(text=text, table=self.table, findings=list(findings_override if findings_override is not None
                                                               else self.findings),
                     sources=list(self.sources), file=file, action=action, changed=changed, draft_id=self.draft_id)


# --- helpers --------------------------------------------------------------------------------


def _opt_float(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else round(float(value), 2)
    except (TypeError, ValueError):
        return None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def hit_source(hit: Any, kind: str | None = None) -> dict[str, Any]:
    """A retrieval hit as a plain dict for the sources panel and storage."""
    source = _get(hit, "source", None)
    if source is not None and not isinstance(source, (dict, str)):
        source = source.model_dump() if hasattr(source, "model_dump") else dict(vars(source))
    return {
        "kind": kind or _get(hit, "kind", "indicator"),
        "project_name": _get(hit, "project_name", "") or "",
        "level1": _get(hit, "level1", "") or "",
        "level2": _get(hit, "level2", "") or "",
        "level3": _get(hit, "level3", "") or "",
        "value": _get(hit, "value", "") or "",
        "score": _get(hit, "score", None),
        "source": source or {},
    }


def draft_sources(result: Any) -> list[dict[str, Any]]:
    """Cited sources of a draft: the similar projects, then each row's provenance."""
    out = [{"kind": "project", "project_name": _get(s, "project_name", ""), "level3": "", "value": "",
            "source": _get(s, "source", "")} for s in (result.similar or [])]
    for ind in result.table.indicators:
        if ind.source:
            out.append({"kind": "draft", "project_name": "", "level2": ind.level2, "level3": ind.level3,
                        "value": ind.value, "source": ind.source})
    return out


def _ref_text(source: dict[str, Any]) -> str:
    from assistant.chat.view import source_ref

    return source_ref(source)


def _findings_text(findings: list[Any], brief: bool = False) -> str:
    """Findings as markdown lines, errors first; `brief` lists errors and warnings only."""
    from assistant.chat.view import MESSAGES as VIEW

    if not findings:
        return MESSAGES["findings_none"]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    lines = [MESSAGES["findings_summary"].format(errors=counts["error"], warnings=counts["warning"],
                                                 infos=counts["info"])]
    shown = [f for f in findings if not brief or f.severity != "info"]
    for f in shown[:FINDINGS_IN_REPLY]:
        name = f"「{esc(f.level3)}」" if f.level3 else ""
        suggestion = MESSAGES["suggestion"].format(text=esc(f.suggestion)) if f.suggestion else ""
        lines.append(MESSAGES["finding_line"].format(icon=VIEW["icon"].get(f.severity, ""), where=finding_where(f),
                                                     name=name, message=esc(f.message), suggestion=suggestion))
    if len(shown) > FINDINGS_IN_REPLY:
        lines.append(MESSAGES["findings_more"].format(n=len(shown) - FINDINGS_IN_REPLY))
    return "\n".join(lines)
