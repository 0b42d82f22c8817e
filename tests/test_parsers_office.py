""".docx and .xlsx parsers on files not written by our exporter: the seed's Word layout in its
blank-repeated and merged forms, foreign Excel sheets (header below row 1, merged header cells,
计算符号/指标值/计量单位 columns), and bad input (no tables, truncated, wrong kind)."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from assistant.export.docx_booklet import write_docx
from assistant.model import Source
from assistant.parsers import InputError, load_path
from assistant.parsers.docx_tables import parse_docx
from assistant.parsers.xlsx_rows import parse_xlsx

INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def add_table(document, columns: int, rows: list[list[tuple[str, int]]]):
    """A Word table built with python-docx's own merge(): each cell is (text, grid columns spanned)."""
    table = document.add_table(rows=len(rows), cols=columns)
    for row, cells in zip(table.rows, rows):
        grid = row.cells
        position = 0
        for text, span in cells:
            cell = grid[position].merge(grid[position + span - 1]) if span > 1 else grid[position]
            cell.text = text
            position += span
    return table


def seed_style_header(document, unit="单位：元", code="13022925P001", name="测试项目", amount="235000.00"):
    """The header block as in the seed: blank first cells under merged labels (the text export)."""
    add_table(document, 7, [
        [("436001测试局本级", 5), (unit, 2)],
        [("项目编码", 1), (code, 2), ("项目名称", 1), (name, 3)],
        [("预算规模及资金用途", 1), ("预算数", 1), (amount, 1), ("其中：财政    资金", 1), (amount, 1), ("其他资金", 1), (" ", 1)],
        [("", 1), ("测试用途", 6)],
        [("资金支出计划（%）", 1), ("3月底", 2), ("6月底", 2), ("10月底", 1), ("12月底", 1)],
        [("", 1), ("25%", 2), ("50%", 2), ("75%", 1), ("100%", 1)],
        [("绩效目标", 1), ("1.目标一。\n2.目标二。", 6)],
    ])


def test_seed_layout_blank_repeated_and_split_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("第二部分 预算项目绩效目标")
    document.add_paragraph("1.2025年测试项目绩效目标表")
    seed_style_header(document)
    document.add_paragraph(" ")
    # Header variants (指标名称, 指标解释) and blank-repeated 一级/二级 cells.
    add_table(document, 6, [[(t, 1) for t in row] for row in [
        ["一级指标", "二级指标", "指标名称", "指标解释", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "培训人数", "参训人数", "≥100人", "计划标准"],
        ["", "", "培训次数", "", "≥4次", ""],
        ["", "质量指标", "合格率", "", "≥95百分比", "行业标准"],
        ["效益指标", "社会效益指标", "能力提升", "", "明显", ""],
        ["", "", "", "", "", ""],  # an empty row is not an indicator
        ["满意度指标", "服务对象满意度指标", "满意度", "", "≥90%", "问卷"],
    ]])
    path = tmp_path / "seed_style.docx"
    document.save(path)
    (table,) = parse_docx(path, Source(file=path.name, format="docx")).tables
    assert table.department == "436001测试局本级" and table.project_code == "13022925P001"
    assert table.project_name == "测试项目" and table.year == 2025
    assert (table.budget.total, table.budget.fiscal, table.budget.other) == (235000.0, 235000.0, None)
    assert table.fund_use == "测试用途" and table.goal == "1.目标一。\n2.目标二。"
    assert [(p.label, p.percent) for p in table.spending_plan] == [("3月底", 25), ("6月底", 50), ("10月底", 75), ("12月底", 100)]
    rows = [(i.level1, i.level2, i.level3, i.value) for i in table.indicators]
    assert rows == [
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "数量指标", "培训次数", "≥4次"),
        ("产出指标", "质量指标", "合格率", "≥95百分比"),
        ("效益指标", "社会效益指标", "能力提升", "明显"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%"),
    ]
    assert table.indicators[0].description == "参训人数" and table.indicators[2].basis == "行业标准"


