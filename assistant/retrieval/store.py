"""The vector index: a Chroma collection of project and indicator documents built from corpus/.

* Embedded `PersistentClient` under `index_dir()/chroma`, or `HttpClient` when a Chroma server is
  configured (ASSISTANT_CHROMA_URL / ASSISTANT_CHROMA_HOST); the same code serves both.
* The collection metadata records the embedding model and dimension (mixing is refused), the
  ingest state and a manifest {corpus file -> sha256, document count}. The manifest entry of a
  file is written only after all its documents are stored, so it never lies; the state turns
  'complete' last. An index left 'ingesting' (process killed) is finished from the manifest; an
  index that fails to open or answer a sanity query is wiped and rebuilt from corpus/.
* Incremental: unchanged corpus files (same sha256) cost a hash; changed ones replace their
  documents; deleted ones are removed. Writes respect the client's max batch size.
* LangChain: `as_langchain()` gives a langchain-chroma vector store over the same collection
  (for retriever chains); batched writes and the HNSW queries of `Retriever` use the chromadb API
  directly (ids and distances only; hit details come from the Retriever's in-memory table).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from assistant import config
from assistant import corpus as corpus_store
from assistant.corpus import CorpusEntry
from assistant.retrieval.categories import canonical_level1, canonical_level2

COLLECTION = "jxmb_tables"
ENCODE_CHUNK = 256  # documents embedded per model call during ingest

MESSAGES = {
    "mismatch": "索引是用嵌入模型“{index_model}”（{index_dim} 维）建立的，当前配置的模型是“{model}”（{dim} 维），"
    "两者不能混用。请运行 python -m assistant ingest --rebuild 用当前模型重建索引，"
    "或把 ASSISTANT_EMBEDDING_MODEL 改回原来的模型",
    "server": "无法连接 Chroma 服务器 {url}：{error}。请检查服务器是否已启动，或删除 ASSISTANT_CHROMA_URL 改用本地索引",
    "rebuilt": "索引损坏或不完整（{reason}），已从语料库重新建立",
    "resumed": "上次建立索引没有完成，继续建立",
    "progress": "建立索引",
    "summary": "索引：文件 新增 {added}、更新 {updated}、删除 {removed}、未变化 {unchanged}；"
    "写入 {documents} 条（项目 {projects}，指标 {indicators}；计算向量 {embedded} 条），用时 {seconds:.1f} 秒；共 {total} 条",
    "bad_files": "跳过 {count} 个无法读取的语料文件：",
    "bad_file": "  {file}：{error}",
    "bad_json": "不是有效的语料 JSON：{error}",
}


class StoreError(RuntimeError):
    """The index cannot be used as configured (message in Chinese, names the fix)."""


class IndexModelMismatch(StoreError):
    pass


# ----------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class IndexDocument:
    id: str
    text: str
    metadata: dict


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def project_text(name: str, fund_use: str, goal: str) -> str:
    """Dense text of a project: name, fund use and the head of the goal (the model's cost grows
    with length; the head carries the project's subject)."""
    parts = [f"项目：{name}"]
    if fund_use and fund_use != name:
        parts.append(f"资金用途：{_clip(fund_use, 120)}")
    if goal:
        parts.append(f"绩效目标：{_clip(goal, 200)}")
    return "。".join(parts)


def indicator_text(level3: str, description: str, value: str) -> str:
    """Dense text of an indicator row. Its 一级/二级 categories are metadata (filters) and part of
    the lexical text (`lexical_text`); leaving them out here keeps the text short for the model."""
    text = level3
    if description and description != level3:
        text += f"：{_clip(description, 200)}"
    return f"{text}；指标值：{_clip(value, 80)}" if value else text


def lexical_text(text: str, meta: dict) -> str:
    """What BM25 reads: the document plus its categories and, for an indicator, its project."""
    if meta.get("kind") != "indicator":
        return text
    return " ".join((text, meta.get("level1", ""), meta.get("level2", ""), meta.get("project_name", "")))


def _base_metadata(entry: CorpusEntry, corpus_file: str, sha: str, table_no: int, table) -> dict:
    meta = {
        "project_name": table.project_name or "",
        "department": table.department or "",
        "source_file": entry.source_file,
        "corpus_file": corpus_file,
        "file_sha256": sha,
        "table": table_no,
    }
    if table.year is not None:
        meta["year"] = int(table.year)
    return meta


def documents_for_entry(entry: CorpusEntry, corpus_file: str, sha: str) -> list[IndexDocument]:
    """One project document per table and one indicator document per indicator row."""
    docs: list[IndexDocument] = []
    for table_no, table in enumerate(entry.document.tables, start=1):
        base = _base_metadata(entry, corpus_file, sha, table_no, table)
        docs.append(IndexDocument(
            f"{corpus_file}#t{table_no}",
            project_text(table.project_name, table.fund_use, table.goal),
            {**base, "kind": "project", "row": 0, "fund_use": _clip(table.fund_use, 400), "goal": _clip(table.goal, 600)},
        ))
        for row, ind in enumerate(table.indicators, start=1):
            docs.append(IndexDocument(
                f"{corpus_file}#t{table_no}#r{row}",
                indicator_text(ind.level3, ind.description, ind.value),
                {
                    **base, "kind": "indicator", "row": row,
                    "level1": ind.level1, "level2": ind.level2, "level3": ind.level3,
                    "level1_norm": canonical_level1(ind.level1), "level2_norm": canonical_level2(ind.level2),
                    "value": ind.value, "description": _clip(ind.description, 400), "basis": _clip(ind.basis, 400),
                },
            ))
    return docs


# ----------------------------------------------------------------------------- report


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)
    projects: int = 0
    indicators: int = 0
    embedded: int = 0  # texts that went through the model (new, changed, not duplicated)
    seconds: float = 0.0
    total: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.projects + self.indicators

    def summary(self) -> str:
        lines = list(self.notes)
        lines.append(MESSAGES["summary"].format(
            added=len(self.added), updated=len(self.updated), removed=len(self.removed),
            unchanged=len(self.unchanged), documents=self.documents, projects=self.projects,
            indicators=self.indicators, embedded=self.embedded, seconds=self.seconds, total=self.total,
        ))
        if self.bad:
            lines.append(MESSAGES["bad_files"].format(count=len(self.bad)))
            lines.extend(MESSAGES["bad_file"].format(file=f, error=e) for f, e in self.bad)
        return "\n".join(lines)


