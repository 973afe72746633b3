"""Dutch word analysis: folding, stopwords, Snowball stems, question words, and the stem tests that the
answer stage and the catalogue share. Pure functions over strings; imports nothing from vraagbaak.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)
# Question words that say what kind of answer is wanted, not what it is about. bm25s' Dutch stopwords have
# "wat", "wie" and "hoe" but not these: "Welke gemeente gebruikt data om schulden te signaleren?" matched
# "Welke gemeente deze case draagt, staat niet in de bronnen" on "welke" in every case description.
QUESTION_WORDS = frozenset({"welke", "welk", "waar", "wanneer", "waarom", "hoeveel", "hoelang", "hoezo",
                            "waarmee", "waardoor", "waarvoor", "waarover", "waarin", "waaraan", "waarop"})



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


# "Welk Kamerlid …?", "In welke Raadsformatie …?", "Welke Tweede Kamerleden …?": the capitalised noun after "welk(e)"
# is what the question asks for, a kind of thing, not a name it gives. Not a short name ("Welke Wmo taken …?"), a
# compound built on a name ("Welke Tozo-regels …?") or an adjective of a place ("Welke Zaanse projecten …?")
_ASKED_KIND_OF_THING = re.compile(r"\b(?:[Ww]elke?|[Ww]at\s+voor)\s+((?:Eerste|Tweede|Derde)\s+)?"
                                  r"([A-ZÀ-Ý][a-zà-ÿ]{5,})\b(?![-'’])")
PLACE_ADJECTIVE = re.compile(r"(?:se|sche)$")  # "Zaanse", "Utrechtse", "Haagsche"


def name_forms(folded_name: str) -> tuple[str, ...]:
    """The forms a text may name a folded name in: a place adjective also by its place ("amsterdamse" ->
    "amsterdam", "utrechtse" -> "utrecht"). Not a place of four letters: "leidse" -> "leid" would be found in
    "leiding", "goudse" -> "goud" in "goud"."""
    place = PLACE_ADJECTIVE.sub("", folded_name)
    return (folded_name, place) if place != folded_name and len(place) >= 5 else (folded_name,)


def given_names(question: str) -> list[str]:
    """The capitalised words inside a question (CAPITALISED_NAME), less the noun a which-question asks for
    ("Kamerlid" in "Welk Kamerlid stelde …?", "Tweede" and "Kamerleden" in "Welke Tweede Kamerleden …?"): that is
    no name the question gives; the same word elsewhere in it still is."""
    asked = _ASKED_KIND_OF_THING.search(question)
    if not asked or PLACE_ADJECTIVE.search(asked[2]):
        return CAPITALISED_NAME.findall(question)
    at = {asked.start(group) for group in (1, 2) if asked[group]}
    return [m[0] for m in CAPITALISED_NAME.finditer(question) if m.start() not in at]


# A name of several words as written: capitalised words joined by the small words Dutch names have between them
# ("Tour de France", "Raad van State", "Frans van der Berg", "Bergen op Zoom", "Alphen aan den Rijn").
WHOLE_NAME = re.compile(r"[A-ZÀ-Ý][\wÀ-ÿ-]*(?:\s+(?:(?:van|de|der|den|het|ter|ten|te|op|aan|'t)\s+)*"
                         r"[A-ZÀ-Ý][\wÀ-ÿ-]*)*")


def whole_names(text: str, parts: list[str]) -> list[str]:
    """`parts` (single capitalised words, CAPITALISED_NAME) with those that stand together in the text as one name
    joined, once: a notice says "Tour de France", not "Tour" and "France". Only listed parts are joined: in "Wat
    vindt Utrecht van de Tour de France?" Utrecht is no part of the name when only "Tour" and "France" are
    missing. A part the text does not hold stays as it is."""
    listed = set(parts)
    whole = []
    for part in parts:
        span = next((m.group(0) for m in WHOLE_NAME.finditer(text)
                     if re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", m.group(0))), part)
        words_ = span.split()
        capitals = [i for i, w in enumerate(words_) if w[:1].isupper()]
        at = next((i for i in capitals if words_[i] == part), None)
        if at is None:
            whole.append(part)
            continue
        first, last = at, at  # widen over listed capitalised words only, with the small words between them
        while (earlier := [i for i in capitals if i < first]) and words_[earlier[-1]] in listed:
            first = earlier[-1]
        while (later := [i for i in capitals if i > last]) and words_[later[0]] in listed:
            last = later[0]
        whole.append(" ".join(words_[first:last + 1]))
    return list(dict.fromkeys(whole))


def question_words(question: str) -> list[str]:
    """The words of a question that say what it is about (BM25 terms, and the overlap of the answer stage)."""
    return [w for w in words(question) if w not in QUESTION_WORDS]


CONTENT_WORD_LETTERS = 4  # shorter question words ("wet", "rol", "EU") match too much where a check looks for them


def content_words(question: str) -> list[str]:
    """The question's words that the answer checks look for in a quote: question_words of four letters or more."""
    return [w for w in question_words(question) if len(w) >= CONTENT_WORD_LETTERS]


