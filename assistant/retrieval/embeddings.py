"""Sentence embeddings from a local sentence-transformers folder, offline, as a LangChain
`Embeddings`. Default folder: multilingual-e5-small built by `python -m assistant setup`;
a user may point ASSISTANT_EMBEDDING_MODEL at another local folder (e.g. a bge-zh model)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import config
from assistant.retrieval.model_files import PASSAGE_PREFIX, QUERY_PREFIX, read_marker

MESSAGES = {
    "missing": "找不到嵌入模型文件夹：{path}。请先运行 python -m assistant setup 生成默认模型，"
    "或把 ASSISTANT_EMBEDDING_MODEL 指向一个本地 sentence-transformers 模型文件夹",
    "not_model": "文件夹 {path} 不是 sentence-transformers 模型（缺少 modules.json 或 config.json）。"
    "请运行 python -m assistant setup，或检查 ASSISTANT_EMBEDDING_MODEL",
    "load_failed": "无法加载嵌入模型 {path}：{error}。请运行 python -m assistant setup 重新生成模型",
}

# Prompt names used by model folders for retrieval queries / documents.
_QUERY_PROMPTS = ("query",)
_DOCUMENT_PROMPTS = ("passage", "document", "doc")


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be used (message in Chinese, names the fix)."""


def offline_environment() -> None:
    """Forbid every hub access by the Hugging Face libraries in this process."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[name] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class LocalEmbeddings(Embeddings):
    """A sentence-transformers model from a local folder, with the retrieval prompts it needs.

    Prompts: taken from the folder's own `config_sentence_transformers.json` when it names
    query/passage prompts; otherwise e5 models (by folder or model name) get 'query: ' and
    'passage: '; other models get none."""

    def __init__(self, path: Path | str | None = None, batch_size: int = 32) -> None:
        self.path = Path(path) if path is not None else config.embedding_model_path()
        self.batch_size = batch_size
        self.model = _load_sentence_transformer(self.path)
        marker = read_marker(self.path) or {}
        self.name: str = marker.get("name") or self.path.name
        self.dimension: int = int(_dimension(self.model))
        self.query_prefix, self.passage_prefix = _prefixes(self.model, self.name)

    # -- numpy API (used by the store and the retriever) --
    def encode_queries(self, texts: list[str]) -> np.ndarray:
        # A few short queries: one torch thread whatever the setting. Intra-op threads buy little
        # on such small matrices and, on shared cores, OpenMP spin-waits made one query 20x
        # slower (~800 ms instead of ~40 ms).
        with _torch_threads(1 if len(texts) <= 4 else None):
            return self._encode([self.query_prefix + t for t in texts])

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    # -- LangChain Embeddings API --
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()

    def describe(self) -> dict:
        return {"name": self.name, "dimension": self.dimension, "path": str(self.path)}


@contextmanager
def _torch_threads(count: int | None):
    import torch

    before = torch.get_num_threads()
    if count and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if count and count != before:
            torch.set_num_threads(before)


def _load_sentence_transformer(path: Path):
    if not path.is_dir():
        raise EmbeddingModelError(MESSAGES["missing"].format(path=path))
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise EmbeddingModelError(MESSAGES["not_model"].format(path=path))
    offline_environment()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
    # One torch thread unless ASSISTANT_TORCH_THREADS says otherwise: on these 2-core machines,
    # shared with other work, 2 threads embedded half as fast as 1 (OpenMP spin-waiting; see
    # bench/results/retrieval.md). On a dedicated multi-core machine, raise it.
    import torch

    torch.set_num_threads(config.settings().torch_threads)
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:  # any library error becomes one clear message
        raise EmbeddingModelError(MESSAGES["load_failed"].format(path=path, error=exc)) from exc


def _dimension(model) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return getter()


def _prefixes(model, name: str) -> tuple[str, str]:
    prompts = dict(getattr(model, "prompts", None) or {})
    query = next((prompts[k] for k in _QUERY_PROMPTS if prompts.get(k)), None)
    passage = next((prompts[k] for k in _DOCUMENT_PROMPTS if prompts.get(k)), None)
    if query is not None or passage is not None:
        return query or "", passage or ""
    if "e5" in name.lower():
        return QUERY_PREFIX, PASSAGE_PREFIX
    return "", ""


_CACHE: dict[Path, LocalEmbeddings] = {}
_LOCK = threading.Lock()


def load_embeddings(path: Path | str | None = None) -> LocalEmbeddings:
    """The process-wide model for a folder: loaded once, shared by every Retriever."""
    key = (Path(path) if path is not None else config.embedding_model_path()).resolve()
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = LocalEmbeddings(key)
        return _CACHE[key]

