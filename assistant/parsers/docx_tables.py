"""Word (.docx) documents with project tables laid out as in the booklet (python-docx).

The blocks are found by their labels, wherever the Word tables begin and end: the 单位 line
(`…本级 | 单位：元`), 项目编码/项目名称, 预算数/其中：财政资金/其他资金 and the use row below,
资金支出计划（%） with a row of percents below, 绩效目标, and the indicator header
(一级指标/二级指标/三级指标/… or its variants) with the rows under it. A new project starts at
a numbered title paragraph (`1.……绩效目标表`), at a 单位 line, or at a second 项目编码 row.
Merged 一级/二级 cells (python-docx repeats their text) and blank-repeated ones both work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.model import Budget, Document, PlanItem, ProjectTable, Source
from assistant.parsers.common import find_year, office_error, parse_amount, parse_percent, squash
from assistant.parsers.indicator_rows import (
    Columns,
    build_indicators,
    fields_of,
    header_columns,
    is_indicator_header,
)
from assistant.parsers.seed_txt import TITLE, fill_booklet_year

# Labels of the header block (compared after removing whitespace and a (…) suffix).
LABELS: dict[str, tuple[str, ...]] = {
    "code": ("项目编码", "项目代码"),
    "name": ("项目名称",),
    "department": ("单位名称", "预算单位", "实施单位", "主管部门", "主管部门及代码"),
    "total": ("预算数", "年度资金总额", "资金总额", "预算金额"),
    "fiscal": ("其中：财政资金", "财政资金", "其中：财政拨款", "财政拨款"),
    "other": ("其他资金", "其它资金"),
    "use": ("资金用途",),
    "plan": ("资金支出计划",),
    "goal": ("绩效目标", "年度绩效目标", "年度目标"),
}
MONEY_UNIT = re.compile(r"^(?:金额)?单位[:：](万?元)$")
UNIT_PREFIX = re.compile(r"^(?:单位名称|预算单位|单位)[:：]\s*")
KIND = "Word"


def _label(text: str) -> str:
    """'其中：财政    资金' -> '其中：财政资金'; '资金支出计划（%）' -> '资金支出计划'."""
    return re.sub(r"[（(][^（）()]*[)）]", "", squash(text)).rstrip(":：")


@dataclass
class _Row:
    """One Word table row, read three ways."""

    full: list[str]  # text per grid column; a merged cell repeats its text (for header labels)
    grid: list[str]  # the same with the repeated positions of a horizontal span blanked
    cells: list[str]  # one text per distinct cell, left to right
    continued: list[bool]  # per grid column: continuation of a vertically merged cell above

    @property
    def labels(self) -> list[str]:
        return [_label(c) for c in self.cells]

    def after(self, field_name: str) -> str | None:
        """The cell after the first one labelled as `field_name`, or None without that label."""
        names = LABELS[field_name]
        for i, label in enumerate(self.labels):
            if label in names:
                return self.cells[i + 1] if i + 1 < len(self.cells) else ""
        return None

    def has(self, field_name: str) -> bool:
        return any(label in LABELS[field_name] for label in self.labels)


def _read_rows(table: Table) -> list[_Row]:
    rows = []
    for row in table.rows:
        full, grid, cells, continued = [], [], [], []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                full.append(full[-1])
                grid.append("")
                continued.append(continued[-1])
                continue
            previous = cell._tc
            text = cell.text
            full.append(text)
            grid.append(text)
            cells.append(text)
            continued.append(cell._tc.getparent() is not row._tr)
        rows.append(_Row(full, grid, cells, continued))
    return rows


@dataclass
class _Draft:
    """A project table being read."""

    source: Source
    title: str | None = None
    table: ProjectTable = field(default_factory=ProjectTable)
    scale: float = 1.0
    seen_unit: bool = False
    seen_identity: bool = False
    expect: str | None = None  # "use" after the budget row, "percent" after the plan labels
    plan_labels: list[str] = field(default_factory=list)
    columns: Columns | None = None
    columns_width: int = 0  # grid width of the Word table that holds the indicator header
    records: list[dict[str, str]] = field(default_factory=list)
    merged_levels: bool = False

    @property
    def started(self) -> bool:
        return self.seen_unit or self.seen_identity or self.columns is not None

    @property
    def is_project(self) -> bool:
        """项目编码/项目名称 labels or an indicator header: a 单位 line alone (as above any
        budget table of a booklet) does not make a project table."""
        return self.seen_identity

    def finish(self) -> ProjectTable:
        table = self.table
        table.source = self.source
        table.indicators = build_indicators(self.records, inherit=not self.merged_levels)
        if not table.project_name and self.title:
            table.project_name = self.title
        table.year = find_year(self.title, table.project_name)
        return table


def _amount(text: str | None, scale: float) -> float | None:
    amount = parse_amount(text)
    return None if amount is None else (amount if scale == 1 else round(amount * scale, 2))


def _joined(cells: list[str]) -> str:
    return "\n".join(c for c in cells if c)


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.drafts: list[_Draft] = [_Draft(source)]

    @property
    def draft(self) -> _Draft:
        return self.drafts[-1]

    def new_draft(self, title: str | None = None) -> _Draft:
        if self.draft.started:
            self.drafts.append(_Draft(self.source))
        if title is not None:
            self.draft.title = title
        return self.draft

    def paragraph(self, text: str) -> None:
        m = TITLE.match(text.strip())
        if m:
            self.new_draft(m.group(2).strip())

    def table_start(self, width: int) -> None:
        """Indicator rows go on into a following Word table of the same width (a table split
        across pages); a table of another shape ends the project, so that an unrelated table
        (a budget summary, a signature block) cannot add rows or overwrite its fields."""
        if self.draft.columns is not None and width != self.draft.columns_width:
            self.drafts.append(_Draft(self.source))

    def row(self, row: _Row) -> None:
        if not row.cells:
            return
        money_unit = next((m for m in (MONEY_UNIT.match(squash(c)) for c in row.cells) if m), None)
        if money_unit:
            draft = self.new_draft() if self.draft.seen_unit or self.draft.seen_identity else self.draft
            draft.seen_unit = True
            draft.scale = 10000.0 if money_unit.group(1) == "万元" else 1.0
            others = [c for c in row.cells if c.strip() and not MONEY_UNIT.match(squash(c))]
            draft.table.department = UNIT_PREFIX.sub("", others[0]) if others else ""
            return
        columns = header_columns(row.full)
        if is_indicator_header(columns):
            self.draft.columns, self.draft.columns_width = columns, len(row.full)
            self.draft.seen_identity = True
            return
        if row.has("code") or row.has("name"):
            draft = self.new_draft() if self.draft.seen_identity or self.draft.columns is not None else self.draft
            draft.seen_identity = True
            code, name = row.after("code"), row.after("name")
            draft.table.project_code = code or None
            draft.table.project_name = name if name is not None else draft.table.project_name
            department = row.after("department")
            if department is not None and not draft.table.department:
                draft.table.department = department
            return
        if self.draft.columns is not None:
            self._indicator(row)
        else:
            self._header_block(row)

    def _indicator(self, row: _Row) -> None:
        draft = self.draft
        assert draft.columns is not None
        for level in ("level1", "level2"):
            for i in draft.columns.get(level, []):
                if i < len(row.continued) and row.continued[i]:
                    draft.merged_levels = True
        draft.records.append(fields_of(row.grid, draft.columns))

    def _header_block(self, row: _Row) -> None:
        draft, table = self.draft, self.draft.table
        first = row.labels[0]
        expect, draft.expect = draft.expect, None
        if row.has("total"):
            table.budget = Budget(
                total=_amount(row.after("total"), draft.scale),
                fiscal=_amount(row.after("fiscal"), draft.scale),
                other=_amount(row.after("other"), draft.scale),
            )
            draft.expect = "use"
        elif first in LABELS["use"] or (expect == "use" and (not first or row.continued[0])):
            table.fund_use = _joined(row.cells[1:])
        elif expect == "percent":
            percents = row.cells[1:]
            table.spending_plan += [
                PlanItem(label=label, percent=parse_percent(percents[k] if k < len(percents) else None))
                for k, label in enumerate(draft.plan_labels)
                if label
            ]
        elif first in LABELS["plan"]:
            draft.plan_labels = row.cells[1:]
            draft.expect = "percent"
        elif first in LABELS["goal"]:
            text = _joined(row.cells[1:])
            table.goal = f"{table.goal}\n{text}" if row.continued[0] and table.goal else text
        else:
            department = row.after("department")
            if department is not None:
                table.department = department

    def document(self) -> Document:
        tables = [d.finish() for d in self.drafts if d.is_project]
        doc = Document(tables=tables)
        fill_booklet_year(doc)
        return doc


def parse_docx(path: str | Path, source: Source) -> Document:
    """All project tables of a .docx; a document without such tables gives no tables."""
    path = Path(path)
    try:
        word = open_docx(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken or foreign package
        if isinstance(exc, MemoryError):
            raise
        raise office_error(path, KIND, exc) from None
    reader = _Reader(source)
    try:
        for block in word.iter_inner_content():
            if isinstance(block, Paragraph):
                reader.paragraph(block.text)
            else:
                rows = _read_rows(block)
                reader.table_start(max((len(r.full) for r in rows), default=0))
                for row in rows:
                    reader.row(row)
    except (ValueError, IndexError, KeyError) as exc:  # malformed merges in the table XML
        raise office_error(path, KIND, exc) from None
    return reader.document()
