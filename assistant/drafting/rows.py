"""Candidate rows of a draft and how each one's value and basis were set.

Three origins, in the order a draft prefers them:
- the brief: every statement becomes a row with the brief's own value (计划标准：项目申报内容（…）);
- the indicator library (assistant/drafting/library): the project type's templates, filled for
  this project; a customary value says it was chosen by the drafter and must be confirmed;
- the corpus: a similar project's row, only where it fits (same type, or its subject words are
  in the brief) and keeping that project's value, so that the citation is true.
The budget gives the cost rows (预算支出标准).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.drafting.context import DraftContext
from assistant.drafting.library import ProjectType, Template
from assistant.drafting.statements import Statement
from assistant.model import Indicator, ValueKind
from assistant.values import format_value, parse_value
from assistant.vocab import COST_LEVEL2, EFFECT_LEVEL2, SATISFACTION_LEVEL2, fold, guess_level2

SOURCE_BRIEF = "项目申报内容"
SOURCE_LIBRARY = "内置指标库（{type}）"
SOURCE_BUDGET = "批复预算"

MESSAGES = {
    "basis_brief": "计划标准：项目申报内容（{text}）",
    "basis_brief_cost": "预算支出标准：项目申报内容（{text}）",
    "basis_customary": "{kind}：{detail}（系统按同类项目常用值拟定{range}，提交前请按实施方案确认）",
    "basis_graded": "{kind}：{detail}（系统拟定，提交前请确认）",
    "basis_standard": "行业标准：{detail}",
    "basis_default_deadline": "计划标准：项目实施方案（申报内容未写明完成时间，系统按{month}月底前拟定，请确认）",
    "basis_budget": "预算支出标准：不得超出批复预算{money}",
    "basis_unit_cost": "预算支出标准：批复预算{budget}元÷{quantity}={value}",
    "basis_history": "历史标准：参照“{project}”{where}同类指标（{value}）",
    "where": "（{parts}）",
    "range": "，通常{low}%–{high}%",
    "range_plain": "，通常{low}–{high}",
    "detail_default": "项目实施方案",
    "source_corpus": "{file} · {project} · 第{row}行",
    "deadline_value": "{year}年{when}前",
    "date_value": "{year}年{when}",
    "deadline_name_default": "项目完成时间",
    "explain_quantity": "统计口径：{year}年实际完成的{name}，以{records}为准",
    "explain_scope": "统计口径：项目{verb}的{noun}，以{records}为准",
    "explain_rate": "计算方法：{name}＝实际{stem}的数量÷应{stem}的总数×100%；统计口径：{records}",
    "explain_rate_negative": "计算方法：{name}＝{stem}的数量÷{base}总数×100%；统计口径：{records}",
    "explain_service": "统计口径：{name}，以{records}中的记录为准",
    "explain_deadline": "{name}：以{records}中的完成记录为准",
    "explain_standard": "按申报内容确定的支出标准（{text}），以财务支出凭证和发放记录核算",
    "explain_component": "项目预算中{name}的支出金额，以财务支出凭证为准，不超过申报数",
    "explain_check": "{name}：以{records}为准，按“{value}”考核",
    "explain_outcome": "统计口径：项目带来的{name}，以{records}和统计报表为准",
    "records_default": "项目实施台账",
    "unit_cost_name": "{subject}单位成本",
    "percent_standard_value": "{base}的{number}%，单个不超过{cap}",
    "percent_rate_value": "={number}%",
}

# A row's key for "the same thing twice": rates and satisfaction by their last word (合格率, 满意度).
_KEY_TAIL = re.compile(r"(合格率|满意度|完成率|及时率|出勤率|覆盖率|知晓率|达标率|准确率|完好率|可用率|完成时间)$")


@dataclass
class Candidate:
    row: Indicator  # level1 is set when the draft is assembled
    origin: str  # brief | library | corpus | budget
    template: str | None = None
    statement: Statement | None = None
    confirm: bool = False  # a value the drafter chose: to be confirmed by the user

    @property
    def key(self) -> str:
        return row_key(self.row.level3)


def row_key(name: str) -> str:
    folded = re.sub(r"[()（）\s]|指标$", "", fold(name))
    tail = _KEY_TAIL.search(folded)
    return tail.group(1) if tail and tail.group(1) not in ("完成时间",) else folded


def money_text(yuan: float) -> str:
    """An amount as staff write it: 万元 when exact to four decimals (438.768万元), else 元."""
    wan = yuan / 10000
    text = f"{wan:.4f}".rstrip("0").rstrip(".")
    return f"{text}万元" if abs(float(text) * 10000 - yuan) < 0.005 else f"{yuan:.2f}元"


def num_text(value: float) -> str:
    return format_value("", value, "")


# --- filling ---------------------------------------------------------------------------------------


def _fill(text: str, ctx: DraftContext, kind: ProjectType, template: Template, item: str = "") -> str:
    beneficiary = _beneficiary_for(ctx, kind, template)
    return text.format(year=ctx.year, beneficiary=beneficiary, item=item or beneficiary,
                       records=kind.records or MESSAGES["records_default"])


def _beneficiary_for(ctx: DraftContext, kind: ProjectType, template: Template) -> str:
    """Who a satisfaction row asks: the brief's group when it says one and it is short, else the
    template's or the type's usual one."""
    own = ctx.beneficiary if ctx.beneficiary and ctx.beneficiary != "服务对象" and len(ctx.beneficiary) <= 8 else ""
    listed = template.beneficiaries or kind.beneficiaries
    if template.beneficiaries and own and not any(b in own or own in b for b in template.beneficiaries):
        return template.beneficiaries[0]  # who is asked is the template's (家长, not 在园幼儿)
    return own or (listed or [ctx.beneficiary or "服务对象"])[0]


def _records(ctx: DraftContext) -> str:
    return next((t.records for t in ctx.types if t.records), MESSAGES["records_default"])


def _range_text(template: Template) -> str:
    if not template.value.range:
        return ""
    low, high = (num_text(x) for x in template.value.range)
    if low == high:
        return ""
    unit = parse_value(template.value.target or "").unit
    return MESSAGES["range"].format(low=low, high=high) if unit == "%" else MESSAGES["range_plain"].format(low=low, high=high)


def _library_basis(template: Template, confirm: bool) -> str:
    detail = template.basis_detail or MESSAGES["detail_default"]
    if template.basis == "行业标准" and template.basis_detail:
        return MESSAGES["basis_standard"].format(detail=detail)
    if not confirm:
        return f"{template.basis}：{detail}"
    if template.value.method == "graded":
        return MESSAGES["basis_graded"].format(kind=template.basis, detail=detail)
    return MESSAGES["basis_customary"].format(kind=template.basis, detail=detail, range=_range_text(template))


def statement_value(s: Statement, year: int) -> str:
    if s.kind == "deadline":
        if s.extra.get("monthly"):
            return f"{s.when}前"  # 「每月15日前」: every month, no year
        key = "deadline_value" if s.extra.get("before", True) else "date_value"
        return MESSAGES[key].format(year=year, when=s.when)
    if s.value_text:
        return s.value_text
    return format_value(s.operator, s.number, s.unit)


def _statement_level2(s: Statement, value: str) -> str:
    if s.kind == "rate" and s.name.endswith(("下降率", "增长率")) and s.level2:
        return s.level2  # a change the project brings about: a benefit
    if s.kind in ("rate", "service") and s.unit == "%":
        if "覆盖" in s.name and re.search(r"测评|体检|筛查|接种|培训|检查|巡查|服务|宣传|检测|走访", s.name):
            return "质量指标"  # 「心理测评覆盖率」: how completely the service was delivered
        guessed = guess_level2(s.name, value)
        return guessed if guessed not in COST_LEVEL2 else "质量指标"
    return s.level2 or guess_level2(s.name, value)


# --- templates claiming statements ----------------------------------------------------------------


def _template_applies(template: Template, ctx: DraftContext) -> bool:
    if template.requires and not any(fold(w) in ctx.context for w in template.requires):
        return False
    return not any(fold(w) in ctx.context for w in template.excludes)


def _unit_of(s: Statement) -> str:
    return (s.unit or "").removeprefix("万")


def claims(template: Template, s: Statement) -> bool:
    """Whether a template is the row for a brief statement (its explanation and category serve it).
    An output count is explained by an output template, an outcome by a benefit template."""
    spec = template.value
    if spec.method == "quantity" and s.kind in ("quantity", "scope", "outcome"):
        if (template.level2 in EFFECT_LEVEL2) != (s.kind == "outcome"):
            return False
        subject = s.subject + s.name  # the counted thing, not the whole clause
        return _unit_of(s) in spec.units and (not spec.match or any(w in subject for w in spec.match))
    if spec.method == "rate" and s.kind in ("rate", "service") and s.unit == "%":
        return any(w in s.name for w in spec.stated)
    if spec.method == "deadline" and s.kind == "deadline":
        return not spec.events or any(w in s.text or w == s.verb for w in spec.events)
    if spec.method == "standard" and s.kind == "standard":
        return s.per in spec.units
    return False


def find_template(s: Statement, ctx: DraftContext, used: set[str]) -> tuple[ProjectType, Template] | None:
    """The template that explains a statement's row (one template may explain several: 博士, 硕士)."""
    for kind in ctx.types:
        for template in kind.templates:
            if _template_applies(template, ctx) and claims(template, s):
                return kind, template
    return None


