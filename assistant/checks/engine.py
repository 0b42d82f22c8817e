"""Running the rules over tables: `lint_table`, `lint_tables`. All findings at once, in order:
table identity and structure first, then the rows top to bottom, then cross-row checks."""

from __future__ import annotations

from typing import Iterable

from assistant.checks import rules_fit, rules_rows, rules_structure, rules_table, rules_values
from assistant.checks.context import TableContext
from assistant.checks.findings import Finding
from assistant.checks.normalize import fold
from assistant.checks.profiles import DEFAULT_PROFILE, Profile, get_profile
from assistant.model import ProjectTable


def lint_table(table: ProjectTable, profile: str | Profile | None = DEFAULT_PROFILE) -> list[Finding]:
    """Every finding for one table under a profile (name or Profile). Never raises on content."""
    ctx = TableContext(table, profile if isinstance(profile, Profile) else get_profile(profile))
    any_basis = any(fold(row.indicator.basis) for row in ctx.rows)
    context = rules_fit.project_text(table)
    rules_table.check_identity(ctx)
    rules_table.check_budget(ctx)
    rules_table.check_plan(ctx)
    rules_table.check_goal(ctx)
    rules_structure.check_structure(ctx)
    rules_structure.check_categories(ctx)
    for row in ctx.rows:
        rules_rows.check_name(ctx, row)
        rules_values.check_value(ctx, row)
        rules_rows.check_texts(ctx, row, any_basis)
        rules_fit.check_fit(ctx, row, context)
    rules_table.check_duplicates(ctx)
    rules_table.check_basis_absent(ctx, any_basis)
    return ctx.findings


def unreadable_file(error: str) -> Finding:
    """A file that could not be read, as a finding (rule file.unreadable) instead of a traceback."""
    ctx = TableContext(ProjectTable(), get_profile(None))
    ctx.add("file.unreadable", field="file", error=error)
    return ctx.findings[0]


def lint_tables(tables: Iterable[ProjectTable], profile: str | Profile | None = DEFAULT_PROFILE) -> list[Finding]:
    resolved = profile if isinstance(profile, Profile) else get_profile(profile)
    return [finding for table in tables for finding in lint_table(table, resolved)]
