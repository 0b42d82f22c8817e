"""A Brief from what a staff member types about a project:

    brief_from_text("我们局今年要办一期中小企业数字化转型培训班，预算15万元，培训企业管理人员200人次")
    -> Brief(name="2026年中小企业数字化转型培训项目", budget=150000, usage=<the text>, year=2026)

The name is the project's subject as staff write it (year + subject + 项目), never the sentence
as typed; the budget is read from its usual phrasings (预算…万, 总投资…, 全年…费用…) with the
fiscal/other split (财政…万，其他/自筹/赞助…万; 全部是财政资金).
"""

from __future__ import annotations

import datetime as _dt
import re

from assistant.drafting.brief import Brief
from assistant.drafting.statements import MONEY_UNITS, NUM, prepare
from assistant.vocab import normalise

_MONEY = r"(?:亿元|万元|千元|亿(?![\u4e00-\u9fff])|万(?=左右)|万(?![\u4e00-\u9fff])|元)"
_AMOUNT = rf"(?P<num>{NUM})\s*(?P<unit>{_MONEY})"
_TOTAL = (
    re.compile(rf"(?:总预算|预算总额|预算资金|项目预算|预算数|预算)(?:为|是|共|约|大约|大概|总共|合计|其实是|一共)?(?:资金)?{_AMOUNT}"),
    re.compile(rf"(?:总投资|总费用|总经费|费用总额|经费总额|资金总额|总金额|总共|共需|合计|一共)(?:约|为|是)?(?:需要|需)?{_AMOUNT}"),
    re.compile(rf"(?:全年|项目|所需)?[\u4e00-\u9fff]{{0,4}}(?:费用|经费|资金)(?:约|为|是|共|大概|需要|需)?{_AMOUNT}"),
)
_FISCAL = re.compile(
    rf"(?:申请)?(?:县级|市级|省级|中央|上级|县|市|省)?(?:财政资金|财政拨款|财政补助|财政安排|财政出|财政|上级补助|上级资金|专项资金)(?:安排|出|拨付|补助|承担|解决)?(?:资金)?(?:约|为|是)?{_AMOUNT}"
)
_OTHER = (
    re.compile(rf"(?:其他资金|自筹资金|自筹|单位自筹|居民自筹|群众自筹|企业赞助|赞助|社会资金|社会捐助|事业收入|配套资金|配套)"
               rf"(?:资金)?(?:约|为|是)?{_AMOUNT}"),
    re.compile(rf"剩下(?:的)?{_AMOUNT}(?=[^，。,；;]{{0,16}}(?:收入|自筹|单位|中心|企业))"),
)
_ALL_FISCAL = re.compile(
    r"(?:全部|全|都|均)(?:为|是|由|用|属)?(?:县级|县|市|省|上级|本级)?财政|全额(?:财政|由财政)|财政全额|均为财政资金|"
    r"^(?:县|县级|本级)?财政(?:出|承担|安排|解决)?$|全是省里|都是上级|全部是上级|上级全额"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SHORT_YEAR = re.compile(r"(?<![\d.])([2]\d)年(?!\d|度内)")
_NAME = re.compile(r"(?:项目名称|项目名)\s*[:：是为]\s*[“\"「]?([^，。,；;\n“”\"」]{2,60})")
_DEPARTMENT = re.compile(r"(?:单位|部门)\s*[:：是为]\s*([^，。,；;\n]{2,40})")
_SPEAKER = re.compile(
    r"^(?:(?P<me>我们|我|咱们|本|我们的)(?:[县市区镇乡])?(?P<own>[\u4e00-\u9fff]{0,10}?(?:局|委员会|委|办公室|办|中心|院|站|所|部|政府|街道))?"
    r"|(?:[县市区])?(?P<dept>[\u4e00-\u9fff]{1,10}?(?:局|委员会|委|办公室|政府|妇联|残联|总工会|团委|科协|工商联|红十字会)))"
)
_ORG_SUFFIX = r"(?:局|馆|部|委员会|委|办公室|办|中心|大队|支队|队|站|所|院|政府|街道|妇联|残联|总工会|团委|科协|工商联|红十字会|法院|检察院)"
_DEPT_BEFORE_YEAR = re.compile(rf"^(?:我们|我)?(?:[县市区])?[\u4e00-\u9fff]{{0,14}}?{_ORG_SUFFIX}(?=\s*(?:(?:19|20)?\d{{2}}|[０-９]{{2,4}})\s*年)")
# Subjects that need their unit's name: 日常运转经费 of whom?
_GENERIC_SUBJECT = re.compile(r"^(?:机关)?(?:日常)?(?:运转|公用|办公|工作|物业管理|后勤保障)(?:经费|费用|费)?(?:项目)?$")
_LEAD_WORDS = re.compile(
    r"^(?:今年|明年|后年|本年度|年度|今年度|计划|准备|打算|想|要|需要|拟|申请|申报|起草|想要|还要|将)+"
)
_ACTION = re.compile(r"^(?:办|举办|开展|组织|实施|搞|做|安排|启动|建设|新建|购置|采购|购买|添置|买|给|为|对|面向)+")
_PURCHASE = re.compile(r"^(?:购置|采购|购买|添置|买)")
_COUNT_WORDS = re.compile(r"^(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]+)(?:期|个|批|次|项|场|轮|家|座|套|台|辆|件|部|架|艘)")
_FOR_GROUP = re.compile(r"^(?:给|为|对|面向)(?P<group>[^，。,；;]{2,30}?)(?:这些|等|的)?(?P<verb>免费接种|免费|代缴|发放|发(?![展现])|接种|开展|提供|办|举办|实施|进行|购置|采购|配备|配发|安装|更换|补贴|资助|各配|配)(?P<rest>.*)$")
_ENDS = ("项目", "经费", "资金", "工程", "专项")


def brief_from_text(text: str, **defaults: object) -> Brief:
    """A Brief from a free-text description; raises pydantic ValidationError (Chinese) when the
    budget cannot be found or is not positive."""
    return Brief.model_validate(brief_fields_from_text(text, **defaults))


def brief_fields_from_text(text: str, **defaults: object) -> dict[str, object]:
    """The Brief's fields read from a free-text description (validated by the caller)."""
    norm = prepare(text)
    year = _year(norm)
    total, fiscal, other = read_budget(norm)
    fields: dict[str, object] = {
        "name": project_name(text, year),
        "budget": total or 0,
        "usage": text.strip(),
        "year": year,
    }
    if fiscal is not None:
        fields["fiscal"] = fiscal
    if other is not None:
        fields["other"] = other
    department = _department(norm)
    if department:
        fields["department"] = department
    fields.update({k: v for k, v in defaults.items() if v is not None})
    return fields


def _yuan(match: re.Match[str]) -> float:
    return round(float(match.group("num")) * MONEY_UNITS[match.group("unit")], 2)


def _amounts(patterns: tuple[re.Pattern[str], ...], text: str) -> list[float]:
    return [_yuan(m) for pattern in patterns for m in pattern.finditer(text)]


def read_budget(text: str) -> tuple[float | None, float | None, float | None]:
    """(total, fiscal, other) in yuan as the text states them (None when not stated)."""
    total = None
    for pattern in _TOTAL:
        m = pattern.search(text)
        if m:
            total = _yuan(m)
            break
    fiscal_parts = [a for a in _amounts((_FISCAL,), text) if total is None or a <= total + 0.005]
    other_parts = _amounts(_OTHER, text)
    fiscal = round(sum(fiscal_parts), 2) if fiscal_parts else None
    other = round(sum(other_parts), 2) if other_parts else None
    if total is None and (fiscal or other):
        total = round((fiscal or 0) + (other or 0), 2)
    if total is None:
        total = _largest_plain_amount(text)
    if total is not None and fiscal is not None and fiscal > total + 0.005:
        fiscal = None  # 「财政出」 of another figure: leave the split to the total
    if total is not None and fiscal is None and other is None and any(_ALL_FISCAL.search(c) for c in _clauses(text)):
        fiscal, other = total, 0.0
    if total is not None and fiscal is not None and other is None:
        other = round(total - fiscal, 2)
    if total is not None and other is not None and fiscal is None:
        fiscal = round(total - other, 2)
    return total, fiscal, other


_ANY_AMOUNT = re.compile(_AMOUNT)
# Amounts that are not the budget: standards, caps, outcomes, thresholds.
_NOT_BUDGET_BEFORE = re.compile(r"(?:每[\u4e00-\u9fff]{0,6}|单价|标准|带动|拉动|销售|产值|收入|营业|税收|交易|成交|签约|最高|不超过|上限|投资)[\u4e00-\u9fff]{0,4}$")


def _clauses(text: str) -> list[str]:
    from assistant.drafting.statements import clauses

    return clauses(text)


def _largest_plain_amount(text: str) -> float | None:
    """The budget of a brief that names it in no usual way (「需要资金20万」「投入30万元」): the
    largest amount that is not a standard, a cap, an outcome or a threshold."""
    amounts = []
    for m in _ANY_AMOUNT.finditer(text):
        before = text[max(0, m.start() - 10): m.start()]
        after = text[m.end(): m.end() + 2]
        if _NOT_BUDGET_BEFORE.search(before) or after.startswith(("以上", "/")):
            continue
        amounts.append(_yuan(m))
    return max(amounts) if amounts else None


def _year(text: str) -> int:
    today = _dt.date.today().year
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    head = text[:20]
    if "明年" in head:
        return today + 1
    if "后年" in head:
        return today + 2
    short = _SHORT_YEAR.search(head)
    if short:
        return 2000 + int(short.group(1))
    return today


def _department(text: str) -> str:
    m = _DEPARTMENT.search(text)
    if m:
        return m.group(1).strip()
    m = _DEPT_BEFORE_YEAR.match(normalise(text))
    if m:
        return re.sub(r"^(?:我们|我)", "", m.group(0))
    first = re.split(r"[，。,；;：:\n]", text, maxsplit=1)[0]
    first = re.sub(r"(?:19|20)\d{2}年|(?<!\d)2\d年|明年|今年|[(（][^)）]*[)）]", "", first)
    speaker = _SPEAKER.match(first)
    dept = (speaker.group("own") or speaker.group("dept") or "") if speaker else ""
    return dept if len(dept) >= 2 else ""


def project_name(text: str, year: int) -> str:
    """The project's name as staff write it: 「2026年农村电商直播带货培训项目」."""
    m = _NAME.search(text)
    if m:
        return _with_year(m.group(1).strip(), year, suffix=False)
    text = normalise(text)  # the name keeps its Chinese numerals (第四次全国农业普查)
    dept = _DEPT_BEFORE_YEAR.match(text)
    text = _DEPT_BEFORE_YEAR.sub("", text, count=1)  # 「农业农村局2026年…」 -> 「2026年…」
    first = re.split(r"[，。,；;\n]|：|:|(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])", text, maxsplit=1)[0]
    first = re.sub(r"[(（][^)）]*[)）]", "", first)  # 「明年（2027年）」
    first = re.sub(r"(?:19|20)\d{2}\s*年(?:度)?|(?<!\d)2\d年|今年|明年|后年|本年度|[２][０-９]{3}年", "", first)
    speaker = _SPEAKER.match(first)
    if speaker and speaker.group(0):
        first = first[speaker.end():]
    name = re.sub(r"\d+(?:\.\d+)?\s*(?:万|亿)?元", "", _subject(first))  # no amount in a name
    if dept and _GENERIC_SUBJECT.match(name):
        name = re.sub(r"^(?:我们|我)", "", dept.group(0)) + name  # 「档案馆日常运转经费」: whose running costs
    return _with_year(name or first.strip() or text[:20], year, suffix=True)


def _subject(phrase: str) -> str:
    """The subject of the first clause, without the speaker's verbs: 「要办2期农村电商直播带货培训班」 ->
    '农村电商直播带货培训'; 「给…这些困难群体代缴城乡居民养老保险」 -> '困难群体城乡居民养老保险代缴'."""
    text = _LEAD_WORDS.sub("", phrase.strip())
    group = _FOR_GROUP.match(text)
    if group:
        who = re.sub(r"^(?:全县|全区|全市|全镇|当年|本县)+|^\d+[个所家户处]|各$", "", group.group("group"))
        who = re.sub(r"^\d+[个所家户处]", "", who)
        who = re.split(r"这些|等", who)[-1] if re.search(r"这些|等", who) else who
        who = re.sub(r"的", "", who)
        verb = {"各配": "配备", "配": "配备", "发": "发放"}.get(group.group("verb"), group.group("verb")).replace("免费", "")
        rest = re.sub(r"^(?:免费)?(?:接种|代缴|发放|办|举办|开展|提供|实施|进行)?", "", group.group("rest"))
        rest = re.sub(r"^(?:\d+|[一二两三四五六七八九十]+)[套台个件辆部]", "", rest)  # 「各配一套视频会议终端」
        verb = verb or re.match(r"(?:免费)?(接种|代缴|发放)?", group.group("rest")).group(1) or ""
        if verb in ("办", "举办", "开展", "提供", "实施", "进行"):
            verb = ""
        text = f"{who}{rest}{verb}"
    bought = bool(_PURCHASE.match(re.sub(r"^(?:办|举办|开展|组织|实施|安排|给|为|对)+", "", text)))
    text = _ACTION.sub("", text)
    text = _COUNT_WORDS.sub("", text)
    if bought and not re.search(r"购置|采购|购买", text):
        text += "购置"  # 「想买一台64排CT」 -> 64排CT购置
    text = re.sub(r"(?:要补|要做|要搞|要办|需要)?\d*(?:一)?批$|(?:的)?(?:绩效目标表|绩效目标)$", "", text)
    text = re.sub(r"(?<=培训)班$", "", text)
    text = re.sub(r"(?:，|,)?(?:还|并|再).*$", "", text)
    return text.strip("，,、 ")


def _with_year(name: str, year: int, suffix: bool) -> str:
    name = name.strip()
    if suffix and not name.endswith(_ENDS):
        name += "项目"
    if not re.match(r"(?:19|20)\d{2}年", name):
        name = f"{year}年{name}"
    return name
