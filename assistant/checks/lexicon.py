"""The vocabulary the rules match, as data: compiled patterns over folded text (normalize.fold).

Folded text has no whitespace, ASCII punctuation for full-width forms ("（" -> "("), and
simplified characters. Sources: domain.md §3–§4 and the defects seen in corpus/tables.
"""

from __future__ import annotations

import re

# --- names -----------------------------------------------------------------------------------
# Template hints left in names: "(≥**%)", "( ≥**个 )", "≥**人", "(<**元/户·年)".
TEMPLATE_HINT = re.compile(r"\(?[≥≤<>=]*\*{2,}[^()]{0,12}\)?")
# The same hints and unit hints on the original text, for clean names in suggestions.
WRITTEN_HINTS = re.compile(r"[(（]?\s*[≥≤<>=]*\s*[*＊]{2,}[^()（）]{0,12}[)）]?|[(（]\s*[%％]\s*[)）]\s*$|^[★*＊\s]+")
# Transcription remarks such as "(原文无三级指标名)".
REMARK = re.compile(r"\(原文[^()]*\)")
# A trailing unit hint: "(%)", "(人)", "(万亩)".
UNIT_HINT = re.compile(r"\(([^()\d]{1,4})\)$")
UNIT_HINT_UNITS = frozenset({
    "%", "‰", "人", "人次", "个", "次", "户", "家", "件", "项", "亩", "万亩", "公顷", "立方米", "万立方米", "篇",
    "单", "年", "元", "万元", "所", "辆", "台", "套", "株", "吨", "公里", "米", "平方米", "天", "批次", "名", "起",
})
REMARK_MARK = "原文"
CURRENCY = "元"
MONEY_PER_UNIT = ("元/", "万元/")
COST_CATEGORY = "成本"  # in a 二级 name: a cost row
OTHER_COST_CATEGORY = ("社会", "生态", "环境")  # social/ecological cost: not money
TIME_CATEGORY = "时效"
# Names that are only a placeholder for a missing name.
EMPTY_NAMES = frozenset({"", "0", "-", "—", "/", "无", "空", "(空)", "(无三级名称)", "无三级名称", "(无)"})

RATE_NAME = re.compile(r"(率|满意度|比例|占比|比重)(\d+(\.\d+)?%)?$")
NOT_RATE_NAME = re.compile(r"效率$")
COUNT_NAME = re.compile(r"(数量|人数|次数|户数|个数|家数|件数|人次|批次|数)$")
NOT_COUNT_NAME = re.compile(r"(指数|系数|分数|倍数|参数|基数|率数)$")
GROWTH_NAME = re.compile(r"增长|增幅|增速|提高率|提升率|上升率|增加率|比上年")

# Polarity: negative (lower is better) rates and event counts; reductions of bad things are positive.
RATE_SUFFIX = "率"
NEGATIVE_RATE_SPAN = 12  # NEGATIVE_RATE only looks at a name's last characters
NEGATIVE_RATE = re.compile(
    r"(发生|投诉|事故|差错|失误|出错|故障|不合格|返工|返修|逾期|延误|超期|流失|辍学|死亡|伤亡|误差|"
    r"漏报|错报|漏检|超支|超标|空置|闲置|违规|违纪|复发|失败|退回|损耗|能耗)率$|超.{0,8}比?率$"
)
NEGATIVE_EVENT = re.compile(
    r"事故|群体性事件|恶性案件|刑事案件|安全事件|投诉|瘫痪|入侵|差错|失误|故障|违规|违纪|违法|死亡|"
    r"伤亡|火灾|泄露|泄漏|损失|上访|越级访|重复访"
)
HANDLING_WORDS = re.compile(
    r"处理|办理|办结|查处|受理|调解|化解|整改|排查|处置|侦破|破获|解决|回复|答复|下降|减少|降低|压减|预防|"
    r"防范|宣传|培训|监测|检查|举报|奖励|执法|审判|参审|扶助|救助|帮扶|补助|慰问|赔付|理赔"
)
COST_WORDS = re.compile(r"成本|造价")
COUNT_UNITS = frozenset({"起", "次", "件", "个", "人", "人次", "例", "宗", "户", "家", "项"})

# --- values ----------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\*{2,}|[xX×]{2,}|(?:^|[≥≤=<>约])[xX×](?![a-zA-Z])|待填|待补|[?？]{2,}")
DEFERRED = re.compile(
    r"以.{0,30}为准|(?:按|根据|依据)照?(?:上级|文件|省|市|有关).{0,12}(?:执行|确定|下达|为准)$|"
    r"待(?:定|确定|核定|下达|上级)|另行(?:通知|下达|确定|明确)|视情况|见附件|详见"
)
# Characters without which a pattern cannot match: a cheap test before the regex.
PLACEHOLDER_CHARS = frozenset("*xX×待?？")
DEFERRED_CHARS = frozenset("以按根依待另视见详")
# Endings of a cut text: a marker, a separator or an operator with nothing after it.
TRUNCATION_ENDINGS = ("(截断)", "…", "...")
DANGLING_CHARS = frozenset("、,:;(-—≥≤=<>+/")
TERMINAL_CHARS = frozenset("。.;!)”\"%")
EMPTY_VALUES = frozenset({"", "-", "—", "--", "/", "空", "(空)", "null", "None", "none", "NULL"})

