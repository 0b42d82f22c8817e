"""The value parser understands the forms of domain.md §3 and always keeps the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.model import Indicator, ValueKind
from assistant.values import format_value, parse_value

CASES = [
    ("≥95百分比", "≥", 95, "%", ValueKind.quantitative),
    ("≥80%", "≥", 80, "%", ValueKind.quantitative),
    ("≤5起", "≤", 5, "起", ValueKind.quantitative),
    ("100%", "=", 100, "%", ValueKind.quantitative),
    ("2.4万元", "=", 2.4, "万元", ValueKind.quantitative),
    ("=300天", "=", 300, "天", ValueKind.quantitative),
    (">=98%", "≥", 98, "%", ValueKind.quantitative),
    ("95%及以上", "≥", 95, "%", ValueKind.quantitative),
    ("≥９５％", "≥", 95, "%", ValueKind.quantitative),
    ("１００百分比", "=", 100, "%", ValueKind.quantitative),
    ("≤7个工作日", "≤", 7, "个工作日", ValueKind.time),
    ("≥280人次", "≥", 280, "人次", ValueKind.quantitative),
    ("≤1,000元/人", "≤", 1000, "元/人", ValueKind.quantitative),
    ("不低于90%", "≥", 90, "%", ValueKind.quantitative),
    ("2", "=", 2, None, ValueKind.quantitative),
]


@pytest.mark.parametrize("text,operator,number,unit,kind", CASES)
def test_quantitative_forms(text, operator, number, unit, kind):
    parsed = parse_value(text)
    assert (parsed.operator, parsed.number, parsed.unit, parsed.kind) == (operator, number, unit, kind)


@pytest.mark.parametrize("text", ["2025年12月底前", "12月底前完成", "2025年6月30日前"])
def test_deadlines_are_time(text):
    assert parse_value(text).kind is ValueKind.time


@pytest.mark.parametrize("text", ["按时完成", "以文件为准", "促进", "达成年度指标", "≥**人", "XX"])
def test_free_text_is_qualitative(text):
    parsed = parse_value(text)
    assert parsed.kind is ValueKind.qualitative
    assert parsed.number is None


@pytest.mark.parametrize("text", ["", "   ", None, "\u3000"])
def test_blank_is_empty(text):
    assert parse_value(text).kind is ValueKind.empty


def test_indicator_keeps_original_text_and_derives_parsed():
    row = Indicator(level3="资金到位率", value="≥95百分比")
    assert row.value == "≥95百分比"
    assert row.parsed.unit == "%"
    changed = row.with_value("≥90%")
    assert (changed.value, changed.parsed.number) == ("≥90%", 90)
    assert row.parsed.number == 95


def test_format_value():
    assert format_value("≥", 95.0, "%") == "≥95%"
    assert format_value("≤", 2.5, "万元") == "≤2.5万元"
    assert format_value("=", 280, "人次") == "=280人次"


@given(st.text(max_size=200))
def test_parse_value_never_raises(text):
    parsed = parse_value(text)
    assert parsed.kind in set(ValueKind)
    if parsed.kind is ValueKind.quantitative:
        assert parsed.number is not None and parsed.operator


@given(
    st.sampled_from(["≥", "≤", ">", "<", "=", ">=", "<="]),
    st.integers(min_value=0, max_value=10**7),
    st.sampled_from(["%", "人", "人次", "家", "个", "次", "项", "起", "户", "万元", "元", "亩", "吨", "元/人"]),
)
def test_operator_number_unit_round_trip(op, number, unit):
    parsed = parse_value(f"{op}{number}{unit}")
    assert parsed.number == number
    assert parsed.unit == unit
    assert parsed.operator == {">=": "≥", "<=": "≤"}.get(op, op)
