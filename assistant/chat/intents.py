"""Deterministic reading of Chinese chat messages into actions (no LLM, no I/O).

    read_message("能不能把满意度调到95%？再把培训人次改为八百", table)
    -> [SetValue(target="满意度", value="95%"), SetValue(target="培训人次", value="800")]

A message is folded (full-width digits, control characters), its Chinese numerals become digits
(第三行, 二十万元, 一万二), and it is read whole (undo, check, export, a question for the corpus …)
or clause by clause, so that several edits in one message are several actions. Politeness and
question forms (请/麻烦/帮我/能不能/可以…吗) are peeled off; operators in words stay words here and
are written as signs where the row's value is completed (edits.spoken_value). Rows stay names:
which row a name means is the handlers' business, with the table in hand.
"""

from __future__ import annotations

import re

from assistant.chat.actions import (
    Action,
    AddIndicator,
    Adjust,
    Ask,
    Check,
    Decline,
    Draft,
    Export,
    Help,
    Pick,
    PlanPoint,
    Remove,
    SetBudget,
    SetHeader,
    SetPlan,
    SetValue,
    Undo,
)
from assistant.chat.edits import DEADLINE_WORDS, clean_target, find_row, name_score, row_number, spoken_value
from assistant.chat.outcomes import Pending
from assistant.model import ProjectTable, ValueKind
from assistant.values import parse_value
from assistant.vocab import (
    BUDGET_PART_WORDS,
    LEVEL2_WORDS,
    OPERATOR_PREFIX_WORDS,
    PERIOD_MONTHS,
    arabic_numerals,
    level2_from_words,
    normalise,
)


