"""Chat benchmark: the phrasing set (tests/data/chat_phrasings.jsonl) through
`python -m assistant chat --json`, and optionally the local LLM's turn latency.

    .venv/bin/python bench/bench_chat.py [--index-dir DIR] [--llm] [--out bench/results/chat.md]

Prints the understood share per phenomenon, dev and held-out separately, the wrong edits, and
the chat turn p50/p95 without an LLM (target p95 ≤ 0.5 s). Reviewer questions use a real index
(built in a temporary folder from corpus/ unless --index-dir names one). With --llm: the
embedded model (1 thread) answers messages the rules cannot read; the fixed system prompt is
processed once (warm-up) and then reused from the server's prompt cache.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from chat_phrasings import TABLES, load_cases, replay, summary  # noqa: E402
from machine import describe, percentile  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "chat.md"
P95_TARGET_S = 0.5
# Messages the rules do not read (none is among the prompt's examples), on the training table.
LLM_MESSAGES = ["出勤那一项我想弄成九十七", "弄个指标：课程资料发放率要百分之百", "满意度那栏搞成九十六吧"]


def _index(index_dir: str | None, keep: Path) -> tuple[Path, float]:
    from assistant.retrieval.search import Retriever

    folder = Path(index_dir) if index_dir else keep / "index"
    start = time.perf_counter()
    Retriever.open(index_dir=folder)
    return folder, time.perf_counter() - start


SPLITS = {"dev": "dev", "heldout": "held-out", "fresh": "fresh"}
# The first run of each part that was not tuned on (kept here: a rerun measures the code as it is now).
FIRST_RUNS = [
    "held-out (75, written before the understanding code), first run, 2026-12-02: 74/75 understood, 1 wrong edit "
    "(h045: a 30,600-character message whose first 4,000 characters were read as one edit with a long value). "
    "Fixed by refusing over-long messages and over-long values; rerun 75/75.",
    "fresh (40, written after the rules were tuned on dev and held-out, run once), first run, 2026-12-02: 30/40 "
    "understood, 1 wrong edit (f020 「满意度通常定在多少」 wrote “多少” as the value: a question read as an edit) and "
    "8 missed (压缩到, 「、」 between budget parts, 一季度 as 1季度, 不需要, 新加, 需要完善, 退回上一步, a name matched only by "
    "its unit, 每人每月 as a unit). These were then mended, so the fresh part is tuned on from here on.",
]


def _table(results) -> list[str]:
    table = summary(results)
    phenomena = sorted({r.case["phenomenon"] for r in results})
    splits = [s for s in SPLITS if s in table]
    lines = ["| phenomenon | " + " | ".join(f"{SPLITS[s]} understood" for s in splits) + " |",
             "| --- |" + " --- |" * len(splits)]

    def cell(split: str, phenomenon: str) -> str:
        c = table[split].get(phenomenon)
        if not c:
            return "—"
        return f"{c['understood']}/{c['n']}" + (f" ({c['wrong']} wrong)" if c.get("wrong") else "")

    for phenomenon in [*phenomena, "all"]:
        name = f"**{phenomenon}**" if phenomenon == "all" else phenomenon
        lines.append(f"| {name} | " + " | ".join(cell(s, phenomenon) for s in splits) + " |")
    lines.append("")
    for split in splits:
        c = table[split]["all"]
        lines.append(f"- {SPLITS[split]}: {c['understood']}/{c['n']} understood = "
                     f"{100 * c['understood'] / c['n']:.1f}%, {c.get('wrong', 0)} wrong edits, {c.get('missed', 0)} missed")
    lines += ["", "First runs of the parts not tuned on:", "", *(f"- {line}" for line in FIRST_RUNS)]
    return lines


def _llm(lines: list[str]) -> None:
    from assistant.chat.llm_tools import warm_up
    from assistant.chat.service import ChatBackend, ChatService
    from assistant.chat.storage import DraftStore
    from assistant.llm.client import LLMSettings, make_chat_model
    from assistant.llm.local import LocalLLMServer
    from assistant.parsers import load_path

    with tempfile.TemporaryDirectory() as folder, LocalLLMServer() as server:
        model = make_chat_model(LLMSettings(base_url=server.base_url, model=server.model, timeout=900, max_retries=0),
                                max_tokens=200)
        backend = ChatBackend(store=DraftStore(f"sqlite:///{folder}/d.sqlite3"), open_retriever=False, llm=model,
                              llm_timeout=900)
        chat = ChatService(backend, "bench", markdown=False)
        chat.start_from_table(load_path(TABLES["training"][0]).tables[0])
        warm = warm_up(model)
        lines += ["", "## LLM turns (local model)", "",
                  f"Qwen2.5-Coder-1.5B-Instruct Q4_K_M via xllamacpp on 127.0.0.1, {server.n_threads} thread(s); "
                  f"model load {server.load_seconds:.1f} s; the fixed system prompt processed once (warm-up, one "
                  f"answer token): {warm:.1f} s. Each turn below reuses it from the prompt cache.", "",
                  "| message | turn (s) | action | first line of the reply |", "| --- | --- | --- | --- |"]
        for message in LLM_MESSAGES:
            start = time.perf_counter()
            reply = chat.handle(message)
            seconds = time.perf_counter() - start
            change = next((line for line in reply.text.splitlines() if line.startswith("- ")), reply.text[:60])
            lines.append(f"| {message} | {seconds:.1f} | {reply.action} | {change.replace('|', '/')} |")
            print(f"LLM turn {seconds:.1f} s: {message} -> {reply.action}")
            if reply.action == "confirm":
                chat.handle("算了")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", help="an index built from corpus/ (default: build one in a temp folder)")
    parser.add_argument("--llm", action="store_true", help="also time LLM turns with the embedded local model")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    machine = describe()
    cases = load_cases()
    with tempfile.TemporaryDirectory() as folder:
        keep = Path(folder)
        index_dir, index_seconds = _index(args.index_dir, keep)
        start = time.perf_counter()
        results = replay(cases, keep / "data", index_dir)
        wall = time.perf_counter() - start
    turns = [s for r in results for s in r.seconds]
    p50, p95 = percentile(turns, 50), percentile(turns, 95)
    lines = ["# Chat: understanding and turn latency", "", f"Machine: {machine}.",
             f"Command: `.venv/bin/python bench/bench_chat.py{' --llm' if args.llm else ''}`.", "",
             f"Phrasing set: {len(cases)} messages ({sum(c['split'] == 'dev' for c in cases)} dev, "
             f"{sum(c['split'] == 'heldout' for c in cases)} held-out, {sum(c['split'] == 'fresh' for c in cases)} "
             "fresh) on four starting tables, replayed through "
             f"`chat --json` (one process per table; reviewer questions on a real index, "
             f"{'given' if args.index_dir else f'built in {index_seconds:.0f} s'}). Understood = the expected table "
             "change and nothing else, or the expected answer (a clarifying question where one is expected); "
             "wrong = any other table change.", "", *_table(results), "",
             "## Turn latency without an LLM", "",
             f"{len(turns)} turns (every message of every case, timed from writing the line to reading the JSON "
             f"reply): p50 {1000 * p50:.1f} ms, p95 {1000 * p95:.1f} ms, max {1000 * max(turns):.0f} ms "
             f"(target p95 ≤ {1000 * P95_TARGET_S:.0f} ms). Replay wall time {wall:.1f} s. The max is the first "
             "reviewer question of a process, which loads the embedding model."]
    wrong = [r for r in results if r.verdict == "wrong"]
    missed = [r for r in results if r.verdict == "missed"]
    if wrong or missed:
        lines += ["", "## Not understood", ""]
        lines += [f"- {r.case['id']} ({r.verdict}) 「{r.case['message'][:40]}」: {r.reason}" for r in wrong + missed]
    if args.llm:
        _llm(lines)
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0 if not wrong and p95 <= P95_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
