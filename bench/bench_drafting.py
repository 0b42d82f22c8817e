"""Drafting benchmark: a held-out check on complete corpus tables, and end-to-end latency.

Held-out: each complete table is drafted from its name, department, budget and a one-line
usage while its own project is hidden from retrieval; we report errors, required categories,
brief quantities used, and the share of the real table's indicators with a counterpart in
the draft (same 二级 and similar name, character-bigram Dice ≥ 0.3; or same 二级 only).

    .venv/bin/python bench/bench_drafting.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe, percentile  # noqa: E402

from assistant import corpus  # noqa: E402
from assistant.checks import canonical_level2, lint_table  # noqa: E402
from assistant.drafting import Brief, draft_brief  # noqa: E402
from assistant.drafting.describe import find_quantities  # noqa: E402
from assistant.retrieval.search import Retriever  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "drafting.md"
REQUIRED = {("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"), ("满意度指标", "服务对象满意度指标")}


class HoldOut:
    """A retriever that never returns hits of one project."""

    def __init__(self, retriever: Retriever, project: str) -> None:
        self.retriever, self.project = retriever, project

    def search(self, query: str, k: int = 10, **filters):
        hits = self.retriever.search(query, k=k + 20, **filters)
        return [h for h in hits if h.project_name != self.project][:k]


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def dice(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def usage_line(table) -> str:
    quantities = [r for r in table.indicators if r.level2 == "数量指标" and r.parsed.number and r.parsed.unit not in ("%", None)]
    text = (table.fund_use or table.project_name).split("\n")[0][:60]
    extra = "，".join(f"{r.level3.replace('数量', '')}{r.parsed.number:g}{r.parsed.unit}" for r in quantities[:2])
    return f"{text}，{extra}" if extra else text


def main() -> None:
    retriever = Retriever.open()
    tables = [t for t in corpus.load_tables() if (t.source is None or t.source.complete) and len(t.indicators) >= 6 and t.budget.total]
    rows, latencies = [], []
    for table in tables:
        brief = Brief(name=table.project_name, department=table.department, year=table.year or 2025,
                      budget=table.budget.total, usage=usage_line(table))
        start = time.perf_counter()
        result = draft_brief(brief, HoldOut(retriever, table.project_name), use_llm=False)
        latencies.append(time.perf_counter() - start)
        draft = result.table
        errors = [f for f in lint_table(draft) if f.severity == "error"]
        pairs = {(r.level1, r.level2) for r in draft.indicators}
        quantities = find_quantities(brief.usage)
        used = sum(any(r.parsed.number == q.number and r.parsed.unit == q.unit for r in draft.indicators) for q in quantities)
        real = [(canonical_level2(r.level2), r.level3) for r in table.indicators]
        drafted = [(r.level2, r.level3) for r in draft.indicators]
        named = sum(any(l2 == d2 and dice(n, dn) >= 0.3 for d2, dn in drafted) for l2, n in real)
        same_l2 = sum(any(l2 == d2 for d2, _ in drafted) for l2, _ in real)
        rows.append((table.project_name[:24], len(errors), len(REQUIRED & pairs) / len(REQUIRED), f"{used}/{len(quantities)}",
                     named / len(real), same_l2 / len(real), len(draft.indicators)))
    # latency, warm: the same brief repeatedly
    warm = Brief(name="中小企业数字化转型培训", budget=500000, usage="培训企业200家、企业管理人员600人次")
    warm_times = []
    for _ in range(20):
        start = time.perf_counter()
        draft_brief(warm, retriever, use_llm=False)
        warm_times.append(time.perf_counter() - start)

    lines = [
        "# Drafting benchmark", "", f"Machine: {describe()}", "",
        "## Held-out check (own project hidden from retrieval)", "",
        "| project | errors | required categories | brief quantities used | counterparts (二级+name) | counterparts (二级) | rows |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {e} | {c:.0%} | {q} | {s:.0%} | {l2:.0%} | {k} |" for n, e, c, q, s, l2, k in rows]
    mean = lambda i: sum(r[i] for r in rows) / len(rows)  # noqa: E731
    lines += [
        "", f"{len(rows)} tables; drafts with errors: {sum(1 for r in rows if r[1])}; "
        f"required categories {mean(2):.0%}; counterparts by 二级+name {mean(4):.0%}, by 二级 {mean(5):.0%}.", "",
        "## Latency (deterministic, retrieval included, warm process)", "",
        "| runs | p50 ms | p95 ms | max ms |", "|---|---|---|---|",
        f"| {len(warm_times)} | {percentile(warm_times, 50)*1000:.0f} | {percentile(warm_times, 95)*1000:.0f} | {max(warm_times)*1000:.0f} |",
        f"| held-out ({len(latencies)}) | {percentile(latencies, 50)*1000:.0f} | {percentile(latencies, 95)*1000:.0f} | {max(latencies)*1000:.0f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