def _alt(words) -> str:
    """A regex alternation, longest word first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# Chinese words the reader looks for (data, not messages: replies live in replies.MESSAGES).
SET_VERBS = ("修改为", "修改成", "更改为", "更改成", "调整为", "调整成", "调整到", "调整至", "设置为", "设置成", "设定为",
             "更新为", "提高到", "提高至", "提升到", "提升至", "降低到", "降低为", "降低至", "下调到", "下调为", "下调至",
             "上调到", "上调为", "上调至", "调高到", "调低到", "减少到", "减少为", "增加到", "增加为", "推迟到", "延后到",
             "延迟到", "延长到", "提前到", "往后推到", "推到", "延到", "改为", "改成", "改到", "调为", "调到", "调成",
             "设为", "定为", "定成", "定在", "变为", "变成", "换成", "换为", "写成", "写为", "填为", "填成", "提到",
             "降到", "降为", "增至", "减至", "压缩到", "压减到", "核减到", "削减到", "缩减到", "追加到", "应该是", "应为",
             "改")
MODALS = ("能不能", "可不可以", "能否", "可以", "需要", "应该", "能", "要", "得", "再", "也", "都", "就", "先", "给")
UP_WORDS = ("提高", "增加", "上调", "调高", "提升", "增多", "加", "多", "延后", "推迟", "往后推", "往后延", "延长", "延迟",
            "晚", "高")
DOWN_WORDS = ("降低", "减少", "下调", "调低", "减", "少", "提前", "往前提", "缩短", "早", "低")
REMOVE_VERBS = ("删除", "删掉", "删去", "去掉", "去除", "移除", "拿掉", "删了", "不要了", "不要", "不需要了", "不需要", "不用了",
                "删")
ADD_VERBS = ("增加", "添加", "新增", "新加", "另加", "加上", "补充", "补上", "加")
UNDO_WORDS = ("撤销", "撤回", "撤消", "回退", "退回", "回滚", "还原", "undo", "恢复上一步", "取消上一步", "上一步", "回到上一步",
              "返回上一步", "改回去", "改回来", "恢复原样")
HELP_WORDS = ("帮助", "help", "你能做什么", "能做什么", "你会什么", "怎么用", "如何使用", "使用说明", "功能", "你是谁")
CHECK_VERBS = ("检查", "校验", "审核", "核查", "审查", "检验", "体检", "过一遍", "看看", "看一下", "瞧瞧", "查一下", "查查")
PROBLEM_WORDS = ("可以提交", "能提交", "能不能提交", "能交", "可以交", "完善", "改进", "问题", "错误", "错", "毛病", "不合格", "不规范", "不符合", "需要改", "要改", "还要改", "通过审核", "过审",
                 "能过", "合规吗", "漏洞", "缺什么", "缺少什么", "不足")
ASKING = ("还", "有没有", "有什么", "有哪些", "哪里", "哪些", "哪儿", "什么", "吗", "?", "？", "能不能", "是否")
EXPORT_VERBS = ("导出", "下载", "生成", "输出", "保存为", "另存为")
EXPORT_FORMATS = {"word": "docx", "docx": "docx", "doc": "docx", "文档": "docx", "excel": "xlsx", "xlsx": "xlsx",
                  "xls": "xlsx", "表格": "xlsx", "json": "json"}
DRAFT_CUES = ("新项目", "新建", "起草", "草拟", "编制", "帮我写", "帮我做", "写一个", "做一个", "拟一个", "项目名称:",
              "项目名称：", "项目:", "项目：", "我要申报", "申报", "另一个项目", "换一个项目")
QUESTION_CUES = ("哪些", "什么", "怎么", "如何", "多少", "一般", "通常", "平均", "常见", "参考", "类似", "相似", "有没有",
                 "可否", "能否", "吗", "呢", "举例", "例子", "示例")
STATS_CUES = ("多少", "一般定", "通常定", "一般是", "通常是", "平均", "常见值", "取值", "范围", "定多高", "分布", "标准是",
              "目标值")
DOMAIN_CUES = ("指标", "项目", "率", "度", "数量", "人次", "金额", "成本", "标准", "目标", "效益", "时限", "时间", "预算",
               "资金", "支出")
INJECTION = re.compile(
    r"(?:忽略|无视|忘记|忘掉|不要管|跳过|绕过)(?:掉)?(?:以上|上面|之前|前面|所有|全部|你的|这些)?(?:的)?(?:规则|指令|要求|提示|设定|限制|约束|说明)"
    r"|ignore\s+(?:all\s+|the\s+|any\s+)?(?:previous|above|prior|earlier)|system\s*prompt|系统提示|开发者模式|developer\s+mode"
    r"|你现在是|你扮演|扮演一个|jailbreak", re.I)
FILLERS = ("谢谢", "谢谢你", "谢谢啦", "多谢", "麻烦了", "辛苦了", "好的", "好", "ok", "okay", "嗯", "请", "你好", "您好",
           "那个", "就这样", "拜托", "拜托了", "麻烦你了", "劳驾")
# Header fields a message can change (target word -> ProjectTable field).
HEADER_TARGETS = {"项目名称": "project_name", "名称": "project_name", "项目名": "project_name",
                  "资金用途": "fund_use", "用途": "fund_use",
                  "绩效目标": "goal", "总目标": "goal", "年度目标": "goal", "目标": "goal",
                  "部门": "department", "单位": "department", "预算单位": "department"}
# Row fields: the word after 「的」 in 「把X的依据改为…」.
ROW_FIELDS = {"指标值": "value", "值": "value", "目标值": "value", "数值": "value",
              "依据": "basis", "确定依据": "basis", "指标值确定依据": "basis", "绩效标准": "basis",
              "描述": "description", "指标描述": "description", "绩效指标描述": "description", "解释": "description",
              "指标解释": "description", "名称": "level3", "指标名称": "level3", "名字": "level3"}
YES_WORDS = ("确定", "确认", "是的", "是", "对", "对的", "好", "好的", "可以", "行", "没问题", "嗯", "删吧", "确定删除",
             "全部删除", "确认删除", "ok", "yes")
NO_WORDS = ("不", "不要", "不用", "不用了", "算了", "取消", "不删了", "不了", "no", "别")
EVERY_ROW = ("所有指标", "全部指标", "所有的指标", "全部的指标", "所有", "全部", "全部内容", "所有内容", "表格", "整个表",
             "整张表", "所有行", "全部行", "一切", "everything")
ONE_ROW = ("一个", "1个", "一条", "1条", "一项", "1项", "一行", "1行", "一个指标", "1个指标", "某个", "某个指标", "个", "条")
TYPOS = {"改位": "改为", "该为": "改为", "改未": "改为", "改味": "改为", "改伟": "改为", "该成": "改成", "删出": "删除",
         "撒销": "撤销", "撤消": "撤销", "撒回": "撤回", "预箅": "预算", "满以度": "满意度", "满义度": "满意度"}

QUESTION_VALUE = re.compile(r"多少|几|什么|怎么|怎样|如何|哪个|哪些|吗|？|\?")
_QUOTES = "‘’'\"“”「」『』《》【】"
_END = "。.!！~～ ;；,，?？"
_AMOUNT = r"(?P<sign>[-−])?\s*(?P<num>\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][+]?\d+)?)\s*(?P<unit>亿元|亿|万元|万|千元|元)?"
_MONEY_FACTOR = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "元": 1.0, None: 1.0}
_MONTH = (r"(?:(?P<month>\d{1,2})\s*月\s*(?:底|末|份)?|(?:第)?(?P<quarter>[1-4])\s*季度(?:末)?|(?P<period>"
          + _alt(PERIOD_MONTHS) + "))")
_SPEND = r"(?:的)?(?:累计)?(?:要|需要|应|应该)?(?:支出|支付|拨付|花|用|执行|完成支出)?(?:进度|比例|计划|率)?(?:要|应)?"
_OP_WORDS = _alt(OPERATOR_PREFIX_WORDS)
_SET_VERB = re.compile(_alt(SET_VERBS[:-1]))
_HAS_OPERATOR = re.compile(rf"(?:{_OP_WORDS})\s*\d")

_POLITE_HEAD = re.compile(r"^(?:请问|请你|请|麻烦你|麻烦|劳驾|帮我们|帮我|帮忙|帮(?!助)|给我|您好|你好|我想|我要|我们想|我们要|想|看下|看一下|看看|"
                          r"能不能|能否|可不可以|可以|是否可以|是否能|看能不能|看看能不能|再|也|然后|另外|还有|那就|那么|那|就)+")
_POLITE_TAIL = re.compile(r"(?:吗|呢|吧|啊|呀|哈|嘛|好吗|好不好|可以吗|可以不|行吗|行不行|行不|谢谢|谢谢你|谢啦|一下|就行了?|"
                          r"就好|即可|就可以了?|了)+$")
_SET = re.compile(rf"^(?:把|将)?(?P<target>.*?)(?:的(?P<field>{_alt(ROW_FIELDS)}))?(?:{_alt(MODALS)})?"
                  rf"(?P<verb>{_alt(SET_VERBS)})\s*(?P<value>.+)$")
_ADJUST = re.compile(rf"^(?:把|将)?(?P<target>.*?)(?:{_alt(MODALS)})?(?P<dir>{_alt(UP_WORDS + DOWN_WORDS)})(?:了)?\s*"
                     r"(?P<amount>\d+(?:\.\d+)?|半)?\s*(?P<unit>个百分点|百分点|个点|个月|个工作日|[^\d\s一些点]{0,4}?)\s*"
                     r"(?P<little>一点儿?|一些|点儿?|些)?(?:完成|完工)?$")
_REMOVE_HEAD = re.compile(rf"^(?:{_alt(REMOVE_VERBS)})(?:掉)?(?P<target>.*)$")
_REMOVE_TAIL = re.compile(rf"^(?:把|将)?(?P<target>.+?)(?:给)?(?:也|都)?(?:{_alt(REMOVE_VERBS)})(?:掉)?(?:了)?$")
_ADD = re.compile(rf"^(?:再)?(?:{_alt(ADD_VERBS)})(?:一个|1个|一条|1条|一项|1项|个|条|项)?(?P<rest>.*)$")
_CATEGORY = re.compile(r"^(?P<cat>[^:：,，≥≤<>=\d\s]{0,10}?指标)\s*[:：,，]?\s*(?P<body>.*)$")
_TERSE = re.compile(rf"^(?:把|将)?(?P<target>[^\d≥≤<>=]{{1,24}}?)\s*(?:的(?:指标值|值|目标值))?\s*"
                    rf"(?:[:：]|为|是|要|要求|应|应该|须|需|需要|在|保持|得|也)*\s*"
                    rf"(?P<value>(?:[≥≤<>=]|{_OP_WORDS})?\s*\d.*)$")
_DEADLINE = re.compile(r"^(?P<when>.*?(?:\d{1,2}\s*月\s*(?:底|末|份|中旬|上旬|下旬|\d{1,2}\s*日)?|年底|年末|年内))"
                       r"(?:前|以前|之前)?(?:要|需|须)?(?:全部)?(?:完成|完工|办结|结束|竣工)(?:全部任务|任务)?$")
_ALL_FISCAL = re.compile(r"(?:全部|全额|都|均|全)(?:是|为|改为|改成|改用|由|用|改由)?(?:县级|县|市|省|上级)?财政(?:资金|拨款)?"
                         r"(?:出|承担|安排|解决|保障)?|(?:自筹|其他)(?:资金)?(?:没有了|没有|不要了|取消了?)|没有(?:自筹|其他)资金")
_BUDGET_WORDS = {w for words in BUDGET_PART_WORDS.values() for w in words}
_BUDGET_PART = _alt(_BUDGET_WORDS)
_BUDGET = re.compile(rf"^(?:其中)?(?P<part>{_BUDGET_PART})(?:资金)?(?:数)?(?:其实|实际上|实际|应该|应|要|也|就|总共|一共|合计)?"
                     rf"(?:是|为|有|共|一共|总共|合计|大概|约|出|安排|[:：]|{_alt(SET_VERBS)})?\s*{_AMOUNT}$")
_BUDGET_DELTA = re.compile(rf"^(?P<part>{_alt(BUDGET_PART_WORDS['total'])})(?:再)?"
                           rf"(?P<dir>增加|追加|加|多|调增|减少|减|少|压缩|核减|调减|砍)(?:了)?\s*{_AMOUNT}$")
_PLAN = re.compile(rf"^(?:把|将)?(?:资金)?(?:支出|支付)?(?:进度|计划|比例)?(?:在)?{_MONTH}{_SPEND}"
                   rf"(?:{_alt(SET_VERBS[:-1])}|达到|到|为|是|要)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%$")
_PLAN_DONE = re.compile(rf"^{_MONTH}(?:前)?(?:要|需)?(?:全部)?(?:支出|支付|拨付|花)(?:完毕|完成|完|到位)$")
_PLAN_LIST = re.compile(r"^(?:资金)?支出(?:计划|进度)(?:改为|改成|调整为|为|是|[:：])?\s*(?P<items>.+)$")
_PLAN_ITEM = re.compile(r"(\d{1,2})\s*月\s*(?:底|末)?\s*(?:累计)?\s*(\d+(?:\.\d+)?)\s*%")
_SPLIT = re.compile(r"[，；;。！!？?\n]+|,(?!\d{3})|(?:并且|同时|另外|然后|还有|以及|此外)")
_PICK_ROW = re.compile(r"^(?:就是|是|选|要)?(?:第)?\s*(?P<n>\d{1,3})\s*(?P<unit>行|个|条|项|号)?(?:吧|那个|那行)?$")
_LAST = ("后者", "后一个", "最后一个", "后面那个", "第二个")


# --- the reader ---------------------------------------------------------------------------------


def prepare(message: str, numerals: bool = True) -> str:
    """Folded text with common typos mended and (unless told not to) Arabic numerals."""
    text = normalise(message)
    for wrong, right in TYPOS.items():
        text = text.replace(wrong, right)
    if not numerals:
        return text
    text = re.sub(r"(?<=\d)\s*[wW](?![a-zA-Z])", "万", text)  # 「55w」: 万 as typed in chats
    return arabic_numerals(text)


def read_message(message: str, table: ProjectTable | None = None, pending: Pending | None = None) -> list[Action]:
    """One chat message -> its actions, in the order said. Unreadable: [Help(unknown=True)]."""
    text = prepare(message)
    if not text:
        return [Help()]
    if pending is not None:
        pick = read_pick(text, pending, table)
        if pick is not None:
            return [pick]
    if INJECTION.search(text):
        return [Decline()]
    for matcher in (_undo, _help, _export, _check):
        action = matcher(text)
        if action is not None:
            return [action]
    described = looks_like_description(text)
    if described and (table is None or any(cue in text[:16] for cue in DRAFT_CUES)):
        return [Draft(text=normalise(message))]
    header = _header(prepare(message, numerals=False))  # a name keeps its 一期
    if header is not None:
        return [header]
    actions = read_clauses(text, table)
    if actions:
        return actions
    question = _question(text)
    if question is not None:
        return [question]
    if described:
        return [Draft(text=normalise(message))]
    return [Help(unknown=True)]


def parse_message(message: str, table: ProjectTable | None = None) -> Action:
    """The first action of a message (for callers that expect one)."""
    return read_message(message, table)[0]


def strip_polite(text: str) -> str:
    previous = None
    text = text.strip().strip(_QUOTES + _END)
    while previous != text:
        previous = text
        text = _POLITE_HEAD.sub("", text).strip()
        text = _POLITE_TAIL.sub("", text.rstrip(_END)).strip()
    return text


def _core(text: str) -> str:
    return strip_polite(text).rstrip(_END).lower().replace(" ", "")


def read_clauses(text: str, table: ProjectTable | None = None) -> list[Action]:
    """Each clause an action; clauses that only name a row lend it to the next one
    (「人均成本那行写错了，应该是不超过900元」), and 「A和B都改成X」 is one action per row.
    Empty when any clause is unreadable."""
    clauses = [c for c in (strip_polite(c) for c in _SPLIT.split(text)) if c and c.lower() not in FILLERS]
    actions: list[Action] = []
    named = ""
    i = 0
    while i < len(clauses):
        clause = clauses[i]
        action = read_clause(clause)
        if isinstance(action, AddIndicator) and not action.level3 and i + 1 < len(clauses):
            i += 1
            action = _add_body(action, clauses[i], f"{clause}，{clauses[i]}")
        if action is None and "、" in clause:
            parts = [read_clause(part) for part in clause.split("、") if part]
            if parts and all(parts):
                clauses[i:i + 1] = [part for part in clause.split("、") if part]
                continue
        if action is None:
            named = _row_mention(clause)
            if not named:
                return []
            i += 1
            continue
        if isinstance(action, SetValue) and not action.target and action.row is None and not _is_date(action.value):
            previous = actions[-1] if actions else None
            if isinstance(previous, Adjust) and previous.amount is None:
                actions.pop()  # 「满意度低一点，改成85%吧」: the value answers the step
                named = named or previous.target or (f"第{previous.row}行" if previous.row else "")
            elif isinstance(previous, (SetValue, Adjust)) and not named:
                named = previous.target or (f"第{previous.row}行" if previous.row else "")
            if named:
                action = action.model_copy(update={"target": named, "said": f"{named}{action.said}"})
        if isinstance(action, SetValue) and table is not None:
            several = _several_targets(action, table)
            if several:
                actions += several
                named = ""
                i += 1
                continue
        if actions and isinstance(action, SetBudget) and isinstance(actions[-1], SetBudget):
            actions[-1] = _merge_budget(actions[-1], action)
        elif actions and isinstance(action, SetPlan) and isinstance(actions[-1], SetPlan):
            actions[-1] = SetPlan(points=[*actions[-1].points, *action.points])
        else:
            actions.append(action)
        named = ""
        i += 1
    return actions


def _several_targets(action: SetValue, table: ProjectTable) -> list[SetValue]:
    """「满意度和合格率都改成95%」: one SetValue per named row, unless the whole target is one row's
    name (「培训档案和课程资料归档率」)."""
    parts = [clean_target(p) for p in re.split(r"和|、|与|及|跟|以及", action.target)]
    if len(parts) < 2 or not all(parts) or find_row(table, action.target).index is not None:
        return []
    return [action.model_copy(update={"target": part, "row": row_number(part)}) for part in parts]


def read_clause(clause: str) -> Action | None:
    for matcher in (_remove, _add, _budget, _plan, _set, _adjust, _deadline, _terse):
        action = matcher(clause)
        if action is not None:
            return action
    return None


# --- whole messages -------------------------------------------------------------------------------


def _undo(text: str) -> Undo | None:
    core = _core(re.sub(r"刚才|刚刚|改错了|弄错了|错了|不对|(?:那|这)一?步|的?(?:修改|操作|改动)|上一次", "", text))
    if core in UNDO_WORDS or (len(core) <= 8 and core.startswith(("撤销", "撤回", "回退", "退回", "回滚", "还原"))):
        return Undo()
    return None


def _help(text: str) -> Help | None:
    core = _core(text)
    if not core or core in HELP_WORDS or (len(core) <= 10 and any(w in core for w in HELP_WORDS[:8])):
        return Help()
    return None


def _export(text: str) -> Export | None:
    core = _core(text)
    formats = _alt(EXPORT_FORMATS)
    m = re.fullmatch(rf"(?:{_alt(EXPORT_VERBS)})(?:为|成|一个|一份)?(?P<fmt>{formats})(?:文件|文档|格式|版|版本|表格)?", core)
    return Export(format=EXPORT_FORMATS[m.group("fmt")]) if m else None


def _check(text: str) -> Check | None:
    """「检查一下」 and the meta questions 「这个表还有什么问题？」「哪里还需要改」."""
    core = _core(text)
    checks = rf"(?:{_alt(CHECK_VERBS)})(?:一下|下|一遍)?"
    tables = r"(?:这个|这张|当前|我的|现在的|现在|表里|表格里)?(?:草稿|表格|表|绩效目标表|目标表)?(?:里|中)?"
    if re.fullmatch(rf"{checks}{tables}(?:还)?(?:有没有|有什么|有哪些)?(?:问题|错误|毛病)?", core):
        return Check()
    if any(w in core for w in PROBLEM_WORDS) and any(w in text for w in ASKING + CHECK_VERBS):
        if not re.search(r"\d", core) and not any(v in core for v in ("改为", "改成", "删除", "删掉", "增加", "添加")):
            return Check()
    return None


def _question(text: str) -> Ask | None:
    """A reviewer's question for the corpus: similar indicators, projects, or usual values."""
    core = strip_polite(text)
    is_question = core.endswith(("?", "？")) or any(w in core for w in QUESTION_CUES)
    level2 = level2_from_words(core)
    if not is_question or not (level2 or any(w in core for w in DOMAIN_CUES)):
        return None
    mode = "stats" if any(w in core for w in STATS_CUES) else "similar"
    wants_projects = bool(re.search(r"(?:类似|相似|同类)(?:的)?[\u4e00-\u9fff]{0,10}项目", core))
    topic = core
    fillers = ("请问", "有哪些", "有什么", "有没有", "哪些", "什么", "可以参考", "参考", "类似项目", "相似项目", "同类项目",
               "类似的", "相似的", "同类的", "类似", "相似", "同类", "一般定多少", "通常定多少", "一般定", "通常定", "一般是",
               "通常是", "一般", "通常", "平均", "常见值", "常见", "取值", "范围", "定多高", "设多少", "多少", "分布", "标准是",
               "比较合适", "合适", "设置", "设定", "设",
               "目标值", "怎么定", "如何定", "怎么写的", "怎么写", "如何写", "都", "举例", "例子", "示例", "可用的", "可用",
               "用过", "的", "吗", "呢", "?", "？", "可以")
    for filler in fillers:
        topic = topic.replace(filler, " ")
    topic = re.sub(r"\s+", " ", topic).strip(" ," + _END)
    if level2 and topic in {level2, level2.removesuffix("指标")}:
        topic = "" if level2 != "服务对象满意度指标" else topic
    if wants_projects and not level2:
        mode = "projects"
        topic = topic.removesuffix("项目").strip()
    if not topic and not level2 and mode != "projects":
        return None
    return Ask(question=text, mode=mode, topic=topic, level2=level2)


