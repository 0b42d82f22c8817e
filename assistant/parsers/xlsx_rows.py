"""Excel (.xlsx) workbooks with one indicator per row (openpyxl).

Every sheet is searched for a header row (not necessarily row 1; merged header cells are read
through their merged ranges): an indicator sheet has 三级指标 (or 指标名称…) with 一级/二级指标 or
指标值; a project sheet has 项目名称 with project fields (项目编码, 预算数, 资金用途, 绩效目标…).
Indicator rows group into projects by 项目名称 (blank = the one above); a project sheet, as the
exporter writes it, supplies the header fields. 计算符号 + 指标值 + 计量单位 join to one value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from assistant.model import Budget, Document, PlanItem, ProjectTable, Source
from assistant.parsers.common import find_year, office_error, parse_amount, parse_percent
from assistant.parsers.indicator_rows import (
    Columns,
    build_indicators,
    fields_of,
    header_columns,
    is_indicator_header,
)

PROJECT_LABELS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称",),
    "project_code": ("项目编码", "项目代码"),
    "department": ("单位", "单位名称", "预算单位", "实施单位", "主管部门"),
    "year": ("年度", "预算年度", "年份"),
    "total": ("预算数", "年度资金总额", "资金总额", "预算金额"),
    "fiscal": ("财政资金", "其中：财政资金", "财政拨款", "其中：财政拨款"),
    "other": ("其他资金", "其它资金"),
    "fund_use": ("资金用途",),
    "spending_plan": ("资金支出计划",),
    "goal": ("绩效目标", "年度绩效目标"),
    "count": ("指标条数",),
}
HEADER_SCAN_ROWS = 30
KIND = "Excel"
_DECIMALS_FORMAT = re.compile(r"^0\.(0+)$")


@dataclass
class _Cell:
    value: Any
    number_format: str

    @property
    def text(self) -> str:
        return _cell_text(self.value, self.number_format)


def _cell_text(value: Any, number_format: str = "General") -> str:
    """A cell as the user sees it: 28.4 formatted '0.00' -> '28.40', 0.95 formatted '0%' -> '95%'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (int, float)):
        m = _DECIMALS_FORMAT.match(number_format or "")
        if m:
            return f"{value:.{len(m.group(1))}f}"
        if "%" in (number_format or ""):
            return f"{_plain_number(round(value * 100, 10))}%"
        return _plain_number(value)
    return str(value)


