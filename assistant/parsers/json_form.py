"""JSON input: our own JSON form, and the transcribed form of the public corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.limits import MAX_JSON_DEPTH, json_depth
from assistant.model import Budget, Document, Indicator, ProjectTable, Source
from assistant.parsers.common import InputError, find_year

PUBLIC_MARKERS = ("budget_amount", "goal_text", "source_url_or_repo_path")


def _amount_after(text: str, labels: tuple[str, ...]) -> float | None:
    """'…其中：财政拨款10000万元…' -> 1e8 yuan. Figures without a unit are 万元 when the text is."""
    for label in labels:
        m = re.search(label + r"[^0-9（(]{0,6}?(\d+(?:\.\d+)?)\s*(万元|万|元)?", text)
        if m:
            number = float(m.group(1))
            unit = m.group(2) or ("万元" if "万" in text else "元")
            return round(number * 10000, 2) if unit.startswith("万") else number
    return None


def public_budget(text: str | None) -> Budget:
    """Best-effort reading of the published free-text budget into yuan."""
    if not text:
        return Budget()
    total = _amount_after(text, ("年度资金总额", "当年年度预算", "年度本级预算金额", "预算数", "资金总额", "项目总预算", "部门预算", "下达中央预算内投资", ""))
    fiscal = _amount_after(text, ("当年财政拨款", "财政拨款", "财政资金", "财政投款", "本年财政拨款", "上级资金"))
    other = _amount_after(text, ("其他资金", "其它资金", "其他"))
    return Budget(total=total, fiscal=fiscal, other=other)


def _public_indicator(raw: dict[str, Any]) -> Indicator:
    value = raw.get("value")
    if value in (None, "") and raw.get("target") is not None:
        value = f"{raw.get('operator') or ''}{raw['target']}{raw.get('unit') or ''}"
    return Indicator(
        level1=raw.get("level1") or "",
        level2=raw.get("level2") or "",
        level3=raw.get("level3") or "",
        description=raw.get("description") or "",
        value=str(value) if value is not None else "",
        basis=raw.get("basis") or "",
    )


def public_table(raw: dict[str, Any], path: Path) -> ProjectTable:
    year = find_year(str(raw.get("year") or ""))
    return ProjectTable(
        project_code=raw.get("project_code") or None,
        project_name=raw.get("project_name") or "",
        department=raw.get("department") or raw.get("implementing_unit") or "",
        year=year,
        budget=public_budget(raw.get("budget_amount")),
        fund_use=raw.get("fund_use") or "",
        goal=raw.get("goal_text") or "",
        indicators=[_public_indicator(i) for i in raw.get("indicators") or []],
        source=Source(
            file=path.name,
            format="public-json",
            url=raw.get("source_url_or_repo_path"),
            region=raw.get("region"),
            complete=raw.get("complete", True) is not False,
            note=raw.get("notes"),
        ),
    )


def _items(data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("tables"), list):
        return data["tables"]
    if isinstance(data, list):
        return data
    return [data]


def parse_json_text(text: str, path: Path) -> Document:
    try:
        if path.suffix.lower() == ".jsonl":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, "bad_json", line=exc.lineno, col=exc.colno) from None
    except RecursionError:  # json's decoder recurses once per level
        raise InputError(path, "too_deep", limit=MAX_JSON_DEPTH) from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise InputError(path, "too_deep", limit=MAX_JSON_DEPTH)
    doc = Document()
    for index, item in enumerate(_items(data), start=1):
        if not isinstance(item, dict):
            raise InputError(path, "bad_table", index=index, detail="应为对象（expected an object）")
        if any(key in item for key in PUBLIC_MARKERS):
            doc.tables.append(public_table(item, path))
            continue
        try:
            table = ProjectTable.model_validate(item)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(path, "bad_table", index=index, detail=f"{where}：{first['msg']}") from None
        if table.source is None:
            table.source = Source(file=path.name, format="json")
        doc.tables.append(table)
    return doc