def looks_like_description(text: str) -> bool:
    """A new project described in words: a cue word, or an amount with enough text around it."""
    core = strip_polite(text)
    if any(core.startswith(cue) or cue in core[:12] for cue in DRAFT_CUES):
        return len(core) >= 6
    if not (_money_in(core) and len(core) >= 12):
        return False
    if re.search(r"项目|工程|经费|专项|资金", core):
        return True
    if re.search(r"改为|改成|调整为|调到|调成|删", core):  # an edit that names its subject, not a new project
        return False
    from assistant.drafting.types import classify  # the drafter's typology knows every kind of project

    return classify(core, core).primary is not None


def _money_in(text: str) -> bool:
    return bool(re.search(r"\d\s*(?:亿元|万元|千元|元|万|亿)", text))


# --- answers to a question just asked ---------------------------------------------------------


def read_pick(text: str, pending: Pending, table: ProjectTable | None) -> Pick | None:
    """「第4行」「第二个」「4」「人均培训成本」「95%」「确定」「算了」 after a clarifying question."""
    core = _core(text)
    if core in NO_WORDS:
        return Pick(cancel=True)
    if pending.confirm:
        return Pick(yes=True) if core in YES_WORDS else None
    m = _PICK_ROW.match(core)
    candidates = pending.candidates
    if m:
        n = int(m.group("n"))
        if m.group("unit") in ("行", "号") or not candidates or (n - 1) in candidates or n > len(candidates):
            return Pick(row=n)
        return Pick(row=candidates[n - 1] + 1)
    if candidates and core in ("前者", "前一个", "第一个", "上面那个"):
        return Pick(row=candidates[0] + 1)
    if candidates and core in _LAST:
        return Pick(row=candidates[min(len(candidates), 2 if core == "第二个" else len(candidates)) - 1] + 1)
    wants_value = isinstance(pending.action, (SetValue, Adjust)) and not candidates
    value = spoken_value(re.sub(rf"^(?:{_alt(SET_VERBS)})", "", core))
    if wants_value and parse_value(value).kind in (ValueKind.quantitative, ValueKind.time):
        return Pick(value=value)
    if candidates and table is not None and len(core) <= 24 and not re.search(r"\d", core) \
            and not re.search(_alt(SET_VERBS[:-1] + REMOVE_VERBS), core):
        sub = table.model_copy(update={"indicators": [table.indicators[i] for i in candidates]})
        match = find_row(sub, core)
        if match.index is not None:
            return Pick(row=candidates[match.index] + 1)
        match = find_row(table, core)  # a row named in full, though not among those offered
        if match.index is not None and name_score(core, table.indicators[match.index].level3) >= 0.9:
            return Pick(row=match.index + 1)
    return None


