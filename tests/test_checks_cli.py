"""`python -m assistant lint`: report, JSON, exit codes, unreadable files, --fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.parsers import load_path

ROOT = Path(__file__).resolve().parent.parent
SEED_JSON = ROOT / "corpus" / "tables" / "000_991aea9c0f3c36de.json"
CLEAN_JSON = ROOT / "tests" / "data" / "clean_table.json"
JSON_KEYS = ["rule", "severity", "project_name", "level1", "level2", "level3", "field", "message", "suggestion"]


def _lint(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_groups_by_project_and_exits_1_on_errors(capsys):
    code, out, _ = _lint(capsys, str(SEED_JSON))
    assert code == 1
    assert "■ 残疾人保障金（错误 " in out
    assert "「效益指标/经济效益指标/经济发展」的指标值“促进”" in out
    assert "建议：请改为可考核的量化值" in out
    assert "\033[" not in out  # no colour when stdout is not a terminal
    assert out.rstrip().splitlines()[-1].startswith("共检查 1 个文件、10 个项目表：错误 ")


def test_clean_file_exits_0(capsys):
    code, out, _ = _lint(capsys, str(CLEAN_JSON))
    assert code == 0
    assert "错误 0，警告 0" in out


def test_json_output_has_exactly_the_public_keys(capsys):
    code, out, _ = _lint(capsys, "--json", str(SEED_JSON))
    data = json.loads(out)
    assert code == 1
    assert data and all(list(item) == JSON_KEYS for item in data)
    deferred = [d for d in data if d["rule"] == "value.deferred" and d["level3"] == "支持企业数量"]
    assert deferred and deferred[0]["severity"] == "error" and deferred[0]["field"] == "value"


def test_profile_option_changes_the_findings(capsys):
    _, hebei, _ = _lint(capsys, "--json", str(SEED_JSON))
    _, mof, _ = _lint(capsys, "--json", "--profile", "mof-2021", str(SEED_JSON))
    rules = lambda text: {d["rule"] for d in json.loads(text)}  # noqa: E731
    assert "structure.wrong-parent" in rules(mof) - rules(hebei)


@pytest.mark.parametrize("content", [b"{not json", b"\x00\x01\x02binary"])
def test_unreadable_file_is_a_finding_not_a_traceback(capsys, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, _ = _lint(capsys, "--json", str(bad), str(CLEAN_JSON))
    data = json.loads(out)
    assert code == 1
    assert data[0]["rule"] == "file.unreadable" and data[0]["severity"] == "error"
    assert "bad.json" in data[0]["message"] and data[0]["level3"] is None
    code, out, _ = _lint(capsys, str(tmp_path / "missing.json"))
    assert code == 1 and "文件不存在" in out


def test_fix_writes_a_new_copy_and_never_overwrites(capsys, tmp_path):
    source = tmp_path / "seed.json"
    shutil.copyfile(SEED_JSON, source)
    original = source.read_bytes()
    code, out, _ = _lint(capsys, "--fix", str(source))
    first = tmp_path / "seed.fixed.json"
    assert first.exists() and source.read_bytes() == original
    assert "已修正" in out and "规范写法为“≥95%”" in out
    fixed_tables = load_path(first).tables
    assert len(fixed_tables) == 10
    assert not any("百分比" in row.value for t in fixed_tables for row in t.indicators)
    assert "value.nonstandard-unit" not in out  # the report is of the corrected copy
    assert code == 1  # vague values remain errors: they are not mechanical fixes
    first_bytes = first.read_bytes()
    _lint(capsys, "--fix", str(source))
    assert (tmp_path / "seed.fixed-2.json").exists()
    assert first.read_bytes() == first_bytes and source.read_bytes() == original


def test_fix_with_nothing_to_fix_writes_nothing(capsys, tmp_path):
    source = tmp_path / "clean.json"
    shutil.copyfile(CLEAN_JSON, source)
    code, out, _ = _lint(capsys, "--fix", str(source))
    assert code == 0 and "没有可自动修正的写法" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.json"]


def test_fix_failing_to_write_reports_and_leaves_the_input(capsys, tmp_path, monkeypatch):
    source = tmp_path / "seed.json"
    shutil.copyfile(SEED_JSON, source)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("assistant.commands.lint.write_new_file", refuse)
    code, _, err = _lint(capsys, "--fix", "--json", str(source))
    assert code == 1 and "无法在" in err and "Permission denied" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.json"]


def test_fix_skips_names_taken_meanwhile(tmp_path):
    from assistant.commands.lint import write_new_file

    source = tmp_path / "a.json"
    source.write_text("{}", encoding="utf-8")
    (tmp_path / "a.fixed.json").write_text("taken", encoding="utf-8")
    target = write_new_file(source, "new")
    assert target.name == "a.fixed-2.json" and (tmp_path / "a.fixed.json").read_text(encoding="utf-8") == "taken"
