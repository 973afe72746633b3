"""Names in a question that no document contains: "En in Tilburg?" when no passage mentions Tilburg.

The answer then says so before its quotes, which are about the rest of the question. Only names are checked
(a capitalised word inside the question, or an abbreviation such as "WOZ"): they have no synonyms, so a name
that no passage, title or metadata value holds really is absent. Ordinary words are not checked; a question
may use another word than the documents ("vuilniswagen" for "opgehaald"), and checking them fired on 25 of 58
answerable dev questions (docs/evaluation.md, session 6). Not caught: a name that is the first word of the
question ("Tilburg: wat doet die?").
"""
from __future__ import annotations

import re
from typing import Callable

from .lexical import CAPITALISED_NAME, fold, question_words

_ABBREVIATION = re.compile(r"\b[A-Z]{2,}\b")
_PARTS = re.compile(r"[-'’]")


def names(question: str) -> list[str]:
    """Capitalised words inside the question, and abbreviations that are not part of one ("WOZ-WAARDE")."""
    found = [name.strip("-") for name in CAPITALISED_NAME.findall(question)]
    inside = {part for name in found for part in _PARTS.split(name)}
    return list(dict.fromkeys(found + [a for a in _ABBREVIATION.findall(question) if a not in inside]))


def absent_names(question: str, indexed_terms: Callable[[str], list[str]], known_words: set[str]) -> list[str]:
    """The names in `question` of which no name part is an indexed BM25 term or a word of a title or metadata
    value (`known_words`, folded). The name parts of "WOZ-waarde" and "Wmo-model" are "WOZ" and "Wmo": the
    word after the hyphen is an ordinary word. Parts that are stopwords or question words ("De" in "De Bilt",
    "WAT" in a question in capitals) say nothing either way and are skipped."""
    absent = []
    for name in names(question):
        parts = [p for p in _PARTS.split(name) if p and question_words(p)]
        parts = [p for p in parts if p[0].isupper()] or parts
        if parts and not any(_known(p, indexed_terms, known_words) for p in parts):
            absent.append(name)
    return absent


def _known(part: str, indexed_terms: Callable[[str], list[str]], known_words: set[str]) -> bool:
    """The name itself, or the name it is made from ("Rotterdamse", "Utrechtse", "Zaans": Rotterdam, Utrecht,
    Zaan…): up to three letters off the end, keeping at least four."""
    forms = [part] + [part[:-cut] for cut in (1, 2, 3) if len(part) - cut >= 4]
    return any(fold(form) in known_words or indexed_terms(form) for form in forms)


def notice(absent: list[str], found: bool) -> str:
    quoted = ", ".join(f"„{name}”" for name in absent)
    said = f"Let op: {quoted} {'komt' if len(absent) == 1 else 'komen'} in geen enkel document voor."
    return f"{said} Wat hieronder staat, gaat over de rest van uw vraag." if found else said
