"""One brief per project type (written for these tests, not taken from the evaluation sets):
the type is recognised, and the draft carries the rows a reviewer expects for THIS project —
the brief's own figures with their units and months, the type's usual rows, a satisfaction row
of the people the project serves — with no checker error or warning."""

from __future__ import annotations

import pytest

from assistant.checks import lint_table
from assistant.drafting import Brief, draft_brief
from assistant.drafting.describe import brief_from_text

# (type, brief fields or free text, [(二级, words in the name, value or None)], words that must not appear)
CASES = [
    ("training", "县妇联今年办3期家政服务技能培训班，每期40人，共120人次，考核合格率不低于80%，7月底前办完，预算9万元",
     [("数量指标", "期数", "≥3期"), ("数量指标", "人次", "≥120人次"), ("质量指标", "合格率", "≥80%"),
      ("时效指标", "", "2026年7月底前"), ("成本指标", "人均", "≤750元/人次"), ("服务对象满意度指标", "满意度", None)],
     ["企业满意度", "义务教育"]),
    ("construction", dict(name="2026年城南小学运动场改造工程", budget=1_200_000,
                          usage="改造塑胶跑道3200平方米、人造草坪足球场1片，更换围网400米，8月底前完工，工程验收合格率100%"),
     [("数量指标", "塑胶跑道", "≥3200平方米"), ("数量指标", "围网", "≥400米"), ("质量指标", "验收合格率", "=100%"),
      ("时效指标", "完工", "2026年8月底前"), ("成本指标", "总成本", "≤120万元")],
     ["疫苗", "培训人次"]),
    ("procurement", dict(name="2026年乡镇卫生院医疗设备购置项目", budget=860_000,
                         usage="为8个乡镇卫生院购置全自动生化分析仪4台、彩色多普勒超声诊断仪2台，9月底前完成采购并安装调试"),
     [("数量指标", "生化分析仪", "≥4台"), ("数量指标", "超声诊断仪", "≥2台"), ("数量指标", "卫生院", "≥8个"),
      ("时效指标", "", "2026年9月底前"), ("成本指标", "总成本", "≤86万元")],
     ["旅游", "学生"]),
    ("subsidy_people", dict(name="2026年80周岁以上老年人高龄津贴", budget=1_080_000,
                            usage="为全县1500名80周岁以上老年人发放高龄津贴，每人每月60元，按月发放，发放准确率100%"),
     [("数量指标", "1500", None), ("成本指标", "津贴标准", "=60元/人·月"), ("质量指标", "准确率", "=100%"),
      ("服务对象满意度指标", "老", None)],
     ["企业", "游客"]),
    ("enterprise_fund", dict(name="2026年专精特新中小企业奖励资金", budget=1_500_000,
                             usage="对新认定的国家级专精特新小巨人企业每家奖励50万元，省级专精特新中小企业每家奖励10万元，计划奖励国家级1家、省级10家，10月底前兑现"),
     [("数量指标", "", "≥1家"), ("数量指标", "", "≥10家"), ("时效指标", "", "2026年10月底前"),
      ("服务对象满意度指标", "企业", None)],
     ["农户", "学生"]),
    ("it_system", dict(name="2026年智慧城管平台运维服务", budget=420_000,
                       usage="对智慧城管平台软硬件提供全年运维，系统可用率不低于99%，故障4小时内响应，每季度巡检1次"),
     [("质量指标", "可用率", "≥99%"), ("时效指标", "响应", "≤4小时"), ("数量指标", "巡检", "≥4次")],
     ["旅游", "农户"]),
    ("publicity", dict(name="2026年安全生产月宣传活动经费", budget=80_000,
                       usage="6月安全生产月期间开展集中宣传咨询活动12场，发放宣传手册5000册，悬挂横幅200条"),
     [("数量指标", "活动", "≥12场"), ("数量指标", "宣传手册", "≥5000册"), ("数量指标", "横幅", "≥200条")],
     ["疫苗", "学生"]),
    ("planning_study", dict(name="2026年县域商业体系建设规划编制", budget=300_000,
                            usage="委托第三方机构编制县域商业体系建设规划1部，开展商户问卷调查不少于500份，11月底前通过专家评审"),
     [("数量指标", "规划", "≥1部"), ("数量指标", "问卷", "≥500份"), ("质量指标", "专家评审", "通过专家评审"),
      ("时效指标", "", "2026年11月底前")],
     ["接种", "游客"]),
    ("office_operation", dict(name="2026年机关办公楼物业管理费", budget=360_000,
                              usage="机关办公楼物业保洁、保安和设备维护，建筑面积6000平方米"),
     [("数量指标", "面积", "≥6000平方米"), ("成本指标", "总成本", None), ("服务对象满意度指标", "满意度", None)],
     ["农户", "患者"]),
    ("public_health", dict(name="2026年适龄妇女两癌免费筛查项目", budget=950_000,
                           usage="为全县35-64岁农村适龄妇女开展宫颈癌和乳腺癌免费筛查，计划筛查5000人，筛查任务完成率不低于95%，11月底前完成"),
     [("数量指标", "筛查", "≥5000人"), ("质量指标", "完成率", "≥95%"), ("时效指标", "", "2026年11月底前")],
     ["企业", "游客"]),
    ("agriculture", dict(name="2026年小麦一喷三防统防统治补助", budget=600_000,
                         usage="对全县小麦实施一喷三防统防统治，作业面积6万亩，每亩补助10元，5月底前完成作业"),
     [("数量指标", "面积", "≥6万亩"), ("成本指标", "亩均", "=10元/亩"), ("时效指标", "", "2026年5月底前")],
     ["学生", "游客"]),
    ("culture_sports", dict(name="2026年农村公益电影放映", budget=216_000,
                            usage="全县360个行政村每村每月放映1场公益电影，全年放映4320场，每场补助50元"),
     [("数量指标", "放映", "≥4320场"), ("成本指标", "每场", "=50元/场"), ("服务对象满意度指标", "满意度", None)],
     ["企业", "患者"]),
    ("environment", dict(name="2026年城区生活垃圾清运处置服务", budget=2_400_000,
                         usage="城区生活垃圾日产日清，全年清运处置生活垃圾3.6万吨，无害化处理率100%，垃圾清运车辆20辆"),
     [("数量指标", "吨", "≥3.6万吨"), (("质量指标", "生态效益指标"), "无害化处理率", "=100%"), ("质量指标", "日产日清", "日产日清")],
     ["学生", "培训人次"]),
    ("emergency_reserve", dict(name="2026年县级储备粮轮换费用", budget=450_000,
                               usage="轮换县级储备小麦1500吨，轮换费用每吨300元，10月底前完成轮换入库"),
     [("数量指标", "1500", "≥1500吨"), ("成本指标", "每吨", "=300元/吨"), ("时效指标", "", "2026年10月底前")],
     ["学生", "游客"]),
    ("fair_event", dict(name="2026年农民丰收节系列活动", budget=350_000,
                        usage="9月下旬举办农民丰收节，组织农产品展销展位100个，农民趣味运动会1场，吸引群众2万人次"),
     [("数量指标", "展位", "≥100个"), ("社会效益指标", "", "≥2万人次"), ("时效指标", "", "2026年9月下旬")],
     ["患者", "学生"]),
    ("social_insurance", dict(name="2026年城乡居民医疗保险困难群体参保资助", budget=1_716_000,
                              usage="对特困人员、低保对象等困难群体参加城乡居民医疗保险的个人缴费给予资助，资助4400人，每人每年390元，参保率100%"),
     [("数量指标", "4400", "≥4400人"), ("成本指标", "标准", "=390元/人·年"), (("质量指标", "数量指标"), "参保率", "=100%")],
     ["企业", "游客"]),
    ("petition_stability", dict(name="2026年信访积案化解专项经费", budget=200_000, usage="用于化解信访积案、开展矛盾纠纷排查调处"),
     [("时效指标", "", None), ("成本指标", "总成本", "≤20万元"), ("服务对象满意度指标", "满意度", None)],
     ["企业满意度", "游客"]),
    ("enforcement", dict(name="2026年农产品质量安全监督抽检", budget=180_000,
                         usage="全年抽检蔬菜、水果等农产品样品600批次，抽检合格率不低于98%，不合格产品依法处置率100%"),
     [("数量指标", "抽检", "≥600批次"), ("质量指标", "处置率", "=100%")],
     ["学生", "游客"]),
    ("survey_statistics", dict(name="2026年人口变动情况抽样调查经费", budget=120_000,
                               usage="在全县30个调查小区开展人口变动情况抽样调查，入户调查2400户，11月15日前完成数据上报，数据差错率不超过0.5%"),
     [("数量指标", "入户", "≥2400户"), ("质量指标", "差错率", "≤0.5%"), ("时效指标", "", None)],
     ["企业满意度", "游客"]),
    ("purchased_service", dict(name="2026年政府购买法律顾问服务", budget=150_000,
                               usage="购买律师事务所法律顾问服务，为县政府及部门审查合同不少于200份，出具法律意见书不少于50份，5个工作日内回复"),
     [("数量指标", "合同", "≥200份"), ("数量指标", "法律意见书", "≥50份"), ("时效指标", "", "≤5个工作日")],
     ["农户", "患者"]),
    ("talent", dict(name="2026年大学生见习补贴", budget=432_000,
                    usage="组织离校未就业高校毕业生到见习基地见习，见习人数120人，每人每月见习补贴1800元，见习期2个月"),
     [("数量指标", "120", "≥120人"), ("成本指标", "补贴标准", "=1800元/人·月")],
     ["企业满意度", "游客"]),
    ("education", dict(name="2026年农村义务教育学生营养改善计划", budget=4_320_000,
                       usage="为全县农村义务教育阶段学生提供营养膳食补助，受益学生9000人，每生每天补助5元，全年在校200天，补助资金足额发放"),
     [("数量指标", "9000", "≥9000人"), ("服务对象满意度指标", "家长", None)],
     ["企业", "游客"]),
]


