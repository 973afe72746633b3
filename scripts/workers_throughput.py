"""Issue 31's throughput table: indexing the VAC set on one machine without workers, and with 1, 2 and 4
workers (the coordinator counts as one) against one PostgreSQL, each process with cores / workers threads.

    python scripts/workers_throughput.py [--shared ../shared] [--postgres-url URL] [--workers 1,2,4]

Every run starts from an empty index folder and an empty task and vector table (no vector is reused), and is
timed from start to the published version, model loading included. Prints one JSON line per run: seconds and
texts (passages + sentences) per second.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from int8_compare import corpus_texts  # noqa: E402
from replicas_eval import vraagbaak  # noqa: E402

from bench.pgserver import postgres  # noqa: E402


def one_run(corpus: Path, work: Path, url: str, workers: int, texts: int) -> dict:
    threads = max(1, (os.cpu_count() or 2) // max(workers, 1))
    env = {**os.environ, "VRAAGBAAK_THREADS": str(threads)}
    started = time.perf_counter()
    if workers == 0:
        vraagbaak("index", "--corpus", str(corpus), "--index", str(work / "alone"), env=env)
    else:
        env.update(VRAAGBAAK_POSTGRES_URL=url, VRAAGBAAK_POSTGRES_TABLE=f"doorvoer{workers}")
        others = [vraagbaak("worker", "--corpus", str(corpus), "--index", str(work / f"worker-{i}"), env=env,
                            background=True) for i in range(workers - 1)]
        vraagbaak("index", "--corpus", str(corpus), "--index", str(work / "coordinator"), "--workers", env=env)
        for other in others:
            other.wait(timeout=1200)
    seconds = time.perf_counter() - started
    return {"workers": workers, "threads_each": threads, "seconds": round(seconds, 1),
            "texts": texts, "texts_per_s": round(texts / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--postgres-url", default="")
    ap.add_argument("--workers", default="0,1,2,4", help="0: one machine without workers")
    args = ap.parse_args()
    corpus = args.shared / "eval-data/rijksoverheid-vac/corpus"
    texts = len(corpus_texts(corpus))
    with tempfile.TemporaryDirectory(prefix="vraagbaak-doorvoer-") as tmp, postgres(args.postgres_url, Path(tmp)) as url:
        for n in (int(x) for x in args.workers.split(",")):
            work = Path(tmp) / f"run-{n}"
            work.mkdir()
            print(json.dumps(one_run(corpus, work, url, n, texts)), flush=True)


if __name__ == "__main__":
    main()
