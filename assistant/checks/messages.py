"""Every piece of user-facing Chinese text of the checker, in one place.

MESSAGES / SUGGESTIONS are keyed by rule id, or "rule-id:variant" where a rule words a case
differently. Templates use str.format fields filled by the rules: {loc} is the row as
「一级/二级/三级」 (original text), {value} the value as written (quoted by the template).
Suggestions carry no final 。 (they are shown after “建议：”).
RULE_DOCS feeds docs/rules.md (see assistant/checks/catalogue.py).
"""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "description": "指标解释",
    "value": "指标值",
    "basis": "指标值确定依据",
    "goal": "绩效目标",
    "budget": "预算数",
    "spending_plan": "资金支出计划",
    "project_name": "项目名称",
    "indicators": "绩效指标",
    "file": "文件",
}

PROFILE_TITLES = {
    "hebei-2025": "河北2025版框架（成本指标属产出指标）",
    "mof-2021": "财政部2021版框架（成本指标单列为一级指标）",
}

UNNAMED = "（未命名）"
EMPTY_CELL = "空"
SHORTENED = "{head}……（共{length}字）"
SHORTENED_TAIL = "……{tail}（共{length}字）"
SAMPLE_JOIN = "{name}：{value}"
LIST_SEPARATOR = "、"
ANY_OF = "{names}中的至少一项"
PARTIAL_NOTE = "（原文不完整，可能因截取而缺项，仅供参考）"
POLARITY_LABELS = {1: "正向（越高越好）", -1: "反向（越低越好）"}
INPUT_KINDS = {"money": "资金金额", "staff": "人员数量"}
UNKNOWN_PROFILE = "未知的指标框架“{profile}”，可选：{known}"
DRAFT_ERROR = "{message}（建议：{suggestion}）"
MONEY_PLACEHOLDER = "X万元"
AMOUNT_IN_WAN = "{amount:g}万元"
CURRENCY_BEFORE_PER = "元/"  # "≤28.40/株" -> "≤28.40元/株"
# Sample target values in suggestions, by what the row measures.
SAMPLE_VALUES = {"rate": "≥95%", "cost": "≤X万元", "count": "≥X{unit}"}
# A binding target to replace a vacuous bound, by the row's direction.
BETTER_BOUNDS = {
    "negative_percent": "≤0%",
    "negative": "≤X{unit}",
    "cost": "≤X万元",
    "percent": "≥95%",
    "positive": "≥X{unit}",
}
COUNT_UNIT_DEFAULT = "个"

# Sample (三级指标名, 指标值) per canonical 二级指标, used to make suggestions concrete.
CATEGORY_SAMPLES: dict[str, tuple[str, str]] = {
    "数量指标": ("完成培训人次", "≥X人次"),
    "质量指标": ("验收合格率", "≥95%"),
    "时效指标": ("完成时间", "12月底前完成"),
    "成本指标": ("项目总成本", "≤预算数X万元"),
    "经济成本指标": ("项目总成本", "≤预算数X万元"),
    "社会成本指标": ("对周边群众生活的负面影响", "无（相关投诉≤X起）"),
    "生态环境成本指标": ("施工期扬尘超标次数", "≤X次"),
    "经济效益指标": ("带动企业新增产值", "≥X万元"),
    "社会效益指标": ("受益群众人数", "≥X人"),
    "生态效益指标": ("污染物减排量", "≥X吨"),
    "可持续影响指标": ("设施持续使用年限", "≥X年"),
    "服务对象满意度指标": ("服务对象满意度", "≥90%"),
}
GENERIC_SAMPLE = ("完成数量", "≥X个")

