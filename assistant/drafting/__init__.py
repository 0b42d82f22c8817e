"""Drafting: a Brief in, a checked draft 绩效目标表 out (rules by default, an LLM when configured)."""

from __future__ import annotations

from typing import Any

from assistant.drafting.brief import Brief, DraftResult, Drafter


def draft_brief(brief: Brief, retriever: Any | None = None, use_llm: bool | None = None) -> DraftResult:
    """Draft one table. With an LLM configured (or use_llm=True) the LLM drafts and the rules
    drafter is the fallback; otherwise the deterministic drafter alone."""
    from assistant.drafting.deterministic import RuleDrafter

    rules = RuleDrafter(retriever)
    if use_llm is None:
        from assistant.llm.client import llm_configured

        use_llm = llm_configured()
    if not use_llm:
        return rules.draft(brief)
    from assistant.drafting.llm_drafter import LLMDrafter

    return LLMDrafter(retriever, fallback=rules).draft(brief)


__all__ = ["Brief", "DraftResult", "Drafter", "draft_brief"]
