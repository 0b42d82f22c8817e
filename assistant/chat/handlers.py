"""One handler per action type, looked up by the action's class (`run(action, turn)`).

A handler reads the working table of the turn and returns an outcome (assistant.chat.outcomes):
an `Edited` table with every change it makes (what the user asked for and what follows from it),
a `Clarification` instead of a guess, a `Refusal` for a value the table cannot take, or an answer.
Handlers never touch the session: the service commits what they return through the session's
one transition, and the reply module says it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from assistant.chat import actions as A
from assistant.chat.consistency import USER_SOURCE, follow_budget, follow_removed, follow_value, user_basis
from assistant.chat.edits import (
    RowMatch,
    adjust_value,
    budget_after,
    complete_value,
    find_row,
    insert_position,
    num_text,
    set_plan_percent,
    spoken_value,
)
from assistant.chat.outcomes import (
    BudgetChange,
    Checked,
    Clarification,
    Drafted,
    Edited,
    Exported,
    Found,
    Notice,
    Outcome,
    Pending,
    PlanChange,
    Refusal,
    RowAdded,
    RowChange,
    RowRemoved,
    TextChange,
    Undone,
)
from assistant.checks.profiles import canonical_level2, get_profile
from assistant.model import Indicator, ProjectTable
from assistant.vocab import EFFECT_LEVEL2, guess_level2

log = logging.getLogger(__name__)

SOURCES_IN_REPLY = 8
STATS_GROUPS = 5
MESSAGES = {
    # Texts written into the table for a row the user added (the reply texts live in replies.py).
    "add_description": "{name}：以项目实施记录为准（用户新增，提交前请补充计算方法和数据来源）",
}
# The category a row lands in when the user named only its 一级.
DEFAULT_LEVEL2 = {"效益指标": "社会效益指标", "产出指标": "数量指标", "满意度指标": "服务对象满意度指标"}


@dataclass
class Turn:
    """What a handler may read: the working table (edits of one message chain on it), the
    session (pending question, undo stack, uploads) and the shared backend."""

    table: ProjectTable | None
    session: Any  # assistant.chat.session.ChatSession
    backend: Any  # assistant.chat.service.ChatBackend

    @property
    def profile(self) -> str:
        return self.backend.profile


Handler = Callable[[Any, Turn], Outcome]
HANDLERS: dict[type[BaseModel], Handler] = {}


def handles(*types: type[BaseModel]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for kind in types:
            HANDLERS[kind] = fn
        return fn

    return register


def run(action: BaseModel, turn: Turn) -> Outcome:
    if isinstance(action, A.EDITS) and turn.table is None:
        return Refusal("no_draft", A.kind_of(action))
    return HANDLERS[type(action)](action, turn)


# --- finding the row ------------------------------------------------------------------------------


def _unresolved(match: RowMatch, action: BaseModel, table: ProjectTable) -> Outcome:
    """No single row: ask with the candidates (an answer completes the action), or say why."""
    kind = A.kind_of(action)
    if match.problem is not None and match.problem.key in ("bad_row", "unit_mismatch", "no_time_row"):
        return Refusal(match.problem.key, kind, match.problem.data)
    candidates = match.candidates or list(range(len(table.indicators)))
    key = "no_match" if match.problem is not None else ("which_row" if match.candidates and len(candidates) < len(
        table.indicators) else "which_any")
    data = dict(match.problem.data) if match.problem is not None else {"target": getattr(action, "target", "")}
    return Clarification(key, {**data, "action": kind}, candidates,
                         Pending(action.model_copy(update={"target": ""}), candidates))


def _user_value_edit(table: ProjectTable, index: int, value: str, said: str, kind: str,
                     notes: tuple[str, ...] = ()) -> Outcome:
    row = table.indicators[index]
    if value == row.value:
        return Notice("same_value", kind, {"row": index + 1, "name": row.level3, "value": value})
    after = table.model_copy(deep=True)
    after.indicators[index] = row.with_value(value)
    changes = [RowChange(index + 1, row.level3, "value", row.value, value, "user", notes)]
    return Edited(after, kind, changes + follow_value(table, after, index, said or f"{row.level3}改为{value}"))


# --- edits ---------------------------------------------------------------------------------------


@handles(A.SetValue)
def set_value(action: A.SetValue, turn: Turn) -> Outcome:
    table = turn.table
    match = find_row(table, action.target, action.row, action.value if action.field == "value" else "")
    if match.index is None:
        return _unresolved(match, action, table)
    index, row = match.index, table.indicators[match.index]
    if action.field != "value":
        new = action.value.strip()
        if not new or getattr(row, action.field) == new:
            return Notice("same_value", action.kind, {"row": index + 1, "name": row.level3, "value": new})
        after = table.model_copy(deep=True)
        after.indicators[index] = Indicator.model_validate({**row.model_dump(), action.field: new})
        return Edited(after, action.kind, [RowChange(index + 1, row.level3, action.field, getattr(row, action.field), new)])
    if not action.value.strip():
        return Clarification("how_much", {"row": index + 1, "name": row.level3, "value": row.value}, [],
                             Pending(action.model_copy(update={"row": index + 1, "target": ""})))
    value, problem, notes = complete_value(row, action.value, table.year)
    if problem is not None:
        return Refusal(problem.key, action.kind, {**problem.data, "row": index + 1, "name": row.level3})
    return _user_value_edit(table, index, value, action.said, action.kind, tuple(notes))


@handles(A.Adjust)
def adjust(action: A.Adjust, turn: Turn) -> Outcome:
    table = turn.table
    by_month = "月" in action.unit or (not action.unit and action.target in ("", "完成时间", "工期", "完工"))
    match = find_row(table, action.target, action.row, time_only=by_month and action.amount is not None)
    if match.index is None:
        return _unresolved(match, action, table)
    index, row = match.index, table.indicators[match.index]
    value, problem = adjust_value(row, action.direction, action.amount, action.unit, table.year)
    if problem is not None:
        data = {**problem.data, "row": index + 1, "name": row.level3}
        if problem.key in ("how_much", "how_much_time", "points_or_percent"):
            follow_up = A.SetValue(row=index + 1, value="", said=action.said)
            return Clarification(problem.key, data, [], Pending(follow_up))
        return Refusal(problem.key, action.kind, data)
    return _user_value_edit(table, index, value, action.said, action.kind)


@handles(A.SetHeader)
def set_header(action: A.SetHeader, turn: Turn) -> Outcome:
    table, value = turn.table, action.value.strip()
    old = getattr(table, action.field) or ""
    if not value or value == old:
        return Notice("same_header", action.kind, {"field": action.field, "value": value})
    after = table.model_copy(deep=True)
    setattr(after, action.field, value)
    return Edited(after, action.kind, [TextChange(action.field, old, value)])


@handles(A.SetBudget)
def set_budget(action: A.SetBudget, turn: Turn) -> Outcome:
    table = turn.table
    budget, problem = budget_after(table.budget, action.total, action.fiscal, action.other, action.delta,
                                   action.all_fiscal)
    if problem is not None:
        return Refusal(problem.key, action.kind, problem.data)
    if budget == table.budget:
        return Notice("same_budget", action.kind, {"total": table.budget.total})
    after = table.model_copy(deep=True)
    after.budget = budget
    return Edited(after, action.kind, [BudgetChange(table.budget, budget), *follow_budget(table, after)])


@handles(A.SetPlan)
def set_plan(action: A.SetPlan, turn: Turn) -> Outcome:
    table = turn.table
    plan = list(table.spending_plan)
    for point in action.points:
        if not 0 <= point.percent <= 100:
            return Refusal("plan_bad", action.kind, {"percent": num_text(point.percent), "label": point.label})
        plan = set_plan_percent(plan, point.label, point.percent)
    if plan == table.spending_plan:
        return Notice("same_plan", action.kind)
    after = table.model_copy(deep=True)
    after.spending_plan = plan
    return Edited(after, action.kind, [PlanChange(tuple(table.spending_plan), tuple(plan))])


@handles(A.AddIndicator)
def add(action: A.AddIndicator, turn: Turn) -> Outcome:
    table = turn.table
    name = action.level3.strip()
    if not name:
        return Refusal("add_no_name", action.kind)
    if not action.value.strip():
        return Clarification("add_value", {"name": name}, [], Pending(action))
    profile = get_profile(turn.profile)
    value = spoken_value(action.value)
    level2, guessed = action.level2, False
    if level2:
        level2 = canonical_level2(level2, profile.name)
    else:
        level2, guessed = _guess_category(name, value, action.level1, profile), True
    level1 = profile.parent(level2) or action.level1 or profile.level1[0]
    row = Indicator(level1=level1, level2=level2, level3=name, value=value,
                    description=MESSAGES["add_description"].format(name=name), source=USER_SOURCE)
    row = row.model_copy(update={"basis": user_basis(row, action.said or f"增加{name}{value}")})
    index = insert_position(table.indicators, level1, level2, profile)
    after = table.model_copy(deep=True)
    after.indicators.insert(index, row)
    return Edited(after, action.kind, [RowAdded(index + 1, level1, level2, name, value, guessed)])


def _guess_category(name: str, value: str, level1: str | None, profile: Any) -> str:
    guess = canonical_level2(guess_level2(name, value), profile.name)
    if level1 and profile.parent(guess) != level1:
        if level1 == "效益指标" and guess not in EFFECT_LEVEL2:
            return DEFAULT_LEVEL2[level1]
        return DEFAULT_LEVEL2.get(level1, guess)
    return guess


@handles(A.Remove)
def remove(action: A.Remove, turn: Turn) -> Outcome:
    table = turn.table
    if action.every_row:
        return Clarification("confirm_remove_all", {"n": len(table.indicators)}, [],
                             Pending(action, confirm=True))
    if not action.target and action.row is None:
        candidates = list(range(len(table.indicators)))
        return Clarification("which_remove", {}, candidates, Pending(action, candidates))
    match = find_row(table, action.target, action.row)
    if match.index is None:
        return _unresolved(match, action, table)
    after = table.model_copy(deep=True)
    removed = after.indicators.pop(match.index)
    return Edited(after, action.kind, [RowRemoved(match.index + 1, removed.level3, removed.value),
                                       *follow_removed(after, removed)])


def remove_every_row(turn: Turn) -> Outcome:
    table = turn.table
    after = table.model_copy(deep=True)
    after.indicators = []
    return Edited(after, "remove", [RowRemoved(i + 1, r.level3, r.value) for i, r in enumerate(table.indicators)])


@handles(A.Pick)
def pick(action: A.Pick, turn: Turn) -> Outcome:
    pending = turn.session.pending
    if pending is None:
        return Notice("no_question", "pick")
    if action.cancel:
        return Notice("cancelled", "pick")
    if pending.confirm:
        return remove_every_row(turn) if action.yes else Notice("cancelled", "pick")
    update: dict[str, Any] = {}
    if action.row is not None:
        update.update(row=action.row, target="")
    elif action.target:
        update.update(target=action.target)
    if action.value and "value" in type(pending.action).model_fields:
        update.update(value=action.value, said="")  # the 依据 then quotes 「<name>改为<value>」
    return run(pending.action.model_copy(update=update), turn)


# --- the rest ------------------------------------------------------------------------------------


@handles(A.Undo)
def undo(_action: A.Undo, turn: Turn) -> Outcome:
    return Undone(turn.session.last_change)


@handles(A.Check)
def check(_action: A.Check, turn: Turn) -> Outcome:
    if turn.table is None:
        return Refusal("no_draft", "check")
    return Checked(turn.backend.lint(turn.table))


@handles(A.Export)
def export(action: A.Export, turn: Turn) -> Outcome:
    if turn.table is None:
        return Refusal("no_draft", "export")
    try:
        path = turn.backend.export(turn.table, action.format, turn.session.owner)
    except Exception as exc:  # noqa: BLE001 - a failed export is a message, not a crash
        log.exception("export failed")
        return Refusal("export_failed", "export", {"reason": reason(exc)})
    errors = sum(1 for f in turn.backend.lint(turn.table) if f.severity == "error")
    return Exported(path, action.format, errors)


@handles(A.Draft)
def draft(action: A.Draft, turn: Turn) -> Outcome:
    try:
        result = turn.backend.draft(action.text)
    except ValidationError as exc:
        return Refusal("draft_failed", "draft", {"reason": reason(exc)})
    except ImportError as exc:
        log.exception("drafting unavailable")
        return Refusal("draft_unavailable", "draft", {"reason": reason(exc)})
    return Drafted(result, draft_sources(result))


@handles(A.Ask)
def ask(action: A.Ask, turn: Turn) -> Outcome:
    table = turn.table
    context = f"{table.project_name} {table.fund_use[:200]}" if table else ""
    topic = action.topic or (action.level2 or "")
    try:
        if action.mode == "projects":
            hits = turn.backend.search((context or topic or action.question)[:400], k=SOURCES_IN_REPLY, kind="project")
            return _hits(hits, topic or context, projects=True)
        if action.mode == "stats":
            return _stats(turn, topic or action.level2 or "")
        query = " ".join(x for x in (topic, context) if x) or action.question
        hits = turn.backend.search(query[:400], k=SOURCES_IN_REPLY, kind="indicator", level2=action.level2)
        return _hits(hits, topic, level2=action.level2)
    except (ImportError, RuntimeError) as exc:
        log.warning("retrieval unavailable: %s", exc)
        return Found("retrieval_unavailable", {"reason": reason(exc)})
    except ValueError as exc:  # the retriever's QueryError/FilterError carry a Chinese message
        return Found("retrieval_refused", {"reason": reason(exc)})


def _hits(hits: list[Any], topic: str, projects: bool = False, level2: str | None = None) -> Found:
    sources = [hit_source(h) for h in hits]
    if not sources:
        return Found("no_hits", {"topic": topic or level2 or "", "projects": projects})
    return Found("hits_projects" if projects else "hits_indicators",
                 {"topic": topic, "level2": level2, "n": len(sources)}, sources)


def _stats(turn: Turn, topic: str) -> Found:
    stats = turn.backend.value_stats(topic)
    lines = [line.strip() for line in stats.summary().splitlines() if line.strip()]
    sources = [{"kind": "stat", "project_name": src.project, "level2": stats.category or "",
                "level3": "、".join(group.names[:2]), "value": group.label, "source": src.model_dump()}
               for group in stats.groups[:STATS_GROUPS] for src in group.sources[:2]]
    return Found("stats", {"topic": topic}, sources, lines)


@handles(A.Help)
def help_(action: A.Help, _turn: Turn) -> Outcome:
    return Notice("unknown" if action.unknown else "help", "help")


@handles(A.Clarify)
def clarify(action: A.Clarify, _turn: Turn) -> Outcome:
    return Notice("llm_text", "clarify", {"text": action.question})


@handles(A.Answer)
def answer(action: A.Answer, _turn: Turn) -> Outcome:
    return Notice("llm_text", "answer", {"text": action.text})


@handles(A.Decline)
def decline(_action: A.Decline, _turn: Turn) -> Outcome:
    return Notice("declined", "decline")


missing = [t.__name__ for t in A.ACTION_TYPES if t not in HANDLERS]
assert not missing, f"actions without a handler: {missing}"


# --- helpers shared with the service -------------------------------------------------------------


def reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(e.get("msg", "")) for e in exc.errors(include_url=False))
    text = str(exc).strip()
    return text[:300] if text else type(exc).__name__


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
