"""Row completeness rules for the texts around a value: name, description, basis."""

from __future__ import annotations

from assistant.checks import lexicon as lx
from assistant.checks.context import TableContext, sample
from assistant.checks.messages import FIELD_LABELS
from assistant.checks.normalize import fold, shorten
from assistant.checks.rows import RATE, RowFacts


def check_name(ctx: TableContext, row: RowFacts) -> None:
    ind = row.indicator
    if row.name in lx.EMPTY_NAMES:
        variant = "placeholder" if ind.level3.strip() else None
        ctx.add("row.empty-name", row, "level3", variant, name=shorten(ind.level3), sample_name=_sample_name(row))
        return
    for hint in row.hints:
        ctx.add("row.template-hint", row, "level3", hint=hint)
    if row.name in (row.level2_key, row.level2):
        ctx.add("row.copies-level2", row, "level3", name=shorten(ind.level3), sample_name=_sample_name(row))


def _sample_name(row: RowFacts) -> str:
    return sample(row.level2, row.level2_key)[0]


def check_texts(ctx: TableContext, row: RowFacts, any_basis: bool) -> None:
    """Description = name; boilerplate description/basis; basis missing where others have one."""
    ind = row.indicator
    description, basis = fold(ind.description), fold(ind.basis)
    if description and description == fold(ind.level3):
        variant = None if row.kind == RATE else "plain"
        ctx.add("row.description-copies-name", row, "description", variant, name=shorten(ind.level3))
    elif lx.BOILERPLATE.match(description):
        _boilerplate(ctx, row, "description", "description", ind.description)
    if not basis:
        if any_basis:
            ctx.add("row.basis-missing", row, "basis")
    elif lx.BOILERPLATE.match(basis):
        _boilerplate(ctx, row, "basis", None, ind.basis)
    elif basis in (row.name, fold(ind.level3)):
        _boilerplate(ctx, row, "basis", "repeat", ind.basis)


def _boilerplate(ctx: TableContext, row: RowFacts, field: str, variant: str | None, text: str) -> None:
    ctx.add("row.boilerplate", row, field, variant, field_label=FIELD_LABELS[field], text=shorten(text))
