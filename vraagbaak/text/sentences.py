"""Dutch sentence splitting (sentencex), with one repair for abbreviations."""
from __future__ import annotations

import re

from sentencex import segment

from vraagbaak.schema import Chunk

_STARTS_LOWER = re.compile(r"^\W*[a-zà-ÿ]")
# A piece that is only a list number ("3.", "b)") belongs to the item text after it.
_ONLY_MARKER = re.compile(r"^\s*(\d{1,3}|[a-z])[.)]\s*$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; every sentence is a verbatim substring.

    sentencex breaks after abbreviations such as "o.a." or "bijv."; a Dutch
    sentence does not start with a lowercase letter, so such pieces are joined
    back onto the sentence before them.
    """
    pieces: list[str] = []
    for piece in segment("nl", text):
        if pieces and (_STARTS_LOWER.match(piece) or not pieces[-1].strip() or _ONLY_MARKER.match(pieces[-1])):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return [p.strip() for p in pieces if p.strip()]


def chunk_sentence_texts(chunk: Chunk) -> list[str]:
    """The sentences of a passage as the answer stage scores them: its stored spans, or (in an index written
    before spans existed, or a synthetic one) the passage split again. Indexing stores their vectors by these
    same texts."""
    if chunk.spans:
        return [chunk.text[s.start:s.end] for s in chunk.spans]
    return split_sentences(chunk.text) or [chunk.text]


# Where an over-long "sentence" (a PDF table row, a bullet list run together, a paragraph without a full stop)
# may be cut, best first: list markers, semicolons, then commas. Not after a colon: "Bevinding nummer 26:" alone
# would be the bold part without the finding.
_CLAUSE_BREAKS = (re.compile(r"\s(?=[•●▪◦○·–-]\s)|\s(?=o\s[A-Z])|\s(?=\(?\d{1,2}[.)]\s)"), re.compile(r"(?<=;)\s"),
                  re.compile(r"(?<=,)\s"))


# A sentence longer than this is scored, quoted and made bold in clauses, so that a bold part never exceeds
# the quote limit (Settings.quote_max_words, 80). samples_dev, first quote / any quote / bold: whole sentences
# 0.615 / 0.754 / 0.615 (bold credit from highlights of 126-241 words); 80 and 70: 0.615 / 0.723 / 0.585;
# 60: 0.631 / 0.739 / 0.585; 50: 0.631 / 0.739 / 0.569 and pdf_dev first quote 0.600 -> 0.567. Other sets equal.
SCORED_SENTENCE_MAX_WORDS = 60


def scored_sentences(chunk: Chunk) -> list[str]:
    """The texts the answer stage scores for a passage, and indexing stores vectors for: its sentences, an
    over-long one in clauses."""
    return [piece for text in chunk_sentence_texts(chunk) for piece in clauses(text, SCORED_SENTENCE_MAX_WORDS)]


def clauses(sentence: str, max_words: int) -> list[str]:
    """A sentence of more than max_words words, cut into consecutive pieces of at most max_words words at the
    best clause breaks it has (else between words). Joined with single spaces, the pieces give the sentence
    back (whitespace aside), so a quote of some of them stays verbatim. A shorter sentence comes back whole."""
    tokens = sentence.split()
    if len(tokens) <= max_words:
        return [sentence]
    for pattern in _CLAUSE_BREAKS:
        parts = [p.strip() for p in pattern.split(sentence) if p.strip()]
        if len(parts) > 1:
            return [piece for part in _pack(parts, max_words) for piece in clauses(part, max_words)]
    return [" ".join(tokens[i:i + max_words]) for i in range(0, len(tokens), max_words)]


def _pack(parts: list[str], max_words: int) -> list[str]:
    """Neighbouring parts joined back while together they stay within max_words."""
    packed: list[str] = []
    for part in parts:
        if packed and len(packed[-1].split()) + len(part.split()) <= max_words:
            packed[-1] = f"{packed[-1]} {part}"
        else:
            packed.append(part)
    return packed