def test_one_word_table_with_merged_cells_and_several_projects(tmp_path):
    """Header and indicators in one Word table, 一级 merged with python-docx; two projects, the
    second without a year in its title (it takes the booklet's year) and amounts in 万元."""
    document = docx.Document()
    document.add_paragraph("1.2024年甲项目绩效目标表")
    seed_style_header(document, code="A1", name="甲项目")
    table = add_table(document, 6, [[(t, 1) for t in row] for row in [
        INDICATOR_HEADER,
        ["产出指标", "数量指标", "甲数量", "", "≥1个", ""],
        ["产出指标", "时效指标", "甲时效", "", "2024年12月底前", ""],
        ["满意度指标", "服务对象满意度指标", "满意度", "", "≥90%", ""],
    ]])
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    document.add_paragraph("2.乙项目绩效目标表")
    seed_style_header(document, unit="单位：万元", code="B2", name="乙项目", amount="1.5")
    add_table(document, 6, [[(t, 1) for t in row] for row in [
        INDICATOR_HEADER,
        ["效益指标", "社会效益指标", "乙效益", "", "有效", ""],
    ]])
    path = tmp_path / "merged.docx"
    document.save(path)
    xml = document.tables[1]._tbl.xml
    assert 'w:vMerge w:val="restart"' in xml  # the fixture really merges
    first, second = parse_docx(path, Source(file=path.name)).tables
    assert (first.project_code, first.year, second.project_code, second.year) == ("A1", 2024, "B2", 2024)
    assert [(i.level1, i.level3) for i in first.indicators] == [
        ("产出指标", "甲数量"), ("产出指标", "甲时效"), ("满意度指标", "满意度"),
    ]
    assert second.budget.total == 15000.0 and [i.level3 for i in second.indicators] == ["乙效益"]


def test_split_indicator_table_and_unrelated_tables(tmp_path):
    """An indicator table continued in a second Word table of the same shape belongs to the same
    project; a budget summary with its own 单位 line and 预算数 neither adds a project nor
    overwrites the one before it."""
    document = docx.Document()
    add_table(document, 4, [[("收支预算总表", 3), ("单位：万元", 1)], [("项目", 1), ("预算数", 1), ("9", 1), ("", 1)]])
    document.add_paragraph("1.2025年测试项目绩效目标表")
    seed_style_header(document)
    rows = [INDICATOR_HEADER, ["产出指标", "数量指标", "第一张表", "", "≥1个", ""]]
    add_table(document, 6, [[(t, 1) for t in row] for row in rows])
    add_table(document, 6, [[(t, 1) for t in ["", "", "第二张表", "", "≥2个", ""]]])
    add_table(document, 4, [[("支出预算表", 3), ("单位：万元", 1)], [("合计", 1), ("预算数", 1), ("7", 1), ("", 1)]])
    add_table(document, 2, [[("经办人", 1), ("张三", 1)]])
    path = tmp_path / "booklet.docx"
    document.save(path)
    (table,) = parse_docx(path, Source()).tables
    assert table.budget.total == 235000.0 and table.department == "436001测试局本级"
    assert [(i.level1, i.level3) for i in table.indicators] == [("产出指标", "第一张表"), ("产出指标", "第二张表")]


def test_value_split_over_columns_in_word(tmp_path):
    document = docx.Document()
    add_table(document, 8, [[(t, 1) for t in row] for row in [
        ["一级指标", "二级指标", "三级指标名称", "绩效指标描述", "计算符号", "指标值", "计量单位", "指标值确定依据"],
        ["产出指标", "数量指标", "户数", "", "≥", "10", "户", "计划"],
        ["产出指标", "质量指标", "说明", "", "", "达到标准", "", ""],
    ]])
    path = tmp_path / "split.docx"
    document.save(path)
    (table,) = parse_docx(path, Source()).tables
    assert [(i.level3, i.value) for i in table.indicators] == [("户数", "≥10户"), ("说明", "达到标准")]
    assert table.indicators[0].parsed.number == 10


def test_docx_without_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("1.2025年只有标题没有表格绩效目标表")
    document.add_paragraph("正文。")
    path = tmp_path / "no_tables.docx"
    document.save(path)
    assert parse_docx(path, Source()).tables == []
    with pytest.raises(InputError) as info:
        load_path(path)
    assert info.value.key == "no_tables" and "no_tables.docx" in str(info.value)


def test_unrelated_word_table_is_not_a_project(tmp_path):
    document = docx.Document()
    add_table(document, 2, [[("姓名", 1), ("电话", 1)], [("张三", 1), ("123", 1)]])
    path = tmp_path / "other.docx"
    document.save(path)
    assert parse_docx(path, Source()).tables == []


