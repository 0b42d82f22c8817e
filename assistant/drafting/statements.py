"""Every measurable thing a brief states, read out of its free text: quantities with their own
subject and unit, coverage (为12个村), targets (验收合格率达到100%), service levels (2小时内响应),
deadlines (8月底前完工), money standards (每人每年补助600元), caps, budget components and
outcome targets (带动销售额3000万元).

    read_statements("为12个村购置垃圾转运车5辆、分类垃圾桶800个，8月底前完成", year=2026)
    -> [Statement(kind='scope', name='覆盖村数', number=12, unit='个'),
        Statement(kind='quantity', name='购置垃圾转运车数量', number=5, unit='辆'),
        Statement(kind='quantity', name='购置分类垃圾桶数量', number=800, unit='个'),
        Statement(kind='deadline', name='项目完成时间', month=8)]

No I/O, no model: regular expressions over the normalised text (full-width digits folded,
Chinese numerals that count something made Arabic). Each matched span is consumed, so a number
becomes one statement only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.vocab import arabic_numerals, normalise

# --- vocabulary ----------------------------------------------------------------------------------

# Measure words after a number that make it an output count (longest first: 人次 before 人).
COUNT_UNITS = (
    "个工作日", "平方米", "立方米", "人次", "户次", "家次", "台次", "件次", "班次", "剂次", "批次", "场次", "架次", "车次",
    "人日", "课时", "学时", "小时",
    "公里", "千米", "公顷", "公斤", "千克", "万字", "个月",
    "人", "名", "户", "家", "个", "座", "所", "处", "条", "台", "套", "辆", "艘", "架", "盏", "件", "册", "本", "份",
    "部", "幅", "张", "篇", "期", "班", "场", "次", "项", "批", "轮", "届", "支", "块", "棵", "株", "头", "只", "箱",
    "袋", "桶", "剂", "宗", "例", "间", "栋", "天", "日", "周", "亩", "吨", "米", "字", "种", "类", "门", "节", "组",
    "队", "顶", "把", "根", "片", "口", "眼", "盘", "路", "床", "张",
)
_UNIT_RE = "|".join(COUNT_UNITS)
NUM = r"\d+(?:\.\d+)?"
MONEY_UNITS = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "元": 1.0}
_MONEY_RE = r"(?:亿元|万元|千元|亿(?![\u4e00-\u9fff])|万(?![\u4e00-\u9fff])|元)"

# Places: a count of these is the project's coverage unless the clause works on them (改造3个小区).
PLACE_NOUNS = (
    "行政村", "社区", "乡镇", "街道", "村", "镇", "乡", "学校", "中小学", "幼儿园", "医院", "卫生院", "卫生室",
    "园区", "小区", "企业", "合作社", "站点", "服务中心", "便民服务中心", "网点", "景区", "单位", "所", "站", "中心",
)
# People a count may be of (1200名…老人 -> 老人).
GROUP_NOUNS = (
    "老年人", "老人", "儿童", "学生", "幼儿", "残疾人", "农户", "群众", "居民", "职工", "患者", "妇女", "青年", "学员",
    "士兵", "人才", "企业", "家庭", "对象", "人员",
)
# Verbs an output quantity is made by (the row name keeps them: 购置垃圾转运车数量).
OUTPUT_VERBS = (
    "购置", "采购", "购买", "配备", "配发", "配置", "更换", "增设", "新增", "新建", "建设", "建成", "改造", "维修", "修缮",
    "安装", "铺设", "硬化", "培训", "举办", "开展", "组织", "召开", "印制", "印发", "发放", "制作", "编制", "编印",
    "研究", "抽检", "检测", "监测", "服务", "慰问", "救助", "补贴", "补助", "资助", "接种", "筛查", "体检", "演出",
    "放映", "引进", "奖补", "奖励", "扶持", "代缴", "落实", "实施", "选聘", "招聘", "聘用", "巡检", "巡查", "考核",
    "检查", "调查", "采集", "清运", "处理", "种植", "推广", "培育", "宣传", "投放", "张贴", "播放", "出版", "印刷",
    "整治", "治理", "修复", "绿化", "植树", "储备", "入库", "调解", "化解", "接访", "走访", "排查", "普查", "核查",
    "执法", "督查", "保洁", "清扫", "运维", "维护", "建立", "打造", "创建", "认定", "申报", "回访", "上门",
    "涉及", "惠及", "受益", "覆盖", "服务", "帮扶", "走访", "支持",
)
# What staff say for an act, and the word a table uses.
COLLOQUIAL_VERBS = {"打": "接种", "办": "举办", "上": "开展", "搞": "开展", "做": "开展", "发": "发放", "给": "发放",
                    "买": "购置", "添": "购置"}
# Acts done to people: their counts read 「企业管理人员培训人次」, not 「培训企业管理人员人次」.
PEOPLE_VERBS = ("培训", "慰问", "救助", "接种", "筛查", "体检", "资助", "帮扶", "走访", "回访")
# Words before a number that say how it is bounded.
AT_LEAST = ("不少于", "不低于", "至少", "超过", "多于", "达到", "达", "突破", "力争", "争取")
AT_MOST = ("不超过", "不高于", "最多", "控制在", "以内", "之内", "以下", "低于", "最高")
# Fillers before a subject (计划采购… -> 采购…).
_LEAD_FILLERS = re.compile(
    r"^(?:主要内容|具体包括|包括|其中|计划|预计|预期|拟|全年|年内|共|累计|一共|总共|合计|大概|大约|约|左右|"
    r"其中|并|且|还(?=要|需|有|将|得)|要|需要|需|须|将|另|再|同时|以及|和|及|为|对|向|给|在(?![岗校职册园库线读编])|于|由|按|按照|要求|确保|力争|争取|"
    r"全县|全区|全市|本县|县级|县(?!级)|区(?!级)|市(?!级)|我们|我局|本局|局里|每年|每季度|每月|今年|明年|当年|完成|实现|不少于|不低于|至少|达到|"
    r"[:：、,，\s])+"
)
_TAIL_FILLERS = re.compile(r"(?:约|共|达|为|不少于|不低于|至少|以上|超过|左右|大概|大约|计|合计|总计|的|有)+$")
# Suffix of a row name by unit: 购置垃圾转运车 + 辆 -> 购置垃圾转运车数量.
NAME_SUFFIX = {
    "人": "人数", "名": "人数", "人次": "人次", "户": "户数", "户次": "户次", "场": "场次", "场次": "场次",
    "期": "期数", "班": "期数", "次": "次数", "批次": "批次", "批": "批次", "天": "天数", "日": "天数", "小时": "时长",
    "课时": "课时数", "学时": "学时数", "亩": "面积", "公顷": "面积", "平方米": "面积", "公里": "长度", "千米": "长度",
    "米": "长度", "吨": "数量", "万字": "字数", "字": "字数", "剂次": "剂次", "个月": "月数", "项": "数量",
    "篇": "篇数", "家": "数量", "剂": "剂次", "家次": "家次", "台次": "台次", "件次": "件次", "班次": "班次", "人日": "人日数",
}
_NAME_ENDINGS = ("数量", "人数", "人次", "户数", "场次", "期数", "次数", "批次", "天数", "面积", "长度", "字数",
                 "时长", "课时数", "件数", "数")

# Outcomes: money or counts the project brings about (带动销售额…, 带动就业…人).
OUTCOME_CUES = ("网销", "销售", "交易额", "带动", "拉动", "吸引", "吸纳", "实现", "新增", "增收", "促成", "创造", "撬动", "推荐就业", "实现就业", "推荐上岗",
                "培训后", "结业后", "预计带来", "户均增收", "人均增收", "开网店", "创业", "就业", "销售额", "产值",
                "营业收入", "税收", "亩产", "单产", "产量", "游客", "观众", "客流", "交易额", "成交额", "签约")
ECONOMIC_OUTCOME = ("销售额", "产值", "收入", "增收", "税收", "投资", "交易额", "成交额", "利润", "亩产", "单产", "产量",
                    "营业额", "签约", "网销", "销售", "销量", "交易")
# Verbs of a deadline clause, and the name of the row they give.
DEADLINE_EVENTS = (
    ("完工", "工程完工"), ("竣工", "工程竣工"), ("交付", "交付使用"), ("投入使用", "投入使用"), ("上线", "系统上线"),
    ("入库", "采购入库"), ("到货", "设备到货"), ("调试", "安装调试"), ("安装", "安装调试"), ("装好", "安装调试"), ("兑付", "资金兑付"), ("发放", "发放"), ("拨付", "资金拨付"),
    ("代缴", "代缴"), ("缴纳", "缴纳"), ("到位", "到位"), ("出版", "出版"), ("举办", "活动举办"), ("开幕", "活动举办"),
    ("开展", "开展"), ("打完", "接种完成"), ("接种", "接种完成"), ("办完", "完成"), ("弄完", "完成"), ("做完", "完成"),
    ("完成", "完成"), ("结束", "完成"), ("形成", "形成"), ("验收", "验收"), ("采购", "采购"), ("开工", "开工"),
    ("启动", "启动"), ("提交", "提交"), ("报送", "报送"), ("公示", "公示"), ("核查", "核查"), ("摸底", "摸底"),
)
_RATE_NAME = r"[\u4e00-\u9fffA-Za-z]{1,18}?(?:率|度|比例|占比|效果)"
_RATE_OPS = r"(?:要|需|须|应|必须|务必|力争|争取|确保|将)?(?:达到|不低于|不少于|不高于|不超过|控制在|保持在|保持|稳定在|在|为|达|是|≥|≤|>=|<=|>|<|=)?"
_PERIOD = r"(年|月|季度|季|学期|次|周|天|日)"


@dataclass
class Statement:
    """One measurable statement of a brief."""

    kind: str  # quantity | scope | rate | service | deadline | standard | cap | component | outcome | check
    text: str  # the fragment as written (normalised)
    name: str  # a row name for it
    number: float | None = None
    unit: str | None = None  # the row's unit: 辆, %, 小时, 万元, 元/人·年
    operator: str = "≥"
    month: int | None = None
    when: str = ""  # a deadline as written for the value: 8月中旬, 10月底
    per: str = ""  # standard: per what (人, 户, 亩, 场, 小时)
    period: str = ""  # standard: per period (年, 月, 季度)
    value_text: str = ""  # a checkable qualitative value: 通过专家评审, 无
    level2: str = ""  # the category it belongs to
    verb: str = ""
    subject: str = ""  # the object counted (垃圾转运车) or the rate's name
    extra: dict = field(default_factory=dict)

    @property
    def yuan(self) -> float | None:
        """Money statements: the amount in yuan."""
        if self.number is None or not self.unit:
            return None
        base = self.unit.split("/")[0]
        return self.number * MONEY_UNITS[base] if base in MONEY_UNITS else None


# --- text preparation ------------------------------------------------------------------------------


def prepare(text: str) -> str:
    """The brief as the extractors read it: normalised, Chinese numerals made Arabic, thousands
    separators dropped; Chinese punctuation kept."""
    out = arabic_numerals(normalise(text))
    out = re.sub(r"(?<=\d),(?=\d{3}\b)", "", out)
    return out.replace("（", "(").replace("）", ")")


# A space between Chinese words is a comma to a clerk who types without punctuation
# (「需要资金20万 全部县财政 准备办三期」); spaces inside Latin names stay (GNSS RTK测量仪).
_SPACE_BREAK = re.compile(r"(?<=[\u4e00-\u9fff\d%）)])\s+(?=[\u4e00-\u9fff\d（(])")


def clauses(text: str) -> list[str]:
    """Sentences split into clauses at ，；。 and at spaces between Chinese words (lists with 、 stay together)."""
    text = _SPACE_BREAK.sub("，", text)
    parts = re.split(r"[。；;！!？?\n]|[，,](?![^(]*\))", text)
    return [p.strip() for p in parts if p and p.strip()]


def _consume(clause: str, match: re.Match[str]) -> str:
    """The clause with a matched span blanked out (kept as a separator)."""
    return clause[: match.start()] + "｜" + clause[match.end():]


# --- the extractors ------------------------------------------------------------------------------------

_BUDGET_WORDS = re.compile(r"预算|总投资|资金来源|财政|自筹|配套|赞助|上级补助|拨款|经费总额|费用总额|运维费用|总共|合计|总计|共需")
_STANDARD = re.compile(
    rf"(?P<lead>[^｜,，]*?)(?:按|按照|标准为|标准)?(?:平均)?每(?P<per>人次|户次|人|户|生|名|亩|场|剂|批次|批|小时|家|个|村|次|吨|套|台|辆|所|期|天|月|平方米|公里)"
    rf"(?:每(?P<period>年|月|季度|季|学期|天|次))?(?P<what>[\u4e00-\u9fff]{{0,14}}?)"
    rf"(?:不超过|不高于|最高|为|按|约|达)?(?P<num>{NUM})(?P<unit>{_MONEY_RE})(?P<tail>[\u4e00-\u9fff]{{0,4}})"
)
_STANDARD_AFTER = re.compile(  # 服务单价每小时35元 / 补助标准为每人每年600元 (the lead word names it)
    rf"(?P<lead>[\u4e00-\u9fff]{{0,8}}?(?:单价|标准|费用|补助|补贴|检验费|服务费))(?:为|按)?每(?P<per>人|户|生|名|亩|场|剂|批次|小时|家|个|次|吨|套|台|辆)"
    rf"(?:每(?P<period>年|月|季度|季|学期))?(?P<num>{NUM})(?P<unit>{_MONEY_RE})"
)
_PERSON_AMOUNT = re.compile(  # 博士5名，每人10万元 (a standard right after a count)
    rf"每(?P<per>人|户|名|家)(?P<what>[\u4e00-\u9fff]{{0,8}}?)(?P<num>{NUM})(?P<unit>{_MONEY_RE})"
)
_CAP = re.compile(rf"(?P<lead>[\u4e00-\u9fff]{{0,10}}?)(?:最高|最多|上限为?)(?:不超过|不高于)?(?P<num>{NUM})(?P<unit>{_MONEY_RE})")
_PERCENT_STANDARD = re.compile(
    rf"(?:按(?:照)?(?P<base>[\u4e00-\u9fff]{{2,12}}?)的(?P<num>{NUM})%(?:予以|给予)?(?P<verb>[\u4e00-\u9fff]{{0,8}})"
    rf"|(?P<base2>[\u4e00-\u9fff]{{2,8}}?(?:总额|金额|费用|投资额|收入))的(?P<num2>{NUM})%(?:支付|计提|提取|作为|用于)(?P<verb2>[\u4e00-\u9fff]{{0,6}}))"
)
_THRESHOLD = re.compile(rf"(?P<lead>[\u4e00-\u9fff]{{2,12}}?)(?P<num>{NUM})(?P<unit>{_MONEY_RE})(?:及)?以上(?=的|且|,|，|｜|$)")
_MONEY_AMOUNT = re.compile(rf"(?P<lead>[\u4e00-\u9fff]{{0,12}}?)(?P<op>不少于|不低于|超过|达到|达)?(?P<num>{NUM})(?P<unit>{_MONEY_RE})(?P<tail>以上)?")
_RATE = re.compile(
    rf"(?P<name>{_RATE_NAME}){_RATE_OPS}(?P<num>{NUM})\s*(?:%|％)(?P<tail>以上|及以上|以内|以下|之内)?"
)
_SERVICE_TIME = re.compile(
    rf"(?P<lead>[\u4e00-\u9fff]{{0,10}}?)(?:在|须在|应在|于)?(?P<base>抽样后|接报后|受理后|收到后|报修后|发现后)?(?P<num>{NUM})(?P<unit>个工作日|工作日|小时|分钟|个月|天|日)(?:内|以内|之内)(?P<verb>[\u4e00-\u9fff]{{1,8}})"
)
_SERVICE_TIME_NAMED = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{2,12}}(?:时间|时限|时长|周期))(?:不超过|不多于|控制在|在|≤|<=)?(?P<num>{NUM})(?P<unit>个工作日|工作日|小时|分钟|个月|天|日)(?:以内|之内|内)?"
)
_MONTH = r"(?:(?P<from>1[0-2]|[1-9])月?(?:至|到|-|—|～|~))?(?P<month>1[0-2]|[1-9])月(?P<part>底|末|中旬|上旬|下旬|份|\d{1,2}[日号]|初)?"
_DEADLINE = re.compile(
    rf"(?P<lead>[\u4e00-\u9fff\d]{{0,12}}?)(?:在)?{_MONTH}(?P<before>前|之前|以前|底前)?[)）]?(?P<rest>(?:(?!第)[\u4e00-\u9fff]){{0,14}})"
)
_TARGET_LEVEL = re.compile(r"达到|不低于|不少于|不高于|超过|提高到|提升到")
_YEAR_END = re.compile(r"(?P<lead>[\u4e00-\u9fff]{0,10}?)(?:年底前|年底|年内|年末前|当年内|年度内|本年度内)(?P<rest>[\u4e00-\u9fff\dA-Za-z.]{0,16})")
_HALF = re.compile(r"(?P<lead>[\u4e00-\u9fff]{0,10}?)(?P<when>上半年|一季度|第一季度|二季度|第二季度|三季度|第三季度|汛期前|汛前|"
                   r"国庆前|国庆节前|元旦前|春耕前|开学前|秋季开学前|入冬前|供暖前|麦收前|三夏前)(?P<rest>[\u4e00-\u9fff]{0,14})")
# Words for a time of year, and the month they end in (国庆前 = before 1 October: 9月底).
_HALF_MONTH = {"上半年": 6, "一季度": 3, "第一季度": 3, "二季度": 6, "第二季度": 6, "三季度": 9, "第三季度": 9, "汛期前": 5, "汛前": 5,
               "国庆前": 9, "国庆节前": 9, "元旦前": 12, "春耕前": 3, "开学前": 8, "秋季开学前": 8, "入冬前": 10, "供暖前": 10,
               "麦收前": 5, "三夏前": 5}
# A deadline that comes back every month: 「每月15日前发放」.
_MONTHLY = re.compile(r"(?P<lead>[\u4e00-\u9fff]{0,8}?)每月(?P<day>\d{1,2})[日号](?:前|之前)(?P<rest>[\u4e00-\u9fff]{0,10})")
_CHECKS = (
    (re.compile(r"(?P<lead>[\u4e00-\u9fff]{0,10}?)(?:须|要|应|均|全部|都)*通过(?P<what>[\u4e00-\u9fff]{0,8}?(?:验收|评审|审核|测评|审查|考核|认证|鉴定))"), "pass"),
    (re.compile(r"完成(?P<lead>)(?P<what>[\u4e00-\u9fff]{0,6}?(?:评审验收|竣工验收|验收|评审|审查|测评))"), "pass"),
    (re.compile(r"(?:活动期间|施工期间|实施过程中|全年|期间)?(?:无|不发生|杜绝|零)(?P<what>[\u4e00-\u9fff]{0,10}?(?:事故|事件|案件|投诉|非访|上访|越级访|进京访|火灾|疫情|死亡))"), "none"),
    (re.compile(r"(?P<what>账物相符|账实相符|应保尽保|应发尽发|日产日清|全覆盖|足额发放)"), "fact"),
)
_QUANTITY = re.compile(
    rf"(?P<op>不少于|不低于|至少|超过|多于|达到|约|共|计|大概|大约|近|逾)?(?P<num>{NUM})(?:(?:到|至|-|~|～|—)(?P<upper>{NUM}))?"
    rf"(?P<wan>万)?(?P<unit>{_UNIT_RE})(?P<tail>以上|左右|次以上)?"
)


def read_statements(text: str, year: int | None = None) -> list[Statement]:
    """Every statement of the brief, in the order written, without repeats."""
    found: list[Statement] = []
    previous = ""
    prepared = prepare(text)
    for sentence_no, sentence in enumerate(re.split(r"[。；;！!？?\n]", prepared)):
        for clause in clauses(sentence):
            rest = clause
            for extractor in (_standards, _changes_and_specs, _rates, _service_times, _checks, _deadlines, _money,
                              _quantities):
                statements, rest = extractor(rest, found)
                for s in statements:
                    s.extra.setdefault("sentence", sentence_no)
                    if s.kind == "rate" and len(s.name) <= 3:
                        s.name = _qualified(s.name, previous)  # 「出现异常反应要及时处置，处置率100%」
                found.extend(statements)
            previous = clause
    _months_paid(found, prepared)
    _county_share(found, prepared)
    return _dedupe(found)


_SHARE = re.compile(r"(?:县级|本级|县财政|县)(?:财政)?(?:承担|配套|负担|出资|安排)(\d{1,3}(?:\.\d+)?)%")


def _county_share(found: list[Statement], text: str) -> None:
    """A standard the county pays only a share of (「县级承担40%」): the budget covers that share."""
    m = _SHARE.search(text)
    if m and 0 < float(m.group(1)) < 100:
        for s in found:
            if s.kind == "standard":
                s.extra["share"] = float(m.group(1)) / 100


_MONTHS_PAID = re.compile(r"(?:期|为期|共|连续|补助|补贴|发放|资助|保障|服务|见习|培训)(\d{1,2})个月")


_DAYS_PAID = re.compile(
    r"(?:按|共|为期|计|工作|调查|服务|在校|全年|每年|一年)(?:按)?(?:每年|全年|一年)?(\d{1,3})(?:个)?(?:工作)?(?:天|日)(?!内)"
)


def _months_paid(found: list[Statement], text: str) -> None:
    """A monthly standard paid for the months the brief states (「每人每月300元，补助6个月」), a daily one
    for the days it states (「全年按200天计算」)."""
    months, days = _MONTHS_PAID.search(text), _DAYS_PAID.search(text)
    for s in found:
        if s.kind == "standard" and s.period == "月" and months:
            s.extra["months"] = int(months.group(1))
        if s.kind == "standard" and s.period == "天" and days:
            s.extra["days"] = int(days.group(1))


_GENERIC_RATES = {"处置率", "处理率", "办结率", "完成率", "合格率", "达标率", "准确率", "到位率", "及时率", "满意度", "通过率"}


def _qualified(name: str, previous: str) -> str:
    """A bare rate (处置率) named after what the clause before it is about (异常反应处置率)."""
    if name not in _GENERIC_RATES:
        return name
    text = re.sub(r"(?:要|需要|须|应当?|必须)?(?:及时|按时|全部|均|都)?(?:处置|处理|办理|整改|上报|报告|核查|解决|落实|完成)?$", "",
                  previous.split("｜")[-1])
    m = re.search(r"(?:出现|发生|对|如|若|有|的)([\u4e00-\u9fff]{2,6})$", text)  # only a named event, never a unit
    head = m.group(1) if m else ""
    return f"{head}{name}" if head and head not in name else name


_TEXT_LEAD = re.compile(r"^(?:主要内容[:：]?|具体包括|包括|其中|要求|并且|并|且|同时|另外|度|年度)+")


def _dedupe(found: list[Statement]) -> list[Statement]:
    out: list[Statement] = []
    for s in found:
        s.text = _TEXT_LEAD.sub("", s.text.strip("｜,，:： ")) or s.text
        key = (s.kind, s.name, s.number, s.unit, s.month)
        if all((o.kind, o.name, o.number, o.unit, o.month) != key for o in out):
            out.append(s)
    return out


def _clean_lead(text: str) -> str:
    text = text.split("｜")[-1]
    text = re.sub(r"^.*?(?:用于|主要用于|包括|其中)", "", text) if re.search(r"用于|包括|其中", text) else text
    text = _LEAD_FILLERS.sub("", text)
    return _TAIL_FILLERS.sub("", text).strip("、,，:：()“”\"' ")


# standards, caps, percent standards, thresholds ----------------------------------------------------


def _standards(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    for pattern in (_STANDARD_AFTER, _STANDARD, _PERSON_AMOUNT):
        while (m := pattern.search(clause)) is not None:
            per, period = m.group("per"), (m.groupdict().get("period") or "")
            per = {"生": "人", "名": "人"}.get(per, per)
            lead = _clean_lead(m.groupdict().get("lead") or "")
            what = (m.groupdict().get("what") or "").strip()
            label = _standard_label(lead, what, per)
            unit = f"{_money_unit(m.group('unit'))}/{per}" + (f"·{_period(period)}" if period else "")
            ceiling = bool(re.search(r"不超过|不高于|最高|以内|上限", m.group(0)))  # 「每人最高不超过2000元」
            out.append(Statement("standard", m.group(0).strip("｜,， "), label, float(m.group("num")), unit,
                                 "≤" if ceiling else "=", per=per, period=_period(period), level2="成本指标",
                                 subject=what or lead, extra={"ceiling": ceiling}))
            clause = _consume(clause, m)
    while (m := _CAP.search(clause)) is not None:
        lead = _clean_lead(m.group("lead")) or "单个对象"
        name = f"{lead}补助上限" if not lead.endswith(("上限", "标准")) else lead
        out.append(Statement("cap", m.group(0), name, float(m.group("num")), _money_unit(m.group("unit")), "≤",
                             level2="成本指标", subject=lead))
        clause = _consume(clause, m)
    while (m := _PERCENT_STANDARD.search(clause)) is not None:
        verb = m.group("verb") or m.group("verb2") or "补助"
        base, number = m.group("base") or m.group("base2"), m.group("num") or m.group("num2")
        paid = re.match(r"(?:支付|计提|提取|作为|用于)(.+)", verb)  # 「…的6%支付机构管理费」 -> 机构管理费比例
        name = f"{paid.group(1)}比例" if paid else f"{verb}比例"
        out.append(Statement("percent_standard", m.group(0), name, float(number), "%", "≤",
                             level2="成本指标", subject=base, verb=verb if not paid else ""))
        clause = _consume(clause, m)
    while (m := _THRESHOLD.search(clause)) is not None:
        lead = _clean_lead(re.split(r"[且的和、及]", m.group("lead"))[-1])
        if not lead or _BUDGET_WORDS.search(lead) or any(cue in m.group("lead") for cue in ("带动", "拉动", "撬动", *ECONOMIC_OUTCOME)):
            break
        out.append(Statement("threshold", m.group(0), f"{lead}额" if not lead.endswith("额") else lead,
                             float(m.group("num")), _money_unit(m.group("unit")), "≥", level2="质量指标", subject=lead))
        clause = _consume(clause, m)
    return out, clause


def _standard_label(lead: str, what: str, per: str) -> str:
    per_word = {"人": "人均", "户": "户均", "亩": "亩均", "场": "每场", "小时": "每小时", "剂": "每剂", "批次": "每批次"}.get(per, f"每{per}")
    if per in ("套", "台", "辆", "个", "件", "架", "艘", "张") and not (what or re.search(r"补|奖|费|资助", lead)):
        return f"{per_word}购置单价"  # 「预计每套3万元」: a price, not a subsidy
    tier = ""
    named = re.match(r"(.{2,8}?)标准(?:为|是)?(.{0,6})$", lead)
    if named and not what:  # 「护理补贴标准为重度失能每人每月200元」 -> 重度失能人均护理补贴标准
        lead, tier = named.group(1), named.group(2)
    noun = what or lead
    noun = re.sub(r"^(?:发放|给予|按|为|平均|一次性)+", "", noun)
    noun = re.sub(r"(?:标准|费用)$", "", noun)
    if not noun or noun in ("补助", "补贴"):
        noun = noun or "补助"
    if per == "人" and noun.startswith("人"):
        noun = noun[1:]
    return f"{tier}{per_word}{noun}标准" if len(noun) <= 10 else f"{tier}{per_word}支出标准"


def _money_unit(unit: str) -> str:
    return {"万": "万元", "亿": "亿元"}.get(unit, unit)


def _period(period: str) -> str:
    return {"季": "季度"}.get(period, period)


# rates, service times --------------------------------------------------------------------------------


def _rates(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    while (m := _RATE.search(clause)) is not None:
        name = _rate_name(m.group("name"))
        written = m.group(0)
        tail = m.group("tail") or ""
        op = "≤" if tail in ("以内", "以下", "之内") or re.search(r"不高于|不超过|控制在|≤|<=", written) else "≥"
        if op == "≥" and float(m.group("num")) == 100:
            op = "="
        if name:
            kind = "service" if re.search(r"可用|运行|在线|响应|完好", name) else "rate"
            out.append(Statement(kind, written, name, float(m.group("num")), "%", op, subject=name))
        clause = _consume(clause, m)
    return out, clause


_CHANGE = re.compile(
    rf"(?P<name>[\u4e00-\u9fffA-Za-z]{{2,12}}?)(?P<base>同比|较上年|比上年|较去年|比去年)?(?P<dir>下降|减少|降低|增长|增加|提高|上升)"
    rf"(?:不少于|不低于|达到|达|超过)?(?P<num>{NUM})\s*[%％](?P<tail>以上)?"
)
PHYSICAL_UNITS = ("毫克/升", "mg/L", "mg/l", "微克/立方米", "μg/m³", "厘米", "毫米", "分贝", "dB", "℃", "摄氏度", "千克", "公斤",
                  "克", "兆帕", "MPa", "米/秒", "千瓦时", "度电")
_SPEC = re.compile(
    rf"(?P<name>[\u4e00-\u9fffA-Za-z]{{2,10}}?)(?P<op>不低于|不少于|不高于|不超过|不大于|不小于|≥|≤|>=|<=|达到|控制在|小于|大于|低于|高于)"
    rf"(?P<num>{NUM})\s*(?P<unit>{'|'.join(re.escape(u) for u in PHYSICAL_UNITS)})(?P<tail>以下|以内|以上)?"
)
_SPEC_OPS = {"不低于": "≥", "不少于": "≥", "不小于": "≥", "≥": "≥", ">=": "≥", "达到": "≥", "大于": ">", "高于": ">",
             "不高于": "≤", "不超过": "≤", "不大于": "≤", "≤": "≤", "<=": "≤", "控制在": "≤", "小于": "<", "低于": "<"}


def _changes_and_specs(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    """「电诈发案数同比下降15%」 -> 电诈发案数同比下降率 ≥15%; 「透明度不低于25厘米」 -> 透明度 ≥25厘米."""
    out: list[Statement] = []
    while (m := _CHANGE.search(clause)) is not None:
        name = _LEAD_FILLERS.sub("", m.group("name"))
        direction = "下降" if m.group("dir") in ("下降", "减少", "降低") else "增长"
        out.append(Statement("rate", m.group(0), f"{name}{m.group('base') or ''}{direction}率", float(m.group("num")), "%",
                             "≥", level2="社会效益指标", subject=name))
        clause = _consume(clause, m)
    while (m := _SPEC.search(clause)) is not None:
        name = _LEAD_FILLERS.sub("", m.group("name"))
        op = "≤" if (m.group("tail") or "") in ("以下", "以内") else _SPEC_OPS[m.group("op")]
        out.append(Statement("quantity", m.group(0), name, float(m.group("num")), m.group("unit"), op,
                             level2="质量指标", subject=name))
        clause = _consume(clause, m)
    return out, clause


def _rate_name(raw: str) -> str:
    name = re.sub(r"^(?:要求|确保|力争|保证|并|且|使|让|做到|实现|达到|其中|全年|年度)+", "", raw)
    name = _LEAD_FILLERS.sub("", name)
    name = re.sub(r"^(?:要求|确保|力争|保证|并|且|使|让|做到|实现|达到|其中)+", "", name)
    return name if len(name) >= 2 else ""


def _service_times(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    while (m := _SERVICE_TIME_NAMED.search(clause)) is not None:
        unit = "个工作日" if m.group("unit") == "工作日" else m.group("unit")
        out.append(Statement("service", m.group(0), _LEAD_FILLERS.sub("", m.group("name")), float(m.group("num")), unit,
                             "≤", level2="时效指标"))
        clause = _consume(clause, m)
    while (m := _SERVICE_TIME.search(clause)) is not None:
        verb = re.sub(r"(?:完毕|处理完|到位|并.*)$", "", m.group("verb"))[:6] or "响应"
        lead = re.sub(r"^(?:出现|发生|遇到|如有|一旦|出)+", "", _clean_lead(m.group("lead")))
        subject = lead if lead and not re.search(r"\d", lead) else ""
        if not subject and out and out[-1].subject:
            subject = out[-1].subject  # 「故障2小时内响应、24小时内修复」
        name = f"{subject}{verb}时限" if subject and len(subject) <= 8 else f"{verb}时限"
        unit = "个工作日" if m.group("unit") == "工作日" else m.group("unit")
        out.append(Statement("service", m.group(0), name, float(m.group("num")), unit, "≤", level2="时效指标",
                             verb=verb, subject=subject))
        clause = _consume(clause, m)
    return out, clause


# deadlines ---------------------------------------------------------------------------------------------


def _deadlines(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    while (m := _MONTHLY.search(clause)) is not None:
        event, subject = _event(m.group("lead"), m.group("rest"), found + out)
        out.append(Statement("deadline", m.group(0), f"每月{event}时限",
                             when=f"每月{m.group('day')}日", level2="时效指标", verb=event, subject=subject,
                             extra={"before": True, "monthly": True}))
        clause = _consume_time(clause, m)
    while (m := _DEADLINE.search(clause)) is not None:
        month = int(m.group("month"))
        part = m.group("part") or ""
        if not part and not m.group("before") and not re.match(r"[\u4e00-\u9fff]", m.group("rest") or ""):
            clause = _consume(clause, m)  # a bare 「5月」 without an event: not a deadline
            continue
        when = f"{month}月{_part(part)}"
        if m.group("from"):
            when = f"{m.group('from')}月至{month}月"  # 「4月至9月」: a period that ends in September
        event, subject = _event(m.group("lead"), m.group("rest"), found + out)
        before = (bool(m.group("before")) or _part(part) == "底") and not m.group("from")  # 「8月中旬举办」 is a date
        out.append(Statement("deadline", m.group(0), _deadline_name(event, subject), month=month, when=when,
                             level2="时效指标", verb=event, subject=subject, extra={"before": before}))
        clause = _consume_time(clause, m)
    for pattern, fixed in ((_HALF, None), (_YEAR_END, 12)):
        while (m := pattern.search(clause)) is not None:
            when_word = m.groupdict().get("when")
            month = fixed or _HALF_MONTH[when_word]
            if any(s.kind == "deadline" and (s.month == month or when_word) for s in out):
                # 「汛期前（6月底前）完成主体工程」: the month said outright wins over the season
                clause = _consume(clause, m)
                continue
            if fixed and _TARGET_LEVEL.search(m.group("rest") or ""):
                # 「年内读者访问量达到10万人次」: the period of a target, not a deadline
                clause = _consume_time(clause, m)
                continue
            event, subject = _event(m.group("lead"), m.group("rest"), found + out)
            out.append(Statement("deadline", m.group(0), _deadline_name(event, subject), month=month,
                                 when=f"{month}月底", level2="时效指标", verb=event, subject=subject))
            clause = _consume_time(clause, m)
    return out, clause


def _consume_time(clause: str, match: re.Match[str]) -> str:
    """The clause with a deadline's time words blanked; what follows them (「年内做1次等保测评」)
    stays for the other extractors."""
    return clause[: match.start()] + "｜" + clause[match.start("rest"):]


def _part(part: str) -> str:
    if part in ("", "份", "末"):
        return "底"
    return part.replace("号", "日")


def _event(lead: str, rest: str, earlier: list[Statement]) -> tuple[str, str]:
    """(the event word, what it is about) of a deadline clause: 「7月底前完成面积核查」 -> ('完成', '面积核查');
    a clause without one (「春季学期4月底前」) takes the event of the statement before (分两批发放)."""
    text = f"{lead}｜{rest}"
    for word, event in DEADLINE_EVENTS:
        if word in text:
            before, _, after = text.partition(word)
            obj = _clean_lead(after.split("｜")[0]) if after and word in ("完成", "开展", "举办", "形成", "提交", "报送") else ""
            obj = obj if len(obj) >= 2 else ""
            obj = re.sub(r"^(?:全部|所有|各项|全年|都|所有的)", "", obj)
            obj = re.sub(r"(?:任务|工作|全部场次|场次)$", "", obj)
            near = [p for p in before.split("｜") if p.strip()]  # the words right before the verb
            subject = _clean_lead(near[-1] if near else "") if not obj else obj
            subject = re.sub(r"^(?:汛期前|汛前|年底前|年内|上半年|下半年)|(?:装好|做好|弄好|搞好|办好|整好|并)$", "", subject)
            subject = re.sub(r"(?:全部|都|均|要|须|前)$", "", subject)
            return event, subject[:10]
    lead_noun = _clean_lead(lead)
    if earlier and earlier[-1].kind == "check" and earlier[-1].value_text.startswith("通过") and not rest:
        return "验收", earlier[-1].value_text.removeprefix("通过")  # 「12月底前通过竣工验收」
    for s in reversed(earlier[-3:]):
        for word, event in DEADLINE_EVENTS:
            if s.verb == word or (s.kind == "deadline" and s.verb == event):
                return event, lead_noun
    return "完成", lead_noun


def _deadline_name(event: str, subject: str) -> str:
    subject = re.sub(r"^\d+", "", subject)
    if subject and not re.search(r"\d", subject):
        if event in ("完成", "形成", "开展"):
            return f"{subject}完成时间" if event != "形成" else f"{subject}形成时间"
        return f"{subject}{event.removeprefix(subject[-2:])}时间"
    return {"完成": "项目完成时间", "活动举办": "活动举办时间"}.get(event, f"{event}时间")


# qualitative checks ---------------------------------------------------------------------------------------


def _checks(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    for pattern, kind in _CHECKS:
        while (m := pattern.search(clause)) is not None:
            what = m.group("what")
            kept = ""  # words before the check that belong to another statement stay in the clause
            text = m.group(0)
            if kind == "pass":
                raw = m.groupdict().get("lead") or ""
                lead = re.split(r"前|后|并|且|和|及|、", raw)[-1]  # 「10月底前完工并通过竣工验收」
                kept, text = raw[: len(raw) - len(lead)], m.group(0)[len(raw) - len(lead):]
                lead = _clean_lead(lead)
                name = f"{lead or '项目'}{what}情况" if len(lead) <= 8 else f"{what}情况"
                out.append(Statement("check", text, name, value_text=f"通过{what}", level2="质量指标", subject=lead))
            elif kind == "none":
                name = f"{what}发生数" if not what.endswith("数") else what
                out.append(Statement("check", text, name, 0, "起", "=", level2="质量指标", subject=what))
            else:
                out.append(Statement("check", text, f"{what}情况", value_text=what, level2="质量指标", subject=what))
            clause = clause[: m.start()] + kept + "｜" + clause[m.end():]
    return out, clause


# money: budget parts are left to the brief; components and outcomes become rows -------------------


def _money(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    while (m := _MONEY_AMOUNT.search(clause)) is not None:
        lead = m.group("lead")
        whole_lead = clause[: m.start()] + lead
        unit = _money_unit(m.group("unit"))
        if any(cue in whole_lead for cue in OUTCOME_CUES) and not _BUDGET_WORDS.search(lead):
            subject = _outcome_subject(lead)
            out.append(Statement("outcome", m.group(0), subject, float(m.group("num")), unit, "≥",
                                 level2="经济效益指标", subject=subject))
        elif lead and not _BUDGET_WORDS.search(whole_lead[-8:]) and _COMPONENT.search(lead) and not _FUNDING.search(lead):
            name = _clean_lead(lead)
            if name:
                out.append(Statement("component", m.group(0), f"{name}支出" if not name.endswith("支出") else name,
                                     float(m.group("num")), unit, "≤", level2="成本指标", subject=name))
        clause = _consume(clause, m)
    return out, clause


# A spending item of the budget (培训费26万) — not a source of funds (上级车购税补助资金420万元).
_COMPONENT = re.compile(r"(?:费|费用|支出|补助|补贴|奖励|工资|劳务|购置|租赁)$")
_FUNDING = re.compile(r"^(?:上级|中央|省级|省|市级|市|县级|县|本级|地方|自筹|财政|车购税|专项)|配套|来源|资金$")


def _outcome_subject(lead: str) -> str:
    name = _clean_lead(lead)
    name = re.sub(r"^(?:带动|拉动|撬动|实现|新增|促成|创造|预计带来)+", "带动" if lead.startswith(("带动", "拉动")) else "", name)
    return name or "带动经济效益"


# quantities and coverage --------------------------------------------------------------------------------


_FREQUENCY = re.compile(
    rf"每(?P<every>月|季度|季|周|年|天|日|半年)(?P<verb>[\u4e00-\u9fff]{{1,6}}?)(?:不少于|至少|不低于)?(?P<num>{NUM})(?:次|遍)"
    rf"(?:[,，、]?全年(?:共)?(?P<verb2>[\u4e00-\u9fff]{{0,6}}?)(?P<total>{NUM})次)?"
)
_TIMES_PER = {"月": 12, "季度": 4, "季": 4, "周": 52, "年": 1, "天": 365, "日": 365, "半年": 2}
_DURATION = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{0,10}}?(?:服务期|服务年限|期限|使用年限|使用寿命|质保期|保修期|合同期|公示期|试用期|见习期))(?:不少于|不低于|不短于|为|达到|满)?(?P<num>{NUM})(?P<unit>年|个月|个工作日|工作日|天|日)"
)


_EACH = re.compile(
    rf"(?P<n>{NUM})(?P<u1>个|所|家|户|村|处)(?P<place>[\u4e00-\u9fff]{{1,8}}?)各(?P<verb>配备|配发|配|购置|安装|建设|新建|建)?"
    rf"(?P<m>{NUM})(?P<u2>{_UNIT_RE})(?P<thing>[\u4e00-\u9fffA-Za-z]{{2,12}})"
)


def _quantities(clause: str, found: list[Statement]) -> tuple[list[Statement], str]:
    out: list[Statement] = []
    while (m := _EACH.search(clause)) is not None:  # 「给11个乡镇各配一套视频会议终端」: 11 places, 11 sets
        verb = COLLOQUIAL_VERBS.get(m.group("verb") or "", m.group("verb") or "配备")
        verb = {"配": "配备", "建": "建设"}.get(verb, verb)
        thing = _shorten(m.group("thing"))
        out.append(Statement("scope", m.group(0), f"覆盖{_place(m.group('place'))}数", float(m.group("n")), m.group("u1"), "≥",
                             level2="数量指标", subject=m.group("place"), verb=verb))
        out.append(Statement("quantity", m.group(0), _quantity_name(f"{verb}{thing}", m.group("u2")),
                             float(m.group("n")) * float(m.group("m")), m.group("u2"), "≥", level2="数量指标",
                             subject=thing, verb=verb))
        clause = _consume(clause, m)
    while (m := _FREQUENCY.search(clause)) is not None:
        verb = _LEAD_FILLERS.sub("", m.group("verb")) or "开展"
        if m.group("total"):  # 「每月巡检1次、全年12次」: the year's count
            out.append(Statement("quantity", m.group(0), f"{verb}次数", float(m.group("total")), "次", "≥",
                                 level2="数量指标", verb=verb, subject=verb))
        elif m.group("every") in ("月", "季度", "季", "半年", "年"):  # 「每季度考核一次」: so many a year
            out.append(Statement("quantity", m.group(0), f"{verb}次数", float(m.group("num")) * _TIMES_PER[m.group("every")],
                                 "次", "≥", level2="数量指标", verb=verb, subject=verb))
        else:  # 「每天保洁不少于3次」: a service standard, per day or week
            every = {"日": "天"}.get(m.group("every"), m.group("every"))
            out.append(Statement("quantity", m.group(0), f"每{every}{verb}次数", float(m.group("num")), "次", "≥",
                                 level2="质量指标", verb=verb, subject=verb))
        clause = _consume(clause, m)
    while (m := _DURATION.search(clause)) is not None:
        name = _clean_lead(m.group("name"))
        unit = "个工作日" if m.group("unit") == "工作日" else m.group("unit")
        level2 = "时效指标" if re.search(r"公示|试用", name) else "可持续影响指标"
        out.append(Statement("quantity", m.group(0), name, float(m.group("num")), unit, "≥", level2=level2, subject=name))
        clause = _consume(clause, m)
    known = found + out
    pos = 0
    while (m := _QUANTITY.search(clause, pos)) is not None:
        pos = m.end()
        before, after = clause[: m.start()], clause[m.end():]
        number = float(m.group("num"))
        unit = ("万" if m.group("wan") else "") + m.group("unit")
        if _not_a_count(before, after, unit, number):
            continue
        following = _following_noun(after)
        dimension = re.search(r"([\u4e00-\u9fff]{0,6}?)(宽|长|高|厚|深|直径|宽度|长度|高度|厚度|深度)(?:为|达|不小于|不少于|不低于)?$", before)
        if dimension and unit in ("米", "厘米", "毫米", "公里"):
            name = _clean_lead(dimension.group(1)) + dimension.group(2).removesuffix("度") + "度"
            out.append(Statement("quantity", clause[m.start() - len(dimension.group(0)): m.end()], name, number, unit,
                                 "≥", level2="质量指标", subject=name))  # 「路面宽4.5米」: a specification, a quality
            known.append(out[-1])
            continue
        if number == 1 and unit in ("批", "次", "个", "期") and not following:
            continue  # 「补一批」「做一次」: a manner of speaking, not a target
        if any(k.number == number and k.unit == unit for k in known):
            continue  # the same figure said again (「两期都办完」)
        op = "≤" if re.search(r"(?:不超过|最多|以内)$", before) else "≥"
        segment, list_item = _segment(before)
        verb, noun = _verb_and_noun(segment)
        if following and not verb and noun in OUTPUT_VERBS:
            verb, noun = noun, ""  # 「支持1个县级电商服务中心」: the verb governs the noun that follows the count
        cleaned = _clean_lead(segment)
        colloquial = None if any(cleaned.startswith(v) for v in OUTPUT_VERBS) else next(
            (v for v in COLLOQUIAL_VERBS if cleaned.startswith(v)), None)  # 「发放」 is not 「发」+「放」
        if colloquial and not verb:
            verb, noun = COLLOQUIAL_VERBS[colloquial], _clean_lead(segment)[len(colloquial):]
        elif not verb and (tail_verb := next((v for v in COLLOQUIAL_VERBS if segment.endswith(v)), None)):
            verb, noun = COLLOQUIAL_VERBS[tail_verb], ""  # 「医院想买一台64排CT」: the speaker is not the subject
        if not verb:
            verb = (_works_verb(after) or (_inherited_verb(out if list_item else known, unit) if list_item or not noun else "")
                    or (_parallel_verb(known, unit) if not following else ""))
        text = clause[m.start() - len(segment): m.end() + len(following)].strip("｜,， ")
        if following and following.endswith(PLACE_NOUNS):
            if not _works_on(segment, after, re.split(r"[｜]", before)[-1]):
                out.append(Statement("scope", text, f"覆盖{_place(following)}数", number, unit, op, level2="数量指标",
                                     subject=following, verb=verb))
                known.append(out[-1])
                continue
        group = _group_in(after) if unit in ("人", "名", "户", "人次") and not following else ""
        if group and "服务" in after[:40]:
            verb = "服务"
        if segment.endswith("分") and unit in ("批", "期", "次"):
            noun = ""  # 「分两批发放」
            verb = next((v for v in OUTPUT_VERBS if after.startswith(v)), verb)
        elif segment.lstrip().startswith("每") and re.search(r"\d", segment):
            noun = ""  # 「每人打两剂共4200剂次」: the count is of the doses, named by the project
        elif (per := re.search(r"((?:每[人户期场次家村校所月周天年]){1,2})([\u4e00-\u9fff]{0,3})$", segment)) is not None:
            act = COLLOQUIAL_VERBS.get(per.group(2), per.group(2))  # 「每人打2剂」 -> 每人接种剂次
            noun, verb = f"{per.group(1)}{act}{following}", ""  # 「每村每月放映1场公益电影」 -> 每村每月放映公益电影场次
            following = ""
        if not (following or noun or group):
            group = _group_of_standard(known)  # 「特困人员全额资助每人400元 大概1100人」 -> 特困人员
        subject = following or noun or group
        act = (re.match(r"(?:实施|进行|开展)([\u4e00-\u9fff]{2,6}?)(?=[,，。；;｜和及]|$)", after[len(following):])
               if following and not verb else None)
        if act:
            subject = f"{act.group(1)}{following}"  # 「对52所学校食堂开展快速检测」 -> 快速检测学校食堂
        outcome = _is_outcome(before, subject + after[:8])
        if outcome:
            verb = ""
            if unit in ("人", "名") and not following:
                phrase = re.match(r"[\u4e00-\u9fff]{2,10}", after)
                subject = phrase.group(0) if phrase else subject
        if list_item and not verb and out and out[-1].kind in ("quantity", "outcome") and not following:
            words = cut_words(out[-1].subject)
            prefix = "".join(words[:-1]) if len(words) > 1 else ""
            if prefix and not subject.startswith(prefix):
                subject = prefix + subject  # 「保护下游农田8000亩、群众1.2万人」 -> 保护下游群众
        subject = _shorten(subject)
        name_subject = f"{verb}{subject}" if verb and not subject.startswith(verb) else subject
        kind = "outcome" if outcome or re.search(r"亩产|单产|产量", subject) else "quantity"
        level2 = ("经济效益指标" if re.search(r"亩产|单产|产量|销售|产值", subject) else "社会效益指标") if kind == "outcome" else "数量指标"
        out.append(Statement(kind, text, _quantity_name(name_subject, unit), number, unit, op, level2=level2,
                             subject=subject, verb=verb))
        known.append(out[-1])
    return out, clause


def _segment(before: str) -> tuple[str, bool]:
    """(the words that belong to a count, whether it is an item of a list of counts): back to the last
    ｜ or colon, and back to the count before it with the noun that count carries (「采购冲锋舟2艘、救生衣500件」
    → 救生衣, a list item; 「支持1个县级电商服务中心和20个村级服务站」 → a list item; but 「抽检蔬菜、水果等
    农产品样品600批次」 keeps 蔬菜、水果)."""
    segment = re.split(r"[｜：:]", before)[-1]
    pieces = re.split(rf"{NUM}万?(?:{_UNIT_RE})", segment)
    piece = pieces[-1]
    if len(pieces) > 1:
        joined = re.split(r"、|和|及|以及", piece, maxsplit=1)  # the noun of the count before, then this item
        if len(joined) > 1:
            return joined[1], True
    return piece, False


def _verb_and_noun(segment: str) -> tuple[str, str]:
    """(governing verb, counted noun) of the words before a number: 「计划采购冲锋舟」 -> ('采购', '冲锋舟');
    a verb only counts at the start (「便携式执法记录仪」 has no verb, 执法 is part of the noun)."""
    text = _clean_lead(segment)
    for verb in sorted(OUTPUT_VERBS, key=len, reverse=True):
        pos = text.find(verb)
        if pos == -1:
            continue
        head, noun = text[:pos], text[pos + len(verb):].strip("、,，:：() ")
        if not noun:
            return "", text  # 「屋面防水维修」: the verb closes the noun
        if not head or head.endswith(PLACE_NOUNS):
            return verb, noun  # 「采购冲锋舟」「重点村开展送戏下乡演出」
    return "", text


def _inherited_verb(known: list[Statement], unit: str) -> str:
    """A list item without its own verb takes the verb of the item before (「采购冲锋舟2艘、救生衣500件」)."""
    for s in reversed(known):
        if s.kind in ("quantity", "scope") and s.verb:
            return s.verb
    return ""


def _parallel_verb(known: list[Statement], unit: str) -> str:
    """「引进博士5名，每人10万元；硕士35名」: a count like the one just before takes its verb."""
    for s in reversed(known[-2:]):
        if s.kind == "quantity" and s.unit == unit and s.verb:
            return s.verb
    return ""


def _group_in(after: str) -> str:
    """The people a count is of, when they follow it: 「1200名80周岁以上…老人提供」 -> '老人'."""
    window = re.split(r"提供|实施|开展|给予|发放|进行|[,，。；]", after, maxsplit=1)[0][:30]
    for group in GROUP_NOUNS:
        if group in window:
            return group
    return ""


def _group_of_standard(known: list[Statement]) -> str:
    """The people a standard just stated is for (「低保对象定额资助每人280元」 -> 低保对象)."""
    if not known or known[-1].kind != "standard":
        return ""
    lead = re.split(r"[：:，,]", known[-1].subject)[-1]
    lead = re.sub(r"(?:全额|定额|一次性|每月|每年)?(?:资助|补助|补贴|奖励|发放|代缴|慰问)$", "", lead).rstrip("的")
    lead = re.sub(r"^.*?(?:对|给|为)(?!象)", "", lead)
    if known[-1].per == "家" and lead and not lead.endswith(("企业", "单位", "家庭", "合作社", "机构")):
        lead += "企业"  # 「首次认定的每家奖励10万元，计划12家」 -> 首次认定企业
    return lead if 2 <= len(lead) <= 10 and not re.search(r"\d", lead) else ""


def _shorten(subject: str, limit: int = 12) -> str:
    """A long subject cut to its last words: 「委托…开展县“十五五”规划前期重大课题研究」 -> '重大课题研究'."""
    subject = subject.strip("、,，:：() ")
    if len(subject) <= limit:
        return subject
    quoted = re.search(r"[“\"][^”\"]{1,12}[”\"]", subject)
    if quoted and len(subject) - quoted.start() <= limit + 4:
        return subject[quoted.start():]  # 「“十五五”规划前期重大课题研究」
    words = [w for w in cut_words(subject) if w.strip()]
    kept: list[str] = []
    for word in reversed(words):
        if len("".join(kept)) + len(word) > limit:
            break
        kept.insert(0, word)
    return "".join(kept) or subject[-limit:]


def _not_a_count(before: str, after: str, unit: str, number: float) -> bool:
    if re.search(r"(?:第|等保|\d\.|版本|V|v)$", before) or number <= 0:
        return True
    if before.count("“") > before.count("”") or before.count('"') % 2:
        return True  # inside quotes: a slogan or a title (「一张图」「十五五」)
    if re.search(r"按$", before) and re.match(r"计|算|测算", after):
        return True  # 「按12个月计」: how the cost was worked out, not a target
    if unit in ("年", "月", "日") and not re.match(r"(?:内|以上)", after):
        return True
    if re.match(r"(?:周岁|岁|级|年度|届|号|点)", after) or unit in ("届", "轮"):
        return True
    if unit in ("个工作日", "小时", "天", "日", "个月") and re.match(r"内|以内|之内", after):
        return True  # a time limit, read by _service_times when it names its verb
    return False


# Verbs that begin a new phrase after a counted noun (「12个村购置垃圾转运车」); others may sit inside
# a noun (家政服务技能培训班).
_CLAUSE_VERBS = ("购置", "采购", "购买", "配备", "配发", "新建", "建设", "改造", "维修", "更换", "安装", "铺设", "发放",
                 "举办", "召开", "实施", "进行", "开展", "提供", "给予", "组织")
# A verb inside a noun: 便民服务中心, 执法队伍, 培训机构.
_NOUN_AFTER_VERB = "中心|站|所|机构|对象|人员|平台|体系|能力|队伍|设施|项目|大厅|窗口|基地|专班|班|会|课程|教材|资料|活动"


def _following_noun(after: str) -> str:
    """「3个老旧小区实施改造」 -> '老旧小区' (a classifier followed by its noun); a noun stops at a verb
    or a number (a version such as 等保2.0 stays)."""
    m = re.match(r"(?:\d+[排层寸线位级型])?[\u4e00-\u9fffA-Za-z](?:[\u4e00-\u9fffA-Za-z]|\d+\.\d+){0,15}", after)
    if not m:
        return ""
    noun = m.group(0)
    if re.match(r"(?:运行|维护|运维|使用|维修|保养|开展|进行|实施|投入|参加|参与|完成|入库|到位)", noun):
        return ""  # 「公务用车6辆运行维护」: what follows is an act, the counted thing came before
    cut = re.search(r"(?:实施|进行|开展|提供|给予|发放|和|及|与|以及|的|共计|为|作为|用于|配发|参加|参与|入选|享受|正常|开网店|都|全部|均|每|各|运营|运行)", noun)
    noun = noun[: cut.start()] if cut else noun
    if re.match(r"(?:共计|共|合计|总计|计|约|累计|全年|其中)", noun):
        return ""  # 「每人打两剂共4200剂次」: 共 begins the next count, it is not a noun
    verb = next((m2.start() for v in _CLAUSE_VERBS
                 for m2 in [re.search(rf"{v}(?!{_NOUN_AFTER_VERB})", noun[1:])] if m2), None)
    if verb is not None:
        noun = noun[: verb + 1]
    return noun if noun and not noun.startswith(("以上", "左右", "以内", "次以上")) else ""


_WORKS = r"改造|新建|建设|维修|修缮|整治|提升|打造|创建|运行维护|运维|维护|管护|检修|支持|扶持|补助|奖补|配备|配发"


def _works_on(lead: str, after: str, clause_before: str = "") -> bool:
    """The clause works on the counted places (改造3个小区, 支持20个村级服务站): they are outputs, not coverage."""
    return bool(re.search(rf"(?:对|{_WORKS})", lead[-8:]) or re.search(rf"(?:{_WORKS})", clause_before) or
                re.match(rf"[\u4e00-\u9fff0-9]{{0,14}}?(?:实施|进行|开展)?(?:日常)?(?:{_WORKS})", after))


def _works_verb(after: str) -> str:
    m = re.match(rf"[\u4e00-\u9fff]{{0,14}}?(?:实施|进行|开展)(?:日常)?({_WORKS})", after)
    return {"运行维护": "运维", "维护": "运维"}.get(m.group(1), m.group(1)) if m else ""


_GENERIC_PLACES = ("所", "站", "中心", "服务中心", "便民服务中心", "单位", "网点", "站点")


def _place(noun: str) -> str:
    """The place a coverage counts: 「全县22个乡镇」 -> 乡镇; 「7个乡镇自然资源所」 keeps its name."""
    for place in sorted(PLACE_NOUNS, key=len, reverse=True):
        if noun.endswith(place):
            head = noun[: -len(place)]
            if place in _GENERIC_PLACES or (head and head.endswith(PLACE_NOUNS) and len(noun) <= 6):
                return _shorten(noun, 10)  # 「乡镇自然资源所」「乡镇街道」 keep their name
            return {"镇": "乡镇", "乡": "乡镇"}.get(place, place)
    return noun


def _verb_in(text: str) -> str:
    best = ""
    best_pos = -1
    for verb in OUTPUT_VERBS:
        pos = text.rfind(verb)
        if pos > best_pos:
            best, best_pos = verb, pos
    return best


def _is_outcome(lead: str, subject: str) -> bool:
    return any(cue in lead or cue in subject for cue in ("带动", "吸引", "吸纳", "推荐就业", "实现就业", "培训后", "结业后",
                                                         "开网店", "创业", "游客", "观众", "客流", "总数", "总量", "保有量",
                                                         "上岗", "安置就业", "稳定就业", "保护"))


def cut_words(text: str) -> list[str]:
    """Chinese word segmentation (jieba, quiet)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(text)


def _quantity_name(subject: str, unit: str) -> str:
    base_unit = unit.removeprefix("万")
    subject = re.sub(r"^(?:为期|共计|共)|(?:为期|共计)$", "", subject.strip("、,， "))
    if subject.endswith(_NAME_ENDINGS) or re.search(r"(?:亩产|单产|产量|服务期|期限|年限)$", subject):
        return subject
    suffix = NAME_SUFFIX.get(base_unit, "数量")
    people_verb = next((v for v in PEOPLE_VERBS if subject.startswith(v) and len(subject) > len(v) + 1), None)
    if suffix in ("人数", "人次") and people_verb:
        subject = subject[len(people_verb):] + people_verb  # 培训企业管理人员 -> 企业管理人员培训(人次)
        return subject + suffix
    if suffix == "人数" and subject.endswith("人"):
        return subject + "数"
    if suffix == "户数" and subject.endswith("户"):
        return subject + "数"
    return f"{subject}{suffix}"
