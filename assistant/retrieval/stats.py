"""Value statistics for reviewers: which targets did past tables set for an indicator or a
二级 category?  `value_stats(retriever, "服务对象满意度").summary()` ->
"服务对象满意度（二级指标：服务对象满意度指标）：24 条，来自 21 张表 … ≥95%：12 张表 …"."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median
from typing import Literal

from pydantic import BaseModel, Field

from assistant.model import ProjectTable
from assistant.retrieval.categories import LEVEL2, canonical_level2, squeeze
from assistant.retrieval.lexical import bigram_terms
from assistant.retrieval.search import HitSource, Retriever, prepare_query
from assistant.values import parse_value

SEARCH_DEPTH = 20  # fuzzy name matching looks at this many indicator hits
MIN_OVERLAP = 0.5  # share of the query's bigrams a hit's name must contain to count

MESSAGES = {
    "head_category": "{query}（二级指标：{category}）：{rows} 条，来自 {tables} 张表",
    "head_name": "{query}（按指标名称匹配）：{rows} 条，来自 {tables} 张表",
    "none": "{query}：语料库中没有找到匹配的指标",
    "group": "  {label}：{tables} 张表（{rows} 条），如 {examples}",
    "numeric": "  数值范围（{unit}）：最小 {low:g}，中位数 {mid:g}，最大 {high:g}",
    "empty_value": "（空）",
    "source": "{file} 表{table} 第{row}行",
}


class ValueGroup(BaseModel):
    label: str
    tables: int
    rows: int
    names: list[str] = Field(default_factory=list)
    sources: list[HitSource] = Field(default_factory=list)


class ValueStats(BaseModel):
    query: str
    matched_by: Literal["level2", "name"]
    category: str | None = None
    rows: int = 0
    tables: int = 0
    groups: list[ValueGroup] = Field(default_factory=list)
    numeric: dict[str, dict[str, float]] = Field(default_factory=dict)

    def summary(self, examples: int = 2) -> str:
        if not self.rows:
            return MESSAGES["none"].format(query=self.query)
        head = "head_category" if self.matched_by == "level2" else "head_name"
        lines = [MESSAGES[head].format(query=self.query, category=self.category, rows=self.rows, tables=self.tables)]
        for group in self.groups:
            cited = "；".join(MESSAGES["source"].format(file=s.file, table=s.table, row=s.row) for s in group.sources[:examples])
            lines.append(MESSAGES["group"].format(label=group.label, tables=group.tables, rows=group.rows, examples=cited))
        for unit, values in self.numeric.items():
            lines.append(MESSAGES["numeric"].format(unit=unit or "无单位", low=values["min"], mid=values["median"], high=values["max"]))
        return "\n".join(lines)


class _Row(BaseModel):
    level2_norm: str
    level3: str
    value: str
    source: HitSource


def _rows_from_tables(tables: Iterable[ProjectTable]) -> list[_Row]:
    rows: list[_Row] = []
    for number, table in enumerate(tables, start=1):
        file = table.source.file if table.source else ""
        for row, ind in enumerate(table.indicators, start=1):
            rows.append(_Row(
                level2_norm=canonical_level2(ind.level2), level3=ind.level3, value=ind.value,
                source=HitSource(file=file, project=table.project_name, table=number, row=row),
            ))
    return rows


def _rows_from_retriever(retriever: Retriever) -> list[_Row]:
    rows: list[_Row] = []
    for doc_id, meta in zip(retriever.table.ids, retriever.table.metas):
        if meta.get("kind") != "indicator" or meta.get("synthetic"):
            continue
        rows.append(_Row(
            level2_norm=meta.get("level2_norm", ""), level3=meta.get("level3", ""), value=meta.get("value", ""),
            source=HitSource(file=meta.get("source_file", ""), project=meta.get("project_name", ""),
                             table=int(meta.get("table", 0)), row=int(meta.get("row", 0)) or None),
        ))
    return rows


def _overlap(query: str, name: str) -> float:
    wanted = set(bigram_terms(query))
    return len(wanted & set(bigram_terms(name))) / len(wanted) if wanted else 0.0


def value_label(value: str) -> str:
    """One label per target: '≥95%' for '≥95百分比' and '>=95%'; '100%' for '=100%'."""
    parsed = parse_value(value)
    if parsed.number is not None and parsed.kind.value == "quantitative":
        op = "" if parsed.operator in (None, "=") else parsed.operator
        return f"{op}{parsed.number:g}{parsed.unit or ''}"
    return " ".join(value.split()) or MESSAGES["empty_value"]


def value_stats(source: Retriever | Iterable[ProjectTable], name_or_level2: str) -> ValueStats:
    """Distribution of values for an indicator name (normalised name match, plus search hits whose
    names share most of the query's bigrams when a Retriever is given) or a 二级 category."""
    query = prepare_query(name_or_level2).text
    retriever = source if isinstance(source, Retriever) else None
    rows = _rows_from_retriever(retriever) if retriever else _rows_from_tables(source)
    category = canonical_level2(query)
    known = {r.level2_norm for r in rows} | set(LEVEL2)
    if category in known:
        chosen = [r for r in rows if r.level2_norm == category]
        stats = ValueStats(query=query, matched_by="level2", category=category)
    else:
        wanted = squeeze(query)
        chosen = [r for r in rows if wanted and (wanted in squeeze(r.level3))]
        if retriever is not None:
            seen = {(r.source.file, r.source.table, r.source.row) for r in chosen}
            for hit in retriever.search(query, k=SEARCH_DEPTH, kind="indicator"):
                key = (hit.source.file, hit.source.table, hit.source.row)
                if key not in seen and _overlap(query, hit.level3) >= MIN_OVERLAP:
                    seen.add(key)
                    chosen.append(_Row(level2_norm="", level3=hit.level3, value=hit.value, source=hit.source))
        stats = ValueStats(query=query, matched_by="name")
    return _fill(stats, chosen)


def _fill(stats: ValueStats, rows: list[_Row]) -> ValueStats:
    groups: dict[str, list[_Row]] = {}
    numbers: dict[str, list[float]] = {}
    for row in rows:
        groups.setdefault(value_label(row.value), []).append(row)
        parsed = parse_value(row.value)
        if parsed.number is not None and parsed.kind.value == "quantitative":
            numbers.setdefault(parsed.unit or "", []).append(parsed.number)
    table_key = lambda r: (r.source.file, r.source.table)  # noqa: E731
    stats.rows = len(rows)
    stats.tables = len({table_key(r) for r in rows})
    stats.groups = sorted(
        (ValueGroup(label=label, tables=len({table_key(r) for r in members}), rows=len(members),
                    names=sorted({r.level3 for r in members}), sources=[r.source for r in members])
         for label, members in groups.items()),
        key=lambda g: (-g.tables, -g.rows, g.label),
    )
    stats.numeric = {unit: {"min": min(v), "median": float(median(v)), "max": max(v)}
                     for unit, v in numbers.items() if len(v) > 1}
    return stats