# --- rows from the brief --------------------------------------------------------------------------


def bare_name(s: Statement, ctx: DraftContext) -> str:
    """A statement's row name, completed with the project's act when the brief left only the
    measure (「大概2100人」 -> 接种人数; 「每期5天」 -> 每期培训天数; 「对3座小型水库实施…」 ->
    除险加固小型水库数量)."""
    name = s.name
    if s.kind not in ("quantity", "scope") or not ctx.verb:
        return name
    from assistant.drafting.context import PROJECT_VERBS
    from assistant.drafting.statements import OUTPUT_VERBS

    has_act = any(v in name for v in (*OUTPUT_VERBS, *PROJECT_VERBS)) or name.startswith(("覆盖", "每"))
    things = ("座", "个", "处", "所", "台", "套", "辆", "条", "公里", "千米", "米", "平方米", "亩", "万亩", "栋", "间", "盏", "艘", "架")
    if s.kind == "quantity" and not s.verb and not has_act and s.level2 == "数量指标" and len(name) <= 10 and s.unit in things:
        return f"{ctx.verb}{name}"
    if name in ("人数", "剂次", "户数", "人次", "批次", "数量", "次数", "天数", "时长"):
        if name == "人数" and ctx.beneficiary and ctx.beneficiary != "服务对象" and len(ctx.beneficiary) <= 8:
            return f"{ctx.verb}{ctx.beneficiary}人数" if not ctx.beneficiary.endswith("人") else f"{ctx.verb}{ctx.beneficiary}数"
        return f"{ctx.verb}{name}"
    if name.startswith("每") and ctx.verb not in name:
        m = re.match(r"(每[\u4e00-\u9fff]{1,2}?)(天数|时长|课时数|次数|人数)$", name)
        if m:
            return f"{m.group(1)}{ctx.verb}{m.group(2)}"
    return name


