"""The chat assistant without Gradio: one ChatService per browser session (or terminal).

    backend = ChatBackend()                   # shared: retriever (opened once), draft store
    chat = ChatService(backend, owner="user:alice")
    reply = chat.handle("2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次")
    reply = chat.handle("能不能把培训人数改为300人次？")

A turn: the message is read into actions (assistant.chat.intents; the LLM when the rules cannot
read it and one is configured), each action runs in its handler (assistant.chat.handlers), the
edits of one message are committed as one step of the session (assistant.chat.session), and the
reply is rendered from the outcomes (assistant.chat.replies). Replies never raise: any failure
becomes a Chinese message.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from assistant import config, limits
from assistant.chat import intents
from assistant.chat.files import new_folder
from assistant.chat.actions import EDITS, Help, Undo
from assistant.chat.handlers import Turn, reason, run
from assistant.chat.outcomes import Checked, Clarification, Drafted, Edited, Found, Outcome, Pending, Rerun, Undone
from assistant.chat.replies import MESSAGES, Renderer
from assistant.chat.session import ChatSession, Clear, Edit, Open
from assistant.chat.session import Undo as UndoStep
from assistant.chat.storage import DraftStore, DraftSummary
from assistant.chat.view import esc, sort_findings
from assistant.model import Budget, ProjectTable, strip_bidi

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".docx", ".xlsx", ".json", ".txt")
WARM_UP_QUERY = "项目完成及时率"
EXPORT_SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "json": ".json"}
FILE_STEM = "绩效目标表"


@dataclass
class Reply:
    """What one turn gives back to the page, the terminal or a test."""

    text: str  # markdown (user and corpus text escaped) or plain text for the terminal
    table: ProjectTable | None = None
    findings: list[Any] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    file: Path | None = None
    action: str = ""  # the kinds of what was done, e.g. "set_value", "set_value+remove", "clarify"
    changed: bool = False
    draft_id: str | None = None


@dataclass
class UploadResult:
    ok: bool
    message: str
    titles: list[str] = field(default_factory=list)


# --- shared resources -----------------------------------------------------------------------


class ChatBackend:
    """What all sessions share: the retriever (opened once), the draft store, the profile, and
    the optional LLM. Thread-safe. `build_index=False` opens an existing index only (the
    terminal chat writes nothing outside the data folder)."""

    def __init__(self, store: DraftStore | None = None, retriever: Any | None = None, profile: str | None = None,
                 open_retriever: bool = True, llm: Any | None = None, llm_timeout: float = 30.0,
                 draft_with_llm: bool | None = None, build_index: bool = True) -> None:
        self.store = store or DraftStore()
        self.profile = profile or config.default_profile()
        self._retriever = retriever
        self._retriever_error: str | None = None
        self._open_retriever = open_retriever and retriever is None
        self._build_index = build_index
        self._lock = threading.Lock()
        self._llm = llm  # None: as configured; False: never; a chat model: use it for chat messages
        self.llm_timeout = llm_timeout
        self.draft_with_llm = False if llm is False else draft_with_llm  # None: drafting decides

    # retrieval ------------------------------------------------------------------------------
    def open_retriever(self) -> Any | None:
        """Open the retriever once (building the index from corpus/ if missing and allowed)."""
        with self._lock:
            if self._retriever is None and self._open_retriever:
                self._open_retriever = False
                try:
                    from assistant.retrieval.search import Retriever

                    if not self._build_index and not _index_exists():
                        raise RuntimeError(MESSAGES["no_index"])
                    self._retriever = Retriever.open(build_if_missing=self._build_index)
                except Exception as exc:  # noqa: BLE001 - shown to the user, the chat carries on
                    log.warning("retriever unavailable: %s", exc)
                    self._retriever_error = reason(exc)
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
        path = folder / f"{safe_name(table.project_name or FILE_STEM)}-{stamp}{EXPORT_SUFFIX[fmt]}"
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


def _index_exists() -> bool:
    from assistant.retrieval.store import embedded_path

    folder = embedded_path()
    return config.chroma_server() is not None or (folder.is_dir() and any(folder.glob("*.sqlite3")))


def safe_name(name: str, limit: int = 60) -> str:
    """A file name from any text: no path parts, no separators or control characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", name).strip("._")
    return name[:limit] or "file"


