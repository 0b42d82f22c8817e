"""What the rules need to know about one indicator row, computed once per row.

`RowFacts.of(index, indicator, profile)` folds the texts, resolves the categories in the
profile, and classifies the name (rate / count, positive / negative) and the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checks import lexicon as lx
from assistant.checks.messages import UNNAMED
from assistant.checks.normalize import fold, fold_category, shorten
from assistant.checks.profiles import TIME_LEVEL2, Profile
from assistant.model import Indicator, ParsedValue
from assistant.values import parse_value

RATE, COUNT = "rate", "count"
ECONOMIC_COST, OTHER_COST = "economic", "other"


@dataclass(slots=True)
class RowFacts:
    index: int
    indicator: Indicator
    name: str  # folded 三级 without template hints, remarks, unit hints
    hints: list[str]  # template hints found in the name, as folded
    unit_hint: str | None
    value: str  # folded value
    parsed: ParsedValue  # parse of the folded value (traditional units resolved)
    level1_key: str
    level2_key: str
    level1: str | None  # canonical in the profile, None when unknown
    level2: str | None
    level1_alias: bool
    level2_alias: bool
    kind: str | None  # RATE | COUNT | None
    polarity: int  # 1 higher is better, -1 lower is better, 0 unknown
    cost: str | None  # ECONOMIC_COST | OTHER_COST | None
    _loc: str | None = None

    @classmethod
    def of(cls, index: int, ind: Indicator, profile: Profile) -> "RowFacts":
        level1_key, level2_key = fold_category(ind.level1), fold_category(ind.level2)
        level1, level1_alias = profile.resolve_level1(ind.level1)
        level2, level2_alias = profile.resolve_level2(ind.level2)
        name, hints, unit_hint = _split_name(fold(ind.level3))
        value = fold(ind.value)
        parsed = ind.parsed if value == ind.value else parse_value(value)
        kind = _kind(name, unit_hint)
        polarity = _polarity(name, kind, parsed, level2_key)
        # Positional, in field order (a hot path: one call per row).
        return cls(
            index, ind, name, hints, unit_hint, value, parsed, level1_key, level2_key,
            level1, level2, level1_alias, level2_alias, kind, polarity, _cost_family(level2_key),
        )

    @property
    def loc(self) -> str:
        """「一级/二级/三级」 as written, for messages."""
        if self._loc is None:
            self._loc = location(self.indicator)
        return self._loc

    @property
    def clean_name(self) -> str:
        """The 三级 as written without template hints, for suggestions."""
        written = self.indicator.level3
        return lx.WRITTEN_HINTS.sub("", written).strip() or written.strip()

    @property
    def money_unit(self) -> bool:
        unit = self.parsed.unit or ""
        return unit in lx.MONEY_UNITS or unit.startswith(lx.MONEY_PER_UNIT)

    @property
    def percent(self) -> bool:
        return self.parsed.unit in lx.PERCENT_UNITS

    @property
    def has_number(self) -> bool:
        return self.parsed.number is not None or lx.NUMBER.search(self.value) is not None

    @property
    def is_time_row(self) -> bool:
        return self.level2 == TIME_LEVEL2 or lx.TIME_CATEGORY in self.level2_key


def location(ind: Indicator) -> str:
    """「一级/二级/三级」 as written (each part shortened)."""
    parts = [shorten(ind.level1, 20), shorten(ind.level2, 20), shorten(ind.level3, 30) or UNNAMED]
    return "/".join(parts)


def _split_name(raw: str) -> tuple[str, list[str], str | None]:
    """Folded 三级 -> (name without hints, remarks and unit hint; template hints; unit hint)."""
    hints: list[str] = []
    name = raw
    if "*" in raw:
        hints = lx.TEMPLATE_HINT.findall(raw)
        name = lx.TEMPLATE_HINT.sub("", raw)
    if lx.REMARK_MARK in name:
        name = lx.REMARK.sub("", name)
    name = name.lstrip("*")
    unit_hint = None
    if name.endswith(")"):
        hint = lx.UNIT_HINT.search(name)
        if hint and hint.group(1) in lx.UNIT_HINT_UNITS:
            unit_hint, name = hint.group(1), name[: hint.start()]
    if unit_hint is None:
        unit_hint = next((u for h in hints for u in _units_in_hint(h)), None)
    return name, hints, unit_hint


def _units_in_hint(hint: str) -> list[str]:
    unit = hint.strip("()").lstrip("≥≤<>=*").strip("*")
    return [unit.split("/")[0]] if unit and not unit.startswith(lx.CURRENCY) else []


def _kind(name: str, unit_hint: str | None) -> str | None:
    if unit_hint in lx.PERCENT_UNITS or (lx.RATE_NAME.search(name) and not lx.NOT_RATE_NAME.search(name)):
        return RATE
    if unit_hint or (lx.COUNT_NAME.search(name) and not lx.NOT_COUNT_NAME.search(name)):
        return COUNT
    return None


def _polarity(name: str, kind: str | None, parsed: ParsedValue, level2_key: str) -> int:
    if kind == RATE:
        negative = name.endswith(lx.RATE_SUFFIX) and lx.NEGATIVE_RATE.search(name[-lx.NEGATIVE_RATE_SPAN :])
        return -1 if negative or lx.COST_RATIO_NAME.search(name) else 1
    if lx.NEGATIVE_EVENT.search(name) and not lx.HANDLING_WORDS.search(name):
        if kind == COUNT or parsed.unit in lx.COUNT_UNITS:
            return -1
    unit = parsed.unit or ""
    if unit in lx.MONEY_UNITS and (lx.COST_CATEGORY in level2_key or lx.COST_WORDS.search(name)):
        return -1
    return 0


def _cost_family(level2_key: str) -> str | None:
    if lx.COST_CATEGORY not in level2_key:
        return None
    return OTHER_COST if any(word in level2_key for word in lx.OTHER_COST_CATEGORY) else ECONOMIC_COST
