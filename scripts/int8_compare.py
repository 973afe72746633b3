"""Measure 8-bit weights for the ONNX encoder against the float32 export (issue 17's quality limit: cosine
≥ 0.999 on the 220 test texts), and its speed, on this machine.

    python scripts/int8_compare.py            # prints one JSON line; writes bench/results/int8.json
    python scripts/int8_compare.py --dev-sets [--ffn-output-float] [--shared ../shared]
                                              # every dev set with int8 passage and sentence vectors

Dynamic quantisation (onnxruntime.quantization.quantize_dynamic, int8 weights per channel, activations
quantised at run time) of the graph the app uses. Nothing here changes the app: it is a measurement.
`--dev-sets` is issue 31's test of an int8 indexing encoder: every text an index holds is embedded in int8,
questions stay float32, and the regression gate's sets (scripts/run_eval.py) are compared with
eval/baseline.json (made with this CPU's own indexing engine); it also times both engines on the VAC texts.
"""
from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vraagbaak.embed.embedder import resolve_model_path  # noqa: E402
from vraagbaak.embed.onnx_encoder import OnnxEncoder, ensure_exported  # noqa: E402
from vraagbaak.settings import Settings  # noqa: E402

TEXTS = [json.loads(line)["text"] for line in (ROOT / "tests/fixtures/dutch_texts.jsonl").read_text().splitlines()]
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval/corpus_dev.jsonl").read_text().splitlines()]


def p50_ms(encoder: OnnxEncoder, questions: list[str], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            encoder.encode([f"query: {q}"])
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def per_second(encoder: OnnxEncoder, texts: list[str]) -> float:
    started = time.perf_counter()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - started)


def quantise(float32_path: Path, int8_path: Path, ffn_output_float: bool = False) -> None:
    """int8 weights; `ffn_output_float` keeps each layer's feed-forward output projection (the MatMul whose
    inputs have the widest range) in float32: cosine with float32 0.998 instead of 0.992 on the test texts."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(float32_path), load_external_data=False).graph
    keep = [n.name for n in graph.node if n.op_type == "MatMul" and "/output/dense/" in n.name
            and "/attention/" not in n.name] if ffn_output_float else []
    quantize_dynamic(str(float32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=keep, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def dev_sets(shared: Path, ffn_output_float: bool) -> None:
    """Index every dev set with int8 vectors, ask in float32, and compare with the baseline."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import run_eval

    from vraagbaak.embed.embedder import Embedder

    folder = Path(resolve_model_path(Settings()))
    with tempfile.TemporaryDirectory() as tmp:
        int8_path = Path(tmp) / "model-int8.onnx"
        quantise(ensure_exported(folder), int8_path, ffn_output_float)
        int8 = OnnxEncoder(folder, int8_path)
        vac = [f"passage: {t}" for t in corpus_texts(shared / "eval-data/rijksoverheid-vac/corpus")]
        reference = Embedder(Settings())
        reference.embed_passages(vac[:8])  # loads the model: not part of the speed
        int8.encode(vac[:8])
        speed = {"int8": per_second(int8, vac)}
        started = time.perf_counter()
        reference.embed_passages([t.removeprefix("passage: ") for t in vac])
        speed[f"indexing engine ({reference.precision})"] = len(vac) / (time.perf_counter() - started)
        own = Embedder._encode

        def int8_when_indexing(self, texts, prompt_key, indexing, progress=False):
            if not indexing:
                return own(self, texts, prompt_key, indexing, progress)
            self.engine  # noqa: B018 - reads the prompts
            return int8.encode([self._prompts.get(prompt_key, "") + t for t in texts])

        Embedder._encode = int8_when_indexing
        now = run_eval.run_all(shared, Path(tmp))
    baseline = json.loads((ROOT / "eval/baseline.json").read_text(encoding="utf-8"))
    changed = {f"{name} {key}": [before, now[name][key]] for name, metrics in baseline.items()
               for key, before in metrics.items() if abs(now.get(name, {}).get(key, before) - before) > 0.0005}
    print(json.dumps({"texts_per_s": {k: round(v, 1) for k, v in speed.items()}, "vac_texts": len(vac),
                      "changed_from_baseline": changed, "worse_by_more_than_0.01": run_eval.regressions(now, baseline)},
                     indent=1, ensure_ascii=False))


def corpus_texts(corpus: Path) -> list[str]:
    """Every passage (as the model sees it) and its sentences, as an index of the folder holds them."""
    from vraagbaak.ingest.chunking import chunk_document, embedding_text
    from vraagbaak.ingest.loaders import corpus_files, load_file
    from vraagbaak.text.sentences import chunk_sentence_texts

    s = Settings()
    texts = []
    for path in corpus_files(corpus):
        for chunk in chunk_document(load_file(path, corpus), s.chunk_words, s.chunk_min_words,
                                    s.chunk_overlap_sentences, s.quote_max_words):
            texts += [embedding_text(chunk), *chunk_sentence_texts(chunk)]
    return texts


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--dev-sets", action="store_true")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--ffn-output-float", action="store_true", help="keep the feed-forward output projections float32")
    args = ap.parse_args()
    if args.dev_sets:
        dev_sets(args.shared, args.ffn_output_float)
        return
    folder = Path(resolve_model_path(Settings()))
    float32_path = ensure_exported(folder)
    with tempfile.TemporaryDirectory() as tmp:
        int8_path = Path(tmp) / "model-int8.onnx"
        started = time.perf_counter()
        quantise(float32_path, int8_path)
        quantise_s = time.perf_counter() - started
        reference, int8 = OnnxEncoder(folder, float32_path), OnnxEncoder(folder, int8_path)
        passages = [f"passage: {t}" for t in TEXTS]
        queries = [f"query: {q}" for q in QUESTIONS]
        cos_p = (reference.encode(passages) * int8.encode(passages)).sum(1)
        cos_q = (reference.encode(queries) * int8.encode(queries)).sum(1)
        speed = {}
        for _ in range(2):  # rounds interleaved: the two engines see the same machine state
            for name, encoder in (("float32", reference), ("int8", int8)):
                speed.setdefault(name, {"query_p50_ms": [], "passages_per_s": []})
                speed[name]["query_p50_ms"].append(p50_ms(encoder, QUESTIONS[:40], rounds=1))
                speed[name]["passages_per_s"].append(per_second(encoder, passages[:64]))
        size_mb = int8_path.stat().st_size / 1e6
    result = {"cpu": platform.processor() or next((l.split(":", 1)[1].strip() for l in
                                                  Path("/proc/cpuinfo").read_text().splitlines()
                                                  if l.startswith("model name")), ""),
              "texts": len(TEXTS), "questions": len(QUESTIONS), "quantise_s": round(quantise_s, 1),
              "int8_file_mb": round(size_mb, 1),
              "cosine_passages_min": float(cos_p.min()), "cosine_passages_mean": float(cos_p.mean()),
              "cosine_queries_min": float(cos_q.min()), "cosine_queries_mean": float(cos_q.mean()),
              "speed": {n: {k: round(statistics.median(v), 2) for k, v in d.items()} for n, d in speed.items()}}
    (ROOT / "bench/results/int8.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
