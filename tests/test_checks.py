"""The checker on the seed booklet, the public corpus and hand-made rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assistant.checks import (
    PROFILES,
    RULES,
    Draft,
    Finding,
    canonical_level2,
    findings_json,
    fix_table,
    lint_table,
    lint_tables,
)
from assistant.corpus import entries
from assistant.model import Budget, Indicator, PlanItem, ProjectTable, Source

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = "000_991aea9c0f3c36de.json"
CLEAN = ProjectTable.model_validate_json((ROOT / "tests" / "data" / "clean_table.json").read_text(encoding="utf-8"))
JSON_KEYS = ["rule", "severity", "project_name", "level1", "level2", "level3", "field", "message", "suggestion"]

GOOD_ROWS = [
    ("效益指标", "社会效益指标", "群众投诉下降率", "≥20%"),
    ("产出指标", "质量指标", "专款专用率", "100%"),
    ("满意度指标", "服务对象满意度指标", "企业满意度", "≥95%"),
    ("产出指标", "质量指标", "信访群体性事件和恶性案件数量", "≤5起"),
]


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[ProjectTable]]:
    return {e.path.name: e.document.tables for e in entries(ROOT / "corpus")}


@pytest.fixture(scope="module")
def seed(corpus) -> dict[str, ProjectTable]:
    return {t.project_name: t for t in corpus[SEED_FILE]}


def _table(seed: dict[str, ProjectTable], part: str) -> ProjectTable:
    return next(t for name, t in seed.items() if part in name)


def _row_findings(table: ProjectTable, row: int, profile: str = "hebei-2025") -> dict[str, Finding]:
    return {f.rule: f for f in lint_table(table, profile) if f.row == row}


def clean_table(**changes) -> ProjectTable:
    """A complete, measurable hebei-2025 table (tests/data/clean_table.json) with changes."""
    return CLEAN.model_copy(update=changes)


def _with_row(table: ProjectTable, index: int, **fields) -> ProjectTable:
    rows = list(table.indicators)
    rows[index] = Indicator.model_validate({**rows[index].model_dump(), **fields})
    return table.model_copy(update={"indicators": rows})


# --- the seed booklet --------------------------------------------------------------------------


def test_seed_deferred_value_is_an_error_naming_the_row(seed):
    table = _table(seed, "冀财建【2024】269号")
    finding = _row_findings(table, 0)["value.deferred"]
    assert finding.severity == "error"
    assert "产出指标/数量指标/支持企业数量" in finding.message
    assert "“以文件为准”" in finding.message
    assert finding.level3 == "支持企业数量" and finding.field == "value"
    assert "支持企业数量≥X家" in finding.suggestion


def test_seed_disability_fund_money_for_rate_vague_and_copied_name(seed):
    table = _table(seed, "残疾人保障金")
    money = _row_findings(table, 0)["value.money-for-rate"]
    assert money.severity == "error" and "“2.4万元”" in money.message and "补助资金支付率" in money.message
    vague = _row_findings(table, 4)["value.vague"]
    assert vague.severity == "error" and "经济发展" in vague.message and "“促进”" in vague.message
    assert vague.suggestion == "请改为可考核的量化值，如“带动企业新增产值≥X万元”，或分级表述“达成年度指标”"
    copied = _row_findings(table, 6)["row.copies-level2"]
    assert copied.level3 == "生态效益指标" and copied.severity == "warning"


def test_seed_truncated_value_quotes_its_end(seed):
    finding = _row_findings(_table(seed, "269号"), 5)["value.truncated"]
    assert finding.severity == "error"
    assert "中小企业融通发展、地方" in finding.message


def test_seed_vacuous_bound_and_cost_without_money(seed):
    row = _row_findings(_table(seed, "企业家队伍建设"), 3)
    assert row["value.vacuous-bound"].severity == "error"
    assert "“≤100百分比”" in row["value.vacuous-bound"].message  # quoted as written
    assert row["cost.no-money"].severity == "error"
    assert "≤60万元" in row["cost.no-money"].suggestion  # the table's budget 600000 yuan, in 万元


def test_seed_percent_for_count_and_nonstandard_unit(seed):
    row = _row_findings(_table(seed, "新增规上企业"), 0)
    assert row["value.percent-for-count"].severity == "error"
    assert row["value.nonstandard-unit"].severity == "info"
    assert "“≥98%”" in row["value.nonstandard-unit"].message


def test_seed_findings_all_at_once(seed):
    table = _table(seed, "残疾人保障金")
    errors = [f for f in lint_table(table) if f.severity == "error"]
    assert {f.row for f in errors} == {0, 2, 3, 4, 5, 6, 7}


# --- good rows and severity policy ------------------------------------------------------------


@pytest.mark.parametrize(("level1", "level2", "name", "value"), GOOD_ROWS)
def test_good_rows_get_no_error(level1, level2, name, value):
    table = _with_row(clean_table(), 1, level1=level1, level2=level2, level3=name, value=value)
    assert [f for f in lint_table(table) if f.row == 1 and f.severity == "error"] == []


def test_clean_table_has_no_error_or_warning():
    assert [(f.rule, f.message) for f in lint_table(clean_table()) if f.severity != "info"] == []


@pytest.mark.parametrize(
    ("level2", "name", "value", "rule"),
    [
        ("质量指标", "系统稳定运行率", "≤99%", "value.wrong-direction"),
        ("质量指标", "安全事故发生率", "≥1%", "value.wrong-direction"),
        ("质量指标", "安全事故次数", "≥1次", "value.wrong-direction"),
        ("质量指标", "验收合格率", "≥120%", "value.percent-over-100"),
        ("质量指标", "验收合格率", "合格", "value.rate-not-percent"),
        ("质量指标", "验收合格率", "≥**%", "value.placeholder"),
        ("质量指标", "验收合格率", "XX", "value.placeholder"),
        ("质量指标", "验收合格率", "待定", "value.deferred"),
        ("质量指标", "验收合格率", "", "row.empty-value"),
        ("时效指标", "完成时间", "按时", "value.timeliness"),
        ("时效指标", "完成时间", "全年", "value.timeliness"),
        ("成本指标", "项目总成本", "≤20万元", "cost.over-budget"),
        ("成本指标", "项目总成本", "0", "cost.zero-placeholder"),
        ("成本指标", "项目总成本", "不超出预算", "cost.no-money"),
        ("经济效益指标", "带动就业", "明显", "value.vague"),
        ("经济效益指标", "带动产值", "≥0万元", "value.vacuous-bound"),
        ("经济效益指标", "增加收入", "达到预期", "value.vague"),
        ("社会效益指标", "群众获得感", "不断增强", "value.vague"),
        ("时效指标", "完成时间", "按合同约定", "value.timeliness"),
        ("成本指标", "项目成本", "≥1万元", "value.wrong-direction"),
        ("质量指标", "群众满意度", "基本满意", "value.rate-not-percent"),
    ],
)
def test_defective_rows_are_errors(level2, name, value, rule):
    level1 = "效益指标" if "效益" in level2 else "产出指标"
    table = _with_row(clean_table(), 1, level1=level1, level2=level2, level3=name, value=value)
    finding = _row_findings(table, 1)[rule]
    assert finding.severity == "error"
    assert finding.suggestion


TYPICAL_GOOD_ROWS = [
    ("数量指标", "印发宣传资料", "≥1000份"),
    ("质量指标", "设备完好率", "≥95%"),
    ("时效指标", "问题整改时限", "≤30天"),
    ("时效指标", "资金拨付时间", "收到资金后15个工作日内"),
    ("成本指标", "设备购置单价", "≤2万元/台"),
    ("经济效益指标", "带动农户增收", "≥2000元/户"),
    ("社会效益指标", "安全生产事故发生次数", "0次"),
    ("社会效益指标", "重大安全责任事故", "无"),
    ("社会效益指标", "群众投诉率", "≤2%"),
    ("社会效益指标", "投诉处理率", "100%"),
    ("质量指标", "系统故障次数", "≤2次"),
    ("生态效益指标", "二氧化碳减排量", "≥100吨"),
    ("服务对象满意度指标", "服务对象满意度", "达到90%以上"),
    ("质量指标", "工程质量", "合格"),
]


@pytest.mark.parametrize(("level2", "name", "value"), TYPICAL_GOOD_ROWS)
def test_typical_good_rows_get_no_error_or_warning(level2, name, value):
    level1 = "满意度指标" if "满意" in level2 else "效益指标" if "效益" in level2 else "产出指标"
    table = _with_row(clean_table(), 1, level1=level1, level2=level2, level3=name, value=value)
    assert [(f.rule, f.message) for f in lint_table(table) if f.row == 1 and f.severity != "info"] == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [("≤10万元", True), ("≤100000元", True), ("≤10.5万元", False), ("≤100001元", False), ("≤0.001亿元", True)],
)
def test_cost_against_budget_minds_wan_and_yuan(value, ok):
    table = _with_row(clean_table(), 3, value=value)  # budget 100000 yuan
    assert ("cost.over-budget" not in _row_findings(table, 3)) is ok


def test_graded_and_checkable_qualitative_values_are_not_vague():
    for value in ("达成年度指标", "通过验收", "较好", "符合国家标准", "建立并持续运行"):
        table = _with_row(clean_table(), 4, value=value)
        assert "value.vague" not in _row_findings(table, 4), value


# --- normalisation: full-width, traditional, emoji, whitespace --------------------------------


def test_full_width_traditional_emoji_are_matched_but_quoted_as_written():
    table = _with_row(clean_table(), 6, level3="參訓人員滿意度 😀", value="≥９５％")
    assert [f for f in lint_table(table) if f.row == 6 and f.severity != "info"] == []
    vague = _with_row(clean_table(), 4, level3="經濟發展", value=" 促 進 ")
    finding = _row_findings(vague, 4)["value.vague"]
    assert "經濟發展" in finding.message and "“促 進”" in finding.message


def test_traditional_category_names_resolve():
    rows = [r.model_copy(update={"level1": r.level1.replace("产出指标", "產出指標")}) for r in clean_table().indicators]
    table = clean_table(indicators=rows)
    assert not [f for f in lint_table(table) if f.rule.startswith("structure.")]


def test_very_long_value_is_shortened_in_messages():
    long_value = "促进" * 5000
    table = _with_row(clean_table(), 4, value=long_value)
    findings = _row_findings(table, 4)
    assert "value.too-long" in findings and "value.vague" in findings
    assert all(len(f.message) < 300 for f in findings.values())
    assert "共10000字" in findings["value.too-long"].message


# --- structure and profiles -------------------------------------------------------------------


def test_missing_category_is_an_error_and_partial_sources_downgrade_it():
    rows = [r for r in clean_table().indicators if r.level2 != "时效指标"]
    complete = lint_table(clean_table(indicators=rows))
    missing = [f for f in complete if f.rule == "structure.missing-level2"]
    assert [(f.severity, f.level2) for f in missing] == [("error", "时效指标")]
    partial = clean_table(indicators=rows, source=Source(format="public-json", complete=False))
    downgraded = [f for f in lint_table(partial) if f.rule == "structure.missing-level2"]
    assert downgraded[0].severity == "warning" and "原文不完整" in downgraded[0].message


def test_public_partial_table_missing_categories_are_warnings(corpus):
    table = corpus["020.json"][0]
    assert table.source.complete is False
    missing = [f for f in lint_table(table) if f.rule.startswith("structure.missing")]
    assert missing and {f.severity for f in missing} == {"warning"}


def test_profiles_differ_on_the_same_table(seed):
    table = _table(seed, "残疾人保障金")
    hebei = {f.rule for f in lint_table(table, "hebei-2025")}
    mof = [f for f in lint_table(table, "mof-2021")]
    assert "structure.wrong-parent" not in hebei and "structure.missing-level1" not in hebei
    wrong = [f for f in mof if f.rule == "structure.wrong-parent"]
    assert wrong and wrong[0].level3 == "项目预算控制" and "成本指标/经济成本指标" in wrong[0].suggestion
    assert any(f.rule == "structure.missing-level1" and f.level1 == "成本指标" for f in mof)


def test_mof_style_public_table_is_clean_in_structure_under_mof(corpus):
    table = corpus["018.json"][0]
    structure_errors = [f for f in lint_table(table, "mof-2021") if f.rule == "structure.wrong-parent"]
    assert structure_errors == []
    assert any(f.rule == "structure.wrong-parent" for f in lint_table(table, "hebei-2025"))


def test_aliases_are_recognised_with_an_info(corpus):
    findings = lint_table(corpus["004.json"][0])
    aliases = {(f.level1, f.severity) for f in findings if f.rule == "structure.alias" and f.field == "level1"}
    assert ("项目完成指标", "info") in aliases
    assert not [f for f in findings if f.rule.startswith("structure.missing")]
    assert canonical_level2("进度指标") == "时效指标" and canonical_level2("成本指标", "mof-2021") == "经济成本指标"


def test_profiles_are_data():
    assert set(PROFILES) == {"hebei-2025", "mof-2021"}
    assert ("成本指标",) in PROFILES["hebei-2025"].required["产出指标"]
    assert "成本指标" not in PROFILES["hebei-2025"].required and "成本指标" in PROFILES["mof-2021"].required
    with pytest.raises(ValueError, match="未知的指标框架"):
        lint_table(clean_table(), "nowhere-1999")


# --- table consistency ------------------------------------------------------------------------


def test_budget_sum_plan_and_goal_rules():
    table = clean_table(
        budget=Budget(total=100000, fiscal=60000, other=30000),
        spending_plan=[PlanItem(label="3月底", percent=50), PlanItem(label="6月底", percent=25), PlanItem(label="12月底", percent=90)],
        goal="1.新增高新技术企业15家，培训企业经营管理人员300人次。",
    )
    rules = {f.rule: f for f in lint_table(table)}
    assert rules["table.budget-sum"].severity == "error" and "10,000.00" in rules["table.budget-sum"].message
    assert rules["table.plan-decreasing"].severity == "error"
    assert rules["table.plan-end"].severity == "error"
    missing = rules["table.goal-number-missing"]
    assert "新增高新技术企业15家" in missing.message and "新增高新技术企业≥15家" in missing.suggestion


def test_goal_empty_vague_and_duplicates():
    assert "table.goal-empty" in {f.rule for f in lint_table(clean_table(goal=""))}
    assert "table.goal-vague" in {f.rule for f in lint_table(clean_table(goal="1.促进产业发展，提升服务水平"))}
    rows = list(clean_table().indicators)
    duplicated = clean_table(indicators=rows + [rows[1]])
    dup = [f for f in lint_table(duplicated) if f.rule == "table.duplicate-row"]
    assert [f.row for f in dup] == [len(rows)] and "第2行" in dup[0].message


# --- Finding, JSON, lint_tables ---------------------------------------------------------------


def test_finding_json_has_exactly_the_public_keys_and_no_row(seed):
    findings = lint_tables(seed.values())
    data = json.loads(findings_json(findings))
    assert data and all(list(item) == JSON_KEYS for item in data)
    assert any(item["level3"] is None for item in data)  # table-level findings
    assert all(f.row is None or f.level3 is not None for f in findings)
    assert {f.severity for f in findings} <= {"error", "warning", "info"}
    assert {f.rule for f in findings} <= set(RULES)


# --- fixes ------------------------------------------------------------------------------------


def test_fix_table_rewrites_units_and_aliases_only(corpus, seed):
    table = _table(seed, "残疾人保障金")
    fixed, changes = fix_table(table)
    assert [i.value for i in fixed.indicators][1] == "100%" and fixed.indicators[8].value == "≥95%"
    assert fixed.indicators[4].value == "促进"  # vague values are a judgement, not a fix
    assert table.indicators[1].value == "100百分比"  # the input is untouched
    assert {f.rule for f in changes} == {"value.nonstandard-unit"}
    assert not [f for f in lint_table(fixed) if f.rule == "value.nonstandard-unit"]
    public, aliases = fix_table(corpus["004.json"][0])
    assert public.indicators[0].level1 == "产出指标" and {f.rule for f in aliases} == {"structure.alias"}


def test_fix_keeps_wrongly_placed_alias_for_a_person_to_move(corpus):
    table = corpus["011.json"][0]  # 效益指标/社会公众或服务对象满意度指标
    fixed, _ = fix_table(table)
    assert fixed.indicators[7].level2 == table.indicators[7].level2


# --- Draft ------------------------------------------------------------------------------------


def test_draft_rejects_errors_with_chinese_messages(seed):
    data = _table(seed, "残疾人保障金").model_dump()
    with pytest.raises(ValidationError) as caught:
        Draft.model_validate(data)
    errors = caught.value.errors(include_url=False)
    assert len(errors) >= 7
    assert all(e["type"] == "draft_check" for e in errors)
    vague = next(e for e in errors if e["loc"] == ("indicators", 4, "value"))
    assert "“促进”" in vague["msg"] and "带动企业新增产值≥X万元" in vague["msg"]


def test_draft_accepts_a_clean_table_and_profile_from_context():
    draft = Draft.model_validate(clean_table().model_dump())
    assert isinstance(draft, ProjectTable)
    with pytest.raises(ValidationError) as caught:
        Draft.model_validate(clean_table().model_dump(), context={"profile": "mof-2021"})
    assert any("成本指标" in e["msg"] for e in caught.value.errors())
    with pytest.raises(ValidationError, match="未知的指标框架"):
        Draft.model_validate(clean_table().model_dump(), context={"profile": "nowhere"})


def test_real_tables_still_load_leniently(seed):
    assert ProjectTable.model_validate(_table(seed, "残疾人保障金").model_dump()).indicators


# --- robustness -------------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("≥≤<>=%％百分比万元人次率数量０１２３４５６７８９*XＸ（）()、，。 \t\n😀滿意度")),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level1=_TEXT, level2=_TEXT, level3=_TEXT, value=_TEXT, description=_TEXT, basis=_TEXT, goal=_TEXT)
def test_lint_never_raises_on_arbitrary_text(level1, level2, level3, value, description, basis, goal):
    row = Indicator(level1=level1, level2=level2, level3=level3, value=value, description=description, basis=basis)
    table = ProjectTable(project_name=level3, goal=goal, budget=Budget(total=1000.0), indicators=[row])
    for profile in PROFILES:
        findings = lint_table(table, profile)
        assert all(isinstance(f, Finding) and f.message for f in findings)
        json.loads(findings_json(findings))
        fix_table(table, profile)
