"""Hybrid search over past tables: dense (Chroma) + lexical (BM25), fused by reciprocal rank.

    retriever = Retriever.open()                  # model once, index opened / built from corpus/
    hits = retriever.search("培训满意度", k=5, kind="indicator", level2="服务对象满意度指标")
    hits[0].source  # HitSource(file=..., project=..., table=1, row=7)
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from assistant.retrieval.categories import LEVEL1, LEVEL2, canonical_level1, canonical_level2, fold
from assistant.retrieval.embeddings import LocalEmbeddings, load_embeddings
from assistant.retrieval.lexical import DEFAULT_TOKENIZER, BM25Index
from assistant.retrieval.store import COLLECTION, IngestReport, Store, lexical_text

Kind = Literal["project", "indicator"]
Mode = Literal["dense", "lexical", "hybrid"]

MAX_QUERY_CHARS = 500  # e5 reads 512 tokens; longer queries only add noise
RRF_K = 60
CANDIDATES = 50  # per ranker, before fusion
BROAD_FILTER = 0.25  # a filter keeping this share of rows or more searches HNSW and post-filters
SUBSET_CACHE = 8  # filters whose vectors stay gathered in memory
_SUBSET_LOCK = threading.Lock()

MESSAGES = {
    "empty": "查询内容为空，请输入要查找的项目或指标，例如“服务对象满意度”",
    "no_text": "查询只包含标点、符号或表情，没有可检索的文字，请输入项目或指标名称",
    "truncated": "查询过长（{length} 字），只使用前 {limit} 字",
    "kind": "未知的类型“{value}”，只能是 project（项目）或 indicator（指标）",
    "level1": "未知的一级指标“{value}”。可选：{known}",
    "level2": "未知的二级指标“{value}”。可选：{known}",
    "department": "索引中没有与“{value}”匹配的部门。已有部门示例：{known}",
    "year": "索引中没有 {value} 年的表。已有年份：{known}",
    "bad_year": "年份“{value}”无效，请输入四位数年份，例如 2025",
    "mode": "未知的检索方式“{value}”，只能是 dense、lexical 或 hybrid",
}


class RetrievalError(ValueError):
    """A query or filter that cannot be served; str() is a Chinese message for the user."""


class QueryError(RetrievalError):
    pass


class FilterError(RetrievalError):
    pass


class HitSource(BaseModel):
    file: str
    project: str
    table: int
    row: int | None = None


class Hit(BaseModel):
    kind: Kind
    project_name: str
    level1: str = ""
    level2: str = ""
    level3: str = ""
    value: str = ""
    score: float
    source: HitSource
    department: str = ""
    year: int | None = None
    description: str = ""
    basis: str = ""
    fund_use: str = ""
    goal: str = ""
    text: str = ""
    id: str = ""

    def brief(self) -> dict:
        """The CLI/JSON form: {kind, project_name, level1, level2, level3, value, score, source}."""
        return self.model_dump(include={"kind", "project_name", "level1", "level2", "level3", "value", "score", "source"})


def hit_from(doc_id: str, text: str, meta: dict, score: float) -> Hit:
    return Hit(
        kind=meta.get("kind", "indicator"),
        project_name=meta.get("project_name", ""),
        level1=meta.get("level1", ""), level2=meta.get("level2", ""), level3=meta.get("level3", ""),
        value=meta.get("value", ""),
        score=round(float(score), 6),
        source=HitSource(
            file=meta.get("source_file", ""), project=meta.get("project_name", ""),
            table=int(meta.get("table", 0)), row=(int(meta["row"]) or None) if meta.get("row") is not None else None,
        ),
        department=meta.get("department", ""), year=meta.get("year"),
        description=meta.get("description", ""), basis=meta.get("basis", ""),
        fund_use=meta.get("fund_use", ""), goal=meta.get("goal", ""),
        text=text or "", id=doc_id,
    )


# ----------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class PreparedQuery:
    text: str
    truncated: bool
    original_length: int


def _has_text(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def prepare_query(query: str) -> PreparedQuery:
    """Validate and bound a query; raises QueryError with a Chinese message."""
    text = " ".join((query or "").split())
    if not text:
        raise QueryError(MESSAGES["empty"])
    if not _has_text(text):
        raise QueryError(MESSAGES["no_text"])
    if len(text) > MAX_QUERY_CHARS:
        return PreparedQuery(text[:MAX_QUERY_CHARS], True, len(text))
    return PreparedQuery(text, False, len(text))


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    level1: str | None = None
    level2: str | None = None
    departments: tuple[str, ...] | None = None
    year: int | None = None


# ----------------------------------------------------------------------------- lexical side


class DocumentTable:
    """Every indexed document in memory: texts, metadata and vectors for BM25, filtered dense
    search, hit details and statistics. Loaded from the store on open (the store stays the truth;
    `Retriever.reload()` refreshes it)."""

    def __init__(self, ids: list[str], texts: list[str], metas: list[dict], tokenizer: str = DEFAULT_TOKENIZER,
                 vectors: np.ndarray | None = None):
        self.ids, self.texts, self.metas = ids, texts, metas
        if vectors is None or len(vectors) != len(ids):
            vectors = np.zeros((len(ids), 0), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if vectors.size else 1.0
        self.vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        self.position = {doc_id: i for i, doc_id in enumerate(ids)}
        self.bm25 = BM25Index([lexical_text(t, m) for t, m in zip(texts, metas)], tokenizer)
        # Filter columns as integer codes (comparing 100k Python strings per query took ~100 ms).
        self.columns = {name: _Column([m.get(key, "") for m in metas]) for name, key in
                        (("kind", "kind"), ("level1", "level1_norm"), ("level2", "level2_norm"), ("department", "department"))}
        self.year = np.array([m.get("year", -1) for m in metas], dtype=np.int64)
        self._known = {
            **{name: sorted(set(self.columns[name].values) - {""}) for name in ("level1", "level2", "department")},
            "year": sorted(int(y) for y in set(self.year.tolist()) - {-1}),
        }

    @classmethod
    def from_store(cls, store: Store, tokenizer: str = DEFAULT_TOKENIZER) -> "DocumentTable":
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        pages: list[np.ndarray] = []
        for page_ids, page_texts, page_metas, page_vectors in store.records():
            ids.extend(page_ids)
            texts.extend(t or "" for t in page_texts)
            metas.extend(m or {} for m in page_metas)
            pages.append(page_vectors)
        vectors = np.concatenate(pages) if pages else None
        return cls(ids, texts, metas, tokenizer, vectors)

    def mask(self, filters: Filters) -> np.ndarray | None:
        parts = [self.columns[name].isin(wanted) for name, wanted in (
            ("kind", filters.kind and (filters.kind,)), ("level1", filters.level1 and (filters.level1,)),
            ("level2", filters.level2 and (filters.level2,)), ("department", filters.departments)) if wanted is not None]
        if filters.year is not None:
            parts.append(self.year == filters.year)
        if not parts:
            return None
        mask = parts[0]
        for part in parts[1:]:
            mask = mask & part
        return mask

    def known(self) -> dict[str, list]:
        return self._known


class _Column:
    """A string column stored as codes into its distinct values."""

    def __init__(self, items: list[str]) -> None:
        self.values: list[str] = list(dict.fromkeys(items))
        index = {value: code for code, value in enumerate(self.values)}
        self.codes = np.fromiter((index[v] for v in items), dtype=np.int32, count=len(items))
        self._index = index

    def isin(self, wanted) -> np.ndarray:
        codes = [self._index[v] for v in wanted if v in self._index]
        if len(codes) == 1:
            return self.codes == codes[0]
        return np.isin(self.codes, codes)


# ----------------------------------------------------------------------------- retriever


class Retriever:
    """Model, store and lexical index opened once; search from anywhere (CLI, UI, drafting)."""

    def __init__(self, embeddings: LocalEmbeddings, store: Store, table: DocumentTable, notes: list[str] | None = None):
        self.embeddings = embeddings
        self.store = store
        self.table = table
        self.notes = notes if notes is not None else []
        self.last_report: IngestReport | None = None

    @classmethod
    def open(cls, build_if_missing: bool = True, *, model_path: Path | str | None = None,
             index_dir: Path | None = None, server: str | None = None, collection: str = COLLECTION,
             rebuild: bool = False, corpus_root: Path | None = None, progress: bool = False,
             tokenizer: str = DEFAULT_TOKENIZER, embeddings=None) -> "Retriever":
        """Load the model (once per process), open the index and, when build_if_missing, bring it
        up to date with corpus/ (a no-op costing one hash per file when nothing changed).
        `embeddings` replaces the configured model (any object with name, dimension,
        encode_documents and encode_queries)."""
        embeddings = embeddings or load_embeddings(model_path)
        store, notes = Store.open(embeddings, index_dir=index_dir, server=server, name=collection, rebuild=rebuild)
        retriever = cls(embeddings, store, DocumentTable([], [], []), notes)
        if build_if_missing:
            report = store.sync_corpus(corpus_root, progress=progress)
            retriever.last_report = report
            if report.documents or report.removed or report.bad or report.notes:
                retriever.notes.append(report.summary())
        retriever.table = DocumentTable.from_store(store, tokenizer)
        return retriever

    def ingest(self, corpus_root: Path | None = None, progress: bool = True) -> IngestReport:
        report = self.store.sync_corpus(corpus_root, progress=progress)
        if report.documents or report.removed or report.bad:
            self.reload()
        return report

    def reload(self) -> None:
        self.table = DocumentTable.from_store(self.store, self.table.bm25.tokenizer_name)

    @property
    def table(self) -> DocumentTable:
        return self._table

    @table.setter
    def table(self, value: DocumentTable) -> None:
        self._table = value
        self._subsets: dict[Filters, tuple[np.ndarray, np.ndarray]] = {}  # belong to one table

    # -- filters --
    def filters(self, kind=None, level1=None, level2=None, department=None, year=None) -> Filters:
        """Resolve user filters to canonical values; unknown ones raise FilterError."""
        known = self.table.known()
        if kind is not None and kind not in ("project", "indicator"):
            raise FilterError(MESSAGES["kind"].format(value=kind))
        l1 = l2 = None
        if level1:
            l1 = canonical_level1(level1)
            if l1 not in known["level1"] and l1 not in LEVEL1:
                raise FilterError(MESSAGES["level1"].format(value=level1, known="、".join(known["level1"] or LEVEL1)))
        if level2:
            l2 = canonical_level2(level2)
            if l2 not in known["level2"] and l2 not in LEVEL2:
                raise FilterError(MESSAGES["level2"].format(value=level2, known="、".join(known["level2"] or LEVEL2)))
        departments = None
        if department:
            wanted = fold(department).replace(" ", "")
            departments = tuple(d for d in known["department"] if wanted in fold(d).replace(" ", ""))
            if not departments:
                raise FilterError(MESSAGES["department"].format(value=department, known="、".join(known["department"][:8])))
        year_value = None
        if year is not None and str(year).strip():
            try:
                year_value = int(str(year).strip())
            except ValueError as exc:
                raise FilterError(MESSAGES["bad_year"].format(value=year)) from exc
            if year_value not in known["year"]:
                raise FilterError(MESSAGES["year"].format(value=year_value, known="、".join(map(str, known["year"]))))
        if (l1 or l2) and kind is None:
            kind = "indicator"  # categories exist only on indicators
        return Filters(kind, l1, l2, departments, year_value)

    # -- search --
    def search(self, query: str, k: int = 10, kind: str | None = None, level1: str | None = None,
               level2: str | None = None, department: str | None = None, year: int | str | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        return self.search_many([query], k, kind=kind, level1=level1, level2=level2,
                                department=department, year=year, mode=mode)[0]

    def search_many(self, queries: list[str], k: int = 10, *, kind: str | None = None,
                    level1: str | None = None, level2: str | None = None, department: str | None = None,
                    year: int | str | None = None, mode: Mode = "hybrid") -> list[list[Hit]]:
        """Several queries with one model call; raises QueryError/FilterError before any work."""
        if mode not in ("dense", "lexical", "hybrid"):
            raise RetrievalError(MESSAGES["mode"].format(value=mode))
        prepared = [prepare_query(q) for q in queries]
        filters = self.filters(kind, level1, level2, department, year)
        k = max(1, int(k))
        depth = max(CANDIDATES, 3 * k)
        vectors = self.embeddings.encode_queries([p.text for p in prepared]) if mode != "lexical" else None
        return [self._search_one(p.text, None if vectors is None else vectors[i : i + 1], filters, k, depth, mode)
                for i, p in enumerate(prepared)]

    def search_vector(self, text: str, vector: np.ndarray, k: int = 10, filters: Filters | None = None,
                      mode: Mode = "hybrid") -> list[Hit]:
        """Search with a query vector computed elsewhere (benchmarks time the index alone)."""
        return self._search_one(text, vector.reshape(1, -1), filters or Filters(), k, max(CANDIDATES, 3 * k), mode)

    def _search_one(self, text: str, vector, filters: Filters, k: int, depth: int, mode: Mode) -> list[Hit]:
        if not self.table.ids:
            return []
        mask = self.table.mask(filters)
        n = depth if mode == "hybrid" else k
        dense = self._dense(vector, filters, mask, n) if mode != "lexical" else []
        lexical: list[tuple[str, float]] = []
        if mode != "dense":
            lexical = [(self.table.ids[i], score) for i, score in self.table.bm25.top(text, n, mask)]
        if mode == "dense":
            ranked = dense[:k]
        elif mode == "lexical":
            ranked = lexical[:k]
        else:
            ranked = reciprocal_rank_fusion([dense, lexical])[:k]
        return [self._hit(doc_id, score) for doc_id, score in ranked]

    def _dense(self, vector: np.ndarray, filters: Filters, mask: np.ndarray | None, n: int) -> list[tuple[str, float]]:
        """Chroma's HNSW index, unless a selective filter applies: then exact cosine over the
        matching rows in memory (Chroma's metadata-filtered query took 350 ms p50 at 100k
        indicators; see bench/results/retrieval.md)."""
        position = self.table.position
        if mask is None:  # ids written by others after open are skipped until reload()
            return [(d, s) for d, s in self.store.nearest(vector, n) if d in position]
        share = float(mask.mean())
        if share == 0:
            return []
        if share >= BROAD_FILTER:  # most rows qualify: widen the HNSW search, then filter
            found = self.store.nearest(vector, min(len(mask), int(2 * n / share) + 1))
            return [(d, s) for d, s in found if d in position and mask[position[d]]][:n]
        rows, vectors = self._subset(filters, mask)
        scores = np.einsum("ij,j->i", vectors, vector.reshape(-1).astype(np.float32))  # no BLAS threads
        if len(rows) > n:
            best = np.argpartition(-scores, n - 1)[:n]
            rows, scores = rows[best], scores[best]
        order = np.argsort(-scores, kind="stable")
        return [(self.table.ids[rows[i]], float(scores[i])) for i in order]

    def _subset(self, filters: Filters, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows and contiguous vectors of a filter, kept for the most recent filters."""
        with _SUBSET_LOCK:  # the UI searches from several threads
            if filters not in self._subsets:
                rows = np.flatnonzero(mask)
                self._subsets[filters] = (rows, np.ascontiguousarray(self.table.vectors[rows]))
                while len(self._subsets) > SUBSET_CACHE:
                    self._subsets.pop(next(iter(self._subsets)))
            return self._subsets[filters]

    def _hit(self, doc_id: str, score: float) -> Hit:
        i = self.table.position[doc_id]
        return hit_from(doc_id, self.table.texts[i], self.table.metas[i], score)

    def similar_projects(self, text: str, k: int = 5, **filters) -> list[Hit]:
        return self.search(text, k, kind="project", **filters)


def reciprocal_rank_fusion(rankings: list[list[tuple[str, float]]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Sum of 1/(k + rank) over the rankings that list an id; ties keep first-ranking order."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])