# --- clauses ------------------------------------------------------------------------------------


def _is_date(value: str) -> bool:
    return bool(re.search(r"\d{1,2}\s*月|年底|年末|年内", value))


def _row_mention(clause: str) -> str:
    """「人均成本那行写错了」 -> '人均成本': a clause that names a row and says nothing else."""
    m = re.fullmatch(r"(?:把|将)?(?P<t>.+?)(?:那行|这行|那一行|这一行|那个|这个|那条|这条|那项|这项)?"
                     r"(?:写错了|写错|不对|有问题|错了|有误|不准确|不合适|太低了?|太高了?)", clause)
    return clean_target(m.group("t")) if m else ""


def _remove(clause: str) -> Remove | None:
    m = _REMOVE_HEAD.match(clause) or _REMOVE_TAIL.match(clause)
    if not m:
        return None
    target = clean_target(m.group("target"))
    target = re.sub(r"^(?:掉|了)|(?:吧|了)$", "", target).strip()
    if target in EVERY_ROW or re.fullmatch(r"(?:所有|全部)(?:的)?(?:指标|内容|行)?(?:都)?", target):
        return Remove(every_row=True)
    if target in ONE_ROW or not target:
        return Remove()
    if len(target) > 30 or re.search(r"[≥≤<>=]", target):
        return None
    return Remove(target=target, row=row_number(target))


