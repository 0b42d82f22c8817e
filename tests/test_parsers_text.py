"""The seed booklet, the public JSON corpus, encodings and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import corpus
from assistant.model import ProjectTable, Source
from assistant.parsers import InputError, load_path
from assistant.parsers.seed_txt import parse_seed_text

ROOT = Path(__file__).resolve().parent.parent


def test_seed_counts(seed_doc):
    tables = seed_doc.tables
    assert len(tables) == 10
    assert sum(len(t.indicators) for t in tables) == 90
    assert round(sum(t.budget.total for t in tables), 2) == 3418300.00
    assert all([p.percent for p in t.spending_plan] == [25, 50, 75, 100] for t in tables)
    assert all([p.label for p in t.spending_plan] == ["3月底", "6月底", "10月底", "12月底"] for t in tables)
    assert {t.year for t in tables} == {2025}
    assert all(t.department == "436001玉田县工业和信息化局本级" for t in tables)


def test_seed_department_part(seed_doc):
    goals = seed_doc.department_goals
    assert goals is not None
    assert len(goals.sub_goals) == 7
    assert goals.sub_goals[0].title == "支持工业转型升级"
    assert goals.sub_goals[0].indicators[0] == "工业技术改造投资增速"
    assert len(goals.sub_goals[0].indicators) == 6
    assert goals.sub_goals[5].indicators == ["综合事务保障率"]
    assert goals.overall_goal.startswith("坚持“创新驱动")
    assert goals.measures.startswith("完善制度建设")
    assert goals.department == "玉田县工业和信息化局"


def test_seed_real_values(seed_doc):
    by_name = {t.project_name: t for t in seed_doc.tables}
    jicai = by_name["冀财建【2024】269号提前下达2025年省级中小企业发展专项资金"]
    assert jicai.budget.total == 1023000.00
    assert jicai.budget.fiscal == 1023000.00
    assert jicai.budget.other is None
    assert jicai.project_code == "13022925P00020410001B"
    assert len(jicai.indicators) == 9
    quantity = [i for i in jicai.indicators if i.level2 == "数量指标"]
    assert [(i.level3, i.value) for i in quantity] == [("支持企业数量", "以文件为准")]
    assert jicai.fund_use == "2025年省级中小企业发展专项资金"
    assert jicai.goal.startswith("1.加大专精特新中小企业培育力度")

    weiwen = by_name["维稳经费"]
    social = [i for i in weiwen.indicators if i.level2 == "社会效益指标"]
    assert len(social) == 2

    first = seed_doc.tables[0]
    row = first.indicators[0]
    assert (row.level1, row.level2, row.level3, row.value) == ("产出指标", "数量指标", "有效化解信访矛盾率（%）", "≥80百分比")
    assert (row.parsed.operator, row.parsed.number, row.parsed.unit) == ("≥", 80, "%")
    # merged 一级 cells inherit: the 2nd row's 一级 is blank in the text
    assert first.indicators[1].level1 == "产出指标"
    assert [i.level1 for i in first.indicators].count("效益指标") == 4


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_seed_encodings(tmp_path, seed_txt, encoding):
    text = seed_txt.read_text(encoding="utf-8")
    path = tmp_path / "booklet.txt"
    path.write_bytes(text.encode(encoding))
    doc = load_path(path)
    assert len(doc.tables) == 10
    assert doc.tables[4].indicators[0].value == "以文件为准"


def test_public_json_forms():
    doc = load_path(ROOT / "corpus" / "sources" / "004.json")
    table = doc.tables[0]
    assert table.budget.total == 63000.0
    assert table.year == 2021
    assert table.source.format == "public-json"
    assert table.source.url.startswith("http")
    partial = load_path(ROOT / "corpus" / "sources" / "006.json").tables[0]
    assert partial.source.complete is False
    with_target = load_path(ROOT / "corpus" / "sources" / "014.json").tables[0]
    assert all(i.value for i in with_target.indicators)


def test_every_corpus_table_round_trips_through_json():
    tables = corpus.load_tables()
    assert len(tables) == 31
    for table in tables:
        again = ProjectTable.model_validate_json(json.dumps(table.to_json_dict(), ensure_ascii=False))
        assert again == table


def test_corpus_matches_its_sources():
    """corpus/tables/*.json are exactly what parsing corpus/sources gives today."""
    for entry in corpus.entries():
        source = ROOT / "corpus" / "sources" / entry.source_file
        assert [t.to_json_dict() for t in load_path(source).tables] == [t.to_json_dict() for t in entry.document.tables]


def test_json_keys_exactly(seed_doc):
    data = seed_doc.tables[0].to_json_dict()
    assert list(data) == [
        "project_code", "project_name", "department", "year", "budget", "fund_use",
        "spending_plan", "goal", "indicators", "source",
    ]
    assert list(data["budget"]) == ["total", "fiscal", "other"]
    assert list(data["indicators"][0]) == ["level1", "level2", "level3", "description", "value", "basis", "parsed"]
    assert list(data["indicators"][0]["parsed"]) == ["operator", "number", "unit", "kind"]
    assert list(data["spending_plan"][0]) == ["label", "percent"]


def test_add_file_is_incremental_and_never_touches_input(tmp_path, seed_txt):
    src = tmp_path / "my.txt"
    src.write_bytes(seed_txt.read_bytes())
    before = src.read_bytes()
    root = tmp_path / "corpus"
    entry, changed = corpus.add_file(src, root)
    assert changed and len(entry.document.tables) == 10
    _, changed_again = corpus.add_file(src, root)
    assert not changed_again
    src.write_bytes(before.replace("≥80百分比".encode(), "≥85%".encode()))
    entry, changed = corpus.add_file(src, root)
    assert changed
    assert entry.document.tables[0].indicators[0].value == "≥85%"
    assert len(list((root / "tables").glob("*.json"))) == 1
    assert (root / "sources" / "my.txt").read_bytes() == src.read_bytes()


BAD = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 40,
    "no_tables.txt": "只是一段说明文字，没有表格。\n".encode(),
    "bad.json": b'{"project_name": "x", ',
    "wrong.json": b'[{"project_name": "x", "indicators": "oops"}]',
    "fake.docx": b"PK\x03\x04 not really a zip",
    "table.pdf": b"%PDF-1.4",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_give_clear_messages(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(BAD[name])
    with pytest.raises(InputError) as info:
        load_path(path)
    message = str(info.value)
    assert name in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)
    assert path.read_bytes() == BAD[name]


def test_huge_text_file_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"\t" + "数".encode() * (50 * 1024 * 1024 // 3))
    with pytest.raises(InputError, match="文件过大"):
        load_path(path)


def test_zip_bomb_refused(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(InputError, match="压缩炸弹"):
        load_path(path)


def test_truncated_seed_keeps_what_can_be_read(tmp_path, seed_txt):
    text = seed_txt.read_text(encoding="utf-8")
    path = tmp_path / "cut.txt"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    doc = load_path(path)
    assert 4 <= len(doc.tables) <= 6
    assert all(t.indicators for t in doc.tables[:-1])


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(["\t", "\t一级指标", "\t产出指标", "1.测试绩效目标表", "\t预算数", "\t资金支出计划（%）", "\t绩效目标"])), max_size=60))
def test_text_parser_never_raises(lines):
    doc = parse_seed_text("\n".join(lines), Source(file="x.txt"))
    for table in doc.tables:
        assert isinstance(table, ProjectTable)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_parse_json(seed_txt):
    result = run_cli("parse", "--json", str(seed_txt))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 10
    assert sum(len(t["indicators"]) for t in data) == 90


def test_cli_parse_summary_and_bad_file(tmp_path, seed_txt):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run_cli("parse", str(seed_txt), str(bad))
    assert result.returncode == 1
    assert "10 个项目表，90 条指标，预算合计 3,418,300.00 元" in result.stdout
    assert "empty.txt" in result.stderr and "文件为空" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_schema():
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) >= {"project_code", "indicators", "budget", "spending_plan", "source"}
