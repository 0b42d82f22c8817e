"""The LLM drafter: the same interface as RuleDrafter, a chat model writes the rows.

The model only writes what it is good at: the goal text and the indicator rows, as JSON in the
LLMDraft schema (few-shot from the retrieved indicators). Everything that matters for money and
structure is done by code afterwards:

- identity, budget {total, fiscal, other} and the spending plan come from the brief;
- 一级/二级 names are canonicalised with the profile, a 二级 under the wrong 一级 is re-homed;
- the cost rows are the rules drafter's (tied to the budget), whatever the model wrote;
- the brief's quantities (and an explicit deadline) are kept, added when the model dropped them;
- required categories the model left out are filled from the rules draft;
- every row says where it came from (大模型, with the corpus project it follows, or the rule source).

The result is linted; error findings go back to the model in Chinese (prompts/reask.md) at most
`max_reasks` times. When the endpoint fails or the errors remain, the rules draft is returned
with method 'llm-fallback' and a note saying why. The table always passes `Draft` validation.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from assistant.checks import Finding, canonical_level1, get_profile, lint_table
from assistant.drafting.brief import Brief, DraftResult
from assistant.drafting.deterministic import (
    COST_LEVEL2,
    DRAFT_LAYOUT,
    MESSAGES as RULE_MESSAGES,
    QUANTITY_LEVEL2,
    DraftContext,
    RuleDrafter,
    adapt_hit,
    build_table,
    checked_result,
    hit_value,
    make_context,
    norm_name,
)
from assistant.drafting.describe import find_deadline_month
from assistant.llm.client import LLMNotConfigured, LLMSettings, make_chat_model, structured_call
from assistant.llm.local import LocalModelError
from assistant.llm.prompts import render_prompt
from assistant.llm.schema import LLMDraft, LLMIndicator, schema_for_prompt
from assistant.model import Indicator, ProjectTable, ValueKind

log = logging.getLogger(__name__)

MAX_REASKS = 2
# A full answer is ~10 rows of ~70 tokens plus the goal; the local model's context is 4096
# tokens, shared by the prompt (~1.5k), the previous answer and the findings on a re-ask.
DEFAULT_MAX_TOKENS = 1200
EXAMPLES_PER_CATEGORY = 2
MAX_FINDINGS_IN_REASK = 12
# Caps (characters) on what goes into a prompt: the brief may carry 20,000 characters of usage,
# corpus rows may be long; neither may crowd out the instructions or the answer.
LIMITS = {"name": 100, "department": 60, "usage": 800, "field": 60, "project": 40, "finding": 300}
TIME_LEVEL2 = "时效指标"
LLM_SOURCE = "大模型"

MESSAGES = {
    "source_ref": "大模型（参考：{project}）",
    "unknown_department": "（未填写）",
    "no_examples": "（无）",
    "example": "- {level1}/{level2}｜{level3}｜{value}｜{description}（参考：{project}）",
    "brief_example": "- {level1}/{level2}｜{level3}｜{value}｜{description}（本项目简介，必须保留）",
    "required_line": "- {level1}：{items}",
    "at_least_one": "{names}（至少一项）",
    "cost_by_code": "{level2}（由系统按预算数计算，不必写）",
    # One row per category (the brief's quantities aside): answer tokens are the slow part on a
    # CPU (~1.5 tok/s under load); code adds the cost rows and fills what is missing.
    "rows_per_level2": "除简介中的数量外，每个二级指标只写 1 个三级指标，描述和依据各一句话。",
    "deadline": "全部任务在 {year}年{month}月底前完成。",
    "finding": "{n}. {message}",
    "suggestion": "（建议：{suggestion}）",
    # notes for the user
    "llm_ok": "由大模型起草，系统检查通过（大模型调用 {calls} 次，用时 {seconds:.0f} 秒）",
    "llm_reasked": "检查意见已退回大模型修改 {count} 次",
    "budget_by_code": "预算数、资金来源和资金支出计划按项目简介由系统填写",
    "cost_by_code_note": "成本指标按预算数由系统计算：{rows}",
    "quantity_added": "简介中的“{row}”大模型没有写，已由系统补上",
    "quantity_fixed": "“{name}”的指标值按项目简介改为 {value}",
    "rehomed": "“{name}”的二级指标“{level2}”应属于“{level1}”，已由系统调整",
    "dropped_category": "“{name}”的类别“{level2}”不属于 {profile} 指标体系，已删除",
    "dropped_duplicate": "重复的指标“{name}”已删除",
    "year_fixed": "“{name}”的年份已按项目年度改为 {value}",
    "category_filled": "大模型没有写“{group}”，已用规则草稿补充：{rows}",
    "usage_capped": "资金用途较长，只把前 {limit} 字交给大模型",
    "fallback": "大模型起草未成功，已改用规则起草：{reason}",
    "fallback_findings": "经 {reasks} 次退回修改，大模型草稿仍有 {count} 处错误（{first}）",
}

_TAG = re.compile(r"[<＜〈‹]\s*/?\s*[A-Za-z][\w\-]*[^<>＜＞〈〉‹›\n]{0,40}?[>＞〉›]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_YEAR = re.compile(r"((?:19|20)\d{2})(\s*年)")
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")


def prompt_safe(text: Any, limit: int) -> str:
    """Text fit to sit between prompt markers: no tag that could open or close `<brief>`,
    `<examples>` or `<findings>` (removed until none is left, so nesting cannot rebuild one),
    no line breaks or control characters (no fake headings), at most `limit` characters."""
    text = _CONTROL.sub(" ", str(text or ""))
    while True:
        stripped = _TAG.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Examples:
    text: str
    projects: dict[str, str]  # normalised 三级 name -> corpus project it appears in


@dataclass
class _Assembly:
    table: ProjectTable
    notes: list[str] = field(default_factory=list)


def _examples(hits: list[Any], ctx: DraftContext, brief_rows: list[Indicator]) -> _Examples:
    """Few-shot lines: the brief's own rows first, then per required category the top
    retrieved indicators the checker accepts (adapted to this project's year)."""
    lines = [
        MESSAGES["brief_example"].format(**_safe_row(row))
        for row in brief_rows
    ]
    projects: dict[str, str] = {}
    scratch = DraftContext(ctx.brief, ctx.profile, ctx.text, ctx.quantities, ctx.month)  # drop notes stay here
    for level1, level2, _want, _catalogue in DRAFT_LAYOUT[ctx.profile]:
        if level2 in COST_LEVEL2:
            continue  # computed from the budget by code
        shown: set[str] = set()
        for hit in hits:
            if len(shown) >= EXAMPLES_PER_CATEGORY:
                break
            if get_profile(ctx.profile).resolve_level2(hit_value(hit, "level2", "") or "")[0] != level2:
                continue
            row = adapt_hit(hit, level1, level2, scratch)
            key = norm_name(row.level3) if row else ""
            if row is None or key in shown:
                continue
            shown.add(key)
            project = hit_value(hit, "project_name", "") or ""
            projects.setdefault(key, project)
            lines.append(MESSAGES["example"].format(**_safe_row(row), project=prompt_safe(project, LIMITS["project"])))
    for hit in hits:  # names the model may take from any retrieved row, not only the shown ones
        name = hit_value(hit, "level3", "") or ""
        if name:
            projects.setdefault(norm_name(name), hit_value(hit, "project_name", "") or "")
    return _Examples("\n".join(lines) or MESSAGES["no_examples"], projects)


def _safe_row(row: Indicator) -> dict[str, str]:
    return {
        key: prompt_safe(getattr(row, key), LIMITS["field"])
        for key in ("level1", "level2", "level3", "value", "description")
    }


def _required_text(ctx: DraftContext) -> str:
    profile = get_profile(ctx.profile)
    lines = []
    for level1, groups in profile.required.items():
        items = []
        for group in groups:
            if all(level2 in COST_LEVEL2 for level2 in group):
                items.append(MESSAGES["cost_by_code"].format(level2=group[0]))
            elif len(group) > 1:
                items.append(MESSAGES["at_least_one"].format(names="、".join(group)))
            else:
                items.append(group[0])
        lines.append(MESSAGES["required_line"].format(level1=level1, items="、".join(items)))
    lines.append(MESSAGES["rows_per_level2"])
    month = find_deadline_month(ctx.brief.usage)
    if month:
        lines.append(MESSAGES["deadline"].format(year=ctx.brief.year, month=month))
    return "\n".join(lines)


def _user_prompt(brief: Brief, ctx: DraftContext, examples: _Examples) -> str:
    return render_prompt(
        "draft_user",
        name=prompt_safe(brief.name, LIMITS["name"]),
        department=prompt_safe(brief.department, LIMITS["department"]) or MESSAGES["unknown_department"],
        year=brief.year,
        budget=f"{brief.budget:,.2f}",
        fiscal=f"{brief.fiscal or 0:,.2f}",
        other=f"{brief.other or 0:,.2f}",
        usage=prompt_safe(brief.usage or brief.name, LIMITS["usage"]),
        examples=examples.text,
        required=_required_text(ctx),
        profile=ctx.profile,
    )


def _findings_text(errors: list[Finding]) -> str:
    """Numbered Chinese findings (each names its row and value) with the checker's suggestion."""
    lines = []
    for n, finding in enumerate(errors[:MAX_FINDINGS_IN_REASK], start=1):
        line = MESSAGES["finding"].format(n=n, message=finding.message)
        if finding.suggestion:
            line += MESSAGES["suggestion"].format(suggestion=finding.suggestion)
        lines.append(prompt_safe(line, LIMITS["finding"]))
    return "\n".join(lines)


def draft_prompt(brief: Brief, hits: list[Any], rules: ProjectTable) -> tuple[list[tuple[str, str]], _Examples]:
    """The first request: (system, user) messages, and the examples shown (for provenance).
    `hits`: retrieved indicators; `rules`: the rules draft, whose brief quantities are shown."""
    ctx = make_context(brief)
    brief_rows = [
        r for r in rules.indicators if r.source == RULE_MESSAGES["brief_source"] and r.level2 == QUANTITY_LEVEL2
    ]
    examples = _examples(hits, ctx, brief_rows)
    messages = [
        ("system", render_prompt("draft_system", schema=schema_for_prompt(LLMDraft))),
        ("human", _user_prompt(brief, ctx, examples)),
    ]
    return messages, examples


# --------------------------------------------------------------------------- assembling in code


def _model_row(item: LLMIndicator, ctx: DraftContext, examples: _Examples, notes: list[str]) -> Indicator | None:
    """One answer row with canonical categories under the right 一级 and this year's dates;
    None for a category the profile does not have. Cost rows are left to the caller."""
    profile = get_profile(ctx.profile)
    name = item.level3.strip()
    level2 = profile.resolve_level2(item.level2)[0]
    if level2 is None:
        notes.append(MESSAGES["dropped_category"].format(name=name, level2=item.level2, profile=ctx.profile))
        return None
    level1 = profile.parent(level2) or canonical_level1(item.level1, ctx.profile)
    if canonical_level1(item.level1, ctx.profile) != level1:
        notes.append(MESSAGES["rehomed"].format(name=name, level2=level2, level1=level1))
    row = Indicator(
        level1=level1,
        level2=level2,
        level3=name,
        description=item.description.strip(),
        value=item.value.strip(),
        basis=item.basis.strip(),
    )
    if row.parsed.kind is ValueKind.time and _YEAR.search(row.value):
        fixed = _YEAR.sub(rf"{ctx.brief.year}\2", row.value)
        if fixed != row.value:
            notes.append(MESSAGES["year_fixed"].format(name=name, value=fixed))
            row = row.with_value(fixed)
    project = examples.projects.get(norm_name(name))
    source = MESSAGES["source_ref"].format(project=project) if project else LLM_SOURCE
    return row.model_copy(update={"source": source})


def _same_target(model: Indicator, rule: Indicator) -> bool:
    if rule.parsed.kind is ValueKind.time:
        return _YEAR_MONTH.findall(model.value) == _YEAR_MONTH.findall(rule.value)
    return (model.parsed.number, model.parsed.unit) == (rule.parsed.number, rule.parsed.unit)


def _enforce_brief_rows(rows: list[Indicator], brief_rows: list[Indicator], notes: list[str]) -> list[Indicator]:
    """Each brief row (quantity, explicit deadline) is met by a model row in its category with
    the same target; otherwise a same-named model row is replaced by it, or it is added."""
    rows = list(rows)
    for rule in brief_rows:
        peers = [r for r in rows if r.level2 == rule.level2]
        if any(_same_target(r, rule) for r in peers):
            continue
        same_name = next((i for i, r in enumerate(rows) if norm_name(r.level3) == norm_name(rule.level3)), None)
        if same_name is not None:
            notes.append(MESSAGES["quantity_fixed"].format(name=rule.level3, value=rule.value))
            rows[same_name] = rule
        else:
            notes.append(MESSAGES["quantity_added"].format(row=f"{rule.level3} {rule.value}"))
            rows.append(rule)
    return rows


def _fill_required(rows: list[Indicator], rule_rows: list[Indicator], ctx: DraftContext, notes: list[str]) -> list[Indicator]:
    profile = get_profile(ctx.profile)
    present = {r.level2 for r in rows}
    taken = {norm_name(r.level3) for r in rows}
    for groups in profile.required.values():
        for group in groups:
            if present & set(group):
                continue
            fill = [r for r in rule_rows if r.level2 in group and norm_name(r.level3) not in taken]
            if fill:
                notes.append(MESSAGES["category_filled"].format(group="/".join(group), rows="、".join(r.level3 for r in fill)))
                rows += fill
                taken |= {norm_name(r.level3) for r in fill}
    return rows


def _layout_order(ctx: DraftContext):
    """Sort key: the profile's category order (a stable sort keeps the rows' order within one)."""
    pairs = [(l1, l2) for l1, children in get_profile(ctx.profile).level2.items() for l2 in children]
    order = {pair: i for i, pair in enumerate(pairs)}
    return lambda row: order.get((row.level1, row.level2), len(order))


def assemble(answer: LLMDraft, ctx: DraftContext, rules: ProjectTable, examples: _Examples) -> _Assembly:
    """The model's answer turned into a table under the code's rules (see the module doc)."""
    notes = [MESSAGES["budget_by_code"]]
    brief_source = RULE_MESSAGES["brief_source"]
    cost_rows = [r for r in rules.indicators if r.level2 in COST_LEVEL2]
    month = find_deadline_month(ctx.brief.usage)
    brief_rows = [
        r
        for r in rules.indicators
        if r.source == brief_source
        and (r.level2 == QUANTITY_LEVEL2 or (r.level2 == TIME_LEVEL2 and month is not None))
    ]
    rows: list[Indicator] = []
    taken: set[str] = {norm_name(r.level3) for r in cost_rows}
    for item in answer.indicators:
        row = _model_row(item, ctx, examples, notes)
        if row is None or row.level2 in COST_LEVEL2:
            continue
        key = norm_name(row.level3)
        if key in taken:
            notes.append(MESSAGES["dropped_duplicate"].format(name=row.level3))
            continue
        taken.add(key)
        rows.append(row)
    rows = _enforce_brief_rows(rows, brief_rows, notes)
    rows += cost_rows
    notes.append(MESSAGES["cost_by_code_note"].format(rows="；".join(f"{r.level3} {r.value}" for r in cost_rows)))
    rows = _fill_required(rows, rules.indicators, ctx, notes)
    rows.sort(key=_layout_order(ctx))
    return _Assembly(build_table(ctx.brief, rows, answer.goal.strip()), notes)


# --------------------------------------------------------------------------- the drafter


class LLMDrafter:
    """`LLMDrafter(retriever, fallback=RuleDrafter(retriever)).draft(brief) -> DraftResult`.

    `chat`: a LangChain chat model to use instead of one made from `settings` (default: the
    environment / .env, see assistant.llm.client). `last_calls` holds the wall seconds of each
    model call of the latest draft."""

    def __init__(
        self,
        retriever: Any | None,
        fallback: RuleDrafter,
        settings: LLMSettings | None = None,
        chat: Any | None = None,
        max_reasks: int = MAX_REASKS,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.retriever = retriever
        self.fallback = fallback
        self.settings = settings
        self.chat = chat
        self.max_reasks = max(0, max_reasks)
        self.max_tokens = max_tokens
        self.last_calls: list[float] = []

    def _chat(self):
        if self.chat is None:
            self.chat = make_chat_model(self.settings, max_tokens=self.max_tokens)
        return self.chat

    def draft(self, brief: Brief) -> DraftResult:
        self.last_calls = []
        similar = RuleDrafter(self.retriever).similar(brief)  # one search for both drafters
        rules = self.fallback.draft(brief, similar=similar)
        try:
            chat = self._chat()
        except (LLMNotConfigured, LocalModelError) as exc:
            return _fall_back(rules, str(exc))
        ctx = make_context(brief)
        prompt, examples = draft_prompt(brief, similar[0], rules.table)
        messages = list(prompt)
        for attempt in range(self.max_reasks + 1):
            started = time.monotonic()
            answer, raw, problem = structured_call(chat, messages, LLMDraft)
            self.last_calls.append(time.monotonic() - started)
            if problem is not None:
                return _fall_back(rules, problem)
            assembled = assemble(answer, ctx, rules.table, examples)
            errors = [f for f in lint_table(assembled.table, profile=ctx.profile) if f.severity == "error"]
            if not errors:
                return self._success(assembled, ctx, rules, attempt)
            log.info("LLM draft attempt %d: %d error findings", attempt + 1, len(errors))
            if attempt == self.max_reasks:
                first = "；".join(f.message for f in errors[:2])
                reason = MESSAGES["fallback_findings"].format(reasks=attempt, count=len(errors), first=first)
                return _fall_back(rules, reason)
            reask = render_prompt("reask", findings=_findings_text(errors))
            messages = [*prompt, ("ai", raw), ("human", reask)]
        raise AssertionError("unreachable: the loop returns on its last attempt")

    def _success(self, assembled: _Assembly, ctx: DraftContext, rules: DraftResult, reasks: int) -> DraftResult:
        notes = [MESSAGES["llm_ok"].format(calls=len(self.last_calls), seconds=sum(self.last_calls))]
        if reasks:
            notes.append(MESSAGES["llm_reasked"].format(count=reasks))
        if len(ctx.brief.usage) > LIMITS["usage"]:
            notes.append(MESSAGES["usage_capped"].format(limit=LIMITS["usage"]))
        return checked_result(assembled.table, ctx.profile, method="llm", notes=notes + assembled.notes, similar=rules.similar)


def _fall_back(rules: DraftResult, reason: str) -> DraftResult:
    note = MESSAGES["fallback"].format(reason=reason)
    return rules.model_copy(update={"method": "llm-fallback", "notes": [note, *rules.notes]})
