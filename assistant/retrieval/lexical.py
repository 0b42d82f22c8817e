"""Lexical search: BM25 over the same documents as the vector index, in memory, built on open.

Terms: character bigrams of Chinese runs (plus whole Latin/number tokens), jieba words, or both;
bench/retrieval.py compares them (bigrams won, see bench/results/retrieval.md).

Scoring is BM25Okapi exactly as rank-bm25 defines it (k1=1.5, b=0.75, negative idf floored at
epsilon x mean idf). rank-bm25 scores every document in a Python loop per query term (hundreds of
ms at 100k documents); `BM25Index` precomputes the per-posting weights once in an inverted index,
so a query costs one numpy add per query term over that term's postings. `rank_bm25_scores` keeps
the library form for the equivalence test and the benchmark.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.retrieval.categories import fold

K1 = 1.5
B = 0.75
EPSILON = 0.25

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+(?:\.[0-9]+)?")


def bigram_terms(text: str) -> list[str]:
    """Character bigrams of each Chinese run (a 1-character run stays a unigram); Latin words
    and numbers whole."""
    terms: list[str] = []
    for run in _CJK_RUN.findall(fold(text)):
        if not ("\u3400" <= run[0] <= "\ufaff"):
            terms.append(run)
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


_JIEBA = None


def jieba_terms(text: str) -> list[str]:
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        _JIEBA = jieba
    return [w for w in _JIEBA.lcut_for_search(fold(text)) if _CJK_RUN.fullmatch(w)]


def mixed_terms(text: str) -> list[str]:
    return bigram_terms(text) + jieba_terms(text)


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "bigram": bigram_terms,
    "jieba": jieba_terms,
    "mixed": mixed_terms,
}
DEFAULT_TOKENIZER = "bigram"


class BM25Index:
    """Inverted-index BM25Okapi over a fixed list of documents."""

    def __init__(self, texts: Sequence[str], tokenizer: str = DEFAULT_TOKENIZER) -> None:
        self.tokenizer_name = tokenizer
        self.tokenize = TOKENIZERS[tokenizer]
        self.size = len(texts)
        vocab: dict[str, int] = {}
        doc_ids: list[int] = []
        term_ids: list[int] = []
        lengths = np.zeros(self.size, dtype=np.float32)
        for doc, text in enumerate(texts):
            terms = self.tokenize(text)
            lengths[doc] = len(terms)
            for term in terms:
                term_ids.append(vocab.setdefault(term, len(vocab)))
            doc_ids.extend([doc] * len(terms))
        self.vocab = vocab
        self._build(np.asarray(doc_ids, dtype=np.int64), np.asarray(term_ids, dtype=np.int64), lengths)

    def _build(self, doc_ids: np.ndarray, term_ids: np.ndarray, lengths: np.ndarray) -> None:
        n_terms = len(self.vocab)
        # (term, doc) pairs with their term frequency, grouped by term.
        keys, tf = np.unique(term_ids * max(self.size, 1) + doc_ids, return_counts=True)
        post_terms = keys // max(self.size, 1)
        self.post_docs = (keys % max(self.size, 1)).astype(np.int32)
        df = np.bincount(post_terms, minlength=n_terms).astype(np.float64)
        self.offsets = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        idf = np.log((self.size - df + 0.5) / (df + 0.5)) if n_terms else np.zeros(0)
        if n_terms:
            floor = EPSILON * float(idf.mean())
            idf = np.where(idf < 0, floor, idf)
        self.idf = idf
        avgdl = float(lengths.mean()) if self.size else 0.0
        norm = K1 * (1 - B + B * lengths[self.post_docs] / (avgdl or 1.0))
        self.weights = (idf[post_terms] * tf * (K1 + 1) / (tf + norm)).astype(np.float32)

    def query_terms(self, query: str) -> list[int]:
        """Distinct known terms of the query (each scores once)."""
        return [self.vocab[t] for t in dict.fromkeys(self.tokenize(query)) if t in self.vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document (0 where no term matches)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in self.query_terms(query):
            start, end = self.offsets[term], self.offsets[term + 1]
            out[self.post_docs[start:end]] += self.weights[start:end]
        return out

    def top(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The n best (document index, score) with a positive score, within mask if given."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]


def rank_bm25_scores(texts: Sequence[str], query: str, tokenizer: str = DEFAULT_TOKENIZER) -> np.ndarray:
    """The same scores through the rank-bm25 library (reference for tests and benchmarks)."""
    from rank_bm25 import BM25Okapi

    tokenize = TOKENIZERS[tokenizer]
    index = BM25Okapi([tokenize(t) for t in texts], k1=K1, b=B, epsilon=EPSILON)
    terms = list(dict.fromkeys(tokenize(query)))
    return np.asarray(index.get_scores(terms), dtype=np.float32)
