"""`lint FILE... [--profile P] [--json] [--fix]`: check tables, report findings grouped by project
(or as a JSON array), exit 1 when any error is found. `--fix` writes a corrected copy next to
each input (never over the input or an existing file) and reports what it changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.checks import (
    DEFAULT_PROFILE,
    PROFILES,
    Finding,
    Severity,
    findings_json,
    fix_table,
    has_errors,
    lint_table,
    unreadable_file,
)
from assistant.checks.messages import SEVERITY_LABELS
from assistant.model import Document
from assistant.parsers import InputError, load_path

MESSAGES = {
    "help": "检查绩效目标表：缺项、模糊表述、不一致之处，并给出修改建议",
    "profile": "指标框架：hebei-2025（默认，成本指标属产出指标）或 mof-2021（成本指标单列）",
    "json": "输出 JSON 数组（rule, severity, project_name, level1, level2, level3, field, message, suggestion）",
    "fix": "自动修正规范写法（百分比→%、>=→≥、类别别称→规范名称），另存为 *.fixed.json，不改原文件",
    "file": "文件：{path}",
    "project": "■ {name}（{counts}）",
    "project_clean": "■ {name}：未发现问题",
    "unnamed": "（无项目名称）",
    "counts": "错误 {error}，警告 {warning}，提示 {info}",
    "finding": "  [{label}] {message}",
    "suggestion": "      建议：{suggestion}",
    "rule": "      规则：{rule}",
    "summary": "共检查 {files} 个文件、{tables} 个项目表：{counts}",
    "fixed": "已修正 {count} 处，另存为：{path}",
    "fixed_item": "  · {message}",
    "nothing_to_fix": "{path}：没有可自动修正的写法",
    "write_failed": "错误：无法在 {path} 旁写入修正后的副本（{error}），原文件未改动",
}

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
RESET = "\033[0m"


def register(subparsers) -> None:
    p = subparsers.add_parser("lint", help=MESSAGES["help"])
    p.add_argument("files", nargs="+")
    p.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE, help=MESSAGES["profile"])
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.add_argument("--fix", action="store_true", help=MESSAGES["fix"])
    p.set_defaults(func=run)


def fixed_candidates(path: Path):
    """`name.fixed.json` next to the input, then `name.fixed-2.json`, `name.fixed-3.json`, …"""
    yield path.with_name(f"{path.stem}.fixed.json")
    number = 2
    while True:
        yield path.with_name(f"{path.stem}.fixed-{number}.json")
        number += 1


def write_new_file(path: Path, text: str) -> Path:
    """Write `text` to the first free fixed-copy name; never over the input or an existing file."""
    for candidate in fixed_candidates(path):
        if candidate.resolve() == path.resolve():
            continue
        try:
            with open(candidate, "x", encoding="utf-8") as handle:  # "x": fails if it exists
                handle.write(text)
            return candidate
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def _write_fixed(path: Path, doc: Document, profile: str, out) -> tuple[Document, bool]:
    """Write the fixed copy (if anything changed); (the document to report on, whether all went well)."""
    fixed_tables, changes = [], []
    for table in doc.tables:
        fixed, applied = fix_table(table, profile)
        fixed_tables.append(fixed)
        changes.extend(applied)
    if not changes:
        print(MESSAGES["nothing_to_fix"].format(path=path), file=out)
        return doc, True
    payload = {
        "source_file": path.name,
        "tables": [t.to_json_dict() for t in fixed_tables],
        "department_goals": doc.department_goals.model_dump(mode="json") if doc.department_goals else None,
    }
    try:
        target = write_new_file(path, json.dumps(payload, ensure_ascii=False, indent=1))
    except OSError as exc:
        print(MESSAGES["write_failed"].format(path=path, error=exc.strerror or exc), file=sys.stderr)
        return doc, False
    print(MESSAGES["fixed"].format(count=len(changes), path=target), file=out)
    for change in changes:
        print(MESSAGES["fixed_item"].format(message=change.message), file=out)
    return Document(tables=fixed_tables, department_goals=doc.department_goals), True


def _counts(findings: list[Finding]) -> str:
    return MESSAGES["counts"].format(**{s.value: sum(f.severity == s.value for f in findings) for s in Severity})


def _paint(text: str, severity: str, colour: bool) -> str:
    return f"{COLOURS[severity]}{text}{RESET}" if colour else text


def _report_project(name: str, findings: list[Finding], colour: bool) -> list[str]:
    if not findings:
        return [MESSAGES["project_clean"].format(name=name)]
    lines = [MESSAGES["project"].format(name=name, counts=_counts(findings))]
    for f in findings:
        label = _paint(SEVERITY_LABELS[f.severity], f.severity, colour)
        lines.append(MESSAGES["finding"].format(label=label, message=f.message))
        if f.suggestion:
            lines.append(MESSAGES["suggestion"].format(suggestion=f.suggestion))
        lines.append(MESSAGES["rule"].format(rule=f.rule))
    return lines


def run(args) -> int:
    colour = sys.stdout.isatty() and not args.json
    notes = sys.stderr if args.json else sys.stdout
    everything: list[Finding] = []
    tables = 0
    written = True
    for raw in args.files:
        path = Path(raw)
        try:
            doc = load_path(path)
        except InputError as exc:
            finding = unreadable_file(str(exc))
            everything.append(finding)
            if not args.json:
                print("\n".join([MESSAGES["file"].format(path=path), *_report_project(str(path), [finding], colour)]))
            continue
        if args.fix:
            doc, ok = _write_fixed(path, doc, args.profile, notes)
            written = written and ok
        lines = [MESSAGES["file"].format(path=path)]
        for table in doc.tables:
            findings = lint_table(table, args.profile)
            everything.extend(findings)
            tables += 1
            lines += _report_project(table.project_name or MESSAGES["unnamed"], findings, colour)
        if not args.json:
            print("\n".join(lines))
    if args.json:
        print(findings_json(everything))
    else:
        print(MESSAGES["summary"].format(files=len(args.files), tables=tables, counts=_counts(everything)))
    return 1 if has_errors(everything) or not written else 0
