"""The draft store against both databases it supports: SQLite (the default) and a real
PostgreSQL server (tests/pg_server.py). Save, list, restore, owners kept apart, concurrent
saves, and a database made before the list's row-count column."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
from pg_server import new_database, postgres_server  # noqa: F401 (session fixture)
from sqlalchemy import create_engine, text

from assistant.chat.storage import DraftStore
from assistant.model import Budget, Indicator, PlanItem, ProjectTable


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'drafts.sqlite3'}"
    return new_database(request.getfixturevalue("postgres_server"))


def _table(name: str, rows: int = 1) -> ProjectTable:
    return ProjectTable(project_name=name, budget=Budget(total=100.0, fiscal=100.0, other=0.0),
                        spending_plan=[PlanItem(label="12月底", percent=100.0)],
                        indicators=[Indicator(level1="产出指标", level2="数量指标", level3=f"培训人次{i}", value="≥1个")
                                    for i in range(rows)])


def test_save_list_restore(db_url):
    store = DraftStore(db_url)
    owner = "user:alice"
    sources = [{"kind": "project", "project_name": "参考"}]
    first = store.save(owner, _table("一", rows=3))
    second = store.save(owner, _table("二"))
    assert store.save(owner, _table("一（改）", rows=4), sources, draft_id=first) == first
    assert [(d.id, d.title, d.indicators) for d in store.list_drafts(owner)] == [(first, "一（改）", 4), (second, "二", 1)]
    restored = store.load(owner, first)
    assert restored.table == _table("一（改）", rows=4) and restored.sources == sources
    assert restored.updated_at.tzinfo is not None
    assert store.delete(owner, second) and store.count(owner) == 1


def test_owners_are_kept_apart(db_url):
    store = DraftStore(db_url)
    a_id = store.save("user:a", _table("甲项目"))
    b_id = store.save("user:b", _table("乙项目"))
    assert [d.title for d in store.list_drafts("user:a")] == ["甲项目"]
    assert store.load("user:b", a_id) is None and store.load("user:a", b_id) is None
    assert not store.delete("user:b", a_id)
    assert store.save("user:b", _table("乙偷改"), draft_id=a_id) != a_id  # someone else's id: a new draft
    assert store.load("user:a", a_id).table.project_name == "甲项目"
    assert store.count("user:a") == 1 and store.count("user:b") == 2 and store.count() == 3


def test_concurrent_saves(db_url):
    store = DraftStore(db_url)
    owners, saves = [f"user:u{i}" for i in range(8)], 10

    def work(owner: str) -> str:
        draft_id = None
        for n in range(saves):
            draft_id = store.save(owner, _table(f"{owner} 第{n}版", rows=n + 1), draft_id=draft_id)
        store.save(owner, _table(f"{owner} 另一份"))
        return draft_id

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(owners)) as pool:
        ids = list(pool.map(work, owners))
    assert store.count() == 2 * len(owners)
    for owner, draft_id in zip(owners, ids):
        listed = store.list_drafts(owner)
        assert sorted(d.title for d in listed) == sorted([f"{owner} 第{saves - 1}版", f"{owner} 另一份"])
        assert store.load(owner, draft_id).table.indicators[-1].level3 == f"培训人次{saves - 1}"


def test_a_database_from_before_the_row_count_column(db_url):
    engine = create_engine(db_url)
    table = _table("旧草稿", rows=5)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE chat_drafts (id VARCHAR(32) PRIMARY KEY, owner VARCHAR(200), title VARCHAR(300), "
            "table_json TEXT, sources_json TEXT, created_at TIMESTAMP WITH TIME ZONE, "
            "updated_at TIMESTAMP WITH TIME ZONE)"))
        connection.execute(text("INSERT INTO chat_drafts VALUES ('old1', 'user:a', '旧草稿', :t, '[]', "
                                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"t": json.dumps(table.to_json_dict())})
    engine.dispose()
    store = DraftStore(db_url)
    assert [(d.title, d.indicators) for d in store.list_drafts("user:a")] == [("旧草稿", 5)]
    assert store.load("user:a", "old1").table == table
