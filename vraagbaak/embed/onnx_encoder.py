"""The embedding model run by ONNX Runtime: no torch, transformers or sentence-transformers at question time.

The sentence-transformers folder is exported once (torch.onnx, TorchScript exporter) with mean pooling and
L2 normalisation inside the graph, so the ONNX model gives the same vectors as sentence-transformers
(cosine ≥ 0.999 is checked at export and in tests/test_model.py). Texts are tokenised as the folder's
tokenizer.json says (`tokenizing.py`). Why: importing torch + transformers + sentence-transformers takes ~7 s
and ~700 MB, and a short query runs 2–3× faster in ONNX Runtime on 2 cores (docs/performance.md).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from vraagbaak.embed import tokenizing
from vraagbaak.locking import FileLock

log = logging.getLogger(__name__)
ONNX_NAME = "model.onnx"
# bump when the exported graph changes: old exports are redone (2: eager attention; 3: fused attention)
EXPORT_FORMAT = 3
MIN_COSINE = 0.999
_export_lock = threading.Lock()


class ExportFailed(RuntimeError):
    pass


def onnx_folder(model_folder: Path) -> Path:
    return model_folder / "onnx"


def _stamp(model_folder: Path) -> dict:
    weights = sorted(p for p in model_folder.glob("*.safetensors")) or sorted(model_folder.glob("*.bin"))
    return {"format": EXPORT_FORMAT, "weights": [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in weights]}


def exported(model_folder: Path) -> Path | None:
    """The exported model when it exists and belongs to these weights."""
    folder = onnx_folder(model_folder)
    try:
        stamp = json.loads((folder / "stamp.json").read_text())
    except (OSError, ValueError):
        return None
    complete = (folder / ONNX_NAME).exists() and (folder / (ONNX_NAME + ".data")).exists()
    return folder / ONNX_NAME if stamp == _stamp(model_folder) and complete else None


def ensure_exported(model_folder: Path) -> Path:
    """Export the model on first use (~10 s, needs torch once) and check it against sentence-transformers."""
    with _export_lock:
        done = exported(model_folder)
        if done is not None:
            return done
        folder = onnx_folder(model_folder)
        folder.mkdir(exist_ok=True)
        with FileLock(folder / "export.lock"):  # the app and `python -m vraagbaak index` may start at the same time
            done = exported(model_folder)
            return done if done is not None else _export_checked(model_folder, folder)


def _export_checked(model_folder: Path, folder: Path) -> Path:
    """Export, optimise, move the weights out, check against sentence-transformers; the stamp comes last."""
    (folder / "stamp.json").unlink(missing_ok=True)  # the stamp is written last: no stamp, no export
    raw, fused, optimised = folder / "export.tmp", folder / "fused.tmp", folder / "optimised.tmp"
    log.info("embeddingmodel omzetten naar ONNX (eenmalig, ~40 s): %s", folder)
    try:
        _export(model_folder, raw)
        # the fused graph where the fusions apply and give the same vectors, else the plain export
        graphs = ([fused] if _fuse_attention(model_folder, raw, fused) else []) + [raw]
        for graph in graphs:
            try:
                _optimise(graph, optimised)
                _with_external_weights(optimised, folder / ONNX_NAME)
                cosine = _check(model_folder, folder / ONNX_NAME)
            except Exception:
                if graph is raw:
                    raise
                log.warning("samengevoegde ONNX-graaf werkt niet; de gewone export wordt gebruikt", exc_info=True)
                continue
            if cosine >= MIN_COSINE:
                break
            log.warning("ONNX-graaf %s wijkt af (cosinus %.4f)", graph.name, cosine)
    finally:
        for scratch in (raw, fused, optimised):
            scratch.unlink(missing_ok=True)
    if cosine < MIN_COSINE:
        raise ExportFailed(f"ONNX-model wijkt af van sentence-transformers (cosinus {cosine:.4f})")
    (folder / "stamp.json").write_text(json.dumps(_stamp(model_folder)))
    return folder / ONNX_NAME


def _with_external_weights(source: Path, target: Path) -> None:
    """The weights go into a file of their own next to the graph, which ONNX Runtime maps into memory
    instead of copying: the model loads in ~0.15 s instead of ~1.4 s, and only the rows of the 250,000-word
    embedding table that questions use take memory (+90 MB instead of +420 MB; docs/performance.md)."""
    import onnx

    model = onnx.load(str(source))
    data = target.with_name(target.name + ".data")
    data.unlink(missing_ok=True)
    onnx.save_model(model, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data.name, size_threshold=1024)


def _fuse_attention(model_folder: Path, source: Path, target: Path) -> bool:
    """ONNX Runtime's transformer fusions: per layer one Attention node (query, key and value in one matrix
    product, mask and softmax inside), and embeddings + layer norm in one node. A question is embedded ~1.2 ms
    faster on 2 AVX2 cores with the same vectors (cosine 0.9999992; docs/performance.md). False
    where they do not apply (another architecture): the plain export is used then."""
    config = _json(model_folder / "config.json")
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        model = optimize_model(str(source), model_type="bert", num_heads=int(config["num_attention_heads"]),
                               hidden_size=int(config["hidden_size"]), opt_level=0)
        if not model.get_fused_operator_statistics().get("Attention"):
            return False
        model.save_model_to_file(str(target))
    except Exception as error:  # an optional speed-up: any failure leaves the plain export
        log.warning("aandacht niet samengevoegd: %s", error)
        return False
    return True


def _optimise(source: Path, target: Path) -> None:
    """ONNX Runtime's graph fusions, done once and saved: at every start they would cost ~1 s."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def _export(model_folder: Path, target: Path) -> None:
    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    # Eager attention, not SDPA: SDPA's export guards every layer's attention weights with IsNaN + Where over
    # batch x heads x tokens², 12% of the time of embedding passages; eager embeds 18-22% more passages
    # per second with the same vectors (cosine ≥ 0.9999992; docs/performance.md)
    model = AutoModel.from_pretrained(str(model_folder), add_pooling_layer=False, attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    example = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"}}
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(model), example, str(target), input_names=["input_ids", "attention_mask"],
                          output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)


