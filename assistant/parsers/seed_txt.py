"""The Word-booklet-exported-to-text format of the seed.

Each table cell is one line starting with a TAB; a line without a leading TAB ends a table
row; merged 一级/二级 cells are blank and inherit the value above. Table titles look like
`[bookmark: _Toc…]1.2025年……绩效目标表`. The part before the first table title is the
department-wide part (部门整体绩效目标).
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.model import (
    Budget,
    DepartmentGoals,
    Document,
    Indicator,
    PlanItem,
    ProjectTable,
    Source,
    SubGoal,
)
from assistant.parsers.common import find_year, parse_amount, parse_percent, squash

TITLE = re.compile(r"^(?:\[bookmark:[^\]]*\])?\s*(\d+)\s*[.．、]\s*(.+?)绩效目标表\s*$")
BOOKMARK = re.compile(r"^\[bookmark:[^\]]*\]")
SUB_GOAL = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$")
HEADER_CELLS = ("一级指标", "二级指标", "三级指标")


def looks_like_seed_text(text: str) -> bool:
    return any(TITLE.match(line.strip()) for line in text.splitlines()[:5000]) or (
        "\t一级指标" in text and "\t三级指标" in text
    )


def _rows(lines: list[str]) -> list[list[str]]:
    """Group TAB-led lines into rows of cells; any other line ends the current row."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            current.append(line[1:].strip())
        elif current:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def _after(cells: list[str], label: str) -> str | None:
    """The cell right after the one whose squashed text starts with `label`."""
    for i, cell in enumerate(cells[:-1]):
        if squash(cell).startswith(label):
            return cells[i + 1]
    return None


def _indicator_rows(rows: list[list[str]]) -> list[Indicator]:
    indicators: list[Indicator] = []
    level1 = level2 = ""
    for cells in rows:
        if all(not c for c in cells):
            continue
        cells = (cells + [""] * 6)[:6] if len(cells) < 6 else cells[:6]
        if len(cells) == 6 and cells[0] in HEADER_CELLS:
            continue
        l1, l2, l3, description, value, basis = cells
        if l1:
            level1, level2 = l1, ""
        if l2:
            level2 = l2
        indicators.append(
            Indicator(
                level1=level1, level2=level2, level3=l3, description=description, value=value, basis=basis
            )
        )
    return indicators


def _parse_table(title: str, lines: list[str], source: Source) -> ProjectTable:
    rows = _rows(lines)
    table = ProjectTable(project_name=title, source=source)
    header_at = None
    for i, cells in enumerate(rows):
        squashed = [squash(c) for c in cells]
        if i == 0 and len(cells) >= 1 and not any(s.startswith(("项目编码", "预算")) for s in squashed):
            table.department = cells[0]
        if "项目编码" in squashed:
            table.project_code = _after(cells, "项目编码") or None
        if "项目名称" in squashed:
            table.project_name = _after(cells, "项目名称") or title
        if "预算数" in squashed:
            table.budget = Budget(
                total=parse_amount(_after(cells, "预算数")),
                fiscal=parse_amount(_after(cells, "其中：财政资金") or _after(cells, "财政资金")),
                other=parse_amount(_after(cells, "其他资金")),
            )
            if i + 1 < len(rows) and rows[i + 1] and not squash(rows[i + 1][0]):
                table.fund_use = "\n".join(c for c in rows[i + 1][1:] if c)
        if squashed and squashed[0].startswith("资金支出计划"):
            labels = cells[1:]
            percents = rows[i + 1][1:] if i + 1 < len(rows) else []
            table.spending_plan = [
                PlanItem(label=label, percent=parse_percent(percents[k] if k < len(percents) else None))
                for k, label in enumerate(labels)
                if label
            ]
        if squashed and squashed[0] == "绩效目标":
            table.goal = "\n".join(c for c in cells[1:] if c)
        if tuple(squashed[:3]) == HEADER_CELLS:
            header_at = i
            break
    if header_at is not None:
        table.indicators = _indicator_rows(rows[header_at + 1 :])
    return table


def _department_part(lines: list[str], source: Source) -> DepartmentGoals | None:
    text_lines = [BOOKMARK.sub("", line).strip() for line in lines]
    text_lines = [line for line in text_lines if line]
    if not any("绩效目标" in line for line in text_lines):
        return None
    goals = DepartmentGoals(source=source)
    section = None
    current: SubGoal | None = None
    overall: list[str] = []
    measures: list[str] = []
    for line in text_lines:
        if line.startswith("一、"):
            section = "overall"
            continue
        if line.startswith("二、"):
            section = "sub"
            continue
        if line.startswith("三、"):
            section = "measures"
            continue
        if line.startswith("第二部分"):
            break
        if section == "overall":
            overall.append(line)
        elif section == "measures":
            measures.append(line)
        elif section == "sub":
            m = SUB_GOAL.match(line)
            if m:
                current = SubGoal(title=m.group(2).strip())
                goals.sub_goals.append(current)
            elif current is not None and line.startswith("绩效目标"):
                current.goal = re.sub(r"^绩效目标[:：]\s*", "", line)
            elif current is not None:
                name = re.sub(r"^绩效指标[:：]\s*", "", line)
                if name:
                    current.indicators.append(name)
    goals.overall_goal = "\n".join(overall)
    goals.measures = "\n".join(measures)
    if not (goals.overall_goal or goals.sub_goals or goals.measures):
        return None
    return goals


def parse_seed_text(text: str, source: Source) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [(i, TITLE.match(line.strip())) for i, line in enumerate(lines)]
    starts = [(i, m) for i, m in starts if m]
    doc = Document()
    first = starts[0][0] if starts else len(lines)
    doc.department_goals = _department_part(lines[:first], source)
    for n, (i, m) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        table = _parse_table(m.group(2).strip(), lines[i + 1 : end], source)
        table.year = find_year(m.group(2), table.project_name, bare=False)
        doc.tables.append(table)
    if not starts and "\t一级指标" in text:
        # A single table pasted without its numbered title.
        doc.tables.append(_parse_table("", lines, source))
    fill_booklet_year(doc)
    return doc


def fill_booklet_year(doc: Document) -> None:
    """Tables without a year in their name take the booklet's most common year."""
    years = Counter(t.year for t in doc.tables if t.year)
    if not years:
        return
    year = years.most_common(1)[0][0]
    for table in doc.tables:
        table.year = table.year or year
    if doc.department_goals is not None:
        doc.department_goals.year = year
        units = [t.department for t in doc.tables if t.department]
        if units:
            doc.department_goals.department = re.sub(r"^\d+|本级$", "", units[0])
