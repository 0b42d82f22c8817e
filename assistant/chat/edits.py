"""Table edits the chat makes, as pure functions (no session, no I/O): which row a user means,
what a value said in words becomes in that row's form, a value moved by a step, the budget
after a change, the spending plan after a change, where a new row goes.

Problems are returned, never raised: a `Problem(key, data)` names the Chinese message the reply
module renders (assistant.chat.replies), so a bad value becomes a clear answer, not an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import LCSseq

from assistant.model import Budget, Indicator, PlanItem, ProjectTable, ValueKind
from assistant.values import format_value, parse_value
from assistant.vocab import (
    LEVEL2_WORDS,
    OPERATOR_PREFIX_WORDS,
    OPERATOR_SUFFIX_WORDS,
    PERIOD_MONTHS,
    chinese_number,
    fold,
    level2_from_words,
    squeeze,
)

MAX_AMOUNT = 1e11  # 1000亿元: above this a budget is a typo, not a project
MAX_NUMBER = 1e12  # no target value is this large
MONEY_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
COST_LEVEL2 = {"成本指标", "经济成本指标"}
TIME_LEVEL2 = "时效指标"

# Row-finding scores (0..1): a substring of the name beats a fuzzy match; a rival within the
# margin makes the request ambiguous, and the user is asked.
MATCH_THRESHOLD = 0.55
AMBIGUOUS_MARGIN = 0.08
# Words around a row's name that do not name it.
_FILLER = re.compile(r"^(?:把|将|给|对|关于)|(?:这个|那个|这条|那条|这一行|那一行|这行|那行|这一项|那一项|这项|那项|这一条|那一条|"
                     r"一栏|这栏|那栏|指标值|的值|数值|的指标|指标|的)+$")
_ROW_NUMBER = re.compile(r"^(?:第)?\s*(\d{1,3})\s*(?:行|条|个指标|项|个)$|^第\s*(\d{1,3})$")
_LAST_ROW = re.compile(r"^(?:最后|倒数第)\s*(?:1|一)?\s*(?:行|条|个指标|个|项)$")
# Names of the deadline row as staff say them.
DEADLINE_WORDS = ("完成时间", "完成时限", "完工时间", "截止时间", "截止日期", "完成日期", "时间节点", "时限", "工期", "完工",
                  "完成", "期限", "时间", "进度")
# Words in a request that say which unit the row counts in.
UNIT_HINTS = {"人数": ("人", "人次", "名"), "人次": ("人次", "人"), "家数": ("家", "户"), "企业": ("家",), "户数": ("户",),
              "次数": ("次", "场", "期"), "金额": tuple(MONEY_FACTOR), "成本": tuple(MONEY_FACTOR),
              "费用": tuple(MONEY_FACTOR), "率": ("%",), "度": ("%",), "比例": ("%",)}
# Rates that cannot exceed 100%.
BOUNDED_RATES = ("满意", "合格", "及时", "出勤", "覆盖", "完成率", "知晓", "达标", "合规", "归档", "验收", "到位", "使用率",
                 "应用率", "发放率", "支付率", "保障率", "参与率", "执行率", "准确率", "完好率")
_VALUE_FILLERS = re.compile(r"(?:就行了?|就可以了?|就好|即可|都行|左右|吧|了|呢|啊|哈|的)+$")
_LEAD_WORDS = re.compile(r"^(?:要|需要|需|须|应该|应|得|能|可以|为|是|成|到|在|保持在|定在|达)+(?=[\d≥≤<>=不大小高低至最控超多少等])")
_PER_WORDS = re.compile(r"^(?:每人每月|每人每年|每户每月|每户每年|每人次|每人|每户|每家|每月|每年|每次|每期|人均|户均)(?=\d)")


@dataclass(frozen=True)
class Problem:
    """Why an edit was not made: the key of a message in replies.MESSAGES and its data."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)


def num_text(value: float) -> str:
    """300.0 -> '300', 1666.666 -> '1666.67'."""
    return format_value("", value, "")


def money_text(value: float | None) -> str:
    """500000 -> '500,000.00'; an absurd amount stays short: 1e30 -> '1e+30'."""
    value = value or 0
    return f"{value:,.2f}" if abs(value) < 1e15 else f"{value:.3g}"


def is_time_row(ind: Indicator) -> bool:
    return ind.parsed.kind is ValueKind.time or (ind.level2 == TIME_LEVEL2 and bool(_DATE.search(ind.value)))


# --- which row ------------------------------------------------------------------------------