def _check(model_folder: Path, onnx_path: Path) -> float:
    from sentence_transformers import SentenceTransformer

    texts = ["passage: De gemeente Utrecht gebruikt data om zwerfafval op te ruimen.",
             "query: Hoe ver vooruit voorspelt het Wmo-model de zorgvraag?", "passage: kort"]
    reference = SentenceTransformer(str(model_folder), device="cpu").encode(texts, normalize_embeddings=True)
    ours = OnnxEncoder(model_folder, onnx_path, threads=0).encode(texts)
    return float((reference * ours).sum(1).min())


class OnnxEncoder:
    """encode(texts) -> L2-normalised float32 vectors, like SentenceTransformer.encode."""

    TOKEN_BUDGET = 1024  # padded tokens per batch

    def __init__(self, model_folder: Path, onnx_path: Path, threads: int = 0, batch_size: int = 16):
        import onnxruntime

        config = _json(model_folder / "sentence_bert_config.json")
        self.tokenizer = tokenizing.load(model_folder, onnx_path.parent, int(config.get("max_seq_length", 512)))
        self.pad_id = self.tokenizer.pad_id
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC  # fused at export
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 0) or None

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Longest first (little padding per batch), at most batch_size texts and TOKEN_BUDGET padded tokens
        per batch: attention memory grows with texts x tokens², and ONNX Runtime keeps its peak for the
        process (16 sentences of 350 tokens cost ~600 MB for good; docs/performance.md)."""
        order = np.argsort([-n for n in lengths], kind="stable")
        batches: list[list[int]] = []
        for i in order.tolist():
            if batches and len(batches[-1]) < self.batch_size and \
                    (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= self.TOKEN_BUDGET:
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        out: list[np.ndarray] = [None] * len(texts)  # type: ignore[list-item]
        for rows in self._batches([len(e) for e in encodings]):
            batch = [encodings[i] for i in rows]
            longest = max(len(e) for e in batch)
            ids = np.full((len(batch), longest), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), longest), dtype=np.int64)
            for row, e in enumerate(batch):
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            vectors = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for row, i in enumerate(rows):
                out[i] = vectors[row]
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, self.dimension or 0), np.float32)


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
