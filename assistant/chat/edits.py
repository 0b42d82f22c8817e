"""Table edits the chat makes, as pure functions over ProjectTable (no session, no I/O):
finding the row a name means, keeping the operator of a changed value, keeping amounts that
were derived from the budget or a quantity in step, placing a new row in its category."""

from __future__ import annotations

import difflib
import re
from typing import Any

from assistant.model import Budget, Indicator, PlanItem, ProjectTable, ValueKind
from assistant.values import format_value, parse_value
from assistant.vocab import fold, guess_level2

MATCH_THRESHOLD = 0.45
AMBIGUOUS_MARGIN = 0.05

COST_LEVEL2 = {"成本指标", "经济成本指标"}


def num_text(value: float) -> str:
    """300.0 -> '300', 1666.666 -> '1666.67'."""
    return format_value("", value, "")


# --- matching rows --------------------------------------------------------------------------


def _norm_name(text: str) -> str:
    text = fold(text).lower()
    return re.sub(r"[\s()（）%‰\"'“”‘’「」]|指标$", "", text)


def _score(query: str, indicator: Indicator, unit: str | None) -> float:
    q = _norm_name(query)
    best = 0.0
    for name in (indicator.level3, indicator.description):
        n = _norm_name(name)
        if not n or not q:
            continue
        if q == n:
            score = 1.0
        elif q in n:
            score = 0.7 + 0.2 * len(q) / len(n)
        elif n in q:
            score = 0.6 + 0.2 * len(n) / len(q)
        else:
            score = difflib.SequenceMatcher(None, q, n).ratio()
        best = max(best, score)
    if unit and indicator.parsed.unit == unit and best > 0.3:
        best += 0.15
    return best


def match_row(table: ProjectTable, target: str, new_value: str | None = None) -> tuple[int | None, list[int]]:
    """The row meant by a name: (index, []) when clear; (None, candidates) when ambiguous or
    when nothing fits (candidates empty)."""
    unit = parse_value(new_value).unit if new_value else None
    scored = sorted(((_score(target, ind, unit), i) for i, ind in enumerate(table.indicators)), reverse=True)
    scored = [(s, i) for s, i in scored if s >= MATCH_THRESHOLD]
    if not scored:
        return None, []
    top, index = scored[0]
    rivals = [i for s, i in scored[1:] if top - s < AMBIGUOUS_MARGIN]
    if top < 1.0 and rivals:
        return None, [index, *rivals][:5]
    return index, []

# --- edits ----------------------------------------------------------------------------------


def keep_operator(old_value: str, new_value: str) -> tuple[str, str | None]:
    """「改为300人次」 on a row `≥280人次` keeps `≥`: ('≥300人次', '≥'). An explicit operator wins."""
    new = new_value.strip()
    parsed_new, parsed_old = parse_value(new), parse_value(old_value)
    explicit = bool(re.match(r"^\s*(?:[≥≤<>=≧≦]|不低于|不少于|不超过|不高于|大于|小于|达到|控制在)", new))
    if (parsed_new.kind is ValueKind.quantitative and not explicit and parsed_old.operator in ("≥", "≤", ">", "<")
            and parsed_old.kind in (ValueKind.quantitative, ValueKind.time)):
        return parsed_old.operator + new, parsed_old.operator
    return new, None


def split_budget(budget: Budget, part: str, amount: float) -> tuple[float, float, float]:
    """New (total, fiscal, other) keeping 预算数 = 财政资金 + 其他资金."""
    fiscal, other = budget.fiscal or 0.0, budget.other or 0.0
    if part == "total":
        other = other if other <= amount else 0.0
        return round(amount, 2), round(amount - other, 2), round(other, 2)
    if part == "fiscal":
        return round(amount + other, 2), round(amount, 2), round(other, 2)
    return round(fiscal + amount, 2), round(fiscal, 2), round(amount, 2)


_MONEY_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def follow_budget(table: ProjectTable, old_total: float | None, new_total: float) -> list[tuple[int, str, str]]:
    """Cost rows whose amount equalled the old budget follow the new one (in place). Returns the
    changed rows as (index, name, new value)."""
    changed: list[tuple[int, str, str]] = []
    if not old_total:
        return changed
    for i, ind in enumerate(table.indicators):
        p = ind.parsed
        factor = _MONEY_FACTOR.get(p.unit or "")
        if (ind.level2 not in COST_LEVEL2 and "成本" not in ind.level1) or not factor or p.number is None:
            continue
        if abs(p.number * factor - old_total) < 0.01:
            value = format_value(p.operator if p.operator != "=" else "≤", new_total / factor, p.unit)
            table.indicators[i] = ind.with_value(value)
            changed.append((i, ind.level3, value))
    # Texts that quote the budget (bases, descriptions, the goal) quote the new one.
    for old_text, new_text in _amount_forms(old_total, new_total):
        table.goal = _replace_number(table.goal, old_text, new_text)
        for i, ind in enumerate(table.indicators):
            basis, description = (_replace_number(t, old_text, new_text) for t in (ind.basis, ind.description))
            if (basis, description) != (ind.basis, ind.description):
                table.indicators[i] = ind.model_copy(update={"basis": basis, "description": description})
    return changed