def _add(clause: str) -> AddIndicator | None:
    m = _ADD.match(clause)
    if not m or re.match(r"^\s*\d", m.group("rest")) or _SET_VERB.search(m.group("rest")):
        return None  # 「新增企业数量改为10家」 changes the row 新增企业数量
    return _add_body(AddIndicator(level3=""), m.group("rest").strip(), clause)


def _add_body(action: AddIndicator, rest: str, said: str) -> AddIndicator | None:
    level1, level2 = action.level1, action.level2
    cat = _CATEGORY.match(rest)
    if cat and cat.group("cat"):
        word = cat.group("cat")
        level1, level2 = _category(word, level1, level2)
        rest = cat.group("body")
    elif (cat := re.match(r"^(?P<cat>[^:：]{1,8})[:：]\s*(?P<body>.+)$", rest)) and _category(cat.group("cat"), None, None) != (None, None):
        level1, level2 = _category(cat.group("cat"), level1, level2)
        rest = cat.group("body")
    name, value = split_name_value(rest.lstrip("—-–~～:：,， "))
    if len(name) > 30:
        return None
    return AddIndicator(level1=level1, level2=level2, level3=name, value=value, said=said)


def _category(word: str, level1: str | None, level2: str | None) -> tuple[str | None, str | None]:
    """「效益指标」 -> ('效益指标', None); 「时效指标」 -> (None, '时效指标')."""
    core = word.removesuffix("指标").removesuffix("类").strip()
    if core in ("效益", "产出", "成本", "满意度") and word.endswith("指标") and core + "指标" in ("效益指标", "产出指标"):
        return core + "指标", level2
    if core in LEVEL2_WORDS or (core and level2_from_words(core) and len(core) <= 6):
        return level1, level2_from_words(core)
    return level1, level2


