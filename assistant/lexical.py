"""Lexical retrieval: BM25 (bm25s) over Dutch-stemmed tokens (PyStemmer).

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
import logging
import json
import mmap
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
LINKING = ("s", "en", "e")  # tussenklanken: veiligheid-s-monitor, hond-en-overlast
MIN_PART = 4
MAX_EXPANSIONS = 8
MIN_QUERY_PREFIX = 6  # a query word this long also matches the longer indexed words it starts
# Question words that say what kind of answer is wanted, not what it is about. bm25s' Dutch stopwords have
# "wat", "wie" and "hoe" but not these: "Welke gemeente gebruikt data om schulden te signaleren?" matched
# "Welke gemeente deze case draagt, staat niet in de bronnen" on "welke" in every case description.
QUESTION_WORDS = frozenset({"welke", "welk", "waar", "wanneer", "waarom", "hoeveel", "hoelang", "hoezo",
                            "waarmee", "waardoor", "waarvoor", "waarover", "waarin", "waaraan", "waarop"})


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import
    return bm25s


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """bm25s' Dutch stopword list, read from its module file: importing the bm25s package pulls in scipy,
    which a question does not otherwise need."""
    import importlib.util

    spec = importlib.util.find_spec("bm25s")
    path = Path(spec.origin).parent / "stopwords.py"
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location("_bm25s_stopwords", path))
    module.__spec__.loader.exec_module(module)
    return frozenset(fold(w) for w in module.STOPWORDS_DUTCH)


def fold(text: str) -> str:
    """Lowercase and drop diacritics, so "coöperatie" matches "cooperatie"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    stop = stopwords()
    return [w for w in _WORD.findall(fold(text)) if w not in stop and (len(w) > 1 or w.isdigit())]


# A capitalised word that is not the first word of the question or of a sentence in it: a place or organisation.
CAPITALISED_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-ZÀ-Ý][\wÀ-ÿ-]+")


def question_words(question: str) -> list[str]:
    """The words of a question that say what it is about (BM25 terms, and the overlap of the answer stage)."""
    return [w for w in words(question) if w not in QUESTION_WORDS]


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


class CompoundSplitter:
    """Splits a word into parts that occur as words of their own in the corpus."""

    def __init__(self, vocabulary: set[str]):
        self.vocabulary = vocabulary
        self._cache: dict[str, list[str]] = {}

    def parts(self, word: str) -> list[str]:
        if len(word) < 2 * MIN_PART or word.isdigit():
            return []
        if word not in self._cache:
            self._cache[word] = self._split(word)
        return self._cache[word]

    def _split(self, word: str) -> list[str]:
        found: list[str] = []
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if tail in self.vocabulary:
                found.append(tail)  # the last part is the compound's core: a woningbouwmonitor is a monitor
                if self._known_head(head):
                    found.append(self._known_head(head))
        return list(dict.fromkeys(found))

    def _known_head(self, head: str) -> str | None:
        if head in self.vocabulary:
            return head
        for link in LINKING:
            if head.endswith(link) and len(head) - len(link) >= MIN_PART and head[: -len(link)] in self.vocabulary:
                return head[: -len(link)]
        return None


def vocabulary(texts) -> set[str]:
    """Every word of the corpus: what the compound splitter accepts as a part."""
    return {w for t in texts for w in words(t)}


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


_RESTORED_VOWEL = re.compile(r"^(.*[^aeiou])(aa|ee|oo|uu)([^aeiou]+)$")


def prefix_forms(token: str) -> list[str]:
    """The stem, and where the Dutch stemmer doubled a vowel to restore an open syllable ("sensoren" ->
    "sensoor", as "bomen" -> "boom") also the form without it ("sensor"): a compound is built on the
    short form ("sensordata"). The stemmer's doubling cannot be told from a long vowel of the word itself
    ("straat"), so the short form is only a start of longer words, and only from six letters on."""
    match = _RESTORED_VOWEL.match(token)
    short = match[1] + match[2][0] + match[3] if match else ""
    # a short form under six letters starts too many other words ("straat" -> "strat", as in "strategie")
    return [token, short] if len(short) >= 6 else [token]


def has_stem(asked: str, have: set[str]) -> bool:
    """The stem itself, or a compound that starts with it ("schuldhulp" in "schuldhulpverlening", "sensoor"
    of "sensoren" in "sensordata")."""
    if asked in have:
        return True
    starts = tuple(form for form in prefix_forms(asked) if len(form) >= 5)
    return bool(starts) and any(h.startswith(starts) for h in have)


def held_by_most(asked: str, collection: list[set[str]], min_documents: int = 4) -> bool:
    """Is the stem `asked` (has_stem) in at least half of `collection`, the word stems of each document (or of
    a sample of them)? False for fewer than `min_documents` documents, where "most" says little."""
    return len(collection) >= min_documents and \
        sum(has_stem(asked, words) for words in collection) >= len(collection) / 2


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


def read_ahead(array: np.ndarray, spans: list[tuple[int, int]]) -> bool:
    """Ask the OS to start reading rows [a, b) of an array mapped from disk (as np.load(mmap_mode="r")
    returned it, not a view of it) for every span at once, before numpy touches them one page fault, and one
    disk read, at a time. Right after a load, with nothing of the index in the disk cache, a question's ~50
    candidate vectors and its terms' postings then arrive in one burst of parallel reads: at a million
    passages the first search went from p50 31.9 / p95 220 ms to 19.5 / 52 ms (docs/performance.md, session
    8). Where the pages are cached it costs a few microseconds per span. False where there is nothing to
    advise: an array in memory or a view, or an OS without madvise. Only a hint: an error is no failure."""
    mapping = getattr(array, "_mmap", None)  # np.memmap keeps its mmap object here
    if mapping is None or array.base is not mapping or not hasattr(mapping, "madvise") or not len(array):
        return False
    # np.memmap maps from the file offset rounded down to the allocation granularity
    ranges = page_ranges(array.offset % mmap.ALLOCATIONGRANULARITY, array.strides[0], len(array), spans)
    try:
        for start, length in ranges:
            mapping.madvise(mmap.MADV_WILLNEED, start, length)
    except OSError:
        pass
    return True


def page_ranges(data_start: int, row_bytes: int, rows: int, spans: list[tuple[int, int]],
                page: int = mmap.PAGESIZE) -> list[tuple[int, int]]:
    """(start, length) in a mapping, from the page that holds row a to the end of row b - 1, for each span
    [a, b) of rows (clipped to the array); data_start: where row 0 begins in the mapping."""
    out = []
    for a, b in spans:
        a, b = max(int(a), 0), min(int(b), rows)
        if b > a:
            first = data_start + a * row_bytes
            out.append((first - first % page, data_start + b * row_bytes - (first - first % page)))
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
