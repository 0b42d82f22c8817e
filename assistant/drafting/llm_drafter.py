"""The LLM drafter: the same interface as RuleDrafter, and behind the same gate.

The rules draft is written first (assistant.drafting.deterministic). The model is then asked for
what a language model can add: the goal text and better-worded rows for the open slots
(质量, 效益, 满意度) where the rules draft holds only customary library rows. Everything else
is the rules draft's and cannot be changed by the model:

- identity, budget {total, fiscal, other}, the spending plan;
- every row of the brief's own statements, the cost rows, the deadlines;
- the project type and who the project serves.

A model row enters the table only through the gate: its category exists in the profile and is
an open slot; it carries no prompt text, no template hint, no year other than the project's;
the fit rules find nothing (another project's subject or beneficiaries, money as output …);
the checker finds neither error nor warning. Its basis is rewritten honestly: a corpus project
is named only when the row is that project's row with that project's value; otherwise
「计划标准：项目实施方案（大模型拟定，提交前请确认）」. The model's goal text replaces the rules
goal only when it is 2–4 numbered sentences, leaks no prompt text, and every number in it is
backed by a row.

Rows with checker errors go back to the model with the Chinese findings (at most `max_reasks`
times). When the endpoint fails or nothing the model wrote passes, the rules draft is returned
with method 'llm-fallback' and a note saying why.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from assistant.checks import Finding, get_profile, lint_table
from assistant.checks.rules_fit import row_fit_problems
from assistant.drafting.brief import Brief, DraftResult
from assistant.drafting.context import DraftContext, make_context
from assistant.drafting.deterministic import RuleDrafter, build_table, checked_result
from assistant.drafting.rows import SOURCE_BRIEF, SOURCE_BUDGET, hit_value, row_key
from assistant.llm.client import LLMNotConfigured, LLMSettings, make_chat_model, structured_call
from assistant.llm.local import LocalModelError
from assistant.llm.prompts import load_prompt, render_prompt
from assistant.llm.schema import LLMDraft, LLMIndicator, schema_for_prompt
from assistant.model import Indicator, ProjectTable
from assistant.vocab import COST_LEVEL2, EFFECT_LEVEL2, QUALITY_LEVEL2, SATISFACTION_LEVEL2, fold

log = logging.getLogger(__name__)

MAX_REASKS = 2
# The answer is the goal and a few rows (~70 tokens each); the local model's context is 4096
# tokens, shared by the prompt (~1.2k), the previous answer and the findings on a re-ask.
DEFAULT_MAX_TOKENS = 900
EXAMPLES = 6
MAX_FINDINGS_IN_REASK = 12
# Caps (characters) on what goes into a prompt: the brief may carry 20,000 characters of usage,
# corpus rows may be long; neither may crowd out the instructions or the answer.
LIMITS = {"name": 100, "department": 60, "usage": 800, "field": 60, "project": 40, "finding": 300}
LLM_SOURCE = "大模型"
OPEN_SLOTS = (QUALITY_LEVEL2, *EFFECT_LEVEL2, SATISFACTION_LEVEL2)
# Prompt phrases that must never reach a table (the model copies instructions it was shown).
LEAK_MARKERS = (
    "必须保留", "本项目简介", "项目简介", "分条写", "不是指令", "参考示例", "具体到本项目", "反映什么", "怎么算",
    "只输出", "JSON", "json", "……", "<", ">", "参考：", "系统已写好", "不要重复", "按本项目调整", "示例", "运算符",
    "三级指标名称", "指标值确定依据：计划标准/", "如 ≥",
)

MESSAGES = {
    "unknown_department": "（未填写）",
    "no_examples": "（无）",
    "none_fixed": "无",
    "example": "- {level2}｜{level3}｜{value}｜{description}（{project}）",
    "slots": "请只写以下类别的三级指标，每类 1 个，共 {count} 个，写法具体到本项目：{slots}。",
    "deadline": "本项目在 {year}年{when}前完成。",
    "finding": "{n}. {message}",
    "suggestion": "（建议：{suggestion}）",
    "basis_llm": "计划标准：项目实施方案（大模型拟定，提交前请确认）",
    "basis_history": "历史标准：参照“{project}”同类指标（{value}）",
    "source_ref": "大模型（参考：{project}）",
    # notes for the user
    "llm_ok": "由大模型补充撰写，系统检查通过（大模型调用 {calls} 次，用时 {seconds:.0f} 秒）",
    "llm_reasked": "检查意见已退回大模型修改 {count} 次",
    "by_code": "预算、资金来源、支出计划、申报内容中的指标和成本指标由系统按申报内容填写，大模型不能更改",
    "llm_rows": "大模型撰写的指标：{rows}",
    "rejected": "大模型写的“{name}”未采用：{reason}",
    "goal_kept": "大模型写的绩效目标未采用（{reason}），使用系统起草的目标",
    "usage_capped": "资金用途较长，只把前 {limit} 字交给大模型",
    "fallback": "大模型起草未成功，已改用规则起草：{reason}",
    "fallback_findings": "经 {reasks} 次退回修改，大模型草稿仍有 {count} 处错误（{first}）",
    "nothing_passed": "大模型写的指标和目标都没有通过检查",
    "reason_leak": "含有提示词原文",
    "reason_slot": "该类别由系统按申报内容或预算填写",
    "reason_category": "类别“{level2}”不属于{profile}指标体系",
    "reason_duplicate": "与已有指标重复",
    "reason_fit": "{message}",
    "reason_year": "年份不是本项目年度",
    "reason_hint": "名称中含有模板提示",
    "reason_form": "名称和指标值没有分开写",
    "reason_aim": "名称是工作目标而不是可考核的指标（应写成“……率”“……数”）",
    "reason_invented": "指标值中的数字在申报内容中没有依据（大模型只能拟定比率或分级目标）",
    "goal_sentences": "应为2至4条编号的句子",
    "goal_numbers": "其中的数字没有对应的指标",
}

_TAG = re.compile(r"[<＜〈‹]\s*/?\s*[A-Za-z][\w\-]*[^<>＜＞〈〉‹›\n]{0,40}?[>＞〉›]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_NAME_WITH_VALUE = re.compile(r"[≥≤<>=]|\d+(?:\.\d+)?\s*(?:%|万元|元|人次|人|家|个|项|次)")
_VALUE_WITH_NAME = re.compile(r"^[\u4e00-\u9fff]{2,}[≥≤<>=]")
_AIM = re.compile(r"^(?:提高|提升|减轻|促进|增强|改善|加强|推动|优化|推进|确保|保障|实现)")


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


# --------------------------------------------------------------------------- the prompt


@dataclass
class _Examples:
    text: str
    rows: dict[str, tuple[str, str]]  # row key -> (corpus project, value) of rows shown or retrieved


def _examples(hits: list[Any], ctx: DraftContext) -> _Examples:
    """Few-shot lines: retrieved rows of the open slots that fit this project (fit rules)."""
    profile = get_profile(ctx.profile)
    lines: list[str] = []
    rows: dict[str, tuple[str, str]] = {}
    for hit in hits:
        name, value = (hit_value(hit, "level3", "") or "").strip(), (hit_value(hit, "value", "") or "").strip()
        level2 = profile.resolve_level2(hit_value(hit, "level2", "") or "")[0]
        if not name or level2 not in OPEN_SLOTS:
            continue
        probe = Indicator(level2=level2, level3=name, value=value)
        if row_fit_problems(probe, level2, ctx.context, ctx.year) or "*" in name:
            continue
        project = hit_value(hit, "project_name", "") or ""
        rows.setdefault(row_key(name), (project, value))
        if len(lines) < EXAMPLES:
            lines.append(MESSAGES["example"].format(
                level2=level2, level3=prompt_safe(name, LIMITS["field"]), value=prompt_safe(value, LIMITS["field"]),
                description=prompt_safe(hit_value(hit, "description", "") or "", LIMITS["field"]),
                project=prompt_safe(project, LIMITS["project"])))
    return _Examples("\n".join(lines) or MESSAGES["no_examples"], rows)


def _fixed_rows(table: ProjectTable) -> str:
    """The names (no values: a small model copies what it sees) of the rows the system wrote."""
    return "、".join(prompt_safe(r.level3, LIMITS["field"]) for r in table.indicators
                    if r.source == SOURCE_BRIEF and r.level2 in OPEN_SLOTS)


def _slots(ctx: DraftContext) -> str:
    profile = get_profile(ctx.profile)
    present = [s for s in (QUALITY_LEVEL2, "社会效益指标", SATISFACTION_LEVEL2) if profile.parent(s)]
    return MESSAGES["slots"].format(slots="、".join(present), count=len(present))


def draft_prompt(brief: Brief, hits: list[Any], rules: ProjectTable) -> tuple[list[tuple[str, str]], _Examples]:
    """The first request: (system, user) messages, and the examples shown (for provenance)."""
    ctx = make_context(brief)
    examples = _examples(hits, ctx)
    user = render_prompt(
        "draft_user",
        name=prompt_safe(brief.name, LIMITS["name"]),
        department=prompt_safe(brief.department, LIMITS["department"]) or MESSAGES["unknown_department"],
        year=brief.year,
        budget=f"{brief.budget:,.2f}",
        usage=prompt_safe(brief.usage or brief.name, LIMITS["usage"]),
        fixed=_fixed_rows(rules) or MESSAGES["none_fixed"],
        examples=examples.text,
        slots=_slots(ctx),
        profile=ctx.profile,
    )
    return [("system", render_prompt("draft_system", schema=schema_for_prompt(LLMDraft))), ("human", user)], examples


def _findings_text(errors: list[Finding]) -> str:
    """Numbered Chinese findings (each names its row and value) with the checker's suggestion."""
    lines = []
    for n, finding in enumerate(errors[:MAX_FINDINGS_IN_REASK], start=1):
        line = MESSAGES["finding"].format(n=n, message=finding.message)
        if finding.suggestion:
            line += MESSAGES["suggestion"].format(suggestion=finding.suggestion)
        lines.append(prompt_safe(line, LIMITS["finding"]))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the gate