_SPLIT_BY_OPERATOR = re.compile(rf"^(?P<name>.+?)\s*(?P<value>(?:[≥≤<>=]|{_OP_WORDS}).+)$")
_SPLIT_BY_DATE = re.compile(r"^(?P<name>.+?)\s*(?P<value>(?:\d{4}\s*年|\d{1,2}\s*月).*)$")
_SPLIT_BY_NUMBER = re.compile(r"^(?P<name>.*?\D)\s*(?P<value>\d[\d.,]*\s*[^\d\s]{0,6})$")
_SPLIT_BY_SEPARATOR = re.compile(r"^(?P<name>.+?)\s*(?:[:：]|为|是|\s)\s*(?P<value>[^:：\s].*)$")


def _clean(text: str) -> str:
    return text.strip().strip(_QUOTES).strip().rstrip(_END).strip().strip(_QUOTES).strip()


def split_name_value(body: str) -> tuple[str, str]:
    """'资金支付及时率≥95%' -> ('资金支付及时率', '≥95%'); '… 95%以上' -> (…, '≥95%')."""
    body = _clean(body)
    for pattern in (_SPLIT_BY_OPERATOR, _SPLIT_BY_DATE, _SPLIT_BY_NUMBER, _SPLIT_BY_SEPARATOR):
        m = pattern.match(body)
        if m and _clean(m.group("name")):
            name = re.sub(r"(?:要|应|须|需|达到|为|是)$", "", _clean(m.group("name"))).strip()
            return name, spoken_value(_clean(m.group("value")))
    return body, ""