def stem(word: str) -> str:
    """The Dutch Snowball stem; a verb form on "-dt" ("verspreidt", "vindt", "beantwoordt") is stemmed as its
    infinitive ("verspreiden"): Snowball leaves the "t", so "In welke vorm verspreidt GGD Rotterdam …?" missed
    "verspreid in PDF". Only "-dt": a Dutch noun does not end in it, while "-t" ends "rapport" and "kaart"."""
    if len(word) > 3 and word.endswith("dt"):
        word = word[:-1] + "en"
    return _stemmer().stemWord(word)


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


# Dutch negates an adjective with "on-" ("onveilig", "onduidelijk", "ontoegankelijk"), told by its ending: not
# "lang" in "onlangs", "veer" in "ongeveer" or "dank" in "ondanks"
_ADJECTIVE_ENDING = re.compile(r"(?:ig|lijk|baar|isch|zaam|ief|aal|end)e?$")


def with_negations(tokens: list[str]) -> list[str]:
    """The words of a sentence (`words`), and the adjectives it negates: "ontoegankelijk" answers "Zijn de
    pdf's toegankelijk?" as "toegankelijk" would."""
    negated = [t[2:] for t in tokens if t.startswith("on") and len(t) >= 8 and _ADJECTIVE_ENDING.search(t)]
    return tokens + negated


# Dutch splits a separable verb: "uitvoeren" stands as "voert het onderzoek uit" or "uit te laten voeren"; its
# particle comes after the verb in a main clause and before it with "te" and in a verb cluster
SEPARABLE_PARTICLES = frozenset({"aan", "af", "bij", "door", "in", "los", "mee", "na", "neer", "om", "op", "over",
                                 "samen", "terug", "toe", "uit", "vast", "voor", "weg"})
_PARTICLE_REACH = (8, 3)  # how many words before and after the particle its verb may stand


@lru_cache(maxsize=64)
def _separable(asked: frozenset[str]) -> list[tuple[str, str, str]]:
    """(stem, particle, rest) of each asked stem that starts with a separable particle."""
    return [(q, p, q[len(p):]) for q in asked for p in SEPARABLE_PARTICLES if q.startswith(p) and len(q) - len(p) >= 3]


def split_verbs(text: str, asked: set[str]) -> set[str]:
    """The stems of `asked` that start with a separable particle ("uitvoer" of "uitvoeren") and that the text holds
    split: "uit te laten voeren", "voert het onderzoek uit" (the particle with a word of that stem within its
    reach). `words` drops the particles as stopwords. Only the question's verbs are looked for: joining every
    particle to its neighbours doubled the time to score a passage's sentences."""
    wanted = _separable(frozenset(asked))
    if not wanted:
        return set()
    tokens = _WORD.findall(fold(text))
    before, after = _PARTICLE_REACH
    found = set()
    for q, particle, rest in wanted:
        for i in (i for i, t in enumerate(tokens) if t == particle):
            near = tokens[max(0, i - before):i] + tokens[i + 1:i + after + 1]
            if any(stem(t).startswith(rest) for t in near if t not in SEPARABLE_PARTICLES):
                found.add(q)
                break
    return found


def has_stem(asked: str, have: set[str]) -> bool:
    """The stem itself, or a compound that starts with it ("schuldhulp" in "schuldhulpverlening", "sensoor"
    of "sensoren" in "sensordata")."""
    if asked in have:
        return True
    starts = tuple(form for form in prefix_forms(asked) if len(form) >= 5)
    return bool(starts) and any(h.startswith(starts) for h in have)


def has_stem_sorted(asked: str, have: set[str], ordered: list[str]) -> bool:
    """has_stem, with `ordered` the sorted stems of `have`: the first stem at or after a prefix starts with it
    when any does, so a large document costs a binary search instead of a pass over all its stems."""
    if asked in have:
        return True
    for form in prefix_forms(asked):
        if len(form) >= 5:
            i = bisect.bisect_left(ordered, form)
            if i < len(ordered) and ordered[i].startswith(form):
                return True
    return False


def held_by_most(asked: str, collection: list[set[str]], min_documents: int = 4) -> bool:
    """Is the stem `asked` (has_stem) in at least half of `collection`, the word stems of each document (or of
    a sample of them)? False for fewer than `min_documents` documents, where "most" says little."""
    return len(collection) >= min_documents and \
        sum(has_stem(asked, words) for words in collection) >= len(collection) / 2
