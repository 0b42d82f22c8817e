"""`python -m assistant chat`: one JSON object per message, --table from any parsed file, plain
replies, clear errors, and nothing written outside the data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from chat_phrasings import ROOT, TABLES

from assistant.export import export_tables
from assistant.parsers import load_path


def _run(args: list[str], stdin: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
               "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), **env}
    for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_LOCAL"):
        environ.pop(name, None)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "assistant", "chat", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=work, env=environ, timeout=120)


def _tree(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts and ".venv" not in p.parts}


def test_json_session_one_object_per_message(tmp_path):
    before = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True).stdout
    messages = ["能不能把企业满意度调到95%？", "", "预算其实是60万", "撤销", "撤销", "删掉一个", "第4行", "导出JSON"]
    done = _run(["--json", "--table", str(TABLES["training"][0])], "\n".join(messages) + "\n", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(messages)
    out = [json.loads(line) for line in lines]
    assert all(set(o) == {"reply", "action", "table", "findings"} for o in out)
    start = load_path(TABLES["training"][0]).tables[0].to_json_dict()
    assert [o["action"] for o in out[:6]] == ["set_value", "empty", "set_budget", "undo", "undo", "clarify"]
    assert out[4]["table"] == start  # two undos: back to the table from the file
    assert out[6]["action"] == "remove" and len(out[6]["table"]["indicators"]) == 9
    assert out[7]["action"] == "export" and "\\" not in out[7]["reply"]  # plain text, not markdown
    assert all(isinstance(f["row"], (int, type(None))) and f["message"] for o in out for f in o["findings"])
    # Drafts and the export went to the data folder; nothing anywhere else.
    assert _tree(tmp_path / "work") == set() and not (tmp_path / "index").exists()
    assert any(p.suffix == ".json" for p in (tmp_path / "data" / "exports").rglob("*"))
    after = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True).stdout
    assert after == before


def test_plain_replies_from_a_word_table(tmp_path):
    docx = tmp_path / "training.docx"
    export_tables(load_path(TABLES["training"][0]).tables, docx, overwrite=True)
    done = _run(["--table", str(docx)], "第三行改为百分之九十五\n这个表还有什么问题？\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已打开《2026年中小企业数字化转型培训项目》")
    assert "第3行「培训考核合格率」：指标值 ≥90% → ≥95%" in done.stdout and "检查" in done.stdout
    assert "\\" not in done.stdout and "您>" not in done.stdout  # no prompt when stdin is not a terminal


def test_bad_arguments_are_refused_in_chinese(tmp_path):
    missing = _run(["--table", str(tmp_path / "nope.docx")], "", tmp_path)
    assert missing.returncode == 2 and "错误" in missing.stderr and "Traceback" not in missing.stderr
    profile = _run(["--profile", "xx-2030"], "", tmp_path)
    assert profile.returncode == 2 and "错误" in profile.stderr and "Traceback" not in profile.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    none = _run(["--table", str(empty)], "", tmp_path)
    assert none.returncode == 2 and "错误" in none.stderr and "Traceback" not in none.stderr
