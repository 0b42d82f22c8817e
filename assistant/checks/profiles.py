"""Indicator frameworks as data: which 一级/二级 exist, which are required, which aliases are known.

A profile never becomes a code path: rules read `Profile` fields only. Names are compared in
folded form (see normalize.fold_category), so traditional characters and score decorations
("产出指标(50分)") resolve too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.checks.messages import PROFILE_TITLES, UNKNOWN_PROFILE
from assistant.vocab import (
    EFFECT_LEVEL2,
    LEVEL1_ALIASES,
    LEVEL2_ALIASES,
    PROFILE_LEVEL2_ALIASES,
    QUANTITY_LEVEL2,
    SATISFACTION_LEVEL2,
    TIME_LEVEL2,
    fold_category,
    resolve_category,
)

DEFAULT_PROFILE = "hebei-2025"
__all__ = ["DEFAULT_PROFILE", "PROFILES", "Profile", "QUANTITY_LEVEL2", "TIME_LEVEL2", "canonical_level1",
           "canonical_level2", "get_profile"]

_EFFECT = EFFECT_LEVEL2
_SATISFACTION = (SATISFACTION_LEVEL2,)


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
            found = resolve_category(text, known, aliases)
            if len(self._memo) < 4096:
                self._memo[(level, text)] = found
        return found


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
        level1_aliases=LEVEL1_ALIASES,
        level2_aliases={**LEVEL2_ALIASES, **PROFILE_LEVEL2_ALIASES["hebei-2025"]},
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
        level1_aliases=LEVEL1_ALIASES,
        level2_aliases={**LEVEL2_ALIASES, **PROFILE_LEVEL2_ALIASES["mof-2021"]},
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
