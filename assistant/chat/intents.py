"""Deterministic reading of Chinese chat messages into actions.

`parse_message("把培训人数改为300人次")` -> SetValue(target="培训人数", value="300人次").
No LLM and no I/O here: the same pydantic actions are what an LLM's tool calls are turned into,
and what ChatService executes. Amounts are converted to yuan.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter

from assistant.vocab import LEVEL2_WORDS, level2_from_words, normalise

# Chinese words the parser looks for (data, not messages: the replies live in service.MESSAGES).
WORDS = {
    "set_verbs": ("修改为", "更改为", "调整为", "设置为", "设定为", "改为", "改成", "调为", "设为", "定为", "变为",
                  "换成", "改到", "调到", "调整到"),
    "remove_verbs": ("删除", "删掉", "去掉", "移除", "去除", "删去"),
    "add_verbs": ("增加", "添加", "新增", "加上", "补充", "补上", "加一个", "加一条", "加一项"),
    "undo": ("撤销", "撤回", "回退", "撤消", "还原", "undo", "恢复上一步", "取消上一步", "上一步"),
    "help": ("帮助", "help", "你能做什么", "能做什么", "怎么用", "如何使用", "使用说明", "功能", "?", "？"),
    "check_verbs": ("检查", "校验", "审核", "核查", "审查", "检验", "体检"),
    "export_verbs": ("导出", "下载", "生成", "输出", "保存为", "另存为"),
    "draft_cues": ("新项目", "新建", "起草", "草拟", "编制", "帮我写", "帮我做", "写一个", "做一个", "拟一个", "项目名称:",
                   "项目名称：", "项目:", "项目：", "我要申报", "申报"),
    "question_cues": ("哪些", "什么", "怎么", "如何", "多少", "一般", "通常", "平均", "常见", "参考", "类似", "相似",
                      "有没有", "可否", "能否", "吗", "呢", "举例", "例子", "示例"),
    "stats_cues": ("多少", "一般定", "通常定", "一般是", "通常是", "平均", "常见值", "取值", "范围", "定多高", "分布",
                   "标准是", "目标值"),
    # A question is about tables only when it names one of these (else: help).
    "domain_cues": ("指标", "项目", "率", "度", "数量", "人次", "金额", "成本", "标准", "目标", "效益", "时限", "时间",
                    "预算", "资金", "支出"),
    "project_cues": ("类似项目", "相似项目", "同类项目", "类似的项目", "相似的项目", "同类的项目"),
}

# Header fields a message can change (target word -> ProjectTable field).
HEADER_TARGETS = {
    "项目名称": "project_name", "名称": "project_name", "项目名": "project_name",
    "资金用途": "fund_use", "用途": "fund_use",
    "绩效目标": "goal", "总目标": "goal", "年度目标": "goal", "目标": "goal",
    "部门": "department", "单位": "department", "预算单位": "department",
}
BUDGET_TARGETS = {
    "预算": "total", "预算数": "total", "总预算": "total", "项目预算": "total", "预算金额": "total",
    "资金总额": "total", "总金额": "total", "预算总额": "total",
    "财政资金": "fiscal", "财政拨款": "fiscal", "其中财政资金": "fiscal",
    "其他资金": "other", "自筹资金": "other", "其中其他资金": "other",
}
# Row fields: the suffix after 「的」 in 「把X的依据改为…」.
ROW_FIELDS = {
    "指标值": "value", "值": "value", "目标值": "value", "数值": "value",
    "依据": "basis", "确定依据": "basis", "指标值确定依据": "basis", "绩效标准": "basis",
    "描述": "description", "指标描述": "description", "绩效指标描述": "description", "解释": "description",
    "指标解释": "description",
    "名称": "level3", "指标名称": "level3", "名字": "level3",
}
EXPORT_FORMATS = {"word": "docx", "docx": "docx", "doc": "docx", "文档": "docx", "excel": "xlsx", "xlsx": "xlsx",
                  "xls": "xlsx", "表格": "xlsx", "json": "json"}

_QUOTES = "‘’'\"“”「」『』《》【】"
_END_PUNCT = "。.!！~～ ;；,，"
_OPERATOR = r"(?:≥|≤|>|<|=|≧|≦|不低于|不少于|不超过|不高于|大于等于|小于等于|大于|小于|达到|控制在)"
_MAX_TARGET = 30


# --- actions --------------------------------------------------------------------------------


class DraftProject(BaseModel):
    """Draft a new table from a free-text project description."""

    kind: Literal["draft"] = "draft"
    text: str


class SetValue(BaseModel):
    """Change one field of an indicator row, found by name (fuzzy) or by row number."""

    kind: Literal["set_value"] = "set_value"
    target: str = ""
    row: int | None = None  # 0-based, when the user said 「第3行」
    field: Literal["value", "basis", "description", "level3"] = "value"
    value: str


class SetHeader(BaseModel):
    kind: Literal["set_header"] = "set_header"
    field: Literal["project_name", "fund_use", "goal", "department"]
    value: str


class SetBudget(BaseModel):
    kind: Literal["set_budget"] = "set_budget"
    part: Literal["total", "fiscal", "other"] = "total"
    amount: float  # yuan


class SetPlan(BaseModel):
    kind: Literal["set_plan"] = "set_plan"
    label: str  # 「6月底」
    percent: float


class AddIndicator(BaseModel):
    kind: Literal["add"] = "add"
    level2: str | None = None  # canonical 二级 name, or None to infer from the name
    level3: str
    value: str = ""


class RemoveIndicator(BaseModel):
    kind: Literal["remove"] = "remove"
    target: str = ""
    row: int | None = None


class Undo(BaseModel):
    kind: Literal["undo"] = "undo"


class Check(BaseModel):
    kind: Literal["check"] = "check"


class Export(BaseModel):
    kind: Literal["export"] = "export"
    format: Literal["docx", "xlsx", "json"]


class Ask(BaseModel):
    """A reviewer's question: similar indicators/projects, or the usual value of an indicator."""

    kind: Literal["ask"] = "ask"
    question: str
    mode: Literal["similar", "stats", "projects"] = "similar"
    topic: str = ""  # indicator name or category words, e.g. 「满意度」
    level2: str | None = None