def statement_row(s: Statement, ctx: DraftContext, used: set[str]) -> Candidate:
    value = statement_value(s, ctx.year)
    found = find_template(s, ctx, used)
    records = _records(ctx)
    name = bare_name(s, ctx)
    level2 = _statement_level2(s, value)
    template_id = None
    if found:
        kind, template = found
        template_id = template.id
        used.add(template.id)
        level2 = template.level2
        fixed_name = _fill(template.name, ctx, kind, template) if "{item}" not in template.name else ""
        if s.kind == "deadline" and s.name == MESSAGES["deadline_name_default"]:
            name = fixed_name or name  # 「9月底前办完」 -> 培训任务完成时间
        elif fixed_name and re.fullmatch(r"(?:举办|开展|组织|实施|完成)?(?:期数|场次|次数|人数|人次)", name) and fixed_name.endswith(name[-2:]):
            name = fixed_name  # 「准备办三期」 -> 举办培训期数, not 举办期数
        elif fixed_name and s.kind == "rate" and name in ("合格率", "达标率", "完成率", "通过率", "准确率", "满意度"):
            name = fixed_name  # 「合格率不低于90%」 in a training: 培训考核合格率
        if _explains(template, name, _fill(template.name, ctx, kind, template), s):
            description = _fill(template.explanation, ctx, kind, template, item=name)
        else:
            description = _explain(s, name, value, records, ctx)
    else:
        description = _explain(s, name, value, records, ctx)
    basis_key = "basis_brief_cost" if level2 in COST_LEVEL2 else "basis_brief"
    row = Indicator(level2=level2, level3=name, description=description, value=value,
                    basis=MESSAGES[basis_key].format(text=s.text), source=SOURCE_BRIEF)
    return Candidate(row, "brief", template_id, s)


