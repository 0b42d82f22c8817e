"""Saved drafts, one row per draft, always read and written for one owner.

SQLite under config.data_dir() by default; any SQLAlchemy URL (PostgreSQL too) via the
environment variable ASSISTANT_DB_URL. An owner is a string: `user:<login name>` with Gradio
auth, else `browser:<random token>` kept in the browser. Every query filters by owner, so a
user never reads, lists, overwrites or deletes another's draft.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, String, Text, create_engine, event, func, inspect, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from assistant import config
from assistant.model import ProjectTable

MAX_LIST = 100
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

MESSAGES = {
    "untitled": "未命名草稿",
}


class _Base(DeclarativeBase):
    pass


class DraftRecord(_Base):
    __tablename__ = "chat_drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    table_json: Mapped[str] = mapped_column(Text)
    indicators: Mapped[int] = mapped_column(Integer, default=0)  # for the list, without reading the table
    sources_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class DraftSummary:
    id: str
    title: str
    updated_at: _dt.datetime
    indicators: int


@dataclass(frozen=True)
class StoredDraft:
    id: str
    owner: str
    table: ProjectTable
    sources: list[dict[str, Any]]
    updated_at: _dt.datetime


def default_url() -> str:
    return config.settings().database_url


def owner_for(username: str | None, browser_token: str | None) -> str | None:
    """`user:<name>` when logged in, else `browser:<token>`; None when there is neither."""
    if username:
        return f"user:{username}"
    if browser_token and valid_token(browser_token):
        return f"browser:{browser_token}"
    return None


def new_browser_token() -> str:
    return secrets.token_urlsafe(24)


def valid_token(token: object) -> bool:
    return isinstance(token, str) and bool(_TOKEN.fullmatch(token))


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _aware(value: _dt.datetime) -> _dt.datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def _title(table: ProjectTable) -> str:
    return (table.project_name or "").strip()[:300] or MESSAGES["untitled"]


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(url: str) -> Engine:
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _Base.metadata.create_all(engine)
        _add_indicator_count(engine)
        _ENGINES[url] = engine
        return engine


def _add_indicator_count(engine: Engine) -> None:
    """Databases made before the `indicators` column get it, filled from the saved tables."""
    if "indicators" in {c["name"] for c in inspect(engine).get_columns(DraftRecord.__tablename__)}:
        return
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE chat_drafts ADD COLUMN indicators INTEGER DEFAULT 0"))
        for draft_id, table_json in connection.execute(text("SELECT id, table_json FROM chat_drafts")).all():
            count = len(json.loads(table_json).get("indicators") or [])
            connection.execute(text("UPDATE chat_drafts SET indicators = :n WHERE id = :id"), {"n": count, "id": draft_id})


class DraftStore:
    """Drafts of all owners in one database; every method takes the owner."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = _engine(self.url)

    def save(self, owner: str, table: ProjectTable, sources: list[dict[str, Any]] | None = None,
             draft_id: str | None = None) -> str:
        """Insert or update; returns the draft id. An id owned by someone else gets a new draft."""
        now = _now()
        table_json = json.dumps(table.to_json_dict(), ensure_ascii=False)
        sources_json = json.dumps(sources or [], ensure_ascii=False, default=str)
        with Session(self.engine) as session, session.begin():
            record = session.get(DraftRecord, draft_id) if draft_id else None
            if record is not None and record.owner == owner:
                record.title, record.table_json, record.sources_json = _title(table), table_json, sources_json
                record.indicators, record.updated_at = len(table.indicators), now
                return record.id
            new_id = uuid.uuid4().hex
            session.add(DraftRecord(id=new_id, owner=owner, title=_title(table), table_json=table_json,
                                    indicators=len(table.indicators), sources_json=sources_json, created_at=now,
                                    updated_at=now))
            return new_id

    def list_drafts(self, owner: str, limit: int = MAX_LIST) -> list[DraftSummary]:
        """The owner's drafts, newest first."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(DraftRecord.id, DraftRecord.title, DraftRecord.updated_at, DraftRecord.indicators)
                .where(DraftRecord.owner == owner)
                .order_by(DraftRecord.updated_at.desc())
                .limit(limit)
            ).all()
        return [DraftSummary(r.id, r.title, _aware(r.updated_at), r.indicators or 0) for r in rows]

    def load(self, owner: str, draft_id: str) -> StoredDraft | None:
        """The draft when it exists and belongs to the owner, else None."""
        with Session(self.engine) as session:
            record = session.get(DraftRecord, draft_id) if draft_id else None
            if record is None or record.owner != owner:
                return None
            return StoredDraft(
                id=record.id,
                owner=record.owner,
                table=ProjectTable.model_validate_json(record.table_json),
                sources=json.loads(record.sources_json or "[]"),
                updated_at=_aware(record.updated_at),
            )

    def delete(self, owner: str, draft_id: str) -> bool:
        with Session(self.engine) as session, session.begin():
            record = session.get(DraftRecord, draft_id) if draft_id else None
            if record is None or record.owner != owner:
                return False
            session.delete(record)
            return True

    def count(self, owner: str | None = None) -> int:
        """Number of drafts (of one owner, or all): for tests and the benchmark."""
        with Session(self.engine) as session:
            query = select(func.count()).select_from(DraftRecord)
            if owner is not None:
                query = query.where(DraftRecord.owner == owner)
            return int(session.execute(query).scalar_one())