MESSAGES: dict[str, str] = {
    "file.unreadable": "无法读取文件：{error}。",
    "structure.no-indicators": "本表没有任何绩效指标。",
    "structure.missing-level1": "缺少一级指标“{category}”（{profile}要求）。",
    "structure.missing-level2": "一级指标“{level1}”下缺少二级指标：{category}。",
    "structure.wrong-parent": "二级指标“{level2}”不应放在一级指标“{level1}”下，{profile}中它属于“{home}”。",
    "structure.unknown-category": "{what}“{name}”不是{profile}中的指标类别。",
    "structure.alias": "{what}“{name}”是“{canonical}”的别称，已按“{canonical}”识别。",
    "structure.empty-category": "「{loc}」没有填写{what}。",
    "row.empty-name": "「{loc}」没有三级指标名称。",
    "row.empty-name:placeholder": "「{loc}」的三级指标名称“{name}”只是占位，没有写明考核内容。",
    "row.empty-value": "「{loc}」没有填写指标值。",
    "row.copies-level2": "「{loc}」的三级指标名称“{name}”照抄了二级指标名称，没有说明考核什么。",
    "row.template-hint": "「{loc}」的名称中留有填表模板提示“{hint}”。",
    "row.description-copies-name": "「{loc}」的指标解释与名称相同（“{name}”），没有说明口径。",
    "row.boilerplate": "「{loc}」的{field_label}“{text}”是套话，没有实际内容。",
    "row.boilerplate:repeat": "「{loc}」的{field_label}“{text}”只是重复了指标名称，没有给出依据。",
    "row.basis-missing": "「{loc}」没有填写指标值确定依据。",
    "value.deferred": "「{loc}」的指标值“{value}”把目标推给了其他文件，本表无法据此考核。",
    "value.placeholder": "「{loc}」的指标值“{value}”仍是占位符“{token}”，没有填写实际目标。",
    "value.too-long": "「{loc}」的指标值过长（{length}字）：“{value}”。",
    "value.truncated": "「{loc}」的指标值“{value}”在句中断开，疑似被截断。",
    "value.vague": "「{loc}」的指标值“{value}”是模糊表述，没有可考核的标准。",
    "value.rate-not-percent": "「{loc}」是比率类指标，但指标值“{value}”不是百分比。",
    "value.rate-unit": "「{loc}」是比率类指标，但指标值“{value}”的单位是“{unit}”。",
    "value.money-for-rate": "「{loc}」是比率类指标，指标值却是金额“{value}”。",
    "value.percent-for-count": "「{loc}」是数量类指标，指标值却是百分比“{value}”。",
    "value.percent-over-100": "「{loc}」的比率“{value}”超过了100%。",
    "value.vacuous-bound": "「{loc}」的指标值“{value}”是空泛的界限，任何结果都能满足，起不到约束作用。",
    "value.wrong-direction": "「{loc}」是{polarity}指标，指标值“{value}”的方向反了，应为“{expected}”。",
    "value.nonstandard-unit": "「{loc}」的指标值“{value}”写法不规范，规范写法为“{fixed}”。",
    "value.missing-unit": "「{loc}」的指标值“{value}”只有数字，没有计量单位。",
    "value.timeliness": "「{loc}」是时效指标，但指标值“{value}”既没有完成时限，也没有比率。",
    "value.input-as-output": "「{loc}」把投入（{what}）当作产出数量：“{value}”。",
    "cost.no-money": "「{loc}」是成本指标，但指标值“{value}”没有金额，无法与预算对照。",
    "cost.no-upper-bound": "「{loc}」的成本“{value}”没有写上限（≤），看不出与预算的关系。",
    "cost.over-budget": "「{loc}」的成本“{value}”（折合{amount}元）超过了本表预算数{total}元。",
    "cost.zero-placeholder": "「{loc}」的成本值“{value}”为零，是未填写的占位值。",
    "table.project-name-empty": "项目名称为空。",
    "table.budget-missing": "没有填写预算数，无法核对资金来源和成本指标。",
    "table.budget-sum": "预算数{total}元 ≠ 财政资金{fiscal}元 + 其他资金{other}元（相差{diff}元）。",
    "table.budget-sum:fiscal-over": "财政资金{fiscal}元超过了预算数{total}元。",
    "table.plan-decreasing": "资金支出计划应逐期累计，但“{label}”为{percent}%，低于前一期“{prev_label}”的{prev}%。",
    "table.plan-end": "资金支出计划最后一期“{label}”为{percent}，应为100%。",
    "table.goal-empty": "绩效目标为空。",
    "table.goal-vague": "绩效目标“{goal}”没有可衡量的内容（数量、比率或金额）。",
    "table.goal-number-missing": "绩效目标中的“{fragment}”没有对应的绩效指标。",
    "table.duplicate-row": "「{loc}」与第{first}行「{first_loc}」重复。",
    "table.basis-absent": "本表所有指标都没有填写指标值确定依据。",
    "fit.off-topic": "「{loc}」讲的是“{word}”（{topic}），本项目的名称、资金用途和绩效目标都没有提到，像是照搬了其他项目的指标。",
    "fit.beneficiary": "「{loc}」调查的是“{word}”（{group}）的满意度，本项目的名称、资金用途和绩效目标中没有这一服务对象。",
    "fit.other-year": "「{loc}」写的是{found}年，本项目是{year}年度的项目。",
    "fit.money-as-output": "「{loc}」衡量的是资金到位或拨付，不是项目的产出（投入不是产出）。",
    "fit.budget-ratio": "「{loc}」是预算执行类比率，不是项目带来的效益。",
}

