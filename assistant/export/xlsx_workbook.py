"""Project tables as an Excel workbook in the shape budget systems import (openpyxl).

Sheet 指标: one row per indicator — 项目名称, 一级指标, 二级指标, 三级指标, 指标解释, 计算符号,
指标值 (the number), 计量单位, 指标值确定依据. A value splits into 计算符号/指标值/计量单位 only
when the three join back to exactly the text as written (`≥95百分比` -> ≥ | 95 | 百分比); any
other value (`以文件为准`, `2025年12月底前`) stays whole in 指标值.
Sheet 项目: one row per project with the header fields and the number of its indicators.
`assistant.parsers.xlsx_rows.parse_xlsx` reads the result back into equal tables.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from assistant.export.common import clean_text, format_plan
from assistant.model import Indicator, ProjectTable
from assistant.parsers.common import InputError

LABELS = {
    "indicator_sheet": "指标",
    "project_sheet": "项目",
    "indicator_header": (
        "项目名称", "一级指标", "二级指标", "三级指标", "指标解释",
        "计算符号", "指标值", "计量单位", "指标值确定依据",
    ),
    "project_header": (
        "项目名称", "项目编码", "单位", "年度", "预算数", "财政资金", "其他资金",
        "资金用途", "资金支出计划", "绩效目标", "指标条数",
    ),
}
INDICATOR_WIDTHS = (32, 12, 16, 24, 40, 9, 14, 10, 36)
PROJECT_WIDTHS = (32, 24, 30, 7, 14, 14, 12, 40, 44, 60, 9)
FONT_NAME = "宋体"
EXCEL_CELL_LIMIT = 32767

_SYMBOLS = ">=|<=|≥|≤|≧|≦|⩾|⩽|=|>|<|＝|＞|＜"
_SPLIT = re.compile(
    rf"^(?P<op>{_SYMBOLS})?(?P<num>(?:0|[1-9]\d*)(?:\.\d+)?)(?P<unit>[^\d\s()（）\[\]【】,，;；:：]{{0,10}})$"
)
_OPERATOR_WORDS = ("以上", "以下", "以内", "之内", "左右")

_HEADER_FONT = Font(name=FONT_NAME, bold=True)
_BODY_FONT = Font(name=FONT_NAME)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BODY_ALIGN = Alignment(vertical="top", wrap_text=True)


class SplitValue(NamedTuple):
    operator: str  # 计算符号 as written, '' when none
    number: int | float | str  # the number, or the whole text when the value does not split
    unit: str  # 计量单位 as written
    number_format: str | None  # Excel format that shows the number as written ('0.00' for '28.40')


def split_value(text: str) -> SplitValue:
    """'≥95百分比' -> ('≥', 95, '百分比', '0'); a value that would not join back to exactly the
    same text (`以文件为准`, `2025年12月底前`, `95%以上`) -> ('', text, '', None)."""
    m = _SPLIT.match(text)
    whole = SplitValue("", text, "", None)
    if m is None or m["unit"].endswith(_OPERATOR_WORDS) or len(m["num"]) > 15:
        return whole
    digits = m["num"]
    decimals = len(digits.partition(".")[2])
    number: int | float = float(digits) if decimals else int(digits)
    if f"{number:.{decimals}f}" != digits:
        return whole
    return SplitValue(m["op"] or "", number, m["unit"], "0." + "0" * decimals if decimals else "0")


class _SheetWriter:
    def __init__(self, ws, header: Sequence[str], widths: Sequence[int], path: Path) -> None:
        self.ws, self.path, self.row = ws, path, 1
        for column, (label, width) in enumerate(zip(header, widths), start=1):
            cell = ws.cell(row=1, column=column, value=label)
            cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _HEADER_ALIGN
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}1"
        self.header = header

    def add(self, values: Sequence[Any], number_formats: dict[int, str], where: tuple[int, str]) -> None:
        """One data row; `where` is (table number, project name) for the too-long message."""
        self.row += 1
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                value = clean_text(value)
                if len(value) > EXCEL_CELL_LIMIT:
                    raise InputError(
                        self.path, "too_long", index=where[0], name=where[1][:30],
                        field=self.header[column - 1], length=len(value), limit=EXCEL_CELL_LIMIT,
                    )
            cell = self.ws.cell(row=self.row, column=column, value=value if value != "" else None)
            if isinstance(value, str):
                cell.data_type = "s"  # '=300天' is a value, never a formula
            cell.font, cell.border, cell.alignment = _BODY_FONT, _BORDER, _BODY_ALIGN
            if column - 1 in number_formats:
                cell.number_format = number_formats[column - 1]


def _indicator_row(name: str, indicator: Indicator) -> tuple[list[Any], dict[int, str]]:
    split = split_value(indicator.value)
    values = [
        name, indicator.level1, indicator.level2, indicator.level3, indicator.description,
        split.operator, split.number, split.unit, indicator.basis,
    ]
    return values, ({6: split.number_format} if split.number_format else {})


def _amount_format(amount: float | None) -> str:
    return "0.00" if amount is not None and round(amount, 2) == amount else "General"


def _project_row(table: ProjectTable) -> tuple[list[Any], dict[int, str]]:
    budget = table.budget
    values = [
        table.project_name, table.project_code or "", table.department, table.year,
        budget.total, budget.fiscal, budget.other,
        table.fund_use, format_plan(table.spending_plan), table.goal, len(table.indicators),
    ]
    formats = {4: _amount_format(budget.total), 5: _amount_format(budget.fiscal), 6: _amount_format(budget.other)}
    return values, formats


def build_workbook(tables: Sequence[ProjectTable], path: str | Path = "") -> Workbook:
    wb = Workbook()
    indicators = _SheetWriter(wb.active, LABELS["indicator_header"], INDICATOR_WIDTHS, Path(path))
    wb.active.title = LABELS["indicator_sheet"]
    projects = _SheetWriter(
        wb.create_sheet(LABELS["project_sheet"]), LABELS["project_header"], PROJECT_WIDTHS, Path(path)
    )
    for n, table in enumerate(tables, start=1):
        where = (n, table.project_name)
        projects.add(*_project_row(table), where)
        for indicator in table.indicators:
            indicators.add(*_indicator_row(table.project_name, indicator), where)
    return wb


def write_xlsx(tables: Sequence[ProjectTable], path: str | Path) -> None:
    """Write `tables` to `path` (overwrites; assistant.export.export_tables is the safe version).
    Raises InputError when a text exceeds Excel's 32,767 characters per cell."""
    build_workbook(tables, path).save(str(path))
