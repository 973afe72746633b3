"""Words of a question that no document contains: "En in Tilburg?" when no passage mentions Tilburg.

The answer then says so before its quotes, which are about the rest of the question.

Names (a capitalised word inside the question, or an abbreviation such as "WOZ") are always checked: they
have no synonyms, so a name that no passage, title or metadata value holds really is absent. Not caught: a
name that is the first word of the question ("Tilburg: wat doet die?").

Ordinary words are checked only where the rest of the question says nothing specific. A question may use
another word than the documents ("vuilniswagen" for "opgehaald"), and flagging every absent word fired on 25
of 58 answerable dev questions (docs/evaluation.md). But in "Welke gemeente zet data in bij de
aanpak van armoede?" the words the documents do hold (gemeente, data, aanpak) are in most of them, so
whatever is quoted matches those alone: "armoede" is the subject, and it is in none. How common
a word is, is judged on the collection (a sample of its documents), not on the retrieved documents: those
all hold the subject of a well-answered question ("paspoort" in "Wat doe ik als ik mijn paspoort kwijtraak?").
A typo of a word in the best passages ("zwerfafal") is no absent word (`misspelled`, used by the assistant).
"""
from __future__ import annotations

import re
from typing import Callable

from vraagbaak.text.cleaning import RARE_ZIPF
from vraagbaak.text.words import content_words, fold, given_names, held_by_most, question_words, stem

_ABBREVIATION = re.compile(r"\b[A-Z]{2,}\b")
_PARTS = re.compile(r"[-'’]")
MISSPELLED_RATIO = 0.85  # difflib: "zwerfafal"/"zwerfafval" 0.95; "ouderen"/"ouders" 0.77
COMMON_ZIPF = 5.5  # wordfreq's Zipf scale: "doet" 5.7, "gaat" 6.2; "leeftijd" 5.2, "armoede" 4.4


def names(question: str) -> list[str]:
    """Capitalised words inside the question, and abbreviations that are not part of one ("WOZ-WAARDE")."""
    found = [name.strip("-") for name in given_names(question)]  # "Welk Kamerlid …?" asks for one: no name
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


def absent_words(question: str, indexed_terms: Callable[[str], list[str]], known_words: set[str]) -> list[str]:
    """The ordinary words of `question` (four letters or more, folded, not part of a name: absent_names
    checks those) that no document holds: no indexed BM25 term, no word of a title or metadata value."""
    return [w for w in _ordinary_words(question) if not indexed_terms(w) and w not in known_words]


def absent_subject(question: str, absent: list[str], collection: list[set[str]], min_documents: int = 4,
                   absent_names: list[str] = ()) -> list[str]:
    """The `absent` words (absent_words) that can name a subject, where each other word of the question
    (names too: "Utrecht" in "Welke projecten heeft Utrecht ingebracht?") is held by at least half of
    `collection` (the word stems of each document, or of a sample of them): such words cannot tell the
    documents apart, so whatever is quoted is not about the absent subject. `absent_names` are in no
    document either and count as absent. "doet" or "gaat" name no subject (as common as Dutch words get; a
    collection may simply never use them). [] for fewer than `min_documents` documents: "most of them" says
    little there; and where no other word is in the documents at all (a paraphrase, found by meaning)."""
    from wordfreq import zipf_frequency

    frequency = {w: zipf_frequency(w, "nl") for w in absent}
    subject = [w for w in absent if frequency[w] < COMMON_ZIPF]
    if not subject or len(collection) < min_documents:
        return []
    gone = set(absent) | {w for name in absent_names for w in question_words(name)}  # "Eindhoven": in none
    held = {stem(w) for w in content_words(question) if not w.isdigit() and w not in gone}
    if not held:  # no word of the question is in the documents: found by meaning alone, as a paraphrase
        return []  # ("Hoe vaak komt de vuilniswagen langs?" for "het afval wordt elke twee weken opgehaald")
    if not all(held_by_most(s, collection, min_documents) for s in held):
        return []  # a word that only some documents hold: what was found may well be about the question
    rare = [w for w in subject if frequency[w] < RARE_ZIPF]  # "drones", not "zetten", in "Welke gemeenten
    return rare or subject  # zetten drones in?": the subject, not a verb the documents happen not to use


def _ordinary_words(question: str) -> list[str]:
    named = {w for name in names(question) for w in question_words(name)}
    return [w for w in dict.fromkeys(content_words(question)) if not w.isdigit() and w not in named]


def misspelled(word: str, vocabulary: set[str], cutoff: float = MISSPELLED_RATIO) -> bool:
    """A word written almost like one of `vocabulary` (folded words): "zwerfafal" for "zwerfafval",
    "voorspelmodl" for "voorspelmodel". Only words with the same first two letters are compared."""
    import difflib

    candidates = [w for w in vocabulary if w[:2] == word[:2] and abs(len(w) - len(word)) <= 3]
    return bool(difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff))


def as_written(question: str, folded: list[str]) -> list[str]:
    """The question's own spelling of folded words ("coordinatie" -> "coördinatie", "wmo" -> "Wmo")."""
    written = {fold(w): w for w in reversed(re.findall(r"\w+", question))}
    return [written.get(w, w) for w in folded]