def _brief(spec) -> Brief:
    if isinstance(spec, str):
        return brief_from_text(spec)
    return Brief(year=2026, **spec)


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def case(request):
    kind, spec, expected, forbidden = request.param
    brief = _brief(spec)
    return kind, brief, draft_brief(brief, None, use_llm=False), expected, forbidden


def test_the_type_is_recognised(case):
    kind, _brief_, result, _e, _f = case
    assert result.project_type["primary"] == kind or result.project_type["secondary"] == kind, result.project_type


def test_the_expected_rows_are_there(case):
    _k, _b, result, expected, _f = case
    rows = result.table.indicators
    for level2, words, value in expected:
        allowed = level2 if isinstance(level2, tuple) else (level2,)
        found = [r for r in rows if r.level2 in allowed and words in r.level3 + r.value and (value is None or r.value == value)]
        assert found, (level2, words, value, [(r.level2, r.level3, r.value) for r in rows])


def test_nothing_of_another_project_and_nothing_flagged(case):
    _k, brief, result, _e, forbidden = case
    table = result.table
    for row in table.indicators:
        assert not any(word in row.level3 for word in forbidden), row.level3
    flagged = [f"{f.rule}: {f.message}" for f in lint_table(table) if f.severity in ("error", "warning")]
    assert flagged == []
    assert table.year == 2026 and all("2026" in r.value or not any(y in r.value for y in ("2024", "2025", "2027"))
                                      for r in table.indicators)