def _amount_forms(old: float, new: float) -> list[tuple[str, str]]:
    """How an amount is written in texts: 300000.00元, 300000元, 300,000.00元, 30万元."""
    return [(f"{old:.2f}元", f"{new:.2f}元"), (f"{old:,.2f}元", f"{new:,.2f}元"),
            (f"{num_text(old)}元", f"{num_text(new)}元"), (f"{num_text(old / 1e4)}万元", f"{num_text(new / 1e4)}万元")]


def _replace_number(text: str, old: str, new: str) -> str:
    """Replace `old` (a number with its unit) where it is not part of a longer number."""
    if not text or old == new:
        return text
    return re.sub(r"(?<![\d.,])" + re.escape(old), lambda _m: new, text)


def _count_of(table: ProjectTable, unit: str) -> float | None:
    """The planned quantity in `unit` (the first 数量指标 row counted in it)."""
    for ind in table.indicators:
        if ind.level2 == "数量指标" and ind.parsed.unit == unit and ind.parsed.number:
            return ind.parsed.number
    return None


def refresh_unit_costs(before: ProjectTable, after: ProjectTable) -> list[tuple[int, str, str]]:
    """A unit cost that was budget ÷ quantity (「≤1500元/人次」 = 300000 ÷ 200人次) is worked out
    again after the budget or the quantity changed; its texts quote the new quantity. Returns
    the changed rows as (index, name, new value). Unit costs not derived so are left alone."""
    changed: list[tuple[int, str, str]] = []
    total_b, total_a = before.budget.total, after.budget.total
    for i, ind in enumerate(after.indicators):
        p = ind.parsed
        m = re.fullmatch(r"(万?元)/(.+)", p.unit or "")
        if not m or p.number is None or not total_b or not total_a:
            continue
        factor, unit = (1e4 if m.group(1) == "万元" else 1.0), m.group(2)
        count_b, count_a = _count_of(before, unit), _count_of(after, unit)
        if not count_b or not count_a:
            continue
        derived = total_b / count_b
        if abs(p.number * factor - derived) > max(1.0, 0.01 * derived):
            continue
        value = format_value(p.operator, round(total_a / count_a / factor, 2), p.unit)
        old_count, new_count = f"{num_text(count_b)}{unit}", f"{num_text(count_a)}{unit}"
        after.indicators[i] = ind.with_value(value).model_copy(update={
            "description": _replace_number(ind.description, old_count, new_count),
            "basis": _replace_number(ind.basis, old_count, new_count),
        })
        if value != ind.value:
            changed.append((i, ind.level3, value))
    return changed


def follow_quantity(table: ProjectTable, index: int, old: Indicator) -> None:
    """After 「≥200人次」 became 「≥300人次」, the row's description and basis and the goal text
    that quoted 200人次 quote 300人次 (same unit only)."""
    new = table.indicators[index]
    a, b = old.parsed, new.parsed
    if a.number is None or b.number is None or not a.unit or a.unit != b.unit or a.number == b.number:
        return
    old_text, new_text = f"{num_text(a.number)}{a.unit}", f"{num_text(b.number)}{b.unit}"
    table.indicators[index] = new.model_copy(update={
        "description": _replace_number(new.description, old_text, new_text),
        "basis": _replace_number(new.basis, old_text, new_text),
    })
    table.goal = _replace_number(table.goal, old_text, new_text)


def _month(label: str) -> int:
    m = re.search(r"(\d{1,2})\s*月", label)
    return int(m.group(1)) if m else 99


def set_plan_percent(plan: list[PlanItem], label: str, percent: float) -> list[PlanItem]:
    """Set the cumulative percent at a month; a new month is inserted in calendar order."""
    month = _month(label)
    out = [p.model_copy() for p in plan]
    for item in out:
        if _month(item.label) == month:
            item.percent = percent
            return out
    out.append(PlanItem(label=label, percent=percent))
    return sorted(out, key=lambda p: _month(p.label))


def insert_position(rows: list[Indicator], level1: str, level2: str, profile: Any) -> int:
    """After the last row of the same 二级; else after the last row of an earlier category in
    the profile's order; else at the end."""
    same = [i for i, r in enumerate(rows) if r.level2 == level2]
    if same:
        return same[-1] + 1
    order = [name for children in profile.level2.values() for name in children]
    rank = order.index(level2) if level2 in order else len(order)
    before = [i for i, r in enumerate(rows) if r.level2 in order and order.index(r.level2) < rank]
    if before:
        return before[-1] + 1
    return 0 if rank < len(order) and rows else len(rows)
