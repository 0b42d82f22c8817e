"""What follows from an edited number, kept in step (pure functions over ProjectTable).

After a value the user set: its 依据 says the user set it (计划标准 with the user's words, never a
source's figure it no longer has); texts quoting the old number (the row's 描述, the goal, 资金用途)
quote the new one; a unit cost that was budget ÷ quantity is worked out again. After a budget
change: cost rows that were the budget follow it, and texts quoting it. What cannot be derived
(a per-person standard that no longer multiplies out to the budget, a deadline before spending
ends, a goal naming a deleted row) becomes a Flag, said in the reply. Each function edits `after`
in place and returns the changes it made, in the order the reply lists them.
"""

from __future__ import annotations

import re

from assistant.chat.edits import (
    COST_LEVEL2,
    MONEY_FACTOR,
    is_time_row,
    month_of,
    money_text,
    num_text,
    plan_month,
    replace_number,
)
from assistant.chat.outcomes import Change, Flag, RowChange, TextChange
from assistant.model import Indicator, ProjectTable, ValueKind
from assistant.values import format_value

USER_SOURCE = "用户确认"
SAID_LIMIT = 40
MESSAGES = {
    # The 依据 of a value the user set (table text, in Chinese like the rest of the table).
    "basis_plan": "计划标准：用户确认（{said}）",
    "basis_cost": "预算支出标准：用户确认（{said}）",
    "said": "{name}改为{value}",
}
_ANCHOR_CHARS = 12  # how far before a number its row's name may stand in the goal text


def user_basis(ind: Indicator, said: str) -> str:
    said = re.sub(r"\s+", "", said or "").strip("，,。；;！!？?")[:SAID_LIMIT] or MESSAGES["said"].format(
        name=ind.level3, value=ind.value)
    key = "basis_cost" if ind.level2 in COST_LEVEL2 or "成本" in ind.level1 else "basis_plan"
    return MESSAGES[key].format(said=said)


def _set(table: ProjectTable, index: int, why: str, **fields: str) -> list[Change]:
    """Update fields of one row, returning a RowChange per field that really changed."""
    old = table.indicators[index]
    changes: list[Change] = []
    for name, value in fields.items():
        if getattr(old, name) != value:
            changes.append(RowChange(index + 1, old.level3, name, getattr(old, name), value, why))
    if changes:
        updated = old.with_value(fields["value"]) if "value" in fields else old
        table.indicators[index] = updated.model_copy(update={k: v for k, v in fields.items() if k != "value"})
    return changes


def _texts(after: ProjectTable, old: str, new: str, near: str | None = None) -> list[Change]:
    """The goal and 资金用途 quoting `old` quote `new` (only after `near` when given)."""
    changes: list[Change] = []
    for name in ("goal", "fund_use"):
        text = getattr(after, name)
        updated = _replace_near(text, old, new, near) if near else replace_number(text, old, new)
        if updated != text:
            setattr(after, name, updated)
            changes.append(TextChange(name, text, updated, why="follow"))
    return changes


def _replace_near(text: str, old: str, new: str, name: str) -> str:
    """Replace `old` where the row's name (or its last 3 characters) stands shortly before it."""
    anchors = {name, name[-3:]} if len(name) > 3 else {name}

    def swap(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - len(name) - _ANCHOR_CHARS): m.start()]
        return new if any(a and a in before for a in anchors) else m.group(0)

    return re.sub(r"(?<![\d.,])" + re.escape(old), swap, text) if text and old != new else text


