"""Table consistency rules: identity, budget sums, spending plan, goal text, duplicate rows."""

from __future__ import annotations

from assistant.checks import lexicon as lx
from assistant.checks.context import TableContext
from assistant.checks.messages import EMPTY_CELL
from assistant.checks.normalize import fold, shorten

_EPSILON = 0.005  # half a fen: amounts are yuan with 2 decimals


def check_identity(ctx: TableContext) -> None:
    if not fold(ctx.table.project_name):
        ctx.add("table.project-name-empty", field="project_name")


def check_budget(ctx: TableContext) -> None:
    budget = ctx.table.budget
    if budget.total is None:
        ctx.add("table.budget-missing", field="budget")
        return
    if budget.fiscal is None:
        return
    if budget.other is None:
        if budget.fiscal > budget.total + _EPSILON:
            ctx.add("table.budget-sum", field="budget", variant="fiscal-over", total=_yuan(budget.total), fiscal=_yuan(budget.fiscal))
        return
    diff = budget.total - budget.fiscal - budget.other
    if abs(diff) > _EPSILON:
        ctx.add(
            "table.budget-sum", field="budget",
            total=_yuan(budget.total), fiscal=_yuan(budget.fiscal), other=_yuan(budget.other), diff=_yuan(abs(diff)),
        )


def _yuan(amount: float) -> str:
    return f"{amount:,.2f}"


def check_plan(ctx: TableContext) -> None:
    plan = ctx.table.spending_plan
    if not plan:
        return
    previous = None
    for item in plan:
        if item.percent is None:
            continue
        if previous is not None and item.percent < previous.percent:
            ctx.add(
                "table.plan-decreasing", field="spending_plan",
                label=item.label, percent=f"{item.percent:g}", prev_label=previous.label, prev=f"{previous.percent:g}",
            )
        previous = item
    last = plan[-1]
    if last.percent is None or abs(last.percent - 100) > 1e-6:
        shown = EMPTY_CELL if last.percent is None else f"{last.percent:g}%"
        ctx.add("table.plan-end", field="spending_plan", label=last.label, percent=shown)


def check_goal(ctx: TableContext) -> None:
    written = ctx.table.goal
    goal = fold(written)
    if not goal:
        ctx.add("table.goal-empty", field="goal")
        return
    quantities = list(lx.GOAL_QUANTITY.finditer(goal))
    if not quantities:
        ctx.add("table.goal-vague", field="goal", goal=shorten(written, 40))
        return
    carried = _indicator_numbers(ctx)
    reported: set[float] = set()
    for match in quantities:
        numbers = _magnitudes(match.group(1), match.group(2))
        if numbers & carried or numbers & reported:
            continue
        reported |= numbers
        lead = _lead(goal, match.start())
        name = lx.GOAL_VERB_TAIL.sub("", lead) or lead
        ctx.add(
            "table.goal-number-missing", field="goal",
            fragment=lead + match.group(0), name=name, number=match.group(0),
        )


def _magnitudes(number: str, scale: str | None) -> set[float]:
    value = float(number)
    return {round(value, 4), round(value * lx.SCALES.get(scale or "", 1.0), 4)}


def _indicator_numbers(ctx: TableContext) -> set[float]:
    """Every number the indicators carry (values, names, descriptions), raw and scaled (万 -> ×1e4)."""
    texts = [text for row in ctx.rows for text in (row.value, row.indicator.level3, row.indicator.description)]
    numbers: set[float] = set()
    for number, scale in lx.NUMBER_SCALE.findall(fold("\n".join(texts))):
        numbers |= _magnitudes(number, scale)
    return numbers


def _lead(goal: str, end: int) -> str:
    """The words before a number in the goal, back to punctuation: '…,新增高新技术企业' for '15家'."""
    start = max(0, end - 14)
    lead = goal[start:end]
    stops = [m.end() for m in lx.GOAL_LEAD_STOP.finditer(lead)]
    return lead[stops[-1]:] if stops else lead


def check_duplicates(ctx: TableContext) -> None:
    first: dict[tuple[str, str], int] = {}
    for row in ctx.rows:
        if row.name in lx.EMPTY_NAMES:
            continue
        key = (row.level2 or row.level2_key, row.name)
        if key in first:
            original = ctx.rows[first[key]]
            ctx.add("table.duplicate-row", row, "level3", first=original.index + 1, first_loc=original.loc)
        else:
            first[key] = row.index


def check_basis_absent(ctx: TableContext, any_basis: bool) -> None:
    if ctx.rows and not any_basis:
        ctx.add("table.basis-absent", field="basis")
