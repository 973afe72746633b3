"""Retrievers over one loaded index: dense (FAISS), lexical (BM25) and hybrid (RRF)."""
from __future__ import annotations

import numpy as np

from .schema import Hit
from .store import LoadedIndex
from .timing import Timings, stage

MODES = ("dense", "bm25", "hybrid")
FUSIONS = ("rrf", "score")


def filter_mask(index: LoadedIndex, filters: dict | None) -> np.ndarray | None:
    """Rows allowed by the filters: ``doc`` or any front-matter field, values
    compared case-insensitively; a list of values means any of them."""
    names = allowed_documents(index, filters)
    if names is None:
        return None
    position = {name: i for i, name in enumerate(index.doc_names)}
    return np.isin(index.chunk_doc, np.array([position[n] for n in names], dtype=np.int32))


def allowed_documents(index: LoadedIndex, filters: dict | None) -> list[str] | None:
    """The document paths that pass the filters, or None when there are no filters."""
    if not filters:
        return None
    return [name for name in index.doc_names if all(_matches(index, name, key, want) for key, want in filters.items())]


def _matches(index: LoadedIndex, name: str, key: str, want) -> bool:
    wanted = {str(w).strip().lower() for w in (want if isinstance(want, (list, tuple, set)) else [want])}
    if not wanted:
        return True
    record = index.documents[name]
    value = name if key == "doc" else record.title if key == "title" else record.metadata.get(key)
    values = value if isinstance(value, list) else [value]
    return any(str(v).strip().lower() in wanted for v in values if v is not None)


def dense_candidates(index: LoadedIndex, query_vector: np.ndarray, k: int,
                     mask: np.ndarray | None) -> list[tuple[int, float]]:
    import faiss

    if index.vectors.ntotal == 0:
        return []
    q = query_vector.reshape(1, -1).astype(np.float32)
    if mask is None:
        scores, rows = index.vectors.search(q, min(k, index.vectors.ntotal))
    else:
        ids = np.flatnonzero(mask).astype(np.int64)
        if len(ids) == 0:
            return []
        selector = faiss.IDSelectorBatch(ids)
        if isinstance(index.vectors, faiss.IndexHNSW):  # a graph walk needs room to step over filtered nodes
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(index.vectors.hnsw.efSearch, 4 * k))
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, rows = index.vectors.search(q, min(k, len(ids)), params=params)
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


def lexical_candidates(index: LoadedIndex, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
    scores = index.lexical.scores(query)[: len(index.chunk_doc)]
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(k, int(np.count_nonzero(scores)))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(r), float(scores[r])) for r in top]


def reciprocal_rank_fusion(ranked_lists: list[list[tuple[int, float]]], k: int = 60,
                           weights: list[float] | None = None) -> list[tuple[int, float]]:
    weights = weights or [1.0] * len(ranked_lists)
    fused: dict[int, float] = {}
    for ranked, weight in zip(ranked_lists, weights):
        for rank, (row, _) in enumerate(ranked):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: -item[1])


def score_fusion(dense: list[tuple[int, float]], lexical: list[tuple[int, float]],
                 bm25_weight: float) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores. Unlike RRF it keeps how *sure* each retriever
    is: one passage that alone holds a rare case number stands far above the rest in BM25, while the
    cosines of near-identical passages lie within a few hundredths of each other."""
    fused: dict[int, float] = {}
    for ranked, weight in ((dense, 1.0 - bm25_weight), (lexical, bm25_weight)):
        if not ranked:
            continue
        scores = np.array([s for _, s in ranked])
        low, span = scores.min(), scores.max() - scores.min()
        for row, score in ranked:
            fused[row] = fused.get(row, 0.0) + weight * ((score - low) / span if span > 0 else 1.0)
    return sorted(fused.items(), key=lambda item: -item[1])



def search(index: LoadedIndex, query: str, query_vector: np.ndarray, k: int, mode: str = "hybrid",
           filters: dict | None = None, candidates: int = 50, rrf_k: int = 60,
           bm25_weight: float = 1.0, fusion: str = "rrf", timings: Timings | None = None) -> list[Hit]:
    if mode not in MODES:
        raise ValueError(f"onbekende zoekmodus '{mode}'; kies uit {', '.join(MODES)}")
    if fusion not in FUSIONS:
        raise ValueError(f"onbekende fusie '{fusion}'; kies uit {', '.join(FUSIONS)}")
    if index.milvus is not None:
        return _milvus_search(index, query, query_vector, k, mode, filters, candidates, rrf_k, timings)
    mask = filter_mask(index, filters)
    n = max(k, candidates)
    with stage(timings, "dense"):
        dense = dense_candidates(index, query_vector, n, mask) if mode != "bm25" else []
    with stage(timings, "bm25"):
        lexical = lexical_candidates(index, query, n, mask) if mode != "dense" else []
    with stage(timings, "fusion"):
        if mode == "hybrid":
            if fusion == "score":
                ranked = score_fusion(dense, lexical, bm25_weight)[:k]
            else:
                ranked = reciprocal_rank_fusion([dense, lexical], rrf_k, [1.0, bm25_weight])[:k]
        else:
            ranked = (dense if mode == "dense" else lexical)[:k]
    return _hits(index, ranked, query_vector, dense, lexical, timings)


def _hits(index: LoadedIndex, ranked, query_vector, dense, lexical, timings) -> list[Hit]:
    with stage(timings, "fetch"):
        rows = [r for r, _ in ranked]
        dense_of = dict(dense)
        missing = [r for r in rows if r not in dense_of]
        if missing:  # every hit carries its cosine similarity: ask() uses it to decide "found"
            dense_of.update(zip(missing, (index.vector(missing) @ query_vector).tolist()))
        lexical_of = dict(lexical)
        return [Hit(chunk, score, rank + 1, dense_of.get(row), lexical_of.get(row))
                for rank, ((row, score), chunk) in enumerate(zip(ranked, index.chunks(rows)))]


def _milvus_search(index: LoadedIndex, query: str, query_vector: np.ndarray, k: int, mode: str,
                   filters: dict | None, candidates: int, rrf_k: int, timings) -> list[Hit]:
    """The same search on the Milvus backend: Milvus ranks (hybrid with its own RRFRanker), the
    filters are resolved to document paths here, with exactly the rules of filter_mask."""
    from .lexical import stem, words

    docs = allowed_documents(index, filters)
    if docs == []:
        return []
    terms = " ".join(stem(w) for w in words(query))
    with stage(timings, mode):
        found = index.milvus.search(mode, terms, query_vector, max(k, candidates), docs, rrf_k)
    # keys unknown to this version belong to an indexer that has not finished (or was killed): skipped.
    # abs(): milvus-lite reports BM25 scores negated (best first all the same); the JSON shows them positive.
    ranked = [(index.pk_rows[pk], abs(score)) for pk, score in found if pk in index.pk_rows][:k]
    return _hits(index, ranked, query_vector, [], [], timings)
