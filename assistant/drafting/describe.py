"""Read what a staff member writes about a project: a Brief from free text, and the
quantities (「培训干部280人次」) the drafter turns into 数量指标."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.brief import Brief
from assistant.values import normalise_text

# Count units met in briefs, longest first so 人次 wins over 人.
COUNT_UNITS = (
    "人次", "户次", "场次", "家次", "平方米", "公里", "千米", "万人", "人", "家", "个", "次", "项", "场", "期", "户",
    "亩", "吨", "台", "套", "所", "批", "册", "份", "件", "辆", "处", "座", "条", "篇", "名", "班", "天", "课时", "学时",
)
_NUM = r"(\d+(?:\.\d+)?)"
_QUANTITY = re.compile(
    r"([\u4e00-\u9fffA-Za-z“”\"（）()]{1,16}?)\s*" + _NUM + r"\s*(" + "|".join(COUNT_UNITS) + r")"
)
_MONEY = re.compile(_NUM + r"\s*(亿元|万元|元|万)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NAME = re.compile(r"(?:项目名称|项目)\s*[:：是为]\s*[“\"]?([^，。,；;\n“”\"]{2,60})")
_DEPARTMENT = re.compile(r"(?:单位|部门)\s*[:：是为]\s*([^，。,；;\n]{2,40})")
_FISCAL = re.compile(r"(?:其中)?\s*财政(?:资金|拨款)\s*[:：]?\s*" + _NUM + r"\s*(亿元|万元|元|万)?")
_OTHER = re.compile(r"其他资金\s*[:：]?\s*" + _NUM + r"\s*(亿元|万元|元|万)?")
_DEADLINE = re.compile(r"(\d{1,2})\s*月(?:底|末)?(?:前|之前)?(?:完成|结束|建成|办结)")

_DATE_PREFIX = re.compile(r"(?:(?:19|20)\d{2}\s*年(?:度|内)?|\d{1,2}\s*月(?:底|末|份)?(?:前|之前)?)")

# Words that make a quantity look like money or a date rather than an output count.
_NOT_OUTPUT = ("预算", "资金", "经费", "年", "月", "日")

_UNIT_FACTOR = {"亿元": 1e8, "万元": 1e4, "万": 1e4, "元": 1.0}


@dataclass(frozen=True)
class Quantity:
    """「培训干部280人次」 -> Quantity(subject='培训干部', number=280, unit='人次')."""

    subject: str
    number: float
    unit: str

    @property
    def text(self) -> str:
        num = int(self.number) if self.number == int(self.number) else self.number
        return f"{self.subject}{num}{self.unit}"


def to_yuan(number: str | float, unit: str | None) -> float:
    return round(float(number) * _UNIT_FACTOR.get(unit or "元", 1.0), 2)


def _clean_subject(subject: str) -> str:
    subject = re.sub(r"^(?:计划|预计|拟|全年|共|累计|完成|开展|组织|用于|主要|约|为|对|向|给)+", "", subject)
    subject = re.sub(r"(?:约|共|达|为|不少于|以上|超过)$", "", subject)
    return subject.strip("，,、：: “”\"（）()")


def find_quantities(text: str) -> list[Quantity]:
    """Output quantities stated in free text, in order, without duplicates or money/dates."""
    found: list[Quantity] = []
    for clause in re.split(r"[，。,；;、\n]", normalise_text(text)):
        clause = _DATE_PREFIX.sub("", clause)
        for m in _QUANTITY.finditer(clause):
            subject, number, unit = _clean_subject(m.group(1)), float(m.group(2)), m.group(3)
            if not subject or any(word in subject for word in _NOT_OUTPUT) or number <= 0:
                continue
            quantity = Quantity(subject, number, unit)
            if all(q.subject != quantity.subject for q in found):
                found.append(quantity)
    return found


def find_deadline_month(text: str) -> int | None:
    m = _DEADLINE.search(normalise_text(text))
    month = int(m.group(1)) if m else None
    return month if month and 1 <= month <= 12 else None


def brief_from_text(text: str, **defaults: object) -> Brief:
    """A Brief from a free-text description such as
    「2026年全县中小企业数字化转型培训项目，预算50万元，培训企业200家、培训企业管理人员600人次」.
    Raises pydantic ValidationError (Chinese messages) when the name or budget cannot be found."""
    norm = normalise_text(text)
    name_match = _NAME.search(norm)
    if name_match:
        name = name_match.group(1)
    else:
        first = re.split(r"[，。,；;\n]", norm, maxsplit=1)[0]
        name = re.sub(r"^(?:我们|我|本单位|今年|明年)?(?:要|想|需要|计划|拟)?(?:做|开展|实施|申报|起草)?(?:一个)?", "", first)
        name = re.sub(r"(?:的)?(?:绩效目标表|绩效目标)$", "", name).strip()
    money = _MONEY.search(re.sub(r"(?:其中)?\s*财政(?:资金|拨款)[^，。,；;]*|其他资金[^，。,；;]*", "", norm))
    fiscal = _FISCAL.search(norm)
    other = _OTHER.search(norm)
    year = _YEAR.search(norm)
    department = _DEPARTMENT.search(norm)
    fields: dict[str, object] = {
        "name": name,
        "budget": to_yuan(money.group(1), money.group(2)) if money else 0,
        "usage": norm,
    }
    if fiscal:
        fields["fiscal"] = to_yuan(fiscal.group(1), fiscal.group(2) or (money.group(2) if money else "元"))
    if other:
        fields["other"] = to_yuan(other.group(1), other.group(2) or (money.group(2) if money else "元"))
    if year:
        fields["year"] = int(year.group(1))
    if department:
        fields["department"] = department.group(1)
    fields.update({k: v for k, v in defaults.items() if v is not None})
    return Brief.model_validate(fields)
