"""Lexical retrieval for the backends that keep their own BM25: BM25 (bm25s) over Dutch-stemmed tokens (PyStemmer).

Dutch glues words together ("woningbouwmonitor", "schuldhulpverlening").
At index time a long word also yields its parts when they are words seen
elsewhere in the corpus. At query time a word that is not in the index at
all ("schuldhulp") matches the indexed words it is the start of
("schuldhulpverlening"). Expanding *every* query word that way cost
recall on the real question sets (docs/evaluation.md), so known words are
left alone. Both steps are switched off with compound_splitting=False.
"""
from __future__ import annotations

import bisect
import json
import logging
from pathlib import Path

import numpy as np

from vraagbaak.index.backends.read_ahead import read_ahead
from vraagbaak.text.compounds import CompoundSplitter
from vraagbaak.text.words import prefix_forms, question_words, stem, words

MAX_EXPANSIONS = 8
MIN_QUERY_PREFIX = 6  # a query word this long also matches the longer indexed words it starts


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import
    return bm25s



def document_tokens(texts: list[str], split_compounds: bool = True,
                    known_words: set[str] | None = None) -> list[list[str]]:
    """BM25 terms per text. known_words: the corpus vocabulary when `texts` is only a batch of it."""
    tokenised = [words(t) for t in texts]
    splitter = None
    if split_compounds:
        splitter = CompoundSplitter(known_words if known_words is not None else {w for ws in tokenised for w in ws})
    out = []
    for ws in tokenised:
        tokens = [stem(w) for w in ws]
        if splitter:
            tokens += [stem(p) for w in ws for p in splitter.parts(w)]
        out.append(tokens)
    return out


class QueryTerms:
    """A question's BM25 terms against the terms a version has indexed. A word that is not indexed at all
    also matches the indexed terms it is the start of (at most MAX_EXPANSIONS)."""

    def __init__(self, indexed: list[str], expand_prefixes: bool = True):
        self.expand_prefixes = expand_prefixes
        self.vocab = sorted(t for t in indexed if t)
        self.known = set(self.vocab)

    def tokens(self, query: str) -> list[str]:
        tokens = [stem(w) for w in question_words(query)]
        if not self.expand_prefixes:
            return tokens
        expanded = list(tokens)
        for token in tokens:
            if len(token) >= MIN_QUERY_PREFIX and token not in self.known:
                expanded += [term for form in prefix_forms(token) for term in self._starting_with(form)]
        return list(dict.fromkeys(expanded))

    def indexed(self, text: str) -> list[str]:
        """The terms of `text` that this index holds."""
        return [t for t in self.tokens(text) if t in self.known]

    def _starting_with(self, token: str) -> list[str]:
        i = bisect.bisect_right(self.vocab, token)
        out = []
        while i < len(self.vocab) and self.vocab[i].startswith(token) and len(out) < MAX_EXPANSIONS:
            out.append(self.vocab[i])
            i += 1
        return out


def _at_least_nth(found: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The entries with a positive value at least the n-th largest: all of them where several tie there,
    so that equal scores can be ordered by row afterwards, whatever order argpartition left them in."""
    if len(values) > n:
        cut = np.partition(values, len(values) - n)[len(values) - n]
        keep = values >= max(cut, np.float32(np.finfo(np.float32).tiny))
    else:
        keep = values > 0
    return found[keep], values[keep]


class LexicalIndex:
    """BM25 built by bm25s and saved in its format. At question time the saved score matrix (one column of
    precomputed BM25 scores per term) is read with numpy alone: importing bm25s pulls in scipy, which cost a
    fresh `ask` 0.3 s (docs/performance.md)."""

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 num_docs: int, expand_prefixes: bool = True, retriever=None):
        self.vocab, self.num_docs, self.expand_prefixes = vocab, num_docs, expand_prefixes
        self.data, self.indices, self.indptr = data, indices, indptr
        self.terms = QueryTerms(list(vocab), expand_prefixes)
        self._retriever = retriever  # only for save() after build()

    @classmethod
    def build(cls, texts: list[str], split_compounds: bool = True) -> "LexicalIndex":
        retriever = _bm25s().BM25()
        retriever.index(document_tokens(texts, split_compounds) or [[]], show_progress=False)
        m = retriever.scores
        return cls(retriever.vocab_dict, m["data"], m["indices"], m["indptr"], int(m["num_docs"]),
                   split_compounds, retriever)

    def query_tokens(self, query: str) -> list[str]:
        return self.terms.tokens(query)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query: the sum of the query terms' score columns (as bm25s'
        get_scores, whose numpy path does the same sum)."""
        ids = self._term_ids(query)
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        rows, weights = self._postings(ids)
        return np.bincount(rows, weights=weights, minlength=self.num_docs).astype(np.float32)

    def top(self, query: str, k: int, rows: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best rows below `rows` (and in the boolean mask `allowed`, where given) with their scores (as
        `scores`), best first; equal scores by row. Where few rows hold a query term, only their postings
        are ranked: a row has one posting per query term, so the k x terms best postings hold the k best
        rows. At a million passages that is ~10^5 postings instead of 10^6 rows (docs/performance.md)."""
        ids = self._term_ids(query)
        if not ids or k <= 0 or rows <= 0:
            return []
        postings, weights = self._postings(ids)
        totals = np.bincount(postings, weights=weights, minlength=self.num_docs)
        if len(postings) * 2 < rows:
            found = postings[postings < rows]
            if allowed is not None:
                found = found[allowed[found]]
            found, values = _at_least_nth(found, totals[found].astype(np.float32), k * len(ids))
            found, first = np.unique(found, return_index=True)
            values = values[first]
        else:  # most rows hold a term: rank the rows themselves
            values = totals[:rows].astype(np.float32)
            if allowed is not None:
                values = np.where(allowed, values, np.float32(0))
            found, values = _at_least_nth(np.arange(rows), values, k)
        order = np.lexsort((found, -values))[:k]
        return [(int(found[i]), float(values[i])) for i in order if values[i] > 0]

    def _term_ids(self, query: str) -> list[int]:
        return [self.vocab[t] for t in self.query_tokens(query) if t in self.vocab]

    def _postings(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        spans = [(int(self.indptr[i]), int(self.indptr[i + 1])) for i in ids]
        read_ahead(self.indices, spans)
        read_ahead(self.data, spans)
        rows = np.concatenate([self.indices[a:b] for a, b in spans])
        weights = np.concatenate([self.data[a:b] for a, b in spans])
        return rows, weights

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), show_progress=False)
        (folder / "lexical.json").write_text(json.dumps({"expand_prefixes": self.expand_prefixes}))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        params = json.loads((folder / "params.index.json").read_text())
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = [np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in ("data", "indices", "indptr")]
        options = json.loads((folder / "lexical.json").read_text())
        return cls(vocab, *arrays, int(params["num_docs"]), options["expand_prefixes"])
