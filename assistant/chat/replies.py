"""The chat's Chinese texts, and replies rendered from typed outcomes (assistant.chat.outcomes).

    render(outcomes, before, after)            # markdown for the page; user text escaped
    render(outcomes, before, after, markdown=False)   # plain text for the terminal

Every change is one line, row by row (what the user asked for, then what followed from it);
every note the reply mentions is shown; after an edit the checker's new findings are listed.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Callable, Iterable

from assistant.chat import outcomes as O
from assistant.chat.edits import money_text, num_text
from assistant.chat.view import MESSAGES as VIEW
from assistant.chat.view import cell, esc, finding_where, source_ref

MESSAGES = {
    "help": (
        "我可以帮您起草和检查绩效目标表。可以这样说：\n"
        "- **描述新项目**：「2025年中小企业数字化转型培训项目，预算30万元，培训企业负责人200人次，11月底前完成」\n"
        "- **改指标值**：「把培训人数改为300人次」「满意度不低于90%」「第三行改为95%」「合格率提高3个百分点」"
        "「能不能把出勤率调到98%？」\n"
        "- **改时间**：「完成时间提前到9月底」「延后一个月」\n"
        "- **增删指标**：「增加一个时效指标：资金支付及时率≥95%」「出勤率那个不要了」\n"
        "- **改预算与支出计划**：「预算改为50万元」「财政资金40万，其他资金10万」「全部是财政资金」「6月底支出改为60%」\n"
        "- **改表头**：「项目名称改为……」「资金用途改为……」\n"
        "- **撤销**：「撤销」　**检查**：「检查一下」「这个表还有什么问题？」　**导出**：「导出Word」「导出Excel」「导出JSON」\n"
        "- **提问**：「有哪些类似项目的时效指标？」「满意度一般定多少？」「有哪些类似项目？」\n"
        "一句话里可以说几处修改，用逗号隔开。也可以直接在右侧表格中修改，或上传已有的表格（docx/xlsx/json/txt）进行检查。"
    ),
    "unknown": "抱歉，我没有理解“{text}”。",
    "empty": "请输入内容。",
    "too_long": "消息过长（{n} 字），只读取了前 {limit} 字。",
    "internal_error": "处理时出错了，草稿未受影响。请换个说法再试，或输入「帮助」查看示例。",
    "declined": "我只按本助手的规则起草、检查和修改绩效目标表，不会执行“忽略规则”一类的要求。这条消息里的操作都没有执行，表格没有改动。",
    "llm_failed": "大模型暂时不可用（{reason}），已改用规则方式理解您的消息。",
    "llm_unclear": "大模型未能把这句话转换成操作。",
    # drafting
    "drafted": "已根据描述起草《{name}》：共 {n} 个指标，预算 {budget} 元。",
    "draft_method": {"rules": "", "llm": "（由大模型起草，已通过检查）", "llm-fallback": "（大模型起草未通过检查，已改用规则起草）"},
    "notes": "说明：",
    "similar_cited": "参考的相似项目：",
    "draft_failed": "无法根据这段描述起草：{reason}\n\n请至少写明项目名称和预算，例如：「2025年XX培训项目，预算30万元，培训200人次」。",
    "draft_unavailable": "起草服务暂不可用：{reason}",
    # findings
    "findings_none": "检查通过：没有发现问题。",
    "findings_summary": "检查结果：{errors} 个错误、{warnings} 个警告、{infos} 条提示。",
    "finding_line": "- {icon} {where}{name}：{message}{suggestion}",
    "suggestion": "（建议：{text}）",
    "findings_new": "检查发现的新问题：",
    "findings_resolved": "已解决的问题：",
    "findings_same": "检查：没有新问题。",
    "findings_left": "表中仍有 {errors} 个错误、{warnings} 个警告（输入「检查一下」查看全部）。",
    # changes, one line each
    "changed": "已修改：",
    "row_value": "- 第{row}行「{name}」：指标值 {old} → {new}{notes}",
    "row_field": "- 第{row}行「{name}」：{field}由“{old}”改为“{new}”",
    "row_basis": "- 第{row}行「{name}」：依据改为“{new}”（原为“{old}”）",
    "row_follow": "- 第{row}行「{name}」：{field} {old} → {new}（{why}）",
    "row_text_follow": "- 第{row}行「{name}」：{field}中的数字随之更新为“{new}”",
    "why": {"unit_cost": "按预算 ÷ 数量重新计算", "budget": "随预算调整", "quantity": "随数量更新"},
    "kept_operator": "（沿用原来的“{op}”）",
    "kept_unit": "（沿用该行的单位“{unit}”）",
    "field_names": {"value": "指标值", "basis": "指标值确定依据", "description": "绩效指标描述", "level3": "指标名称"},
    "header_names": {"project_name": "项目名称", "fund_use": "资金用途", "goal": "绩效目标", "department": "单位"},
    "text_user": "- {field}改为“{new}”",
    "text_follow": "- {field}中“{old}”改为“{new}”（随之更新）",
    "added": "- 新增第{row}行「{name}」（{level1}/{level2}）：{value}{guess}",
    "added_guess": "（按名称归入“{level2}”，如不对可以在表格中修改）",
    "removed": "- 删除第{row}行「{name}」（{value}）",
    "budget": "- 预算：{old} → {new}",
    "budget_form": "{total} 元（财政资金 {fiscal} + 其他资金 {other}）",
    "plan": "- 资金支出计划：{changes}。现在：{plan}",
    "plan_change": "{label} {old} → {new}",
    "flags": {
        "deadline_vs_plan": "- 请注意：完成时间已是“{deadline}”，支出计划（{plan}）在此之后仍未支出完，请确认是否相应调整支出计划。",
        "stale_mention": "- 请注意：{field}中还有“{number}”，可能是原来的数量（{unit}），请核对是否需要同步修改。",
        "cost_over_budget": "- 请注意：第{row}行「{name}」（{value}）超过新的预算 {total} 元，请确认。",
        "standard_vs_budget": "- 请注意：第{row}行「{name}」{value} × {people} 人 × 12 个月 = {need} 元，与预算 {total} 元不一致，"
                              "请确认预算或补助标准。",
        "goal_mentions_removed": "- 请注意：绩效目标中仍提到「{name}」，请相应修改绩效目标。",
    },
    # questions instead of guesses
    "which_row": "“{target}”可能指以下几行，请说是哪一行（如「第{first}行」）：",
    "which_any": "要{verb}哪一个指标？请说名称或行号（如「第{first}行」）：",
    "which_remove": "要删除哪一个指标？请说名称或行号（如「第{first}行」）：",
    "no_match": "没有找到与“{target}”对应的指标。现有指标如下，请说名称或行号：",
    "verbs": {"set_value": "修改", "adjust": "调整", "remove": "删除"},
    "candidate": "- 第{row}行「{name}」（{value}）",
    "how_much": "第{row}行「{name}」现在是“{value}”，要改成多少？请直接说目标值，例如「95%」。",
    "how_much_time": "第{row}行「{name}」现在是“{value}”，要改到什么时候？例如「9月底」或「延后一个月」。",
    "points_or_percent": "第{row}行「{name}」现在是“{value}”。提高“{amount}%”是指 {amount} 个百分点，还是按比例？"
                         "请直接说目标值，例如「95%」。",
    "add_value": "请给出「{name}」的指标值，例如「≥95%」。",
    "confirm_remove_all": "确定要删除全部 {n} 个指标吗？删除后表格会缺少必填的指标类别。回复「确定」才会删除（之后仍可「撤销」），"
                          "回复其他内容则不删除。",
    # requests the table cannot take
    "no_draft": "还没有草稿。请先描述项目（名称、预算、主要任务和数量），或上传已有的表格。",
    "bad_row": "没有第 {row} 行（共 {n} 行），没有修改。",
    "unit_mismatch": "「{name}」的单位是“{unit}”，您给的是“{given}”，没有修改。如确要改单位，请在表格中直接修改。",
    "no_time_row": "表中没有完成时间一类的时效指标，没有修改。可以先「增加一个时效指标：项目完成时间12月底前」。",
    "no_value": "请给出「{name}」的新值，例如「改为≥95%」。",
    "negative": "「{name}」不能小于或等于 0，没有修改。",
    "percent_range": "「{name}」是比率，不能超过 100%（收到 {number}%），没有修改。",
    "number_range": "「{name}」的数值“{number}”不合常理，没有修改。",
    "amount_range": "金额必须大于 0 且不超过 1000 亿元（收到 {amount} 元），没有修改。",
    "budget_parts": "财政资金 {fiscal} 元 + 其他资金 {other} 元 ≠ 预算数 {total} 元，没有修改，请核对。",
    "no_amount": "没有读出金额，请写明，例如「预算改为50万元」。",
    "plan_bad": "支出比例应在 0% 到 100% 之间（{label}：{percent}%），没有修改。",
    "add_no_name": "请给出新指标的名称和指标值，例如「增加一个时效指标：资金支付及时率≥95%」。",
    "export_failed": "导出失败：{reason}",
    # answers
    "same_value": "第{row}行「{name}」已经是“{value}”，没有变化。",
    "same_header": "没有变化。",
    "same_budget": "预算没有变化。",
    "same_plan": "支出计划没有变化。",
    "no_question": "现在没有需要回答的问题。请直接说要做什么，例如「把第3行改为≥95%」。",
    "cancelled": "好的，没有改动。",
    "llm_text": "{text}",
    "undone": "已撤销上一步（{what}），表格恢复到修改之前。",
    "nothing_to_undo": "没有可以撤销的操作。",
    "what": {"draft": "起草", "set_value": "修改指标", "adjust": "调整指标", "set_header": "修改表头",
             "set_budget": "修改预算", "set_plan": "修改支出计划", "add": "增加指标", "remove": "删除指标",
             "table": "表格编辑", "header": "表头编辑", "upload": "上传的表格", "restore": "打开草稿", "clear": "新建草稿",
             "start": "打开表格"},
    "exported": "已导出 {fmt}：{name}。",
    "exported_page": "点击右侧“下载”按钮保存。",
    "export_with_errors": "注意：草稿还有 {n} 个错误，建议修改后再提交。",
    "export_formats": {"docx": "Word", "xlsx": "Excel", "json": "JSON"},
    "retrieval_unavailable": "检索服务暂不可用：{reason}",
    "retrieval_refused": "{reason}",
    "no_hits": "语料中没有找到与“{topic}”相关的{what}。",
    "what_indicators": "指标",
    "what_projects": "项目",
    "hits_indicators": "语料中{scope}的指标（共 {n} 条，按相似度排序）：",
    "hits_projects": "语料中相似的项目（共 {n} 个）：",
    "hit_indicator": "- {name}：{value}（{project}，{ref}）",
    "hit_project": "- {project}（{ref}）",
    "scope_level2": "“{level2}”类",
    "scope_topic": "与“{topic}”相关",
    "stats_header": "“{topic}”的取值统计：",
    "stats_line": "- {line}",
    # the page and the terminal
    "edited_in_table": "已保存表格中的修改。",
    "header_saved": "已保存表头修改。",
    "no_change": "没有变化。",
    "restored": "已打开草稿《{name}》。",
    "not_found": "没有找到这份草稿（可能已被删除，或不属于当前用户）。",
    "new_session": "已开始新的草稿。请描述项目。",
    "started": "已打开《{name}》（{n} 个指标），可以继续对话修改。",
    "upload_too_big": "文件过大：{size:.1f} MB，上限 {limit} MB。",
    "upload_type": "不支持的文件类型“{suffix}”。请上传 .docx、.xlsx、.json 或 .txt 文件。",
    "upload_failed": "无法读取文件：{reason}",
    "upload_none": "请先选择要上传的文件。",
    "upload_loaded": "已读取《{file}》：共 {n} 个项目表。",
    "upload_table": "第{index}个：{name}（{n} 个指标）",
    "upload_check_header": "《{name}》的检查结果：",
    "upload_started": "已把《{name}》作为当前草稿，可以继续对话修改。",
    "upload_pick": "请先上传文件并选择其中一个项目表。",
}

_CONTEXT = 8  # characters around a changed fragment of a long text


def plain(text: object) -> str:
    """Text for the terminal: as written, on one line."""
    return cell(text)


class Renderer:
    """Chinese replies from outcomes; `markdown` escapes user and corpus text for the page."""

    def __init__(self, markdown: bool = True) -> None:
        self.markdown = markdown
        self.e: Callable[[object], str] = esc if markdown else plain

    def text(self, key: str, **data: Any) -> str:
        return self.finish(MESSAGES[key].format(**data))

    def finish(self, text: str) -> str:
        return text if self.markdown else text.replace("**", "")

    # --- a whole turn ---------------------------------------------------------------------------
    def turn(self, outcomes: Iterable[O.Outcome], before: list[Any], after: list[Any], table: Any) -> str:
        blocks: list[str] = []
        changes: list[str] = []
        edited = False
        for outcome in outcomes:
            if isinstance(outcome, O.Edited):
                edited = True
                changes += [line for change in merged(outcome.changes) for line in self.change(change)]
                continue
            blocks.append(self.outcome(outcome, table))
        if edited:
            blocks.insert(0, "\n".join([MESSAGES["changed"], *changes]))
            blocks.append(self.findings_diff(before, after))
        return "\n\n".join(b for b in blocks if b)

    def outcome(self, o: O.Outcome, table: Any) -> str:
        e = self.e
        if isinstance(o, O.Clarification):
            return self.clarification(o, table)
        if isinstance(o, (O.Refusal, O.Notice)):
            if o.key == "help":
                return self.finish(MESSAGES["help"])
            data = {k: e(v) if isinstance(v, str) else v for k, v in o.data.items()}
            return self.text(o.key, **data)
        if isinstance(o, O.Drafted):
            return self.drafted(o)
        if isinstance(o, O.Checked):
            return self.findings(o.findings)
        if isinstance(o, O.Found):
            return self.found(o)
        if isinstance(o, O.Exported):
            text = self.text("exported", fmt=MESSAGES["export_formats"][o.fmt],
                             name=e(o.path.name if self.markdown else o.path))
            if self.markdown:
                text += MESSAGES["exported_page"]
            if o.errors:
                text += "\n\n" + self.text("export_with_errors", n=o.errors)
            return text
        if isinstance(o, O.Undone):
            if o.what is None:
                return self.text("nothing_to_undo")
            what = "、".join(MESSAGES["what"].get(w, w) for w in o.what.split("+"))
            return self.text("undone", what=what)
        raise TypeError(f"no rendering for {type(o).__name__}")

    def unknown(self, message: str) -> str:
        return self.text("unknown", text=self.e(message[:80])) + "\n\n" + self.finish(MESSAGES["help"])

    # --- changes --------------------------------------------------------------------------------
    def change(self, c: O.Change) -> list[str]:
        e = self.e
        if isinstance(c, O.RowChange):
            return [self.row_change(c)]
        if isinstance(c, O.RowAdded):
            guess = MESSAGES["added_guess"].format(level2=e(c.level2)) if c.guessed else ""
            return [self.text("added", row=c.row, name=e(c.name), level1=e(c.level1), level2=e(c.level2),
                              value=e(c.value), guess=guess)]
        if isinstance(c, O.RowRemoved):
            return [self.text("removed", row=c.row, name=e(c.name), value=e(c.value))]
        if isinstance(c, O.BudgetChange):
            return [self.text("budget", old=self.budget(c.old), new=self.budget(c.new))]
        if isinstance(c, O.PlanChange):
            old = {p.label: p.percent for p in c.old}
            changed = [MESSAGES["plan_change"].format(label=e(p.label), old=_percent(old.get(p.label)),
                                                      new=_percent(p.percent))
                       for p in c.new if old.get(p.label) != p.percent]
            plan = "，".join(f"{e(p.label)} {_percent(p.percent)}" for p in c.new)
            return [self.text("plan", changes="；".join(changed), plan=plan)]
        if isinstance(c, O.TextChange):
            field = MESSAGES["header_names"].get(c.field, c.field)
            if c.why == "user":
                return [self.text("text_user", field=field, new=e(c.new))]
            return [self.text("text_follow", field=field, old=e(a), new=e(b)) for a, b in fragments(c.old, c.new)]
        if isinstance(c, O.Flag):
            data = {k: e(v) if isinstance(v, str) else v for k, v in c.data.items()}
            if "field" in data:
                data["field"] = MESSAGES["header_names"].get(c.data["field"], data["field"])
            return [self.finish(MESSAGES["flags"][c.key].format(**data))]
        raise TypeError(f"no rendering for {type(c).__name__}")

    def row_change(self, c: O.RowChange) -> str:
        e = self.e
        field = MESSAGES["field_names"].get(c.field, c.field)
        if c.why == "user" and c.field == "value":
            notes = "".join(self._note(n, c.new) for n in c.notes)
            return self.text("row_value", row=c.row, name=e(c.name), old=e(c.old), new=e(c.new), notes=notes)
        if c.why == "user_basis":
            return self.text("row_basis", row=c.row, name=e(c.name), old=e(c.old), new=e(c.new))
        if c.why == "user":
            return self.text("row_field", row=c.row, name=e(c.name), field=field, old=e(c.old), new=e(c.new))
        if c.field == "value":
            return self.text("row_follow", row=c.row, name=e(c.name), field=field, old=e(c.old), new=e(c.new),
                             why=MESSAGES["why"].get(c.why, ""))
        parts = fragments(c.old, c.new)
        return self.text("row_text_follow", row=c.row, name=e(c.name), field=field,
                         new=e("；".join(b for _a, b in parts) or c.new))

    def _note(self, note: str, value: str) -> str:
        from assistant.values import parse_value

        parsed = parse_value(value)
        if note == "kept_operator" and parsed.operator:
            return MESSAGES["kept_operator"].format(op=self.e(parsed.operator))
        if note == "kept_unit" and parsed.unit:
            return MESSAGES["kept_unit"].format(unit=self.e(parsed.unit))
        return ""

    def budget(self, b: Any) -> str:
        return MESSAGES["budget_form"].format(total=money_text(b.total), fiscal=money_text(b.fiscal),
                                              other=money_text(b.other))

    # --- questions ------------------------------------------------------------------------------
    def clarification(self, o: O.Clarification, table: Any) -> str:
        e = self.e
        rows = table.indicators if table is not None else []
        first = (o.candidates[0] + 1) if o.candidates else 1
        data = {k: e(v) if isinstance(v, str) else v for k, v in o.data.items()}
        data.update(first=first, verb=MESSAGES["verbs"].get(o.data.get("action", ""), "修改"))
        lines = [self.text(o.key, **data)]
        lines += [self.text("candidate", row=i + 1, name=e(rows[i].level3), value=e(rows[i].value))
                  for i in o.candidates if i < len(rows)]
        return "\n".join(lines)

    # --- drafts, findings, retrieval ------------------------------------------------------------
    def drafted(self, o: O.Drafted) -> str:
        e = self.e
        result = o.result
        table = result.table
        head = self.text("drafted", name=e(table.project_name), n=len(table.indicators), budget=money_text(table.budget.total))
        head += MESSAGES["draft_method"].get(result.method, "")
        notes = list(dict.fromkeys(result.notes))
        line = (result.project_type or {}).get("line") if getattr(result, "project_type", None) else None
        if line and line not in notes:
            notes.insert(0, line)
        blocks = [head]
        if notes:
            blocks.append(MESSAGES["notes"] + "\n" + "\n".join(f"- {e(n)}" for n in notes))
        projects = [s for s in o.sources if s.get("kind") == "project"]
        if projects:
            blocks.append(MESSAGES["similar_cited"] + "\n" + "\n".join(
                self.text("hit_project", project=e(s["project_name"]), ref=e(source_ref(s))) for s in projects))
        return "\n\n".join(blocks)

    def finding_line(self, f: Any) -> str:
        e = self.e
        name = f"「{e(f.level3)}」" if f.level3 else ""
        suggestion = MESSAGES["suggestion"].format(text=e(f.suggestion)) if f.suggestion else ""
        return self.text("finding_line", icon=VIEW["icon"].get(f.severity, ""), where=finding_where(f), name=name,
                         message=e(f.message), suggestion=suggestion)

    def findings(self, findings: list[Any]) -> str:
        """All findings, errors first (the checker's order)."""
        if not findings:
            return self.text("findings_none")
        counts = _counts(findings)
        return "\n".join([self.text("findings_summary", **counts), *(self.finding_line(f) for f in findings)])

    def findings_diff(self, before: list[Any], after: list[Any]) -> str:
        """After an edit: the findings it brought and the ones it resolved, all of them."""
        old, new = {_key(f) for f in before}, {_key(f) for f in after}
        added = [f for f in after if _key(f) not in old]
        resolved = [f for f in before if _key(f) not in new]
        if not after:
            return self.text("findings_none")
        lines = []
        if added:
            lines += [MESSAGES["findings_new"], *(self.finding_line(f) for f in added)]
        if resolved:
            lines += [MESSAGES["findings_resolved"], *(self.finding_line(f) for f in resolved)]
        if not added:
            lines.append(self.text("findings_same"))
        counts = _counts(after)
        if counts["errors"] or counts["warnings"]:
            lines.append(self.text("findings_left", **counts))
        return "\n".join(lines)

    def found(self, o: O.Found) -> str:
        e = self.e
        d = o.data
        if o.key == "no_hits":
            what = MESSAGES["what_projects"] if d.get("projects") else MESSAGES["what_indicators"]
            return self.text("no_hits", topic=e(d["topic"]), what=what)
        if o.key in ("retrieval_unavailable", "retrieval_refused"):
            return self.text(o.key, reason=e(d["reason"]))
        if o.key == "stats":
            return "\n".join([self.text("stats_header", topic=e(d["topic"])),
                              *(self.text("stats_line", line=e(line)) for line in o.lines)])
        if o.key == "hits_projects":
            return "\n".join([self.text("hits_projects", n=d["n"]), *(
                self.text("hit_project", project=e(s["project_name"]), ref=e(source_ref(s))) for s in o.sources)])
        scope = (MESSAGES["scope_level2"].format(level2=e(d["level2"])) if d.get("level2") and not d.get("topic")
                 else MESSAGES["scope_topic"].format(topic=e(d.get("topic", ""))))
        return "\n".join([self.text("hits_indicators", scope=scope, n=d["n"]), *(
            self.text("hit_indicator", name=e(s["level3"]), value=e(s["value"]), project=e(s["project_name"]),
                      ref=e(source_ref(s))) for s in o.sources)])


def merged(changes: list[O.Change]) -> list[O.Change]:
    """Several updates of one field of one row (the budget, then the unit cost) as one line."""
    out: list[O.Change] = []
    seen: dict[tuple[int, str], int] = {}
    for c in changes:
        key = (c.row, c.field) if isinstance(c, O.RowChange) else None
        if key is not None and key in seen:
            first = out[seen[key]]
            why = first.why if first.why.startswith("user") else c.why
            out[seen[key]] = O.RowChange(c.row, c.name, c.field, first.old, c.new, why, first.notes)
            continue
        if key is not None:
            seen[key] = len(out)
        out.append(c)
    return out


def _counts(findings: list[Any]) -> dict[str, int]:
    return {f"{s}s": sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}


def _key(f: Any) -> tuple:
    return (f.rule, f.level3, f.message)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{num_text(value)}%"


def fragments(old: str, new: str) -> list[tuple[str, str]]:
    """The changed parts of a long text with a little context: [('…600人次…', '…800人次…')]."""
    if len(old) <= 2 * _CONTEXT + 10 and len(new) <= 2 * _CONTEXT + 10:
        return [(old, new)]
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a0, b0 = max(0, i1 - _CONTEXT), max(0, j1 - _CONTEXT)
        a = old[a0: i2 + _CONTEXT]
        b = new[b0: j2 + _CONTEXT]
        out.append((_ellipsis(a, a0 > 0, i2 + _CONTEXT < len(old)), _ellipsis(b, b0 > 0, j2 + _CONTEXT < len(new))))
    return out


def _ellipsis(text: str, head: bool, tail: bool) -> str:
    text = re.sub(r"\s+", " ", text)
    return ("…" if head else "") + text + ("…" if tail else "")