class Help(BaseModel):
    kind: Literal["help"] = "help"
    unknown: bool = False  # True: the message was not understood


Action = Annotated[
    Union[DraftProject, SetValue, SetHeader, SetBudget, SetPlan, AddIndicator, RemoveIndicator, Undo, Check, Export,
          Ask, Help],
    Field(discriminator="kind"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)


# --- helpers --------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.strip().strip(_QUOTES).strip().rstrip(_END_PUNCT).strip().strip(_QUOTES).strip()


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> float | None:
    """'五十' -> 50, '一百二十' -> 120, '三千五' -> 3500 (no 万/亿 here); None if not a numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit, last_unit = 0, None, 1
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit is not None:
        # 「三千五」 means 3500: a trailing digit after a unit counts one unit lower.
        total += digit * (last_unit // 10 if last_unit > 1 and text[-2] in _CN_UNITS else 1)
    return float(total)


_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)\s*(亿元|亿|万元|万|千元|元)")


def parse_amount_yuan(text: str) -> float | None:
    """The first money amount in the text, in yuan: '50万元' -> 500000.0, '1.2亿' -> 1.2e8."""
    m = _AMOUNT.search(normalise(text))
    if not m:
        return None
    raw = m.group(1).replace(",", "")
    number = float(raw) if raw[0].isdigit() else chinese_number(raw)
    if number is None:
        return None
    factor = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "元": 1.0}[m.group(2)]
    return round(number * factor, 2)


def plan_label(text: str) -> str | None:
    """'6月底' / '六月' / '6月末' -> '6月底'."""
    m = re.search(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:底|末|份)?", text)
    if not m:
        return None
    raw = m.group(1)
    month = int(raw) if raw.isdigit() else int(chinese_number(raw) or 0)
    return f"{month}月底" if 1 <= month <= 12 else None


def _percent(text: str) -> float | None:
    m = re.fullmatch(r"(?:百分之)?\s*(\d+(?:\.\d+)?)\s*(?:%|百分比)?", text.strip())
    return float(m.group(1)) if m else None


def row_number(target: str) -> int | None:
    """「第3行」 -> 2 (0-based); None for anything else."""
    m = re.fullmatch(r"第\s*(\d+)\s*(?:行|条|个指标|项)", target)
    return int(m.group(1)) - 1 if m and int(m.group(1)) > 0 else None


_SPLIT_BY_OPERATOR = re.compile(r"^(?P<name>.+?)\s*(?P<value>" + _OPERATOR + r".+)$")
_SPLIT_BY_SEPARATOR = re.compile(r"^(?P<name>.+?)\s*(?:[:：]|为|是|\s)\s*(?P<value>[^:：\s].*)$")
_SPLIT_BY_DATE = re.compile(r"^(?P<name>.+?)\s*(?P<value>(?:\d{4}\s*年|\d{1,2}\s*月).*)$")
_SPLIT_BY_NUMBER = re.compile(r"^(?P<name>.*?\D)\s*(?P<value>\d[\d.,]*\s*[^\d\s]{0,6})$")


def split_name_value(body: str) -> tuple[str, str]:
    """'资金支付及时率≥95%' -> ('资金支付及时率', '≥95%'); '项目完成时间2025年12月底前' -> (…, '2025年12月底前')."""
    body = _clean(body)
    for pattern in (_SPLIT_BY_OPERATOR, _SPLIT_BY_DATE, _SPLIT_BY_NUMBER, _SPLIT_BY_SEPARATOR):
        m = pattern.match(body)
        if m and _clean(m.group("name")):
            return _clean(m.group("name")), _clean(m.group("value"))
    return body, ""


# --- the parser -----------------------------------------------------------------------------


def _strip_polite(text: str) -> str:
    return re.sub(r"^(?:请你|请|麻烦|帮我|帮忙|给我|你)+", "", text).strip()


def _match_undo(text: str) -> Undo | None:
    core = _strip_polite(text).rstrip(_END_PUNCT).replace("一下", "")
    if core.lower() in WORDS["undo"] or (len(core) <= 8 and any(core.startswith(w) for w in WORDS["undo"][:5])):
        return Undo()
    return None


def _match_help(text: str) -> Help | None:
    core = _strip_polite(text).rstrip(_END_PUNCT).lower()
    if not core or core in WORDS["help"] or (len(core) <= 10 and any(w in core for w in WORDS["help"][:7])):
        return Help()
    return None


def _match_check(text: str) -> Check | None:
    core = _strip_polite(text).rstrip(_END_PUNCT + "?？")
    verbs = "|".join(WORDS["check_verbs"])
    pattern = rf"(?:{verbs})(?:一下|下|一遍)?(?:这个|当前|我的)?(?:草稿|表格|表|绩效目标表|目标表)?(?:有没有问题|有什么问题)?"
    if re.fullmatch(pattern, core) or re.fullmatch(r"(?:有没有问题|有什么问题|有问题吗)", core):
        return Check()
    return None


def _match_export(text: str) -> Export | None:
    core = _strip_polite(text).rstrip(_END_PUNCT).lower().replace(" ", "")
    verbs = "|".join(WORDS["export_verbs"])
    formats = "|".join(sorted(EXPORT_FORMATS, key=len, reverse=True))
    m = re.fullmatch(rf"(?:{verbs})(?:为|成|一个|一份)?(?P<fmt>{formats})(?:文件|文档|格式|版|版本|表格)?", core)
    return Export(format=EXPORT_FORMATS[m.group("fmt")]) if m else None


def _match_remove(text: str) -> RemoveIndicator | None:
    core = _strip_polite(text)
    verbs = "|".join(WORDS["remove_verbs"])
    m = re.fullmatch(rf"(?:{verbs})(?:掉)?(?P<target>.+)", core) or re.fullmatch(
        rf"(?:把|将)(?P<target>.+?)(?:{verbs})(?:掉)?(?:吧)?", core.rstrip(_END_PUNCT)
    )
    if not m:
        return None
    target = _clean(m.group("target"))
    target = re.sub(r"^(?:指标|这个|这一|这条|一个|一条)|(?:这个|这一|这条)?(?:指标|这一行|这行)$", "", target)
    target = _clean(target)
    if not target or len(target) > _MAX_TARGET:
        return None
    row = row_number(target)
    return RemoveIndicator(target=target, row=row)


def _match_add(text: str) -> AddIndicator | None:
    core = _strip_polite(text)
    verbs = "|".join(sorted(WORDS["add_verbs"], key=len, reverse=True))
    m = re.fullmatch(rf"(?:{verbs})(?:一个|一条|一项|个|条|项)?(?P<rest>.+)", core)
    if not m:
        return None
    rest = m.group("rest").strip()
    level2 = None
    cat = re.match(r"^(?P<cat>[^:：,，≥≤<>=\d]{1,10}?指标)\s*[:：,，]?\s*(?P<body>.*)$", rest)
    if cat and level2_from_words(cat.group("cat")):
        level2 = level2_from_words(cat.group("cat"))
        rest = cat.group("body")
    elif (cat := re.match(r"^(?P<cat>[^:：]{1,8})[:：]\s*(?P<body>.+)$", rest)) and level2_from_words(cat.group("cat")):
        level2 = level2_from_words(cat.group("cat"))
        rest = cat.group("body")
    name, value = split_name_value(rest)
    if not name or len(name) > _MAX_TARGET:
        return None
    return AddIndicator(level2=level2, level3=name, value=value)


def _match_set(text: str) -> SetValue | SetHeader | SetBudget | SetPlan | None:
    core = _strip_polite(text)
    verbs = "|".join(WORDS["set_verbs"])
    m = re.fullmatch(rf"(?:把|将)?(?P<target>.+?)(?:{verbs})\s*(?P<value>.+)", core)
    if not m:
        return None
    target, value = _clean(m.group("target")), _clean(m.group("value"))
    if not target or not value or len(target) > _MAX_TARGET:
        return None
    field = "value"
    fm = re.fullmatch(r"(?P<t>.+?)\s*的\s*(?P<f>" + "|".join(sorted(ROW_FIELDS, key=len, reverse=True)) + ")", target)
    if fm:
        target, field = _clean(fm.group("t")), ROW_FIELDS[fm.group("f")]
    compact = target.replace(" ", "").removeprefix("其中").removeprefix("：").removeprefix(":")
    if compact in BUDGET_TARGETS or ("预算" in compact and len(compact) <= 6):
        amount = parse_amount_yuan(value)
        if amount is None and re.fullmatch(r"\d+(?:\.\d+)?", value):
            amount = float(value)  # a bare number: yuan, as on the form (单位：元)
        if amount is not None:
            return SetBudget(part=BUDGET_TARGETS.get(compact, "total"), amount=amount)
    label = plan_label(compact)
    if label and re.fullmatch(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:底|末|份)?(?:的)?(?:累计)?(?:支出|支出进度|支出比例|支出计划|资金支出)?(?:比例|进度)?",
                              compact):
        percent = _percent(value)
        if percent is not None:
            return SetPlan(label=label, percent=percent)
    if field == "value" and compact in HEADER_TARGETS:
        return SetHeader(field=HEADER_TARGETS[compact], value=value)
    return SetValue(target=target, row=row_number(target), field=field, value=value)


def _match_question(text: str) -> Ask | None:
    core = _strip_polite(text)
    is_question = core.endswith(("?", "？")) or any(w in core for w in WORDS["question_cues"])
    if not is_question or not (level2_from_words(core) or any(w in core for w in WORDS["domain_cues"])):
        return None
    mode = "stats" if any(w in core for w in WORDS["stats_cues"]) else "similar"
    level2 = level2_from_words(core)
    wants_projects = any(w in core for w in WORDS["project_cues"])
    topic = core
    fillers = ("请问", "有哪些", "有什么", "有没有", "哪些", "什么", "可以参考", "参考", "类似项目", "相似项目", "同类项目",
               "类似的项目", "相似的项目", "同类的项目", "类似", "相似", "同类", "一般定多少", "通常定多少", "一般定",
               "通常定", "一般是", "通常是", "一般", "通常", "平均", "常见值", "常见", "取值", "范围", "定多高", "多少",
               "分布", "标准是", "目标值", "怎么定", "如何定", "怎么写", "如何写", "举例", "例子", "示例", "可用的", "可用",
               "用过", "的", "吗", "呢", "?", "？")
    for filler in fillers:
        topic = topic.replace(filler, " ")
    topic = re.sub(r"\s+", " ", topic).strip(" ," + _END_PUNCT)
    if level2 and topic in {level2, level2.removesuffix("指标")}:
        topic = "" if level2 != "服务对象满意度指标" else topic
    if wants_projects and not level2 and not topic.replace("指标", "").strip():
        mode = "projects"
    if not topic and not level2 and mode != "projects":
        return None
    return Ask(question=text, mode=mode, topic=topic, level2=level2)


def looks_like_description(text: str) -> bool:
    """A new project described in words: a cue word, or an amount with enough text around it."""
    core = _strip_polite(text)
    if any(core.startswith(cue) or cue in core[:12] for cue in WORDS["draft_cues"]):
        return len(core) >= 6
    return parse_amount_yuan(core) is not None and len(core) >= 12


def parse_message(message: str) -> Action:
    """One chat message -> one action. Unknown messages give Help(unknown=True)."""
    text = normalise(message)
    for matcher in (_match_undo, _match_check, _match_export):
        action = matcher(text)
        if action is not None:
            return action
    if any(_strip_polite(text).startswith(cue) for cue in WORDS["draft_cues"]) and looks_like_description(text):
        return DraftProject(text=text)
    edits = (_match_remove, _match_add, _match_set)
    if any(verb in text for verb in WORDS["set_verbs"]):
        edits = (_match_set, _match_remove, _match_add)
    for matcher in edits:
        action = matcher(text)
        if action is not None:
            return action
    if looks_like_description(text):
        return DraftProject(text=text)
    for matcher in (_match_help, _match_question):
        action = matcher(text)
        if action is not None:
            return action
    return Help(unknown=True)
