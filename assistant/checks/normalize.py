"""Text helpers of the checker. Folding lives in assistant.vocab (one vocabulary for the checker,
retrieval, drafting and chat); the checker compares folded text, messages quote the original."""

from __future__ import annotations

from assistant.checks.messages import SHORTENED, SHORTENED_TAIL
from assistant.vocab import fold, fold_category, split_decoration

__all__ = ["fold", "fold_category", "shorten", "shorten_tail", "split_decoration"]


def shorten(text: str, limit: int = 60) -> str:
    """The original text for quoting in a message, cut (with its length said) when very long."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return SHORTENED.format(head=text[:limit], length=len(text))


def shorten_tail(text: str, limit: int = 30) -> str:
    """Like shorten, but keeps the end (where a truncated text stops)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return SHORTENED_TAIL.format(tail=text[-limit:], length=len(text))
