"""The rule catalogue for users, rendered from the rule metadata: `python -m assistant.checks.catalogue`
prints docs/rules.md (a test keeps the file in step with the code)."""

from __future__ import annotations

from assistant.checks.messages import CATALOGUE, CATALOGUE_GROUPS, LIST_SEPARATOR, RULE_DOCS, SEVERITY_LABELS
from assistant.checks.profiles import PROFILES, Profile
from assistant.checks.registry import RULES, Rule


def render_markdown() -> str:
    lines = [CATALOGUE["title"], "", CATALOGUE["intro"], "", CATALOGUE["profiles"], ""]
    lines += [_profile_line(profile) for profile in PROFILES.values()]
    lines += ["", CATALOGUE["rules"]]
    for group, title in CATALOGUE_GROUPS.items():
        lines += ["", CATALOGUE["group"].format(title=title)]
        for rule in RULES.values():
            if rule.id.split(".")[0] == group:
                lines += ["", *_rule_lines(rule)]
    return "\n".join(lines) + "\n"


def _profile_line(profile: Profile) -> str:
    groups = [
        CATALOGUE["required_group"].format(level1=level1, children=LIST_SEPARATOR.join("/".join(g) for g in required))
        for level1, required in profile.required.items()
    ]
    return CATALOGUE["profile_line"].format(name=profile.name, title=profile.title, required=CATALOGUE["required_separator"].join(groups))


def _rule_lines(rule: Rule) -> list[str]:
    doc = RULE_DOCS[rule.id]
    partial = CATALOGUE["partial"].format(severity=SEVERITY_LABELS[rule.partial.value]) if rule.partial else ""
    return [
        CATALOGUE["rule"].format(id=rule.id, title=doc["title"]),
        CATALOGUE["severity"].format(
            severity=SEVERITY_LABELS[rule.severity.value], partial=partial, fixable=CATALOGUE["fixable"] if rule.fixable else ""
        ),
        CATALOGUE["checks"].format(checks=doc["checks"]),
        CATALOGUE["why"].format(why=doc["why"]),
        CATALOGUE["example"].format(bad=doc["bad"], good=doc["good"]),
    ]


if __name__ == "__main__":
    print(render_markdown(), end="")