_BASIS_SAMPLES = "“计划标准：2025年度工作计划”“历史标准：前三年平均值96%”“预算支出标准：不超过批复预算”"

SUGGESTIONS: dict[str, str] = {
    "file.unreadable": "请确认文件类型（.txt .docx .xlsx .json）、编码与内容后重试",
    "structure.no-indicators": "请按{profile}填写产出、效益、满意度等指标",
    "structure.missing-level1": "请增加一级指标“{category}”，并在其下填写{children}",
    "structure.missing-level2": "请在“{level1}”下增加指标，如“{sample}”",
    "structure.wrong-parent": "请把该行移到“{home}”下",
    "structure.unknown-category": "请改用规范名称：{allowed}",
    "structure.alias": "请改为“{fixed}”（可用 --fix 自动修正）",
    "structure.empty-category": "请填写该行所属的一级指标和二级指标",
    "row.empty-name": "请写明考核内容，如“{sample_name}”",
    "row.empty-name:placeholder": "请写明考核内容，如“{sample_name}”",
    "row.empty-value": "请填写可考核的指标值，如“{sample}”",
    "row.copies-level2": "请写出具体考核内容，如“{sample_name}”",
    "row.template-hint": "请删去名称中的“{hint}”，把目标值写在指标值栏",
    "row.description-copies-name": "请写明含义和计算方法，如“{name}=实际完成数÷计划数×100%”",
    "row.description-copies-name:plain": "请写明该指标考核什么、如何计量",
    "row.boilerplate": "请写明依据类型和具体来源，如" + _BASIS_SAMPLES,
    "row.boilerplate:description": "请写明该指标考核什么、如何计量",
    "row.boilerplate:repeat": "请写明依据类型和具体来源，如" + _BASIS_SAMPLES,
    "row.basis-missing": "请填写依据，如" + _BASIS_SAMPLES,
    "value.deferred": "请写出文件中的具体数值，如“{sample}”；文件尚未下达时按计划数填写并在依据栏注明",
    "value.placeholder": "请把占位符换成具体数值，如“{sample}”",
    "value.too-long": "指标值只写目标值（符号+数值+单位），说明文字请移到指标解释或依据栏",
    "value.truncated": "请补全该指标值，并精简为可考核的目标值",
    "value.vague": "请改为可考核的量化值，如“{sample}”，或分级表述“达成年度指标”",
    "value.rate-not-percent": "请写成百分比，如“{name}≥95%”",
    "value.rate-unit": "请改用百分比（如“{name}≥95%”），或把名称改为与单位一致的指标",
    "value.money-for-rate": "请写成百分比，如“{name}=100%”；金额属于成本指标，可写“项目成本≤{value}”",
    "value.percent-for-count": "请写成具体数量，如“{name}≥X{unit}”；比率请改用“…率”类名称",
    "value.percent-over-100": "比率不能超过100%，请核实口径，如“{name}≥95%”",
    "value.vacuous-bound": "请写出有约束力的目标值，如“{name}{better}”",
    "value.wrong-direction": "请改为“{name}{expected}{number}”",
    "value.nonstandard-unit": "请改为“{fixed}”（可用 --fix 自动修正）",
    "value.missing-unit": "请补上计量单位，如“{fixed}”",
    "value.missing-unit:plain": "请补上计量单位（如 %、人、个、万元）",
    "value.timeliness": "请写明时限或比率，如“12月底前完成”“≤7个工作日”或“按时完成率≥95%”",
    "value.input-as-output": "数量指标应写项目完成的工作量或服务量，如“完成培训≥X人次”；资金金额请放在成本指标",
    "cost.no-money": "请写成金额上限，如“项目总成本≤{amount}”（不超过预算数）",
    "cost.no-upper-bound": "成本指标应写上限，如“{name}≤{amount}”",
    "cost.over-budget": "请核对单位（元/万元）与金额，成本不应超过预算数{total}元",
    "cost.zero-placeholder": "请填写实际的成本上限或负面影响控制目标；确无此类成本时写“无”并在依据栏说明",
    "table.project-name-empty": "请填写项目名称",
    "table.budget-missing": "请填写预算数（元），以及其中的财政资金和其他资金",
    "table.budget-sum": "请核对三项金额，使预算数 = 财政资金 + 其他资金",
    "table.budget-sum:fiscal-over": "请核对三项金额，使预算数 = 财政资金 + 其他资金",
    "table.plan-decreasing": "支出计划是累计进度，后一期不应低于前一期（如25%、50%、75%、100%）",
    "table.plan-end": "请把最后一期（通常为12月底）填为100%",
    "table.goal-empty": "请按“1.……；2.……”写出本年度要完成的具体、可衡量的目标，如“完成……≥X人次，验收合格率≥95%”",
    "table.goal-vague": "请在目标中写出主要的数量、质量和时限，如“年内支持X家企业，验收合格率≥95%，12月底前完成”",
    "table.goal-number-missing": "请增加相应指标，如“{name}≥{number}”",
    "table.duplicate-row": "请删除重复行，或改写为不同的考核内容",
    "table.basis-absent": "请为每条指标填写依据，如" + _BASIS_SAMPLES,
    "fit.off-topic": "删除该行，或改为本项目自己的产出、效益指标（名称中写本项目的对象和内容）",
    "fit.beneficiary": "满意度应调查本项目的服务对象，如“参训人员满意度”“补助对象满意度”",
    "fit.other-year": "改为{year}年的时间或数值",
    "fit.money-as-output": "数量、质量指标应写项目完成了什么，如“培训人次”“验收合格率”；资金支付进度可写在时效指标“资金支付及时率”",
    "fit.budget-ratio": "效益指标应写项目带来的经济、社会、生态或可持续影响，如“带动就业人数”“受益群众覆盖率”",
}

