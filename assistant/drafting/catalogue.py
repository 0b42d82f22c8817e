"""Built-in catalogue of common indicators, used when no similar project covers a category.

Templates are filled with the brief: {year}, {budget_cap} (the budget as 万元 or 元), {subject}
(who benefits: 企业 / 参训人员 / 服务对象 …). Every entry is quantified or graded, so a
catalogue row always passes the checker.
"""

from __future__ import annotations

from dataclasses import dataclass

CATALOGUE_SOURCE = "内置指标库"


@dataclass(frozen=True)
class CatalogueEntry:
    level2: str
    level3: str
    description: str
    value: str
    basis: str
    keywords: tuple[str, ...] = ()  # preferred when the brief mentions one of these


# Keyed by 二级指标; the 一级 comes from the profile.
CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("数量指标", "项目任务完成率", "按计划完成的项目任务数占计划任务数的比例", "=100%", "计划标准：{year}年度工作计划"),
    CatalogueEntry("质量指标", "资金使用合规率", "合规使用的资金占已支出资金的比例", "=100%", "行业标准：《中华人民共和国预算法》及财政资金管理办法"),
    CatalogueEntry("质量指标", "项目验收合格率", "验收合格的任务数占已完成任务数的比例", "≥95%", "行业标准：项目验收办法", ("建设", "工程", "采购", "设备", "改造")),
    CatalogueEntry("质量指标", "培训合格率", "考核合格的参训人数占参训总人数的比例", "≥95%", "历史标准：往年培训考核结果", ("培训", "学员")),
    CatalogueEntry("时效指标", "资金支出及时率", "按资金支出计划及时支出的资金占计划支出资金的比例", "≥95%", "计划标准：资金支出计划（3月底25%、6月底50%、10月底75%、12月底100%）"),
    CatalogueEntry("时效指标", "项目完成时限", "全部任务完成的时间", "{year}年12月底前", "计划标准：{year}年度工作计划"),
    CatalogueEntry("成本指标", "项目总成本", "项目实际支出总额，不超过批复预算", "≤{budget_cap}", "预算支出标准：不得超出批复预算{budget_cap}"),
    CatalogueEntry("经济成本指标", "项目总成本", "项目实际支出总额，不超过批复预算", "≤{budget_cap}", "预算支出标准：不得超出批复预算{budget_cap}"),
    CatalogueEntry("社会成本指标", "群众投诉件数", "因项目实施引发的有效投诉件数", "≤3件", "历史标准：往年同类项目投诉情况"),
    CatalogueEntry("生态环境成本指标", "环境污染事件数", "项目实施引发的环境污染事件数", "=0起", "行业标准：生态环境保护相关规定"),
    CatalogueEntry("社会效益指标", "政策知晓率", "受访对象中知晓相关政策的比例", "≥90%", "历史标准：往年问卷调查结果"),
    CatalogueEntry("社会效益指标", "受益对象覆盖率", "实际受益对象占应受益对象的比例", "≥95%", "计划标准：{year}年度工作计划", ("补助", "补贴", "救助", "保障")),
    CatalogueEntry("生态效益指标", "环境污染事件数", "项目实施引发的环境污染事件数", "=0起", "行业标准：生态环境保护相关规定", ("环保", "环境", "生态", "污染", "绿化")),
    CatalogueEntry("可持续影响指标", "长效管理机制建立情况", "项目形成的制度、台账等长效管理机制", "建立并持续运行", "计划标准：{year}年度工作计划"),
    CatalogueEntry("服务对象满意度指标", "{subject}满意度", "通过问卷调查，满意和较满意的对象占所有调查对象的比例", "≥95%", "历史标准：往年满意度调查结果"),
)

# Who the beneficiaries are, from words in the brief (first match wins).
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("培训", "参训人员"),
    ("企业", "企业"),
    ("学生", "学生及家长"),
    ("学校", "师生"),
    ("患者", "患者"),
    ("农户", "农户"),
    ("残疾", "残疾人"),
    ("群众", "群众"),
)
DEFAULT_SUBJECT = "服务对象"


def subject_for(text: str) -> str:
    return next((subject for word, subject in SUBJECTS if word in text), DEFAULT_SUBJECT)


def entries_for(level2: str, text: str) -> list[CatalogueEntry]:
    """Catalogue entries of one 二级 category, those whose keywords the brief mentions first."""
    rows = [e for e in CATALOGUE if e.level2 == level2 and (not e.keywords or any(k in text for k in e.keywords))]
    return sorted(rows, key=lambda e: not e.keywords)
