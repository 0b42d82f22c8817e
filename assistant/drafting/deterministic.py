"""The default drafter: no LLM. Retrieve similar indicators, adapt them to the brief, fill the
gaps from the catalogue, and keep only rows the checker accepts.

Every row records where it came from (`Indicator.source`): a corpus project and row, the
brief itself, or the built-in catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from assistant.checks import DEFAULT_PROFILE, Draft, canonical_level2, lint_table
from assistant.drafting.brief import Brief, DraftResult
from assistant.drafting.catalogue import CATALOGUE_SOURCE, entries_for, subject_for
from assistant.drafting.describe import Quantity, find_deadline_month, find_quantities
from assistant.model import Budget, Indicator, PlanItem, ProjectTable, Source, ValueKind
from assistant.values import format_value, parse_value

MAX_PER_LEVEL2 = 3
SIMILAR_INDICATORS = 60
SIMILAR_PROJECTS = 5
DEFAULT_PLAN = (("3月底", 25.0), ("6月底", 50.0), ("10月底", 75.0), ("12月底", 100.0))

# Which categories a draft fills, per profile: (一级, 二级, rows to aim for, catalogue fallback).
# Categories without the fallback appear only when similar projects supply a fitting row: the
# catalogue never invents a target such as an output value for an economic benefit.
def _layout(cost: tuple[str, str]) -> tuple[tuple[str, str, int, bool], ...]:
    """The draft layout; the profiles differ only in where the cost category sits."""
    return (
        ("产出指标", "数量指标", 3, True),
        ("产出指标", "质量指标", 2, True),
        ("产出指标", "时效指标", 2, True),
        (*cost, 2, True),
        ("效益指标", "经济效益指标", 1, False),
        ("效益指标", "社会效益指标", 1, True),
        ("效益指标", "可持续影响指标", 1, True),
        ("满意度指标", "服务对象满意度指标", 1, True),
    )


DRAFT_LAYOUT: dict[str, tuple[tuple[str, str, int, bool], ...]] = {
    "hebei-2025": _layout(("产出指标", "成本指标")),
    "mof-2021": _layout(("成本指标", "经济成本指标")),
}
COST_LEVEL2 = {"成本指标", "经济成本指标"}
QUANTITY_LEVEL2 = "数量指标"
# Units of a count or of money: such values belong to their own project and are not copied.
_PROJECT_SPECIFIC_UNITS = {"万元", "元", "亿元", "千元"}

MESSAGES = {
    "brief_source": "项目申报内容",
    "corpus_source": "{file} · {project}",
    "corpus_row": " · 第{row}行",
    "basis_brief": "计划标准：项目申报内容（{text}）",
    "basis_history": "历史标准：参照“{project}”同类指标（{value}）",
    "basis_cost": "预算支出标准：不得超出批复预算{budget}元",
    "basis_unit_cost": "预算支出标准：批复预算{budget}元÷计划{quantity}",
    "describe_quantity": "{year}年计划{text}",
    "describe_generic": "反映{name}的完成情况",
    "unit_cost_name": "{subject}人均成本",
    "unit_cost_description": "项目预算按计划{quantity}测算的人均成本",
    "total_cost_name": "项目总成本",
    "total_cost_description": "项目实际支出总额，不超过批复预算",
    "deadline_name": "项目完成时限",
    "deadline_description": "全部任务完成的时间",
    "deadline_value": "{year}年{month}月底前",
    "goal_purpose": "{index}.实施{name}，{purpose}",
    "goal_outputs": "{index}.完成{items}",
    "goal_time": "{index}.{deadline}完成全部任务，资金按计划支出",
    "goal_satisfaction": "{index}.{name}{value}",
    "purpose_default": "保障项目任务按计划完成",
    "dropped": "已剔除不合格的参考指标“{name}”（{reason}）",
    "catalogue_used": "“{level2}”没有合适的相似指标，已从内置指标库补充",
}


@dataclass
class DraftContext:
    """What every row builder needs to know about the brief."""

    brief: Brief
    profile: str
    text: str
    quantities: list[Quantity]
    month: int
    notes: list[str] = field(default_factory=list)


def norm_name(name: str) -> str:
    return re.sub(r"[\s（）()%％]|指标$", "", name)


def money_text(yuan: float) -> str:
    """An amount as staff write it: 万元 when exact to four decimals (438.768万元), else 元."""
    wan = yuan / 10000
    text = f"{wan:.4f}".rstrip("0").rstrip(".")
    return f"{text}万元" if abs(float(text) * 10000 - yuan) < 0.005 else f"{yuan:.2f}元"


def hit_value(hit: Any, name: str, default: Any = None) -> Any:
    if isinstance(hit, dict):
        return hit.get(name, default)
    return getattr(hit, name, default)


def _source_label(hit: Any) -> str:
    source = hit_value(hit, "source") or {}
    get = source.get if isinstance(source, dict) else (lambda k, d=None: getattr(source, k, d))
    label = MESSAGES["corpus_source"].format(file=get("file", ""), project=hit_value(hit, "project_name", ""))
    row = get("row", None)
    return label + MESSAGES["corpus_row"].format(row=row) if row is not None else label


def _adapt_value(value: str, year: int) -> str | None:
    """A corpus value rewritten for the new project, or None when it does not transfer."""
    parsed = parse_value(value)
    if parsed.kind is ValueKind.quantitative:
        if parsed.unit in _PROJECT_SPECIFIC_UNITS or parsed.unit not in ("%", "‰"):
            return None  # money and counts belong to the project they came from
        if parsed.number is None or parsed.number > 100:
            return None
        return format_value(parsed.operator, parsed.number, parsed.unit)
    if parsed.kind is ValueKind.time:
        return re.sub(r"(?<!\d)(?:19|20)\d{2}(?!\d)", str(year), value)  # 2021.1.1-12.31 -> 2026.1.1-12.31
    if parsed.kind is ValueKind.qualitative:
        return value.strip()
    return None


def _row_errors(row: Indicator, profile: str) -> list[str]:
    """Error-level findings of one row, judged inside a minimal table."""
    probe = ProjectTable(project_name="probe", indicators=[row])
    return [
        f.message
        for f in lint_table(probe, profile=profile)
        if f.severity == "error" and f.row == 0
    ]


def adapt_hit(hit: Any, level1: str, level2: str, ctx: DraftContext) -> Indicator | None:
    value = _adapt_value(hit_value(hit, "value", "") or "", ctx.brief.year)
    name = (hit_value(hit, "level3", "") or "").strip()
    if not value or not name:
        return None
    description = (hit_value(hit, "description", "") or "").strip()
    if not description or description == name:
        description = MESSAGES["describe_generic"].format(name=name)
    row = Indicator(
        level1=level1,
        level2=level2,
        level3=name,
        description=description,
        value=value,
        basis=MESSAGES["basis_history"].format(project=hit_value(hit, "project_name", ""), value=value),
        source=_source_label(hit),
    )
    errors = _row_errors(row, ctx.profile)
    if errors:
        ctx.notes.append(MESSAGES["dropped"].format(name=name, reason=errors[0]))
        return None
    return row


def _quantity_rows(level1: str, level2: str, ctx: DraftContext) -> list[Indicator]:
    rows = []
    for q in ctx.quantities[:MAX_PER_LEVEL2]:
        name = q.subject if q.subject.endswith(("数", "量", "数量")) else f"{q.subject}数量"
        rows.append(
            Indicator(
                level1=level1,
                level2=level2,
                level3=name,
                description=MESSAGES["describe_quantity"].format(year=ctx.brief.year, text=q.text),
                value=format_value("≥", q.number, q.unit),
                basis=MESSAGES["basis_brief"].format(text=q.text),
                source=MESSAGES["brief_source"],
            )
        )
    return rows


def _cost_rows(level1: str, level2: str, ctx: DraftContext) -> list[Indicator]:
    budget = ctx.brief.budget
    budget_text = f"{budget:.2f}"
    rows = [
        Indicator(
            level1=level1,
            level2=level2,
            level3=MESSAGES["total_cost_name"],
            description=MESSAGES["total_cost_description"],
            value="≤" + money_text(budget),
            basis=MESSAGES["basis_cost"].format(budget=budget_text),
            source=MESSAGES["brief_source"],
        )
    ]
    people = next((q for q in ctx.quantities if q.unit in ("人", "人次")), None)
    if people and people.number >= 1:
        per_head = budget / people.number
        rows.append(
            Indicator(
                level1=level1,
                level2=level2,
                level3=MESSAGES["unit_cost_name"].format(subject=re.sub(r"^(培训|支持|扶持|补助|救助)", "", people.subject) or "受益对象"),
                description=MESSAGES["unit_cost_description"].format(quantity=people.text),
                value=format_value("≤", round(per_head, 2), f"元/{people.unit}"),
                basis=MESSAGES["basis_unit_cost"].format(budget=budget_text, quantity=people.text),
                source=MESSAGES["brief_source"],
            )
        )
    return rows


def _deadline_row(level1: str, level2: str, ctx: DraftContext) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        level3=MESSAGES["deadline_name"],
        description=MESSAGES["deadline_description"],
        value=MESSAGES["deadline_value"].format(year=ctx.brief.year, month=ctx.month),
        basis=MESSAGES["basis_brief"].format(text=MESSAGES["deadline_value"].format(year=ctx.brief.year, month=ctx.month)),
        source=MESSAGES["brief_source"],
    )


def _catalogue_rows(level1: str, level2: str, ctx: DraftContext) -> list[Indicator]:
    fill = {
        "year": ctx.brief.year,
        "budget_cap": money_text(ctx.brief.budget),
        "subject": subject_for(ctx.text),
    }
    return [
        Indicator(
            level1=level1,
            level2=level2,
            level3=e.level3.format(**fill),
            description=e.description.format(**fill),
            value=e.value.format(**fill),
            basis=e.basis.format(**fill),
            source=CATALOGUE_SOURCE,
        )
        for e in entries_for(level2, ctx.text)
    ]


def _pick(rows: Iterable[Indicator], want: int, taken: set[str]) -> list[Indicator]:
    chosen: list[Indicator] = []
    for row in rows:
        key = norm_name(row.level3)
        if key in taken or len(chosen) >= want:
            continue
        taken.add(key)
        chosen.append(row)
    return chosen


def _rows_for(
    level1: str, level2: str, want: int, use_catalogue: bool, hits: list[Any], ctx: DraftContext, taken: set[str]
) -> list[Indicator]:
    if level2 in COST_LEVEL2:
        return _pick(_cost_rows(level1, level2, ctx), want, taken)
    own: list[Indicator] = []
    if level2 == QUANTITY_LEVEL2:
        own = _quantity_rows(level1, level2, ctx)
    elif level2 == "时效指标":
        own = [_deadline_row(level1, level2, ctx)]
    similar = (
        row
        for hit in hits
        if canonical_level2(hit_value(hit, "level2", ""), ctx.profile) == level2
        for row in [adapt_hit(hit, level1, level2, ctx)]
        if row is not None
    )
    chosen = _pick(own, want, taken)
    chosen += _pick(similar, want - len(chosen), taken)
    if not chosen and use_catalogue:
        ctx.notes.append(MESSAGES["catalogue_used"].format(level2=level2))
        chosen = _pick(_catalogue_rows(level1, level2, ctx), want, taken)
    return chosen


def _goal(rows: list[Indicator], ctx: DraftContext) -> str:
    purpose_clause = re.split(r"[，。,；;\n]", ctx.brief.usage, maxsplit=1)[0] if ctx.brief.usage else ""
    purpose = purpose_clause if purpose_clause and not re.search(r"\d", purpose_clause) else MESSAGES["purpose_default"]
    if purpose == ctx.brief.name:
        purpose = MESSAGES["purpose_default"]
    parts = [MESSAGES["goal_purpose"].format(index=1, name=ctx.brief.name, purpose=purpose)]
    quantity_rows = [r for r in rows if r.source == MESSAGES["brief_source"] and r.level2 == QUANTITY_LEVEL2]
    if quantity_rows:
        items = "、".join(f"{r.level3.removesuffix('数量')}{r.value.lstrip('≥')}" for r in quantity_rows)
        parts.append(MESSAGES["goal_outputs"].format(index=len(parts) + 1, items=items))
    deadline = next((r.value for r in rows if r.level3 == MESSAGES["deadline_name"]), None)
    if deadline:
        parts.append(MESSAGES["goal_time"].format(index=len(parts) + 1, deadline=deadline.removesuffix("前") + "前"))
    satisfaction = next((r for r in rows if r.level2 == "服务对象满意度指标"), None)
    if satisfaction:
        parts.append(MESSAGES["goal_satisfaction"].format(index=len(parts) + 1, name=satisfaction.level3, value=satisfaction.value))
    return "；\n".join(parts) + "。"


def make_context(brief: Brief) -> DraftContext:
    """The brief read once: profile, quantities (「培训干部280人次」) and the deadline month."""
    return DraftContext(
        brief=brief,
        profile=brief.profile or DEFAULT_PROFILE,
        text=f"{brief.name}\n{brief.usage}",
        quantities=find_quantities(brief.usage or brief.name),
        month=find_deadline_month(brief.usage) or 12,
    )


def build_table(brief: Brief, rows: list[Indicator], goal: str) -> ProjectTable:
    """A draft table whose identity, budget and spending plan come from the brief alone."""
    return ProjectTable(
        project_code=brief.id,
        project_name=brief.name,
        department=brief.department,
        year=brief.year,
        budget=Budget(total=brief.budget, fiscal=brief.fiscal, other=brief.other),
        fund_use=brief.usage or brief.name,
        spending_plan=[PlanItem(label=label, percent=p) for label, p in DEFAULT_PLAN],
        goal=goal,
        indicators=rows,
        source=Source(file="", format="draft"),
    )


def checked_result(table: ProjectTable, profile: str, **fields: Any) -> DraftResult:
    """Strict validation (raises on any error finding), remaining warnings kept as findings."""
    checked = Draft.model_validate(table.model_dump(), context={"profile": profile})
    remaining = [f for f in lint_table(checked, profile=profile) if f.severity != "error"]
    return DraftResult(
        table=ProjectTable.model_validate(checked.model_dump()),
        findings=[f.model_dump() for f in remaining],
        **fields,
    )


def _drop_rejected_rows(rows: list[Indicator], ctx: DraftContext, taken: set[str]) -> list[Indicator]:
    """Safety net: rows the checker still rejects in the assembled table are replaced by the
    catalogue's rows for their category (a note says so)."""
    table = build_table(ctx.brief, rows, "")
    rejected = {f.row for f in lint_table(table, profile=ctx.profile) if f.severity == "error" and f.row is not None}
    if not rejected:
        return rows
    kept = [r for i, r in enumerate(rows) if i not in rejected]
    for i in sorted(rejected):
        row = rows[i]
        ctx.notes.append(MESSAGES["dropped"].format(name=row.level3, reason=row.value))
        if not any(r.level2 == row.level2 for r in kept):
            kept += _pick(_catalogue_rows(row.level1, row.level2, ctx), 1, taken)
    return kept


