"""Pure conversions between the table model and what the page shows: grouped indicator rows,
the spending plan, findings and cited sources as rows, and escaping of any text that goes into
markdown. The UI module calls these; ChatService uses them for edits made in the grid."""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

from assistant.model import Indicator, PlanItem, ProjectTable

INDICATOR_HEADERS = ["行", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
PLAN_HEADERS = ["时间节点", "累计支出（%）"]
FINDING_HEADERS = ["级别", "行", "指标", "问题", "修改建议"]
SOURCE_HEADERS = ["类型", "出处", "指标", "指标值"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MESSAGES = {
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "icon": {"error": "❌", "warning": "⚠️", "info": "ℹ️"},
    "table_level": "全表",
    "source_kind": {"project": "相似项目", "indicator": "相似指标", "draft": "起草参考", "stat": "取值统计"},
    "row": "第{row}行",
    "draft_label": "{title}（{time}，{n} 个指标）",
}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>$])")
# What the chat's markdown (GFM) would turn into a link by itself: URLs, www. names, e-mail.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)|(@)")


def esc(text: object) -> str:
    """The one escape for anything shown as markdown or HTML that came from a user, a file or the
    corpus (replies, findings, plan labels, sources): HTML escaped, markdown marks inert, no
    autolink — so no link or image appears that the app did not make. One line."""
    escaped = html.escape(str(text if text is not None else ""), quote=True)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped).replace("\n", " ")


def cell(text: object) -> str:
    """A grid cell: plain text, one line, trimmed."""
    return re.sub(r"\s+", " ", str(text if text is not None else "")).strip()


def indicator_rows(table: ProjectTable | None) -> list[list[str]]:
    """Indicator rows in table order; 一级/二级 blank when repeated (merged cells, as in Word)."""
    rows: list[list[str]] = []
    prev1 = prev2 = None
    for i, ind in enumerate(table.indicators if table else []):
        same1 = ind.level1 == prev1
        same2 = same1 and ind.level2 == prev2
        rows.append([str(i + 1), "" if same1 else ind.level1, "" if same2 else ind.level2, ind.level3,
                     ind.description, ind.value, ind.basis])
        prev1, prev2 = ind.level1, ind.level2
    return rows


def indicators_from_rows(rows: Iterable[Iterable[Any]], previous: list[Indicator] | None = None) -> list[Indicator]:
    """Grid rows back to indicators: blank 一级/二级 cells inherit from the row above; empty rows
    are dropped; the provenance of an unchanged row is kept."""
    by_key = {(i.level3, i.value): i for i in previous or []}
    out: list[Indicator] = []
    level1 = level2 = ""
    for raw in rows:
        values = [cell(v) for v in list(raw)[: len(INDICATOR_HEADERS)]]
        values += [""] * (len(INDICATOR_HEADERS) - len(values))
        _, l1, l2, l3, desc, value, basis = values
        if not any((l3, desc, value, basis)):
            continue
        if l1 and l1 != level1:
            level1, level2 = l1, ""
        level2 = l2 or level2
        old = by_key.get((l3, value))
        out.append(Indicator(level1=level1, level2=level2, level3=l3, description=desc, value=value, basis=basis,
                             source=old.source if old else None))
    return out


def plan_rows(table: ProjectTable | None) -> list[list[Any]]:
    return [[p.label, p.percent] for p in (table.spending_plan if table else [])]


def plan_from_rows(rows: Iterable[Iterable[Any]]) -> list[PlanItem]:
    out: list[PlanItem] = []
    for raw in rows:
        values = list(raw) + [None, None]
        label = cell(values[0])
        if not label:
            continue
        try:
            percent = float(str(values[1]).replace("%", "").strip()) if cell(values[1]) else None
        except ValueError:
            percent = None
        out.append(PlanItem(label=label, percent=percent))
    return out


def sort_findings(findings: Iterable[Any]) -> list[Any]:
    """Errors first, then warnings, then infos; table-level before rows; rows in order."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), -1 if f.row is None else f.row))


def finding_where(f: Any) -> str:
    return MESSAGES["row"].format(row=f.row + 1) if f.row is not None else MESSAGES["table_level"]


def finding_rows(findings: Iterable[Any]) -> list[list[str]]:
    return [[f"{MESSAGES['icon'].get(f.severity, '')} {MESSAGES['severity'].get(f.severity, f.severity)}",
             finding_where(f), cell(f.level3 or f.level2 or ""), cell(f.message), cell(f.suggestion or "")]
            for f in sort_findings(findings)]


def source_ref(source: dict[str, Any]) -> str:
    """Where a cited source comes from, after its project name: 「单位，2021年，第6行」 (unit and
    year read from the corpus's own table); a plain label (「项目申报内容」) as is."""
    from assistant.chat.provenance import provenance

    return cell(provenance(source).ref())


def source_label(source: dict[str, Any]) -> str:
    """「项目名称（单位，年度）第N行」, or the plain label of a source that names no corpus row."""
    from assistant.chat.provenance import provenance

    return cell(provenance(source).text())


def source_rows(sources: Iterable[dict[str, Any]]) -> list[list[str]]:
    return [[MESSAGES["source_kind"].get(s.get("kind", ""), cell(s.get("kind", ""))), source_label(s),
             cell(s.get("level3")), cell(s.get("value"))] for s in sources]


def header_values(table: ProjectTable | None) -> tuple[str, float | None, float | None, float | None, str, str]:
    """(项目名称, 预算数, 财政资金, 其他资金, 资金用途, 绩效目标) for the header fields."""
    if table is None:
        return "", None, None, None, "", ""
    b = table.budget
    return table.project_name, b.total, b.fiscal, b.other, table.fund_use, table.goal


def draft_choices(summaries: Iterable[Any]) -> list[tuple[str, str]]:
    """「我的草稿」 dropdown: (label, id), newest first."""
    return [(MESSAGES["draft_label"].format(title=cell(s.title), time=s.updated_at.astimezone().strftime("%m-%d %H:%M"),
                                            n=s.indicators), s.id) for s in summaries]
