"""Value rules: completeness (empty, placeholder, deferred, truncated, too long) and form
(vague, rate/count/money mismatches, bounds and direction, units, timeliness)."""

from __future__ import annotations

from assistant.checks import lexicon as lx
from assistant.checks.context import TableContext, sample, sample_text
from assistant.checks.messages import (
    BETTER_BOUNDS,
    COUNT_UNIT_DEFAULT,
    CURRENCY_BEFORE_PER,
    INPUT_KINDS,
    POLARITY_LABELS,
    SAMPLE_VALUES,
)
from assistant.checks.profiles import QUANTITY_LEVEL2
from assistant.checks.normalize import shorten, shorten_tail
from assistant.checks.rows import COUNT, ECONOMIC_COST, RATE, RowFacts
from assistant.checks.rules_cost import check_cost
from assistant.checks.standard import standard_value
from assistant.model import ValueKind
from assistant.values import format_value

MAX_VALUE_CHARS = 40


def check_value(ctx: TableContext, row: RowFacts) -> None:
    if row.value in lx.EMPTY_VALUES:
        ctx.add("row.empty-value", row, "value", sample=sample_value(row))
        return
    _nonstandard(ctx, row)
    if len(row.indicator.value.strip()) > MAX_VALUE_CHARS:
        ctx.add("value.too-long", row, "value", value=_quote(row), length=len(row.indicator.value.strip()))
    if _incomplete(ctx, row):
        return
    claimed = check_cost(ctx, row) if row.cost else False
    if row.kind == RATE:
        claimed = _rate(ctx, row) or claimed
    elif row.kind == COUNT and row.percent and not claimed:
        unit = count_unit(row)
        ctx.add("value.percent-for-count", row, "value", value=_quote(row), name=row.clean_name, unit=unit)
        claimed = True
    if not claimed and row.is_time_row and row.kind != RATE:
        claimed = _timeliness(ctx, row)
    if not claimed and row.cost != ECONOMIC_COST:
        _vague(ctx, row)
    _bounds(ctx, row)
    _missing_unit(ctx, row)
    _input_as_output(ctx, row)


def sample_value(row: RowFacts) -> str:
    if row.kind == RATE:
        return SAMPLE_VALUES["rate"]
    if row.cost == ECONOMIC_COST:
        return SAMPLE_VALUES["cost"]
    if row.kind == COUNT:
        return SAMPLE_VALUES["count"].format(unit=count_unit(row))
    return sample(row.level2, row.level2_key)[1]


def count_unit(row: RowFacts) -> str:
    if row.unit_hint and row.unit_hint not in lx.PERCENT_UNITS:
        return row.unit_hint
    return next((unit for word, unit in lx.COUNT_UNIT_WORDS if word in row.name), COUNT_UNIT_DEFAULT)


def _quote(row: RowFacts) -> str:
    return shorten(row.indicator.value)


def _nonstandard(ctx: TableContext, row: RowFacts) -> None:
    fixed = standard_value(row.indicator.value)
    if fixed != row.indicator.value:
        ctx.add("value.nonstandard-unit", row, "value", value=_quote(row), fixed=shorten(fixed))


def _incomplete(ctx: TableContext, row: RowFacts) -> bool:
    """Placeholder, deferred or truncated values: the form of what is not there is not judged."""
    value = row.value
    placeholder = None if lx.PLACEHOLDER_CHARS.isdisjoint(value) else lx.PLACEHOLDER.search(value)
    if placeholder:
        token = placeholder.group(0).lstrip("≥≤=<>约")
        ctx.add("value.placeholder", row, "value", value=_quote(row), token=token, sample=row.clean_name + sample_value(row))
        return True
    incomplete = False
    if not lx.DEFERRED_CHARS.isdisjoint(value) and lx.DEFERRED.search(value):
        ctx.add("value.deferred", row, "value", value=_quote(row), sample=row.clean_name + sample_value(row))
        incomplete = True
    if _truncated(value):
        ctx.add("value.truncated", row, "value", value=shorten_tail(row.indicator.value))
        incomplete = True
    return incomplete


def _truncated(value: str) -> bool:
    if value.endswith(lx.TRUNCATION_ENDINGS) or value[-1] in lx.DANGLING_CHARS:
        return True
    if value.count("(") > value.count(")"):
        return True
    # A long enumeration whose last item is cut: "……中小企业融通发展、地方".
    return len(value) >= 30 and "、" in value and value[-1] not in lx.TERMINAL_CHARS and len(value.rsplit("、", 1)[1]) <= 2


