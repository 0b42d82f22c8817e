"""What the web page shows, computed from the service's state (pure functions, no Gradio):

- the indicator grid with each row's marks: ❌/⚠️ where the checker found something, ✎ and a
  colour on the rows the last turn changed (`grid_value`, Gradio's dataframe value with
  per-cell styles);
- the findings as a side list whose items name their row (`findings_html`; the page scrolls to
  and selects the row when one is clicked);
- suggestions worded for the page, not the command line (`page_suggestion`);
- which rows a turn changed (`changed_rows`), the downloads and draft lists.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

from assistant.chat.view import INDICATOR_HEADERS, cell, finding_where, indicator_rows, sort_findings
from assistant.model import Indicator, ProjectTable

MESSAGES = {
    "mark": {"error": "❌", "warning": "⚠️", "info": ""},
    "changed_mark": "✎",
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "findings_none": "未发现问题。",
    "findings_empty": "还没有草稿：描述项目或上传表格后，这里列出检查结果。",
    "findings_title": "检查结果：{errors} 个错误、{warnings} 个警告、{infos} 条提示（点击一条可定位到该行）",
    "suggestion": "建议：{text}",
    "fix_on_page": "（可在表格中直接修改）",
    "row_title": "定位到第{row}行",
    "grid_label": "绩效指标（{n} 行）",
    "grid_marked": "　{counts}已标在行号旁，点下方「检查结果」中的一条可定位到该行",
    "grid_errors": "❌ {n} 个错误",
    "grid_warnings": "⚠️ {n} 个警告",
    "grid_sep": "、",
    "grid_ok": "　✅ 检查通过",
    "grid_hint": "　双击单元格修改，行菜单 ⋮ 可增删行；一级、二级留空表示同上一行",
}
STYLE = {
    "error": "background-color: #fde8e8",
    "warning": "background-color: #fff4d6",
    "changed": "background-color: #e3f4e6",
    "changed_error": "background-color: #fde8e8; box-shadow: inset 4px 0 0 #2e9b4f",
    "changed_warning": "background-color: #fff4d6; box-shadow: inset 4px 0 0 #2e9b4f",
}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# The checker's suggestions name the command-line option; on the page there is none.
_CLI_FIX = re.compile(r"[（(]\s*可用\s*`?--fix`?\s*自动修正\s*[）)]|；?\s*可用\s*`?--fix`?\s*自动修正")
# Edits that open another table: no row is "changed" then, the whole table is new.
OPENING_ACTIONS = {"draft", "restore", "upload", "start", "new", "clear"}


def page_suggestion(text: str | None) -> str:
    return _CLI_FIX.sub(MESSAGES["fix_on_page"], text or "").strip()


def chat_messages(history: list[dict[str, str]]) -> list[dict[str, str]]:
    """The chat as the page shows it: the checker's suggestions name the command line's `--fix`,
    which the page has not; they are reworded here (the history itself is left as it is)."""
    return [{**m, "content": page_suggestion(m.get("content", ""))} if "--fix" in m.get("content", "") else m
            for m in history]


def row_marks(findings: Iterable[Any]) -> dict[int, str]:
    """Row index -> the worst severity found on it (errors before warnings; infos unmarked)."""
    marks: dict[int, str] = {}
    for f in findings:
        if f.row is None or f.severity not in ("error", "warning"):
            continue
        if f.row not in marks or SEVERITY_RANK[f.severity] < SEVERITY_RANK[marks[f.row]]:
            marks[f.row] = f.severity
    return marks


def _key(indicator: Indicator) -> tuple[str, ...]:
    return (indicator.level1, indicator.level2, indicator.level3, indicator.description, indicator.value,
            indicator.basis)


def changed_rows(before: ProjectTable | None, after: ProjectTable | None, action: str = "") -> set[int]:
    """Rows of `after` that `before` did not have as they are now (edited or added rows).
    Nothing when the turn opened another table or there was none before."""
    if before is None or after is None or OPENING_ACTIONS & set(action.split("+")):
        return set()
    seen: dict[tuple[str, ...], int] = {}
    for indicator in before.indicators:
        seen[_key(indicator)] = seen.get(_key(indicator), 0) + 1
    changed = set()
    for index, indicator in enumerate(after.indicators):
        key = _key(indicator)
        if seen.get(key):
            seen[key] -= 1
        else:
            changed.add(index)
    return changed


def grid_value(table: ProjectTable | None, findings: Iterable[Any], changed: set[int]) -> dict[str, Any]:
    """The indicator grid: rows as in Word (一级/二级 blank when repeated), the 行 cell carrying
    the row's marks, and a background per marked row."""
    marks = row_marks(findings)
    rows = indicator_rows(table)
    styling: list[list[str]] = []
    for index, row in enumerate(rows):
        severity = marks.get(index)
        mark = MESSAGES["mark"].get(severity or "", "")
        row[0] = " ".join(x for x in (row[0], mark, MESSAGES["changed_mark"] if index in changed else "") if x)
        if index in changed:
            style = STYLE[f"changed_{severity}"] if severity else STYLE["changed"]
        else:
            style = STYLE.get(severity or "", "")
        styling.append([style] * len(INDICATOR_HEADERS))
    return {"headers": list(INDICATOR_HEADERS), "data": rows,
            "metadata": {"styling": styling, "display_value": None} if rows else None}


