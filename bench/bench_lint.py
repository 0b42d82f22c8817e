"""Lint speed on the corpus tables: `python bench/bench_lint.py [--rounds N] [--profile P]`.

Lints every table of corpus/tables/ repeatedly and reports tables/s and the p50/p95 time per
table, twice: with the text-folding cache warm (re-linting known tables, as the UI does) and
with it cleared before every table (every text seen for the first time). Also the fastest
whole-corpus pass, which is what the code costs when no other process competes for the CPU
(the machines are shared; the load average is written down with the numbers), and the rate
per CPU-second of this process (time.process_time), which waiting for the CPU does not count. Writes
bench/results/lint.md with the machine noted. Not a test: the target (≥ 2,000 tables/s on a
2-core machine) is checked by reading the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks import lint_table  # noqa: E402
from assistant.checks.normalize import fold, fold_category  # noqa: E402
from assistant.corpus import entries  # noqa: E402

TARGET = 2000.0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure(tables, rounds: int, profile: str, cold: bool) -> dict[str, float]:
    times: list[float] = []
    passes: list[float] = []
    findings = 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    for _ in range(rounds):
        pass_time = 0.0
        for table in tables:
            if cold:
                fold.cache_clear()
                fold_category.cache_clear()
            t0 = time.perf_counter()
            findings += len(lint_table(table, profile))
            elapsed = time.perf_counter() - t0
            times.append(elapsed)
            pass_time += elapsed
        passes.append(pass_time)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    times.sort()
    return {
        "tables": len(times),
        "findings": findings,
        "per_second": len(times) / sum(times),
        "best_pass_per_second": len(tables) / min(passes),
        "wall_per_second": len(times) / wall,
        "cpu_per_second": len(times) / cpu,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "max_ms": times[-1] * 1000,
    }


def report(results: dict[str, dict[str, float]], profile: str, corpus_tables: int, rounds: int) -> str:
    head = [
        "# Lint benchmark",
        "",
        f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"- machine: nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, {platform.system()} {platform.release()}",
        f"- python: {platform.python_version()}",
        f"- load average while measuring (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- corpus: {corpus_tables} tables from corpus/tables (seed booklet + public tables), {rounds} rounds, profile {profile}",
        f"- command: `python bench/bench_lint.py --rounds {rounds} --profile {profile}`",
        f"- target: ≥ {TARGET:,.0f} tables/s",
        "",
        "| mode | tables linted | tables/s (mean) | tables/s (wall) | tables per CPU-second "
        "| tables/s (fastest pass) | p50 ms/table | p95 ms/table | max ms/table |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, r in results.items():
        head.append(
            f"| {mode} | {r['tables']:,} | {r['per_second']:,.0f} | {r['wall_per_second']:,.0f} | "
            f"{r['cpu_per_second']:,.0f} | {r['best_pass_per_second']:,.0f} | {r['p50_ms']:.3f} | {r['p95_ms']:.3f} | {r['max_ms']:.3f} |"
        )
    return "\n".join(head) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", default="hebei-2025")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lint.md")
    args = parser.parse_args()
    tables = [t for e in entries(ROOT / "corpus") for t in e.document.tables]
    for table in tables:  # warm-up: imports, regex compilation
        lint_table(table, args.profile)
    results = {
        "warm cache": measure(tables, args.rounds, args.profile, cold=False),
        "cold cache": measure(tables, max(1, args.rounds // 4), args.profile, cold=True),
    }
    text = report(results, args.profile, len(tables), args.rounds)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
