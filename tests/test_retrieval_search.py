"""Search with the real model over a copy of the corpus: hybrid ranking, filters, sources, bad
input, statistics, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import cli, corpus
from assistant.retrieval import model_files
from assistant.retrieval.lexical import BM25Index, rank_bm25_scores
from assistant.retrieval.search import MAX_QUERY_CHARS, FilterError, QueryError, Retriever, reciprocal_rank_fusion
from assistant.retrieval.stats import value_label, value_stats
from assistant.retrieval.store import documents_for_entry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("retrieval")
    shutil.copytree(ROOT / "corpus" / "tables", base / "corpus" / "tables")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASSISTANT_CORPUS_DIR", str(base / "corpus"))
        mp.setenv("ASSISTANT_INDEX_DIR", str(base / "index"))
        mp.delenv("ASSISTANT_CHROMA_URL", raising=False)
        mp.delenv("ASSISTANT_CHROMA_HOST", raising=False)
        mp.setenv("ASSISTANT_EMBEDDING_MODEL", str(model_files.ensure_embedding_model()))
        yield base


@pytest.fixture(scope="module")
def retriever(env):
    return Retriever.open()


def test_index_built_on_first_open_with_sources(retriever):
    assert retriever.store.count() == 291 and retriever.store.state() == "complete"
    hits = retriever.search("雾炮车洒水降尘的车辆有几台", k=5)
    top = hits[0]
    assert top.project_name == "雾炮车降尘抑尘服务" and top.source.file == "007.json"
    for hit in hits:
        assert hit.source.file and hit.source.project == hit.project_name and hit.source.table >= 1
        if hit.kind == "indicator":
            assert hit.source.row >= 1 and hit.level3
            table = next(e for e in corpus.entries() if e.source_file == hit.source.file).document.tables[hit.source.table - 1]
            assert table.indicators[hit.source.row - 1].level3 == hit.level3
        else:
            assert hit.source.row is None


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_each_mode_finds_a_reworded_indicator(retriever, mode):
    hits = retriever.search("学生和家长对学校满不满意", k=5, mode=mode)
    assert any(h.level3 == "学生家长满意度" for h in hits), [h.level3 for h in hits]


def test_filters(retriever):
    hits = retriever.search("完成时间", k=20, level2="进度指标")  # alias of 时效指标
    assert hits and all(h.kind == "indicator" for h in hits)
    assert all(h.level2 in ("时效指标", "产出时效", "时效指标(工期指标)", "时效值", "時效指標", "产出时效(10)") for h in hits), {h.level2 for h in hits}
    projects = retriever.similar_projects("农村学校改善办学条件", k=3)
    assert projects and all(h.kind == "project" for h in projects)
    assert projects[0].project_name == "农村义务教育薄弱学校改造补助资金"
    dept = retriever.search("满意度", k=10, department="玉田县工业和信息化局")
    assert dept and all("玉田县工业和信息化局" in h.department for h in dept)
    year = retriever.search("满意度", k=10, year=2020, kind="indicator")
    assert year and all(h.year == 2020 for h in year)
    sat = retriever.search("满意度", k=50, level1="满意度指标")
    assert sat and all(h.level1.startswith("满意度") for h in sat)


@pytest.mark.parametrize("filters", [{"level2": "时效指标"}, {"kind": "indicator"}, {"department": "玉田县"}])
def test_filtered_dense_search_is_exact(retriever, filters):
    """Selective filters search the matching rows exactly; broad ones widen HNSW and post-filter:
    both must give the brute-force top 5 (on this corpus HNSW is exact)."""
    query = "工作按时完成"
    hits = retriever.search(query, k=5, mode="dense", **filters)
    table = retriever.table
    mask = table.mask(retriever.filters(**filters))
    scores = table.vectors @ retriever.embeddings.encode_queries([query])[0]
    scores[~mask] = -np.inf
    expected = np.sort(scores)[::-1][:5]  # compare scores: identical rows tie in any order
    assert np.allclose([h.score for h in hits], expected, atol=1e-5)
    assert all(mask[table.position[h.id]] for h in hits)


@pytest.mark.parametrize("filters, message", [
    ({"level2": "产出时间"}, "未知的二级指标"),
    ({"level1": "好坏指标"}, "未知的一级指标"),
    ({"department": "不存在的局"}, "没有与“不存在的局”匹配的部门"),
    ({"year": 2031}, "没有 2031 年"),
    ({"year": "明年"}, "年份“明年”无效"),
    ({"kind": "table"}, "未知的类型"),
])
def test_unknown_filters_give_chinese_errors(retriever, filters, message):
    with pytest.raises(FilterError, match=message):
        retriever.search("满意度", **filters)


@pytest.mark.parametrize("query, message", [("", "为空"), ("   \n\t", "为空"), ("。，！？……", "标点"), ("😀🎉👍", "表情"), ("+-*/=#@", "符号")])
def test_bad_queries(retriever, query, message):
    with pytest.raises(QueryError, match=message):
        retriever.search(query)


def test_very_long_query_is_truncated_not_fatal(retriever):
    hits = retriever.search("服务对象满意度" * 1500, k=3)  # 10,500 characters
    assert len(hits) == 3 and "满意" in hits[0].level3 + hits[0].level2
    assert MAX_QUERY_CHARS < 10_000


def test_langchain_vector_store_over_the_same_collection(retriever):
    store = retriever.store.as_langchain()
    docs = store.similarity_search("雾炮车降尘抑尘服务配备车辆数", k=1)
    assert docs[0].metadata["source_file"] == "007.json" and docs[0].metadata["row"] == 1


def test_search_many_matches_single_searches(retriever):
    queries = ["培训出勤率", "信访维稳经费"]
    many = retriever.search_many(queries, k=3)
    assert [[h.id for h in hits] for hits in many] == [[h.id for h in retriever.search(q, k=3)] for q in queries]


def test_bm25_equals_rank_bm25(retriever):
    texts = retriever.table.texts[:120]
    index = BM25Index(texts)
    for query in ("服务对象满意度", "培训人数 95%", "雾炮车"):
        assert np.allclose(index.scores(query), rank_bm25_scores(texts, query), atol=1e-4)


def test_reciprocal_rank_fusion_prefers_agreement():
    fused = reciprocal_rank_fusion([[("a", 1), ("b", 1), ("c", 1)], [("c", 1), ("a", 1)]])
    assert [doc for doc, _ in fused] == ["a", "c", "b"]


def test_value_stats_for_a_category_and_a_name(retriever):
    stats = value_stats(retriever, "服务对象满意度")
    assert stats.matched_by == "level2" and stats.category == "服务对象满意度指标"
    by_label = {g.label: g for g in stats.groups}
    assert by_label["≥95%"].tables >= 10 and by_label["≥90%"].tables >= 4
    assert stats.groups[0].label == "≥95%"
    assert all(s.file and s.row for g in stats.groups for s in g.sources)
    text = stats.summary()
    assert "服务对象满意度指标" in text and "≥95%" in text and "张表" in text
    # The same from plain tables (no index) agrees on the counts.
    plain = value_stats(corpus.load_tables(), "服务对象满意度指标")
    assert plain.rows == stats.rows and plain.tables == stats.tables
    named = value_stats(retriever, "培训出勤率")
    assert named.matched_by == "name" and named.rows >= 1
    assert all("出勤" in name for g in named.groups for name in g.names)
    assert value_label("≥95百分比") == value_label(">=95%") == "≥95%" and value_label("=100%") == "100%"


def test_cli_search_json_and_stats(retriever, capsys):
    assert cli.main(["search", "--json", "-k", "2", "--kind", "indicator", "雾炮车", "培训出勤率"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [p["query"] for p in payload] == ["雾炮车", "培训出勤率"]
    hit = payload[0]["hits"][0]
    assert set(hit) == {"kind", "project_name", "level1", "level2", "level3", "value", "score", "source"}
    assert set(hit["source"]) == {"file", "project", "table", "row"} and hit["kind"] == "indicator"
    assert cli.main(["search", "满意度", "--level2", "产出时间"]) == 2
    assert "未知的二级指标" in capsys.readouterr().err
    assert cli.main(["search", "😀", "满意度"]) == 1
    out = capsys.readouterr().out
    assert "表情" in out and "满意度" in out
    assert cli.main(["stats", "服务对象满意度"]) == 0
    assert "≥95%" in capsys.readouterr().out


def test_cli_ingest_adds_a_file_and_indexes_it(retriever, env, capsys, tmp_path):
    source = ROOT / "corpus" / "sources" / "025.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    data_text = json.dumps(data, ensure_ascii=False).replace("蒙城县", "测试县")
    new_file = tmp_path / "new_table.json"
    new_file.write_text(data_text, encoding="utf-8")
    assert cli.main(["ingest", str(new_file)]) == 0
    captured = capsys.readouterr()
    assert "已加入" in captured.out
    reopened = Retriever.open()
    assert reopened.store.count() == 291 + len(documents_for_entry(corpus.read_entry(env / "corpus" / "tables" / "new_table.json"), "x", "x"))
    assert cli.main(["ingest"]) == 0
    assert "写入 0 条" in capsys.readouterr().out