def _explains(template: Template, name: str, template_name: str, s: Statement) -> bool:
    """A template's explanation serves a statement's row when it speaks of the same thing: it
    takes the row's name ({item}), names the statement's subject, or the two names are close
    (「覆盖行政村（社区）数」 does not explain 「覆盖乡镇数」)."""
    from rapidfuzz import fuzz

    if "{item}" in template.explanation or name == template_name:
        return True
    subject = (s.subject or "").removeprefix(s.verb)
    if subject and len(subject) >= 2 and subject in template.explanation:
        return True
    return fuzz.ratio(fold(name), fold(template_name)) >= 60


_NEGATIVE_RATE = re.compile(r"(.*?)(差错|错误|失误|投诉|事故|不合格|超标|逾期|流失|损耗)率$")


def rate_explanation(name: str, records: str) -> str:
    """「上岗前培训率」 -> 实际上岗前培训的数量÷应上岗前培训的总数×100%; an error rate counts the errors."""
    negative = _NEGATIVE_RATE.match(name)
    if negative:
        base = negative.group(1) or "考核对象"
        return MESSAGES["explain_rate_negative"].format(name=name, stem=name[:-1], base=base, records=records)
    stem = re.sub(r"率$|度$", "", name)
    return MESSAGES["explain_rate"].format(name=name, stem=stem, records=records)


def _explain(s: Statement, name: str, value: str, records: str, ctx: DraftContext) -> str:
    if s.kind == "scope" or s.verb in ("涉及", "惠及", "覆盖", "受益"):
        noun = name.removeprefix(s.verb).removeprefix("覆盖") or name
        return MESSAGES["explain_scope"].format(verb=s.verb or "覆盖", noun=noun, records=records)
    if s.kind == "quantity":
        return MESSAGES["explain_quantity"].format(year=ctx.year, name=name, records=records)
    if s.kind == "outcome":
        return MESSAGES["explain_outcome"].format(name=name, records=records)
    if s.kind in ("rate",) and s.unit == "%":
        return rate_explanation(name, records)
    if s.kind == "service":
        return MESSAGES["explain_service"].format(name=name, records=records)
    if s.kind == "deadline":
        return MESSAGES["explain_deadline"].format(name=name, records=records)
    if s.kind == "standard":
        return MESSAGES["explain_standard"].format(text=s.text)
    if s.kind == "component":
        return MESSAGES["explain_component"].format(name=name)
    return MESSAGES["explain_check"].format(name=name, records=records, value=value)


# --- rows from the library ------------------------------------------------------------------------


def template_row(kind: ProjectType, template: Template, ctx: DraftContext, quantity: Statement | None = None) -> Candidate | None:
    """A library row with a value the drafter can set without the brief (customary, graded,
    budget, unit cost, default deadline); None when the template needs a statement it lacks."""
    spec = template.value
    name = _fill(template.name, ctx, kind, template)
    description = _fill(template.explanation, ctx, kind, template, item=name)
    source = SOURCE_LIBRARY.format(type=kind.title)
    confirm = True
    if spec.method == "budget":
        value = "≤" + money_text(ctx.brief.budget)
        basis = MESSAGES["basis_budget"].format(money=money_text(ctx.brief.budget))
        confirm = False
    elif spec.method == "unit_cost":
        if quantity is None or not quantity.number:
            return None
        per = ctx.brief.budget / (quantity.number * (1e4 if (quantity.unit or "").startswith("万") else 1))
        unit = _unit_of(quantity)
        value = format_value("≤", round(per, 2), f"元/{unit}")
        basis = MESSAGES["basis_unit_cost"].format(budget=f"{ctx.brief.budget:.2f}",
                                                   quantity=format_value("", quantity.number, quantity.unit), value=value.lstrip("≤"))
        confirm = False
    elif spec.method == "deadline":
        if spec.default_month is None:
            return None
        value = MESSAGES["deadline_value"].format(year=ctx.year, when=f"{spec.default_month}月底")
        basis = MESSAGES["basis_default_deadline"].format(month=spec.default_month)
    elif spec.method in ("rate", "customary", "graded") or (spec.method == "quantity" and spec.target):
        if not spec.target or "{item}" in template.name:
            return None
        value = spec.target.format(year=ctx.year)
        basis = _library_basis(template, confirm=True)
        if template.basis == "行业标准" and template.basis_detail:
            confirm = False
    else:
        return None
    if spec.method in ("budget", "unit_cost"):
        source = SOURCE_BUDGET
    row = Indicator(level2=template.level2, level3=name, description=description, value=value, basis=basis,
                    source=source)
    return Candidate(row, "library" if spec.method not in ("budget", "unit_cost") else "budget", template.id,
                     quantity, confirm)