@dataclass
class RowMatch:
    """The row a request means (`index`, 0-based), or why none was chosen: `candidates` when
    several fit, `problem` when none does."""

    index: int | None = None
    candidates: list[int] = field(default_factory=list)
    problem: Problem | None = None


def row_number(text: str) -> int | None:
    """「第3行」「3行」「第三个指标」(numerals already Arabic) -> 3; 「最后一行」 -> -1; None else."""
    if _LAST_ROW.match(text.strip()):
        return -1
    m = _ROW_NUMBER.match(text.strip())
    if not m:
        return None
    number = int(m.group(1) or m.group(2))
    return number if number > 0 else None


def clean_target(text: str) -> str:
    text = text.strip().strip("‘’'\"“”「」『』《》【】 ")
    previous = None
    while previous != text:
        previous, text = text, _FILLER.sub("", text).strip().strip("‘’'\"“”「」『』《》【】 ")
    return text


def name_score(query: str, name: str) -> float:
    q, n = squeeze(query), squeeze(name)
    if not q or not n:
        return 0.0
    if q == n:
        return 1.0
    if q in n:
        return 0.9 + 0.1 * len(q) / len(n)
    if n in q:
        return 0.85
    common = LCSseq.similarity(q, n)
    if common < 2:
        return 0.0
    return 0.7 * common / len(q) + 0.3 * common / len(n)


def units_compatible(given: str | None, row_unit: str | None) -> bool:
    """Whether a value in `given` can go into a row counted in `row_unit` (money converts; a
    per-unit amount takes its numerator: 800元 into 元/人次)."""
    if not given or not row_unit or given == row_unit:
        return True
    if given in MONEY_FACTOR and row_unit in MONEY_FACTOR:
        return True
    return "/" in row_unit and row_unit.split("/", 1)[0] == given


def _fits_hint(unit: str | None, hints: tuple[str, ...]) -> bool:
    return bool(unit) and (unit in hints or unit.split("/", 1)[0] in hints)


def _hinted_units(query: str) -> tuple[str, ...]:
    return tuple(u for word, units in UNIT_HINTS.items() if word in query for u in units)


def find_row(table: ProjectTable, target: str = "", row: int | None = None, value: str = "",
             time_only: bool = False) -> RowMatch:
    """The row meant by a row number, a name (any distinctive part of it), a category, a
    value, or — for dates — the deadline row. Never guesses between close candidates."""
    rows = table.indicators
    target = clean_target(target)
    row = row or row_number(target)
    if row is not None and row < 0:
        row = len(rows) + 1 + row
    if row is not None:
        if 1 <= row <= len(rows):
            return RowMatch(row - 1)
        return RowMatch(problem=Problem("bad_row", {"row": row, "n": len(rows)}))
    value_unit = _value_unit(value)
    if time_only or (not target and _DATE.search(value)) or (target in DEADLINE_WORDS):
        timed = [i for i, ind in enumerate(rows) if is_time_row(ind)]
        if target and target not in DEADLINE_WORDS:
            timed = [i for i in timed if name_score(target, rows[i].level3) >= MATCH_THRESHOLD] or timed
        return _pick(timed) if timed or not target else _by_name(rows, target, value_unit)
    if not target:
        return RowMatch(candidates=list(range(len(rows))))
    by_value = [i for i, ind in enumerate(rows) if _same_value(target, ind)]
    if by_value:
        return _pick(by_value)
    return _by_name(rows, target, value_unit)


def _pick(indices: list[int]) -> RowMatch:
    if len(indices) == 1:
        return RowMatch(indices[0])
    return RowMatch(candidates=indices) if indices else RowMatch(problem=Problem("no_time_row"))


def _by_name(rows: list[Indicator], target: str, value_unit: str | None) -> RowMatch:
    hints = _hinted_units(target)
    scored = []
    for i, ind in enumerate(rows):
        score = name_score(target, ind.level3)
        if score and _fits_hint(ind.parsed.unit, hints):
            score += 0.05
        scored.append((score, i))
    fitting = [(s, i) for s, i in scored if s >= MATCH_THRESHOLD]
    hinted = [(s, i) for s, i in fitting if _fits_hint(rows[i].parsed.unit, hints)]
    if hinted and len(hinted) < len(fitting) and max(fitting)[0] < 0.9:
        fitting = hinted  # 「培训人数」 is a count of people, not of 家
    category = _category_rows(rows, target)
    if category and (not fitting or max(fitting)[0] < 0.9):
        fitting = [(1.0, i) for i in category]
    if not fitting:
        return RowMatch(problem=Problem("no_match", {"target": target}))
    compatible = [(s, i) for s, i in fitting if units_compatible(value_unit, rows[i].parsed.unit)]
    if not compatible:
        best = max(fitting)[1]
        return RowMatch(problem=Problem("unit_mismatch", {"row": best + 1, "name": rows[best].level3,
                                                           "unit": rows[best].parsed.unit, "given": value_unit}))
    compatible.sort(reverse=True)
    top, index = compatible[0]
    rivals = [i for s, i in compatible[1:] if top - s < AMBIGUOUS_MARGIN]
    exact = [i for _s, i in compatible if squeeze(rows[i].level3) == squeeze(target)]
    if len(exact) == 1:
        return RowMatch(exact[0])
    if rivals:
        return RowMatch(candidates=sorted([index, *rivals]))
    return RowMatch(index)