def _amount(m: re.Match[str]) -> float:
    number = float(m.group("num").replace(",", ""))
    return round(number * _MONEY_FACTOR[m.group("unit")] * (-1 if m.group("sign") else 1), 2)


def _part_of(word: str) -> str:
    return next(part for part, words in BUDGET_PART_WORDS.items() if word in words)


def _budget(clause: str) -> SetBudget | None:
    text = clause.replace(" ", "")
    all_fiscal = bool(_ALL_FISCAL.search(text))
    if all_fiscal:
        rest = _ALL_FISCAL.sub("", text).strip("，,的了")
        if not rest or re.fullmatch(r"(?:资金来源|来源|资金|预算|都|改成|改为)*", rest):
            return SetBudget(all_fiscal=True, said=clause)
        found = _budget(rest)
        return found.model_copy(update={"all_fiscal": True}) if found else None
    m = _BUDGET_DELTA.match(text)
    if m:
        sign = -1 if m.group("dir") in ("减少", "减", "少", "压缩", "核减", "调减", "砍") else 1
        return SetBudget(delta=sign * abs(_amount(m)), said=clause)
    m = _BUDGET.match(text)
    if not m:
        return None
    return SetBudget(**{_part_of(m.group("part")): _amount(m)}, said=clause)


def _merge_budget(a: SetBudget, b: SetBudget) -> SetBudget:
    fields = {k: v for k, v in b.model_dump().items() if k not in ("kind", "said") and v not in (None, False)}
    return a.model_copy(update={**fields, "said": f"{a.said}，{b.said}"})


def _month_label(m: re.Match[str]) -> str:
    if m.group("quarter"):
        return f"{3 * int(m.group('quarter'))}月底"
    month = int(m.group("month")) if m.group("month") else PERIOD_MONTHS[m.group("period")]
    return f"{month}月底"


