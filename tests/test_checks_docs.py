"""The rule catalogue: every rule has texts and docs, docs/rules.md is current, no rule is dead."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.checks import RULES, lint_table, unreadable_file
from assistant.checks.catalogue import render_markdown
from assistant.checks.messages import MESSAGES, RULE_DOCS, SUGGESTIONS
from assistant.corpus import entries
from assistant.model import Budget, Indicator, PlanItem, ProjectTable

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "assistant" / "checks"
DOCS = ROOT / "docs" / "rules.md"


def _ids_in_code() -> set[str]:
    found: set[str] = set()
    for path in [*CHECKS.glob("rules_*.py"), CHECKS / "engine.py"]:
        found |= set(re.findall(r'(?:ctx\.add|FitProblem)\(\s*"([a-z0-9.-]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_rule_id_in_code_is_registered_and_documented():
    in_code = _ids_in_code()
    assert len(in_code) >= 40
    assert in_code == set(RULES)
    docs = DOCS.read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"`{rule_id}`" in docs, rule_id


def test_docs_file_is_generated_from_the_metadata():
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), "run: python -m assistant.checks.catalogue > docs/rules.md"


def test_every_rule_has_message_suggestion_and_catalogue_entry():
    for rule_id in RULES:
        assert rule_id in MESSAGES and rule_id in SUGGESTIONS, rule_id
        assert set(RULE_DOCS[rule_id]) == {"title", "checks", "why", "bad", "good"}, rule_id
    for key in [*MESSAGES, *SUGGESTIONS, *RULE_DOCS]:
        assert key.split(":")[0] in RULES, key


def _synthetic_tables() -> list[ProjectTable]:
    row = dict(level1="产出指标", level2="质量指标", description="合格数÷总数", basis="计划标准")
    rows = [
        Indicator(level3="验收合格率", value="≥120%", **row),
        Indicator(level3="系统稳定运行率", value="≤99%", **row),
        Indicator(level3="培训人数", value="≥**人", **row),
        Indicator(level3="验收合格率", value="100%", **row),
        Indicator(level1="产出指标", level2="成本指标", level3="项目总成本", value="≤200万元", basis="预算"),
        Indicator(level1="产出指标", level2="成本指标", level3="单位成本", value="=5元", basis="预算"),
        Indicator(level1="产出指标", level2="时效指标", level3="检测及时率", value="≤7工作日"),
        Indicator(level1="产出指标", level2="", level3="培训人次", value="≥300人次"),
    ]
    return [
        ProjectTable(),
        ProjectTable(
            project_name="综合",
            budget=Budget(total=100, fiscal=50, other=10),
            spending_plan=[PlanItem(label="6月底", percent=60), PlanItem(label="12月底", percent=40)],
            indicators=rows,
        ),
        ProjectTable(project_name="财政超预算", budget=Budget(total=100, fiscal=200), indicators=rows[:1]),
        ProjectTable(project_name="2026年退休人员医疗保险缴费", year=2026, fund_use="为退休人员缴纳医疗保险", indicators=[
            Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="企业满意度", value="≥90%"),
            Indicator(level1="产出指标", level2="时效指标", level3="缴费时间", value="2021.1.1-12.31"),
            Indicator(level1="效益指标", level2="社会效益指标", level3="资金使用率", value="≥95%"),
        ]),
    ]


def test_no_rule_is_dead():
    emitted = {unreadable_file("x.json：文件为空").rule}
    tables = [t for e in entries(ROOT / "corpus") for t in e.document.tables] + _synthetic_tables()
    for profile in ("hebei-2025", "mof-2021"):
        for table in tables:
            emitted |= {f.rule for f in lint_table(table, profile)}
    assert set(RULES) - emitted == set()
