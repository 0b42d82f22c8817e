"""The rule catalogue as data: id -> severity policy. Texts live in messages.py, logic in rules_*.py.

Severity policy: `error` is what a reviewer sends back (vague, deferred, empty, wrong unit
type, missing required category, inconsistent sums); `warning` is weak or inconsistent but
usable; `info` is a normalisation we did or a note. `partial` is the severity used instead on
a table whose source was cut off (Source.complete is False): what may be missing because of
the cut is not held against the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.checks.findings import Severity

E, W, I = Severity.error, Severity.warning, Severity.info


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    partial: Severity | None = None
    fixable: bool = False
    # The severities as plain strings, for building findings without enum look-ups.
    level: str = field(init=False, repr=False)
    partial_level: str | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", self.severity.value)
        object.__setattr__(self, "partial_level", self.partial.value if self.partial else None)


_RULES = (
    Rule("file.unreadable", E),
    # structure
    Rule("structure.no-indicators", E, partial=W),
    Rule("structure.missing-level1", E, partial=W),
    Rule("structure.missing-level2", E, partial=W),
    Rule("structure.wrong-parent", E),
    Rule("structure.unknown-category", W),
    Rule("structure.alias", I, fixable=True),
    Rule("structure.empty-category", E),
    # row completeness
    Rule("row.empty-name", E),
    Rule("row.empty-value", E),
    Rule("row.copies-level2", W),
    Rule("row.template-hint", W),
    Rule("row.description-copies-name", I),
    Rule("row.boilerplate", W),
    Rule("row.basis-missing", W),
    Rule("value.deferred", E),
    Rule("value.placeholder", E),
    Rule("value.too-long", W),
    Rule("value.truncated", E, partial=W),
    # value form
    Rule("value.vague", E),
    Rule("value.rate-not-percent", E),
    Rule("value.rate-unit", W),
    Rule("value.money-for-rate", E),
    Rule("value.percent-for-count", E),
    Rule("value.percent-over-100", E),
    Rule("value.vacuous-bound", E),
    Rule("value.wrong-direction", E),
    Rule("value.nonstandard-unit", I, fixable=True),
    Rule("value.missing-unit", W),
    Rule("value.timeliness", E),
    Rule("value.input-as-output", W),
    # cost
    Rule("cost.no-money", E),
    Rule("cost.no-upper-bound", W),
    Rule("cost.over-budget", E),
    Rule("cost.zero-placeholder", E),
    # table consistency
    Rule("table.project-name-empty", E),
    Rule("table.budget-missing", W, partial=I),
    Rule("table.budget-sum", E),
    Rule("table.plan-decreasing", E),
    Rule("table.plan-end", E),
    Rule("table.goal-empty", E, partial=W),
    Rule("table.goal-vague", W),
    Rule("table.goal-number-missing", W, partial=I),
    Rule("table.duplicate-row", W),
    Rule("table.basis-absent", I),
    # fit: the row belongs to this project
    Rule("fit.off-topic", W),
    Rule("fit.beneficiary", W),
    Rule("fit.other-year", W),
    Rule("fit.money-as-output", W),
    Rule("fit.budget-ratio", W),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
