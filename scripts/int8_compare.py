"""Measure 8-bit weights for the ONNX encoder against the float32 export (issue 17's quality limit: cosine
≥ 0.999 on the 220 test texts), and its speed, on this machine.

    python scripts/int8_compare.py            # prints one JSON line; writes bench/results/int8.json

Dynamic quantisation (onnxruntime.quantization.quantize_dynamic, int8 weights per channel, activations
quantised at run time) of the graph the app uses. Nothing here changes the app: it is a measurement.
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


def main() -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder = Path(resolve_model_path(Settings()))
    float32_path = ensure_exported(folder)
    with tempfile.TemporaryDirectory() as tmp:
        int8_path = Path(tmp) / "model-int8.onnx"
        started = time.perf_counter()
        import onnx

        quantize_dynamic(str(float32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
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