class RuleDrafter:
    """Deterministic drafter. `retriever` is an assistant.retrieval Retriever (or None: catalogue only)."""

    def __init__(self, retriever: Any | None = None) -> None:
        self.retriever = retriever

    def similar(self, brief: Brief) -> tuple[list[Any], list[Any]]:
        """(similar indicator hits, similar project hits) for the brief; empty without a retriever."""
        if self.retriever is None:
            return [], []
        query = f"{brief.name} {brief.usage[:300]}"
        search_vector = getattr(self.retriever, "search_vector", None)
        if search_vector is None:  # a retriever wrapper (e.g. a held-out view): plain searches
            return (
                self.retriever.search(query, k=SIMILAR_INDICATORS, kind="indicator"),
                self.retriever.search(query, k=SIMILAR_PROJECTS, kind="project"),
            )
        from assistant.retrieval.search import QueryError, prepare_query

        try:
            query = prepare_query(query).text
        except QueryError:  # a name of only emoji or punctuation: nothing to look up
            return [], []
        vector = self.retriever.embeddings.encode_queries([query])[0]  # embed once, search twice
        return (
            search_vector(query, vector, SIMILAR_INDICATORS, self.retriever.filters(kind="indicator")),
            search_vector(query, vector, SIMILAR_PROJECTS, self.retriever.filters(kind="project")),
        )

    def draft(self, brief: Brief, similar: tuple[list[Any], list[Any]] | None = None) -> DraftResult:
        """`similar`: hits already retrieved for this brief (as from `similar`), to search once."""
        ctx = make_context(brief)
        hits, projects = similar if similar is not None else self.similar(brief)
        taken: set[str] = set()
        rows: list[Indicator] = []
        for level1, level2, want, use_catalogue in DRAFT_LAYOUT[ctx.profile]:
            rows += _rows_for(level1, level2, want, use_catalogue, hits, ctx, taken)
        rows = _drop_rejected_rows(rows, ctx, taken)
        table = build_table(brief, rows, _goal(rows, ctx))
        return checked_result(
            table, ctx.profile, method="rules", notes=list(dict.fromkeys(ctx.notes)), similar=[similar_entry(p) for p in projects]
        )


def similar_entry(hit: Any) -> dict[str, Any]:
    return {
        "project_name": hit_value(hit, "project_name", ""),
        "score": hit_value(hit, "score", 0.0),
        "source": _source_label(hit),
    }