def _prompt_phrases() -> tuple[str, ...]:
    """Distinctive phrases of the prompt templates (≥ 8 characters between punctuation)."""
    phrases: set[str] = set(LEAK_MARKERS)
    for name in ("draft_system", "draft_user", "reask"):
        text = re.sub(r"\{[a-z_]+\}", "|", load_prompt(name))
        phrases |= {p for p in re.split(r"[，。；：、（）()\n|“”「」,;:]+", text) if len(p.strip()) >= 8}
    return tuple(sorted(phrases))


def leaks(text: str) -> bool:
    """Whether a text carries prompt instructions (the markers or a sentence of the templates)."""
    return any(phrase and phrase in text for phrase in _prompt_phrases())


@dataclass
class _Gate:
    ctx: DraftContext
    examples: _Examples
    rules: ProjectTable
    notes: list[str] = field(default_factory=list)
    accepted: list[Indicator] = field(default_factory=list)

    def row(self, item: LLMIndicator) -> Indicator | None:
        profile = get_profile(self.ctx.profile)
        name, value = item.level3.strip(), item.value.strip()
        level2 = profile.resolve_level2(item.level2)[0]
        reason = None
        if level2 is None:
            reason = MESSAGES["reason_category"].format(level2=item.level2, profile=self.ctx.profile)
        elif level2 not in OPEN_SLOTS:
            reason = MESSAGES["reason_slot"]
        elif any(leaks(text) for text in (name, value, item.description)):
            reason = MESSAGES["reason_leak"]
        elif "*" in name or "＊" in name:
            reason = MESSAGES["reason_hint"]
        elif any(int(y) != self.ctx.year for y in _YEAR.findall(name + value)):
            reason = MESSAGES["reason_year"]
        elif _AIM.match(name):
            reason = MESSAGES["reason_aim"]  # 「提高参训学员技术水平 ≥80%」: an aim, not a measure
        elif _NAME_WITH_VALUE.search(name) or _VALUE_WITH_NAME.match(value):
            reason = MESSAGES["reason_form"]  # 「培训项目总成本≤8万元」 as a name, 「培训质量≥95%」 as a value
        elif self._invented(value):
            reason = MESSAGES["reason_invented"]
        if reason:
            self.notes.append(MESSAGES["rejected"].format(name=name, reason=reason))
            return None
        row = Indicator(level1=profile.parent(level2), level2=level2, level3=name,
                        description=item.description.strip() if not leaks(item.description) else "",
                        value=value, basis=self._basis(name, value), source=self._source(name, value))
        problems = row_fit_problems(row, level2, self.ctx.context, self.ctx.year)
        if problems:
            from assistant.checks.messages import MESSAGES as CHECK_MESSAGES

            message = CHECK_MESSAGES[problems[0].rule].format(loc=name, **problems[0].params)
            self.notes.append(MESSAGES["rejected"].format(name=name, reason=message))
            return None
        return row

    def _invented(self, value: str) -> bool:
        """A count or an amount the brief does not state: the model may set rates and graded
        targets, never numbers of its own (「受益群众人数≥100人」)."""
        from assistant.values import parse_value

        parsed = parse_value(value)
        if parsed.number is None or parsed.unit in ("%", "‰") or parsed.kind.value == "time":
            return False
        return not any(s.number == parsed.number for s in self.ctx.statements)

    def _cited(self, name: str, value: str) -> str | None:
        found = self.examples.rows.get(row_key(name))
        return found[0] if found and found[1] == value else None

    def _basis(self, name: str, value: str) -> str:
        project = self._cited(name, value)
        return MESSAGES["basis_history"].format(project=project, value=value) if project else MESSAGES["basis_llm"]

    def _source(self, name: str, value: str) -> str:
        project = self._cited(name, value)
        return MESSAGES["source_ref"].format(project=project) if project else LLM_SOURCE


