"""The standard writing of values and category names, shared by the rules that report
non-standard forms and by fix_table that rewrites them."""

from __future__ import annotations

from assistant.checks.lexicon import NONSTANDARD_CHARS, NONSTANDARD_WRITINGS
from assistant.checks.normalize import fold, split_decoration


def standard_value(text: str) -> str:
    """'>=95百分比' -> '≥95%'. Only mechanical, meaning-preserving rewrites."""
    if NONSTANDARD_CHARS.isdisjoint(text):
        return text
    for pattern, replacement in NONSTANDARD_WRITINGS:
        text = pattern.sub(replacement, text)
    return text


def fixed_category(text: str, canonical: str) -> str:
    """The canonical name, keeping a score decoration: '项目产出(权重25)' -> '产出指标(权重25)'."""
    return canonical + split_decoration(fold(text))[1]