# --- rows from the corpus -------------------------------------------------------------------------

_PROJECT_SPECIFIC_UNITS = {"万元", "元", "亿元", "千元"}
_GENERIC_WORDS = re.compile(
    r"率|数量|数|完成|指标|满意度|满意|项目|资金|工作|及时|合格|达标|情况|程度|时间|时限|成本|总|人次|人数|"
    r"覆盖|按时|按期|计划|任务|服务|对象|质量|效果|实施|开展|年度|全年|保障|建立|持续|长效|机制|管理|相关|有效|提升|"
    r"提高|增加|减少|发生|准确|安全|事故|投诉|受益|群众|社会|经济|生态|效益|影响|可持续|支出|支付|使用|规范|合规|执行|"
    r"经费|有效|情况|单位|部门|地区|全县|县级"
)


def hit_value(hit: Any, name: str, default: Any = None) -> Any:
    if isinstance(hit, dict):
        return hit.get(name, default)
    return getattr(hit, name, default)


def adapt_value(value: str) -> str | None:
    """A corpus value that carries over to a new project unchanged: a rate or a graded text.
    Counts, money and dates belong to the project they came from."""
    parsed = parse_value(value)
    if parsed.kind is ValueKind.quantitative:
        if parsed.unit not in ("%", "‰") or parsed.number is None or parsed.number > 100:
            return None
        return format_value(parsed.operator, parsed.number, parsed.unit)
    if parsed.kind is ValueKind.qualitative and value.strip() and not re.search(r"\d", value):
        return value.strip()
    return None


def subject_words_in_brief(name: str, ctx: DraftContext) -> bool:
    """All content words of a corpus row's name occur in the brief (「培训合格率」 in a training brief)."""
    from assistant.drafting.statements import cut_words

    words = [w for w in cut_words(fold(name)) if len(w) >= 2 and not _GENERIC_WORDS.fullmatch(w)]
    return bool(words) and all(fold(w) in ctx.context for w in words)


def corpus_row(hit: Any, level2: str, ctx: DraftContext, same_type: bool) -> Candidate | None:
    """A similar project's row, kept with its own value, when it fits this project."""
    name = (hit_value(hit, "level3", "") or "").strip()
    value = adapt_value(hit_value(hit, "value", "") or "")
    if not name or not value or "*" in name or "＊" in name or re.search(r"(?:19|20)\d{2}", name + value):
        return None
    if not (same_type or subject_words_in_brief(name, ctx)):
        return None
    project = hit_value(hit, "project_name", "") or ""
    description = (hit_value(hit, "description", "") or "").strip()
    if not description or description == name or re.search(r"(?:19|20)\d{2}", description):
        description = rate_explanation(name, _records(ctx)) if value.endswith("%") else name
    source = hit_value(hit, "source") or {}
    get = source.get if isinstance(source, dict) else (lambda k, d=None: getattr(source, k, d))
    where_parts = [p for p in (hit_value(hit, "department", "") or "", f"{hit_value(hit, 'year', '')}年" if hit_value(hit, "year", None) else "") if p]
    where = MESSAGES["where"].format(parts="，".join(where_parts)) if where_parts else ""
    row = Indicator(level2=level2, level3=name, description=description, value=value,
                    basis=MESSAGES["basis_history"].format(project=project, where=where, value=value),
                    source=MESSAGES["source_corpus"].format(file=get("file", ""), project=project, row=get("row", "?")))
    return Candidate(row, "corpus")


def is_satisfaction(level2: str) -> bool:
    return level2 == SATISFACTION_LEVEL2
