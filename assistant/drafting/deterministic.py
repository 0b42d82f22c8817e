"""The default drafter: no LLM. A reviewer's order of things:

1. every statement of the brief becomes a row with the brief's own value (statements.py);
2. the project's type (types.py) gives the usual rows for what the brief leaves open — a
   customary target says it was set by the drafter and must be confirmed (library/*.yaml);
3. a similar corpus project's row is used only where it fits this project, with its own value;
4. the cost rows come from the budget and the brief's standards, and figures that disagree are
   reported (money.py);
5. the goal text is written from the rows (goal.py);
6. the checker runs on the result: a row it warns about is replaced or dropped, so the draft
   carries no error and no warning of its own checker.

Every row records where it came from (`Indicator.source`).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from assistant.checks import Draft, canonical_level2, get_profile, lint_table
from assistant.drafting.brief import Brief, DraftResult
from assistant.drafting.context import DraftContext, make_context
from assistant.drafting.goal import write_goal
from assistant.drafting.library import ProjectType, Template
from assistant.drafting.money import check_figures
from assistant.drafting.rows import (
    Candidate,
    corpus_row,
    hit_value,
    money_text,
    row_key,
    statement_row,
    template_row,
)
from assistant.drafting.statements import Statement
from assistant.drafting.types import classify
from assistant.model import Budget, Indicator, PlanItem, ProjectTable, Source
from assistant.vocab import COST_LEVEL2, EFFECT_LEVEL2, QUANTITY_LEVEL2, SATISFACTION_LEVEL2, TIME_LEVEL2, fold

SIMILAR_INDICATORS = 60
SIMILAR_PROJECTS = 5
DEFAULT_PLAN = (("3月底", 25.0), ("6月底", 50.0), ("10月底", 75.0), ("12月底", 100.0))
MAX_ROUNDS = 4
# How many rows a category aims for when the brief leaves it open (the brief's own rows always stay).
WANT = {QUANTITY_LEVEL2: 1, "质量指标": 2, TIME_LEVEL2: 1, "cost": 2, "effect": 2, SATISFACTION_LEVEL2: 1}

MESSAGES = {
    "confirm": "以下指标值由系统按同类项目常用值拟定，提交前请按实施方案确认：{rows}",
    "dropped": "已删除“{name}”（{reason}）",
    "dropped_brief": "申报内容中的“{text}”未能写成合格的指标（{reason}），请在表格中补充",
    "no_similar": "语料中没有与本项目同类的项目，未引用其他项目的指标",
    "corpus_used": "参照同类项目的指标：{rows}",
    "figures": "金额核对：{message}",
    "percent_standard": "{verb}标准",
    "percent_standard_value": "按{base}的{number}%{verb}，单个不超过{cap}",
    "percent_only_name": "{verb}比例",
}
BRIEF_FINDING_RULE = "brief.figures-disagree"


def build_table(brief: Brief, rows: list[Indicator], goal: str) -> ProjectTable:
    """A draft table whose identity, budget and spending plan come from the brief alone."""
    return ProjectTable(
        project_code=brief.id,
        project_name=brief.name,
        department=brief.department,
        year=brief.year,
        budget=Budget(total=brief.budget, fiscal=brief.fiscal, other=brief.other),
        fund_use=brief.usage or brief.name,
        spending_plan=[PlanItem(label=label, percent=p) for label, p in DEFAULT_PLAN],
        goal=goal,
        indicators=rows,
        source=Source(file="", format="draft"),
    )


def checked_result(table: ProjectTable, profile: str, **fields: Any) -> DraftResult:
    """Strict validation (raises on any error finding), remaining warnings kept as findings."""
    checked = Draft.model_validate(table.model_dump(), context={"profile": profile})
    remaining = [f.model_dump() for f in lint_table(checked, profile=profile) if f.severity != "error"]
    extra = fields.pop("findings", [])
    return DraftResult(table=ProjectTable.model_validate(checked.model_dump()), findings=extra + remaining, **fields)


# --- the categories of a draft ---------------------------------------------------------------------


def _slot(level2: str) -> str:
    if level2 in COST_LEVEL2:
        return "cost"
    if level2 in EFFECT_LEVEL2:
        return "effect"
    return level2


class _Assembly:
    """The rows being assembled for one brief, with the pools still to draw from."""

    def __init__(self, ctx: DraftContext, hits: list[Any], corpus_types: dict[str, set[str]]) -> None:
        self.ctx = ctx
        self.profile = get_profile(ctx.profile)
        self.hits = hits
        self.corpus_types = corpus_types
        self.rows: list[Candidate] = []
        self.rejected: set[str] = set()
        self.used_templates: set[str] = set()
        self.notes: list[str] = []

    # profile ------------------------------------------------------------------------------------
    def level2_in_profile(self, level2: str) -> str | None:
        canonical = canonical_level2(level2, self.ctx.profile)
        return canonical if self.profile.parent(canonical) else None

    def place(self, candidate: Candidate) -> Candidate | None:
        level2 = self.level2_in_profile(candidate.row.level2)
        if level2 is None:
            return None
        candidate.row = candidate.row.model_copy(update={"level1": self.profile.parent(level2), "level2": level2})
        return candidate

    def has(self, candidate: Candidate) -> bool:
        """The same row, or one that measures the same thing, is there already (or was rejected)."""
        key, slot = candidate.key, _slot(candidate.row.level2)
        if key in self.rejected:
            return True
        if candidate.origin == "budget" and candidate.statement is None and any(
            r.origin == "budget" and r.statement is None for r in self.rows
        ):
            return True  # one total-cost row
        strip = self._subject_words()
        def duplicate(r: Candidate) -> bool:
            if r.key == key:
                return True
            both_brief = r.origin == "brief" and candidate.origin == "brief"  # the brief's own statements all stay
            return not both_brief and same_measure(r.row.level3, candidate.row.level3, strip)

        return any(_slot(r.row.level2) == slot and duplicate(r) for r in self.rows)

    def _subject_words(self) -> tuple[str, ...]:
        words = {self.ctx.beneficiary, *(b for t in self.ctx.types for b in t.beneficiaries)}
        return tuple(sorted((w for w in words if w), key=len, reverse=True)) + GENERIC_SUBJECTS

    def add(self, candidate: Candidate | None) -> bool:
        if candidate is None:
            return False
        placed = self.place(candidate)
        if placed is None or self.has(placed):
            return False
        self.rows.append(placed)
        if placed.template:
            self.used_templates.add(placed.template)
        return True

    def count(self, slot: str) -> int:
        return sum(1 for r in self.rows if _slot(r.row.level2) == slot)

    # pools ----------------------------------------------------------------------------------------
    def templates(self, slot: str, kinds: Iterable[ProjectType]) -> Iterable[tuple[ProjectType, Template]]:
        from assistant.drafting.rows import _template_applies

        for kind in kinds:
            for template in kind.templates:
                if template.id in self.used_templates or _slot(template.level2) != slot:
                    continue
                if _template_applies(template, self.ctx):
                    yield kind, template

    def fill(self, slot: str, want: int) -> None:
        types = self.ctx.types
        own, common = types[:-1], types[-1:]
        if slot == "cost" and not any(r.origin == "budget" and r.statement is None for r in self.rows):
            # the total cost (≤ the budget) is always there, whatever standards the brief states
            budget = next((c for c in self._library(slot, types) if c.origin == "budget" and c.statement is None), None)
            self.add(budget)
            want = max(want, self.count(slot))
        # the department's own past tables of this type first (a continuing project's rows), then the
        # type's library, other projects of the type; the common indicators only fill what the
        # framework requires (one row): a generic row is weak
        pools = ((lambda: self._corpus(slot, own_department=True), want), (lambda: self._library(slot, own), want),
                 (lambda: self._corpus(slot), want), (lambda: self._library(slot, common), 1 if own else want))
        for pool, target in pools:
            for candidate in pool():
                if self.count(slot) >= target:
                    break
                self.add(candidate)

    def _library(self, slot: str, kinds: list[ProjectType]) -> Iterable[Candidate]:
        for kind, template in self.templates(slot, kinds):
            quantity = None
            if template.value.method == "unit_cost":
                if any(r.statement and r.statement.kind == "standard" for r in self.rows):
                    continue  # the brief's own standard is the unit cost
                quantity = _unit_cost_quantity(self.ctx.statements, template.value.units)
                if quantity is None:
                    continue
            if template.value.method == "deadline" and self.count(TIME_LEVEL2):
                continue
            candidate = template_row(kind, template, self.ctx, quantity)
            if candidate is not None:
                yield candidate

    def _corpus(self, slot: str, own_department: bool = False) -> Iterable[Candidate]:
        if slot == "cost" or slot == QUANTITY_LEVEL2 or slot == TIME_LEVEL2:
            return  # counts, money and dates belong to their own project
        own = {t for t in (self.ctx.classification.primary, self.ctx.classification.secondary) if t}
        department = fold(self.ctx.brief.department)
        for hit in self.hits:
            level2 = self.level2_in_profile(hit_value(hit, "level2", "") or "")
            if level2 is None or _slot(level2) != slot:
                continue
            same_type = bool(own & self.corpus_types.get(hit_value(hit, "project_name", "") or "", set()))
            if own_department and not (same_type and department and department == fold(hit_value(hit, "department", ""))):
                continue
            candidate = corpus_row(hit, level2, self.ctx, same_type)
            if candidate is not None:
                yield candidate


# --- the drafter ---------------------------------------------------------------------------------------


class RuleDrafter:
    """Deterministic drafter. `retriever` is an assistant.retrieval Retriever (or None: library only)."""

    def __init__(self, retriever: Any | None = None) -> None:
        self.retriever = retriever
        self._corpus_types: dict[str, set[str]] | None = None

    def similar(self, brief: Brief) -> tuple[list[Any], list[Any]]:
        """(similar indicator hits, similar project hits) for the brief; empty without a retriever."""
        if self.retriever is None:
            return [], []
        query = f"{brief.name} {brief.usage[:300]}"
        search_vector = getattr(self.retriever, "search_vector", None)
        if search_vector is None:  # a retriever wrapper (e.g. a held-out view): plain searches
            return (
                self.retriever.search(query, k=SIMILAR_INDICATORS, kind="indicator"),
                self.retriever.search(query, k=SIMILAR_PROJECTS, kind="project"),
            )
        from assistant.retrieval.search import QueryError, prepare_query

        try:
            query = prepare_query(query).text
        except QueryError:  # a name of only emoji or punctuation: nothing to look up
            return [], []
        vector = self.retriever.embeddings.encode_queries([query])[0]  # embed once, search twice
        return (
            search_vector(query, vector, SIMILAR_INDICATORS, self.retriever.filters(kind="indicator")),
            search_vector(query, vector, SIMILAR_PROJECTS, self.retriever.filters(kind="project")),
        )

    def corpus_types(self) -> dict[str, set[str]]:
        """The types of every corpus project by name (classified once, from name and use)."""
        if self._corpus_types is None:
            from assistant import corpus

            types: dict[str, set[str]] = {}
            try:
                tables = corpus.load_tables()
            except Exception:  # noqa: BLE001 - no corpus: corpus rows are judged by their words alone
                tables = []
            for table in tables:
                found = classify(table.project_name, f"{table.fund_use}\n{table.goal}")
                types[table.project_name] = {t for t in (found.primary, found.secondary) if t}
            self._corpus_types = types
        return self._corpus_types

    def draft(self, brief: Brief, similar: tuple[list[Any], list[Any]] | None = None) -> DraftResult:
        """`similar`: hits already retrieved for this brief (as from `similar`), to search once."""
        ctx = make_context(brief)
        hits, projects = similar if similar is not None else self.similar(brief)
        corpus_types = self.corpus_types() if hits or projects else {}
        assembly = _Assembly(ctx, hits, corpus_types)
        brief_rows = self._brief_rows(assembly)
        self._fill(assembly)
        rows = self._clean(assembly, brief_rows)
        table = build_table(brief, rows, write_goal(rows, ctx))
        return checked_result(
            table, ctx.profile, method="rules", notes=self._notes(assembly), findings=self._brief_findings(ctx),
            similar=self._similar(projects, ctx, assembly.rows), project_type=ctx.classification.to_dict(),
        )

    # steps -----------------------------------------------------------------------------------------
    def _brief_rows(self, assembly: _Assembly) -> set[int]:
        """One row per statement (caps and percentage standards merged into one cost row)."""
        ctx = assembly.ctx
        statements = list(ctx.statements)
        merged = _merge_percent_standard(statements, ctx)
        for candidate in merged:
            assembly.add(candidate)
        for s in statements:
            if s.kind in ("cap", "percent_standard"):
                continue
            if s.kind == "component" and s.yuan is not None and abs(s.yuan - ctx.brief.budget) < 0.5:
                continue  # 「快检经费8万元」 is the budget itself, already the total-cost row
            candidate = statement_row(_named_standard(s, statements, ctx), ctx, assembly.used_templates)
            _distinct_name(candidate, assembly.rows)
            assembly.add(candidate)
        return {id(r) for r in assembly.rows}

    def _fill(self, assembly: _Assembly) -> None:
        for slot in (QUANTITY_LEVEL2, "质量指标", TIME_LEVEL2, "cost", "effect", SATISFACTION_LEVEL2):
            assembly.fill(slot, WANT[slot])

    def _clean(self, assembly: _Assembly, brief_rows: set[int]) -> list[Indicator]:
        """Rows the checker flags are dropped and their category refilled, until none is flagged."""
        ctx = assembly.ctx
        for _ in range(MAX_ROUNDS):
            rows = self._ordered(assembly)
            table = build_table(ctx.brief, [c.row for c in rows], write_goal([c.row for c in rows], ctx))
            flagged = {}
            for f in lint_table(table, profile=ctx.profile):
                if f.severity in ("error", "warning") and f.row is not None:
                    flagged.setdefault(f.row, f.message)
            if not flagged:
                assembly.rows = rows
                return [c.row for c in rows]
            for index, reason in flagged.items():
                candidate = rows[index]
                assembly.rows.remove(candidate)
                assembly.rejected.add(candidate.key)
                if id(candidate) in brief_rows and candidate.statement is not None:
                    assembly.notes.append(MESSAGES["dropped_brief"].format(text=candidate.statement.text, reason=reason))
                else:
                    assembly.notes.append(MESSAGES["dropped"].format(name=candidate.row.level3, reason=reason))
            self._fill(assembly)
        rows = self._ordered(assembly)
        assembly.rows = rows
        return [c.row for c in rows]

    def _ordered(self, assembly: _Assembly) -> list[Candidate]:
        order = [l2 for children in assembly.profile.level2.values() for l2 in children]
        return sorted(assembly.rows, key=lambda c: order.index(c.row.level2) if c.row.level2 in order else len(order))

    def _notes(self, assembly: _Assembly) -> list[str]:
        ctx = assembly.ctx
        notes = [ctx.classification.line]
        confirm = [f"{c.row.level3} {c.row.value}" for c in assembly.rows if c.confirm]
        if confirm:
            notes.append(MESSAGES["confirm"].format(rows="；".join(confirm)))
        corpus = [f"{c.row.level3}（{c.row.source}）" for c in assembly.rows if c.origin == "corpus"]
        if corpus:
            notes.append(MESSAGES["corpus_used"].format(rows="；".join(corpus)))
        notes += [MESSAGES["figures"].format(message=m) for m in check_figures(ctx.statements, ctx.brief.budget, self._type_ids(ctx))]
        notes += assembly.notes
        return list(dict.fromkeys(notes))

    @staticmethod
    def _type_ids(ctx: DraftContext) -> list[str]:
        return [t for t in (ctx.classification.primary, ctx.classification.secondary) if t]

    def _brief_findings(self, ctx: DraftContext) -> list[dict[str, Any]]:
        return [
            {"rule": BRIEF_FINDING_RULE, "severity": "warning", "project_name": ctx.brief.name, "level1": None,
             "level2": None, "level3": None, "field": "budget", "message": message,
             "suggestion": "核实补助（服务）数量、标准和预算数，使三者一致后再提交"}
            for message in check_figures(ctx.statements, ctx.brief.budget, self._type_ids(ctx))
        ]

    def _similar(self, projects: list[Any], ctx: DraftContext, rows: list[Candidate]) -> list[dict[str, Any]]:
        """The similar projects the draft cites: those of its type whose rows it uses (a project
        merely retrieved is not a reference of this draft)."""
        used = {c.row.source.split(" · ")[1] for c in rows if c.origin == "corpus" and c.row.source}
        return [similar_entry(p) for p in projects if hit_value(p, "project_name", "") in used]


PEOPLE_UNITS = {"人", "人次", "名", "户", "户次"}
# Subjects many rows share (not what they measure).
GENERIC_SUBJECTS = ("参训人员", "服务对象", "项目", "系统", "工程", "设备", "物资", "资金", "补助", "补贴")
SAME_MEASURE_CHARS = 4


def same_measure(a: str, b: str, subjects: tuple[str, ...] = GENERIC_SUBJECTS) -> bool:
    """Two names measure the same thing: after their shared subjects are taken out they still
    share four characters in a row (「设备到货验收情况」 / 「到货验收合格率」; 「培训考核合格率」 /
    「结业考核合格率」)."""
    from difflib import SequenceMatcher

    def core(name: str) -> str:
        for word in subjects:
            name = name.replace(word, "")
        return name

    x, y = core(a), core(b)
    if not x or not y:
        return False
    match = SequenceMatcher(None, x, y).find_longest_match(0, len(x), 0, len(y))
    return match.size >= SAME_MEASURE_CHARS


def _unit_cost_quantity(statements: list[Statement], units: list[str]) -> Statement | None:
    """The count a unit cost divides the budget by: a head count (an average per person is
    meaningful), or the only output of the project (budget ÷ 12000平方米 is not the roofing cost
    when the budget also pays for pipes and lamps)."""
    outputs = [s for s in statements if s.kind in ("quantity", "scope") and not s.name.startswith("每")]
    fitting = [s for s in outputs if s.kind == "quantity" and (s.unit or "").removeprefix("万") in units and (s.number or 0) >= 2
               and ((s.unit or "") in PEOPLE_UNITS or len(outputs) == 1)]
    # the total head count (120人次), not the size of one session (每期40人)
    return max(fitting, key=lambda s: (units.index((s.unit or "").removeprefix("万")) * -1, s.number or 0), default=None)


STAGE_NAME = "阶段性任务完成时间"


def _distinct_name(candidate: Candidate, rows: list[Candidate]) -> None:
    """Two statements of the brief that would give one name get two: the earlier of two deadlines is
    a stage (「上半年完成15个村，年底前全部完成」), a count is told apart by its own words."""
    clash = next((r for r in rows if r.origin == "brief" and r.key == candidate.key), None)
    s = candidate.statement
    if clash is None or s is None or clash.statement is None:
        return
    if s.kind == "deadline" and clash.statement.kind == "deadline":
        earlier = clash if (clash.statement.month or 12) <= (s.month or 12) else candidate
        earlier.row = earlier.row.model_copy(update={"level3": STAGE_NAME})
        return
    words = re.sub(r"[\d.]+.*$", "", s.text).strip("，,、 ")
    words = re.sub(r"^(?:计划|预计|完成|开展|全年|共|累计|上半年|下半年|年底前|年内)+", "", words)[-6:]
    if words and words not in candidate.row.level3:
        candidate.row = candidate.row.model_copy(update={"level3": f"{words}{candidate.row.level3}"})


def _merge_percent_standard(statements: list[Statement], ctx: DraftContext) -> list[Candidate]:
    """「按设备投资额的8%予以奖补，单个企业最高不超过50万元」 -> one cost row with both."""
    from assistant.drafting.rows import SOURCE_BRIEF, MESSAGES as ROW_MESSAGES

    percent = next((s for s in statements if s.kind == "percent_standard"), None)
    caps = [s for s in statements if s.kind == "cap"]
    out: list[Candidate] = []
    if percent is not None and caps:
        cap = caps[0]
        value = MESSAGES["percent_standard_value"].format(base=percent.subject, number=f"{percent.number:g}",
                                                          verb=percent.verb, cap=f"{cap.number:g}{cap.unit}")
        name = f"{cap.subject}{MESSAGES['percent_standard'].format(verb=percent.verb)}" if cap.subject else \
            MESSAGES["percent_standard"].format(verb=percent.verb)
        row = Indicator(level2="成本指标", level3=name, description=ROW_MESSAGES["explain_standard"].format(
            text=f"{percent.text}，{cap.text}"), value=value, basis=ROW_MESSAGES["basis_brief_cost"].format(
            text=f"{percent.text}，{cap.text}"), source=SOURCE_BRIEF)
        out.append(Candidate(row, "brief", None, percent))
        caps = caps[1:]
    elif percent is not None:
        row = Indicator(level2="成本指标", level3=percent.name,
                        description=ROW_MESSAGES["explain_standard"].format(text=percent.text),
                        value=f"≤{percent.number:g}%", basis=ROW_MESSAGES["basis_brief_cost"].format(text=percent.text),
                        source=SOURCE_BRIEF)
        out.append(Candidate(row, "brief", None, percent))
    for cap in caps:
        row = Indicator(level2="成本指标", level3=cap.name, description=ROW_MESSAGES["explain_standard"].format(text=cap.text),
                        value=f"≤{cap.number:g}{cap.unit}", basis=ROW_MESSAGES["basis_brief_cost"].format(text=cap.text),
                        source=SOURCE_BRIEF)
        out.append(Candidate(row, "brief", None, cap))
    return out


def _named_standard(s: Statement, statements: list[Statement], ctx: DraftContext) -> Statement:
    """A standard named for what it pays (人均安家补贴标准) and, when several standards follow
    several counts, for whom (引进博士…标准)."""
    if s.kind != "standard":
        return s
    from dataclasses import replace

    from assistant.drafting.money import pair_standards

    name = s.name
    generic = name.endswith(("补助标准", "支出标准")) and not s.subject
    if generic and ctx.support:
        name = name.replace("补助标准", f"{ctx.support}标准").replace("支出标准", f"{ctx.support}标准")
    standards = [x for x in statements if x.kind == "standard"]
    if len(standards) > 1:
        pair = next((p for p in pair_standards(statements) if p.standard is s), None)
        if pair is not None and pair.count.subject:
            who = pair.count.subject.removeprefix(pair.count.verb) or pair.count.subject
            name = f"{who}{name}" if who not in name else name
    return replace(s, name=name)


def similar_entry(hit: Any) -> dict[str, Any]:
    source = hit_value(hit, "source") or {}
    get = source.get if isinstance(source, dict) else (lambda k, d=None: getattr(source, k, d))
    row = get("row", None)
    label = f"{get('file', '')} · {hit_value(hit, 'project_name', '')}" + (f" · 第{row}行" if row else "")
    return {"project_name": hit_value(hit, "project_name", ""), "score": hit_value(hit, "score", 0.0), "source": label}


__all__ = ["DEFAULT_PLAN", "RuleDrafter", "build_table", "checked_result", "make_context", "money_text", "row_key"]