# The rule catalogue (docs/rules.md): title, what it checks, why (with the source), bad → good.
RULE_DOCS: dict[str, dict[str, str]] = {
    "file.unreadable": {
        "title": "文件无法读取",
        "checks": "文件不存在、为空、编码无法识别、格式损坏或不含绩效目标表。",
        "why": "无法读取的文件会被当作一条错误报告，而不是中断检查（issue 3“Bad input”）。",
        "bad": "损坏的 .docx、GBK/UTF-8 以外的编码", "good": "可正常打开的 .txt/.docx/.xlsx/.json",
    },
    "structure.no-indicators": {
        "title": "没有指标",
        "checks": "项目表中一条绩效指标也没有。",
        "why": "绩效目标须细化为绩效指标（财预〔2015〕88号；domain.md §1）。",
        "bad": "只有预算和目标文字的表", "good": "按产出、效益、满意度填写指标",
    },
    "structure.missing-level1": {
        "title": "缺少一级指标",
        "checks": "所选框架要求的一级指标（产出/效益/满意度，mof-2021 另有成本指标）是否齐全。",
        "why": "指标框架见 domain.md §2；缺项是退回的常见原因（domain.md §4“missing category”）。原文不完整的公开表降为警告。",
        "bad": "没有“满意度指标”", "good": "满意度指标 / 服务对象满意度指标 / 服务对象满意度 ≥90%",
    },
    "structure.missing-level2": {
        "title": "缺少二级指标",
        "checks": "必填二级指标：产出下的数量、质量、时效（hebei-2025 还有成本）；效益下至少一项；满意度下的服务对象满意度；mof-2021 成本下的经济成本。",
        "why": "domain.md §2（加粗者为必填）；财预〔2021〕101号把成本指标单列。原文不完整的公开表降为警告。",
        "bad": "产出指标下没有时效指标", "good": "产出指标 / 时效指标 / 完成时间 12月底前完成",
    },
    "structure.wrong-parent": {
        "title": "二级指标放错一级",
        "checks": "已识别的二级指标是否挂在框架规定的一级指标下。",
        "why": "domain.md §2：如满意度指标不属于效益指标；mof-2021 中成本指标不在产出指标下。",
        "bad": "效益指标 / 社会公众或服务对象满意度指标", "good": "满意度指标 / 服务对象满意度指标",
    },
    "structure.unknown-category": {
        "title": "不规范的指标类别",
        "checks": "一级、二级指标名称在所选框架中无法识别（别称已自动识别的除外）。",
        "why": "统一的类别名称才能在预算管理一体化系统中录入和汇总（domain.md §2、§5）。",
        "bad": "实施效果指标", "good": "产出指标 / 效益指标",
    },
    "structure.alias": {
        "title": "类别别称",
        "checks": "一级、二级指标使用了别称（如 进度指标、环境效益指标、项目完成指标）。",
        "why": "domain.md §2 列出的别称按规范名称识别并提示；--fix 可自动改为规范名称。",
        "bad": "进度指标", "good": "时效指标",
    },
    "structure.empty-category": {
        "title": "未填类别",
        "checks": "某行的一级或二级指标为空。",
        "why": "每条指标须归入三级框架（domain.md §2）。",
        "bad": "一级指标为空", "good": "产出指标 / 数量指标 / …",
    },
    "row.empty-name": {
        "title": "三级指标名称为空",
        "checks": "三级指标名称为空或只是占位（“0”“(无三级名称)”）。",
        "why": "没有名称就不知道考核什么（domain.md §1、§4）。",
        "bad": "（空） ≥95%", "good": "培训合格率 ≥95%",
    },
    "row.empty-value": {
        "title": "指标值为空",
        "checks": "指标值为空或只有“-”“/”。",
        "why": "目标须细化量化（财预〔2015〕88号；domain.md §3）。",
        "bad": "培训人次：（空）", "good": "培训人次 ≥300人次",
    },
    "row.copies-level2": {
        "title": "三级名称照抄二级",
        "checks": "三级指标名称与二级指标名称相同（如“生态效益指标”“服务对象满意度指标”）。",
        "why": "domain.md §4“三级 name copies the 二级 name”。",
        "bad": "生态效益指标 / 生态效益指标 / 提高", "good": "生态效益指标 / 污染物减排量 / ≥X吨",
    },
    "row.template-hint": {
        "title": "名称中残留模板提示",
        "checks": "三级指标名称中留有“(≥**%)”“≥**人”之类的填表提示。",
        "why": "模板提示不是指标内容；目标值应写在指标值栏（domain.md §4 placeholder）。",
        "bad": "种植作物成活率(≥**%)", "good": "种植作物成活率",
    },
    "row.description-copies-name": {
        "title": "指标解释照抄名称",
        "checks": "指标解释与三级指标名称相同。",
        "why": "domain.md §4“description = name”；一体化系统要求填写指标解释（domain.md §5）。",
        "bad": "验收合格率 / 验收合格率", "good": "验收合格率 / 验收合格项目数÷验收项目总数×100%",
    },
    "row.boilerplate": {
        "title": "套话依据或解释",
        "checks": "指标值确定依据或指标解释是“该指标值数据合理”之类的套话，或只重复指标名称。",
        "why": "依据须为计划标准、历史标准、行业标准、预算支出标准等并写明出处（domain.md §3、§4“empty basis”）。",
        "bad": "该指标值数据合理", "good": "历史标准：2022—2024年平均值96%",
    },
    "row.basis-missing": {
        "title": "缺少确定依据",
        "checks": "本表其他指标填了依据而此行为空。",
        "why": "domain.md §3“Basis”；全表都未填时只给一条提示（table.basis-absent）。",
        "bad": "（空）", "good": "计划标准：2025年度工作计划",
    },
    "value.deferred": {
        "title": "指标值推给其他文件",
        "checks": "指标值为“以文件为准”“以上级文件为准”“待定”“另行下达”等。",
        "why": "domain.md §4“deferred value”：表内没有目标就无法考核。",
        "bad": "支持企业数量：以文件为准", "good": "支持企业数量 ≥5家（依据：冀财建〔2024〕269号）",
    },
    "value.placeholder": {
        "title": "指标值是占位符",
        "checks": "指标值含“**”“XX”“×××”等占位符。",
        "why": "domain.md §4“placeholder value”（≥**人、XX）。",
        "bad": "≥**人", "good": "≥120人",
    },
    "value.too-long": {
        "title": "指标值过长",
        "checks": "指标值超过40字。",
        "why": "指标值应是“符号+数值+单位”或分级表述（domain.md §3），长段文字通常是解释或依据。",
        "bad": "以工业和信息化部审核并备案的实施情况为准，主要包括……", "good": "≥5家",
    },
    "value.truncated": {
        "title": "指标值被截断",
        "checks": "指标值以顿号、逗号、运算符或未闭合括号结尾，长列举的最后一项残缺，或带“(截断)”标记。",
        "why": "domain.md §4“truncated text”。原文不完整的公开表降为警告。",
        "bad": "……人才智力服务、中小企业融通发展、地方", "good": "完整的目标值，如“≥5项服务”",
    },
    "value.vague": {
        "title": "模糊表述",
        "checks": "没有数字的指标值只是“促进、提高、提升、明显、积极作用、充足、保证、增强、有效、优化、健全、影响力扩大、按计划、达到预期、是、高”等词；分级表述（达成年度指标、合格、通过验收、好/较好/一般/差）和可核验的事实（符合××标准、建立并持续运行）不算。",
        "why": "财预〔2015〕88号：细化量化，难以量化的采用分级分档的定性表述（domain.md §3、§4）。",
        "bad": "经济发展：促进", "good": "带动企业新增产值 ≥X万元，或“达成年度指标”",
    },
    "value.rate-not-percent": {
        "title": "比率指标不是百分比",
        "checks": "名称以“率”“满意度”“比例”“占比”结尾（或标明“(%)”），指标值却是文字。",
        "why": "domain.md §4“rate name, non-% value”。",
        "bad": "工作按时完成率：按时完成", "good": "工作按时完成率 ≥95%",
    },
    "value.rate-unit": {
        "title": "比率指标用了其他单位",
        "checks": "比率类名称的指标值带人数、天数等非百分比单位。",
        "why": "名称与单位不一致，考核口径不清（domain.md §3）。",
        "bad": "检测及时率 ≤7工作日", "good": "检测及时率 ≥95%，或“检测时限 ≤7个工作日”",
    },
    "value.money-for-rate": {
        "title": "比率指标填了金额",
        "checks": "比率类名称的指标值是金额（元、万元）。",
        "why": "domain.md §4：补助资金支付率 = 2.4万元。",
        "bad": "补助资金支付率：2.4万元", "good": "补助资金支付率 =100%",
    },
    "value.percent-for-count": {
        "title": "数量指标填了百分比",
        "checks": "名称是数量（…数量、…人数、…次数，或标明“(人)”“(个)”），指标值却是百分比。",
        "why": "domain.md §4：扶持企业数量 = ≥98百分比。",
        "bad": "扶持企业数量 ≥98%", "good": "扶持企业数量 ≥20家",
    },
    "value.percent-over-100": {
        "title": "比率超过100%",
        "checks": "比率类指标（增长率除外）的目标超过100%。",
        "why": "完成率、合格率等不可能超过100%（domain.md §3“合理可行”）。",
        "bad": "验收合格率 ≥120%", "good": "验收合格率 ≥95%",
    },
    "value.vacuous-bound": {
        "title": "空泛的界限",
        "checks": "“≤100%”（百分比的上限本来就是100%）或“≥0”这类任何结果都满足的界限。",
        "why": "domain.md §4：实际成本超概（预）算比率 ≤100%；资金的使用效率 ≤100%。",
        "bad": "实际成本超概（预）算比率 ≤100%", "good": "实际成本超概（预）算比率 ≤0%",
    },
    "value.wrong-direction": {
        "title": "方向反了",
        "checks": "正向指标（完成率、合格率、稳定运行率、满意度、下降率…）用了“≤”；反向指标（投诉率、事故、群体性事件、超支率、成本…）用了“≥”。",
        "why": "domain.md §4：稳定运行率 ≤99%。“群众投诉下降率 ≥20%”“事件数量 ≤5起”是正确写法。",
        "bad": "系统稳定运行率 ≤99%", "good": "系统稳定运行率 ≥99%",
    },
    "value.nonstandard-unit": {
        "title": "不规范写法",
        "checks": "“百分比”“>=”“<=”“≧”“％”等写法。",
        "why": "domain.md §3：种子表把“≥95%”写作“≥95百分比”。--fix 可自动改写。",
        "bad": ">=95百分比", "good": "≥95%",
    },
    "value.missing-unit": {
        "title": "缺少计量单位",
        "checks": "指标值只有数字（如“100”“>=85”“28.40/株”）。",
        "why": "定量指标 = 运算符 + 数值 + 单位（domain.md §3）。",
        "bad": "种植作物成活率 >=85", "good": "种植作物成活率 ≥85%",
    },
    "value.timeliness": {
        "title": "时效指标无时限",
        "checks": "时效指标的值既没有日期、期限（工作日、天），也没有比率。",
        "why": "domain.md §3“Time”：2025年12月底前、≤7个工作日、及时率≥95%。",
        "bad": "工作安排时间：按月安排", "good": "每月10日前完成上月工作安排",
    },
    "value.input-as-output": {
        "title": "投入当作产出",
        "checks": "数量指标写的是支出安排金额或在职、退休职工人数等投入。",
        "why": "domain.md §4“input counted as output”。",
        "bad": "业务工作支出安排金额 28.8万元", "good": "完成价格认定 ≥X件",
    },
    "cost.no-money": {
        "title": "成本指标没有金额",
        "checks": "成本指标（mof-2021 为经济成本指标）的值没有金额，如“充足”“不超出预算”“100%”。",
        "why": "domain.md §3“Cost”：金额并以“≤”与预算挂钩；§4 列为常见缺陷。",
        "bad": "经费保证能力：充足", "good": "项目总成本 ≤60万元",
    },
    "cost.no-upper-bound": {
        "title": "成本没有上限",
        "checks": "成本指标写了金额但没有“≤”（或“不超过”“以内”“最高”）。",
        "why": "成本应不得超出预算支出标准（domain.md §3“Cost”）。",
        "bad": "参审案件补助 100元", "good": "参审案件补助 ≤100元/件",
    },
    "cost.over-budget": {
        "title": "成本超过预算数",
        "checks": "总额类成本（元、万元、亿元）折合成元后超过表头预算数（预算数以元计）。",
        "why": "成本不得超出预算（domain.md §3）；常见原因是把元写成了万元。",
        "bad": "预算数 60000元，项目成本 ≤60万元", "good": "项目成本 ≤6万元",
    },
    "cost.zero-placeholder": {
        "title": "成本为零",
        "checks": "成本指标的值为 0 或 0.00%。",
        "why": "domain.md §4：成本“0”“0.00%”是模板默认值，不是目标。",
        "bad": "经济成本指标 / 0 / 0.00%", "good": "经济成本指标 / 项目建设成本 / ≤65万元",
    },
    "table.project-name-empty": {
        "title": "项目名称为空",
        "checks": "项目名称为空。",
        "why": "domain.md §1：项目名称是表的身份信息。",
        "bad": "（空）", "good": "残疾人保障金",
    },
    "table.budget-missing": {
        "title": "没有预算数",
        "checks": "预算数为空。",
        "why": "domain.md §1：预算数是核对成本和资金来源的依据。",
        "bad": "预算数：（空）", "good": "预算数 24000.00元",
    },
    "table.budget-sum": {
        "title": "预算数与资金来源不符",
        "checks": "预算数 ≠ 财政资金 + 其他资金（其他资金未填时，检查财政资金是否超过预算数）。",
        "why": "domain.md §1：预算数 = 财政资金 + 其他资金。",
        "bad": "预算数 513500元，财政资金 685000元", "good": "预算数 685000元 = 财政资金 685000元 + 其他资金 0元",
    },
    "table.plan-decreasing": {
        "title": "支出计划倒退",
        "checks": "资金支出计划（累计%）后一期低于前一期。",
        "why": "domain.md §1：支出计划为累计百分比，逐期不减。",
        "bad": "3月底 50%，6月底 25%", "good": "3月底 25%，6月底 50%，10月底 75%，12月底 100%",
    },
    "table.plan-end": {
        "title": "支出计划未到100%",
        "checks": "资金支出计划最后一期不是100%。",
        "why": "domain.md §1：支出计划最终应为100%。",
        "bad": "12月底 90%", "good": "12月底 100%",
    },
    "table.goal-empty": {
        "title": "绩效目标为空",
        "checks": "绩效目标文字为空。原文不完整的公开表降为警告。",
        "why": "domain.md §1：绩效目标应具体、可衡量。",
        "bad": "（空）", "good": "1.年内支持20家企业开展技术改造，验收合格率≥95%。",
    },
    "table.goal-vague": {
        "title": "绩效目标不可衡量",
        "checks": "绩效目标中没有任何带单位的数量、比率或金额（年份和序号不算）。",
        "why": "domain.md §1：目标应具体、可衡量；财预〔2015〕88号“指向明确、细化量化”。",
        "bad": "1.实现社会公平，促进社会发展", "good": "1.为120名残疾职工足额发放保障金，发放准确率100%",
    },
    "table.goal-number-missing": {
        "title": "目标中的数字没有指标",
        "checks": "绩效目标中带单位的数字（如“新增高新技术企业15家”）在任何指标的名称、解释或指标值中都找不到。",
        "why": "domain.md §4“numbers in the goal with no indicator”；指标应与目标相应匹配（财预〔2015〕88号）。",
        "bad": "目标：新增高新技术企业15家；指标中没有15", "good": "增加指标“新增高新技术企业 ≥15家”",
    },
    "table.duplicate-row": {
        "title": "重复指标",
        "checks": "同一二级指标下出现名称相同的三级指标。",
        "why": "重复行会重复计分、口径冲突（domain.md §4 table consistency）。",
        "bad": "两行“积极评价率”", "good": "保留一行，或改为不同的考核内容",
    },
    "table.basis-absent": {
        "title": "全表没有确定依据",
        "checks": "所有指标的“指标值确定依据”都为空（很多公开表格没有这一栏）。",
        "why": "domain.md §3“Basis”；一体化系统要求填写（domain.md §5）。",
        "bad": "依据栏全空", "good": "每行注明计划标准、历史标准、行业标准或预算支出标准",
    },
    "fit.off-topic": {
        "title": "指标属于其他项目",
        "checks": "三级指标名称中的主题词（如义务教育、疫苗接种、空气质量、旅游扶贫、护工）在本项目的名称、资金用途和绩效目标中都没有出现。",
        "why": "domain.md §6 OFF-TOPIC：照搬其他项目的指标是退回的常见原因。只看名称中的主题词，语料上的误报见 bench/results/fit.md。",
        "bad": "培训项目中的“农村义务教育学校改造覆盖率”", "good": "培训项目中的“培训考核合格率 ≥90%”",
    },
    "fit.beneficiary": {
        "title": "满意度调查的不是本项目的服务对象",
        "checks": "满意度指标名称中的群体（企业、农户、学生、患者、游客、老人、退休人员……）在本项目的名称、用途和目标中都没有出现；“服务对象”“群众”等泛称不检查。",
        "why": "domain.md §6 OFF-TOPIC（另一受益群体）。",
        "bad": "退休人员医疗保险项目中的“企业满意度”", "good": "“参保退休人员满意度 ≥90%”",
    },
    "fit.other-year": {
        "title": "年份不是本项目年度",
        "checks": "三级指标名称、指标值或指标解释中写的年份与项目年度不同（“较2024年增长”这类基期除外）。",
        "why": "domain.md §6 WRONG-VALUE：旧表中的“2021.1.1-12.31”照抄到新年度。",
        "bad": "2026年项目中的“2021.1.1-12.31”", "good": "“2026年12月底前”",
    },
    "fit.money-as-output": {
        "title": "把资金到位当作产出",
        "checks": "数量、质量指标的名称是资金到位率、资金保障率、资金拨付率、预算执行率等。",
        "why": "domain.md §6 VACUOUS；省级指引：投入（资金、人员）不是产出。",
        "bad": "数量指标“资金保障率 =100%”", "good": "数量指标“培训人次 ≥200人次”",
    },
    "fit.budget-ratio": {
        "title": "把预算执行当作效益",
        "checks": "效益指标的名称是预算执行率、资金使用率、支出进度、专款专用率等。",
        "why": "domain.md §6 VACUOUS：效益应是项目带来的变化，不是花钱的进度。",
        "bad": "社会效益指标“资金使用率 ≥95%”", "good": "社会效益指标“补助对象覆盖率 =100%”",
    },
}

