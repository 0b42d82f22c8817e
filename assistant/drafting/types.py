"""Which kind of project a brief (or a corpus table) is: a primary type and optionally a second,
from the words of its name and its use, with the reason in one line.

    classify("2026年农村电商直播带货培训项目", "办两期培训班，一共培训100人…")
    -> Classification(primary='training', secondary=None, reason='名称含“培训”；用途含“培训班”“考核”')

Types and their keywords are data (assistant/drafting/library/*.yaml). A word in the name
weighs three times a word in the use; a brief with no evidence gets no type (the common
indicators are used, and the draft says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.drafting.library import ProjectType, common_type, load_library, project_types
from assistant.vocab import fold

NAME_WEIGHT = 2  # a word in the name: 2, up to 8 at its end (the head of a Chinese noun phrase is last:
NAME_HEAD_WEIGHT = 6  # 「中小企业数字化转型培训项目」 is a training; 「执法巡查设备购置项目」 a purchase)
USE_WEIGHT = 1
MIN_SCORE = 2.5  # one word in the name, or three in the use
SECOND_SHARE = 0.6  # a second type needs 60% of the first one's score and two words of its own
USE_CHARS = 2000  # the use is read this far: keywords are in the first lines

MESSAGES = {
    "line": "项目类型：{title}{second}（{reason}）",
    "second": "，兼有{title}",
    "reason_name": "名称含{words}",
    "reason_use": "用途含{words}",
    "word": "“{word}”",
    "reason_second": "{title}：含{words}",
    "none": "项目类型：未能归入已有类型（名称和用途中没有可识别的关键词），使用共性指标起草",
}


@dataclass(frozen=True)
class Classification:
    primary: str | None
    secondary: str | None = None
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def types(self) -> list[ProjectType]:
        """The types to draw templates from, in order (common last)."""
        library = load_library()
        chosen = [library[t] for t in (self.primary, self.secondary) if t]
        return [*chosen, common_type()]

    @property
    def title(self) -> str:
        return load_library()[self.primary].title if self.primary else ""

    @property
    def line(self) -> str:
        """One line for the chat and the `draft` output: which type and why."""
        if not self.primary:
            return MESSAGES["none"]
        library = load_library()
        second = MESSAGES["second"].format(title=library[self.secondary].title) if self.secondary else ""
        return MESSAGES["line"].format(title=self.title, second=second, reason=self.reason)

    def to_dict(self) -> dict[str, object]:
        return {"primary": self.primary, "secondary": self.secondary, "title": self.title, "reason": self.reason,
                "line": self.line}


def _hits(words: list[str], text: str) -> list[str]:
    """Keywords found in the text, a word inside a longer found one counted once (培训 in 培训班)."""
    found = [w for w in dict.fromkeys(words) if w and fold(w) in text]
    return [w for w in found if not any(w != other and w in other for other in found)]


@lru_cache(maxsize=1024)
def classify(name: str, use: str = "") -> Classification:
    """The brief's types (see the module docstring)."""
    folded_name, folded_use = fold(name), fold(use[:USE_CHARS])
    scored: list[tuple[float, int, str, list[str], list[str]]] = []
    length = max(1, len(re.sub(r"(?:项目|经费|资金|专项)$", "", folded_name)))
    for kind in project_types():
        # a name word counts in the name and in the use; a use word only in the use
        in_name = _hits(kind.keywords.name, folded_name)
        in_use = _hits(kind.keywords.name + kind.keywords.use, folded_use)
        score = sum(NAME_WEIGHT + NAME_HEAD_WEIGHT * min(1.0, (folded_name.rfind(fold(w)) + len(w)) / length) ** 2
                    for w in in_name)
        score += USE_WEIGHT * len(in_use)
        in_use = [w for w in in_use if w not in in_name]
        if score:
            scored.append((round(score, 2), len(in_name), kind.id, in_name, in_use))
    # ties: more name words, then the longer words (技术改造 before 改造), then the id
    scored.sort(key=lambda s: (-s[0], -s[1], -sum(len(w) for w in s[3] + s[4]), s[2]))
    scores = {s[2]: s[0] for s in scored}
    if not scored or scored[0][0] < MIN_SCORE:
        return Classification(None, scores=scores)
    best = scored[0]
    second = next((s for s in scored[1:] if len(s[3]) + len(s[4]) >= 2 and s[0] >= max(MIN_SCORE, SECOND_SHARE * best[0])), None)
    reasons = []
    if best[3]:
        reasons.append(MESSAGES["reason_name"].format(words="".join(MESSAGES["word"].format(word=w) for w in best[3][:3])))
    if best[4]:
        reasons.append(MESSAGES["reason_use"].format(words="".join(MESSAGES["word"].format(word=w) for w in best[4][:3])))
    if second:
        words = (second[3] + second[4])[:2]
        reasons.append(MESSAGES["reason_second"].format(title=load_library()[second[2]].title,
                                                        words="".join(MESSAGES["word"].format(word=w) for w in words)))
    return Classification(best[2], second[2] if second else None, "；".join(reasons), scores)