def assemble(answer: LLMDraft, ctx: DraftContext, rules: ProjectTable, examples: _Examples) -> tuple[ProjectTable, list[str], list[Indicator]]:
    """The model's answer merged into the rules draft through the gate: (table, notes, model rows kept)."""
    from assistant.drafting.goal import write_goal

    gate = _Gate(ctx, examples, rules)
    keep = [r for r in rules.indicators]
    model_rows: list[Indicator] = []
    from assistant.drafting.deterministic import same_measure

    fixed = [r.level3 for r in keep if r.source in (SOURCE_BRIEF, SOURCE_BUDGET)]
    taken = {row_key(name) for name in fixed}
    for item in answer.indicators:
        row = gate.row(item)
        if row is None:
            continue
        if row_key(row.level3) in taken or any(same_measure(row.level3, name) or name in row.level3 for name in fixed):
            gate.notes.append(MESSAGES["rejected"].format(name=row.level3, reason=MESSAGES["reason_duplicate"]))
            continue
        taken.add(row_key(row.level3))
        model_rows.append(row)
    # a model row takes the place of a customary library row of its category
    replaced: set[int] = set()
    for row in model_rows:
        index = next((i for i, r in enumerate(keep) if i not in replaced and r.level2 == row.level2
                      and r.source not in (SOURCE_BRIEF, SOURCE_BUDGET) and not r.source.startswith(LLM_SOURCE)), None)
        if index is not None:
            replaced.add(index)
            keep[index] = row
        else:
            keep.append(row)
    order = [l2 for children in get_profile(ctx.profile).level2.values() for l2 in children]
    keep.sort(key=lambda r: order.index(r.level2) if r.level2 in order else len(order))
    goal = answer.goal.strip()
    problem = _goal_problem(goal, keep, ctx, rules)
    if problem:
        gate.notes.append(MESSAGES["goal_kept"].format(reason=problem))
        goal = write_goal(keep, ctx)
    table = build_table(ctx.brief, keep, goal)
    return table, gate.notes, model_rows


