"""The indicator library (assistant/drafting/library/*.yaml): every file valid against the schema,
every template, filled with typical values, passes the checker without errors or warnings."""

from __future__ import annotations

import pytest

from assistant.checks import lint_table
from assistant.drafting.library import (
    COMMON_TYPE,
    LIBRARY_DIR,
    load_library,
    load_type,
    project_types,
    sample_fill,
    sample_value,
)
from assistant.model import Indicator, ProjectTable
from assistant.vocab import LEVEL2

LIBRARY = load_library()
CASES = [(kind.id, t.id) for kind in LIBRARY.values() for t in kind.templates]
PROFILE_LEVEL1 = {"hebei-2025": {"经济成本指标": "成本指标"}, "mof-2021": {"成本指标": "经济成本指标"}}


def test_every_file_loads_and_the_typology_is_broad():
    files = sorted(LIBRARY_DIR.glob("*.yaml"))
    assert [load_type(p).id for p in files] == [p.stem for p in files]
    assert COMMON_TYPE in LIBRARY
    assert len(project_types()) >= 21


@pytest.mark.parametrize("kind", [k for k in LIBRARY.values() if k.id != COMMON_TYPE], ids=lambda k: k.id)
def test_each_type_covers_the_framework(kind):
    level2 = {t.level2 for t in kind.templates}
    assert len(kind.templates) >= 10
    for needed in ("数量指标", "质量指标", "时效指标", "服务对象满意度指标"):
        assert needed in level2, f"{kind.id}: no {needed}"
    assert level2 & {"成本指标", "经济成本指标"}, f"{kind.id}: no cost template"
    assert level2 & {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}, f"{kind.id}: no benefit template"
    assert kind.keywords.name and kind.beneficiaries and kind.purpose and kind.records


@pytest.mark.parametrize("profile", ["hebei-2025", "mof-2021"])
@pytest.mark.parametrize("kind_id,template_id", CASES)
def test_template_filled_with_sample_values_passes_the_checker(kind_id, template_id, profile):
    from assistant.checks import get_profile

    kind = LIBRARY[kind_id]
    template = next(t for t in kind.templates if t.id == template_id)
    level2 = PROFILE_LEVEL1[profile].get(template.level2, template.level2)
    assert level2 in LEVEL2
    level1 = get_profile(profile).parent(level2)
    if level1 is None:
        pytest.skip(f"{level2} is not a category of {profile}")
    row = Indicator(level1=level1, level2=level2, level3=sample_fill(template.name, kind, template),
                    description=sample_fill(template.explanation, kind, template), value=sample_value(template),
                    basis=f"{template.basis}：{template.basis_detail or '项目实施方案'}")
    # a project of the template's own type: its summary, the words the template requires, whom it serves
    use = "。".join([kind.summary, "、".join(template.requires), "、".join(template.beneficiaries or kind.beneficiaries)])
    table = ProjectTable(project_name=f"2026年{kind.title}样例项目", year=2026, fund_use=use, budget={"total": 500000.0},
                         indicators=[row])
    findings = [f for f in lint_table(table, profile=profile) if f.row == 0 and f.severity != "info"]
    assert not findings, [f"{f.rule}: {f.message}" for f in findings]
