"""Canonical 一级/二级 categories and text folding for the index, filters and statistics: the
shared vocabulary (assistant.vocab), framework-neutral.

Real tables write the same category in many ways: `产出数量(60)`, `數量指標`, `数量值`,
`社会公众或服务对象满意度指标`. Filters and statistics compare canonical forms; the text as
written stays in the index metadata (level1/level2) next to the canonical one (level1_norm,
level2_norm)."""

from __future__ import annotations

from assistant.vocab import LEVEL1, LEVEL2, canonical_level1, canonical_level2, squeeze
from assistant.vocab import fold_words as fold

__all__ = ["LEVEL1", "LEVEL2", "canonical_level1", "canonical_level2", "fold", "squeeze"]
