"""The indicator library: project types and their indicator templates, as YAML data files in
assistant/drafting/library/ (one file per type, plus common.yaml for the 共性 indicators).

A template says how a row is named and explained, how its value is set, on what basis, and when
it applies:

    - id: training.pass-rate
      level2: 质量指标
      name: 培训考核合格率
      explanation: 计算方法：考核合格人数÷参训人数×100%；统计口径：培训考核成绩登记表
      value: {method: rate, stated: [合格率], target: "≥90%", range: [85, 100]}
      basis: 计划标准
      basis_detail: 培训实施方案

Value methods (ValueSpec.method):
  quantity   a quantity the brief states, with one of `units` (and a subject holding a `match` word);
             without one the template is not used (unless `target` gives a customary value)
  rate       a target the brief states for a name holding one of `stated`; else the customary `target`
  deadline   a deadline the brief states (its verb in `events`, any when empty); else `default_month`
  budget     the total cost, not above the budget
  unit_cost  the budget divided by a brief quantity in `units`
  standard   a money standard the brief states (每人每年600元), per one of `units`
  customary  a customary target (`target`, usual `range`), to be confirmed by the user
  graded     a graded or checkable qualitative target (`target`: 通过竣工验收, 达到一级A标准)

Placeholders in name/explanation/target: {year}, {beneficiary} (who the project serves),
{item} (the subject of the brief quantity a template takes), {records} (the type's evidence).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.vocab import LEVEL2

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
COMMON_TYPE = "common"
BASIS_KINDS = ("计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准")
PLACEHOLDERS = ("year", "beneficiary", "item", "records")

Method = Literal["quantity", "rate", "deadline", "budget", "unit_cost", "standard", "customary", "graded"]


class ValueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Method
    units: list[str] = Field(default_factory=list)  # quantity / unit_cost / standard
    match: list[str] = Field(default_factory=list)  # quantity: words of the quantity's subject (any)
    operator: Literal["≥", "≤", "=", ">", "<"] = "≥"  # quantity
    stated: list[str] = Field(default_factory=list)  # rate: words of a brief target's name (any)
    events: list[str] = Field(default_factory=list)  # deadline: verbs of a brief deadline (any)
    default_month: int | None = None  # deadline: month when the brief states none
    target: str | None = None  # rate / customary / graded (and quantity's fallback)
    range: tuple[float, float] | None = None  # the usual range of a customary number

    @model_validator(mode="after")
    def _complete(self) -> "ValueSpec":
        needs = {
            "quantity": self.units, "unit_cost": self.units, "standard": self.units,
            "rate": self.target, "customary": self.target, "graded": self.target,
        }
        if self.method in needs and not needs[self.method]:
            raise ValueError(f"method {self.method} needs {'units' if self.method in ('quantity', 'unit_cost', 'standard') else 'target'}")
        if self.default_month is not None and not 1 <= self.default_month <= 12:
            raise ValueError("default_month must be 1..12")
        if self.range and self.range[0] > self.range[1]:
            raise ValueError("range must be (low, high)")
        return self


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    level2: str
    name: str
    explanation: str
    value: ValueSpec
    basis: Literal["计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准"]
    basis_detail: str = ""  # the plan or norm: 项目实施方案 / 《城镇污水处理厂污染物排放标准》(GB 18918-2002)
    requires: list[str] = Field(default_factory=list)  # used only when the brief holds one of these words
    excludes: list[str] = Field(default_factory=list)  # never when the brief holds one of these words
    beneficiaries: list[str] = Field(default_factory=list)  # satisfaction: who is asked (default: the type's)

    @field_validator("level2")
    @classmethod
    def _level2(cls, value: str) -> str:
        if value not in LEVEL2:
            raise ValueError(f"unknown 二级指标 {value!r}; one of {', '.join(LEVEL2)}")
        return value

    @field_validator("name", "explanation")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        import string

        for _, field, _, _ in string.Formatter().parse(value):
            if field is not None and field not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{field}}}; allowed: {', '.join(PLACEHOLDERS)}")
        return value


class Keywords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: list[str] = Field(default_factory=list)  # strong evidence in the project name
    use: list[str] = Field(default_factory=list)  # evidence in the use / description


class ProjectType(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    summary: str = ""
    keywords: Keywords = Field(default_factory=Keywords)
    beneficiaries: list[str] = Field(default_factory=list)  # default 服务对象, first is used
    records: str = ""  # the usual evidence (签到表、验收报告、发放台账 …)
    purpose: str = ""  # the goal's purpose clause: 提升{beneficiary}的业务能力
    templates: list[Template]

    @model_validator(mode="after")
    def _unique(self) -> "ProjectType":
        ids = [t.id for t in self.templates]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"duplicate template ids: {', '.join(sorted(duplicates))}")
        return self


def load_type(path: Path) -> ProjectType:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return ProjectType.model_validate(data)


@lru_cache(maxsize=4)
def load_library(folder: str | None = None) -> dict[str, ProjectType]:
    """Every type of the library by id (common included), in file-name order."""
    base = Path(folder) if folder else LIBRARY_DIR
    types = {}
    for path in sorted(base.glob("*.yaml")):
        kind = load_type(path)
        if kind.id != path.stem:
            raise ValueError(f"{path.name}: id {kind.id!r} differs from the file name")
        types[kind.id] = kind
    if COMMON_TYPE not in types:
        raise ValueError(f"the library has no {COMMON_TYPE}.yaml")
    return types


def project_types() -> list[ProjectType]:
    """The project types (common excluded)."""
    return [t for t in load_library().values() if t.id != COMMON_TYPE]


def common_type() -> ProjectType:
    return load_library()[COMMON_TYPE]


# --- samples: every template filled with typical values, for the library's own test ------------

SAMPLE_NUMBER = {"%": 95, "人次": 200, "人": 100, "户": 300, "亩": 1000, "万元": 50, "元": 600}


def sample_value(template: Template, year: int = 2026) -> str:
    """The value a template gives with typical brief values (what a draft would carry)."""
    spec = template.value
    unit = spec.units[0] if spec.units else ""
    if spec.method == "quantity":
        return f"{spec.operator}{SAMPLE_NUMBER.get(unit, 10)}{unit}" if not spec.target else spec.target
    if spec.method in ("rate", "customary", "graded"):
        return (spec.target or "").format(year=year)
    if spec.method == "deadline":
        return f"{year}年{spec.default_month or 10}月底前"
    if spec.method == "budget":
        return "≤50万元"
    if spec.method == "unit_cost":
        return f"≤500元/{unit}"
    return f"≤600元/{unit}"  # standard


def sample_fill(text: str, kind: ProjectType, template: Template, year: int = 2026) -> str:
    item = next(iter(template.value.match), "") or f"服务{template.value.units[0] if template.value.units else '对象'}"
    return text.format(year=year, beneficiary=(template.beneficiaries or kind.beneficiaries or ["服务对象"])[0],
                       item=f"{item}数量", records=kind.records or "工作台账")
