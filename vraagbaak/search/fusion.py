"""Search one index version: dense and BM25 candidates from its backend, fused here (the same fusion for
every backend), and the hits made from the catalogue's passages."""
from __future__ import annotations

import numpy as np

from vraagbaak.index.versions import IndexVersion
from vraagbaak.schema import Hit
from vraagbaak.timing import Timings, stage

MODES = ("dense", "bm25", "hybrid")
FUSIONS = ("rrf", "score")


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


def search(index: IndexVersion, query: str, query_vector: np.ndarray, k: int, mode: str = "hybrid",
           filters: dict | None = None, candidates: int = 50, rrf_k: int = 60,
           bm25_weight: float = 1.0, fusion: str = "rrf", timings: Timings | None = None) -> list[Hit]:
    if mode not in MODES:
        raise ValueError(f"onbekende zoekmodus '{mode}'; kies uit {', '.join(MODES)}")
    if fusion not in FUSIONS:
        raise ValueError(f"onbekende fusie '{fusion}'; kies uit {', '.join(FUSIONS)}")
    allowed = index.catalogue.allowed(filters)
    if allowed is not None and len(allowed.rows) == 0:
        return []
    n = max(k, candidates)
    with stage(timings, "dense"):
        dense = index.backend.dense(query_vector, n, allowed) if mode != "bm25" else []
    with stage(timings, "bm25"):
        lexical = index.backend.bm25(query, n, allowed) if mode != "dense" else []
    with stage(timings, "fusion"):
        if mode == "hybrid":
            if fusion == "score":
                ranked = score_fusion(dense, lexical, bm25_weight)[:k]
            else:
                ranked = reciprocal_rank_fusion([dense, lexical], rrf_k, [1.0, bm25_weight])[:k]
        else:
            ranked = (dense if mode == "dense" else lexical)[:k]
    return _hits(index, ranked, query_vector, dense, lexical, timings)


def _hits(index: IndexVersion, ranked, query_vector, dense, lexical, timings) -> list[Hit]:
    with stage(timings, "fetch"):
        dense_of = dict(dense)
        missing = [r for r, _ in ranked if r not in dense_of]
        if missing:  # every hit carries its cosine similarity: ask() uses it to decide "found"
            found = index.backend.vectors(missing)
            dense_of.update({r: float(v @ query_vector) for r, v in found.items()})
        # a row whose vector the store no longer holds (removed after a later switch) is left out
        ranked = [(row, score) for row, score in ranked if row in dense_of]
        lexical_of = dict(lexical)
        rows = [r for r, _ in ranked]
        return [Hit(chunk, score, rank + 1, dense_of.get(row), lexical_of.get(row))
                for rank, ((row, score), chunk) in enumerate(zip(ranked, index.chunks(rows)))]
