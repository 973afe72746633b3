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
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(fold(w) for w in STOPWORDS_DUTCH)


def fold(text: str) -> str:
    """Lowercase and drop diacritics, so "coöperatie" matches "cooperatie"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    stop = stopwords()
    return [w for w in _WORD.findall(fold(text)) if w not in stop and (len(w) > 1 or w.isdigit())]


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


class QueryTerms:
    """A question's BM25 terms against the terms a version has indexed. A word that is not indexed at all
    also matches the indexed terms it is the start of (at most MAX_EXPANSIONS)."""

    def __init__(self, indexed: list[str], expand_prefixes: bool = True):
        self.expand_prefixes = expand_prefixes
        self.vocab = sorted(t for t in indexed if t)
        self.known = set(self.vocab)

    def tokens(self, query: str) -> list[str]:
        tokens = [stem(w) for w in words(query)]
        if not self.expand_prefixes:
            return tokens
        expanded = list(tokens)
        for token in tokens:
            if len(token) >= MIN_QUERY_PREFIX and token not in self.known:
                expanded += self._starting_with(token)
        return list(dict.fromkeys(expanded))

    def _starting_with(self, token: str) -> list[str]:
        i = bisect.bisect_right(self.vocab, token)
        out = []
        while i < len(self.vocab) and self.vocab[i].startswith(token) and len(out) < MAX_EXPANSIONS:
            out.append(self.vocab[i])
            i += 1
        return out


class LexicalIndex:
    def __init__(self, retriever, expand_prefixes: bool = True):
        self.retriever = retriever
        self.expand_prefixes = expand_prefixes
        self.terms = QueryTerms(list(retriever.vocab_dict), expand_prefixes)

    @classmethod
    def build(cls, texts: list[str], split_compounds: bool = True) -> "LexicalIndex":
        retriever = _bm25s().BM25()
        retriever.index(document_tokens(texts, split_compounds) or [[]], show_progress=False)
        return cls(retriever, expand_prefixes=split_compounds)

    def query_tokens(self, query: str) -> list[str]:
        return self.terms.tokens(query)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in self.query_tokens(query) if t in self.retriever.vocab_dict]
        n = int(self.retriever.scores["num_docs"])
        if not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)
        (folder / "lexical.json").write_text(json.dumps({"expand_prefixes": self.expand_prefixes}))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        retriever = _bm25s().BM25.load(str(folder), show_progress=False, verbosity=0)
        options = json.loads((folder / "lexical.json").read_text())
        return cls(retriever, expand_prefixes=options["expand_prefixes"])

