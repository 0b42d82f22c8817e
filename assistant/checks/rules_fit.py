"""Fit rules: does a row belong to THIS project (its subject, beneficiaries, year), and does it
measure the project's output or effect rather than money arriving? Warnings: a reviewer reads
them against the project's own name, use and goal (domain.md §6).

The same tests gate the drafter's candidate rows (assistant.drafting), so a draft never carries
a row its checker would flag: `row_fit_problems(row, project_text, year)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checks import lexicon as lx
from assistant.checks.context import TableContext
from assistant.checks.rows import RowFacts
from assistant.model import Indicator, ProjectTable
from assistant.vocab import EFFECT_LEVEL2, QUALITY_LEVEL2, QUANTITY_LEVEL2, SATISFACTION_LEVEL2, fold


@dataclass(frozen=True)
class FitProblem:
    rule: str  # fit.off-topic | fit.beneficiary | fit.other-year | fit.money-as-output | fit.budget-ratio
    params: dict[str, str]


def project_text(table: ProjectTable) -> str:
    """What the project says about itself, folded: name, use and goal."""
    return fold("\n".join((table.project_name or "", table.fund_use or "", table.goal or "")))


def _unserved(name: str, context: str, vocabulary) -> tuple[str, str] | None:
    """(topic or group, the word that names it) when the row names one the project shows no sign of."""
    for label, markers, evidence in vocabulary:
        marker = next((m for m in markers if m in name), None)
        if marker and not any(word in context for word in (*markers, *evidence)):
            return label, marker
    return None


def _other_year(ind: Indicator, year: int | None) -> str | None:
    if not year:
        return None
    for text in (ind.level3, ind.value, ind.description):
        folded = fold(text)
        if str(year) in folded:
            continue  # a period across years that starts or ends in the project's (2023.07-2024.01)
        for m in lx.ROW_YEAR.finditer(folded):
            found = int(m.group(1))
            if found != year and not lx.BASE_YEAR_BEFORE.search(folded[: m.start()]):
                return m.group(1)
    return None


def row_fit_problems(ind: Indicator, level2: str | None, context: str, year: int | None) -> list[FitProblem]:
    """Every fit problem of one row in a project described by `context` (folded name/use/goal)."""
    name = fold(ind.level3)
    problems: list[FitProblem] = []
    if level2 == SATISFACTION_LEVEL2:
        group = _unserved(name, context, lx.FIT_GROUPS)
        if group:
            problems.append(FitProblem("fit.beneficiary", {"group": group[0], "word": group[1]}))
    else:
        topic = _unserved(name, context, lx.FIT_TOPICS)
        if topic:
            problems.append(FitProblem("fit.off-topic", {"topic": topic[0], "word": topic[1]}))
    year_found = _other_year(ind, year)
    if year_found:
        problems.append(FitProblem("fit.other-year", {"found": year_found, "year": str(year)}))
    if level2 in (QUANTITY_LEVEL2, QUALITY_LEVEL2) and lx.MONEY_AS_OUTPUT.search(name):
        problems.append(FitProblem("fit.money-as-output", {}))
    elif level2 in EFFECT_LEVEL2 and lx.BUDGET_RATIO.search(name):
        problems.append(FitProblem("fit.budget-ratio", {}))
    return problems


def check_fit(ctx: TableContext, row: RowFacts, context: str) -> None:
    for problem in row_fit_problems(row.indicator, row.level2, context, ctx.table.year):
        ctx.add(problem.rule, row, "level3" if problem.rule != "fit.other-year" else "value", **problem.params)