# ----------------------------------------------------------------------------- clients


def chroma_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def make_client(index_dir: Path | None = None, server: str | None = None):
    """HttpClient for a configured server, else a PersistentClient under index_dir()/chroma."""
    import chromadb

    server = server if server is not None else config.chroma_server()
    if server:
        url = urlparse(server if "://" in server else f"http://{server}")
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https",
                settings=chroma_settings(),
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreError(MESSAGES["server"].format(url=server, error=exc)) from exc
        return client
    path = embedded_path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def embedded_path(index_dir: Path | str | None = None) -> Path:
    return (Path(index_dir) if index_dir else config.index_dir()) / "chroma"


def _wipe_embedded(path: Path) -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # drop this process's handle on the old files
    shutil.rmtree(path, ignore_errors=True)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- store


class Store:
    """One Chroma collection tied to one embedding model."""

    def __init__(self, client, embeddings, name: str = COLLECTION, *, embedded: Path | None = None) -> None:
        self.client = client
        self.embeddings = embeddings
        self.name = name
        self.embedded = embedded  # folder of the embedded store, None for a server
        self.collection = None
        self.max_batch = int(client.get_max_batch_size())

    # -- opening --
    @classmethod
    def open(cls, embeddings, *, index_dir: Path | None = None, server: str | None = None,
             name: str = COLLECTION, rebuild: bool = False, hnsw: dict | None = None) -> tuple["Store", list[str]]:
        """Open (or create) the collection. Returns the store and notes about repairs made.

        Raises IndexModelMismatch when the index was built with another model (unless rebuild)."""
        server = server if server is not None else config.chroma_server()
        embedded = None if server else embedded_path(index_dir)
        notes: list[str] = []
        if rebuild and embedded is not None:
            _wipe_embedded(embedded)
        try:
            store = cls(make_client(index_dir, server), embeddings, name, embedded=embedded)
            if rebuild and embedded is None:
                store._drop()
            store._attach(hnsw)
            store._sanity_check()
        except StoreError:  # a model mismatch or an unreachable server: the user decides
            raise
        except Exception as exc:  # unreadable files, broken segments, failed sanity query
            store = cls._rebuilt(embeddings, index_dir, server, name, embedded, hnsw, _reason(exc), notes)
        return store, notes

    @classmethod
    def _rebuilt(cls, embeddings, index_dir, server, name, embedded, hnsw, reason, notes):
        notes.append(MESSAGES["rebuilt"].format(reason=reason))
        if embedded is not None:
            _wipe_embedded(embedded)
            store = cls(make_client(index_dir, server), embeddings, name, embedded=embedded)
        else:
            store = cls(make_client(index_dir, server), embeddings, name)
            store._drop()
        store._attach(hnsw)
        return store

    def _drop(self) -> None:
        try:
            self.client.delete_collection(self.name)
        except Exception:  # not there: nothing to drop
            pass

    def _attach(self, hnsw: dict | None) -> None:
        existing = {c.name if hasattr(c, "name") else c for c in self.client.list_collections()}
        if self.name in existing:
            self.collection = self.client.get_collection(self.name, embedding_function=None)
            self._check_model()
            return
        configuration = {"hnsw": {"space": "cosine", **(hnsw or {})}}
        self.collection = self.client.create_collection(
            self.name, embedding_function=None, configuration=configuration,
            metadata=self._metadata("empty", {}),
        )

    def _metadata(self, state: str, manifest: dict) -> dict:
        return {
            "model": self.embeddings.name,
            "dimension": int(self.embeddings.dimension),
            "state": state,
            "manifest": json.dumps(manifest, ensure_ascii=False, sort_keys=True),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }

    def _check_model(self) -> None:
        meta = self.collection.metadata or {}
        model, dim = meta.get("model"), meta.get("dimension")
        if model != self.embeddings.name or dim != self.embeddings.dimension:
            raise IndexModelMismatch(MESSAGES["mismatch"].format(
                index_model=model or "?", index_dim=dim or "?",
                model=self.embeddings.name, dim=self.embeddings.dimension,
            ))

    def _sanity_check(self) -> None:
        """Touch every layer once: metadata, count against the manifest, an HNSW query."""
        count = self.collection.count()
        if self.state() == "complete":
            expected = sum(v.get("count", 0) for v in self.manifest().values())
            if expected != count:
                raise RuntimeError(f"count {count} != manifest {expected}")
        if count:
            probe = np.zeros((1, self.embeddings.dimension), dtype=np.float32)
            probe[0, 0] = 1.0
            result = self.collection.query(query_embeddings=probe, n_results=1, include=["metadatas"])
            if not result["ids"] or not result["ids"][0]:
                raise RuntimeError("sanity query returned nothing")

    # -- state --
    def state(self) -> str:
        return (self.collection.metadata or {}).get("state", "empty")

    def manifest(self) -> dict[str, dict]:
        try:
            return json.loads((self.collection.metadata or {}).get("manifest") or "{}")
        except ValueError:
            return {}

    def _save(self, state: str, manifest: dict) -> None:
        self.collection.modify(metadata=self._metadata(state, manifest))

    def count(self) -> int:
        return self.collection.count()

    # -- writing --
    def sync_corpus(self, root: Path | None = None, *, progress: bool = True) -> IngestReport:
        """Bring the index in line with corpus/tables (see the module docstring)."""
        started = time.perf_counter()
        report = IngestReport()
        if self.state() == "ingesting":
            report.notes.append(MESSAGES["resumed"])
        manifest = self.manifest()
        files = sorted(corpus_store.tables_dir(root).glob("*.json")) if corpus_store.tables_dir(root).is_dir() else []
        current: dict[str, tuple[Path, str]] = {}
        for path in files:
            current[path.name] = (path, sha256_bytes(path.read_bytes()))
        report.removed = sorted(set(manifest) - set(current))
        pending: list[tuple[str, str, list[IndexDocument]]] = []
        for name, (path, sha) in current.items():
            if manifest.get(name, {}).get("sha256") == sha:
                report.unchanged.append(name)
                continue
            try:
                docs = documents_for_entry(corpus_store.read_entry(path), name, sha)
            except Exception as exc:  # a bad corpus file is reported, never fatal
                report.bad.append((name, MESSAGES["bad_json"].format(error=_reason(exc))))
                continue
            (report.updated if name in manifest else report.added).append(name)
            pending.append((name, sha, docs))
        if report.removed or pending or report.bad or self.state() != "complete":
            doomed = report.removed + [n for n, _ in report.bad] + [n for n, _, _ in pending]
            for name in doomed:  # mark first: a killed run then redoes these files
                if name in manifest:
                    manifest[name] = {"sha256": "", "count": 0}
            self._save("ingesting", manifest)
            known = self._stored_vectors([n for n, _, _ in pending if n in manifest])
            for name in doomed:
                self._delete_file(name)
            for name in report.removed + [n for n, _ in report.bad]:
                manifest.pop(name, None)
            self._write(pending, manifest, report, progress, known)
            self._save("complete", manifest)
        report.total = self.count()
        report.seconds = time.perf_counter() - started
        return report

    def _stored_vectors(self, corpus_files: list[str]) -> dict[str, np.ndarray]:
        """Vectors already stored for these files, by document text: a changed file re-embeds
        only its changed rows."""
        known: dict[str, np.ndarray] = {}
        if not corpus_files:
            return known
        where = {"corpus_file": {"$in": corpus_files}}
        for offset in range(0, 10**9, self.max_batch):
            got = self.collection.get(where=where, limit=self.max_batch, offset=offset, include=["documents", "embeddings"])
            if not got["ids"]:
                break
            for text, vector in zip(got["documents"], got["embeddings"]):
                known[text] = np.asarray(vector, dtype=np.float32)
        return known

    def _vectors(self, texts: list[str], known: dict[str, np.ndarray], report: IngestReport) -> np.ndarray:
        """Embed each distinct new text once; reuse vectors of texts seen before."""
        fresh = [t for t in dict.fromkeys(texts) if t not in known]
        if fresh:
            for text, vector in zip(fresh, self.embeddings.encode_documents(fresh)):
                known[text] = vector
            report.embedded += len(fresh)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, self.embeddings.dimension), np.float32)

    def _write(self, pending, manifest: dict, report: IngestReport, progress: bool,
               known: dict[str, np.ndarray] | None = None) -> None:
        from tqdm import tqdm

        known = {} if known is None else known
        total = sum(len(docs) for _, _, docs in pending)
        queue: list[IndexDocument] = []
        owners: list[tuple[str, str, int, int]] = []  # (file, sha, documents, end offset in stream)
        offset = 0
        for name, sha, docs in pending:
            queue.extend(docs)
            offset += len(docs)
            owners.append((name, sha, len(docs), offset))
        bar = tqdm(total=total, desc=MESSAGES["progress"], unit="条", disable=not progress or not total,
                   file=sys.stderr, dynamic_ncols=True)
        done = 0
        try:
            for start in range(0, len(queue), ENCODE_CHUNK):
                chunk = queue[start : start + ENCODE_CHUNK]
                vectors = self._vectors([d.text for d in chunk], known, report)
                self.upsert(chunk, vectors)
                done += len(chunk)
                for doc in chunk:
                    if doc.metadata["kind"] == "project":
                        report.projects += 1
                    else:
                        report.indicators += 1
                finished = [o for o in owners if o[3] <= done]
                if finished:
                    for name, sha, count, _ in finished:
                        manifest[name] = {"sha256": sha, "count": count}
                    owners = owners[len(finished):]
                    self._save("ingesting", manifest)
                bar.update(len(chunk))
                bar.set_postfix(项目=report.projects, 指标=report.indicators)
            for name, sha, count, _ in owners:  # files without documents
                manifest[name] = {"sha256": sha, "count": count}
        finally:
            bar.close()

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray) -> None:
        for start in range(0, len(docs), self.max_batch):
            part = docs[start : start + self.max_batch]
            self.collection.upsert(
                ids=[d.id for d in part],
                embeddings=vectors[start : start + len(part)],
                documents=[d.text for d in part],
                metadatas=[d.metadata for d in part],
            )

    def _delete_file(self, corpus_file: str) -> None:
        self.collection.delete(where={"corpus_file": corpus_file})

    # -- reading --
    def records(self, page: int | None = None) -> Iterator[tuple[list[str], list[str], list[dict], np.ndarray]]:
        """All (ids, documents, metadatas, vectors), page by page."""
        page = min(page or self.max_batch, self.max_batch)
        total = self.collection.count()
        for offset in range(0, total, page):
            got = self.collection.get(limit=page, offset=offset, include=["documents", "metadatas", "embeddings"])
            vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1)
            yield got["ids"], got["documents"], got["metadatas"], vectors

    def nearest(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """HNSW search over the whole collection: (id, cosine similarity), best first."""
        result = self.collection.query(query_embeddings=vector.reshape(1, -1), n_results=n, include=["distances"])
        return [(doc_id, 1.0 - float(dist)) for doc_id, dist in zip(result["ids"][0], result["distances"][0])]

    def as_langchain(self):
        """A langchain-chroma vector store over this collection (same client, same model)."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.name, embedding_function=self.embeddings,
                      create_collection_if_not_exists=False)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]
