"""export_tables (format by extension, no silent overwrite, atomic write), JSON export and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from export_cases import counts, dump, minimal_table, round_trip, stress_tables

from assistant import corpus
from assistant.cli import main
from assistant.export import export_tables
from assistant.model import SCHEMA_VERSION, Indicator
from assistant.parsers import InputError, load_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = corpus.load_tables()


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("index", range(len(CORPUS)), ids=lambda i: f"corpus{i:02d}")
def test_every_corpus_table_round_trips(tmp_path, index, suffix):
    table = CORPUS[index]
    assert dump(round_trip([table], tmp_path / f"one{suffix}")) == dump([table])


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_whole_corpus_in_one_file(tmp_path, suffix):
    assert len(CORPUS) == 31
    assert dump(round_trip(CORPUS, tmp_path / f"corpus{suffix}")) == dump(CORPUS)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".json"])
def test_export_by_extension_reads_back(tmp_path, seed_doc, suffix):
    path = export_tables(seed_doc.tables, tmp_path / f"out{suffix}")
    assert path == tmp_path / f"out{suffix}"
    back = load_path(path).tables
    assert dump(back) == dump(seed_doc.tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{suffix}"]  # no temp file left


def test_json_form_has_schema_version_and_sources(tmp_path, seed_doc):
    path = export_tables(stress_tables(), tmp_path / "out.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION and len(data["tables"]) == 4
    assert "😀" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    assert counts(load_path(path).tables) == counts(stress_tables())
    seed = json.loads(export_tables(seed_doc.tables, tmp_path / "seed.json").read_text(encoding="utf-8"))
    assert seed["tables"][0]["source"]["format"] == "seed-txt"  # JSON keeps provenance


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".json"])
def test_never_overwrites_without_permission(tmp_path, seed_doc, suffix):
    target = tmp_path / f"existing{suffix}"
    target.write_bytes(b"keep me")
    before = target.stat().st_mtime_ns
    with pytest.raises(InputError) as info:
        export_tables(seed_doc.tables, target)
    assert info.value.key == "exists" and "文件已存在" in str(info.value)
    assert target.read_bytes() == b"keep me" and target.stat().st_mtime_ns == before
    export_tables(seed_doc.tables, target, overwrite=True)
    assert dump(load_path(target).tables) == dump(seed_doc.tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_failed_export_leaves_nothing_behind(tmp_path):
    too_long = minimal_table().model_copy(update={"indicators": [Indicator(level3="长", basis="字" * 40000)]})
    with pytest.raises(InputError) as info:
        export_tables([too_long], tmp_path / "out.xlsx")
    assert info.value.key == "too_long"
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_unwritable_target(tmp_path, seed_doc):
    with pytest.raises(InputError) as info:
        export_tables(seed_doc.tables, tmp_path / "no" / "such" / "out.docx")
    assert info.value.key == "no_folder" and "输出目录不存在" in str(info.value)
    folder = tmp_path / "taken.json"
    folder.mkdir()  # the target name is a folder: replacing it fails
    with pytest.raises(InputError) as info:
        export_tables(seed_doc.tables, folder, overwrite=True)
    assert info.value.key == "write_failed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.json"]


def test_unknown_extension_refused(tmp_path, seed_doc):
    with pytest.raises(InputError) as info:
        export_tables(seed_doc.tables, tmp_path / "out.pdf")
    assert info.value.key == "export_suffix" and ".pdf" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_cli_export_booklet_and_workbook(tmp_path, seed_txt, capsys):
    docx_path, xlsx_path = tmp_path / "booklet.docx", tmp_path / "book.xlsx"
    corpus_file = ROOT / "corpus" / "tables" / "001.json"
    assert main(["export", str(seed_txt), str(corpus_file), "--to", str(docx_path), "--title", "汇编"]) == 0
    assert "已导出 11 个项目表、97 条指标" in capsys.readouterr().out
    assert counts(load_path(docx_path).tables)[:2] == (11, 97)
    assert main(["export", str(docx_path), "--to", str(xlsx_path)]) == 0
    assert counts(load_path(xlsx_path).tables)[:2] == (11, 97)
    # Existing output: refused without --force, replaced with it.
    before = docx_path.read_bytes()
    assert main(["export", str(seed_txt), "--to", str(docx_path)]) == 2
    assert "文件已存在" in capsys.readouterr().err and docx_path.read_bytes() == before
    assert main(["export", str(seed_txt), "--to", str(docx_path), "--force"]) == 0
    assert counts(load_path(docx_path).tables)[:2] == (10, 90)


def test_cli_refuses_partial_export(tmp_path, seed_txt, capsys):
    out = tmp_path / "out.docx"
    assert main(["export", str(seed_txt), str(tmp_path / "missing.json"), "--to", str(out)]) == 2
    err = capsys.readouterr().err
    assert "文件不存在" in err and "未导出" in err
    assert not out.exists()


def test_cli_runs_as_module_without_traceback(tmp_path, seed_txt):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "export", str(broken), "--to", str(tmp_path / "o.json")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "broken.docx" in result.stderr
    assert not (tmp_path / "o.json").exists()