def _rate(ctx: TableContext, row: RowFacts) -> bool:
    value = row.value
    if row.percent or "%" in value or "‰" in value:
        return _over_100(ctx, row)
    if row.money_unit or lx.MONEY_TEXT.search(value):
        ctx.add("value.money-for-rate", row, "value", value=_quote(row), name=row.clean_name)
        return True
    if not row.has_number:
        ctx.add("value.rate-not-percent", row, "value", value=_quote(row), name=row.clean_name)
        return True
    if row.parsed.unit and not row.parsed.unit.startswith("/"):
        ctx.add("value.rate-unit", row, "value", value=_quote(row), unit=row.parsed.unit, name=row.clean_name)
        return True
    return False


def _over_100(ctx: TableContext, row: RowFacts) -> bool:
    parsed = row.parsed
    if not row.percent or parsed.number is None or parsed.number <= 100 or parsed.operator in ("≤", "<"):
        return False
    if lx.GROWTH_NAME.search(row.name):
        return False
    ctx.add("value.percent-over-100", row, "value", value=_quote(row), name=row.clean_name)
    return True


def _timeliness(ctx: TableContext, row: RowFacts) -> bool:
    if "%" in row.value or row.parsed.kind is ValueKind.time or lx.TIME_TEXT.search(row.value):
        return False
    ctx.add("value.timeliness", row, "value", value=_quote(row))
    return True


def _vague(ctx: TableContext, row: RowFacts) -> None:
    if row.has_number:
        return
    key = lx.PUNCTUATION.sub("", row.value)
    if lx.GRADED.fullmatch(key):
        return
    if key in lx.BARE_VAGUE or lx.VAGUE_WORD.search(key):
        ctx.add("value.vague", row, "value", value=_quote(row), sample=sample_text(row.level2, row.level2_key))


def _bounds(ctx: TableContext, row: RowFacts) -> None:
    parsed = row.parsed
    op, number = parsed.operator, parsed.number
    if parsed.kind is not ValueKind.quantitative or number is None or op is None:
        return
    vacuous = (op == "≤" and row.percent and number >= 100) or (op == "<" and row.percent and number > 100)
    if vacuous or (op == "≥" and number == 0):
        ctx.add("value.vacuous-bound", row, "value", value=_quote(row), name=row.clean_name, better=_better(row))
        return
    expected = _expected_operator(row)
    if expected:
        ctx.add(
            "value.wrong-direction", row, "value",
            value=_quote(row), polarity=POLARITY_LABELS[row.polarity], expected=expected,
            name=row.clean_name, number=format_value(None, number, parsed.unit),
        )


def _better(row: RowFacts) -> str:
    unit = row.parsed.unit or ""
    if row.polarity < 0:
        key = "negative_percent" if row.percent else "negative"
    elif row.cost == ECONOMIC_COST:
        key = "cost"
    else:
        key = "percent" if row.percent else "positive"
    return BETTER_BOUNDS[key].format(unit=unit)


def _expected_operator(row: RowFacts) -> str | None:
    op = row.parsed.operator
    if row.polarity > 0 and op in ("≤", "<") and row.percent:
        return "≥"
    countable = row.percent or row.money_unit or row.kind == COUNT or row.parsed.unit in lx.COUNT_UNITS
    if row.polarity < 0 and op in ("≥", ">") and countable:
        return "≤"
    return None


def _missing_unit(ctx: TableContext, row: RowFacts) -> None:
    parsed, written = row.parsed, row.indicator.value.strip()
    if parsed.kind is not ValueKind.quantitative or parsed.number is None:
        return
    if parsed.unit is None:
        unit = "%" if row.kind == RATE else count_unit(row) if row.kind == COUNT else ""
        ctx.add("value.missing-unit", row, "value", None if unit else "plain", value=_quote(row), fixed=written + unit)
    elif parsed.unit.startswith("/"):
        ctx.add("value.missing-unit", row, "value", value=_quote(row), fixed=written.replace("/", CURRENCY_BEFORE_PER, 1))


def _input_as_output(ctx: TableContext, row: RowFacts) -> None:
    if row.level2 != QUANTITY_LEVEL2:
        return
    if lx.INPUT_STAFF_NAME.search(row.name):
        what = INPUT_KINDS["staff"]
    elif lx.INPUT_MONEY_NAME.search(row.name) or (row.money_unit and row.kind != RATE):
        what = INPUT_KINDS["money"]
    else:
        return
    ctx.add("value.input-as-output", row, "value", value=_quote(row), what=what)
