"""Text folding and canonical 一级/二级 categories, shared by the index, filters and statistics.

Real tables write the same category in many ways: `产出数量(60)`, `數量指標`, `数量值`,
`社会公众或服务对象满意度指标`. Filters and statistics compare canonical forms; the text as
written stays in the index metadata (level1/level2) next to the canonical one (level1_norm,
level2_norm)."""

from __future__ import annotations

import re
import unicodedata

# Traditional -> simplified for the characters met in category and indicator names.
_TRAD = str.maketrans({
    "標": "标", "數": "数", "質": "质", "時": "时", "經": "经", "濟": "济", "會": "会", "產": "产",
    "滿": "满", "務": "务", "對": "对", "響": "响", "續": "续", "環": "环", "態": "态", "應": "应",
    "準": "准", "確": "确", "檢": "检", "驗": "验", "監": "监", "處": "处", "區": "区", "價": "价",
    "認": "认", "證": "证", "鑒": "鉴", "體": "体", "績": "绩", "劃": "划", "額": "额", "資": "资",
    "與": "与", "項": "项", "實": "实", "開": "开", "發": "发", "義": "义", "學": "学", "衛": "卫",
    "員": "员", "辦": "办", "級": "级", "進": "进", "節": "节", "計": "计", "總": "总",
    "號": "号", "設": "设", "備": "备", "達": "达", "險": "险", "興": "兴", "傳": "传", "圍": "围",
})

_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SCORE_TAIL = re.compile(r"\d*[-~—]?\d*分$")
_SPACE = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Matching form of any text: NFKC, simplified characters, lower case, single spaces."""
    if not text:
        return ""
    out = unicodedata.normalize("NFKC", text).translate(_TRAD).lower()
    return _SPACE.sub(" ", out).strip()


def _bare(text: str | None) -> str:
    out = _BRACKETS.sub("", fold(text)).replace(" ", "")
    return _SCORE_TAIL.sub("", out)


LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "服务对象满意度指标",
)

_LEVEL1_ALIASES = {
    "产出": "产出指标", "产出值": "产出指标", "项目产出": "产出指标", "预期产出指标": "产出指标",
    "项目完成指标": "产出指标", "项目产出指标": "产出指标",
    "效益": "效益指标", "效益值": "效益指标", "项目效益指标": "效益指标", "项目效果": "效益指标",
    "效果指标": "效益指标", "实施效果指标": "效益指标", "项目效益": "效益指标",
    "满意度": "满意度指标", "满意度值": "满意度指标",
    "成本": "成本指标", "成本值": "成本指标",
}
_LEVEL2_ALIASES = {
    "进度指标": "时效指标", "工期指标": "时效指标",
    "环境效益指标": "生态效益指标", "生态环境效益指标": "生态效益指标",
    "可持续性发展影响指标": "可持续影响指标", "可持续发展影响指标": "可持续影响指标",
    "满意度指标": "服务对象满意度指标", "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "服务对象或受益者满意度指标": "服务对象满意度指标", "受益对象满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "预算控制指标": "成本指标", "投资规模控制指标": "成本指标",
}


def _with_suffix(name: str) -> str:
    for tail in ("值", "目标"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            name = name[: -len(tail)]
    return name if name.endswith("指标") else name + "指标"


def canonical_level1(text: str | None) -> str:
    bare = _bare(text)
    if not bare:
        return ""
    if bare in _LEVEL1_ALIASES:
        return _LEVEL1_ALIASES[bare]
    return _LEVEL1_ALIASES.get(bare.removesuffix("指标"), _with_suffix(bare))


def canonical_level2(text: str | None) -> str:
    bare = _bare(text)
    if not bare:
        return ""
    if bare.startswith(("产出数量", "产出质量", "产出时效", "产出成本")):
        bare = bare[2:]
    name = _with_suffix(bare)
    return _LEVEL2_ALIASES.get(name, name)


def squeeze(text: str | None) -> str:
    """Folded text without spaces and punctuation: for comparing indicator names."""
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] in "LN")
