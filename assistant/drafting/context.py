"""The brief read once, for every part of the drafter: its statements, its project type(s), whom
it serves, its main verb, and the folded text the fit rules compare rows against."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.checks import DEFAULT_PROFILE
from assistant.drafting.brief import Brief
from assistant.drafting.library import ProjectType
from assistant.drafting.statements import GROUP_NOUNS, Statement, prepare, read_statements
from assistant.drafting.types import Classification, classify
from assistant.vocab import fold

# Who a project serves, as briefs say it: 面向返乡青年, 为全县…残疾人发放, 对…农户给予, 给…女生接种.
_SERVES = (
    re.compile(r"面向(?P<who>[\u4e00-\u9fff、和及]{2,20}?)(?:[,，。；;]|开展|举办|提供|实施)"),
    re.compile(r"(?:为|给|对(?!象))(?:全县|全区|全市|辖区|县内)?(?P<who>[\u4e00-\u9fff、和及]{2,24}?)(?:\d|免费|发放|提供|给予|开展|实施|减免|代缴|接种|办|购买|进行)"),
    re.compile(r"(?:^|[，,、的])(?P<who>[\u4e00-\u9fff]{2,10}?(?:对象|人员|群众|农户|企业|学员))\d"),
    re.compile(r"(?:培训|慰问|救助|资助|帮扶|补贴|补助|检查|走访)(?P<who>[\u4e00-\u9fff]{2,10}?)\d"),  # 培训农民400人次
)
# A group of people or organisations ends with one of these (食品, 全县 are not whom a project serves).
_PEOPLE_END = re.compile(
    r"(?:人|员|户|者|生|童|女|儿|企业|单位|家庭|对象|群众|居民|老人|农民|职工|主体|合作社|机构|士兵|人才|青年|妇女|干部|家长|师)$"
)
_TOO_GENERIC = ("对象", "人员", "企业")  # says nothing of whom: the next clue is tried
_WHO_CLEAN = re.compile(r"^(?:享受|符合条件的|符合|所有|全体|辖区内|已|当年|本县|县内|重点)+|(?:这些|等|们)$")
# The main act of a project, from its name (for names of counts the brief leaves bare: 接种人数).
PROJECT_VERBS = (
    "除险加固", "培训", "接种", "筛查", "体检", "代缴", "资助", "补贴", "补助", "慰问", "救助", "奖补", "奖励", "引进", "购置",
    "采购", "改造", "建设", "加固", "维修", "整治", "治理", "运维", "演出", "普查", "调查", "抽检", "快检", "检测", "检查",
    "宣传", "编纂", "编制", "储备", "服务",
)
# Generic kinds of support named in a project (the noun of a standard: 人均安家补贴标准).
SUPPORT_NOUNS = re.compile(
    r"(安家补贴|生活补贴|生活补助|护理补贴|高龄津贴|津贴|慰问金|救助金|奖补资金|奖励资金|补贴资金|补助资金|"
    r"保育教育费|保险费|代缴|资助|奖补|奖励|补贴|补助|救助)"
)


@dataclass
class DraftContext:
    """What every row builder needs to know about the brief."""

    brief: Brief
    profile: str
    statements: list[Statement]
    classification: Classification
    beneficiary: str  # whom the project serves (for satisfaction and bare counts)
    verb: str  # the project's main act (培训, 接种, 代缴 …), or ""
    support: str  # the kind of money paid (安家补贴, 补贴 …), or ""
    context: str  # folded name + use: what fit is judged against
    notes: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.brief.year

    @property
    def types(self) -> list[ProjectType]:
        return self.classification.types

    def words(self) -> str:
        return self.context


def _beneficiary(text: str, types: list[ProjectType]) -> str:
    for pattern in _SERVES:
        m = pattern.search(text)
        if m:
            who = _WHO_CLEAN.sub("", m.group("who")).strip("、和及")
            who = re.sub(r"^(?:培训|慰问|救助|服务|资助|帮扶|补贴|补助|检查|排查|巡查|督查|抽查|走访|指导|培育|扶持|奖励|表彰)(?=[\u4e00-\u9fff]{2})", "", who)
            who = re.sub(r"^.*?的", "", who) if "的" in who and len(who) > 6 else who
            if (2 <= len(who) <= 10 and _PEOPLE_END.search(who) and who not in _TOO_GENERIC
                    and not re.search(r"项目|资金|经费|工作", who)):
                return who
    for group in GROUP_NOUNS:
        if group in text and group not in _TOO_GENERIC:
            return group
    default = next((t.beneficiaries[0] for t in types if t.beneficiaries), "服务对象")
    return default


def make_context(brief: Brief) -> DraftContext:
    text = f"{brief.name}\n{brief.usage}"
    classification = classify(brief.name, brief.usage)
    types = classification.types
    prepared = prepare(brief.usage or brief.name)
    verb = next((v for v in PROJECT_VERBS if v in brief.name), "") or next((v for v in PROJECT_VERBS if v in prepared[:80]), "")
    support = SUPPORT_NOUNS.search(brief.name) or SUPPORT_NOUNS.search(prepared)
    return DraftContext(
        brief=brief,
        profile=brief.profile or DEFAULT_PROFILE,
        statements=read_statements(brief.usage or brief.name, brief.year),
        classification=classification,
        beneficiary=_beneficiary(prepared, types),
        verb=verb,
        support=support.group(1) if support else "",
        context=fold(text),
    )