def _goal_problem(goal: str, rows: list[Indicator], ctx: DraftContext, rules: ProjectTable) -> str | None:
    if leaks(goal):
        return MESSAGES["reason_leak"]
    sentences = re.findall(r"(?:^|[\n；;。])\s*\d+[.、．]", goal)
    if not 2 <= len(sentences) <= 4:
        return MESSAGES["goal_sentences"]
    probe = build_table(ctx.brief, rows, goal)
    if any(f.rule == "table.goal-number-missing" for f in lint_table(probe, profile=ctx.profile)):
        return MESSAGES["goal_numbers"]
    return None


def _flagged(table: ProjectTable, profile: str, model_rows: list[Indicator]) -> tuple[list[Finding], set[int]]:
    """(error findings on model rows, indices of model rows with any error or warning)."""
    ids = {id(r) for r in model_rows}
    errors, flagged = [], set()
    for f in lint_table(table, profile=profile):
        if f.row is None or id(table.indicators[f.row]) not in ids:
            continue
        if f.severity in ("error", "warning"):
            flagged.add(f.row)
        if f.severity == "error":
            errors.append(f)
    return errors, flagged


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
        similar = self.fallback.similar(brief)  # one search for both drafters
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
            table, notes, model_rows = assemble(answer, ctx, rules.table, examples)
            errors, flagged = _flagged(table, ctx.profile, model_rows)
            if not errors or attempt == self.max_reasks:
                return self._finish(answer, ctx, rules, examples, attempt)
            log.info("LLM draft attempt %d: %d error findings", attempt + 1, len(errors))
            reask = render_prompt("reask", findings=_findings_text(errors))
            messages = [*prompt, ("ai", raw), ("human", reask)]
        raise AssertionError("unreachable: the loop returns on its last attempt")

    def _finish(self, answer: LLMDraft, ctx: DraftContext, rules: DraftResult, examples: _Examples, reasks: int) -> DraftResult:
        """The gated merge; model rows the checker still flags are left out (the rules draft's
        rows stay in their place) until no model row is flagged."""
        dropped: list[str] = []
        while True:
            table, notes, model_rows = assemble(answer, ctx, rules.table, examples)
            _errors, flagged = _flagged(table, ctx.profile, model_rows)
            if not flagged:
                break
            findings = {f.row: f.message for f in lint_table(table, profile=ctx.profile) if f.row in flagged}
            names = {table.indicators[i].level3 for i in flagged}
            dropped += [MESSAGES["rejected"].format(name=table.indicators[i].level3, reason=findings.get(i, ""))
                        for i in sorted(flagged)]
            answer = answer.model_copy(update={"indicators": [r for r in answer.indicators if r.level3.strip() not in names]})
        if not model_rows and table.goal == rules.table.goal:
            reason = (MESSAGES["fallback_findings"].format(reasks=reasks, count=len(dropped), first=dropped[0])
                      if dropped else MESSAGES["nothing_passed"])
            return _fall_back(rules, reason, [*notes, *dropped])
        head = [MESSAGES["llm_ok"].format(calls=len(self.last_calls), seconds=sum(self.last_calls))]
        if reasks:
            head.append(MESSAGES["llm_reasked"].format(count=reasks))
        if len(ctx.brief.usage) > LIMITS["usage"]:
            head.append(MESSAGES["usage_capped"].format(limit=LIMITS["usage"]))
        head.append(MESSAGES["by_code"])
        if model_rows:
            head.append(MESSAGES["llm_rows"].format(rows="；".join(f"{r.level3} {r.value}" for r in model_rows)))
        result_notes = [rules.notes[0], *head, *notes, *dropped, *_rules_notes_for(table, rules.notes[1:])]
        return checked_result(table, ctx.profile, method="llm", notes=list(dict.fromkeys(result_notes)),
                              findings=[f for f in rules.findings if f.get("rule") == "brief.figures-disagree"],
                              similar=rules.similar, project_type=rules.project_type)


def _rules_notes_for(table: ProjectTable, notes: list[str]) -> list[str]:
    """The rules draft's notes, the list of values to confirm rewritten for the rows still there."""
    from assistant.drafting.deterministic import MESSAGES as RULE_MESSAGES

    prefix = RULE_MESSAGES["confirm"].split("{")[0]
    confirm = [f"{r.level3} {r.value}" for r in table.indicators if "提交前请" in r.basis]
    out = [n for n in notes if not n.startswith(prefix)]
    if confirm:
        out.insert(0, RULE_MESSAGES["confirm"].format(rows="；".join(confirm)))
    return out


def _fall_back(rules: DraftResult, reason: str, why: list[str] | None = None) -> DraftResult:
    """The rules draft, saying why the model's draft was not used (and what of it was refused)."""
    note = MESSAGES["fallback"].format(reason=reason)
    return rules.model_copy(update={"method": "llm-fallback", "notes": [note, *rules.notes, *(why or [])]})


__all__ = ["DEFAULT_MAX_TOKENS", "LIMITS", "LLMDrafter", "MESSAGES", "assemble", "draft_prompt", "leaks", "prompt_safe"]