def follow_value(before: ProjectTable, after: ProjectTable, index: int, said: str) -> list[Change]:
    """After the user set the value of row `index` (already in `after`)."""
    old, new = before.indicators[index], after.indicators[index]
    changes = _set(after, index, "user_basis", basis=user_basis(new, said))
    after.indicators[index] = after.indicators[index].model_copy(update={"source": USER_SOURCE})
    a, b = old.parsed, new.parsed
    if is_time_row(old) and is_time_row(new):
        changes += _follow_deadline(after, old, new)
    elif (a.kind is b.kind is ValueKind.quantitative and a.unit and a.unit == b.unit and a.number is not None
          and b.number is not None and a.number != b.number):
        old_text, new_text = f"{num_text(a.number)}{a.unit}", f"{num_text(b.number)}{b.unit}"
        description = replace_number(after.indicators[index].description, old_text, new_text)
        changes += _set(after, index, "quantity", description=description)
        counted = a.unit not in MONEY_FACTOR and a.unit != "%" and "/" not in a.unit
        changes += _texts(after, old_text, new_text, near=None if counted else new.level3)
        if counted:
            changes += _stale_mentions(after, a.number, a.unit)
    changes += refresh_unit_costs(before, after)
    changes += check_standards(before, after)
    return changes


def _follow_deadline(after: ProjectTable, old: Indicator, new: Indicator) -> list[Change]:
    m_old, m_new = month_of(old.value), month_of(new.value)
    if not m_old or not m_new or m_old == m_new:
        return []
    changes = _texts(after, f"{m_old}月底", f"{m_new}月底")
    unspent = [p for p in after.spending_plan
               if p.percent is not None and plan_month(p.label) >= m_new and p.percent < 100]
    if unspent:
        plan = "，".join(f"{p.label} {num_text(p.percent)}%" for p in after.spending_plan if p.percent is not None)
        changes.append(Flag("deadline_vs_plan", {"deadline": new.value, "plan": plan}))
    return changes


def _stale_mentions(after: ProjectTable, number: float, unit: str) -> list[Change]:
    """The goal or 资金用途 still naming the old count in another form (六百人次, 600名): say so."""
    flags: list[Change] = []
    pattern = re.compile(rf"(?<![\d.]){re.escape(num_text(number))}(?![\d.])")
    for name in ("goal", "fund_use"):
        if pattern.search(getattr(after, name) or ""):
            flags.append(Flag("stale_mention", {"field": name, "number": num_text(number), "unit": unit}))
    return flags


def follow_budget(before: ProjectTable, after: ProjectTable) -> list[Change]:
    """After the budget changed (already in `after`)."""
    old_total, new_total = before.budget.total, after.budget.total
    changes: list[Change] = []
    if not old_total or not new_total or old_total == new_total:
        return changes
    for i, ind in enumerate(after.indicators):
        p = ind.parsed
        factor = MONEY_FACTOR.get(p.unit or "")
        if not _is_cost(ind) or not factor or p.number is None:
            continue
        if abs(p.number * factor - old_total) < 0.01:
            value = format_value(p.operator if p.operator != "=" else "≤", new_total / factor, p.unit)
            changes += _set(after, i, "budget", value=value)
        elif p.number * factor > new_total + 0.005:
            changes.append(Flag("cost_over_budget", {"row": i + 1, "name": ind.level3, "value": ind.value,
                                                     "total": money_text(new_total)}))
    for old_text, new_text in _amount_forms(old_total, new_total):
        changes += _texts(after, old_text, new_text)
        for i, ind in enumerate(after.indicators):
            changes += _set(after, i, "budget", basis=replace_number(ind.basis, old_text, new_text),
                            description=replace_number(ind.description, old_text, new_text))
    changes += refresh_unit_costs(before, after)
    changes += check_standards(before, after)
    return changes


def _is_cost(ind: Indicator) -> bool:
    return ind.level2 in COST_LEVEL2 or "成本" in ind.level1


def _amount_forms(old: float, new: float) -> list[tuple[str, str]]:
    """How an amount is written in texts: 300000.00元, 300,000.00元, 300000元, 30万元."""
    return [(f"{old:.2f}元", f"{new:.2f}元"), (f"{old:,.2f}元", f"{new:,.2f}元"),
            (f"{num_text(old)}元", f"{num_text(new)}元"), (f"{num_text(old / 1e4)}万元", f"{num_text(new / 1e4)}万元")]