def _opt_float(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else round(float(value), 2)
    except (TypeError, ValueError):
        return None


# --- the session service --------------------------------------------------------------------


class ChatService:
    """One user's conversation. `markdown=False` renders plain text (the terminal)."""

    def __init__(self, backend: ChatBackend, owner: str, markdown: bool = True) -> None:
        self.backend = backend
        self.owner = owner
        self.render = Renderer(markdown)
        self.session = ChatSession(owner, save=backend.store.save, lint=backend.lint)
        self.session.history.append({"role": "assistant", "content": self.render.finish(MESSAGES["help"])})
        self._lock = threading.RLock()
        self._limit_problem: str | None = None  # why the last commit was refused (the table would be too large)

    # the state the page shows (read-only; changes go through session.transition)
    @property
    def table(self) -> ProjectTable | None:
        return self.session.table

    @property
    def findings(self) -> list[Any]:
        return self.session.findings

    @property
    def sources(self) -> list[dict[str, Any]]:
        return self.session.sources

    @property
    def history(self) -> list[dict[str, str]]:
        return self.session.history

    @property
    def draft_id(self) -> str | None:
        return self.session.draft_id

    @property
    def uploaded(self) -> list[ProjectTable]:
        return self.session.uploaded

    # public API -------------------------------------------------------------------------------
    def handle(self, message: str) -> Reply:
        """One chat message -> one reply. Never raises."""
        with self._lock:
            try:
                reply = self._handle(message or "")
            except Exception:  # noqa: BLE001 - the page must never show a traceback
                log.exception("chat turn failed")
                reply = self._reply(self.render.text("internal_error"), action="error")
            self.session.record(esc((message or "").strip()[:MAX_MESSAGE_CHARS]), reply.text)
            return reply

    def execute(self, action: BaseModel) -> Reply:
        """Run one action (from the rules, the LLM or a caller)."""
        return self._guarded(lambda: self._run([action]))

    def apply_rows(self, rows: list[list[Any]]) -> Reply:
        """Indicator rows edited in the page's grid (blank 一级/二级 inherit from above)."""
        from assistant.chat.view import indicators_from_rows

        rows = rows[: limits.MAX_INDICATORS + 1]  # one more than allowed is enough for the limit's message

        def run_rows() -> Reply:
            if self.table is None:
                return self._reply(self.render.text("no_draft"), action="table")
            table = self.table.model_copy(deep=True)
            table.indicators = indicators_from_rows(rows, list(self.table.indicators))
            if [i.model_dump() for i in table.indicators] == [i.model_dump() for i in self.table.indicators]:
                return self._reply("", action="table")  # the grid fires on blur too: nothing to say
            return self._commit_page(table, "table", "edited_in_table")

        return self._guarded(run_rows)

    def apply_header(self, project_name: str, total: float | None, fiscal: float | None, other: float | None,
                     fund_use: str, goal: str, plan: list[list[Any]]) -> Reply:
        """Header fields edited in the page."""
        from assistant.chat.view import plan_from_rows

        def run_header() -> Reply:
            if self.table is None:
                return self._reply(self.render.text("no_draft"), action="header")
            table = self.table.model_copy(deep=True)
            table.project_name = strip_bidi(project_name or "").strip()[:300]
            table.budget = Budget(total=_opt_float(total), fiscal=_opt_float(fiscal), other=_opt_float(other))
            table.fund_use = strip_bidi(fund_use or "").strip()
            table.goal = strip_bidi(goal or "").strip()
            table.spending_plan = plan_from_rows(plan or [])
            if table == self.table:
                return self._reply(self.render.text("no_change"), action="header")
            return self._commit_page(table, "header", "header_saved")

        return self._guarded(run_header)

    def restore(self, draft_id: str) -> Reply:
        def run_restore() -> Reply:
            stored = self.backend.store.load(self.owner, draft_id)
            if stored is None:
                return self._reply(self.render.text("not_found"), action="restore")
            self.session.transition(Open(stored.table, "restore", tuple(stored.sources), stored.id))
            return self._reply(self.render.text("restored", name=self.render.e(stored.table.project_name)),
                               action="restore", changed=True)

        return self._guarded(run_restore)

    def new_draft(self) -> Reply:
        def run_new() -> Reply:
            self.session.transition(Clear())
            return self._reply(self.render.text("new_session"), action="new", changed=True)

        return self._guarded(run_new)

    def start_from_table(self, table: ProjectTable, what: str = "start") -> Reply:
        """Make a table read from a file the draft (the terminal's --table, an upload)."""

        def run_start() -> Reply:
            self.session.transition(Open(table.model_copy(deep=True), what))
            key = "upload_started" if what == "upload" else "started"
            text = self.render.text(key, name=self.render.e(table.project_name), n=len(table.indicators))
            return self._reply(text + "\n\n" + self.render.findings(self.findings), action=what, changed=True)

        return self._guarded(run_start)

    def list_drafts(self) -> list[DraftSummary]:
        return self.backend.store.list_drafts(self.owner)

    def open_upload(self, path: str | Path | None, original_name: str | None = None) -> UploadResult:
        """Read an uploaded file (size cap, allowed types); its tables wait for check/start."""
        with self._lock:
            try:
                return self._open_upload(path, original_name)
            except Exception:  # noqa: BLE001
                log.exception("upload failed")
                return UploadResult(False, self.render.text("internal_error"))

    def check_uploaded(self, index: int) -> Reply:
        """Findings of one uploaded table, in the chat; the current draft stays as it is."""

        def run_check() -> Reply:
            if not 0 <= index < len(self.uploaded):
                return self._reply(self.render.text("upload_pick"), action="upload_check")
            table = self.uploaded[index]
            findings = self.backend.lint(table)
            text = self.render.text("upload_check_header", name=self.render.e(table.project_name))
            return self._reply(text + "\n\n" + self.render.findings(findings), action="upload_check",
                               findings=findings)

        return self._guarded(run_check)

    def start_from_uploaded(self, index: int) -> Reply:
        if not 0 <= index < len(self.uploaded):
            return self._guarded(lambda: self._reply(self.render.text("upload_pick"), action="upload_start"))
        return self.start_from_table(self.uploaded[index], "upload")

    def state_reply(self, text: str = "") -> Reply:
        """The current state as a reply (for a page reload)."""
        with self._lock:
            return self._reply(text, action="state")

    # a turn -----------------------------------------------------------------------------------
    def _guarded(self, work: Callable[[], Reply]) -> Reply:
        with self._lock:
            try:
                reply = work()
            except Exception:  # noqa: BLE001
                log.exception("chat operation failed")
                reply = self._reply(self.render.text("internal_error"), action="error")
            self.session.record(None, reply.text)
            return reply

    def _handle(self, message: str) -> Reply:
        text = strip_bidi(message or "").strip()
        if not intents.prepare(text):
            return self._reply(self.render.text("empty"), action="empty")
        if len(text) > MAX_MESSAGE_CHARS:  # not plainly anything: nothing in it is carried out
            self.session.pending = None
            return self._reply(self.render.text("too_long", n=len(text), limit=MAX_MESSAGE_CHARS), action="too_long")
        prefix = ""
        actions = intents.read_message(text, self.table, self.session.pending)
        if _unknown(actions) and self.backend.llm_enabled:
            actions, note = self._llm_actions(text)
            prefix += note
            if not _unknown(actions) and any(isinstance(a, (*EDITS, Undo)) for a in actions):
                reply = self._propose(actions)
                reply.text = prefix + reply.text
                return reply
        if _unknown(actions):
            self.session.pending = None
            return self._reply(prefix + self.render.unknown(text), action="help")
        reply = self._run(actions)
        reply.text = prefix + reply.text
        return reply

    def _llm_actions(self, text: str) -> tuple[list[Any], str]:
        try:
            actions = self.backend.llm_actions(text, self.table)
        except Exception as exc:  # noqa: BLE001 - timeouts, HTTP errors, bad answers: the rules carry on
            log.warning("LLM failed: %s", exc)
            return [Help(unknown=True)], self.render.text("llm_failed", reason=self.render.e(reason(exc))) + "\n\n"
        return (actions, "") if actions else ([Help(unknown=True)], self.render.text("llm_unclear") + "\n\n")

    def _run(self, actions: list[BaseModel]) -> Reply:
        """Run the actions of one message: edits chain on one working table and are committed
        as one step (one undo point); an undo or a draft is a step of its own."""
        session = self.session
        turn = Turn(session.table, session, self.backend)
        before = list(session.findings)
        outcomes: list[Outcome] = []
        edits: list[str] = []
        pending = None
        sources: list[dict[str, Any]] | None = None
        file = None
        changed = False
        queue = list(actions)
        while queue:
            outcome = run(queue.pop(0), turn)
            if isinstance(outcome, Rerun):  # a confirmed proposal runs now
                queue[:0] = outcome.actions
                continue
            outcomes.append(outcome)
            if isinstance(outcome, Edited):
                problem = limits.table_problem(outcome.table)
                if problem:  # the whole message is refused: nothing beyond the size limits is kept
                    return self._reply(problem, action=outcome.kind)
                turn.table = outcome.table
                edits.append(outcome.kind)
            elif isinstance(outcome, Undone) and outcome.what is not None:
                self._commit(turn, edits)
                session.transition(UndoStep())
                turn.table, changed = session.table, True
            elif isinstance(outcome, Drafted):
                self._commit(turn, edits)
                session.transition(Open(outcome.result.table, "draft", tuple(outcome.sources)))
                turn.table, changed = session.table, True
            elif isinstance(outcome, Clarification) and outcome.pending is not None:
                pending = outcome.pending
            elif isinstance(outcome, Found) and outcome.sources:
                sources = outcome.sources
            file = getattr(outcome, "path", None) or file
        changed = self._commit(turn, edits) or changed
        limit = self._limit_problem
        session.pending = pending
        if sources is not None:
            session.sources = sources
        checked = [o for o in outcomes if isinstance(o, Checked)]
        if checked:
            session.findings = checked[-1].findings
        drafted = any(isinstance(o, Drafted) for o in outcomes)
        text = self.render.turn(outcomes, before, session.findings, session.table)
        if limit:
            text = limit  # the edits would make the table too large: nothing was changed
        if drafted:
            text += "\n\n" + self.render.findings(session.findings)
        kinds = "+".join(dict.fromkeys(_kind(o) for o in outcomes))
        return self._reply(text, action=kinds, changed=changed, file=file)

    def _propose(self, actions: list[BaseModel]) -> Reply:
        """An LLM's actions that would change the table: a dry run shows every change, and
        they run only after the user's yes (the rules' readings run at once)."""
        turn = Turn(self.table, self.session, self.backend)
        preview: list[Outcome] = []
        for action in actions:
            if isinstance(action, Undo):
                preview.append(Undone(self.session.last_change))
            elif isinstance(action, EDITS):
                outcome = run(action, turn)
                turn.table = outcome.table if isinstance(outcome, Edited) else turn.table
                preview.append(outcome)
        if not any(isinstance(o, Edited) or (isinstance(o, Undone) and o.what) for o in preview):
            return self._run([a for a in actions if not isinstance(a, Undo)] or actions)  # nothing would change
        self.session.pending = Pending(None, confirm=True, actions=tuple(actions))
        rest = [a for a in actions if not isinstance(a, (*EDITS, Undo))]
        return self._reply(self.render.proposal(preview, rest, self.table), action="confirm")

    def _commit(self, turn: Turn, edits: list[str]) -> bool:
        """Commit the chained edits of a message as one step (not beyond the size limits);
        whether the table changed."""
        changed = bool(edits) and turn.table is not None and turn.table != self.session.table
        self._limit_problem = limits.table_problem(turn.table) if changed else None
        if self._limit_problem:
            edits.clear()
            return False
        if changed:
            self.session.transition(Edit(turn.table, "+".join(dict.fromkeys(edits))))
        edits.clear()
        return changed

    def _commit_page(self, table: ProjectTable, what: str, key: str) -> Reply:
        problem = limits.table_problem(table)
        if problem:
            return self._reply(problem, action=what)
        before = list(self.findings)
        self.session.transition(Edit(table, what))
        text = self.render.text(key) + "\n\n" + self.render.findings_diff(before, self.findings)
        return self._reply(text, action=what, changed=True)

    def _reply(self, text: str, action: str = "", file: Path | None = None, changed: bool = False,
               findings: list[Any] | None = None) -> Reply:
        return Reply(text=text, table=self.table, findings=list(self.findings if findings is None else findings),
                     sources=list(self.sources), file=file, action=action, changed=changed, draft_id=self.draft_id)

    # upload -----------------------------------------------------------------------------------
    def _open_upload(self, path: str | Path | None, original_name: str | None) -> UploadResult:
        from assistant.parsers import InputError

        render = self.render
        if not path:
            return UploadResult(False, render.text("upload_none"))
        path = Path(path)
        name = safe_name(original_name or path.name, limit=120)
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            return UploadResult(False, render.text("upload_type", suffix=esc(suffix or name)))
        size = path.stat().st_size if path.is_file() else 0
        if size > MAX_UPLOAD_BYTES:
            return UploadResult(False, render.text("upload_too_big", size=size / 1024 / 1024,
                                                   limit=MAX_UPLOAD_BYTES // 1024 // 1024))
        target = new_folder("uploads") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        try:
            document = limits.read_upload(target)
        except InputError as exc:
            return UploadResult(False, render.text("upload_failed", reason=esc(exc.message)))
        self.session.uploaded = list(document.tables)
        titles = [render.text("upload_table", index=i + 1, name=t.project_name or "—", n=len(t.indicators))
                  for i, t in enumerate(self.uploaded)]
        if not titles:
            return UploadResult(False, render.text("upload_failed", reason=esc(render.text("upload_pick"))))
        return UploadResult(True, render.text("upload_loaded", file=esc(name), n=len(titles)), titles)


def _unknown(actions: list[Any]) -> bool:
    return len(actions) == 1 and isinstance(actions[0], Help) and actions[0].unknown


def _kind(outcome: Outcome) -> str:
    return outcome.kind


__all__ = ["ChatBackend", "ChatService", "Reply", "UploadResult"]
