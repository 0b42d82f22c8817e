"""What the LLM must answer when drafting: a goal text and three-level indicator rows.

Deliberately compact (six short string fields per row, category names as enums) so that a
1.5B local model can follow it under a JSON-schema grammar. Everything that matters for money
and structure (budget, spending plan, required categories, provenance) is added or enforced by
code afterwards, never taken from the model."""

from __future__ import annotations

import json
from typing import Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

# Category names of both profiles (hebei-2025, mof-2021); which pairs are allowed for a
# profile is checked by code, the enum only keeps the model from inventing names.
Level1 = Literal["产出指标", "效益指标", "满意度指标", "成本指标"]
Level2 = Literal[
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
]

MAX_INDICATORS = 12


class LLMIndicator(BaseModel):
    model_config = ConfigDict(extra="ignore")

    level1: Level1 = Field(description="一级指标")
    level2: Level2 = Field(description="二级指标")
    level3: str = Field(min_length=1, max_length=60, description="三级指标名称，具体到本项目")
    description: str = Field(max_length=120, description="绩效指标描述：反映什么、怎么算")
    value: str = Field(min_length=1, max_length=60, description="指标值，如 ≥280人次、≥95%、2025年12月底前")
    basis: str = Field(max_length=120, description="指标值确定依据：计划标准/历史标准/行业标准/预算支出标准 + 来源")


class LLMDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    goal: str = Field(min_length=1, max_length=600, description="绩效目标（2至4条编号的句子）")
    indicators: list[LLMIndicator] = Field(min_length=1, max_length=MAX_INDICATORS)


def schema_for_prompt(schema: type[BaseModel] = LLMDraft) -> str:
    """A one-line JSON skeleton of `schema` (keys with their Chinese descriptions), for the
    `{schema}` placeholder of a prompt. Much shorter than the full JSON schema, which the
    server enforces as a grammar anyway; prompt tokens are the slow part on a small CPU."""
    return json.dumps(_skeleton(schema), ensure_ascii=False, separators=(",", ":"))


def _skeleton(schema: type[BaseModel]) -> dict:
    out: dict = {}
    for name, field in schema.model_fields.items():
        item = get_args(field.annotation)[0] if get_origin(field.annotation) is list else None
        if isinstance(item, type) and issubclass(item, BaseModel):
            out[name] = [_skeleton(item)]
        else:
            out[name] = field.description or name
    return out