def _count_of(table: ProjectTable, unit: str) -> float | None:
    """The planned quantity in `unit` (the first 数量指标 row counted in it)."""
    for ind in table.indicators:
        if ind.level2 == "数量指标" and ind.parsed.unit == unit and ind.parsed.number:
            return ind.parsed.number
    return None


def refresh_unit_costs(before: ProjectTable, after: ProjectTable) -> list[Change]:
    """A unit cost that was budget ÷ quantity (「≤833.33元/人次」 = 500000 ÷ 600人次) is worked out
    again after the budget or the quantity changed; its 描述 and 依据 quote the new figures."""
    changes: list[Change] = []
    total_b, total_a = before.budget.total, after.budget.total
    for i, ind in enumerate(after.indicators):
        p = ind.parsed
        m = re.fullmatch(r"(万?元)/(.+)", p.unit or "")
        if not m or p.number is None or not total_b or not total_a or i >= len(before.indicators):
            continue
        if before.indicators[i].value != ind.value:
            continue  # the user set this very row
        factor, unit = (1e4 if m.group(1) == "万元" else 1.0), m.group(2)
        count_b, count_a = _count_of(before, unit), _count_of(after, unit)
        if not count_b or not count_a:
            continue
        derived = total_b / count_b
        if abs(p.number * factor - derived) > max(1.0, 0.01 * derived):
            continue
        value = format_value(p.operator, round(total_a / count_a / factor, 2), p.unit)
        texts = {}
        for field_name in ("description", "basis"):
            text = getattr(ind, field_name)
            for old, new in [(f"{num_text(count_b)}{unit}", f"{num_text(count_a)}{unit}"),
                             (ind.value.lstrip("≤≥<>="), value.lstrip("≤≥<>=")), *_amount_forms(total_b, total_a)]:
                text = replace_number(text, old, new)
            texts[field_name] = text
        changes += _set(after, i, "unit_cost", value=value, **texts)
    return changes


_PER_MONTH = re.compile(r"(万?元)/(人|户|名)[·/]?月")


def check_standards(before: ProjectTable, after: ProjectTable) -> list[Change]:
    """A per-person monthly standard (「=100元/人·月」) times the people times 12 months that
    matched the budget before the edit and no longer does: flag it (which one to change is the
    user's decision)."""
    flags: list[Change] = []
    for i, ind in enumerate(after.indicators):
        m = _PER_MONTH.fullmatch(after.indicators[i].parsed.unit or "")
        if not m or i >= len(before.indicators):
            continue
        need_b = _need(before, before.indicators[i], m)
        need_a = _need(after, ind, m)
        total_b, total_a = before.budget.total, after.budget.total
        if None in (need_b, need_a) or not total_b or not total_a:
            continue
        if abs(need_b - total_b) < 1 and abs(need_a - total_a) >= 1:
            people = _count_of(after, m.group(2)) or _count_of(after, "人")
            flags.append(Flag("standard_vs_budget", {"row": i + 1, "name": ind.level3, "value": ind.value,
                                                     "people": num_text(people or 0), "need": money_text(need_a),
                                                     "total": money_text(total_a)}))
    return flags


def _need(table: ProjectTable, ind: Indicator, m: re.Match[str]) -> float | None:
    people = _count_of(table, m.group(2)) or _count_of(table, "人")
    if people is None or ind.parsed.number is None:
        return None
    return people * ind.parsed.number * (1e4 if m.group(1) == "万元" else 1.0) * 12


def follow_removed(after: ProjectTable, removed: Indicator) -> list[Change]:
    """The goal still naming a deleted row: say so (the sentence is the user's to rewrite)."""
    if removed.level3 and removed.level3 in (after.goal or ""):
        return [Flag("goal_mentions_removed", {"name": removed.level3})]
    return []
