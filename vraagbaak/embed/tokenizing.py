"""Texts to token ids for the ONNX encoder, the same ids as the model folder's tokenizer.json gives.

Why not only `tokenizers`: `Tokenizer.from_file` takes ~0.9 s for XLM-R's 250,002-word Unigram vocabulary
and holds the GIL all that time, so nothing else in the process moves. SentencePiece loads the same vocabulary
in ~0.5 s with the GIL released, so the app loads it next to the Gradio import (docs/performance.md).

The SentencePiece model is written once from tokenizer.json, next to the ONNX export. `tokenizers` still does
the normalising and the word splitting (from a copy of tokenizer.json without its vocabulary, which loads in
milliseconds); SentencePiece only segments each word. The model is used only after it gave the same ids as
`tokenizers` on a check set (Dutch text, edge cases, random Unicode); for any other tokenizer (WordPiece, BPE,
another pre-tokenizer), or without the `sentencepiece` package, `tokenizers` does everything, as before.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import random
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SPM_NAME = "tokenizer.spm"
WORDS_NAME = "tokenizer-words.json"  # tokenizer.json without its vocabulary: normaliser and word splitter
STAMP_NAME = "tokenizer-spm.json"
FORMAT = 2  # bump when the written files or their check change: they are written again


class HuggingFaceTokenizer:
    """`tokenizers` does everything (any tokenizer.json)."""

    def __init__(self, tokenizer_json: Path, max_length: int):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_json))
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()
        self.pad_id = self._tokenizer.token_to_id("<pad>") or 0

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(texts)]


class SentencePieceTokenizer:
    """`tokenizers` normalises and splits words, SentencePiece segments them (see the module text)."""

    def __init__(self, folder: Path, max_length: int):
        import sentencepiece
        from tokenizers import Tokenizer

        spec = json.loads((folder / WORDS_NAME).read_text())
        self._words = Tokenizer.from_str(json.dumps(spec))
        self._pieces = sentencepiece.SentencePieceProcessor(model_file=str(folder / SPM_NAME))
        self._before, self._after = _template(spec)
        self._room = max_length - len(self._before) - len(self._after)
        # "<s>" or "<unk>" typed in a text is that token for `tokenizers` (a piece of score 0 in its vocabulary);
        # in SentencePiece they are control pieces that text never gives, so they are cut out here
        self._literal_ids = {piece: self._pieces.piece_to_id(piece) for piece in _special_pieces(spec)
                             if self._pieces.id_to_piece(self._pieces.piece_to_id(piece)) == piece}
        self._literal = re.compile("|".join(map(re.escape, sorted(self._literal_ids, key=len, reverse=True))))
        pad = self._pieces.piece_to_id("<pad>")
        self.pad_id = pad if self._pieces.id_to_piece(pad) == "<pad>" else 0  # as HuggingFaceTokenizer

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [self._encode(text) for text in texts]

    def _encode(self, text: str) -> list[int]:
        normalized = self._words.normalizer.normalize_str(text) if self._words.normalizer else text
        # the words start with "▁", where SentencePiece splits them again: joined, they take one call
        words = "".join(word for word, _ in self._words.pre_tokenizer.pre_tokenize_str(normalized))
        ids: list[int] = []
        start = 0
        for literal in self._literal.finditer(words) if self._literal_ids else ():
            ids += self._pieces.encode(words[start:literal.start()]) + [self._literal_ids[literal.group()]]
            start = literal.end()
        ids += self._pieces.encode(words[start:])
        return self._before + ids[: self._room] + self._after


def load(model_folder: Path, spm_folder: Path, max_length: int):
    """The SentencePiece tokenizer where it was written and checked for this tokenizer.json (written now, once,
    when it was not), else `tokenizers`."""
    tokenizer_json = model_folder / "tokenizer.json"
    try:
        if _ensure_sentencepiece(tokenizer_json, spm_folder):
            return SentencePieceTokenizer(spm_folder, max_length)
    except Exception as err:  # noqa: BLE001 - sentencepiece, protobuf and a damaged file raise many kinds
        log.warning("SentencePiece-tokenizer niet bruikbaar (%s); tokenizers wordt gebruikt", err)
        with contextlib.suppress(OSError):  # the next start writes and checks it again
            (spm_folder / STAMP_NAME).unlink()
    return HuggingFaceTokenizer(tokenizer_json, max_length)


def _source_stamp(tokenizer_json: Path) -> dict:
    stat = tokenizer_json.stat()
    return {"format": FORMAT, "source": [stat.st_size, int(stat.st_mtime)]}


def _ensure_sentencepiece(tokenizer_json: Path, folder: Path) -> bool:
    """True when a checked SentencePiece model for this tokenizer.json is in `folder` (written if missing).
    The stamp, written last, says whether the check passed: a failed check is not redone at every start."""
    stamp = _source_stamp(tokenizer_json)
    try:
        written = json.loads((folder / STAMP_NAME).read_text())
    except (OSError, ValueError):
        written = {}
    if {k: written.get(k) for k in stamp} == stamp:
        return bool(written.get("same_ids")) and (folder / SPM_NAME).exists() and _importable()
    if not _importable():
        return False
    spec = json.loads(tokenizer_json.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    if not _convertible(spec):
        same = False
    else:
        _write(spec, folder)
        same = _same_ids(tokenizer_json, folder)
        if not same:
            log.warning("SentencePiece geeft andere tokens dan tokenizer.json; tokenizers wordt gebruikt")
    _write_atomic(folder / STAMP_NAME, json.dumps({**stamp, "same_ids": same}).encode())
    return same


def _importable() -> bool:
    return importlib.util.find_spec("sentencepiece") is not None


def _convertible(spec: dict) -> bool:
    """A Unigram vocabulary, Metaspace words and a <s> … </s> template: what SentencePiece can reproduce."""
    model, words, post = spec.get("model") or {}, spec.get("pre_tokenizer") or {}, spec.get("post_processor") or {}
    return (model.get("type") == "Unigram" and not model.get("byte_fallback") and not spec.get("added_tokens")
            and words.get("type") == "Metaspace" and post.get("type") == "TemplateProcessing")


def _template(spec: dict) -> tuple[list[int], list[int]]:
    """The ids a single text gets before and after its own (TemplateProcessing's "single")."""
    special = spec["post_processor"]["special_tokens"]
    before: list[int] = []
    after: list[int] = []
    side = before
    for part in spec["post_processor"]["single"]:
        if "Sequence" in part:
            side = after
        else:
            side.extend(special[part["SpecialToken"]["id"]]["ids"])
    return before, after


def _special_pieces(spec: dict) -> set[str]:
    """The pieces that are no text: the unknown piece, the template's tokens and <pad> (where the vocabulary
    has them)."""
    model = spec["model"]
    specials = {token for part in spec["post_processor"]["special_tokens"].values() for token in part["tokens"]}
    unknown = model["vocab"][model["unk_id"]][0] if model.get("unk_id") is not None else "<unk>"
    return specials | {"<pad>", unknown}


def _write(spec: dict, folder: Path) -> None:
    from sentencepiece import sentencepiece_model_pb2 as pb

    model = spec["model"]
    proto = pb.ModelProto()
    specials = _special_pieces(spec)
    for index, (piece, score) in enumerate(model["vocab"]):
        entry = proto.pieces.add()
        entry.piece, entry.score = piece, score
        if index == model.get("unk_id"):
            entry.type = pb.ModelProto.SentencePiece.UNKNOWN
        elif piece in specials:
            entry.type = pb.ModelProto.SentencePiece.CONTROL
        else:
            entry.type = pb.ModelProto.SentencePiece.NORMAL
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.vocab_size = len(model["vocab"])
    proto.trainer_spec.unk_id = model.get("unk_id", 0)
    proto.trainer_spec.bos_id = proto.trainer_spec.eos_id = proto.trainer_spec.pad_id = -1
    # tokenizers has normalised the text and split it into words that start with "▁": SentencePiece must
    # take each word as it is
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    proto.normalizer_spec.escape_whitespaces = False
    _write_atomic(folder / SPM_NAME, proto.SerializeToString())
    words = dict(spec, model={"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": False})
    _write_atomic(folder / WORDS_NAME, json.dumps(words).encode())


def _write_atomic(path: Path, data: bytes) -> None:
    """Another process (or thread) may write the same file at the same time: each writes its own scratch file,
    and the last complete one wins."""
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(scratch, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise


def check_texts() -> list[str]:
    """Dutch text, edge cases of white space and normalisation, an over-long text, and random Unicode."""
    fixed = ["query: Welke gemeenten gebruiken data om zwerfafval aan te pakken?",
             "passage: De gemeente 's-Hertogenbosch voorspelt met het Wmo-model de zorgvraag tot 2030 (€ 2,5 mln).",
             "", " ", "  twee  spaties ", "\tTab\nregel\r\n", "ﬁets ① ² Ⅻ ǅ e\u0301", "x\u2581y", "\ufeffbom",
             "😀 emoji 😀😀 中文字符 العربية", "a\u0001b\u007f", "‘aanhalingstekens’ “dubbel” …", "\u00a0nbsp\u00a0",
             "UPPER lower MiXeD 12.345,67 2021-2024 www.voorbeeld.nl/pad?q=1", "woord " * 700, "x" * 3000,
             "a <s> b </s> c <pad> d <unk>", "x<unk>y", "<s>", "</s></s>", "html <s>doorgestreept</s> <p>alinea</p>"]
    rng = random.Random(17)
    ranges = [(32, 126), (0xA0, 0x2FFF), (0x1F300, 0x1F6FF), (0, 31), (0x4E00, 0x4FFF)]
    noise = ["".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 40))) for _ in range(600)]
    return fixed + noise


def _same_ids(tokenizer_json: Path, folder: Path, max_length: int = 512) -> bool:
    reference = HuggingFaceTokenizer(tokenizer_json, max_length)
    ours = SentencePieceTokenizer(folder, max_length)
    texts = check_texts()
    return reference.encode_batch(texts) == ours.encode_batch(texts)
