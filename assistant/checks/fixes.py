"""Mechanical, meaning-preserving fixes: 百分比 -> %, >= -> ≥, alias category names -> canonical."""

from __future__ import annotations

from assistant.checks.engine import lint_table
from assistant.checks.findings import Finding
from assistant.checks.profiles import DEFAULT_PROFILE, Profile, get_profile
from assistant.checks.registry import RULES
from assistant.checks.rows import RowFacts
from assistant.checks.standard import fixed_category, standard_value
from assistant.model import Indicator, ProjectTable


def fix_table(table: ProjectTable, profile: str | Profile | None = DEFAULT_PROFILE) -> tuple[ProjectTable, list[Finding]]:
    """A corrected copy of the table and the findings describing what was changed.

    The input is not modified. A 二级 alias is renamed only where its 一级 is already right
    (moving rows between 一级 is a judgement, not a mechanical fix).
    """
    resolved = profile if isinstance(profile, Profile) else get_profile(profile)
    changed: set[tuple[int | None, str, str]] = set()
    rows = []
    for index, ind in enumerate(table.indicators):
        updates = _row_updates(RowFacts.of(index, ind, resolved), resolved)
        for field in updates:
            changed.add((index, field, ""))
            if field != "value":
                changed.add((None, field, getattr(ind, field).strip()))
        rows.append(Indicator.model_validate({**ind.model_dump(), **updates}) if updates else ind)
    if not changed:
        return table, []
    applied = [f for f in lint_table(table, resolved) if RULES[f.rule].fixable and _was_applied(f, changed)]
    return table.model_copy(update={"indicators": rows}), applied


def _row_updates(row: RowFacts, profile: Profile) -> dict[str, str]:
    ind, updates = row.indicator, {}
    value = standard_value(ind.value)
    if value != ind.value:
        updates["value"] = value
    if row.level1 and row.level1_alias:
        updates["level1"] = fixed_category(ind.level1, row.level1)
    if row.level2 and row.level2_alias and profile.parent(row.level2) == row.level1:
        updates["level2"] = fixed_category(ind.level2, row.level2)
    return updates


def _was_applied(finding: Finding, changed: set[tuple[int | None, str, str]]) -> bool:
    if finding.field == "value":
        return (finding.row, "value", "") in changed
    name = finding.level1 if finding.field == "level1" else finding.level2
    return (None, finding.field or "", name or "") in changed
