"""Replaying the chat phrasing set (tests/data/chat_phrasings.jsonl) through `chat --json`.

Each case: a starting table, optional messages before, the message, and what it must do: the
rows, fields, budget, plan or header it changes, the rows it adds or removes, or the action it
answers with (clarify, check, ask …) leaving the table as it was. A case is
- understood: the expected change (and nothing else) or the expected answer;
- missed: the table is as it was, but the answer is not the expected one (a clarifying
  question where an edit was expected counts here: never wrong, not understood);
- wrong: the table changed in a way the case does not expect.
Used by tests/test_chat_phrasings.py and bench/bench_chat.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "chat_phrasings.jsonl"
TABLES = {  # name -> (file, profile)
    "training": (ROOT / "tests" / "data" / "chat_tables" / "training.json", "hebei-2025"),
    "water": (ROOT / "tests" / "data" / "chat_tables" / "water.json", "hebei-2025"),
    "subsidy": (ROOT / "tests" / "data" / "chat_tables" / "subsidy.json", "mof-2021"),
    "seed": (ROOT / "corpus" / "sources" / "000_991aea9c0f3c36de.txt", "hebei-2025"),
}
COST_LEVEL2 = {"成本指标", "经济成本指标"}
RESET = "算了"  # ends a pending question between cases


def load_cases(split: str | None = None) -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [c for c in cases if split is None or c["split"] == split]


def message_of(case: dict[str, Any]) -> str:
    return case["message"] * int(case.get("times", 1))


@dataclass
class Result:
    case: dict[str, Any]
    verdict: str  # understood | missed | wrong
    reason: str
    action: str
    reply: str
    seconds: list[float] = field(default_factory=list)  # one per message sent for the case


class ChatProcess:
    """`python -m assistant chat --json --table FILE` in a subprocess, one JSON line per message."""

    def __init__(self, table: str, data_dir: Path, index_dir: Path | None = None) -> None:
        path, profile = TABLES[table]
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_LOCAL"):
            env.pop(name, None)
        env["ASSISTANT_INDEX_DIR"] = str(index_dir or data_dir / "no-index")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "chat", "--json", "--table", str(path), "--profile", profile],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", bufsize=1)
        self.send("")  # ready: imports done and the table opened, so that turns are timed alone

    def send(self, message: str) -> tuple[dict[str, Any], float]:
        start = time.perf_counter()
        self.proc.stdin.write(message + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        seconds = time.perf_counter() - start
        if not line:
            raise RuntimeError(f"chat process ended (exit {self.proc.poll()}) on {message[:40]!r}")
        return json.loads(line), seconds

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def replay(cases: Iterable[dict[str, Any]], data_dir: Path, index_dir: Path | None = None) -> list[Result]:
    """Run the cases, one chat process per starting table; between cases the table is brought
    back with 撤销 (a process is restarted if that fails)."""
    from assistant.parsers import load_path

    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        by_table[case["table"]].append(case)
    results: list[Result] = []
    for table, group in by_table.items():
        start = load_path(TABLES[table][0]).tables[0].to_json_dict()
        chat = ChatProcess(table, data_dir / table, index_dir)
        try:
            for case in group:
                current, outputs, seconds = start, [], []
                for message in [*case.get("before", []), message_of(case)]:
                    previous = current
                    out, took = chat.send(message)
                    outputs.append(out)
                    seconds.append(took)
                    current = out["table"] or current
                results.append(judge(case, start, current, outputs[-1], seconds, previous))
                current = _restore(chat, start, current, outputs[-1])
                if current != start:
                    chat.close()
                    chat = ChatProcess(table, data_dir / table, index_dir)
        finally:
            chat.close()
    return results


def _restore(chat: ChatProcess, start: dict, current: dict, last: dict) -> dict:
    if "clarify" in last.get("action", "").split("+"):
        current = chat.send(RESET)[0]["table"] or current
    for _ in range(4):
        if current == start:
            break
        current = chat.send("撤销")[0]["table"] or current
    return current


# --- judging ----------------------------------------------------------------------------------


def _parsed(value: str) -> tuple:
    from assistant.values import parse_value

    p = parse_value(value)
    return (p.kind.value, p.operator, p.number, p.unit) if p.kind.value == "quantitative" else ("text", value.strip())


def same_value(actual: str, expected: str) -> bool:
    return _parsed(actual) == _parsed(expected)


def judge(case: dict[str, Any], start: dict, final: dict, out: dict, seconds: list[float],
          previous: dict | None = None) -> Result:
    """`previous`: the table before the case's last message; a message that left it as it was
    (an undo not understood after the `before` edits) is missed, never wrong."""
    expect = case["expect"]
    problems, wrong = _compare(expect, start, final)
    if wrong and previous is not None and final == previous and previous != start:
        problems, wrong = ["the message changed nothing; " + "; ".join(wrong)], []
    action = out.get("action", "")

    def result(verdict: str, reason: str) -> Result:
        return Result(case, verdict, reason, action, out.get("reply", ""), seconds)

    if wrong:
        return result("wrong", "; ".join(wrong))
    if action == "error":
        return result("missed", "internal error")
    wanted = expect.get("action")
    if wanted and wanted not in action.split("+"):
        return result("missed", f"action {action!r}, expected {wanted!r}")
    if problems:
        return result("missed", "; ".join(problems))
    return result("understood", "")


def _compare(expect: dict, start: dict, final: dict) -> tuple[list[str], list[str]]:
    """(what is missing, what is wrong) in `final` against `start` and the expectation."""
    missing: list[str] = []
    wrong: list[str] = []
    rows_expected = expect.get("rows", {})
    fields_expected = expect.get("fields", {})
    removed = set(expect.get("removed", []))
    added = expect.get("added", [])
    s_rows, f_rows = start["indicators"], final["indicators"]
    names = [r["level3"] for r in s_rows]
    follow_costs = bool(expect.get("budget")) or any(_is_count(s_rows, n) for n in rows_expected)
    by_name = {r["level3"]: r for r in f_rows}
    positional = len(s_rows) == len(f_rows) and not removed and not added
    for i, row in enumerate(s_rows):
        name = row["level3"]
        now = f_rows[i] if positional else by_name.get(name)
        if name in removed:
            if now is not None:
                missing.append(f"{name} not removed")
            continue
        if now is None:
            wrong.append(f"{name} removed")
            continue
        for key in ("level1", "level2", "level3", "description", "basis"):
            want = fields_expected.get(name, {}).get(key)
            if want is not None:
                if now[key] != want:
                    (missing if now[key] == row[key] else wrong).append(f"{name}.{key} = {now[key]!r}")
            elif key in ("level1", "level2", "level3") and now[key] != row[key]:
                wrong.append(f"{name}.{key} changed to {now[key]!r}")
        if name in rows_expected:
            if not same_value(now["value"], rows_expected[name]):
                (missing if now["value"] == row["value"] else wrong).append(f"{name} = {now['value']!r}")
        elif now["value"] != row["value"] and not (follow_costs and row["level2"] in COST_LEVEL2):
            wrong.append(f"{name} changed to {now['value']!r}")
    new_rows = [r for r in f_rows if r["level3"] not in names] if not positional else []
    for want in added:
        hit = [r for r in new_rows if all((same_value(r[k], v) if k == "value" else r.get(k) == v)
                                          for k, v in want.items())]
        if hit:
            new_rows.remove(hit[0])
        else:
            (wrong if new_rows else missing).append(f"not added as expected: {want}")
    wrong += [f"unexpected row {r['level3']!r}" for r in new_rows]
    budget = expect.get("budget")
    for part in ("total", "fiscal", "other"):
        before, now = start["budget"].get(part) or 0.0, final["budget"].get(part) or 0.0
        if budget is not None:
            if abs(now - budget[part]) > 0.005:
                (missing if abs(now - before) < 0.005 else wrong).append(f"budget {part} = {now}")
        elif abs(now - before) > 0.005:
            wrong.append(f"budget {part} changed to {now}")
    plan_expected = expect.get("plan", {})
    s_plan = {p["label"]: p["percent"] for p in start["spending_plan"]}
    f_plan = {p["label"]: p["percent"] for p in final["spending_plan"]}
    for label in set(s_plan) | set(f_plan):
        if label in plan_expected:
            if f_plan.get(label) != plan_expected[label]:
                (missing if f_plan.get(label) == s_plan.get(label) else wrong).append(f"plan {label} = {f_plan.get(label)}")
        elif f_plan.get(label) != s_plan.get(label):
            wrong.append(f"plan {label} changed to {f_plan.get(label)}")
    header = expect.get("header", {})
    for key in ("project_name", "department", "fund_use", "goal"):
        if key in header:
            if final[key] != header[key]:
                (missing if final[key] == start[key] else wrong).append(f"{key} = {final[key]!r}")
        elif key in ("project_name", "department") and final[key] != start[key]:
            wrong.append(f"{key} changed")
    if expect.get("unchanged") and final != start and not wrong:
        wrong.append("the table changed")
    return missing, wrong


def _is_count(rows: list[dict], name: str) -> bool:
    row = next((r for r in rows if r["level3"] == name), None)
    return row is not None and row["level2"] == "数量指标"


def summary(results: list[Result]) -> dict[str, dict[str, dict[str, int]]]:
    """{split: {phenomenon: {understood, missed, wrong, n}}} plus an 'all' phenomenon."""
    table: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for r in results:
        for phenomenon in (r.case["phenomenon"], "all"):
            cell = table[r.case["split"]][phenomenon]
            cell[r.verdict] += 1
            cell["n"] += 1
    return table
