"""Money that adds up: the brief's standards checked against its counts and its budget.

「补贴对象1850人，每人每月80元」 with a budget of 150万元: 1850人 × 80元/人·月 × 12个月 =
177.6万元 > 150万元. Such a disagreement is reported as a finding of the draft (rule
`brief.figures-disagree`), never hidden; the rows keep the brief's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.drafting.statements import Statement

TOLERANCE = 0.05  # 5%: rounding, fees and small items the brief does not list
SHORTFALL = 0.5  # a cash project whose standard payments explain less than half its budget
# Projects whose budget is (almost) all the standard times the count: a shortfall is worth saying too.
CASH_TYPES = {"subsidy_people", "social_insurance", "talent", "agriculture", "education", "enterprise_fund"}
PERIODS = {"月": 12, "季度": 4, "学期": 2, "年": 1, "次": 1, "": 1, "天": 365, "周": 52}
# Which count a per-unit standard multiplies (每人 × N人/名, 每亩 × N亩 …).
PER_UNITS = {
    "人": ("人", "名"), "人次": ("人次",), "户": ("户",), "亩": ("亩", "万亩"), "场": ("场", "场次"), "剂": ("剂次", "剂"),
    "批次": ("批次",), "批": ("批", "批次"), "家": ("家",), "个": ("个",), "次": ("次", "人次"), "所": ("所",),
    "台": ("台",), "套": ("套",), "辆": ("辆",), "期": ("期",), "天": ("天",), "吨": ("吨",),
}

MESSAGES = {
    "term": "{count}{unit}×{standard}{periods}",
    "periods": "×{n}{period}",
    "over": "按申报内容测算：{terms}={product}，超过预算{budget}（多{diff}），请核实数量、标准或预算。",
    "under": "按申报内容测算：{terms}={product}，比预算{budget}少{diff}，差额的用途申报内容没有说明，请核实。",
    "components_over": "申报内容列出的分项支出合计{sum}，超过预算{budget}，请核实。",
    "period_words": {"月": "个月", "季度": "个季度", "学期": "个学期", "天": "天", "周": "周"},
}


@dataclass(frozen=True)
class Pairing:
    standard: Statement
    count: Statement

    @property
    def periods(self) -> float | None:
        """How many periods the standard is paid for: the months or days the brief states (「补助6个月」
        「全年按200天计算」), else a year's worth of months; a daily standard without its days: unknown."""
        if self.standard.period == "月":
            return self.standard.extra.get("months") or 12
        if self.standard.period in ("天", "周"):
            return self.standard.extra.get("days") if self.standard.period == "天" else None
        return PERIODS.get(self.standard.period, 1)

    @property
    def amount_per_period(self) -> float:
        """One period's worth (one day of a daily standard whose days the brief does not state)."""
        count = (self.count.number or 0) * (1e4 if (self.count.unit or "").startswith("万") else 1)
        return (self.standard.yuan or 0) * count * self.standard.extra.get("share", 1.0)

    @property
    def amount(self) -> float:
        """What the budget pays for this standard: count × standard × periods × the county's share."""
        periods = self.periods or 0
        count = (self.count.number or 0) * (1e4 if (self.count.unit or "").startswith("万") else 1)
        return (self.standard.yuan or 0) * count * periods * self.standard.extra.get("share", 1.0)


def pair_standards(statements: list[Statement]) -> list[Pairing]:
    """Each money standard with the count it applies to: a count that names the same group
    (国家级, 博士, 特困人员), else the count right after it (「每家奖励10万元，计划12家」), else the
    nearest one before it. A standard with no such count is left out (no guess)."""
    pairs = []
    for i, s in enumerate(statements):
        if s.kind != "standard" or s.yuan is None:
            continue
        units = PER_UNITS.get(s.per, (s.per,))
        fits = lambda c: c.kind in ("quantity", "scope") and (c.unit or "") in units  # noqa: E731
        named = [c for c in statements if fits(c) and _shares_qualifier(s, c)]
        sentence = s.extra.get("sentence")
        # in the same sentence: 「省级传承人8人，每人每年5000元；」 or 「每家奖励10万元，计划12家；」
        same = [c for c in statements if fits(c) and c.extra.get("sentence") == sentence]
        nearest = min(same, key=lambda c: abs(statements.index(c) - i), default=None)
        before = [c for c in statements[:i] if fits(c)]
        chosen = named[0] if named else nearest or (before[-1] if before else None)
        if chosen is not None:
            pairs.append(Pairing(s, chosen))
    return pairs


def _shares_qualifier(standard: Statement, count: Statement) -> bool:
    """「国家级…每家奖励50万元」 goes with 「国家级1家」, 「博士…每人10万元」 with 「博士5名」."""
    text = standard.text + standard.subject
    subject = count.subject.removeprefix(count.verb)
    return any(subject[i:i + 2] in text for i in range(len(subject) - 1)) if len(subject) >= 2 else False


def _money(yuan: float) -> str:
    return f"{yuan / 10000:,.2f}万元" if yuan >= 10000 else f"{yuan:,.2f}元"


def _term(p: Pairing) -> str:
    periods = p.periods or 1
    period_text = MESSAGES["periods"].format(n=f"{periods:g}", period=MESSAGES["period_words"][p.standard.period]) if periods > 1 else ""
    count = p.count.number or 0
    count_text = str(int(count)) if count == int(count) else f"{count:g}"
    standard = f"{p.standard.number:g}{p.standard.unit}"
    return MESSAGES["term"].format(count=count_text, unit=p.count.unit, standard=standard, periods=period_text)


def check_figures(statements: list[Statement], budget: float, type_ids: list[str]) -> list[str]:
    """Chinese messages for the brief's figures that disagree with its budget (empty: they agree).

    Too much is reported from what is known for sure: the standards that have their count (a
    standard whose days are not stated counts one day), not caps; that sum is a lower bound of
    the spending. Too little is reported only when every standard has its count and periods."""
    problems: list[str] = []
    pairs = pair_standards(statements)
    components = sum(s.yuan or 0 for s in statements if s.kind == "component")
    standards = sum(1 for s in statements if s.kind == "standard" and s.yuan is not None)
    firm = [p for p in pairs if not p.standard.extra.get("ceiling")]  # caps: only an upper bound
    if firm:
        lower = sum(p.amount if p.periods is not None else p.amount_per_period for p in firm)
        if lower > budget * (1 + TOLERANCE):
            problems.append(MESSAGES["over"].format(terms="+".join(_term(p) for p in firm), product=_money(lower),
                                                    budget=_money(budget), diff=_money(lower - budget)))
    complete = pairs and len(pairs) == standards and all(p.periods is not None for p in pairs)
    if complete and not problems:
        product = sum(p.amount for p in pairs)
        if product + components < budget * SHORTFALL and set(type_ids) & CASH_TYPES:
            problems.append(MESSAGES["under"].format(terms="+".join(_term(p) for p in pairs), product=_money(product),
                                                     budget=_money(budget), diff=_money(budget - product)))
    if components > budget + 0.5:
        problems.append(MESSAGES["components_over"].format(sum=_money(components), budget=_money(budget)))
    return problems
