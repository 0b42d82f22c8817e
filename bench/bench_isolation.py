"""Isolation benchmark: does one user's heavy work stall the others?

20 sessions talk to the real app over HTTP (as the browser does: tests/page_client.py), each a
few light chat turns on its own small draft with a short pause between turns. Run once idle, once
while another user keeps uploading the largest files the page accepts — a table of 300
indicators (started as a draft and edited) and a 100,000-row .xlsx under the 5 MB cap (refused
by the limits) — without pause. Target: the others' p95 within 2× of the idle run.

    .venv/bin/python bench/bench_isolation.py [--sessions 20] [--turns 8]

Results: bench/results/isolation.md (machine noted).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe, percentile, write_result  # noqa: E402
from page_client import PageClient  # noqa: E402
from ui_server import cpu_seconds, running_app  # noqa: E402

from assistant import config, limits  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "isolation.md"
CLEAN_JSON = ROOT / "tests" / "data" / "clean_table.json"
TURNS = ["6月底支出改为60%", "检查一下", "6月底支出改为50%", "撤销"]
PAUSE_S = (1.0, 2.0)
ROUNDS = 3  # idle and loaded alternate, so a change in the machine's other load hits both
REFUSED = "无法读取"  # the start of an upload refusal in the chat
TARGET_RATIO = 2.0


def _table(name: str, rows: int | None = None) -> dict:
    table = json.loads(CLEAN_JSON.read_text(encoding="utf-8"))
    table = table[0] if isinstance(table, list) else table
    table = {**table, "project_name": name}
    if rows:
        first = table["indicators"][0]
        table["indicators"] = [{**first, "level3": f"{first['level3']}{i}", "description": "反映" * 40}
                               for i in range(rows)]
    return table


def _files(folder: Path) -> tuple[Path, Path, Path]:
    small = folder / "small.json"
    small.write_text(json.dumps([_table("轻量用户的项目")], ensure_ascii=False), encoding="utf-8")
    maximal = folder / "maximal.json"
    maximal.write_text(json.dumps([_table("最大的表", rows=limits.MAX_INDICATORS)], ensure_ascii=False),
                       encoding="utf-8")
    rows = folder / "rows.xlsx"
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("绩效目标")
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    for i in range(100_000):
        sheet.append(["产出指标", "数量指标", f"指标{i}", f"≥{i}个"])
    book.save(rows)
    return small, maximal, rows


def _start(client: PageClient, path: Path) -> str:
    token = client.call("", None, None, kind="load")[1]
    client.call("upload", client.upload(path), None, token, kind="upload")  # one table: opened at once
    return token


def _refusal(outputs: Any) -> str:
    """The chat's refusal line among an upload's outputs (searched through nested lists and
    dicts), or ""."""
    if isinstance(outputs, str):
        return next((line.strip() for line in outputs.splitlines() if REFUSED in line), "")
    items = outputs.values() if isinstance(outputs, dict) else outputs if isinstance(outputs, list) else []
    return next((found for found in map(_refusal, items) if found), "")


def light_session(url: str, small: Path, turns: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    with PageClient(url) as client:
        token = _start(client, small)
        times = []
        for i in range(turns):
            time.sleep(rng.uniform(*PAUSE_S))
            start = time.perf_counter()
            client.call("send", TURNS[i % len(TURNS)], None, token)
            times.append(time.perf_counter() - start)
    return times


def heavy_user(url: str, maximal: Path, rows: Path, stop: threading.Event, done: list[tuple[str, float, str]]
               ) -> None:
    with PageClient(url) as client:
        token = client.call("", None, None, kind="load")[1]
        while not stop.is_set():
            start = time.perf_counter()
            client.call("upload", client.upload(maximal), None, token, kind="upload")
            for text in ("6月底支出改为70%", "检查一下", "撤销"):
                client.call("send", text, None, token)
            done.append((f"{limits.MAX_INDICATORS}-indicator table: upload, draft, 3 turns", time.perf_counter() - start, ""))
            if stop.is_set():
                break
            start = time.perf_counter()
            note = _refusal(client.call("upload", client.upload(rows), None, token, kind="upload"))
            done.append(("100,000-row xlsx: upload", time.perf_counter() - start, note))


def run_phase(url: str, sessions: int, turns: int, small: Path, heavy: tuple[Path, Path] | None
              ) -> tuple[list[float], list[tuple[str, float, str]]]:
    stop, done = threading.Event(), []
    thread = None
    if heavy:
        thread = threading.Thread(target=heavy_user, args=(url, *heavy, stop, done), daemon=True)
        thread.start()
        time.sleep(1.0)  # the heavy work is under way before the others start
    with concurrent.futures.ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(lambda i: light_session(url, small, turns, i), range(sessions)))
    stop.set()
    if thread:
        thread.join(timeout=300)
    return [t for r in results for t in r], done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--turns", type=int, default=8)
    args = parser.parse_args(argv)
    machine = describe()
    folder = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    small, maximal, rows = _files(folder)
    with running_app(folder / "data", config.index_dir()) as (url, _seconds, pid):
        run_phase(url, 2, 2, small, None)  # warm-up
        idle, loaded, heavy_log, idle_cpu, loaded_cpu = [], [], [], 0.0, 0.0
        for _ in range(ROUNDS):
            cpu0 = cpu_seconds(pid)
            idle += run_phase(url, args.sessions, args.turns, small, None)[0]
            cpu1 = cpu_seconds(pid)
            times, log = run_phase(url, args.sessions, args.turns, small, (maximal, rows))
            loaded, heavy_log = loaded + times, heavy_log + log
            idle_cpu, loaded_cpu = idle_cpu + cpu1 - cpu0, loaded_cpu + cpu_seconds(pid) - cpu1
    ratio = percentile(loaded, 95) / percentile(idle, 95)
    lines = [
        "# Isolation benchmark",
        "",
        f"Machine: {machine}",
        f"{ROUNDS} rounds of: {args.sessions} sessions × {args.turns} chat turns over HTTP (pause {PAUSE_S[0]}–{PAUSE_S[1]} s between "
        f"turns), idle and while one user uploads without pause: the 100,000-row .xlsx "
        f"({rows.stat().st_size / 1e6:.1f} MB) and a {limits.MAX_INDICATORS}-indicator table (drafted and edited).",
        "",
        "| run | turns | p50 s | p95 s | max s | app CPU s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| idle | {len(idle)} | {percentile(idle, 50):.3f} | {percentile(idle, 95):.3f} | {max(idle):.3f} | "
        f"{idle_cpu:.1f} |",
        f"| one user uploading | {len(loaded)} | {percentile(loaded, 50):.3f} | {percentile(loaded, 95):.3f} | "
        f"{max(loaded):.3f} | {loaded_cpu:.1f} |",
        "",
        f"p95 loaded / idle: {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}: {'yes' if ratio <= TARGET_RATIO else 'NO'}). "
        "App CPU counts the app process only (uploads are read in a separate low-priority process, "
        "assistant/limits.py). The machine is shared: see the load average above.",
        "",
        "The heavy user's requests during the loaded runs (back to back, no pause):",
        "",
        "| request | times | median s | max s | answer |",
        "|---|---:|---:|---:|---|",
    ]
    for kind in dict.fromkeys(k for k, _, _ in heavy_log):
        seconds = [t for k, t, _ in heavy_log if k == kind]
        note = next(n for k, _, n in heavy_log if k == kind)
        lines.append(f"| {kind} | {len(seconds)} | {percentile(seconds, 50):.2f} | {max(seconds):.2f} | {note[:70]} |")
    write_result(RESULTS, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
