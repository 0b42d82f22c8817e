"""Indicator frameworks as data: which 一级/二级 exist, which are required, which aliases are known.

A profile never becomes a code path: rules read `Profile` fields only. Names are compared in
folded form (see normalize.fold_category), so traditional characters and score decorations
("产出指标(50分)") resolve too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.checks.messages import PROFILE_TITLES, UNKNOWN_PROFILE
from assistant.checks.normalize import fold_category

DEFAULT_PROFILE = "hebei-2025"
QUANTITY_LEVEL2 = "数量指标"
TIME_LEVEL2 = "时效指标"

_EFFECT = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
_SATISFACTION = ("服务对象满意度指标",)

# Aliases seen in real tables (domain.md §2 and the public corpus), valid in every profile.
COMMON_LEVEL1_ALIASES = {
    "项目完成指标": "产出指标",
    "预期产出指标": "产出指标",
    "项目产出": "产出指标",
    "产出值": "产出指标",
    "产出": "产出指标",
    "项目效益指标": "效益指标",
    "效果指标": "效益指标",
    "项目效果": "效益指标",
    "效益值": "效益指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "满意度值": "满意度指标",
}
COMMON_LEVEL2_ALIASES = {
    "环境效益指标": "生态效益指标",
    "生态环境效益指标": "生态效益指标",
    "进度指标": "时效指标",
    "工期指标": "时效指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "服务对象或受益者满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "受益对象满意度指标": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "可持续性发展影响指标": "可持续影响指标",
    "可持续发展影响指标": "可持续影响指标",
    "可持续影响": "可持续影响指标",
    "可持续影响值": "可持续影响指标",
    "产出数量": "数量指标",
    "产出质量": "质量指标",
    "产出时效": "时效指标",
    "数量值": "数量指标",
    "质量值": "质量指标",
    "时效值": "时效指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "经济效益值": "经济效益指标",
    "社会效益值": "社会效益指标",
    "生态效益值": "生态效益指标",
    "社会效益目标": "社会效益指标",
}


@dataclass(frozen=True)
class Profile:
    """One framework. `required[一级]` is a list of groups; each group needs one member present."""

    name: str
    level2: dict[str, tuple[str, ...]]  # allowed 二级 per 一级, in display order
    required: dict[str, tuple[tuple[str, ...], ...]]
    level1_aliases: dict[str, str]
    level2_aliases: dict[str, str]
    _parents: dict[str, str] = field(init=False, repr=False, compare=False)
    _memo: dict[tuple[int, str], tuple[str | None, bool]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parents = {child: level1 for level1, children in self.level2.items() for child in children}
        object.__setattr__(self, "_parents", parents)
        object.__setattr__(self, "_memo", {})

    @property
    def title(self) -> str:
        return PROFILE_TITLES.get(self.name, self.name)

    @property
    def level1(self) -> tuple[str, ...]:
        return tuple(self.level2)

    def parent(self, level2: str) -> str | None:
        """The 一级 a canonical 二级 belongs to."""
        return self._parents.get(level2)

    def resolve_level1(self, text: str) -> tuple[str | None, bool]:
        """(canonical 一级 or None when unknown, whether the name was an alias)."""
        return self._resolve(1, text)

    def resolve_level2(self, text: str) -> tuple[str | None, bool]:
        return self._resolve(2, text)

    def _resolve(self, level: int, text: str) -> tuple[str | None, bool]:
        found = self._memo.get((level, text))
        if found is None:
            known = self.level2 if level == 1 else self._parents
            aliases = self.level1_aliases if level == 1 else self.level2_aliases
            found = _resolve(fold_category(text), known, aliases)
            if len(self._memo) < 4096:
                self._memo[(level, text)] = found
        return found


def _resolve(key: str, known: dict[str, object], aliases: dict[str, str]) -> tuple[str | None, bool]:
    if key in known:
        return key, False
    target = aliases.get(key)
    return (target, True) if target in known else (None, False)


PROFILES: dict[str, Profile] = {
    "hebei-2025": Profile(
        name="hebei-2025",
        level2={
            "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
            "效益指标": _EFFECT,
            "满意度指标": _SATISFACTION,
        },
        required={
            "产出指标": (("数量指标",), ("质量指标",), ("时效指标",), ("成本指标",)),
            "效益指标": (_EFFECT,),
            "满意度指标": (_SATISFACTION,),
        },
        level1_aliases=COMMON_LEVEL1_ALIASES,
        level2_aliases={**COMMON_LEVEL2_ALIASES, "产出成本": "成本指标", "成本值": "成本指标", "经济成本指标": "成本指标"},
    ),
    "mof-2021": Profile(
        name="mof-2021",
        level2={
            "产出指标": ("数量指标", "质量指标", "时效指标"),
            "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
            "效益指标": _EFFECT,
            "满意度指标": _SATISFACTION,
        },
        required={
            "产出指标": (("数量指标",), ("质量指标",), ("时效指标",)),
            "成本指标": (("经济成本指标",),),
            "效益指标": (_EFFECT,),
            "满意度指标": (_SATISFACTION,),
        },
        level1_aliases=COMMON_LEVEL1_ALIASES,
        level2_aliases={**COMMON_LEVEL2_ALIASES, "产出成本": "经济成本指标", "成本值": "经济成本指标", "成本指标": "经济成本指标"},
    ),
}


def get_profile(name: str | None) -> Profile:
    """The profile by name (None -> default). Unknown names raise ValueError (Chinese message)."""
    profile = PROFILES.get(name or DEFAULT_PROFILE)
    if profile is None:
        raise ValueError(UNKNOWN_PROFILE.format(profile=name, known="、".join(PROFILES)))
    return profile


def canonical_level1(name: str, profile: str | None = None) -> str:
    """The canonical 一级 name ('项目完成指标' -> '产出指标'); unknown names come back folded."""
    resolved, _ = get_profile(profile).resolve_level1(name)
    return resolved or fold_category(name)


def canonical_level2(name: str, profile: str | None = None) -> str:
    """The canonical 二级 name ('进度指标' -> '时效指标'); unknown names come back folded."""
    resolved, _ = get_profile(profile).resolve_level2(name)
    return resolved or fold_category(name)