def grid_label(table: ProjectTable | None, findings: Iterable[Any]) -> str:
    """The grid's title: the row count and what the checker found, so it is seen with the rows."""
    if table is None:
        return MESSAGES["grid_label"].format(n=0) + MESSAGES["grid_hint"]
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    label = MESSAGES["grid_label"].format(n=len(table.indicators))
    counts = [MESSAGES[key].format(n=n) for key, n in (("grid_errors", errors), ("grid_warnings", warnings)) if n]
    if counts:
        return label + MESSAGES["grid_marked"].format(counts=MESSAGES["grid_sep"].join(counts))
    return label + MESSAGES["grid_ok"] + MESSAGES["grid_hint"]


def findings_html(findings: Iterable[Any], has_table: bool) -> str:
    """The findings as a clickable list (escaped text only; each item carries its row)."""
    findings = sort_findings(findings)
    if not has_table:
        return f'<div class="jx-findings jx-empty">{html.escape(MESSAGES["findings_empty"])}</div>'
    if not findings:
        return f'<div class="jx-findings jx-ok">✅ {html.escape(MESSAGES["findings_none"])}</div>'
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    items = [f'<div class="jx-findings"><div class="jx-title">'
             f'{html.escape(MESSAGES["findings_title"].format(errors=counts["error"], warnings=counts["warning"], infos=counts["info"]))}'
             f"</div><ol>"]
    for f in findings:
        where = html.escape(finding_where(f))
        name = html.escape(cell(f.level3 or f.level2 or ""))
        suggestion = page_suggestion(f.suggestion)
        tip = f'<span class="jx-tip">{html.escape(MESSAGES["suggestion"].format(text=suggestion))}</span>' if suggestion else ""
        icon = MESSAGES["mark"].get(f.severity) or "ℹ️"
        row_attr = (f' data-row="{f.row}" title="{html.escape(MESSAGES["row_title"].format(row=f.row + 1))}"'
                    if f.row is not None else "")
        items.append(f'<li class="jx-{f.severity}"{row_attr}><span class="jx-where">{icon} {where}</span>'
                     f'{f" <b>{name}</b>" if name else ""}：{html.escape(cell(f.message))} {tip}</li>')
    items.append("</ol></div>")
    return "".join(items)


# Clicking a finding: scroll the grid to its row and select the row's 三级指标 cell (the grid
# draws only the rows in view, so it is scrolled first, then the row is looked up by its 行 cell).
FINDINGS_JS = """
element.addEventListener('click', (event) => {
  const item = event.target.closest('[data-row]');
  if (!item) return;
  const row = parseInt(item.dataset.row, 10);
  const grid = document.querySelector('#indicators');
  if (!grid) return;
  const viewport = grid.querySelector('.virtual-table-viewport');
  const header = grid.querySelector('[role="columnheader"]');
  const reveal = (target) => {  // scroll the grid, not the page, to the row
    if (!viewport) return;
    const v = viewport.getBoundingClientRect(), t = target.getBoundingClientRect();
    const top = v.top + ((header && header.offsetHeight) || 36);
    if (t.top < top || t.bottom > v.bottom) viewport.scrollTop += t.top - top - 4;
  };
  const pick = () => {
    const target = grid.querySelector(`[data-testid="cell-${row}-3"]`);
    if (!target) return false;
    reveal(target);
    grid.querySelectorAll('.jx-picked').forEach((e) => e.classList.remove('jx-picked'));
    const line = target.closest('[role="row"]');
    if (line) line.classList.add('jx-picked');
    target.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
    target.click();
    return true;
  };
  const box = grid.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight * 0.6) grid.scrollIntoView({block: 'start'});
  if (pick()) return;
  if (viewport) {
    const first = grid.querySelector('[role="row"].virtual-row');
    viewport.scrollTop = Math.max(0, row - 1) * ((first && first.offsetHeight) || 40);
  }
  let tries = 0;
  const retry = () => { if (!pick() && ++tries < 20) setTimeout(retry, 50); };
  setTimeout(retry, 30);
});
"""
