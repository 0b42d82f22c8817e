"""Excel export: the budget-system shape (指标 + 项目 sheets) and the round trip through parse_xlsx."""

from __future__ import annotations

import openpyxl
import pytest
from export_cases import (
    NON_GBK,
    convert_to_pdf,
    counts,
    dump,
    minimal_table,
    round_trip,
    stress_tables,
    twenty_projects,
)

from assistant.export.xlsx_workbook import EXCEL_CELL_LIMIT, split_value, write_xlsx
from assistant.model import Indicator, ProjectTable, Source
from assistant.parsers import InputError, load_path
from assistant.parsers.xlsx_rows import parse_xlsx

JICAI = "冀财建【2024】269号提前下达2025年省级中小企业发展专项资金"
INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标解释", "计算符号", "指标值", "计量单位", "指标值确定依据"]


def test_seed_workbook_round_trips_with_real_values(tmp_path, seed_doc):
    path = tmp_path / "seed.xlsx"
    back = round_trip(seed_doc.tables, path)
    assert dump(back) == dump(seed_doc.tables)
    assert counts(back)[:2] == (10, 90)
    jicai = next(t for t in back if t.project_name == JICAI)
    assert jicai.budget.total == 1023000.00 and len(jicai.indicators) == 9
    assert [i.value for i in jicai.indicators if i.level2 == "数量指标"] == ["以文件为准"]
    assert dump(load_path(path).tables) == dump(seed_doc.tables)


def test_budget_system_shape(tmp_path, seed_doc):
    path = tmp_path / "seed.xlsx"
    write_xlsx(seed_doc.tables, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["指标", "项目"]
    ws = wb["指标"]
    assert [c.value for c in ws[1]] == INDICATOR_HEADER
    assert ws.max_row == 1 + 90
    assert ws.freeze_panes == "A2" and wb["项目"].freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1]) and ws[1][0].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.column_dimensions["E"].width >= 30 and ws.column_dimensions["F"].width < 12
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    jicai = [r for r in rows if r[0] == JICAI]
    assert len(jicai) == 9
    by_level3 = {r[3]: r for r in jicai}
    # Quantitative: 计算符号 / the number / 计量单位; qualitative: the whole text in 指标值.
    assert by_level3["企业满意度"][5:8] == ["≥", 95, "百分比"]
    assert by_level3["资金执行率"][5:8] == [None, 100, "百分比"]
    assert by_level3["支持企业数量"][5:8] == [None, "以文件为准", None]
    projects = wb["项目"]
    header = [c.value for c in projects[1]]
    assert header[:4] == ["项目名称", "项目编码", "单位", "年度"]
    row = next(r for r in projects.iter_rows(min_row=2, values_only=True) if r[0] == JICAI)
    record = dict(zip(header, row))
    assert record["项目编码"] == "13022925P00020410001B" and record["年度"] == 2025
    assert record["预算数"] == 1023000.0 and record["其他资金"] is None
    assert record["资金支出计划"] == "3月底：25%；6月底：50%；10月底：75%；12月底：100%"
    assert record["指标条数"] == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95百分比", ("≥", 95, "百分比", "0")),
        (">=17600株", (">=", 17600, "株", "0")),
        ("≤28.40/株", ("≤", 28.4, "/株", "0.00")),
        ("0.00%", ("", 0.0, "%", "0.00")),
        ("100", ("", 100, "", "0")),
        ("以文件为准", ("", "以文件为准", "", None)),
        ("2025年12月底前", ("", "2025年12月底前", "", None)),
        ("95%及以上", ("", "95%及以上", "", None)),
        ("05", ("", "05", "", None)),
        ("1,000人", ("", "1,000人", "", None)),
        ("≥9(截断)", ("", "≥9(截断)", "", None)),
    ],
)
def test_split_value_joins_back_exactly(text, expected):
    split = split_value(text)
    assert tuple(split) == expected
    if split.number_format:
        decimals = len(split.number_format.partition(".")[2])
        assert f"{split.operator}{split.number:.{decimals}f}{split.unit}" == text


def test_formula_like_values_stay_text(tmp_path):
    table = stress_tables()[3]
    path = tmp_path / "formulas.xlsx"
    write_xlsx([table], path)
    ws = openpyxl.load_workbook(path)["指标"]
    cells = {ws.cell(row=r, column=4).value: ws.cell(row=r, column=7) for r in range(2, ws.max_row + 1)}
    assert cells["指标0"].value == "=SUM(A1:A3)" and cells["指标0"].data_type == "s"
    assert ws.cell(row=2, column=6).value is None
    assert dump(parse_xlsx(path, Source()).tables) == dump([table])


def test_awkward_content_survives(tmp_path):
    tables = stress_tables()
    back = round_trip(tables, tmp_path / "stress.xlsx")
    assert counts(back) == counts(tables)
    assert dump(back) == dump(tables)
    non_gbk = next(t for t in back if NON_GBK in t.project_name)
    assert non_gbk.indicators[2].value == f"≥95{NON_GBK}"


def test_missing_optional_fields_and_twenty_projects(tmp_path, seed_doc):
    assert dump(round_trip([minimal_table()], tmp_path / "minimal.xlsx")) == dump([minimal_table()])
    tables = twenty_projects(seed_doc.tables)
    back = round_trip(tables, tmp_path / "twenty.xlsx")
    assert counts(back) == counts(tables) and counts(back)[:2] == (20, 180)
    assert dump(back) == dump(tables)


def test_projects_sharing_a_name_keep_their_own_rows(tmp_path, seed_doc):
    first, second = seed_doc.tables[0], seed_doc.tables[1]
    twin = second.model_copy(update={"project_name": first.project_name, "indicators": second.indicators[:4]})
    empty = ProjectTable(project_name=first.project_name, year=2025)
    tables = [first, twin, empty]
    assert dump(round_trip(tables, tmp_path / "twins.xlsx")) == dump(tables)


def test_text_longer_than_an_excel_cell_is_refused(tmp_path):
    table = minimal_table().model_copy(
        update={"indicators": [Indicator(level3="长", description="字" * (EXCEL_CELL_LIMIT + 1))]}
    )
    with pytest.raises(InputError) as info:
        write_xlsx([table], tmp_path / "long.xlsx")
    assert info.value.key == "too_long" and "32767" in str(info.value) and "指标解释" in str(info.value)


def test_libreoffice_opens_awkward_workbook(tmp_path, seed_doc):
    path = tmp_path / "awkward.xlsx"
    write_xlsx(stress_tables() + twenty_projects(seed_doc.tables), path)
    convert_to_pdf(path, tmp_path, component="calc")
