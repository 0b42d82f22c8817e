"""Word booklet export: the seed's layout, merged cells, fonts, and the round trip through parse_docx."""

from __future__ import annotations

import re
import time
import zipfile

import docx
from docx.oxml.ns import qn
from docx.shared import Cm
from export_cases import (
    NON_GBK,
    convert_to_pdf,
    counts,
    dump,
    minimal_table,
    pdf_text,
    round_trip,
    stress_tables,
    twenty_projects,
)

from assistant.export.docx_booklet import write_docx
from assistant.model import Source
from assistant.parsers import load_path
from assistant.parsers.docx_tables import parse_docx

JICAI = "冀财建【2024】269号提前下达2025年省级中小企业发展专项资金"


def test_seed_booklet_round_trips_with_real_values(tmp_path, seed_doc):
    path = tmp_path / "seed.docx"
    back = round_trip(seed_doc.tables, path, department_title="玉田县工业和信息化局2025年项目支出绩效目标表")
    assert dump(back) == dump(seed_doc.tables)
    assert counts(back)[:2] == (10, 90)
    assert round(sum(t.budget.total for t in back), 2) == 3418300.00
    jicai = next(t for t in back if t.project_name == JICAI)
    assert jicai.budget.total == 1023000.00 and jicai.budget.other is None
    assert len(jicai.indicators) == 9
    assert [i.value for i in jicai.indicators if i.level2 == "数量指标"] == ["以文件为准"]
    assert [(p.label, p.percent) for p in jicai.spending_plan] == [("3月底", 25), ("6月底", 50), ("10月底", 75), ("12月底", 100)]
    # load_path reads the booklet the same way (zip checks first, then parse_docx).
    assert dump(load_path(path).tables) == dump(seed_doc.tables)


def test_seed_layout_texts(tmp_path, seed_doc):
    """Numbered titles, the 单位 line, amounts with two decimals, percents, labels as in the seed."""
    path = tmp_path / "seed.docx"
    write_docx(seed_doc.tables, path)
    document = docx.Document(path)
    titles = [p.text for p in document.paragraphs if p.text.endswith("绩效目标表")]
    assert len(titles) == 10
    assert titles[0] == "1.2025年原玉螺水泥有限公司职工医疗保险费绩效目标表"
    assert titles[4] == f"5.{JICAI}绩效目标表"
    assert titles[1] == "2.2025年残疾人保障金绩效目标表"  # the booklet year goes into the title
    assert all(document.paragraphs[i].style.name == "Heading 2" for i, p in enumerate(document.paragraphs) if p.text in titles)
    header = document.tables[8]  # project 5: header table, indicator table per project
    texts = [[c.text for c in row.cells] for row in header.rows]
    assert texts[0][0] == "436001玉田县工业和信息化局本级" and texts[0][-1] == "单位：元"
    flat = [t for row in texts for t in row]
    for expected in ("项目编码", "13022925P00020410001B", "项目名称", JICAI, "预算数", "1023000.00",
                     "其中：财政资金", "其他资金", "资金支出计划（%）", "3月底", "12月底", "25%", "100%", "绩效目标"):
        assert expected in flat, expected
    indicator_header = [c.text for c in document.tables[9].rows[0].cells]
    assert indicator_header == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def _body_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_merged_cells_are_really_merged(tmp_path, seed_doc):
    path = tmp_path / "jicai.docx"
    jicai = next(t for t in seed_doc.tables if t.project_name == JICAI)
    write_docx([jicai], path)
    document = docx.Document(path)
    header, indicators = document.tables
    # Header block: horizontal spans (w:gridSpan) and the vertically merged 预算规模及资金用途 label.
    header_xml = header._tbl.xml
    assert header_xml.count("<w:gridSpan") >= 10
    spans = [tc.grid_span for tc in header.rows[2]._tr.tc_lst]
    assert len(spans) == 7 and sum(spans) == len(header.columns)
    unit_cell = header.rows[0]._tr.tc_lst[0].tcPr
    tags = [child.tag.rsplit("}", 1)[1] for child in unit_cell]
    assert tags.index("tcBorders") < tags.index("vAlign")  # schema order, or Word complains
    assert header.rows[2]._tr.tc_lst[0].vMerge == "restart"
    assert header.rows[3]._tr.tc_lst[0].vMerge == "continue"
    # Indicator table: 产出指标 (4 rows), 效益指标 (4 rows), 满意度指标 (1 row) in column 0.
    column0 = [row._tr.tc_lst[0].vMerge for row in indicators.rows[1:]]
    assert column0 == ["restart", "continue", "continue", "continue", "restart", "continue", "continue", "continue", None]
    assert all(row._tr.tc_lst[1].vMerge is None for row in indicators.rows[1:])  # 二级 differ row to row
    # The merged text is written once, not repeated in the continuation cells.
    xml = _body_xml(path)
    assert xml.count(">产出指标<") == 1 and xml.count(">效益指标<") == 1


