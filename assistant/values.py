"""Parsing of indicator values (指标值) as written in real tables.

`parse_value("≥95百分比")` -> ParsedValue(operator="≥", number=95, unit="%", kind="quantitative").
The original text is never changed here; callers keep it next to the parsed form.
"""

from __future__ import annotations

import re

from assistant.model import ParsedValue, ValueKind
from assistant.vocab import normalise

# Operators as written -> canonical operator.
_OPERATOR_PREFIXES: list[tuple[str, str]] = [
    (">=", "≥"), ("=>", "≥"), ("≧", "≥"), ("≥", "≥"), ("⩾", "≥"),
    ("<=", "≤"), ("=<", "≤"), ("≦", "≤"), ("≤", "≤"), ("⩽", "≤"),
    ("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"), ("大于或等于", "≥"), ("达到", "≥"),
    ("不高于", "≤"), ("不超过", "≤"), ("不超出", "≤"), ("小于等于", "≤"), ("小于或等于", "≤"),
    ("控制在", "≤"),
    (">", ">"), ("大于", ">"), ("高于", ">"), ("超过", ">"),
    ("<", "<"), ("小于", "<"), ("低于", "<"),
    ("==", "="), ("=", "="), ("等于", "="),
]
_OPERATOR_SUFFIXES: list[tuple[str, str]] = [
    ("及以上", "≥"), ("以上", "≥"), ("或以上", "≥"),
    ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
]

# Units as written -> canonical unit.
UNIT_ALIASES = {
    "百分比": "%", "百分之": "%", "%": "%", "％": "%", "‰": "‰",
    "元": "元", "万元": "万元", "亿元": "亿元", "千元": "千元",
}

_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_LEADING_NUMBER = re.compile(r"^\s*" + _NUMBER + r"\s*(.*)$", re.S)
_PERCENT_WORD = re.compile(r"^百分之\s*" + _NUMBER + r"(.*)$")

_DATE = re.compile(
    r"(\d{4}\s*年|\d{1,2}\s*月(?:底|末|份|中旬|上旬|下旬|前|内)?|年底|年末|年内|年度内|季度|上半年|下半年|月底前|"
    r"\d{1,2}\s*日前|当年|次年|工作日内)"
)
_TIME_UNITS = ("个工作日", "工作日", "天", "日", "小时", "分钟", "个月", "月", "周", "年")


def normalise_text(text: str | None) -> str:
    """NFKC (full-width digits and signs), unify whitespace. For matching only."""
    return normalise(text, keep_chinese_punctuation=False)


def _strip_operator(text: str) -> tuple[str | None, str]:
    for written, op in _OPERATOR_PREFIXES:
        if text.startswith(written):
            return op, text[len(written):].strip()
    return None, text


def _split_unit_and_suffix(rest: str) -> tuple[str, str | None]:
    rest = rest.strip()
    for written, op in _OPERATOR_SUFFIXES:
        if rest.endswith(written):
            return rest[: -len(written)].strip(), op
    return rest, None


def canonical_unit(unit: str) -> str:
    unit = unit.strip().strip("()（）")
    return UNIT_ALIASES.get(unit, unit)


def parse_value(text: str | None) -> ParsedValue:
    """Parse one 指标值. Never raises; unknown forms are `qualitative`."""
    norm = normalise_text(text)
    if not norm or norm in {"-", "—", "/", "无", "空"}:
        return ParsedValue(kind=ValueKind.empty)

    op, rest = _strip_operator(norm)
    percent_word = _PERCENT_WORD.match(rest)
    if percent_word:
        rest = percent_word.group(1) + "%" + percent_word.group(2)
    m = _LEADING_NUMBER.match(rest)
    if m and not _DATE.match(rest):
        number = float(m.group(1).replace(",", ""))
        unit_text, suffix_op = _split_unit_and_suffix(m.group(2))
        # A unit is a short run without further digits: "%", "人次", "元/人", "个工作日".
        if len(unit_text) <= 6 and not re.search(r"\d", unit_text):
            unit = canonical_unit(unit_text) or None
            operator = op or suffix_op or "="
            kind = ValueKind.quantitative
            if unit and op in ("≤", "<") and unit in _TIME_UNITS:
                kind = ValueKind.time
            return ParsedValue(operator=operator, number=number, unit=unit, kind=kind)

    if _DATE.search(norm):
        # Deadlines: "2025年12月底前", "12月底前完成", "≤7个工作日内".
        number_match = re.search(r"(\d{4})\s*年", norm)
        return ParsedValue(
            operator=op or ("≤" if re.search(r"前|内|之前", norm) else None),
            number=float(number_match.group(1)) if number_match else None,
            unit="年" if number_match else None,
            kind=ValueKind.time,
        )
    return ParsedValue(operator=op, kind=ValueKind.qualitative)


def format_value(operator: str | None, number: float | None, unit: str | None) -> str:
    """Write a quantitative value the standard way: ≥95%, ≤5起, =300天."""
    if number is None:
        return ""
    num = f"{number:.2f}".rstrip("0").rstrip(".") if number != int(number) else str(int(number))
    return f"{operator or ''}{num}{unit or ''}"