def _plain_number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _sheet_grid(ws) -> tuple[list[list[_Cell]], list[list[_Cell]]]:
    """(full, data): `full` repeats a merged cell's value over its whole range (for headers);
    `data` repeats it down the first column of the range only (merged 一级/二级, 项目名称)."""
    data = [[_Cell(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
    full = [list(row) for row in data]
    for merged in ws.merged_cells.ranges:
        top = data[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(data))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(data[r]))):
                full[r][c] = top
                if c == merged.min_col - 1:
                    data[r][c] = top
    return full, data


def _find_header(full: list[list[_Cell]]) -> tuple[str, int, Columns] | None:
    """('indicators' | 'projects', row index, columns) of the best header row in the first rows."""
    best: tuple[str, int, Columns] | None = None
    for r, row in enumerate(full[:HEADER_SCAN_ROWS]):
        texts = [c.text for c in row]
        columns = header_columns(texts)
        if is_indicator_header(columns):
            if best is None or best[0] != "indicators" or len(columns) >= len(best[2]):
                best = ("indicators", r, columns)
            continue
        columns = header_columns(texts, PROJECT_LABELS)
        if best is None and "project_name" in columns and len(columns) >= 3:
            best = ("projects", r, columns)
    return best


def _first(row: list[_Cell], columns: Columns, field: str) -> _Cell:
    indices = columns.get(field) or []
    return row[indices[0]] if indices and indices[0] < len(row) else _Cell(None, "General")


def _amount(cell: _Cell) -> float | None:
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        return float(cell.value)
    return parse_amount(cell.text)


def _plan(text: str) -> list[PlanItem]:
    """'3月底：25%；6月底：50%' -> [PlanItem(3月底, 25), PlanItem(6月底, 50)]."""
    items = []
    for part in re.split(r"[；;\n]", text):
        if not part.strip():
            continue
        m = re.match(r"^(.*)[:：](.*)$", part)
        label, percent = (m.group(1), m.group(2)) if m else (part, "")
        items.append(PlanItem(label=label.strip(), percent=parse_percent(percent)))
    return items


@dataclass
class _Project:
    table: ProjectTable
    count: int | None


def _project(row: list[_Cell], columns: Columns) -> _Project | None:
    text = {field: _first(row, columns, field).text for field in columns}
    if not any(t.strip() for t in text.values()):
        return None
    year_cell = _first(row, columns, "year")
    year = int(year_cell.value) if isinstance(year_cell.value, int) else find_year(text.get("year"))
    count_cell = _first(row, columns, "count")
    table = ProjectTable(
        project_code=text.get("project_code") or None,
        project_name=text.get("project_name", ""),
        department=text.get("department", ""),
        year=year if year is not None else find_year(text.get("project_name")),
        budget=Budget(
            total=_amount(_first(row, columns, "total")),
            fiscal=_amount(_first(row, columns, "fiscal")),
            other=_amount(_first(row, columns, "other")),
        ),
        fund_use=text.get("fund_use", ""),
        spending_plan=_plan(text.get("spending_plan", "")),
        goal=text.get("goal", ""),
    )
    return _Project(table, int(count_cell.value) if isinstance(count_cell.value, (int, float)) else None)


class _Workbook:
    """Projects from project sheets and indicator rows grouped by project name, in order."""

    def __init__(self) -> None:
        self.projects: list[_Project] = []
        self.groups: dict[str, list[dict[str, str]]] = {}
        self.nameless: list[tuple[str, list[dict[str, str]]]] = []  # sheets without 项目名称

    def sheet(self, ws) -> None:
        full, data = _sheet_grid(ws)
        found = _find_header(full)
        if found is None:
            return
        kind, header_row, columns = found
        rows = data[header_row + 1 :]
        if kind == "projects":
            self.projects += [p for p in (_project(row, columns) for row in rows) if p is not None]
            return
        if "project_name" not in columns:
            self.nameless.append((ws.title, [fields_of([c.text for c in row], columns) for row in rows]))
            return
        name = ""
        for row in rows:
            fields = fields_of([c.text for c in row], columns)
            name = fields.pop("project_name") or name
            self.groups.setdefault(name, []).append(fields)

    def tables(self, source: Source) -> list[ProjectTable]:
        if len(self.projects) == 1 and self.nameless:
            # Indicator sheets without a 项目名称 column belong to the only project.
            name = self.projects[0].table.project_name
            for _title, records in self.nameless:
                self.groups.setdefault(name, []).extend(records)
            self.nameless = []
        remaining = Counter(p.table.project_name for p in self.projects)
        tables = []
        for project in self.projects:
            name = project.table.project_name
            remaining[name] -= 1
            records = self.groups.get(name, [])
            # Projects sharing a name split their rows by 指标条数; the last one takes the rest.
            take = project.count if remaining[name] > 0 and project.count is not None else len(records)
            self.groups[name] = records[take:]
            project.table.indicators = build_indicators(records[:take])
            tables.append(project.table)
        leftovers = [(name, records) for name, records in self.groups.items() if records]
        for name, records in leftovers + [("", records) for _title, records in self.nameless]:
            indicators = build_indicators(records)
            if indicators:
                tables.append(ProjectTable(project_name=name, year=find_year(name), indicators=indicators))
        for table in tables:
            table.source = source
        return tables


def parse_xlsx(path: str | Path, source: Source) -> Document:
    """All project tables of a workbook; a workbook without recognisable headers gives none."""
    path = Path(path)
    try:
        wb = load_workbook(str(path), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign package
        if isinstance(exc, MemoryError):
            raise
        raise office_error(path, KIND, exc) from None
    reader = _Workbook()
    try:
        for ws in wb.worksheets:
            reader.sheet(ws)
    finally:
        wb.close()
    return Document(tables=reader.tables(source))
