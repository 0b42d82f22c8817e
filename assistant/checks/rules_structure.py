"""Structure rules: required 一级/二级 per profile, wrong parents, unknown names, aliases."""

from __future__ import annotations

from assistant.checks.context import TableContext, sample_text
from assistant.checks.standard import fixed_category
from assistant.checks.messages import ANY_OF, FIELD_LABELS, LIST_SEPARATOR
from assistant.checks.rows import RowFacts


def check_structure(ctx: TableContext) -> None:
    """Table-level: no indicators at all, or required categories missing."""
    if not ctx.rows:
        ctx.add("structure.no-indicators", field="indicators")
        return
    present1 = {row.level1 for row in ctx.rows}
    present2 = {(row.level1, row.level2) for row in ctx.rows}
    for level1, groups in ctx.profile.required.items():
        if level1 not in present1:
            children = LIST_SEPARATOR.join(_group_text(group) for group in groups)
            ctx.add("structure.missing-level1", field="level1", level1=level1, category=level1, children=children)
            continue
        for group in groups:
            if not any((level1, level2) in present2 for level2 in group):
                category = _group_text(group)
                ctx.add(
                    "structure.missing-level2",
                    field="level2",
                    level1=level1,
                    level2=group[0],
                    category=category,
                    sample=sample_text(group[0]),
                )


def _group_text(group: tuple[str, ...]) -> str:
    return group[0] if len(group) == 1 else ANY_OF.format(names=LIST_SEPARATOR.join(group))


def check_categories(ctx: TableContext) -> None:
    """Per row: empty or wrongly placed categories; per distinct name: unknown names and aliases."""
    seen: set[tuple[str, str]] = set()
    for row in ctx.rows:
        for field in ("level1", "level2"):
            key = row.level1_key if field == "level1" else row.level2_key
            if not key:
                ctx.add("structure.empty-category", row, field, what=FIELD_LABELS[field])
            elif (field, key) not in seen:
                seen.add((field, key))
                _name(ctx, row, field)
        _parent(ctx, row)


def _name(ctx: TableContext, row: RowFacts, field: str) -> None:
    text = getattr(row.indicator, field)
    canonical = row.level1 if field == "level1" else row.level2
    alias = row.level1_alias if field == "level1" else row.level2_alias
    what = FIELD_LABELS[field]
    if canonical is None:
        allowed = ctx.profile.level1 if field == "level1" else ctx.profile.level2.get(row.level1 or "", ())
        names = allowed or tuple(n for children in ctx.profile.level2.values() for n in children)
        ctx.add("structure.unknown-category", row, field, what=what, name=text.strip(), allowed=LIST_SEPARATOR.join(names))
    elif alias:
        fixed = fixed_category(text, canonical)
        ctx.add("structure.alias", row, field, what=what, name=text.strip(), canonical=canonical, fixed=fixed)


def _parent(ctx: TableContext, row: RowFacts) -> None:
    if row.level2 is None:
        return
    home = ctx.profile.parent(row.level2)
    if home is not None and row.level1 != home:
        ctx.add("structure.wrong-parent", row, "level2", home=f"{home}/{row.level2}")
