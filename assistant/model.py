"""The contract of the whole product: a 绩效目标表 as pydantic models. No I/O here.

JSON form (parse --json, export, import):
  project_code, project_name, department, year, budget{total,fiscal,other}, fund_use,
  spending_plan[{label,percent}], goal,
  indicators[{level1,level2,level3,description,value,basis,parsed{operator,number,unit,kind}}],
  source
Drafted indicators additionally carry `source` (where the row was adapted from).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1.0"
# Bidirectional-text controls (U+202E shows a name reversed): never part of a table's text.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text) if isinstance(text, str) else text


class ValueKind(str, Enum):
    quantitative = "quantitative"
    time = "time"
    qualitative = "qualitative"
    empty = "empty"


class ParsedValue(BaseModel):
    """The machine reading of a 指标值; the text as written stays in Indicator.value."""

    model_config = ConfigDict(frozen=True)

    operator: str | None = None
    number: float | None = None
    unit: str | None = None
    kind: ValueKind = ValueKind.empty


class Indicator(BaseModel):
    """One row of the indicator table (三级指标 with its 一级/二级 parents)."""

    level1: str = ""
    level2: str = ""
    level3: str = ""
    description: str = ""
    value: str = ""
    basis: str = ""
    parsed: ParsedValue = Field(default_factory=ParsedValue)
    # Provenance of a drafted row ("seed.txt 项目3 第2行" / "catalogue"); None for parsed tables.
    source: str | None = Field(default=None, exclude_if=lambda v: v is None)

    @model_validator(mode="before")
    @classmethod
    def _fill(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {k: ("" if v is None and k in _TEXT_FIELDS else v) for k, v in data.items()}
            for key in _TEXT_FIELDS:
                if isinstance(data.get(key), (int, float)):
                    data[key] = str(data[key])
                data[key] = strip_bidi(data.get(key, ""))
        return data

    @model_validator(mode="after")
    def _parse(self) -> "Indicator":
        from assistant.values import parse_value

        # The parsed form is always derived from the text, so the two never disagree.
        self.parsed = parse_value(self.value)
        return self

    def with_value(self, value: str) -> "Indicator":
        return Indicator.model_validate({**self.model_dump(), "value": value})


_TEXT_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")


class Budget(BaseModel):
    """Amounts in yuan."""

    total: float | None = None
    fiscal: float | None = None
    other: float | None = None


class PlanItem(BaseModel):
    label: str
    percent: float | None = None

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return strip_bidi(value)


class Source(BaseModel):
    """Where a table came from."""

    file: str = ""
    format: str = ""  # seed-txt | docx | xlsx | json | public-json | draft
    url: str | None = None
    region: str | None = None
    complete: bool = True
    note: str | None = None


class ProjectTable(BaseModel):
    """A 项目支出绩效目标表. Lenient: real tables load even when they are defective."""

    project_code: str | None = None
    project_name: str = ""
    department: str = ""
    year: int | None = None
    budget: Budget = Field(default_factory=Budget)
    fund_use: str = ""
    spending_plan: list[PlanItem] = Field(default_factory=list)
    goal: str = ""
    indicators: list[Indicator] = Field(default_factory=list)
    source: Source | None = None

    @field_validator("project_code", "project_name", "department", "fund_use", "goal")
    @classmethod
    def _texts(cls, value: str | None) -> str | None:
        return strip_bidi(value)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SubGoal(BaseModel):
    """One 分项绩效目标 of the department-wide part."""

    title: str
    goal: str = ""
    indicators: list[str] = Field(default_factory=list)


class DepartmentGoals(BaseModel):
    """The seed's first part: 部门整体绩效目标."""

    department: str = ""
    year: int | None = None
    overall_goal: str = ""
    sub_goals: list[SubGoal] = Field(default_factory=list)
    measures: str = ""
    source: Source | None = None


class Document(BaseModel):
    """Everything read from one file: its project tables and, for a booklet, the department part."""

    tables: list[ProjectTable] = Field(default_factory=list)
    department_goals: DepartmentGoals | None = None
