"""What a staff member tells us about a new project, and what a drafter gives back."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.model import ProjectTable

MAX_USAGE_CHARS = 20_000
MAX_BUDGET_YUAN = 1e11  # 1000 亿元: anything above is surely a typo for a county project

MESSAGES = {
    "no_name": "请填写项目名称（不能只有符号或表情）",
    "budget_positive": "预算数必须大于 0（收到 {value}）",
    "budget_absurd": "预算数 {value} 元不合理（超过 1000 亿元），请检查单位是否为“元”",
    "budget_mismatch": "财政资金 {fiscal} + 其他资金 {other} ≠ 预算数 {total}",
    "negative_part": "{field}不能为负数",
    "bad_profile": "未知的指标框架“{value}”，可选：{known}",
}


class Brief(BaseModel):
    """JSON keys: name, department, year, budget (total yuan), fiscal, other, usage, profile, id."""

    name: str
    department: str = ""
    year: int = Field(default_factory=lambda: _dt.date.today().year)
    budget: float
    fiscal: float | None = None
    other: float | None = None
    usage: str = ""
    profile: str | None = None
    id: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = (value or "").strip()
        if not re.search(r"[^\W_]", value):  # empty, or only punctuation/emoji
            raise PydanticCustomError("brief", MESSAGES["no_name"])
        return value[:200]

    @field_validator("usage")
    @classmethod
    def _usage(cls, value: str) -> str:
        return (value or "").strip()[:MAX_USAGE_CHARS]

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str | None) -> str | None:
        from assistant.checks import PROFILES

        if value and value not in PROFILES:
            raise PydanticCustomError("brief", MESSAGES["bad_profile"], {"value": value, "known": "、".join(PROFILES)})
        return value or None

    @field_validator("budget")
    @classmethod
    def _budget(cls, value: float) -> float:
        if not value > 0:
            raise PydanticCustomError("brief", MESSAGES["budget_positive"], {"value": value})
        if value > MAX_BUDGET_YUAN:
            raise PydanticCustomError("brief", MESSAGES["budget_absurd"], {"value": f"{value:,.2f}"})
        return round(value, 2)

    @model_validator(mode="after")
    def _parts(self) -> "Brief":
        for field, label in (("fiscal", "财政资金"), ("other", "其他资金")):
            if (getattr(self, field) or 0) < 0:
                raise PydanticCustomError("brief", MESSAGES["negative_part"], {"field": label})
        if self.fiscal is None and self.other is None:
            self.fiscal, self.other = self.budget, 0.0
        elif self.fiscal is None:
            self.fiscal = round(self.budget - (self.other or 0), 2)
        elif self.other is None:
            self.other = round(self.budget - self.fiscal, 2)
        if abs((self.fiscal or 0) + (self.other or 0) - self.budget) > 0.005:
            raise PydanticCustomError(
                "brief", MESSAGES["budget_mismatch"],
                {"fiscal": f"{self.fiscal:,.2f}", "other": f"{self.other:,.2f}", "total": f"{self.budget:,.2f}"}
            )
        return self


class DraftResult(BaseModel):
    """A drafted table (passes strict validation), with what the drafter used and said."""

    table: ProjectTable
    method: Literal["rules", "llm", "llm-fallback"] = "rules"
    notes: list[str] = Field(default_factory=list)  # Chinese remarks for the user
    similar: list[dict[str, Any]] = Field(default_factory=list)  # cited similar projects/indicators
    findings: list[dict[str, Any]] = Field(default_factory=list)  # remaining warnings/infos
    project_type: dict[str, Any] | None = None  # {primary, secondary, title, reason, line}


class Drafter(Protocol):
    def draft(self, brief: Brief) -> DraftResult: ...