def _category_rows(rows: list[Indicator], target: str) -> list[int]:
    """Rows of the 二级 category the target names (「成本指标」「时效」), when it names one."""
    word = fold(target).removesuffix("指标").removesuffix("类")
    if word not in LEVEL2_WORDS:
        return []
    level2 = level2_from_words(word)
    return [i for i, ind in enumerate(rows) if ind.level2 == level2 or (level2 in COST_LEVEL2 and ind.level2 in COST_LEVEL2)]


def _same_value(target: str, ind: Indicator) -> bool:
    """「12处改成14处」: the target is the row's current value."""
    if not re.search(r"\d", target):
        return False
    a, b = parse_value(spoken_value(target)), ind.parsed
    return a.kind is ValueKind.quantitative and a.number == b.number and bool(a.unit) and a.unit == b.unit


def _value_unit(value: str) -> str | None:
    if not value:
        return None
    parsed = parse_value(spoken_value(value))
    return _money_unit(parsed.unit) if parsed.kind is ValueKind.quantitative else None


def _money_unit(unit: str | None) -> str | None:
    return {"万": "万元", "亿": "亿元", "千": "千元"}.get(unit or "", unit)


# --- values said in words -------------------------------------------------------------------

_NUMERAL = re.compile(r"^([零〇一二两三四五六七八九十百千万点]+)(.*)$")
_PREFIX_WORDS = sorted(OPERATOR_PREFIX_WORDS, key=len, reverse=True)
_SUFFIX_WORDS = sorted(OPERATOR_SUFFIX_WORDS, key=len, reverse=True)


def spoken_value(text: str) -> str:
    """A value as said -> as written: 「不低于95%」->「≥95%」, 「97%以上」->「≥97%」, 「九十八」->「98」,
    「48万以内」->「≤48万元」. Text that is not a value comes back trimmed."""
    text = _VALUE_FILLERS.sub("", text.strip().strip("。.，,；;！!？?")).strip()
    text = _LEAD_WORDS.sub("", text)
    op = ""
    for word in _PREFIX_WORDS:
        if text.startswith(word):
            op, text = OPERATOR_PREFIX_WORDS[word], text[len(word):].strip()
            break
    if text[:1] in "≥≤<>=":
        op, text = text[0], text[1:].strip()
    for word in _SUFFIX_WORDS:
        if text.endswith(word) and re.search(r"\d|[十百千万]", text):
            op, text = op or OPERATOR_SUFFIX_WORDS[word], text[: -len(word)].strip()
            break
    text = _PER_WORDS.sub("", text)  # 「每人每月120元」 into a 元/人·月 row: the row keeps its unit
    m = _NUMERAL.match(text)
    if m and chinese_number(m.group(1)) is not None:
        text = num_text(chinese_number(m.group(1))) + m.group(2)
    text = re.sub(r"^(\d+(?:\.\d+)?)\s*(万|亿|千)(?!元)", r"\1\2元", text)
    return op + text


