"""Retrieval benchmarks (not tests): quality, latency at scale, ingest rate, memory.

    .venv/bin/python bench/retrieval.py all            # everything, ~10-20 min on 2 cores
    .venv/bin/python bench/retrieval.py quality ingest
    .venv/bin/python bench/retrieval.py latency --sizes 1000,10000,100000
    .venv/bin/python bench/retrieval.py memory

Each part prints a table and rewrites its own section of bench/results/retrieval.md, headed by
the machine (nproc, CPU, Python, date, load average: other engineers' work on the same cores
shows there). Indexes live in temporary folders; corpus/ and index/ are never touched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.retrieval.categories import LEVEL1, LEVEL2, canonical_level2  # noqa: E402
from assistant.retrieval.embeddings import load_embeddings  # noqa: E402
from assistant.retrieval.lexical import B, EPSILON, K1, TOKENIZERS  # noqa: E402
from assistant.retrieval.model_files import ensure_embedding_model  # noqa: E402
from assistant.retrieval.search import DocumentTable, Filters, Retriever  # noqa: E402
from assistant.retrieval.store import IndexDocument, Store, lexical_text  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "retrieval.md"
QUERIES = ROOT / "bench" / "data" / "queries.json"
WORK = Path(os.environ.get("JXMB_BENCH_WORK") or tempfile.mkdtemp(prefix="jxmb-bench-"))  # reuse: set it


# ----------------------------------------------------------------------------- report


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    import torch

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"load average {load} (the 2 cores are shared with other engineers' test runs: numbers are noisy)")


def write_section(name: str, body: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else (
        "# Retrieval benchmarks\n\nWritten by `bench/retrieval.py`; each section is rewritten by its own run.\n\n")
    start, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{start}\n{body.rstrip()}\n\n_Machine: {machine()}_\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if start in text else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


def table(headers: list[str], rows: list[list]) -> str:
    def cell(v):
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    out = "\n".join(lines)
    print(out)
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) * 1000.0  # ms


# ----------------------------------------------------------------------------- shared index


_CORPUS_RETRIEVER: dict = {}


def corpus_retriever() -> tuple[Retriever, float]:
    """A fresh index of corpus/ in a temp folder; returns it and the ingest seconds."""
    if not _CORPUS_RETRIEVER:
        embeddings = load_embeddings(ensure_embedding_model())
        embeddings.encode_documents(["预热"])  # first call pays one-off allocations
        retriever = Retriever.open(build_if_missing=True, index_dir=WORK / "corpus-index", server="",
                                   embeddings=embeddings)
        _CORPUS_RETRIEVER.update(retriever=retriever, report=retriever.last_report)
    return _CORPUS_RETRIEVER["retriever"], _CORPUS_RETRIEVER["report"]


# ----------------------------------------------------------------------------- (a) quality


def evaluate(retriever: Retriever, queries: list[dict], mode: str, k: int = 10) -> tuple[dict, list[str]]:
    hit1 = hit5 = rr = 0.0
    misses: list[str] = []
    for q in queries:
        hits = retriever.search(q["query"], k=k, kind=q.get("kind"), mode=mode)
        rank = next((n for n, h in enumerate(hits, start=1) if _correct(h, q)), None)
        hit1 += rank == 1
        hit5 += rank is not None and rank <= 5
        rr += 1.0 / rank if rank else 0.0
        if not rank or rank > 5:
            misses.append(f"{q['query']} → {hits[0].level3 or hits[0].project_name if hits else '—'}")
    n = len(queries)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "MRR": rr / n}, misses


def _correct(hit, q: dict) -> bool:
    if "expect_ids" in q:
        return hit.id in q["expect_ids"]
    return canonical_level2(hit.level2) in q["expect_level2"]


def run_quality() -> None:
    retriever, _ = corpus_retriever()
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    rows, notes = [], []
    default_table = retriever.table
    for tokenizer in TOKENIZERS:
        retriever.table = DocumentTable(default_table.ids, default_table.texts, default_table.metas, tokenizer,
                                        default_table.vectors)
        for mode in (["dense"] if tokenizer == "bigram" else []) + ["lexical", "hybrid"]:
            scores, misses = evaluate(retriever, queries, mode)
            label = mode if mode == "dense" else f"{mode} ({tokenizer})"
            rows.append([label, scores["hit@1"], scores["hit@5"], scores["MRR"]])
            if mode == "hybrid" and tokenizer == default_table.bm25.tokenizer_name and misses:
                notes.append("Hybrid misses (not in top 5): " + "; ".join(misses))
    retriever.table = default_table
    body = (f"## (a) Quality: {len(queries)} reworded queries (bench/data/queries.json), k=10\n\n"
            + table(["mode (BM25 terms)", "hit@1", "hit@5", "MRR"], rows) + "\n\n" + "\n".join(notes))
    write_section("quality", body)


# ----------------------------------------------------------------------------- (c) ingest


def run_ingest() -> None:
    import torch

    retriever, report = corpus_retriever()
    embeddings = retriever.embeddings
    texts = list(dict.fromkeys(retriever.table.texts))
    model = embeddings.model
    tokens = sum(len(ids) for ids in model.tokenizer([embeddings.passage_prefix + t for t in texts])["input_ids"])
    params = sum(p.numel() for name, p in model.named_parameters() if "word_embeddings" not in name)
    rows = [["fresh ingest of corpus/ (embed + write)", report.documents, report.indicators, report.seconds,
             report.indicators / report.seconds, report.documents / report.seconds, ""]]
    default_threads = torch.get_num_threads()
    for threads in sorted({1, 2, default_threads}):
        torch.set_num_threads(threads)
        started = time.perf_counter()
        embeddings.encode_documents(texts)
        seconds = time.perf_counter() - started
        gflops = tokens * 2 * params / seconds / 1e9
        rows.append([f"embedding alone, {len(texts)} distinct texts, {threads} torch thread(s)", len(texts), "",
                     seconds, "", len(texts) / seconds, f"{tokens / seconds:.0f} tokens/s, {gflops:.0f} GFLOP/s"])
    torch.set_num_threads(default_threads)
    started = time.perf_counter()
    again = retriever.store.sync_corpus(progress=False)
    rows.append(["re-ingest, nothing changed", again.documents, 0, time.perf_counter() - started, "", "", ""])
    need = 150 * tokens / len(texts) * 2 * params / 1e9
    body = ("## (c) Ingest rate (default model, fresh temporary index)\n\n"
            + table(["run", "documents", "indicators", "seconds", "indicators/s", "documents/s", "model work"], rows)
            + f"\n\n{tokens} tokens in {len(texts)} texts ({tokens / len(texts):.1f} per text incl. prefix and "
            f"special tokens); the encoder has {params / 1e6:.1f} M non-embedding parameters, so 150 texts/s of this "
            f"length need about {need:.0f} GFLOP/s of fp32 work.")
    write_section("ingest", body)


# ----------------------------------------------------------------------------- (b) latency


_SUFFIXES = ["完成率", "合格率", "满意度", "数量", "及时率", "覆盖率", "人数", "补助标准", "成本", "到位率", "执行率", "次数"]
_DEPARTMENTS = ["某县教育局", "某县卫生健康局", "某市农业农村局", "某区民政局", "某县林业局", "某市生态环境局"]


def synthetic_documents(n: int, base_vectors: np.ndarray, base_texts: list[str], seed: int = 7):
    """Indicators recombined from the corpus vocabulary; vectors are noisy mixtures of two real
    corpus embeddings (clustered like real data). Marked synthetic in their metadata."""
    import jieba

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    words = sorted({w for t in base_texts for w in jieba.lcut(t) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)})
    docs: list[IndexDocument] = []
    a = nrng.integers(0, len(base_vectors), n)
    b = nrng.integers(0, len(base_vectors), n)
    mix = nrng.uniform(0.5, 0.9, (n, 1)).astype(np.float32)
    vectors = mix * base_vectors[a] + (1 - mix) * base_vectors[b] + nrng.normal(0, 0.02, (n, base_vectors.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for i in range(n):
        level3 = rng.choice(words) + rng.choice(words) + rng.choice(_SUFFIXES)
        level2 = rng.choice(LEVEL2)
        value = rng.choice(["≥95%", "≥90%", "100%", f"≥{rng.randint(1, 500)}人", f"≤{rng.randint(1, 90)}万元", "年底前完成"])
        meta = {
            "kind": "indicator", "project_name": rng.choice(words) + rng.choice(words) + "项目",
            "department": rng.choice(_DEPARTMENTS), "year": rng.choice([2022, 2023, 2024, 2025]),
            "source_file": f"synthetic-{i // 10}.json", "corpus_file": "synthetic", "file_sha256": "-",
            "table": 1, "row": i % 10 + 1, "level1": rng.choice(LEVEL1), "level2": level2, "level3": level3,
            "level1_norm": rng.choice(LEVEL1), "level2_norm": level2, "value": value,
            "description": "", "basis": "", "synthetic": True,
        }
        docs.append(IndexDocument(f"syn-{i}", f"{level3}；指标值：{value}", meta))
    return docs, vectors


def build_synthetic(n: int, embeddings, base_vectors, base_texts) -> tuple[Retriever, float, float]:
    store, _ = Store.open(embeddings, index_dir=WORK / f"synthetic-{n}", server="", name=f"synthetic_{n}")
    write_seconds = float("nan")  # an index kept from an earlier run (JXMB_BENCH_WORK) is reused
    if store.count() != n or store.state() != "complete":
        docs, vectors = synthetic_documents(n, base_vectors, base_texts)
        started = time.perf_counter()
        store.upsert(docs, vectors)
        store._save("complete", {"synthetic": {"sha256": "-", "count": n}})
        write_seconds = time.perf_counter() - started
    started = time.perf_counter()
    retriever = Retriever(embeddings, store, DocumentTable.from_store(store))
    open_seconds = time.perf_counter() - started
    return retriever, write_seconds, open_seconds


def time_calls(fn, items, repeat: int, clock=time.perf_counter) -> list[float]:
    out = []
    for _ in range(repeat):
        for item in items:
            started = clock()
            fn(item)
            out.append(clock() - started)
    return out


def bm25_rows(retriever: Retriever, n: int, queries: list[str]) -> list[list]:
    """rank-bm25 (scores every document in Python) against our inverted index, same texts."""
    from rank_bm25 import BM25Okapi

    tokenize = retriever.table.bm25.tokenize
    texts = [lexical_text(t, m) for t, m in zip(retriever.table.texts, retriever.table.metas)]
    library = BM25Okapi([tokenize(t) for t in texts], k1=K1, b=B, epsilon=EPSILON)
    lib = time_calls(lambda q: library.get_scores(list(dict.fromkeys(tokenize(q)))), queries, 1)
    ours = time_calls(retriever.table.bm25.scores, queries, 3)
    return [[f"{n:,} BM25 scoring, rank-bm25 get_scores", n, pct(lib, 50), pct(lib, 95), ""],
            [f"{n:,} BM25 scoring, our inverted index", n, pct(ours, 50), pct(ours, 95), ""]]


def run_latency(sizes: list[int]) -> None:
    corpus_r, _ = corpus_retriever()
    embeddings = corpus_r.embeddings
    queries = [q["query"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]
    got = corpus_r.store.collection.get(include=["embeddings", "documents"])
    base_vectors = np.asarray(got["embeddings"], dtype=np.float32)
    query_vectors = embeddings.encode_queries(queries)
    embed_times = time_calls(lambda q: embeddings.encode_queries([q]), queries, 2)
    embed_cpu = time_calls(lambda q: embeddings.encode_queries([q]), queries, 1, clock=time.process_time)
    rows = [["query embedding (1 query, default model), wall time", "", pct(embed_times, 50), pct(embed_times, 95), ""],
            ["query embedding, CPU time of this process (less sensitive to other work)", "", pct(embed_cpu, 50),
             pct(embed_cpu, 95), ""]]
    build_rows = []
    pairs = list(zip(queries, query_vectors))
    level2_filter = Filters(kind="indicator", level2="服务对象满意度指标")
    for n in sizes:
        retriever, write_s, open_s = build_synthetic(n, embeddings, base_vectors, got["documents"])
        build_rows.append([n, write_s, n / write_s, open_s])
        collection = retriever.store.collection
        bare = time_calls(lambda p: collection.query(query_embeddings=p[1].reshape(1, -1), n_results=10,
                                                     include=["metadatas", "documents", "distances"]), pairs, 3)
        bare_p50 = pct(bare, 50)
        rows.append([f"{n:,} bare chromadb query (k=10)", n, bare_p50, pct(bare, 95), 1.0])
        for label, mode, filters in (("dense", "dense", None), ("lexical (BM25)", "lexical", None),
                                     ("hybrid", "hybrid", None), ("hybrid + level2 filter", "hybrid", level2_filter)):
            times = time_calls(lambda p: retriever.search_vector(p[0], p[1], 10, filters, mode), pairs, 3)
            rows.append([f"{n:,} {label}", n, pct(times, 50), pct(times, 95), pct(times, 50) / bare_p50])
        rows.extend(bm25_rows(retriever, n, queries[:5]))
        del retriever
    body = ("## (b) Query latency (synthetic indicators recombined from the corpus vocabulary; "
            "query vectors computed beforehand unless stated)\n\n"
            + table(["what", "indicators", "p50 ms", "p95 ms", "p50 / bare"], rows)
            + "\n\nBuilding the synthetic indexes:\n\n"
            + table(["indicators", "chroma write s", "rows/s", "open (load + BM25 build) s"], build_rows))
    write_section("latency", body)


# ----------------------------------------------------------------------------- (d) memory


_MEMORY_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from assistant.retrieval.search import Retriever
from assistant.retrieval.embeddings import load_embeddings
r = Retriever.open(build_if_missing={build}, index_dir={index!r}, server="", collection={name!r})
r.search_vector("服务对象满意度", r.embeddings.encode_queries(["服务对象满意度"])[0], 10)
# VmHWM: this process's own peak (ru_maxrss would carry the parent's peak across exec)
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


def run_memory(sizes: list[int]) -> None:
    corpus_retriever()
    cases = [("corpus/ (291 documents)", WORK / "corpus-index", "jxmb_tables", True)]
    cases += [(f"{n:,} synthetic indicators", WORK / f"synthetic-{n}", f"synthetic_{n}", False)
              for n in sizes if (WORK / f"synthetic-{n}").exists()]
    rows = []
    for label, index, name, build in cases:
        script = _MEMORY_SCRIPT.format(root=str(ROOT), build=build, index=str(index), name=name)
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        rows.append([label, int(out.stdout.strip().splitlines()[-1]) / 1024])
    body = ("## (d) Peak RSS of a process with the Retriever open (model loaded, one search)\n\n"
            + table(["index", "peak RSS MB"], rows))
    write_section("memory", body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="+", choices=["quality", "latency", "ingest", "memory", "all"])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    parts = {"quality", "latency", "ingest", "memory"} if "all" in args.parts else set(args.parts)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if "ingest" in parts:  # first: the fresh index is built inside it
        run_ingest()
    if "quality" in parts:
        run_quality()
    if "latency" in parts:
        run_latency(sizes)
    if "memory" in parts:
        run_memory(sizes)
    print(f"\nresults: {RESULTS.relative_to(ROOT)}; temporary indexes: {WORK}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
