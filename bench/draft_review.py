"""An automatic reviewer for drafted tables, against the evaluation briefs (bench/data/briefs_*.jsonl).

For one brief and its draft it answers what a finance-bureau reviewer asks (domain.md §6):
- captured: which statements of the brief have a row with their value in an allowed category;
- fit: which drafted rows are acceptable for THIS project — a row an experienced clerk would
  write (an expected row: category and name, and the brief's value where it fixes one), or a
  row that passes the review rules: no fit finding of the checker, none of the brief's
  forbidden words, from the brief, the budget, the library of the project's own (gold) type or
  the common indicators, or a corpus project of the same type with that project's value;
- the name (free-text briefs) and the goal text (2–4 numbered sentences, every number in a row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.checks import canonical_level2, lint_table
from assistant.drafting import Brief
from assistant.drafting.describe import brief_from_text
from assistant.model import Indicator, ProjectTable
from assistant.vocab import fold

UNIT_EQUIVALENT = {"名": "人", "工作日": "个工作日", "万人次": "万人次"}
LIBRARY_PREFIX = "内置指标库（"
SPEAKER_WORDS = re.compile(r"我们|我局|咱们|要办|想给|打算|准备|今年要|明年要|还找")


def brief_of(case: dict[str, Any], profile: str | None = None) -> Brief:
    if "text" in case:
        return brief_from_text(case["text"], profile=profile)
    return Brief(department=case.get("department", ""), year=case["year"], profile=profile, **case["brief"])


def _l2(name: str) -> str:
    return canonical_level2(name, "hebei-2025")


def _unit(unit: str | None) -> str:
    unit = (unit or "").strip()
    return UNIT_EQUIVALENT.get(unit, unit)


def _number_unit_match(row: Indicator, number: float, unit: str | None) -> bool:
    p = row.parsed
    if p.number is None:
        return False
    want_unit, got_unit = _unit(unit), _unit(p.unit)
    if abs(p.number - number) < 1e-6 and (want_unit == got_unit or want_unit in (got_unit or "") or (got_unit or "").startswith(want_unit)):
        return True
    scale = {("万元", "元"): 1e4, ("元", "万元"): 1e-4, ("万亩", "亩"): 1e4, ("万人次", "人次"): 1e4, ("万条", "条"): 1e4,
             ("万份", "份"): 1e4, ("万字", "字"): 1e4}.get((want_unit, (got_unit or "").split("/")[0]))
    return bool(scale) and abs(p.number - number * scale) < 1e-6


def captured(statement: dict[str, Any], rows: list[Indicator], year: int) -> bool:
    allowed = {_l2(x) for x in statement["level2"]}
    pool = [r for r in rows if _l2(r.level2) in allowed]
    if statement["kind"] == "deadline":
        month = statement.get("month")
        return any(f"{year}年{month}月" in r.value or (month == 12 and "年底" in r.value) for r in pool)
    number = statement.get("number")
    if number is None:
        key = re.sub(r"[须要应全部都均并且的]", "", statement["text"])
        grams = {key[i:i + 2] for i in range(len(key) - 1)}
        return any(grams and len(grams & {t[i:i + 2] for t in (r.level3 + r.value,) for i in range(len(t) - 1)}) / len(grams) >= 0.5
                   for r in pool)
    return any(_number_unit_match(r, float(number), statement.get("unit")) or
               (r.value and f"{number:g}" in r.value and (statement.get("unit") or "") in r.value) for r in pool)


def matches_expected(row: Indicator, expected: dict[str, Any]) -> bool:
    if _l2(row.level2) != _l2(expected["level2"]):
        return False
    if not any(fold(n) in fold(row.level3) for n in expected.get("name_any", [])):
        return False
    value = expected.get("value")
    if not value:
        return True
    from assistant.values import parse_value

    want = parse_value(value)
    if want.number is None:
        return fold(value) in fold(row.value)
    return _number_unit_match(row, want.number, want.unit)


@dataclass
class Review:
    case_id: str
    type: str
    predicted_type: str | None
    statements: int = 0
    captured: int = 0
    missing: list[str] = field(default_factory=list)
    rows: int = 0
    fit: int = 0
    expected_hits: int = 0
    unfit: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    name_ok: bool | None = None
    goal_ok: bool = True
    goal_problems: list[str] = field(default_factory=list)
    contradiction_expected: bool = False
    contradiction_found: bool = False
    seconds: float = 0.0


def _row_reasons(row: Indicator, table: ProjectTable, case: dict[str, Any], findings_by_row: dict[int, list[str]], index: int,
                 gold_titles: set[str]) -> list[str]:
    reasons = list(findings_by_row.get(index, []))
    for word in case.get("forbidden", []):
        if fold(word) in fold(row.level3):
            reasons.append(f"forbidden “{word}”")
    source = row.source or ""
    if source.startswith(LIBRARY_PREFIX):
        title = source[len(LIBRARY_PREFIX):-1]
        if title == "共性指标" and case["type"] != "none":
            reasons.append("generic row in a project of a known type")
        elif title not in gold_titles and title != "共性指标":
            reasons.append(f"library of another type ({title})")
    elif source and source not in ("项目申报内容", "批复预算") and not source.startswith(LIBRARY_PREFIX):
        # a corpus row: its basis must quote the value it carries
        if row.value not in row.basis:
            reasons.append("basis cites a value the row does not carry")
    if re.search(r"(?:19|20)\d{2}(?=\s*年|[.\-/]\d)", row.level3 + row.value) and str(table.year) not in row.value:
        reasons.append("another year")
    return reasons


def review(case: dict[str, Any], result: Any, gold_titles: set[str], seconds: float = 0.0) -> Review:
    table: ProjectTable = result.table
    rows = table.indicators
    predicted = (result.project_type or {}).get("primary")
    r = Review(case["id"], case["type"], predicted, seconds=seconds)
    for s in case["statements"]:
        r.statements += 1
        if captured(s, rows, table.year or case["year"]):
            r.captured += 1
        else:
            r.missing.append(s["text"])
    findings = lint_table(table)
    r.errors = sum(1 for f in findings if f.severity == "error")
    r.warnings = sum(1 for f in findings if f.severity == "warning")
    by_row: dict[int, list[str]] = {}
    for f in findings:
        if f.row is not None and (f.severity != "info"):
            by_row.setdefault(f.row, []).append(f.rule)
    for i, row in enumerate(rows):
        r.rows += 1
        if any(matches_expected(row, e) for e in case["expected_rows"]):
            r.fit += 1
            r.expected_hits += 1
            continue
        reasons = _row_reasons(row, table, case, by_row, i, gold_titles)
        if reasons:
            r.unfit.append(f"{row.level2}/{row.level3} {row.value}: {'; '.join(reasons)}")
        else:
            r.fit += 1
    if case.get("expect_name"):
        name = table.project_name
        r.name_ok = bool(re.match(r"(?:19|20)\d{2}年", name)) and not SPEAKER_WORDS.search(name) and _dice(name, case["expect_name"]) >= 0.5
    goal = table.goal
    sentences = re.findall(r"(?:^|\n)\s*\d+[.、．]", goal)
    if not 2 <= len(sentences) <= 4:
        r.goal_problems.append(f"{len(sentences)} sentences")
    if any(f.rule == "table.goal-number-missing" for f in findings):
        r.goal_problems.append("a number with no row")
    if "*" in goal or "＊" in goal:
        r.goal_problems.append("template hint")
    r.goal_ok = not r.goal_problems
    r.contradiction_expected = bool(case.get("contradiction"))
    r.contradiction_found = any(f.get("rule") == "brief.figures-disagree" for f in result.findings)
    return r


def _dice(a: str, b: str) -> float:
    x = {a[i:i + 2] for i in range(len(a) - 1)}
    y = {b[i:i + 2] for i in range(len(b) - 1)}
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def unread(case: dict[str, Any], reason: str) -> Review:
    """A brief the drafter could not read: every statement missing, the name and goal not ok."""
    r = Review(case["id"], case["type"], None, statements=len(case["statements"]),
               missing=[s["text"] for s in case["statements"]], goal_ok=False, goal_problems=[f"unread: {reason[:60]}"])
    r.name_ok = False if case.get("expect_name") else None
    r.contradiction_expected = bool(case.get("contradiction"))
    return r
