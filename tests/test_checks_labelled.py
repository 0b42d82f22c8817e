"""Precision and recall of error-level detection on a hand-labelled set of real rows
(tests/data/labelled_rows.json: seed booklet and public corpus, defective and clean, each with
the reason). `defect` is the labeller's judgement: "error" (a reviewer sends it back),
"warning" (weak but usable) or "clean"; `expected` lists the rule ids that should report it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.checks import RULES, lint_table
from assistant.corpus import entries

ROOT = Path(__file__).resolve().parent.parent
LABELS = json.loads((ROOT / "tests" / "data" / "labelled_rows.json").read_text(encoding="utf-8"))
TARGET = 0.95


@pytest.fixture(scope="module")
def tables():
    return {(e.path.name, t.project_name): t for e in entries(ROOT / "corpus") for t in e.document.tables}


def _row_findings(tables, label):
    table = tables[(label["file"], label["project_name"])]
    return [f for f in lint_table(table, label.get("profile", "hebei-2025")) if f.row == label["row"]]


def test_labelled_set_is_big_varied_and_matches_the_corpus(tables):
    assert len(LABELS) >= 40
    assert {label["defect"] for label in LABELS} == {"error", "warning", "clean"}
    assert len({label["file"] for label in LABELS}) >= 15
    for label in LABELS:
        row = tables[(label["file"], label["project_name"])].indicators[label["row"]]
        assert (row.level3, row.value) == (label["level3"], label["value"]), label
        assert label["reason"]
        assert all(rule == "clean" or rule in RULES for rule in label["expected"])


def test_error_detection_precision_and_recall(tables):
    tp = fp = fn = tn = 0
    misses = []
    for label in LABELS:
        flagged = any(f.severity == "error" for f in _row_findings(tables, label))
        actual = label["defect"] == "error"
        tp += actual and flagged
        fp += flagged and not actual
        fn += actual and not flagged
        tn += not actual and not flagged
        if flagged != actual:
            misses.append(f"{label['file']}#{label['row']} {label['level3']}={label['value']} ({label['defect']})")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    report = (
        f"labelled rows {len(LABELS)}: TP={tp} FP={fp} FN={fn} TN={tn} "
        f"precision={precision:.3f} recall={recall:.3f}; misses: {misses or 'none'}"
    )
    print("\n" + report)
    assert precision >= TARGET and recall >= TARGET, report


def test_defective_rows_are_reported_by_the_expected_rules(tables):
    wrong = []
    for label in LABELS:
        rules = {f.rule for f in _row_findings(tables, label)}
        missing = [rule for rule in label["expected"] if rule != "clean" and rule not in rules]
        if missing:
            wrong.append((label["file"], label["row"], label["level3"], missing))
    assert wrong == []