def complete_value(row: Indicator, said: str, year: int | None) -> tuple[str | None, Problem | None, list[str]]:
    """The value to write into `row` for what the user said: (value, None, notes) or (None,
    problem, []). A bare number keeps the row's unit and operator; money is written in the row's
    unit; a month keeps the row's date form. Notes: 'kept_operator', 'kept_unit'."""
    text = spoken_value(said)
    if not text:
        return None, Problem("no_value", {"name": row.level3}), []
    if re.search(r"\d[eE][+-]?\d", text) or any(float(n) > MAX_NUMBER for n in re.findall(r"\d+(?:\.\d+)?", text)):
        return None, Problem("number_range", {"name": row.level3, "number": text[:20]}), []
    if is_time_row(row) and _DATE.search(text):
        return deadline_value(row, text, year), None, []
    new, old = parse_value(text), row.parsed
    if new.kind is not ValueKind.quantitative:
        return text, None, []
    notes: list[str] = []
    number, unit, op = new.number, _money_unit(new.unit), new.operator
    explicit_op = text[:1] in "≥≤<>="
    if old.kind is ValueKind.quantitative and old.unit:
        if not unit:
            unit = old.unit
            notes.append("kept_unit")
        elif not units_compatible(unit, old.unit):
            return None, Problem("unit_mismatch", {"row": None, "name": row.level3, "unit": old.unit, "given": unit}), []
        elif unit in MONEY_FACTOR and old.unit in MONEY_FACTOR and unit != old.unit:
            number, unit = round(number * MONEY_FACTOR[unit] / MONEY_FACTOR[old.unit], 2), old.unit
        elif unit != old.unit:
            unit = old.unit  # 800元 into a 元/人次 row
    if not explicit_op and old.operator in ("≥", "≤", ">", "<") and old.kind in (ValueKind.quantitative, ValueKind.time):
        op = old.operator
        notes.append("kept_operator")
    problem = _out_of_range(row, number, unit)
    if problem:
        return None, problem, []
    return format_value(op if op != "=" or explicit_op or old.operator == "=" else "", number, unit), None, notes


def _out_of_range(row: Indicator, number: float | None, unit: str | None) -> Problem | None:
    if number is None:
        return None
    if number < 0:
        return Problem("negative", {"name": row.level3})
    if unit == "%" and number > 100 and any(word in row.level3 for word in BOUNDED_RATES):
        return Problem("percent_range", {"name": row.level3, "number": num_text(number)})
    if unit in MONEY_FACTOR and number * MONEY_FACTOR[unit] > MAX_AMOUNT:
        return Problem("amount_range", {"amount": money_text(number * MONEY_FACTOR[unit])})
    return None


def adjust_value(row: Indicator, direction: str, amount: float | None, unit: str,
                 year: int | None) -> tuple[str | None, Problem | None]:
    """The row's value moved by a step: 「提高3个百分点」, 「增加100人次」, 「延后一个月」. Without a
    step, or when the step could mean two things (「提高5%」 of a rate), a problem that asks."""
    sign = 1 if direction == "up" else -1
    current = {"row": None, "name": row.level3, "value": row.value}
    if is_time_row(row):
        if amount is None or amount != int(amount) or not re.search(r"月", unit or "月"):
            return None, Problem("how_much_time", current)  # 「推迟半个月」: say the date
        return shift_deadline(row, int(sign * amount), year), None
    p = row.parsed
    if p.kind is not ValueKind.quantitative or p.number is None or amount is None:
        return None, Problem("how_much", current)
    unit = _money_unit(unit.removeprefix("个")) if unit else ""
    if p.unit == "%" and unit == "%":
        return None, Problem("points_or_percent", {**current, "amount": num_text(amount)})
    if unit in ("百分点", "点"):
        unit = "%" if p.unit == "%" else ""
    if unit and not units_compatible(unit, p.unit):
        return None, Problem("unit_mismatch", {"row": None, "name": row.level3, "unit": p.unit, "given": unit})
    if unit in MONEY_FACTOR and p.unit in MONEY_FACTOR:
        amount = amount * MONEY_FACTOR[unit] / MONEY_FACTOR[p.unit]
    number = round(p.number + sign * amount, 2)
    problem = _out_of_range(row, number, p.unit) or (Problem("negative", current) if number <= 0 else None)
    if problem:
        return None, problem
    return format_value(p.operator if p.operator != "=" else "", number, p.unit), None


# --- dates ------------------------------------------------------------------------------------

_DATE = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(底|末|份|中旬|上旬|下旬|初|(\d{1,2})\s*日)?|年底|年末|年内|年度内")


def _date_parts(text: str) -> tuple[int | None, int, str] | None:
    """(year, month, part) of the first date: part is 底/中旬/上旬/下旬/初 or 'N日'."""
    m = _DATE.search(text)
    if not m:
        return None
    if not m.group(2):
        return None, 12, "底"
    part = m.group(3) or "底"
    part = "底" if part in ("末", "份") else (f"{int(m.group(4))}日" if m.group(4) else part)
    return (int(m.group(1)) if m.group(1) else None), int(m.group(2)), part


def _date_text(row: Indicator, year: int | None, month: int, part: str) -> str:
    tail = "前" if "前" in row.value or not row.value else ""
    return f"{year}年{month}月{part}{tail}" if year else f"{month}月{part}{tail}"


