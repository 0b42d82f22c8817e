"""The state of one lint run over one table: its rows' facts and the findings so far."""

from __future__ import annotations

from assistant.checks.findings import Finding
from assistant.checks.messages import CATEGORY_SAMPLES, GENERIC_SAMPLE, MESSAGES, PARTIAL_NOTE, SAMPLE_JOIN, SUGGESTIONS
from assistant.checks.profiles import Profile
from assistant.checks.registry import RULES
from assistant.checks.rows import RowFacts
from assistant.model import ProjectTable


_validate_finding = Finding.__pydantic_validator__.validate_python


class TableContext:
    def __init__(self, table: ProjectTable, profile: Profile) -> None:
        self.table = table
        self.profile = profile
        self.partial = table.source is not None and not table.source.complete
        self.profile_title = profile.title
        self.rows = [RowFacts.of(i, ind, profile) for i, ind in enumerate(table.indicators)]
        self.findings: list[Finding] = []

    def add(
        self,
        rule_id: str,
        row: RowFacts | None = None,
        field: str | None = None,
        variant: str | None = None,
        *,
        level1: str | None = None,
        level2: str | None = None,
        **params: object,
    ) -> None:
        """Record a finding of `rule_id`; texts come from messages.py, severity from registry.py."""
        rule = RULES[rule_id]
        downgraded = self.partial and rule.partial is not None
        key = f"{rule_id}:{variant}" if variant else rule_id
        ind = row.indicator if row else None
        if ind is not None:
            level1, level2 = ind.level1.strip(), ind.level2.strip()
        fields = params  # a fresh dict per call: extended in place for the templates
        fields.update(loc=row.loc if row else "", profile=self.profile_title, level1=level1, level2=level2)
        message = MESSAGES.get(key, MESSAGES[rule_id]).format_map(fields)
        data = {
            "rule": rule_id,
            "severity": rule.partial_level if downgraded else rule.level,
            "project_name": self.table.project_name,
            "level1": level1,
            "level2": level2,
            "level3": ind.level3.strip() if ind else None,
            "field": field,
            "message": message + PARTIAL_NOTE if downgraded else message,
            "suggestion": SUGGESTIONS.get(key, SUGGESTIONS[rule_id]).format_map(fields),
            "row": row.index if row else None,
        }
        # The core validator on a dict: the same validation as Finding(**data), a third of the cost.
        self.findings.append(_validate_finding(data))


def sample(*level2: str | None) -> tuple[str, str]:
    """A sample (三级指标名, 指标值) for the first known 二级 name given, for concrete suggestions."""
    return next((CATEGORY_SAMPLES[name] for name in level2 if name in CATEGORY_SAMPLES), GENERIC_SAMPLE)


def sample_text(*level2: str | None) -> str:
    """'带动企业新增产值≥X万元'; a value without an operator is joined with a colon."""
    name, value = sample(*level2)
    return name + value if value[:1] in "≥≤=<>" else SAMPLE_JOIN.format(name=name, value=value)
