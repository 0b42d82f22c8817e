"""Reading a brief: statements (quantities with their own subjects, coverage, targets, service
levels, deadlines, standards, outcomes), the budget and its split, a clean project name."""

from __future__ import annotations

import pytest

from assistant.drafting.describe import brief_from_text, read_budget
from assistant.drafting.money import check_figures
from assistant.drafting.statements import prepare, read_statements


def _rows(text: str) -> list[tuple[str, str, float | None, str | None]]:
    return [(s.kind, s.name, s.number, s.unit) for s in read_statements(text)]


def test_each_quantity_keeps_its_own_subject_and_unit_and_the_villages_are_coverage():
    rows = _rows("为12个村购置垃圾转运车5辆、分类垃圾桶800个，8月底前完成")
    assert ("scope", "覆盖村数", 12, "个") in rows
    assert ("quantity", "购置垃圾转运车数量", 5, "辆") in rows
    assert ("quantity", "购置分类垃圾桶数量", 800, "个") in rows
    deadline = [s for s in read_statements("为12个村购置垃圾转运车5辆、分类垃圾桶800个，8月底前完成") if s.kind == "deadline"]
    assert [(d.month, d.when) for d in deadline] == [(8, "8月底")]


def test_townships_are_coverage_not_the_number_of_performances():
    rows = _rows("在全县18个乡镇开展送戏下乡演出120场，每场演出补助8000元，11月底前完成")
    assert ("scope", "覆盖乡镇数", 18, "个") in rows
    assert ("quantity", "开展送戏下乡演出场次", 120, "场") in rows
    assert ("standard", "每场演出补助标准", 8000, "元/场") in rows


@pytest.mark.parametrize("text,name,op,number", [
    ("验收合格率达到100%", "验收合格率", "=", 100),
    ("培训合格率不低于85%", "培训合格率", "≥", 85),
    ("清查数据差错率控制在1%以内", "清查数据差错率", "≤", 1),
    ("要求系统可用率不低于99.5%", "系统可用率", "≥", 99.5),
])
def test_targets_in_words(text, name, op, number):
    [s] = read_statements(text)
    assert (s.name, s.operator, s.number, s.unit) == (name, op, number, "%")


def test_service_levels_and_a_frequency_become_rows():
    found = read_statements("出故障2小时内响应、24小时内修复，每月巡检一次全年12次")
    assert [(s.name, s.operator, s.number, s.unit) for s in found] == [
        ("故障响应时限", "≤", 2, "小时"), ("故障修复时限", "≤", 24, "小时"), ("巡检次数", "≥", 12, "次")]


def test_standards_per_person_and_period_and_outcomes():
    rows = _rows("补贴对象1850人，每人每月80元，带动销售额3000万元，带动就业150人")
    assert ("quantity", "补贴对象人数", 1850, "人") in rows
    assert ("standard", "人均补助标准", 80, "元/人·月") in rows
    assert ("outcome", "带动销售额", 3000, "万元") in rows
    assert any(kind == "outcome" and number == 150 and unit == "人" for kind, _, number, unit in rows)


def test_chinese_numerals_and_full_width_digits_are_read():
    assert "为12个村" in prepare("为十二个村")
    rows = _rows("办两期培训班，培训１２０人次")
    assert ("quantity", "培训班期数", 2, "期") in rows or any(n == 2 and u == "期" for _, _, n, u in rows)
    assert any(n == 120 and u == "人次" for _, _, n, u in rows)
    # numerals that count nothing stay as written
    assert prepare("推进一体化平台建设，统一规划") == "推进一体化平台建设，统一规划"


def test_a_figure_said_twice_is_one_statement_and_a_manner_of_speaking_is_none():
    rows = _rows("要办两期培训班，争取9月底前两期都办完；防汛物资要补一批")
    assert sum(1 for _, _, n, u in rows if u == "期") == 1
    assert not any(u == "批" for _, _, _, u in rows)


@pytest.mark.parametrize("text,total,fiscal,other", [
    ("预算15万元，全部财政资金", 150000, 150000, 0),
    ("全年运维费用３８万元，财政出３０万，剩下８万从中心事业收入里出", 380000, 300000, 80000),
    ("预算85万，其中上级补助30万、县财政55万", 850000, 850000, 0),
    ("预算七十万，分两批发放", 700000, None, None),
    ("总投资120万元，其中财政资金100万元，自筹资金20万元", 1200000, 1000000, 200000),
])
def test_budget_sentences(text, total, fiscal, other):
    t, f, o = read_budget(prepare(text))
    assert (t, f, o) == (total, fiscal, other)


@pytest.mark.parametrize("text,name,year", [
    ("我们局2026年要办两期农村电商直播带货培训班，预算12万元", "2026年农村电商直播带货培训项目", 2026),
    ("明年（2027年）防汛物资储备要补一批，预算四十二万元", "2027年防汛物资储备项目", 2027),
    ("2026年给低保、特困这些困难群体代缴城乡居民养老保险，预算130万", "2026年困难群体城乡居民养老保险代缴项目", 2026),
    ("教体局25年学前教育资助：每生每年1000元，预算七十万", "2025年学前教育资助项目", 2025),
])
def test_a_clean_project_name_from_free_text(text, name, year):
    brief = brief_from_text(text)
    assert (brief.name, brief.year) == (name, year)
    assert "我们" not in brief.name and "要" not in brief.name


def test_figures_that_disagree_with_the_budget_are_reported():
    statements = read_statements("补贴对象1850人，每人每月80元，按季度发放")
    [message] = check_figures(statements, 1_500_000, ["subsidy_people"])
    assert "1850人×80元/人·月×12个月" in message and "177.60万元" in message and "150.00万元" in message
    assert check_figures(read_statements("补贴对象1500人，每人每年1000元"), 1_500_000, ["subsidy_people"]) == []
