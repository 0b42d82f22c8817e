"""The goal text (绩效目标): 2–4 numbered sentences in the usual register — purpose with the main
outputs and their quantities, the targets, the deadline and the money — every number in it
taken from a row of the draft.

    1.举办农村电商直播带货培训班2期，培训100人，提升参训人员的业务能力和实际操作水平；
    2.结业考核合格率不低于85%，培训后开网店或直播带货人数不少于30人，参训人员满意度不低于90%；
    3.2026年9月底前完成全部任务，项目支出控制在批复预算12万元以内。
"""

from __future__ import annotations

import re

from assistant.drafting.context import DraftContext
from assistant.drafting.rows import SOURCE_BRIEF, money_text
from assistant.drafting.statements import NAME_SUFFIX
from assistant.model import Indicator, ValueKind
from assistant.values import format_value
from assistant.vocab import COST_LEVEL2, EFFECT_LEVEL2, QUANTITY_LEVEL2, SATISFACTION_LEVEL2, TIME_LEVEL2

MAX_OUTPUTS = 4
MAX_TARGETS = 3

MESSAGES = {
    "purpose": "{index}.{outputs}{purpose}",
    "targets": "{index}.{targets}",
    "deadline": "{index}.{deadline}前完成全部任务，项目支出控制在批复预算{budget}以内",
    "money_only": "{index}.项目支出控制在批复预算{budget}以内",
    "purpose_default": "保障{beneficiary}相关工作按计划完成",
    "op_words_rate": {"≥": "不低于", ">": "高于", "≤": "不高于", "<": "低于", "=": "达到"},
    "op_words_count": {"≥": "不少于", ">": "多于", "≤": "不超过", "<": "少于", "=": "为"},
    "target": "{name}{op}{number}",
    "output": "{name}{number}",
}
_SUFFIXES = tuple(sorted(set(NAME_SUFFIX.values()), key=len, reverse=True))


def _number(row: Indicator) -> str:
    p = row.parsed
    return format_value("", p.number, p.unit)


def _output_phrase(row: Indicator) -> str:
    """「改造老旧小区数量 ≥3个」 -> '改造老旧小区3个'; 「培训人数 ≥100人」 -> '培训100人'."""
    name = row.level3
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            # 「涉及住户数」 keeps its 户: only the 数 goes
            name = name[:-1] if suffix in ("户数", "人数") and name[-3:-2] in "住农用商客贫职" else name[: -len(suffix)]
            break
    if name.startswith("覆盖") and name.endswith("数"):
        name = name[:-1]  # 「覆盖乡镇数」 -> 「覆盖乡镇18个」
    people = re.fullmatch(r"(.+?)(培训|慰问|救助|服务|接种|筛查|体检|资助|帮扶|走访|回访)", name)
    if people and row.parsed.unit in ("人", "人次", "名"):
        name = people.group(2) + people.group(1)  # 「企业管理人员培训人次」 -> 「培训企业管理人员200人次」
    if re.search(r"(?:班|会|节|活动|赛|展)$", name) and not name.startswith(("举办", "开展", "组织", "召开")):
        name = "举办" + name  # 「培训班2期」 -> 「举办培训班2期」
    return MESSAGES["output"].format(name=name, number=_number(row))


def _target_phrase(row: Indicator) -> str:
    p = row.parsed
    if p.kind is not ValueKind.quantitative or p.number is None:
        if not row.value.startswith(("通过", "无", "达到")):
            return ""
        if row.value == "无":
            return "无" + re.sub(r"(?:发生数|起数|(?<!事)件数|数|情况)$", "", row.level3)  # 「无监管领域重大安全事件」
        name = row.level3.removesuffix("情况")
        core = row.value.removeprefix("通过")
        return f"{name.replace(core, '') or name}{row.value}"  # 「成果专家评审情况」+「通过专家评审」 -> 成果通过专家评审
    words = MESSAGES["op_words_rate"] if p.unit == "%" else MESSAGES["op_words_count"]
    return MESSAGES["target"].format(name=row.level3, op=words.get(p.operator or "=", ""), number=_number(row))


def write_goal(rows: list[Indicator], ctx: DraftContext) -> str:
    parts: list[str] = []
    kind = ctx.types[0]
    purpose = (kind.purpose or MESSAGES["purpose_default"]).format(beneficiary=_beneficiary(ctx, kind))
    outputs = [r for r in rows if r.level2 == QUANTITY_LEVEL2 and r.source == SOURCE_BRIEF and r.parsed.number is not None]
    output_text = "，".join(_output_phrase(r) for r in outputs[:MAX_OUTPUTS])
    parts.append(MESSAGES["purpose"].format(index=1, outputs=f"{output_text}，" if output_text else "", purpose=purpose))
    brief_targets = [r for r in rows if r.source == SOURCE_BRIEF and r.level2 not in (QUANTITY_LEVEL2, TIME_LEVEL2)
                     and r.level2 not in COST_LEVEL2 and r.level2 != SATISFACTION_LEVEL2
                     and not re.search(r"(?:万元|元)以上）$", r.basis)]  # an eligibility threshold is not a target
    effects = [r for r in rows if r.level2 in EFFECT_LEVEL2 and r not in brief_targets]
    satisfaction = [r for r in rows if r.level2 == SATISFACTION_LEVEL2]
    chosen = (brief_targets + effects[: 1 if brief_targets else 2])[:MAX_TARGETS] + satisfaction[:1]
    targets = [t for t in (_target_phrase(r) for r in chosen) if t]
    if targets:
        parts.append(MESSAGES["targets"].format(index=len(parts) + 1, targets="，".join(targets)))
    deadlines = [r for r in rows if r.level2 == TIME_LEVEL2 and r.parsed.kind is ValueKind.time and re.search(r"\d{4}年\d{1,2}月", r.value)]
    deadline = max(deadlines, key=lambda r: int(re.search(r"年(\d{1,2})月", r.value).group(1)), default=None)
    budget = money_text(ctx.brief.budget)
    if deadline is not None:
        parts.append(MESSAGES["deadline"].format(index=len(parts) + 1, deadline=deadline.value.removesuffix("前"), budget=budget))
    else:
        parts.append(MESSAGES["money_only"].format(index=len(parts) + 1, budget=budget))
    return "；\n".join(parts) + "。"


def _beneficiary(ctx: DraftContext, kind) -> str:
    if ctx.beneficiary and len(ctx.beneficiary) <= 10:
        return ctx.beneficiary
    return (kind.beneficiaries or ["服务对象"])[0]
