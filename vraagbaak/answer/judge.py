"""The judge: how likely each candidate sentence answers the question, from evidence that carries over to any
collection, weighed by a small logistic model that was fitted on several collections (scripts/fit_judge.py).

Without a language model nothing reads a sentence and says "this answers it". What carries over is evidence:
the model's cosine of question and sentence and of its passage, where the passage ranked, the question's rare
words in the sentence (rare by how few documents of *this* collection hold them), whether the names, places,
numbers and years of the question are in the sentence or its passage, whether the sentence holds the kind of
fact asked (an amount, a date, a name), and the question's words in the document's title.

The judge vetoes an answer whose best sentence stays below `found_threshold`, and it finds one whose best
sentence reaches `sure_threshold` where the hand rules of the builder (cosine and word thresholds) see too little
likeness (a table read by OCR, an English question); and it helps choose the answer: the first passage and
bold sentence are those with the best score + `order_weight` x probability; a further sentence of a quote is
bold at `bold_threshold`. The fitted weights, their scaling and thresholds
are data with provenance in `judge.json` beside this module; this module computes the features and applies
them with numpy. May import: kernel, text.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from vraagbaak.schema import Hit
from vraagbaak.text.cleaning import without_addresses
from vraagbaak.text.dates import YEAR
from vraagbaak.text.words import (
    content_words,
    fold,
    given_names,
    has_stem,
    name_forms,
    question_words,
    stem,
    with_negations,
    words,
)

WEIGHTS = Path(__file__).with_name("judge.json")

# Numbers of the question (years: text.dates.YEAR); its names are text.words.given_names ("… in Den Helder").
_SPECIFIC_NUMBER = re.compile(r"\b\d[\d.,]*\b")
_QUESTION_WORDS = {"wat", "wie", "wiens", "welke", "welk", "hoe", "hoeveel", "hoelang", "waar", "wanneer", "waarom",
                   "what", "who", "which", "how", "where", "when", "why"}
# A question that starts with one of these asks for something; one that starts with a verb asks yes or no.
_ASKING_START = _QUESTION_WORDS | {"waarmee", "waardoor", "waarvoor", "waarover", "waarin", "waaraan", "waarop", "noem",
                                   "geef", "in", "op", "bij", "van", "voor", "met", "tot", "vanaf", "sinds", "om",
                                   "aan", "over", "naar", "uit"}
# ... and one that starts with another preposition before a question word ("Onder welk dossier …?", "Namens wie …?")
_PREPOSITIONS = {"onder", "volgens", "namens", "door", "via", "tegen", "tijdens", "binnen", "na", "per", "zonder",
                 "buiten", "boven", "naast", "achter", "rond", "omtrent", "betreffende"}

FEATURES = (
    "sentence_cosine",  # model cosine of question and sentence
    "sentence_cosine_gap",  # ... minus the best sentence cosine among the candidates (<= 0)
    "passage_cosine",  # model cosine of question and the sentence's passage
    "passage_rank",  # 1 / rank of the passage in the fused retrieval
    "bm25_share",  # BM25 score of the passage / the best BM25 score among the candidates
    "rare_words_sentence",  # share of the question's words in the sentence, weighted by IDF in the collection
    "rare_words_passage",  # ... in the passage with its title and section
    "candidate_share",  # share of the question's words in the sentence, weighted by rarity among candidates
    "has_specifics",  # the question names something specific (a name, place, number or year)
    "specifics_sentence",  # share of those in the sentence
    "specifics_passage",  # ... in the passage, its title, section and metadata
    "wants_kind",  # the question asks for an amount, a date or a name
    "kind_missing",  # ... and the sentence holds none
    "title_overlap",  # share of the question's words in the document title
    "specifics_in_collection",  # share of the question's names and numbers that the collection holds at all
    "words_in_collection",  # share of the question's words (4+ letters) that the collection holds at all
    "last_word_sentence",  # the question's last word (in Dutch often what is asked: "… aangenomen?") in the sentence
    "last_word_passage",  # ... in the passage with its title and section
    "yes_no_verb_missing",  # a yes/no question ("Is de motie aangenomen?") whose last word the sentence lacks
    "year_conflict",  # the question names a year, the sentence names years, but not that one
    "says_unknown",  # the sentence says something is not known or not in the sources
    "is_item",  # a list item
    "log_words",  # log of the sentence length in words
    "english",  # an English question against Dutch text
    "holds_rarest",  # the sentence holds the rarest question word (IDF in the collection) that any candidate holds
)


@dataclass
class SentenceEvidence:
    """What the judge reads of one sentence: filled by the answer builder."""
    text: str
    hit: Hit
    rank: int  # rank of its passage among the candidates (1 = best)
    cosine: float
    candidate_share: float
    item: bool
    has_kind: bool


@dataclass
class Collection:
    """What the judge needs to know of the collection: how common a word stem is among its documents."""
    document_share: Callable[[str], float] = lambda stem_: 0.0  # share of (sampled) documents holding the stem
    holds: Callable[[str], bool] = lambda word: True  # does any document hold this word?


@dataclass
class Stage:
    """A fitted logistic model: standardise, weigh, squash."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    @classmethod
    def from_json(cls, data: dict) -> "Stage":
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), float(data["bias"]))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(((X - self.mean) / self.scale) @ self.weights + self.bias)))