def test_second_level_merges_inside_first_level(tmp_path):
    table = stress_tables()[3]  # eleven rows of 产出指标 / 数量指标
    path = tmp_path / "merge.docx"
    write_docx([table], path)
    rows = docx.Document(path).tables[1].rows[1:]
    for column in (0, 1):
        assert [row._tr.tc_lst[column].vMerge for row in rows] == ["restart"] + ["continue"] * 10


def test_fonts_page_and_repeated_header(tmp_path, seed_doc):
    path = tmp_path / "seed.docx"
    write_docx(seed_doc.tables, path)
    document = docx.Document(path)
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    normal_fonts = document.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "宋体"
    assert normal_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override 宋体
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert document.styles["Heading 2"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    indicator_tables = document.tables[1::2]
    assert len(indicator_tables) == 10
    for table in indicator_tables:
        first_row = table.rows[0]._tr
        assert first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None
        assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    # Fixed layout, widths summing to the A4 text width (17 cm).
    for table in document.tables[:2]:
        assert table.autofit is False
        assert abs(sum(c.width for c in table.columns) - Cm(17)) < Cm(0.05)
    # Each project after the first starts on a new page.
    breaks = [p.paragraph_format.page_break_before for p in document.paragraphs if p.style.name == "Heading 2"]
    assert breaks == [None] + [True] * 9


def test_awkward_content_survives(tmp_path):
    tables = stress_tables()
    back = round_trip(tables, tmp_path / "stress.docx")
    assert counts(back) == counts(tables)
    assert dump(back) == dump(tables)
    long = next(t for t in back if t.project_name == "长文本项目")
    assert len(long.goal) == 5000 and len(long.indicators[-1].value) == 5000
    non_gbk = next(t for t in back if NON_GBK in t.project_name)
    assert len(non_gbk.spending_plan) == 8 and non_gbk.project_code == f"编码{NON_GBK}"


def test_missing_optional_fields(tmp_path):
    table = minimal_table()
    back = round_trip([table], tmp_path / "minimal.docx")
    assert dump(back) == dump([table])
    assert back[0].project_code is None and back[0].spending_plan == [] and back[0].budget.total is None
    empty = round_trip([type(table)()], tmp_path / "empty.docx")
    assert dump(empty) == dump([type(table)()])


def test_control_characters_are_cleaned_not_fatal(tmp_path):
    table = minimal_table().model_copy(update={"goal": "甲\x0b乙\x00丙\r\n丁", "fund_use": "\x1f"})
    back = round_trip([table], tmp_path / "ctrl.docx")
    assert back[0].goal == "甲乙丙\n丁" and back[0].fund_use == ""


def test_twenty_project_booklet(tmp_path, seed_doc):
    tables = twenty_projects(seed_doc.tables)
    path = tmp_path / "twenty.docx"
    started = time.perf_counter()
    write_docx(tables, path)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"writing 20 projects took {elapsed:.1f} s"
    back = parse_docx(path, Source(file=path.name)).tables
    assert counts(back) == counts(tables) and counts(back)[:2] == (20, 180)
    assert dump(back) == dump(tables)
    titles = [p.text for p in docx.Document(path).paragraphs if p.style.name == "Heading 2"]
    assert [re.match(r"^(\d+)\.", t).group(1) for t in titles] == [str(n) for n in range(1, 21)]


def test_libreoffice_opens_awkward_booklet(tmp_path, seed_doc):
    tables = stress_tables() + twenty_projects(seed_doc.tables)
    path = tmp_path / "awkward.docx"
    write_docx(tables, path, department_title="压力测试汇编")
    pdf = convert_to_pdf(path, tmp_path)
    text = pdf_text(pdf)
    if text:
        for expected in ("压力测试汇编", "长文本项目", "单位：元", "一级指标", "绩效目标表"):
            assert expected in text
        assert text.count("一级指标") > len(tables)  # the header row repeats on continuation pages
