"""The embedded backend: FAISS for the vectors and bm25s for BM25, as files in the version folder.

``vectors.faiss`` holds the vectors with the row as id; ``lexical/`` the BM25 index. Exact inner-product
search while that is fast enough, a graph index (HNSW) from ``hnsw_min_chunks`` passages on
(docs/performance.md). A new version is written whole: vectors of unchanged passages are copied from the
previous version by the indexer, never embedded again.

``faiss_vectors`` float16 or sq8 keeps the searched vectors in 2 or 1 byte(s) per dimension (FAISS scalar
quantiser, also under HNSW) to save memory. The float32 vectors then also go to ``vectors.f32.npy``, mapped
from disk and only read for the few candidates: their cosines are recomputed exactly, so rankings among the
candidates, the "found" decision and vectors copied into the next version are those of float32.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from vraagbaak.index.backends.bm25 import LexicalIndex
from vraagbaak.index.backends.read_ahead import read_ahead
from .protocol import Allowed, BackendDamaged, Passage, Ranked, WriteJob

VECTORS = "vectors.faiss"
EXACT = "vectors.f32.npy"
LEXICAL = "lexical"
STORAGE = {"float32": None, "float16": "QT_fp16", "sq8": "QT_8bit"}  # faiss_vectors -> scalar quantiser


def faiss_kind(n_vectors: int, hnsw_min_chunks: int) -> str:
    return "IndexHNSWFlat" if n_vectors >= hnsw_min_chunks else "IndexFlatIP"


def storage(options: dict) -> str:
    kind = str(options.get("faiss_vectors") or "float32")
    if kind not in STORAGE:
        raise ValueError(f"VRAAGBAAK_FAISS_VECTORS '{kind}': kies uit {', '.join(STORAGE)}")
    return kind


def make_vector_index(vectors: np.ndarray, options: dict):
    """Exact inner-product search while it is fast enough; a graph index (HNSW) for large corpora. Vectors
    stored as float32, or scalar-quantised (float16, 8 bits) to save memory."""
    import faiss

    d, quantiser = vectors.shape[1], STORAGE[storage(options)]
    graph = faiss_kind(len(vectors), options["hnsw_min_chunks"]) == "IndexHNSWFlat"
    if quantiser is None:
        index = (faiss.IndexHNSWFlat(d, options["hnsw_m"], faiss.METRIC_INNER_PRODUCT) if graph
                 else faiss.IndexFlatIP(d))
    else:
        qtype = getattr(faiss.ScalarQuantizer, quantiser)
        index = (faiss.IndexHNSWSQ(d, qtype, options["hnsw_m"], faiss.METRIC_INNER_PRODUCT) if graph
                 else faiss.IndexScalarQuantizer(d, qtype, faiss.METRIC_INNER_PRODUCT))
    if graph:
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = options["hnsw_ef_search"]  # saved with the index
    if len(vectors):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)
    return index


class FaissBackend:
    def __init__(self, folder: Path, rows: int):
        import faiss

        self.rows = rows
        self.index = faiss.read_index(str(folder / VECTORS))
        self.lexical = LexicalIndex.load(folder / LEXICAL)
        # quantised storage: the exact vectors, mapped from disk (None: the index itself is exact)
        self.exact = np.load(folder / EXACT, mmap_mode="r") if (folder / EXACT).exists() else None

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
        found = [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
        return found if self.exact is None else self._rescored(found, q[0])

    def _rescored(self, found: list[tuple[int, float]], q: np.ndarray) -> Ranked:
        """Exact cosines for the candidates of a quantised index, best first."""
        rows = np.array([r for r, _ in found], dtype=np.int64)
        if not len(rows):
            return []
        order = np.argsort(rows)  # a memory map reads fastest in file order
        read_ahead(self.exact, [(r, r + 1) for r in rows.tolist()])
        cosines = np.empty(len(rows), dtype=np.float32)
        cosines[order] = np.asarray(self.exact[rows[order]]) @ q
        ranked = sorted(zip(rows.tolist(), cosines.tolist()), key=lambda item: -item[1])
        return [(r, float(c)) for r, c in ranked]

    def indexed_terms(self, text: str) -> list[str]:
        return self.lexical.terms.indexed(text)

    def bm25(self, query: str, k: int, allowed: Allowed | None) -> Ranked:
        return self.lexical.top(query, k, self.rows, None if allowed is None else allowed.mask(self.rows))

    def vectors(self, rows: list[int]) -> dict[int, np.ndarray]:
        if self.exact is not None:
            read_ahead(self.exact, [(int(r), int(r) + 1) for r in rows])
            return {int(r): np.array(self.exact[int(r)]) for r in rows if 0 <= int(r) < len(self.exact)}
        return {int(r): self.index.reconstruct(int(r)) for r in rows if 0 <= int(r) < self.index.ntotal}

    def check(self) -> None:
        if self.index.ntotal != self.rows or (self.exact is not None and len(self.exact) != self.rows):
            raise BackendDamaged(f"{self.index.ntotal} vectoren voor {self.rows} passages")
        if self.lexical.num_docs != max(self.rows, 1):
            raise BackendDamaged("de BM25-index past niet bij de passages")

    def close(self) -> None:
        self.index = self.lexical = self.exact = None


class FaissWriter:
    """Collects the vectors in row order; the FAISS and BM25 files are written once, at finish."""

    def __init__(self, job: WriteJob):
        storage(job.options)  # an unknown storage is refused before anything is embedded
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
        if storage(options) != "float32":
            np.save(folder / EXACT, self.vectors)
        (folder / LEXICAL).mkdir()
        LexicalIndex.build(self.job.texts, options["compound_splitting"]).save(folder / LEXICAL)
        return {"faiss": faiss_kind(len(self.vectors), options["hnsw_min_chunks"]), "faiss_vectors": storage(options)}

    def after_switch(self, live_keys: set[str]) -> None:
        pass  # old versions are folders; index/versions.py removes them

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
    def shared(options: dict, live: dict | None) -> None:
        return None  # its versions live only in the index folder

    @staticmethod
    def outdated(manifest: dict, options: dict) -> bool:
        chunks = int(manifest.get("counts", {}).get("chunks", 0))
        return (manifest.get("faiss_vectors", "float32") != storage(options)
                or manifest.get("faiss") != faiss_kind(chunks, options["hnsw_min_chunks"]))

    @staticmethod
    def describe(manifest: dict) -> str:
        vectors = manifest.get("faiss_vectors", "float32")
        return f"FAISS {manifest.get('faiss')} ({vectors}) + BM25 in de indexmap"


STORE = FaissStore()