@dataclass
class Judge:
    sentence: Stage  # P(this sentence answers the question)
    found_threshold: float  # below this for its best sentence, a question is not answered
    bold_threshold: float  # a further quoted sentence with at least this probability is bold too
    order_weight: float = 1.0  # the answer is the sentence with the best score + order_weight x probability
    sure_threshold: float = 2.0  # at or above this for its best sentence, found even where the hand rules see
    # too little likeness (2.0: never)
    provenance: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> "Judge":
        return _load(str(path))

    def sentences(self, features_: np.ndarray) -> np.ndarray:
        return self.sentence(features_) if len(features_) else np.zeros(0)


@lru_cache(maxsize=4)
def _load(path: str) -> Judge:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: the fitted features differ from judge.FEATURES; run scripts/fit_judge.py")
    return Judge(Stage.from_json(data["sentence"]), float(data["found_threshold"]), float(data["bold_threshold"]),
                 float(data.get("order_weight", 1.0)), float(data.get("sure_threshold", 2.0)),
                 data.get("provenance", {}))


def asks_yes_or_no(question: str) -> bool:
    """A question that starts with a verb ("Is de motie aangenomen?"), not with what it asks for ("Welke …"), also
    behind a preposition ("Volgens welke methode …?", "Namens wie …?")."""
    first, second = ([w.lower().strip("¿¡\"'(") for w in question.split()[:2]] + ["", ""])[:2]
    behind_preposition = first in _PREPOSITIONS and second in _QUESTION_WORDS
    return bool(first) and first not in _ASKING_START and not behind_preposition


def specifics(question: str) -> set[str]:
    """The folded names and numbers of a question: what an answer about something else would not hold. Not the
    noun a which-question asks for ("Welke Kamerleden …?"): an answer names them, not that word."""
    names = {fold(m) for m in given_names(question) if fold(m) not in NOT_NAMES}
    return names | set(_SPECIFIC_NUMBER.findall(question))


# Capitalised in a question without naming anything specific (also stated.names_not_quoted).
NOT_NAMES = {"ik", "u", "nederland", "nederlandse", "nl", "de", "het", "een"}


def metadata_text(metadata: dict | None) -> str:
    """A passage's metadata values (gemeente, jaar, …) as words, for what the passage names."""
    return " ".join(str(v) for v in (metadata or {}).values() if isinstance(v, (str, int)))


