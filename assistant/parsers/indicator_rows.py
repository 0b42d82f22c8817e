"""Indicator rows as the .docx and .xlsx parsers see them: header label variants -> fields,
then rows of cell texts -> Indicators.

Real forms name the columns differently (三级指标名称, 指标名称, 指标解释(绩效指标描述)…) and
split a value over 计算符号 / 指标值 / 计量单位; 一级/二级 cells are merged or left blank when
repeated. Both parsers map their header row with `header_columns` and build indicators with
`build_indicators`.
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant.model import Indicator
from assistant.parsers.common import squash

# field -> header labels as seen in real forms, preferred first.
INDICATOR_LABELS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称",),
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "level3": ("三级指标", "三级指标名称", "指标名称", "绩效指标名称", "绩效指标"),
    "description": ("绩效指标描述", "指标解释", "指标描述", "指标说明", "指标内容", "指标定义"),
    "operator": ("计算符号", "运算符号", "指标值符号", "符号"),
    "value": ("指标值", "目标值", "年度指标值", "指标目标值", "预期指标值", "绩效指标值"),
    "unit": ("计量单位", "度量单位", "指标值单位"),
    "basis": ("指标值确定依据", "指标值设定依据", "确定依据", "设定依据", "绩效标准"),
}

INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")
LEVELS = ("level1", "level2")

# Columns of a header row: field -> grid/column indices (a merged header cell spans several).
Columns = dict[str, list[int]]


def _label_candidates(text: str) -> list[str]:
    """'指标解释(绩效指标描述)*' -> ['指标解释(绩效指标描述)', '指标解释', '绩效指标描述']."""
    label = squash(text).strip("*＊:：")
    inner = re.findall(r"[（(]([^（）()]*)[)）]", label)
    outer = re.sub(r"[（(][^（）()]*[)）]", "", label)
    return [label, outer, *inner]


def label_field(text: str, labels: dict[str, tuple[str, ...]] = INDICATOR_LABELS) -> str | None:
    """The field a header cell names, or None."""
    for candidate in _label_candidates(text):
        for field, names in labels.items():
            if candidate in names:
                return field
    return None


def header_columns(cells: Sequence[str], labels: dict[str, tuple[str, ...]] = INDICATOR_LABELS) -> Columns:
    """Map a header row. A field keeps its first run of adjacent columns (a merged header cell)."""
    columns: Columns = {}
    for index, text in enumerate(cells):
        field = label_field(text, labels) if text else None
        if field is None:
            continue
        found = columns.setdefault(field, [index])
        if found[-1] == index - 1 and index not in found:
            found.append(index)
    return columns


def is_indicator_header(columns: Columns) -> bool:
    return "level3" in columns and any(f in columns for f in ("level1", "level2", "value"))


def fields_of(cells: Sequence[str], columns: Columns) -> dict[str, str]:
    """The texts of one data row by field; a field over several columns joins their texts.

    Callers blank the repeated positions of a horizontally merged cell, so nothing doubles.
    """
    out: dict[str, str] = {}
    for field, indices in columns.items():
        out[field] = "".join(cells[i] for i in indices if i < len(cells) and cells[i])
    return out


def _value_text(fields: dict[str, str]) -> str:
    """计算符号 + 指标值 + 计量单位 -> '≥95%'; a single 指标值 column stays as written."""
    value = fields.get("value", "")
    operator = fields.get("operator", "").strip()
    unit = fields.get("unit", "").strip()
    if not value.strip():
        return value if not (operator or unit) else f"{operator}{unit}"
    return f"{operator}{value}{unit}"


def build_indicators(records: Sequence[dict[str, str]], inherit: bool = True) -> list[Indicator]:
    """Indicators from row records (see fields_of). Rows with no indicator text are skipped.

    inherit=True: a blank 一级/二级 cell repeats the one above (the blank-repeated form of merged
    cells); a different 一级 starts with a blank 二级. inherit=False: cells are taken as they are
    (the reader already repeated the text of merged cells).
    """
    indicators: list[Indicator] = []
    level1 = level2 = ""
    for fields in records:
        row = {field: fields.get(field, "") for field in INDICATOR_FIELDS}
        row["value"] = _value_text(fields)
        if not any(text.strip() for text in row.values()):
            continue
        if inherit:
            if row["level1"].strip() and row["level1"] != level1:
                level1, level2 = row["level1"], ""
            if row["level2"].strip():
                level2 = row["level2"]
            row["level1"], row["level2"] = level1, level2
        indicators.append(Indicator(**row))
    return indicators
