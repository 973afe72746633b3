"""Answer builder: hits -> a short Dutch answer made only of verbatim, cited quotes."""
from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from .cleaning import collapse_whitespace
from .lexical import stem, words
from .memo import source_reference
from .schema import Answer, Citation, Hit
from .sentences import split_sentences

log = logging.getLogger(__name__)
NOTHING_FOUND = "In de documenten heb ik niets gevonden dat uw vraag beantwoordt."


def sentence_scores(question: str, sentences: list[str]) -> list[float]:
    """Overlap of question stems with each sentence; a word also matches the
    compounds it starts ("schuldhulp" in "schuldhulpverlening"). Longer words weigh more."""
    asked = {stem(w) for w in words(question)}
    scores = []
    for sentence in sentences:
        have = [stem(w) for w in words(sentence)]
        scores.append(sum(len(q) for q in asked
                          if any(h == q or (len(q) >= 5 and h.startswith(q)) for h in have)))
    return scores


def choose_quote(sentences: list[str], scores: list[float], max_words: int) -> tuple[int, int]:
    """The best sentence, grown with its best-scoring neighbours up to max_words."""
    best = int(np.argmax(scores))
    lo = hi = best
    length = len(sentences[best].split())
    while True:
        options = []
        if hi + 1 < len(sentences):
            options.append((scores[hi + 1], 1, hi + 1))
        if lo - 1 >= 0:
            options.append((scores[lo - 1], 0, lo - 1))
        if not options:
            break
        _, _, pick = max(options)
        extra = len(sentences[pick].split())
        if length + extra > max_words:
            break
        length += extra
        lo, hi = min(lo, pick), max(hi, pick)
    return lo, hi


class AnswerBuilder:
    def __init__(self, threshold: float, max_quotes: int, quote_max_words: int, quote_margin: float,
                 is_verbatim: Callable[[str, str], bool], embed_sentences: Callable[[str, list[str]], list[float]]):
        self.threshold = threshold
        self.quote_margin = quote_margin
        self.max_quotes = max_quotes
        self.quote_max_words = quote_max_words
        self.is_verbatim = is_verbatim  # (doc path, quote) -> does the document hold this exact text?
        self.embed_sentences = embed_sentences  # (question, sentences) -> cosine per sentence

    def build(self, question: str, hits: list[Hit]) -> Answer:
        best = max((h.dense_score or 0.0 for h in hits), default=0.0)
        if best < self.threshold:
            return self._nothing_found(question, hits)
        citations = []
        for hit in hits:
            if len(citations) == self.max_quotes:
                break
            if (hit.dense_score or 0.0) < max(self.threshold, best - self.quote_margin):
                continue  # never show an unrelated passage as part of an answer
            citation = self._cite(question, hit, len(citations) + 1)
            if citation and not any(_overlaps(citation, c) for c in citations):
                citations.append(citation)
        if not citations:
            return self._nothing_found(question, hits)
        return Answer(question, True, _answer_text(citations), citations, _nearest(hits))

    def _cite(self, question: str, hit: Hit, n: int) -> Citation | None:
        sentences = split_sentences(hit.chunk.text) or [hit.chunk.text]
        scores = sentence_scores(question, sentences)
        if max(scores) == 0:  # a paraphrase shares no words: let the model pick the sentence
            scores = self.embed_sentences(question, sentences)
        lo, hi = choose_quote(sentences, scores, self.quote_max_words)
        top = max(scores[lo:hi + 1])
        quote = " ".join(sentences[lo:hi + 1])
        if not self.is_verbatim(hit.chunk.doc, quote):
            log.error("citaat niet letterlijk gevonden in %s; weggelaten", hit.chunk.doc)
            return None
        highlights = [s for s, sc in zip(sentences[lo:hi + 1], scores[lo:hi + 1]) if sc > 0 and sc >= 0.6 * top]
        c = hit.chunk
        return Citation(n, c.doc, c.title, c.page_start, c.section, quote, highlights, c.metadata,
                        hit.dense_score, c.id)

    def _nothing_found(self, question: str, hits: list[Hit]) -> Answer:
        nearest = _nearest(hits)
        lines = [NOTHING_FOUND]
        if nearest:
            lines.append("Deze documenten komen er het dichtst bij:")
            lines += [f"- {d['title']} ({d['doc']})" for d in nearest]
        return Answer(question, False, "\n".join(lines), [], nearest)


def _overlaps(a: Citation, b: Citation) -> bool:
    x, y = collapse_whitespace(a.quote), collapse_whitespace(b.quote)
    return a.doc == b.doc and (x in y or y in x)


def _nearest(hits: list[Hit], n: int = 3) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for hit in hits:
        seen.setdefault(hit.chunk.doc, {"doc": hit.chunk.doc, "title": hit.chunk.title})
    return list(seen.values())[:n]


def marked_quote(c: Citation) -> str:
    text = c.quote
    for sentence in c.highlights:
        text = text.replace(sentence, f"**{sentence}**", 1)
    return text


def _answer_text(citations: list[Citation]) -> str:
    docs = len({c.doc for c in citations})
    lead = (f"Ik vond {len(citations)} {'passage' if len(citations) == 1 else 'passages'} in {docs} "
            f"{'document' if docs == 1 else 'documenten'} over uw vraag; de meest relevante zinnen staan vet.")
    blocks = [lead] + [f"[{c.n}] „{marked_quote(c)}”\n— {source_reference(c, with_url=False)}" for c in citations]
    return "\n\n".join(blocks)
