"""LLM drafting with the embedded local model: wall time per draft and per model call, how many
re-asks, whether the result came from the model ('llm') or the rules fallback, and the prompt
size. One server, one warm retriever; briefs of three kinds, one under mof-2021.

    .venv/bin/python bench/bench_llm_drafting.py [--briefs 3] [--max-reasks 2]

Slow (1–3 min per model call on 2 shared cores): keep the brief count small."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

from assistant.checks import lint_table  # noqa: E402
from assistant.drafting import Brief  # noqa: E402
from assistant.drafting.deterministic import RuleDrafter  # noqa: E402
from assistant.drafting.llm_drafter import LLMDrafter, draft_prompt  # noqa: E402
from assistant.llm.client import LLMSettings  # noqa: E402
from assistant.llm.local import LocalLLMServer  # noqa: E402
from assistant.retrieval.search import Retriever  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "llm_drafting.md"
BRIEFS = [
    Brief(name="2026年基层干部培训项目", department="县委组织部", year=2026, budget=80000,
          usage="举办基层干部培训班4期，培训干部280人次，11月底前完成"),
    Brief(name="2026年困难残疾人生活补贴", department="县残疾人联合会", year=2026, budget=1200000,
          usage="为困难残疾人发放生活补贴，补贴困难残疾人1500人，按季度足额发放", profile="mof-2021"),
    Brief(name="2026年农村公路养护工程", department="县交通运输局", year=2026, budget=3000000,
          usage="养护农村公路120公里，修复桥涵15处，10月底前完工并通过验收"),
]


def prompt_tokens(server: LocalLLMServer, retriever, brief: Brief) -> int:
    """Tokens of the first request's prompt (system + user), by the model's own tokenizer."""
    rules = RuleDrafter(retriever)
    similar = rules.similar(brief)
    messages, _ = draft_prompt(brief, similar[0], rules.draft(brief, similar=similar).table)
    text = "".join(content for _, content in messages)
    root = server.base_url.removesuffix("/v1")
    req = urllib.request.Request(f"{root}/tokenize", data=json.dumps({"content": text}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return len(json.loads(resp.read())["tokens"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=int, default=len(BRIEFS))
    parser.add_argument("--max-reasks", type=int, default=2)
    args = parser.parse_args()
    machine = describe()
    retriever = Retriever.open()
    rows = []
    with LocalLLMServer() as server:
        settings = LLMSettings(base_url=server.base_url, model=server.model, timeout=900, max_retries=0)
        for brief in BRIEFS[: args.briefs]:
            drafter = LLMDrafter(retriever, RuleDrafter(retriever), settings=settings, max_reasks=args.max_reasks)
            tokens = prompt_tokens(server, retriever, brief)
            started = time.monotonic()
            result = drafter.draft(brief)
            wall = time.monotonic() - started
            profile = brief.profile or "hebei-2025"
            errors = sum(f.severity == "error" for f in lint_table(result.table, profile=profile))
            from_model = sum((r.source or "").startswith("大模型") for r in result.table.indicators)
            rows.append({
                "name": brief.name, "profile": profile, "method": result.method, "wall": wall,
                "calls": drafter.last_calls, "tokens": tokens, "errors": errors,
                "rows": len(result.table.indicators), "from_model": from_model,
                "reason": result.notes[0] if result.method == "llm-fallback" else "",
            })
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        load_seconds = server.load_seconds
    lines = [
        "# LLM drafting with the local model",
        "",
        f"Machine: {machine}; load average at end {os.getloadavg()[0]:.2f} (nproc {os.cpu_count()}; "
        "the cores are shared with other engineers' jobs, so times vary with load).",
        f"Model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M via xllamacpp on 127.0.0.1, 1 thread, n_ctx 4096; "
        f"load {load_seconds:.1f} s. max_tokens {LLMDrafter(None, RuleDrafter(None)).max_tokens}, "
        f"max re-asks {args.max_reasks}. Command: `.venv/bin/python bench/bench_llm_drafting.py`.",
        "",
        "| brief | profile | prompt tokens | model calls (s) | wall (s) | method | rows (from model) | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        calls = " + ".join(f"{c:.0f}" for c in r["calls"]) or "–"
        lines.append(
            f"| {r['name']} | {r['profile']} | {r['tokens']} | {calls} | {r['wall']:.0f} | {r['method']} | "
            f"{r['rows']} ({r['from_model']}) | {r['errors']} |"
        )
    fallbacks = [r for r in rows if r["reason"]]
    if fallbacks:
        lines += ["", "Fallback reasons:", ""] + [f"- {r['name']}: {r['reason']}" for r in fallbacks]
    walls = [r["wall"] for r in rows]
    lines += ["", f"Total {sum(walls):.0f} s for {len(rows)} drafts; mean {sum(walls) / max(1, len(walls)):.0f} s per draft."]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
