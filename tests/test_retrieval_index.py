"""The Chroma index: incremental ingest, model records, repair of broken indexes, a real server.

Most tests use a small deterministic embedder (hashed character bigrams) so they run in seconds;
test_retrieval_search.py covers the real model end to end."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from assistant import corpus
from assistant.retrieval.lexical import bigram_terms
from assistant.retrieval.search import Retriever
from assistant.retrieval.store import IndexModelMismatch, Store, documents_for_entry

ROOT = Path(__file__).resolve().parent.parent


class HashEmbeddings:
    """Deterministic stand-in for a sentence model: hashed bigram counts, L2-normalised."""

    def __init__(self, name: str = "hash-bigrams", dimension: int = 64) -> None:
        self.name, self.dimension = name, dimension
        self.calls = 0

    def _encode(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in bigram_terms(text) or ["∅"]:
                out[row, int(hashlib.md5(term.encode()).hexdigest(), 16) % self.dimension] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    encode_documents = encode_queries = _encode


@pytest.fixture
def corpus_copy(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / "tables", root / "tables")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(root))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.delenv("ASSISTANT_CHROMA_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_CHROMA_HOST", raising=False)
    return root


def expected_documents(root: Path) -> int:
    return sum(len(documents_for_entry(e, e.path.name, "")) for e in corpus.entries(root))


def test_incremental_ingest(corpus_copy):
    emb = HashEmbeddings()
    store, notes = Store.open(emb)
    assert notes == []
    first = store.sync_corpus(progress=False)
    total = expected_documents(corpus_copy)
    assert first.documents == total == store.count()
    assert len(first.added) == len(list((corpus_copy / "tables").glob("*.json")))
    assert first.indicators == 260 and first.projects == 31

    calls = emb.calls
    second = store.sync_corpus(progress=False)
    assert second.documents == 0 and emb.calls == calls and len(second.unchanged) == len(first.added)

    # A changed file replaces its entries: drop one indicator from 001.json.
    path = corpus_copy / "tables" / "001.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    dropped = data["tables"][0]["indicators"].pop()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = store.sync_corpus(progress=False)
    assert third.updated == ["001.json"] and third.documents == 1 + len(data["tables"][0]["indicators"])
    assert third.embedded == 0  # unchanged rows of a changed file keep their stored vectors
    assert first.embedded < first.documents  # identical texts are embedded once
    assert store.count() == total - 1
    left = store.collection.get(where={"corpus_file": "001.json"}, include=["metadatas"])
    assert dropped["level3"] not in {m.get("level3") for m in left["metadatas"]}

    # A deleted file takes its entries along; a bad one is skipped and reported.
    (corpus_copy / "tables" / "003.json").unlink()
    (corpus_copy / "tables" / "broken.json").write_text("{not json", encoding="utf-8")
    fourth = store.sync_corpus(progress=False)
    assert fourth.removed == ["003.json"]
    assert [name for name, _ in fourth.bad] == ["broken.json"] and "broken.json" in fourth.summary()
    assert store.count() == total - 1 - 11
    assert store.state() == "complete"


def test_model_mismatch_is_refused_with_the_rebuild_command(corpus_copy):
    store, _ = Store.open(HashEmbeddings("model-a", 64))
    store.sync_corpus(progress=False)
    with pytest.raises(IndexModelMismatch) as info:
        Store.open(HashEmbeddings("model-b", 32))
    assert "python -m assistant ingest --rebuild" in str(info.value) and "model-a" in str(info.value)
    rebuilt, _ = Store.open(HashEmbeddings("model-b", 32), rebuild=True)
    assert rebuilt.count() == 0 and rebuilt.collection.metadata["model"] == "model-b"
    assert rebuilt.sync_corpus(progress=False).documents == expected_documents(corpus_copy)


def test_killed_ingest_is_finished_on_next_open(corpus_copy, monkeypatch):
    import assistant.retrieval.store as store_module

    monkeypatch.setattr(store_module, "ENCODE_CHUNK", 40)
    emb = HashEmbeddings()
    store, _ = Store.open(emb)
    real_upsert = Store.upsert
    written = {"n": 0}

    def dying_upsert(self, docs, vectors):
        if written["n"] >= 2:
            raise KeyboardInterrupt  # the process is killed mid-ingest
        written["n"] += 1
        real_upsert(self, docs, vectors)

    monkeypatch.setattr(Store, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        store.sync_corpus(progress=False)
    assert store.state() == "ingesting" and 0 < store.count() < expected_documents(corpus_copy)
    monkeypatch.setattr(Store, "upsert", real_upsert)

    retriever = Retriever.open(embeddings=HashEmbeddings())
    assert retriever.store.state() == "complete"
    assert retriever.store.count() == expected_documents(corpus_copy) == len(retriever.table.ids)
    assert any("继续" in note for note in retriever.notes), retriever.notes


@pytest.mark.parametrize("damage", ["sqlite", "segments", "count"])
def test_corrupted_index_is_rebuilt_from_corpus(corpus_copy, tmp_path, damage):
    retriever = Retriever.open(embeddings=HashEmbeddings())
    total = retriever.store.count()
    corpus_before = {p.name: p.read_bytes() for p in (corpus_copy / "tables").iterdir()}
    chroma_dir = tmp_path / "index" / "chroma"
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    if damage == "sqlite":
        (chroma_dir / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    elif damage == "segments":
        for path in chroma_dir.rglob("*.bin"):
            path.write_bytes(b"\x00garbage" * 10)
        (chroma_dir / "junk.tmp").write_bytes(b"junk")
    else:
        retriever.store.collection.delete(ids=retriever.table.ids[:5])
    reopened = Retriever.open(embeddings=HashEmbeddings())
    if damage != "segments":  # chroma itself rebuilds damaged HNSW files from its log
        assert any("已从语料库重新建立" in note for note in reopened.notes), reopened.notes
    assert reopened.store.count() == total and reopened.store.state() == "complete"
    assert reopened.search("雾炮车降尘", k=3, mode="dense")[0].source.file == "007.json"
    assert {p.name: p.read_bytes() for p in (corpus_copy / "tables").iterdir()} == corpus_before


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("chroma run did not answer /api/v2/heartbeat")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_chroma_server_is_used_when_configured(corpus_copy, chroma_server, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_server)
    retriever = Retriever.open(embeddings=HashEmbeddings())
    assert retriever.store.embedded is None
    assert not (tmp_path / "index" / "chroma").exists()
    assert retriever.store.count() == expected_documents(corpus_copy)
    hits = retriever.search("雾炮车降尘", k=3)
    assert hits and hits[0].source.file == "007.json"
    again = Retriever.open(embeddings=HashEmbeddings())
    assert again.last_report.documents == 0 and again.store.count() == retriever.store.count()
    with pytest.raises(IndexModelMismatch):
        Retriever.open(embeddings=HashEmbeddings("other", 16))