# docs/rules.md layout (assistant/checks/catalogue.py).
CATALOGUE = {
    "title": "# 绩效目标表检查规则目录",
    "intro": (
        "本文件由 `python -m assistant.checks.catalogue > docs/rules.md` 根据规则元数据生成，请勿手改。\n"
        "检查命令：`python -m assistant lint 文件... [--profile hebei-2025|mof-2021] [--json] [--fix]`。\n\n"
        "级别：**错误**＝审核时会被退回（模糊、推给其他文件、空缺、单位类型不对、缺必填类别、金额不符）；"
        "**警告**＝可用但薄弱或不一致；**提示**＝已自动识别或规范化的写法。"
        "来源标注“原文不完整”的公开表，因截取可能缺失的内容（缺类别、截断、目标为空等）按括号中的级别降级。"
    ),
    "profiles": "## 指标框架（profile）",
    "profile_line": "- `{name}`：{title}。必填：{required}",
    "required_group": "{level1}（{children}）",
    "required_separator": "；",
    "rules": "## 规则",
    "group": "### {title}",
    "rule": "#### `{id}` — {title}",
    "severity": "- 级别：{severity}{partial}{fixable}",
    "partial": "（原文不完整时：{severity}）",
    "fixable": "；可用 `--fix` 自动修正",
    "checks": "- 检查：{checks}",
    "why": "- 依据：{why}",
    "example": "- 示例：✗ {bad} → ✓ {good}",
}
CATALOGUE_GROUPS = {
    "file": "文件",
    "structure": "结构（一级、二级指标）",
    "row": "行的完整性",
    "value": "指标值",
    "cost": "成本指标",
    "table": "全表一致性",
    "fit": "与本项目相符",
}
