"""The chat phrasing set (tests/data/chat_phrasings.jsonl, dev and held-out) replayed through
`python -m assistant chat --json`, with the real retriever's index for reviewer questions: no
case may change the table wrongly, and at least 95% of each part (dev, held-out, fresh) must be
understood. The first untuned runs of held-out and fresh are recorded in bench/bench_chat.py."""

from __future__ import annotations

import re

from chat_phrasings import load_cases, replay, summary
from ui_server import chat_index_dir, chat_retriever, ui_index_dir  # noqa: F401 (session fixtures)

TARGET = 0.95


def test_phrasing_set_through_the_terminal_chat(tmp_path, ui_index_dir):  # noqa: F811
    results = replay(load_cases(), tmp_path, ui_index_dir)
    wrong = [f"{r.case['id']} {r.case['message'][:40]}: {r.reason}" for r in results if r.verdict == "wrong"]
    assert not wrong, wrong
    table = summary(results)
    for split in ("dev", "heldout", "fresh"):
        counts = table[split]["all"]
        missed = [f"{r.case['id']} {r.case['message'][:40]}: {r.reason}" for r in results
                  if r.case["split"] == split and r.verdict != "understood"]
        assert counts["understood"] / counts["n"] >= TARGET, missed
    assert len([r for r in results if r.case["split"] == "heldout"]) >= 60
    reviewer = [r for r in results if r.case["phenomenon"] == "reviewer"]
    unsourced = [f"{r.case['id']}: {r.reply[:120]}" for r in reviewer
                 if not re.search(r"第\d+行|\d+ 张表|\d{4}年）", r.reply) or "检索服务暂不可用" in r.reply]
    assert reviewer and not unsourced, unsourced