def _plan(clause: str) -> SetPlan | None:
    text = clause.replace(" ", "")
    m = _PLAN_LIST.match(text)
    if m:
        points = [PlanPoint(label=f"{int(mm.group(1))}月底", percent=float(mm.group(2)))
                  for mm in _PLAN_ITEM.finditer(m.group("items"))]
        if len(points) > 1:
            return SetPlan(points=points)
    m = _PLAN.match(text)
    if m and (m.group("month") is None or 1 <= int(m.group("month")) <= 12):
        return SetPlan(points=[PlanPoint(label=_month_label(m), percent=float(m.group("pct")))])
    m = _PLAN_DONE.match(text)
    if m and (m.group("month") is None or 1 <= int(m.group("month")) <= 12):
        return SetPlan(points=[PlanPoint(label=_month_label(m), percent=100.0)])
    return None


def _header(text: str) -> SetHeader | None:
    """A header text set whole (its value may hold commas and numbers: a goal, a 资金用途)."""
    m = _SET.match(strip_polite(text))
    if not m or m.group("field") or clean_target(m.group("target")) not in HEADER_TARGETS:
        return None
    field = HEADER_TARGETS[clean_target(m.group("target"))]
    value = _clean(m.group("value")).lstrip("：:").strip()
    if field in ("project_name", "department") and re.search(_alt(SET_VERBS[:-1]), value):
        return None  # 「项目名称改为…，预算改为…」: clause by clause
    return SetHeader(field=field, value=value) if value else None


def _set(clause: str) -> SetValue | SetHeader | None:
    m = _SET.match(clause)
    if not m:
        return None
    raw_target, value = m.group("target").strip(), _clean(m.group("value"))
    raw_target = re.sub(r"(?:由|从)[^由从]*\d[^由从]*$", "", raw_target)  # 「培训企业由200家改为230家」
    target = clean_target(raw_target)
    if target in _BUDGET_WORDS:
        found = _budget(f"{target}{value}")
        if found is not None:
            return found
    if not value or len(target) > 30:
        return None
    field = ROW_FIELDS.get(m.group("field") or "", "value")
    if m.group("verb") == "改" and not re.match(r"^(?:成|为|到)", value):
        return None  # 「改」 alone only as 「改成/改为」 split by a space
    value = re.sub(r"^(?:成|为|到)", "", value).strip() if m.group("verb") == "改" else value
    if field == "value" and target in HEADER_TARGETS:
        return SetHeader(field=HEADER_TARGETS[target], value=value.lstrip("：:").strip())
    if not target and not _is_date(value) and not re.search(r"\d", value):
        return None
    if QUESTION_VALUE.search(value):
        return None  # 「满意度通常定在多少」 asks; it sets nothing
    row = row_number(target)
    return SetValue(target=target, row=row, field=field, value=value, said=clause)


def _adjust(clause: str) -> Adjust | None:
    m = _ADJUST.match(clause)
    if not m or _HAS_OPERATOR.search(clause):
        return None  # 「最多900元」「至少85%」 are values, not steps
    word, amount, unit, little = m.group("dir"), m.group("amount"), m.group("unit") or "", m.group("little")
    if word in ("高", "低", "多", "少", "早", "晚", "加", "减") and not (little or amount):
        return None  # a bare 「高」 says no change
    if amount is None and unit and not little:
        return None
    target = clean_target(re.sub(r"(?:再|还|稍微|稍|略微|略|更)+$", "", m.group("target").strip()))
    if target and target not in DEADLINE_WORDS and len(target) > 24:
        return None
    if amount is None and not little and word not in ("提前", "延后", "推迟"):
        return None
    direction = "up" if word in UP_WORDS else "down"
    unit = "个月" if unit in ("月",) else unit
    step = 0.5 if amount == "半" else float(amount) if amount else None
    return Adjust(target=target, row=row_number(target), direction=direction, amount=step, unit=unit, said=clause)


def _deadline(clause: str) -> SetValue | None:
    m = _DEADLINE.match(clause.replace(" ", ""))
    if not m:
        return None
    when = re.sub(r"^(?:在|于|到)", "", m.group("when"))
    return SetValue(target="", value=f"{when}前", said=clause)


def _terse(clause: str) -> SetValue | None:
    """「满意度95%」「合格率要在93%以上」「总成本不能超过48万」: a name then a value."""
    m = _TERSE.match(clause)
    if not m:
        return None
    target, value = clean_target(m.group("target")), m.group("value").strip()
    if not target or target in HEADER_TARGETS or target == "第" or _money_in(target):
        return None
    parsed = parse_value(spoken_value(value))
    if parsed.kind not in (ValueKind.quantitative, ValueKind.time):
        return None
    return SetValue(target=target, row=row_number(target), value=value, said=clause)