def deadline_value(row: Indicator, said: str, year: int | None) -> str:
    """「9月底」 into a row written 「2026年10月底前」 -> 「2026年9月底前」; 「年底」 -> 12月底."""
    for word, month in PERIOD_MONTHS.items():
        if word in said and not re.search(r"\d+\s*月", said):
            said = said.replace(word, f"{month}月底")
    parts = _date_parts(said)
    if parts is None:
        return said
    said_year, month, part = parts
    row_parts = _date_parts(row.value)
    row_year = re.search(r"(\d{4})\s*年", row.value)
    year = said_year or (int(row_year.group(1)) if row_year else year)
    return _date_text(row, year, month, part)


def shift_deadline(row: Indicator, months: int, year: int | None) -> str:
    parts = _date_parts(row.value)
    row_year = re.search(r"(\d{4})\s*年", row.value)
    year = int(row_year.group(1)) if row_year else year
    if parts is None:
        return row.value
    _, month, part = parts
    month += months
    if year:
        year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return _date_text(row, year, month, part)


def month_of(text: str) -> int | None:
    parts = _date_parts(text)
    return parts[1] if parts else None


# --- budget and plan --------------------------------------------------------------------------


def budget_after(old: Budget, total: float | None = None, fiscal: float | None = None, other: float | None = None,
                 delta: float | None = None, all_fiscal: bool = False) -> tuple[Budget | None, Problem | None]:
    """The budget after the parts the user stated; the others follow so that 预算数 = 财政资金 +
    其他资金 (other funds are kept when only the total changes and they still fit)."""
    cur_fiscal, cur_other = old.fiscal or 0.0, old.other or 0.0
    if delta is not None:
        total = (old.total or 0.0) + delta
    if all_fiscal:
        total = total if total is not None else (fiscal if fiscal is not None else old.total or 0.0)
        fiscal, other = total, 0.0
    if total is not None and fiscal is not None and other is not None:
        if abs(fiscal + other - total) > 0.005:
            return None, Problem("budget_parts", {"total": money_text(total), "fiscal": money_text(fiscal),
                                                  "other": money_text(other)})
    elif total is not None and fiscal is not None:
        other = total - fiscal
    elif total is not None and other is not None:
        fiscal = total - other
    elif fiscal is not None and other is not None:
        total = fiscal + other
    elif total is not None:
        other = cur_other if cur_other <= total else 0.0
        fiscal = total - other
    elif fiscal is not None:
        other, total = cur_other, fiscal + cur_other
    elif other is not None:
        fiscal, total = cur_fiscal, cur_fiscal + other
    else:
        return None, Problem("no_amount")
    for amount in (total, fiscal, other):
        if amount is None or amount < 0 or amount > MAX_AMOUNT:
            return None, Problem("amount_range", {"amount": money_text(amount)})
    if total <= 0:
        return None, Problem("amount_range", {"amount": money_text(total)})
    return Budget(total=round(total, 2), fiscal=round(fiscal, 2), other=round(other, 2)), None


def plan_month(label: str) -> int:
    m = re.search(r"(\d{1,2})\s*月", label)
    return int(m.group(1)) if m else 99


def set_plan_percent(plan: list[PlanItem], label: str, percent: float) -> list[PlanItem]:
    """Set the cumulative percent at a month; a new month is inserted in calendar order."""
    month = plan_month(label)
    out = [p.model_copy() for p in plan]
    for item in out:
        if plan_month(item.label) == month:
            item.percent = percent
            return out
    out.append(PlanItem(label=label, percent=percent))
    return sorted(out, key=lambda p: plan_month(p.label))


def insert_position(rows: list[Indicator], level1: str, level2: str, profile: Any) -> int:
    """After the last row of the same 二级; else after the last row of an earlier category in
    the profile's order; else at the end."""
    same = [i for i, r in enumerate(rows) if r.level2 == level2]
    if same:
        return same[-1] + 1
    order = [name for children in profile.level2.values() for name in children]
    rank = order.index(level2) if level2 in order else len(order)
    before = [i for i, r in enumerate(rows) if r.level2 in order and order.index(r.level2) < rank]
    if before:
        return before[-1] + 1
    return 0 if rank < len(order) and rows else len(rows)


def replace_number(text: str, old: str, new: str) -> str:
    """Replace `old` (a number with its unit) where it is not part of a longer number."""
    if not text or old == new:
        return text
    return re.sub(r"(?<![\d.,])" + re.escape(old), lambda _m: new, text)
