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
