"""Formatting shared by the Word and Excel writers, chosen so the parsers read the same values back."""

from __future__ import annotations

import re

from assistant.model import PlanItem, ProjectTable
from assistant.parsers.common import find_year

LABELS = {
    "title": "{name}绩效目标表",
    "year_prefix": "{year}年",
    "plan_item": "{label}：{percent}",
    "plan_separator": "；",
}

# Characters XML 1.0 cannot hold at all (C0 controls except TAB/LF/CR, lone surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str | None) -> str:
    """Text as Word/Excel can store it: CR/CRLF become LF, XML-illegal control characters go."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def format_number(number: float) -> str:
    """25.0 -> '25', 12.5 -> '12.5' (shortest form that reads back to the same float)."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def format_amount(amount: float | None) -> str:
    """Yuan with two decimals as in the booklet ('235000.00'); more precise amounts stay exact."""
    if amount is None:
        return ""
    return f"{amount:.2f}" if round(amount, 2) == amount else repr(float(amount))


def format_percent(percent: float | None) -> str:
    return "" if percent is None else f"{format_number(percent)}%"


def format_plan(plan: list[PlanItem]) -> str:
    """'3月底：25%；6月底：50%' (one cell of the Excel 项目 sheet)."""
    return LABELS["plan_separator"].join(
        LABELS["plan_item"].format(label=clean_text(item.label), percent=format_percent(item.percent)) for item in plan
    )


def booklet_title(table: ProjectTable) -> str:
    """'2025年残疾人保障金绩效目标表': the year goes in front when the name does not already give it,
    so the parser reads the table's year back from the title."""
    name = " ".join(clean_text(table.project_name).split())
    title = LABELS["title"].format(name=name)
    if table.year is not None and find_year(title) != table.year:
        title = LABELS["year_prefix"].format(year=table.year) + title
    return title
