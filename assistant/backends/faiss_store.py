"""The embedded backend: FAISS for the vectors and bm25s for BM25, as files in the version folder.

``vectors.faiss`` holds the vectors with the row as id; ``lexical/`` the BM25 index. Exact inner-product
search while that is fast enough, a graph index (HNSW) from ``hnsw_min_chunks`` passages on
(docs/performance.md). A new version is written whole: vectors of unchanged passages are copied from the
previous version by the indexer, never embedded again.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ..lexical import LexicalIndex
from .protocol import Allowed, BackendDamaged, Passage, Ranked, WriteJob

VECTORS = "vectors.faiss"
LEXICAL = "lexical"


def faiss_kind(n_vectors: int, hnsw_min_chunks: int) -> str:
    return "IndexHNSWFlat" if n_vectors >= hnsw_min_chunks else "IndexFlatIP"


def make_vector_index(vectors: np.ndarray, options: dict):
    """Exact inner-product search while it is fast enough; a graph index (HNSW) for large corpora."""
    import faiss

    d = vectors.shape[1]
    if faiss_kind(len(vectors), options["hnsw_min_chunks"]) == "IndexHNSWFlat":
        index = faiss.IndexHNSWFlat(d, options["hnsw_m"], faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = options["hnsw_ef_search"]  # saved with the index
    else:
        index = faiss.IndexFlatIP(d)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class FaissBackend:
    def __init__(self, folder: Path, rows: int):
        import faiss

        self.rows = rows
        self.index = faiss.read_index(str(folder / VECTORS))
        self.lexical = LexicalIndex.load(folder / LEXICAL)

    def _mask(self, allowed: Allowed | None) -> np.ndarray | None:
        if allowed is None:
            return None
        mask = np.zeros(self.rows, dtype=bool)
        mask[allowed.rows] = True
        return mask

    def dense(self, query_vector: np.ndarray, k: int, allowed: Allowed | None) -> Ranked:
        import faiss

        if self.index.ntotal == 0 or (allowed is not None and len(allowed.rows) == 0):
            return []
        q = query_vector.reshape(1, -1).astype(np.float32)
        if allowed is None:
            scores, rows = self.index.search(q, min(k, self.index.ntotal))
        else:
            selector = faiss.IDSelectorBatch(allowed.rows.astype(np.int64))
            if isinstance(self.index, faiss.IndexHNSW):  # a graph walk needs room to step over filtered nodes
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.index.hnsw.efSearch, 4 * k))
            else:
                params = faiss.SearchParameters(sel=selector)
            scores, rows = self.index.search(q, min(k, len(allowed.rows)), params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def bm25(self, query: str, k: int, allowed: Allowed | None) -> Ranked:
        scores = self.lexical.scores(query)[: self.rows]
        mask = self._mask(allowed)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top]

    def vectors(self, rows: list[int]) -> dict[int, np.ndarray]:
        return {int(r): self.index.reconstruct(int(r)) for r in rows if 0 <= int(r) < self.index.ntotal}

    def check(self) -> None:
        if self.index.ntotal != self.rows:
            raise BackendDamaged(f"{self.index.ntotal} vectoren voor {self.rows} passages")
        if self.lexical.num_docs != max(self.rows, 1):
            raise BackendDamaged("de BM25-index past niet bij de passages")

    def close(self) -> None:
        self.index = self.lexical = None


class FaissWriter:
    """Collects the vectors in row order; the FAISS and BM25 files are written once, at finish."""

    def __init__(self, job: WriteJob):
        self.job = job
        self.vectors = np.zeros((len(job.texts), job.dimension), dtype=np.float32)
        self.filled = np.zeros(len(job.texts), dtype=bool)

    def held(self, keys: list[str]) -> set[str]:
        return set()  # every version is written whole

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        rows = [p.row for p in passages]
        self.vectors[rows] = vectors
        self.filled[rows] = True

    def finish(self, folder: Path) -> dict:
        import faiss

        if not self.filled.all():
            raise RuntimeError(f"{int((~self.filled).sum())} passages zonder vector")
        options = self.job.options
        faiss.write_index(make_vector_index(self.vectors, options), str(folder / VECTORS))
        (folder / LEXICAL).mkdir()
        LexicalIndex.build(self.job.texts, options["compound_splitting"]).save(folder / LEXICAL)
        return {"faiss": faiss_kind(len(self.vectors), options["hnsw_min_chunks"])}

    def after_switch(self, live_keys: set[str]) -> None:
        pass  # old versions are folders; store.py removes them

    def close(self) -> None:
        self.vectors = None


class FaissStore:
    name = "faiss"

    @staticmethod
    def open(folder: Path, manifest: dict, keys: Callable[[], list[str]]) -> FaissBackend:
        return FaissBackend(folder, int(manifest.get("counts", {}).get("chunks", 0)))

    @staticmethod
    def writer(job: WriteJob) -> FaissWriter:
        return FaissWriter(job)

    @staticmethod
    def describe(manifest: dict) -> str:
        return f"FAISS {manifest.get('faiss')} + BM25 in de indexmap"


STORE = FaissStore()
