"""Strict validation for what the assistant produces: a Draft with an error-level finding is
rejected with a pydantic ValidationError whose messages are the Chinese findings."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from assistant.checks.engine import lint_table
from assistant.checks.findings import Finding, Severity
from assistant.checks.messages import DRAFT_ERROR
from assistant.checks.profiles import DEFAULT_PROFILE, get_profile
from assistant.model import ProjectTable

ERROR_TYPE = "draft_check"


class Draft(ProjectTable):
    """A ProjectTable that must pass every error-level rule of its profile.

    The profile comes from the validation context:
    `Draft.model_validate(data, context={"profile": "mof-2021"})` (default hebei-2025).
    """

    @model_validator(mode="after")
    def _passes_checks(self, info: ValidationInfo) -> "Draft":
        name = (info.context or {}).get("profile") or DEFAULT_PROFILE
        try:
            profile = get_profile(name)
        except ValueError as exc:
            raise PydanticCustomError("draft_profile", "{message}", {"message": str(exc)}) from None
        errors = [f for f in lint_table(self, profile) if f.severity == Severity.error.value]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, [self._line_error(f) for f in errors])
        return self

    def _line_error(self, finding: Finding) -> InitErrorDetails:
        if finding.row is not None:
            loc: tuple[str | int, ...] = ("indicators", finding.row, finding.field or "value")
            value: Any = getattr(self.indicators[finding.row], finding.field or "value", None)
        else:
            loc = (finding.field or "indicators",)
            value = getattr(self, finding.field or "", None)
        message = DRAFT_ERROR.format(message=finding.message, suggestion=finding.suggestion)
        return InitErrorDetails(
            type=PydanticCustomError(ERROR_TYPE, "{message}", {"message": message, "rule": finding.rule}),
            loc=loc,
            input=value if isinstance(value, (str, int, float)) or value is None else str(value),
        )
