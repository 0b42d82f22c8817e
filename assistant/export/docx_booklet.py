"""Project tables as a Word booklet in the seed's layout (python-docx).

Each project: a numbered title `1.……绩效目标表`, a header table (单位 line, 项目编码/项目名称,
预算规模及资金用途, 资金支出计划（%）, 绩效目标) on a 13-column grid, then the indicator table
with vertically merged 一级/二级 cells and its header row repeated on every page. A4, 宋体.
`assistant.parsers.docx_tables.parse_docx` reads the result back into equal tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.oxml.table import CT_Tc
from docx.table import Table, _Cell

from assistant.export.common import booklet_title, clean_text, format_amount, format_percent
from assistant.model import Indicator, ProjectTable

LABELS = {
    "money_unit": "单位：元",
    "code": "项目编码",
    "name": "项目名称",
    "budget_block": "预算规模及资金用途",
    "total": "预算数",
    "fiscal": "其中：财政资金",
    "other": "其他资金",
    "plan": "资金支出计划（%）",
    "goal": "绩效目标",
    "indicator_header": ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"),
    "title": "{n}.{title}",
    "doc_title": "项目支出绩效目标表",
}

FONT_EAST_ASIA = "宋体"
FONT_LATIN = "Times New Roman"
BODY_PT = 10.5  # 五号
TITLE_PT = 14  # 四号
DEPARTMENT_TITLE_PT = 18  # 二号

PAGE_CM = (21.0, 29.7)  # A4
MARGINS_CM = {"top": 2.54, "bottom": 2.54, "left": 2.0, "right": 2.0}

# Header table: each row is a list of cell widths (mm, 170 in all = the A4 text width); the Word
# grid is the union of their edges, so every row keeps its own proportions.
LABEL_MM = 24
UNIT_ROW_MM = (134, 36)  # unit name | 单位：元
CODE_ROW_MM = (LABEL_MM, 52, 22, 72)  # 项目编码 | code | 项目名称 | name
BUDGET_ROW_MM = (LABEL_MM, 15, 28, 30, 28, 19, 26)  # 预算数 | amount | 其中：财政资金 | … | 其他资金 | …
WIDE_ROW_MM = (LABEL_MM, 146)  # use text, 绩效目标
PLAN_ROW_MM = (LABEL_MM, 36, 37, 36, 37)  # 资金支出计划（%） | 3月底 | 6月底 | 10月底 | 12月底
PLAN_PER_ROW = len(PLAN_ROW_MM) - 1
# Indicator table: 一级, 二级, 三级, 描述, 指标值, 依据 (17 cm).
INDICATOR_COLS_CM = (1.9, 2.7, 2.9, 3.8, 2.7, 3.0)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
# Cell kinds of the header table -> (alignment, bold).
CELL_STYLES = {
    "head": (CENTER, True),  # the labels of the first column
    "label": (CENTER, False),
    "number": (CENTER, False),
    "text": (None, False),
    "right": (WD_ALIGN_PARAGRAPH.RIGHT, False),
}


def _set_fonts(rpr) -> None:
    """宋体 for Chinese, Times New Roman for Latin; theme fonts would override both."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), FONT_LATIN)
    fonts.set(qn("w:hAnsi"), FONT_LATIN)
    fonts.set(qn("w:eastAsia"), FONT_EAST_ASIA)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    for side, cm in MARGINS_CM.items():
        setattr(section, f"{side}_margin", Cm(cm))
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _set_fonts(normal.element.get_or_add_rPr())
    for name, size in (("Heading 1", DEPARTMENT_TITLE_PT), ("Heading 2", TITLE_PT)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.alignment = CENTER
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(12)
        _set_fonts(style.element.get_or_add_rPr())
    doc.core_properties.language = "zh-CN"


def _table(doc, rows: int, widths_cm: Sequence[float]) -> tuple[Table, list[list[CT_Tc]]]:
    """A fixed-layout grid table and its cells as a matrix of w:tc elements (row, grid column)."""
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: Word and LibreOffice keep the widths
    for column, cm in zip(table.columns, widths_cm):
        column.width = Cm(cm)
    grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    for tcs in grid:
        for tc, cm in zip(tcs, widths_cm):
            tc.width = Cm(cm)
    return table, grid


# Spans are set on python-docx's CT_Tc (grid_span, vMerge): _Cell.merge() gives the same XML
# but costs about 10 ms a call, which made a 20-project booklet take 4 s.
def _span_across(tcs: list[CT_Tc], start: int, end: int, width_cm: float) -> None:
    """Grid columns start..end of one row become one cell (w:gridSpan)."""
    tcs[start].grid_span = end - start + 1
    tcs[start].width = Cm(width_cm)
    for tc in tcs[start + 1 : end + 1]:
        tc.getparent().remove(tc)


def _span_down(grid: list[list[CT_Tc]], column: int, first: int, last: int) -> None:
    """Rows first..last of a grid column become one cell (w:vMerge restart/continue)."""
    if last > first:
        grid[first][column].vMerge = "restart"
        for row in range(first + 1, last + 1):
            grid[row][column].vMerge = "continue"


def _write(cell: _Cell, text: str | None, *, bold: bool = False, align=None) -> None:
    cell.text = clean_text(text)
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    if bold:
        paragraph.runs[0].bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _only_bottom_border(cell: _Cell) -> None:
    """The 单位 line sits above the table: no top, left or right border (no python-docx API)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    # Word wants the schema's order inside w:tcPr: tcBorders before shd … vAlign.
    tc_pr.insert_element_before(borders, *TC_PR_AFTER_BORDERS)


TC_PR_AFTER_BORDERS = (
    "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)


# A cell of the header table: (width in mm, text, kind in CELL_STYLES); rows use the *_ROW_MM widths.
HeaderCell = tuple[int, str, str]


def _cells(widths: Sequence[int], texts: Sequence[str], kinds: Sequence[str]) -> list[HeaderCell]:
    return list(zip(widths, texts, kinds))


def _plan_rows(table: ProjectTable) -> list[list[HeaderCell]]:
    """Pairs of rows (labels, percents), four plan items a pair; no plan -> one blank pair."""
    plan = table.spending_plan
    chunks = [plan[i : i + PLAN_PER_ROW] for i in range(0, len(plan), PLAN_PER_ROW)] or [[]]
    rows = []
    for chunk in chunks:
        padding = [""] * (PLAN_PER_ROW - len(chunk))
        labels = [item.label for item in chunk] + padding
        percents = [format_percent(item.percent) for item in chunk] + padding
        rows.append(_cells(PLAN_ROW_MM, [LABELS["plan"], *labels], ["head"] + ["label"] * PLAN_PER_ROW))
        rows.append(_cells(PLAN_ROW_MM, [LABELS["plan"], *percents], ["head"] + ["number"] * PLAN_PER_ROW))
    return rows


def _header_rows(table: ProjectTable) -> list[list[HeaderCell]]:
    budget = table.budget
    amounts = [format_amount(a) for a in (budget.total, budget.fiscal, budget.other)]
    budget_texts = [LABELS["budget_block"]]
    for label, amount in zip((LABELS["total"], LABELS["fiscal"], LABELS["other"]), amounts):
        budget_texts += [label, amount]
    return [
        _cells(UNIT_ROW_MM, [table.department, LABELS["money_unit"]], ["text", "right"]),
        _cells(
            CODE_ROW_MM,
            [LABELS["code"], table.project_code or "", LABELS["name"], table.project_name],
            ["head", "text", "label", "text"],
        ),
        _cells(BUDGET_ROW_MM, budget_texts, ["head"] + ["label", "number"] * 3),
        _cells(WIDE_ROW_MM, [LABELS["budget_block"], table.fund_use], ["head", "text"]),
        *_plan_rows(table),
        _cells(WIDE_ROW_MM, [LABELS["goal"], table.goal], ["head", "text"]),
    ]


def _vertical_runs(values: Sequence[object]) -> list[tuple[int, int]]:
    """(first, last) row index of each run of equal consecutive values."""
    runs: list[tuple[int, int]] = []
    for i, value in enumerate(values):
        if runs and values[runs[-1][0]] == value:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _add_header_table(doc, table: ProjectTable) -> None:
    rows = _header_rows(table)
    edges = sorted({sum(w for w, _, _ in row[: k + 1]) for row in rows for k in range(len(row))})
    bounds = [0, *edges]
    word, grid = _table(doc, len(rows), [(b - a) / 10 for a, b in zip(bounds, bounds[1:])])
    # The first column's label spans the budget rows and each plan block (one merged cell).
    label_column = [row[0][1] if row[0][2] == "head" else None for row in rows]
    continued = set()
    for first, last in _vertical_runs(label_column):
        if label_column[first] is not None:
            _span_down(grid, 0, first, last)
            continued.update(range(first + 1, last + 1))
    for r, (tcs, row) in enumerate(zip(grid, rows)):
        position = 0
        for width, text, kind in row:
            start, end = bounds.index(position), bounds.index(position + width) - 1
            position += width
            if end > start:
                _span_across(tcs, start, end, width / 10)
            if start == 0 and r in continued:
                continue
            align, bold = CELL_STYLES[kind]
            _write(_Cell(tcs[start], word), text, bold=bold, align=align)
    for tc in grid[0][:1] + [grid[0][bounds.index(UNIT_ROW_MM[0])]]:
        _only_bottom_border(_Cell(tc, word))


def _repeat_as_header(row) -> None:
    """Mark a row as a header row repeated on each page (w:tblHeader; no python-docx API)."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _indicator_texts(indicator: Indicator) -> tuple[str, ...]:
    return (
        indicator.level1,
        indicator.level2,
        indicator.level3,
        indicator.description,
        indicator.value,
        indicator.basis,
    )


def _add_indicator_table(doc, table: ProjectTable) -> None:
    rows = [_indicator_texts(i) for i in table.indicators]
    word, grid = _table(doc, 1 + len(rows), INDICATOR_COLS_CM)
    _repeat_as_header(word.rows[0])
    for tc, label in zip(grid[0], LABELS["indicator_header"]):
        _write(_Cell(tc, word), label, bold=True, align=CENTER)
    # 一级 runs, and 二级 runs inside each 一级 run (rows offset by the header row).
    level1_runs = _vertical_runs([r[0] for r in rows])
    level2_runs = _vertical_runs([(r[0], r[1]) for r in rows])
    continued: tuple[set[int], set[int]] = (set(), set())
    for column, runs in enumerate((level1_runs, level2_runs)):
        for first, last in runs:
            _span_down(grid, column, first + 1, last + 1)
            continued[column].update(range(first + 1, last + 1))
    for i, texts in enumerate(rows):
        for column, text in enumerate(texts):
            if column < 2 and i in continued[column]:
                continue
            _write(_Cell(grid[i + 1][column], word), text, align=CENTER if column < 2 else None)


def _spacer(doc) -> None:
    """A small empty paragraph: two adjacent Word tables would otherwise run together."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(4)


def build_document(tables: Sequence[ProjectTable], department_title: str | None = None):
    """The python-docx Document of a booklet (not yet saved)."""
    doc = Document()
    _setup(doc)
    doc.core_properties.title = clean_text(department_title) or LABELS["doc_title"]
    if department_title:
        doc.add_heading(clean_text(department_title), level=1)
    for n, table in enumerate(tables, start=1):
        title = doc.add_heading(LABELS["title"].format(n=n, title=booklet_title(table)), level=2)
        if n > 1:
            title.paragraph_format.page_break_before = True  # one project a page
        _add_header_table(doc, table)
        _spacer(doc)
        _add_indicator_table(doc, table)
    return doc


def write_docx(tables: Sequence[ProjectTable], path: str | Path, department_title: str | None = None) -> None:
    """Write `tables` as one booklet to `path` (overwrites; use assistant.export.export_tables for
    the safe, atomic version)."""
    build_document(tables, department_title).save(str(path))
