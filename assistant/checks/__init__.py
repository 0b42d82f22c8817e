"""The checker: rules over a ProjectTable that find incomplete, vague or inconsistent 绩效目标表,
each finding with a Chinese message and a concrete suggestion (docs/rules.md lists them).

    lint_table(table, profile="hebei-2025") -> list[Finding]
    lint_tables(tables, profile) -> list[Finding]
    fix_table(table, profile) -> (ProjectTable, list[Finding])   # mechanical fixes only
    Draft.model_validate(data, context={"profile": "mof-2021"})  # raises on error findings
    findings_json(findings) -> str
"""

from assistant.checks.draft import Draft
from assistant.checks.engine import lint_table, lint_tables, unreadable_file
from assistant.checks.findings import Finding, Severity, findings_json, has_errors
from assistant.checks.fixes import fix_table
from assistant.checks.profiles import DEFAULT_PROFILE, PROFILES, Profile, canonical_level1, canonical_level2, get_profile
from assistant.checks.registry import RULES, Rule

__all__ = [
    "DEFAULT_PROFILE",
    "Draft",
    "Finding",
    "PROFILES",
    "Profile",
    "RULES",
    "Rule",
    "Severity",
    "canonical_level1",
    "canonical_level2",
    "findings_json",
    "fix_table",
    "get_profile",
    "has_errors",
    "lint_table",
    "lint_tables",
    "unreadable_file",
]