def _share_in(wanted: set[str], folded: str) -> float:
    """The share of `wanted` (folded) that the folded text holds as words or word starts."""
    if not wanted:
        return 1.0
    return sum(1 for w in wanted if any(re.search(rf"(?<!\w){re.escape(f)}", folded) for f in name_forms(w))) \
        / len(wanted)


def _idf_share(asked: dict[str, float], stems: set[str]) -> float:
    total = sum(asked.values())
    return sum(w for q, w in asked.items() if has_stem(q, stems)) / total if total else 0.0


def features(question: str, sentences: list[SentenceEvidence], collection: Collection, english: bool,
             wants_kind: bool) -> np.ndarray:
    """One row of FEATURES per sentence."""
    if not sentences:
        return np.zeros((0, len(FEATURES)))
    asked_stems = {stem(w) for w in question_words(without_addresses(question)) if len(w) >= 2}
    idf = {q: math.log(1.0 + 1.0 / (collection.document_share(q) + 0.05)) for q in asked_stems}
    wanted = specifics(question)
    in_collection = sum(any(map(collection.holds, name_forms(w))) for w in wanted) / len(wanted) if wanted else 1.0
    content = content_words(question)
    words_held = sum(collection.holds(w) for w in content) / len(content) if content else 1.0
    last = stem(content[-1]) if content else ""
    yes_no = bool(content) and asks_yes_or_no(question)
    years = set(YEAR.findall(question))
    sentence_stems = [{stem(w) for w in with_negations(words(without_addresses(s.text)))} for s in sentences]
    held = [q for q in asked_stems if any(has_stem(q, have) for have in sentence_stems)]
    rarest = max(held, key=lambda q: (idf[q], q)) if held else ""
    best_cosine = max(s.cosine for s in sentences)
    best_bm25 = max((s.hit.lexical_score or 0.0) for s in sentences) or 1.0
    per_passage: dict[str, tuple[float, float, float, float]] = {}  # what one passage gives all its sentences
    rows = []
    for s, stems_of_sentence in zip(sentences, sentence_stems):
        c = s.hit.chunk
        if c.id not in per_passage:
            text = f"{c.title} {c.section or ''} {metadata_text(c.metadata)} {c.text}"
            stems = {stem(w) for w in words(text)}
            per_passage[c.id] = (_idf_share(idf, stems), _share_in(wanted, fold(text)),
                                 _idf_share({q: 1.0 for q in asked_stems}, {stem(w) for w in words(c.title)}),
                                 float(bool(last) and has_stem(last, stems)))
        rare_passage, specifics_passage, title_overlap, last_in_passage = per_passage[c.id]
        rows.append((
            s.cosine, s.cosine - best_cosine, s.hit.dense_score or 0.0, 1.0 / s.rank,
            (s.hit.lexical_score or 0.0) / best_bm25,
            _idf_share(idf, stems_of_sentence), rare_passage, s.candidate_share,
            float(bool(wanted)), _share_in(wanted, fold(s.text)), specifics_passage,
            float(wants_kind), float(wants_kind and not s.has_kind),
            title_overlap, in_collection, words_held,
            float(bool(last) and has_stem(last, stems_of_sentence)), last_in_passage,
            float(yes_no and not has_stem(last, stems_of_sentence)),
            float(bool(years) and bool(YEAR.search(s.text)) and not years & set(YEAR.findall(s.text))),
            float(bool(SAYS_UNKNOWN.search(s.text))), float(s.item), math.log(1 + len(s.text.split())), float(english),
            float(bool(rarest) and has_stem(rarest, stems_of_sentence)),
        ))
    return np.array(rows, dtype=np.float64)


# A sentence that says something is not known or not in the sources.
SAYS_UNKNOWN = re.compile(r"\b(niet (bekend|gevonden|bevestigd|vermeld|te vinden|beschikbaar)|staa?t(en)? niet in|"
                          r"zeggen niet|bevestigen\b.{0,40}\bniet|is onbekend)\b", re.I)
