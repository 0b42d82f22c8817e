"""The one domain vocabulary: text folding, Chinese numerals, and the 一级/二级 categories with
their aliases. The checker, retrieval, drafting and the chat all import from here, so that a
row is filed under the same category wherever it is looked at.

Folding (for matching only; messages and tables keep the text as written):
    fold("滿意度 ≥ ９５％ 😀")        -> "满意度≥95%"   NFKC, simplified (OpenCC t2s), no emoji, no spaces
    fold_words("Word 導出")          -> "word 导出"    the same, lower case, single spaces kept (search)
    normalise("把第五行改为 ９５％")   -> "把第五行改为 95%"  NFKC except Chinese punctuation (parsing)
    arabic_numerals("为十二个村购置五辆") -> "为12个村购置5辆"  only numerals that count something
Categories:
    canonical_level2("進度指標") -> "时效指标"; canonical_level2("成本指标", "mof-2021") is in checks.profiles
    level2_from_words("加一个效益指标") / guess_level2("资金支付及时率", "≥95%")
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an
import opencc

_T2S = opencc.OpenCC("t2s")

# Emoji, pictographs, dingbats (★ ☆ ✔ …), variation selectors, zero-width and bidi controls, BOM,
# soft hyphen, tag characters.
_NOISE = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF\U0001F1E6-\U0001F1FF"
    "\uFE00-\uFE0F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD\U000E0000-\U000E007F]+"
)
_SPACE = re.compile(r"\s+")
# Trailing score/weight/remark decorations on category names: "产出指标(50分)", "成本指标(0-20)分",
# "项目产出(权重25)", "数量指标(或建筑规模指标)", "产出指标20分".
_DECORATION = re.compile(r"(?:[(\[【][^()\[\]【】]*[)\]】]分?)+$|(?<=指标)\d+(?:[-~—]\d+)?分$")


def to_simplified(text: str) -> str:
    return _T2S.convert(text) if text else ""


@lru_cache(maxsize=16384)
def fold(text: str | None) -> str:
    """The matching form of a text (see the module docstring). Never raises."""
    if not text:
        return ""
    out = to_simplified(unicodedata.normalize("NFKC", text))
    out = _NOISE.sub("", out)
    return _SPACE.sub("", out)


def fold_words(text: str | None) -> str:
    """Like fold, but lower case and with single spaces kept: for search tokens."""
    if not text:
        return ""
    out = _NOISE.sub("", to_simplified(unicodedata.normalize("NFKC", text))).lower()
    return _SPACE.sub(" ", out).strip()


# Chinese punctuation stays as typed in parsed messages (it ends up in names and texts).
_KEEP_AS_TYPED = frozenset("，。：；（）！？、【】《》“”‘’")


def normalise(text: str | None, keep_chinese_punctuation: bool = True) -> str:
    """Full-width digits, letters and signs folded (３００％ -> 300%), whitespace squeezed, control
    and bidi characters dropped; Chinese punctuation kept unless asked otherwise. For parsing."""
    if not text:
        return ""
    if keep_chinese_punctuation:
        out = "".join(ch if ch in _KEEP_AS_TYPED else unicodedata.normalize("NFKC", ch) for ch in text)
    else:
        out = unicodedata.normalize("NFKC", text)
    out = _NOISE.sub("", out.replace("\u3000", " "))
    out = "".join(ch for ch in out if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return _SPACE.sub(" ", out).strip()


def squeeze(text: str | None) -> str:
    """Folded text of letters and digits only: for comparing indicator names."""
    return "".join(ch for ch in fold(text).lower() if unicodedata.category(ch)[0] in "LN")


def split_decoration(text: str) -> tuple[str, str]:
    """'项目产出(权重25)' (folded) -> ('项目产出', '(权重25)')."""
    m = _DECORATION.search(text)
    if not m or m.start() == 0:
        return text, ""
    return text[: m.start()], text[m.start():]


@lru_cache(maxsize=4096)
def fold_category(text: str | None) -> str:
    """A 一级/二级 name for lookup: folded, without decorations."""
    return split_decoration(fold(text))[0]


# --- Chinese numerals ---------------------------------------------------------------------------

_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿点"
# Words after a numeral that make it a count, an amount, a date or a row number. A numeral
# before anything else stays as written: 一体化, 统一, 一站式, 一级指标, 三品一标.
_MEASURE = (
    "个工作日|工作日|平方米|立方米|万元|亿元|千元|公里|千米|课时|学时|小时|人次|户次|场次|家次|批次|年度|季度|"
    "个|期|批|次|场|人|户|家|辆|台|套|所|座|条|处|名|项|天|月|年|日|周|行|元|亩|吨|米|篇|份|件|册|株|头|只|"
    "间|栋|张|本|支|队|位|种|类|轮|届|门|节|例|宗|趟|片|块|根|组|箱|袋|盒|桶|车|架|倍|剂|艘|盏|幅|%"
)
_NUMERAL_SPAN = re.compile(
    rf"(?P<pre>第)?(?P<num>[{_CN_NUMERAL}]+)(?P<post>(?:{_MEASURE})(?![性样般些])|(?=[%％]))"
)
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>[{_CN_NUMERAL}]+|\d+(?:\.\d+)?)")
_COLLOQUIAL_WAN = re.compile(r"^([一二两三四五六七八九])万([一二三四五六七八九])$")  # 一万二 = 12000


def chinese_number(text: str) -> float | None:
    """'五十' -> 50, '一百二十' -> 120, '三千五' -> 3500, '一万二' -> 12000, '二十万' -> 200000,
    '1.5' -> 1.5; None when the text is not a numeral."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    m = _COLLOQUIAL_WAN.match(text)
    if m:
        return float(cn2an.cn2an(m.group(1), "normal") * 10000 + cn2an.cn2an(m.group(2), "normal") * 1000)
    if any(ch not in _CN_NUMERAL for ch in text) or text in ("点", "万", "亿"):
        return None
    try:
        return float(cn2an.cn2an(text.replace("两", "二").replace("〇", "零"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def arabic_numerals(text: str) -> str:
    """Chinese numerals that count, measure or date something become Arabic digits, the rest of the
    text as written: 「第五行」->「第5行」, 「十二个村」->「12个村」, 「一万二」->「12000」,
    「二十万元」->「20万元」, 「百分之九十」->「90%」; 「一体化」「一级指标」 stay."""
    if not text or not any(ch in _CN_NUMERAL for ch in text):
        return text

    def percent(m: re.Match[str]) -> str:
        value = chinese_number(m.group("num"))
        return f"{_number_text(value)}%" if value is not None else m.group(0)

    def span(m: re.Match[str]) -> str:
        raw, post = m.group("num"), m.group("post")
        # Keep 万/亿 as the unit of money ("二十万元" -> "20万元"), as staff write it.
        scale = ""
        if post in ("元", "万元", "亿元") or post == "":
            for unit in ("万", "亿"):
                if raw.endswith(unit) and len(raw) > 1:
                    raw, scale = raw[:-1], unit
        value = chinese_number(raw)
        if value is None:
            return m.group(0)
        return f"{m.group('pre') or ''}{_number_text(value)}{scale}{post}"

    def bare_scale(m: re.Match[str]) -> str:
        value = chinese_number(m.group(1))
        return f"{_number_text(value)}{m.group(2)}" if value is not None else m.group(0)

    out = _PERCENT_WORDS.sub(percent, text)
    out = _NUMERAL_SPAN.sub(span, out)
    # 「预算七十万，」: an amount in 万/亿 with its unit left unsaid.
    # 「预算七十万，」「经费大概一百二十万 」「两百八十万左右」: an amount in 万/亿 with its unit left unsaid
    out = re.sub(r"(?<![\u4e00-\u9fff])([零〇一二两三四五六七八九十百千点]+)(万|亿)(?=左右|$|[^\u4e00-\u9fff\d])", bare_scale, out)
    out = re.sub(r"(?<=[预算共计约为是概要需费金额])([零〇一二两三四五六七八九十百千点]+)(万|亿)(?=左右|$|[^\u4e00-\u9fff\d])",
                 bare_scale, out)
    out = re.sub(r"(?<![\d一二两三四五六七八九十])([一二两三四五六七八九])万([一二三四五六七八九])(?![\d\u4e00-\u9fff])",
                 lambda m: _number_text(chinese_number(m.group(0)) or 0), out)
    return out


# --- categories -----------------------------------------------------------------------------------

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "服务对象满意度指标",
)
EFFECT_LEVEL2 = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
SATISFACTION_LEVEL2 = "服务对象满意度指标"
QUANTITY_LEVEL2 = "数量指标"
QUALITY_LEVEL2 = "质量指标"
TIME_LEVEL2 = "时效指标"
COST_LEVEL2 = frozenset({"成本指标", "经济成本指标"})

# Aliases seen in real tables (domain.md §2 and the public corpus), valid in every profile.
LEVEL1_ALIASES = {
    "项目完成指标": "产出指标", "预期产出指标": "产出指标", "项目产出": "产出指标", "项目产出指标": "产出指标",
    "产出值": "产出指标", "产出": "产出指标",
    "项目效益指标": "效益指标", "效果指标": "效益指标", "项目效果": "效益指标", "实施效果指标": "效益指标",
    "项目效益": "效益指标", "效益值": "效益指标", "效益": "效益指标",
    "满意度": "满意度指标", "满意度值": "满意度指标",
    "成本": "成本指标", "成本值": "成本指标",
}
LEVEL2_ALIASES = {
    "环境效益指标": "生态效益指标", "生态环境效益指标": "生态效益指标",
    "进度指标": "时效指标", "工期指标": "时效指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标", "服务对象或受益者满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标", "受益对象满意度指标": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标", "满意度": "服务对象满意度指标",
    "可持续性发展影响指标": "可持续影响指标", "可持续发展影响指标": "可持续影响指标", "可持续影响": "可持续影响指标",
    "可持续影响值": "可持续影响指标",
    "产出数量": "数量指标", "产出质量": "质量指标", "产出时效": "时效指标",
    "数量值": "数量指标", "质量值": "质量指标", "时效值": "时效指标",
    "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
    "经济效益值": "经济效益指标", "社会效益值": "社会效益指标", "生态效益值": "生态效益指标",
    "社会效益目标": "社会效益指标",
    "预算控制指标": "成本指标", "投资规模控制指标": "成本指标",
}
# Cost categories differ per framework: hebei-2025 has 成本指标 under 产出指标; mof-2021 makes
# 成本指标 its own 一级 with 经济/社会/生态环境成本指标.
PROFILE_LEVEL2_ALIASES = {
    "hebei-2025": {"产出成本": "成本指标", "成本值": "成本指标", "经济成本指标": "成本指标"},
    "mof-2021": {"产出成本": "经济成本指标", "成本值": "经济成本指标", "成本指标": "经济成本指标"},
}


def _suffixed(name: str) -> str:
    """'数量' / '数量值' / '社会效益目标' -> '…指标' (the usual written variants)."""
    for tail in ("值", "目标"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            name = name[: -len(tail)]
    return name if name.endswith("指标") else name + "指标"


def resolve_category(text: str | None, known: object, aliases: dict[str, str]) -> tuple[str | None, bool]:
    """(canonical name or None when unknown, whether an alias or variant was used)."""
    key = fold_category(text)
    if not key:
        return None, False
    if key in known:  # type: ignore[operator]
        return key, False
    for candidate in (key, _suffixed(key)):
        target = aliases.get(candidate)
        target = target if target in known else aliases.get(target or "")  # type: ignore[operator]
        if target in known:  # type: ignore[operator]
            return target, True
        if candidate != key and candidate in known:  # type: ignore[operator]
            return candidate, True
    return None, False


def canonical_level1(text: str | None) -> str:
    """The canonical 一级 name, framework-neutral ('项目完成指标' -> '产出指标'); unknown: folded."""
    found, _ = resolve_category(text, LEVEL1, LEVEL1_ALIASES)
    return found or fold_category(text)


def canonical_level2(text: str | None) -> str:
    """The canonical 二级 name, framework-neutral ('进度指标' -> '时效指标'); unknown: folded.
    For a profile's own reading of cost categories use checks.canonical_level2(name, profile)."""
    key = fold_category(text)
    if key.startswith(("产出数量", "产出质量", "产出时效", "产出成本")) and key not in LEVEL2_ALIASES:
        key = key[2:]
    found, _ = resolve_category(key, LEVEL2, LEVEL2_ALIASES)
    return found or key


# 二级指标 as users say them in a chat -> canonical name (longest word wins).
LEVEL2_WORDS = {
    "数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "进度": "时效指标", "成本": "成本指标",
    "经济成本": "经济成本指标", "社会成本": "社会成本指标", "生态环境成本": "生态环境成本指标",
    "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标", "环境效益": "生态效益指标",
    "可持续影响": "可持续影响指标", "可持续": "可持续影响指标",
    "满意度": "服务对象满意度指标", "服务对象满意度": "服务对象满意度指标",
}
_LEVEL2_WORDS_BY_LENGTH = sorted(LEVEL2_WORDS, key=len, reverse=True)


def level2_from_words(text: str) -> str | None:
    """'时效指标' / '时效' -> '时效指标'; longest word wins ('经济成本' before '成本')."""
    for word in _LEVEL2_WORDS_BY_LENGTH:
        if word in text:
            return LEVEL2_WORDS[word]
    return None


# Comparison operators as staff say them -> the sign written in a 指标值. Prefix words come
# before the number (不低于95%), suffix words after it (95%以上); longest word first when matching.
OPERATOR_PREFIX_WORDS = {
    "大于或等于": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", "至少": "≥", "最少": "≥",
    "达到": "≥", "小于或等于": "≤", "小于等于": "≤", "不得超过": "≤", "不能超过": "≤", "不超过": "≤", "不高于": "≤",
    "不大于": "≤", "不多于": "≤", "最多": "≤", "最高": "≤", "控制在": "≤", "高于": ">", "大于": ">", "超过": ">",
    "多于": ">", "低于": "<", "小于": "<", "少于": "<", "等于": "=",
}
OPERATOR_SUFFIX_WORDS = {"及以上": "≥", "或以上": "≥", "以上": "≥", "及以下": "≤", "或以下": "≤", "以下": "≤",
                         "以内": "≤", "之内": "≤"}

# The parts of a budget as staff name them: 预算数 = 财政资金 + 其他资金.
BUDGET_PART_WORDS = {
    "total": ("预算总额", "预算资金", "预算金额", "项目预算", "总预算", "预算数", "资金总额", "总金额", "总投资", "总经费",
              "总额", "预算"),
    "fiscal": ("财政资金", "财政拨款", "财政补助", "财政安排", "上级补助", "上级资金", "财政"),
    "other": ("其他资金", "自筹资金", "单位自筹", "配套资金", "社会资金", "自筹", "配套", "其他"),
}

# Periods that end at a month, as staff name them in a spending plan or a deadline.
PERIOD_MONTHS = {
    "第一季度": 3, "一季度": 3, "第二季度": 6, "二季度": 6, "上半年": 6, "第三季度": 9, "三季度": 9,
    "第四季度": 12, "四季度": 12, "下半年": 12, "年底": 12, "年末": 12, "全年": 12,
}


# The 二级 an indicator name suggests (first match wins): for rows added by name only, and for
# the brief's own targets.
LEVEL2_HINTS: tuple[tuple[str, str], ...] = (
    ("满意", "服务对象满意度指标"),
    ("犯罪", "社会效益指标"), ("发案", "社会效益指标"), ("返贫", "社会效益指标"), ("辍学", "社会效益指标"), ("及时", "时效指标"), ("时限", "时效指标"), ("完成时间", "时效指标"),
    ("响应时间", "时效指标"), ("办结时间", "时效指标"), ("周期", "时效指标"),
    ("成本", "成本指标"), ("费用", "成本指标"), ("经费", "成本指标"), ("补助标准", "成本指标"), ("补贴标准", "成本指标"),
    ("合格", "质量指标"), ("达标", "质量指标"), ("准确", "质量指标"), ("验收", "质量指标"), ("可用", "质量指标"),
    ("完好", "质量指标"), ("优良", "质量指标"), ("出勤", "质量指标"), ("完成率", "质量指标"),
    ("覆盖", "社会效益指标"), ("知晓", "社会效益指标"), ("受益", "社会效益指标"), ("就业", "社会效益指标"),
    ("产值", "经济效益指标"), ("收入", "经济效益指标"), ("销售", "经济效益指标"), ("增收", "经济效益指标"),
    ("税收", "经济效益指标"), ("营业", "经济效益指标"), ("利润", "经济效益指标"),
    ("减排", "生态效益指标"), ("排放", "生态效益指标"), ("空气", "生态效益指标"), ("水质", "生态效益指标"),
    ("长效", "可持续影响指标"), ("持续", "可持续影响指标"), ("使用年限", "可持续影响指标"),
)
_MONEY_UNITS = frozenset({"元", "千元", "万元", "亿元"})


def guess_level2(name: str, value: str = "") -> str:
    """The 二级 a new row most likely belongs to, from its name, else from its value's form."""
    from assistant.values import parse_value

    for word, level2 in LEVEL2_HINTS:
        if word in name:
            return level2
    parsed = parse_value(value)
    if parsed.kind.value == "time":
        return TIME_LEVEL2
    if parsed.unit in _MONEY_UNITS or (parsed.unit or "").startswith(("元/", "万元/")):
        return "成本指标"
    if parsed.unit == "%":
        return QUALITY_LEVEL2
    return QUANTITY_LEVEL2
