"""Question latency, index load time and memory at one index size (run once per size, in its own process).

    python -m bench.latency --size 100000      (prints one JSON object)
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from .data import questions
from .rss import rss_mb
from .synthetic import CACHE, build


def percentiles(values: list[float]) -> dict:
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95))}


def hnsw_recall(index, query_vectors: np.ndarray, k: int = 10) -> float | None:
    """recall@k of the stored (approximate) index against exact search over the same vectors."""
    import faiss

    if not isinstance(index, faiss.IndexHNSW):
        return None
    exact = faiss.IndexFlatIP(index.d)
    exact.add(index.reconstruct_n(0, index.ntotal))
    _, truth = exact.search(query_vectors, k)
    _, found = index.search(query_vectors, k)
    return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))


def measure(size: int, n_questions: int) -> dict:
    from assistant.assistant import Assistant
    from assistant.settings import Settings
    from assistant.timing import Timings

    settings = Settings(index_dir=CACHE / f"index-{size}", corpus_dir=CACHE / "leeg")
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    build(size, settings)
    build_s = time.perf_counter() - started

    assistant = Assistant(settings)
    assistant.embedder.embed_query("opwarmen")
    rss_model = rss_mb()
    started = time.perf_counter()
    index = assistant.index
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()

    asked = questions()[:n_questions]
    query_vectors = np.vstack([assistant.embedder.embed_query(q) for q in asked])
    vectors = index.backend.index  # the FAISS index (the bench measures the embedded store)
    result = {"size": size, "faiss": type(vectors).__name__, "build_s": build_s, "load_s": load_s,
              "rss_mb_model": rss_model, "rss_mb_loaded": rss_loaded, "questions": len(asked),
              "precision": assistant.embedder.precision,
              "hnsw_recall@10": hnsw_recall(vectors, query_vectors)}
    for kind in ("search", "ask"):
        totals, stages = [], []
        for q in asked:
            assistant.embedder.clear_cache()  # every question pays for its own embedding
            timings = Timings()
            started = time.perf_counter()
            (assistant.search if kind == "search" else assistant.ask)(q, timings=timings)
            totals.append((time.perf_counter() - started) * 1000)
            stages.append(timings)
        result[kind] = {"total": percentiles(totals),
                        **{name: percentiles([t.get(name, 0.0) for t in stages]) for name in stages[0]}}
    result["rss_mb_after_questions"] = rss_mb()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    print(json.dumps(measure(args.size, args.questions)))


if __name__ == "__main__":
    main()