GRADED = re.compile(
    r"(达成年度指标|达成预期指标|达成预期目标|达成年度目标|达成目标|部分达成|基本达成|未达成|达成|"
    r"好|较好|一般|差|优|良|中|优良|优秀|合格|达标|全部达标|通过验收|验收合格|验收通过|全覆盖|全部覆盖|"
    r"应保尽保|应发尽发|足额发放|足额|无|零|无重大.{1,10}|"
    r"符合.{1,16}(标准|要求|规定|条件|规范)|达到.{1,16}(标准|条件|要求|等级|规定)|"
    r"通过.{1,12}(验收|审核|评审|检查|考核|认证)|"
    r"已?(建立|建成|出台|制定|印发|上线|投入使用|投入运行|正常运行|正常运转|持续运行|稳定运行)"
    r"(并(持续|正常|稳定)?(运行|运转|使用|执行))?)"
)
VAGUE_WORD = re.compile(
    r"促进|提高|提升|明显|积极|充足|保证|保障|增强|有效|优化|健全|扩大|改善|巩固|加强|减少|降低|减轻|持续|"
    r"稳步|显著|推动|带动|拉动|完善|增加|上升|下降|逐步|不断|大幅|较大|一定|稳定|长期|良好|较高|进一步|"
    r"有所|发展|影响|作用|确保|满足|加快|增长|向好|好转|准确|及时|按计划|按时|按期|按要求|按进度|预期"
)
BARE_VAGUE = frozenset({"是", "高", "达到", "有", "强", "大", "多", "快", "正常", "满意", "完成", "实现", "到位", "可以", "能"})
PUNCTUATION = re.compile(r"[,.;:!?、。\"'“”‘’()\[\]<>《》【】]")

MONEY_UNITS = {"元": 1.0, "千元": 1e3, "万元": 1e4, "万": 1e4, "亿元": 1e8, "亿": 1e8}
MONEY_TEXT = re.compile(r"\d(?:\.\d+)?(?:万|亿|千)?元")
UPPER_BOUND_TEXT = re.compile(r"[≤<]|不超|不高于|以内|之内|以下|最高|上限|控制在|预算标准|支出标准")
PERCENT_UNITS = frozenset({"%", "‰"})
TIME_TEXT = re.compile(
    r"\d{4}年|\d{1,2}月|年底|年末|年内|年度内|季度|上半年|下半年|当年|次年|\d{4}[.\-/]\d{1,2}|"
    r"\d+个?工作日|\d+(?:个)?(?:天|日|小时|周|个月)内?|\d+日前"
)
TIME_UNITS = frozenset({"个工作日", "工作日", "天", "日", "小时", "个月", "月", "周", "年", "分钟"})

# --- input counted as output -------------------------------------------------------------------
INPUT_MONEY_NAME = re.compile(r"(支出|资金|经费|预算).{0,6}(安排|金额|数额)|安排金额")
INPUT_STAFF_NAME = re.compile(r"(在职|退休|离休|编制|在编)(职工|人员|干部)?人数|遗属人数")

# --- goal text ---------------------------------------------------------------------------------
GOAL_QUANTITY = re.compile(
    r"(\d+(?:\.\d+)?)(万|亿|千)?(%|‰|人次|人|户|家|个|项|次|起|件|所|辆|台|套|株|亩|平方米|公里|千米|"
    r"米|吨|元|批次|场|篇|份|名|座|处|条|校|村|期|小时|天|个工作日|工作日)"
)
GOAL_LEAD_STOP = re.compile(r"[,.;:!?、。“”\"'()\d%]")
GOAL_VERB_TAIL = re.compile(r"(达到|达|不少于|不低于|超过|约|共计|共|为|至|到)$")
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
NUMBER_SCALE = re.compile(r"(\d+(?:\.\d+)?)(万|亿|千)?")
SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3}

# --- boilerplate -------------------------------------------------------------------------------
BOILERPLATE = re.compile(r"^(该指标值?数据合理|数据合理|指标合理|合理|无|暂无|同上|见上|略|该指标.{0,6}合理)$")

# --- mechanical fixes (on the original text) ---------------------------------------------------
NONSTANDARD_CHARS = frozenset("百％<>=≧≦＞＜⩾⩽")
NONSTANDARD_WRITINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d)\s*百分比"), "%"),
    (re.compile(r"％"), "%"),
    (re.compile(r">\s*=|=\s*>|≧|＞\s*＝|⩾"), "≥"),
    (re.compile(r"<\s*=|=\s*<|≦|＜\s*＝|⩽"), "≤"),
)

# --- units to suggest for a count name --------------------------------------------------------
COUNT_UNIT_WORDS: tuple[tuple[str, str], ...] = (
    ("人次", "人次"), ("企业", "家"), ("户", "户"), ("人", "人"), ("次", "次"), ("件", "件"),
    ("篇", "篇"), ("批", "批次"), ("车", "辆"), ("项目", "个"), ("项", "项"),
)
