"""Cost rules: money with an upper bound, tied to and within the budget (which is in yuan)."""

from __future__ import annotations

from assistant.checks import lexicon as lx
from assistant.checks.context import TableContext
from assistant.checks.messages import AMOUNT_IN_WAN, MONEY_PLACEHOLDER
from assistant.checks.normalize import shorten
from assistant.checks.rows import ECONOMIC_COST, RowFacts
from assistant.model import ValueKind
from assistant.values import format_value


def check_cost(ctx: TableContext, row: RowFacts) -> bool:
    """Checks a cost row's value; True when it reported what makes other value-form checks moot."""
    parsed = row.parsed
    if parsed.kind is ValueKind.quantitative and parsed.number == 0:
        ctx.add("cost.zero-placeholder", row, "value", value=shorten(row.indicator.value))
        return True
    if row.cost != ECONOMIC_COST:
        return False
    if not (row.money_unit or parsed.unit in lx.MONEY_UNITS or lx.MONEY_TEXT.search(row.value)):
        if (parsed.unit or "").startswith("/"):
            return False  # "≤28.40/株": money without 元, reported as a missing unit
        if row.percent and lx.COST_RATIO_NAME.search(row.name):
            return False  # a cost ratio (管理费比例 ≤6%) is a cost indicator in its own right
        ctx.add("cost.no-money", row, "value", value=shorten(row.indicator.value), amount=budget_in_wan(ctx))
        return True
    bounded = parsed.operator in ("≤", "<", "≥", ">")  # a lower bound is a wrong direction, reported apart
    fixed_standard = parsed.operator == "=" and lx.STANDARD_NAME.search(row.name)
    if not (bounded or fixed_standard or lx.UPPER_BOUND_TEXT.search(row.value) or lx.UPPER_BOUND_TEXT.search(row.name)):
        amount = format_value(None, parsed.number, parsed.unit) or MONEY_PLACEHOLDER
        ctx.add("cost.no-upper-bound", row, "value", value=shorten(row.indicator.value), name=row.clean_name, amount=amount)
    _over_budget(ctx, row)
    return False


def budget_in_wan(ctx: TableContext) -> str:
    total = ctx.table.budget.total
    return AMOUNT_IN_WAN.format(amount=total / 10000) if total else MONEY_PLACEHOLDER


def _over_budget(ctx: TableContext, row: RowFacts) -> None:
    parsed, total = row.parsed, ctx.table.budget.total
    scale = lx.MONEY_UNITS.get(parsed.unit or "")
    if not total or scale is None or parsed.number is None or parsed.operator in ("≥", ">"):
        return
    amount = parsed.number * scale
    if amount > total + 0.5:
        ctx.add(
            "cost.over-budget", row, "value",
            value=shorten(row.indicator.value), amount=f"{amount:,.2f}", total=f"{total:,.2f}",
        )