def test_truncated_and_wrong_kind_files(tmp_path, seed_doc):
    whole = tmp_path / "whole.docx"
    write_docx(seed_doc.tables[:2], whole)
    data = whole.read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        load_path(truncated)
    assert info.value.key == "bad_zip" and "truncated.docx" in str(info.value)
    with pytest.raises(InputError) as info:
        parse_docx(truncated, Source())  # called directly, without load_path's zip check
    assert info.value.key == "bad_office" and "Word" in info.value.message
    workbook = openpyxl.Workbook()
    disguised = tmp_path / "disguised.docx"
    workbook.save(disguised)
    with pytest.raises(InputError) as info:
        load_path(disguised)
    assert info.value.key == "bad_office"
    xlsx_truncated = tmp_path / "truncated.xlsx"
    workbook.save(tmp_path / "book.xlsx")
    book = (tmp_path / "book.xlsx").read_bytes()
    xlsx_truncated.write_bytes(book[: len(book) // 2])
    with pytest.raises(InputError) as info:
        load_path(xlsx_truncated)
    assert info.value.key == "bad_zip"
    with pytest.raises(InputError) as info:
        parse_xlsx(xlsx_truncated, Source())
    assert info.value.key == "bad_office" and "Excel" in info.value.message


def foreign_workbook(path):
    """A budget-system style sheet: a title row, a two-row header with merged cells, two projects
    (the first's name merged down its rows), 一级 merged or blank-repeated, values in three columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws["A1"] = "2025年项目绩效指标表"
    ws.merge_cells("A1:I1")
    header = ["项目名称", "一级指标", "二级指标", "三级指标名称", "指标解释(绩效指标描述)", "指标值", None, None, "指标值确定依据"]
    for column, label in enumerate(header, start=1):
        ws.cell(row=3, column=column, value=label)
    for column, label in ((6, "计算符号"), (7, "指标值"), (8, "计量单位")):
        ws.cell(row=4, column=column, value=label)
    ws.merge_cells("F3:H3")
    for letter in "ABCDEI":
        ws.merge_cells(f"{letter}3:{letter}4")
    rows = [
        ["甲项目", "产出指标", "数量指标", "培训人数", "参训", "≥", 100, "人", "计划标准"],
        [None, None, None, "培训次数", None, "≥", 4, "次", None],
        [None, None, "质量指标", "合格率", None, "≥", 95.5, "%", None],
        [None, "满意度指标", "服务对象满意度指标", "满意度", None, None, "较满意", None, None],
        ["乙项目", "效益指标", "社会效益指标", "覆盖率", None, "=", 1, "%", None],
        [None, None, None, "持续", None, None, "长期", None, None],
    ]
    for r, values in enumerate(rows, start=5):
        for column, value in enumerate(values, start=1):
            ws.cell(row=r, column=column, value=value)
    ws.merge_cells("A5:A8")  # 甲项目 over its four rows
    ws.merge_cells("B5:B7")  # 产出指标 merged; 乙's 一级 is blank-repeated instead
    ws.cell(row=7, column=7).number_format = "0.0"
    wb.save(path)


def test_foreign_sheet_with_merged_two_row_header(tmp_path):
    path = tmp_path / "foreign.xlsx"
    foreign_workbook(path)
    first, second = parse_xlsx(path, Source(file=path.name, format="xlsx")).tables
    assert first.project_name == "甲项目" and second.project_name == "乙项目"
    assert [(i.level1, i.level2, i.level3, i.value) for i in first.indicators] == [
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "数量指标", "培训次数", "≥4次"),
        ("产出指标", "质量指标", "合格率", "≥95.5%"),
        ("满意度指标", "服务对象满意度指标", "满意度", "较满意"),
    ]
    assert first.indicators[0].description == "参训" and first.indicators[0].basis == "计划标准"
    assert first.indicators[2].parsed.number == 95.5 and first.indicators[2].parsed.unit == "%"
    assert [(i.level1, i.level2, i.value) for i in second.indicators] == [
        ("效益指标", "社会效益指标", "=1%"), ("效益指标", "社会效益指标", "长期"),
    ]
    assert first.year == second.year == None  # noqa: E711 - no year anywhere in the sheet


def test_header_cell_spanning_value_and_unit(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "指标名称", "指标值", None])
    ws.merge_cells("D1:E1")
    ws.append(["产出指标", "数量指标", "户数", 95, "%"])
    ws.append(["产出指标", "数量指标", "比例", 0.9, None])
    ws["D3"].number_format = "0%"
    path = tmp_path / "span.xlsx"
    wb.save(path)
    (table,) = parse_xlsx(path, Source()).tables
    assert table.project_name == ""
    assert [(i.level3, i.value) for i in table.indicators] == [("户数", "95%"), ("比例", "90%")]


def test_workbook_without_a_header(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", 123])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert parse_xlsx(path, Source()).tables == []
    with pytest.raises(InputError) as info:
        load_path(path)
    assert info.value.key == "no_tables"


def test_inputs_are_never_modified(tmp_path, seed_doc):
    from assistant.export.xlsx_workbook import write_xlsx

    docx_path, xlsx_path, foreign = tmp_path / "b.docx", tmp_path / "b.xlsx", tmp_path / "f.xlsx"
    write_docx(seed_doc.tables, docx_path)
    write_xlsx(seed_doc.tables, xlsx_path)
    foreign_workbook(foreign)
    for path in (docx_path, xlsx_path, foreign):
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        assert load_path(path).tables
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
