"""Answer builder: hits -> a structured Answer (its outcome and verbatim, cited quotes); answer/render.py
says it in Dutch.

The sentence is the unit of evidence. Every sentence of the best passages is scored against the question
by the model and by the words it shares with it; the best sentence is the core of a quote, and the window
around it follows the structure of the text: the sentence it leans on ("daarvan", "Deze …"), the lead-in of
its list, the sentences that carry the answer on. It never takes half a list item and never leaves its
section (a passage stays within one section). A citation gives the pages of the quoted sentences.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import takewhile
from typing import TYPE_CHECKING, Callable

from vraagbaak.answer.judge import (
    Collection,
    Judge,
    SentenceEvidence,
    features,
    metadata_text,
    specifics,
)
from vraagbaak.answer.kinds import (
    COUNT,
    NAME,
    NUMBERS,
    OFFICE,
    PERCENTAGE,
    VOTE,
    WHEN,
    BoldHint,
    Kind,
    NameAsked,
    SignerAsked,
    bold_hint,
    decided_on,
    decision_asked,
    holder_asked,
    members_asked,
    name_asked,
    number_asked,
    office_asked,
    request_asked,
    result_asked,
    signer_asked,
    unknown_told,
    vote_asked,
    voted_on,
    wanted_kind,
    wanted_kinds,
    years_asked,
)
from vraagbaak.answer.numbers import UNITS as _UNITS
from vraagbaak.answer.numbers import (
    counted_noun,
    is_measure,
    measured_noun,
    names_counted,
    unmeasured,
    without_counts_of,
)
from vraagbaak.answer.stated import (
    BEGINNING,
    ENDING,
    asked_names,
    dated_as_asked,
    dates_not_quoted,
    names_not_quoted,
    names_not_shown,
    on_the_subject,
    opposite_of,
    own_date_asked,
    place_not_held,
    redacted_names,
    states_outcome,
    stems_of,
    swapped_place,
)
from vraagbaak.profile import DOCUMENT_NOUNS, CollectionProfile
from vraagbaak.schema import Answer, Chunk, Citation, Hit
from vraagbaak.text.cleaning import collapse_whitespace, is_rare_word, without_addresses
from vraagbaak.text.language import is_english
from vraagbaak.text.owners import named_in_question, others_asked, without_owners
from vraagbaak.text.sentences import chunk_sentence_texts
from vraagbaak.text.words import (
    content_words,
    fold,
    has_stem,
    question_words,
    split_verbs,
    stem,
    with_negations,
    words,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
ELLIPSIS = " … "  # joins the lead-in of a list to an item further down; each part is verbatim on its own

# A sentence that starts with one of these leans on the one before it.
_LEANING_START = {"dit", "deze", "dat", "die", "dergelijke", "zij", "ze", "hij", "hun", "haar", "zo", "ook",
                  "bovendien", "daarnaast", "verder", "tevens", "echter", "maar", "toch", "dus", "immers",
                  "vervolgens", "wel", "en", "of", "want", "hiermee", "daarmee", "daarom", "daardoor", "zodoende"}
_PRONOMINAL_ADVERB = re.compile(r"^(daar|hier)(aan|bij|door|in|mee|na|naar|om|onder|op|over|toe|uit|van|voor)$")
_FIRST_WORDS = re.compile(r"[a-zà-ÿ]+")
# where a sentence says it leans on the one before: "De CIO en de gemeentesecretaris hadden daarbij …" (6th word)
LEANING_WORDS = 8

@dataclass
class Evidence:
    """One sentence of a candidate passage, scored against the question."""
    text: str
    page: int | None
    block: int
    item: bool
    dense: float = 0.0  # cosine of question and sentence
    lexical: float = 0.0  # share of the question's words (by length) that the sentence has
    score: float = 0.0
    has_kind: bool = False  # holds the kind of fact the question asks for (a date, an amount, a name)
    answers: float = 0.0  # the judge's probability that this sentence answers the question

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Calibration:
    """The found/not-found rule and its thresholds (chosen on labelled questions: docs/evaluation.md)."""
    sentence_threshold: float  # best sentence cosine + coverage_weight * coverage at or above this: found
    passage_threshold: float  # best passage cosine at or above this: found
    lexical_threshold: float  # ... or a sentence that has this share of the question's words
    lexical_floor: float  # ... while its passage still has at least this cosine
    near_threshold: float  # "nearest documents" on a refusal only from passages at least this close
    coverage_weight: float = 0.03  # coverage: share of the question's words found in the candidate passages
    english_offset: float = 0.015  # English questions score lower against Dutch text (measured: docs/evaluation.md)


def quote_found_in(text: str, quote: str) -> bool:
    """Is the quote, whitespace aside, literally in text (already whitespace-collapsed)? A quote that leaves
    out sentences ("lead-in … item") is checked part by part."""
    return all(collapse_whitespace(part) in text for part in quote.split(ELLIPSIS))


def chunk_sentences(chunk: Chunk) -> list[Evidence]:
    """The chunk's sentences with their own pages; an index written before spans existed splits again."""
    texts = chunk_sentence_texts(chunk)
    if chunk.spans:
        return [Evidence(t, s.page, s.block, s.item) for t, s in zip(texts, chunk.spans)]
    return [Evidence(t, chunk.page_start, 0, False) for t in texts]


def only_heading(chunk: Chunk, sentences: list[Evidence]) -> bool:
    """Is the passage no more than its section heading or the document's title, standing as sentences?"""
    headings = {_as_heading(chunk.section or ""), _as_heading(chunk.title or "")} - {""}
    return all(_as_heading(s.text) in headings for s in sentences)


def _as_heading(text: str) -> str:
    """A heading as compared with a sentence: whitespace collapsed, end points and colons off, lower case."""
    return collapse_whitespace(text).strip(" .:").lower()


def lexical_shares(question: str, sentences: list[str], headings: list[str] | None = None,
                   before: list[str] | None = None) -> list[float]:
    """Share of the question's word stems that each sentence has, each stem weighted by how rare it is among
    these sentences (a word that every candidate sentence has says nothing about which one answers). A
    question word also matches the compounds it starts ("schuldhulp" in "schuldhulpverlening") and its negation
    ("ontoegankelijk"); a web address is no word (text.cleaning.without_addresses). headings: the
    heading each sentence stands under, whose words count as the sentence's own ("Hoe is het opgeschaald?"
    is answered by the sentences under "Opschaling", which need not repeat the word). before: per sentence, the
    sentence it points back to (_points_back), whose words count as its own too, but not in how rare a word is
    among the sentences: the rarity stays that of what the sentences say themselves."""
    asked = {stem(w) for w in question_words(without_addresses(question))}
    if not asked:
        return [0.0] * len(sentences)
    headings = headings or [""] * len(sentences)
    stems = [{stem(w) for w in with_negations(words(f"{heading} {without_addresses(sentence)}"))}
             | split_verbs(without_addresses(sentence), asked)
             for sentence, heading in zip(sentences, headings)]
    weight = {q: math.log(1 + len(sentences) / (1 + sum(has_stem(q, h) for h in stems))) for q in asked}
    total = sum(weight.values()) or 1.0
    own = [sum(weight[q] for q in asked if has_stem(q, h)) / total for h in stems]
    if not before:
        return own
    # only for a sentence that holds a word of the question itself: one that only borrows is no answer ("Daarin
    # werden tribunes … geplaatst" to how the 3D-model was built: a red-team review)
    borrowed = [{stem(w) for w in words(earlier)} if earlier else set() for earlier in before]
    return [share + sum(weight[q] for q in asked if has_stem(q, b) and not has_stem(q, h)) / total if share and b
            else share
            for share, h, b in zip(own, stems, borrowed)]


def _pointed_to(per_hit: list[list[Evidence]]) -> list[str]:
    """Per sentence, flattened, the sentence before it in its passage where it points back to that one with
    "daarbij", "daarin", …; "" elsewhere. "De CIO en de gemeentesecretaris hadden daarbij de regie." is read with
    "Enschede startte in 2015 met datagedreven werken.", "Daarin werden tribunes … geplaatst." with the 3D-model
    before it: a helper's user test found the bold on that sentence before, which repeats the question's words."""
    return [sentences[j - 1].text if j and _points_back(s) else ""
            for sentences in per_hit for j, s in enumerate(sentences)]


def _points_back(sentence: Evidence) -> bool:
    return any(_PRONOMINAL_ADVERB.match(w) for w in _FIRST_WORDS.findall(sentence.text.lower())[:LEANING_WORDS]) \
        or bool(_IN_THAT_CASE.match(sentence.text))


# "In dat geval is een verdiepende risico-inventarisatie nodig" after the case it is of: what follows from a condition
# Not "In dit geval gaat het om …" (the case at hand) nor "In die gevallen waarin …" (a case it names itself)
_IN_THAT_CASE = re.compile(r"\W*(?:in|voor)\s+(?:dat|die|zo['’]n|zulke?)\s+gevall?(?:en)?\b"
                           r"(?!\s+(?:waarin|waar|waarbij|dat|die)\b)", re.I)


def own_heading(chunk: Chunk) -> str:
    """The heading the passage stands under, below the document's title ("Succesfactoren" in "Het onderzoek …
    > Succesfactoren"); "" for a passage directly under the title, whose words every passage of it shares."""
    parts = (chunk.section or "").split(" > ")
    return parts[-1] if len(parts) > 1 else ""


def question_coverage(question: str, hits: list[Hit]) -> float:
    """Share of the question's words (by length) that occur in the candidate passages. A question about
    something the documents never mention ("afvalstoffenheffing") has key words that are nowhere."""
    asked = {stem(w) for w in question_words(question) if len(w) >= 3}
    have = {stem(w) for h in hits for w in words(f"{h.chunk.title} {h.chunk.text}")}
    total = sum(len(q) for q in asked)
    if not total:
        return 0.0
    found = sum(len(q) for q in asked if has_stem(q, have))
    return found / total


def leans_back(sentence: Evidence, previous: Evidence) -> bool:
    """Does this sentence need the one before it to be understood?"""
    if previous.text.rstrip().endswith(":"):
        return True
    first = _FIRST_WORDS.search(sentence.text.lower())
    return first is not None and (first.group(0) in _LEANING_START or _points_back(sentence))


# "- Rij 3: Aanvrager: VV Noorderlicht; Bedrag: 38000": a table row written with its header (ingest/structured.py)
_ROW = re.compile(r"^(?:- )?(?:Rij \d+: )?[^:;]{1,60}: [^;]*(?:; [^:;]{1,60}: [^;]*)+$")


def is_row(sentence: Evidence) -> bool:
    return sentence.item and bool(_ROW.match(sentence.text.strip()))


def quote_window(sentences: list[Evidence], best: int, max_words: int, margin: float,
                 min_words: int = 0) -> tuple[int, int, int | None]:
    """(first, last, lead-in): the sentences to quote around the best one. lead-in is the index of a list's
    introductory sentence that is quoted before an ellipsis when the items in between do not fit."""
    lo, hi = _whole_block(sentences, best, best)
    budget = lambda a, b: sum(s.words for s in sentences[a:b + 1])  # noqa: E731
    # (a) the sentence this one leans on (one step back: a second step changed no figure of the regression gate)
    if lo > 0 and leans_back(sentences[lo], sentences[lo - 1]):
        new_lo, _ = _whole_block(sentences, lo - 1, lo - 1)
        if budget(new_lo, hi) <= max_words:
            lo = new_lo
    # (b) the sentences that carry the answer on
    while hi + 1 < len(sentences):
        nxt = sentences[hi + 1]
        # a table row is a record of its own: the next row only where it answers as well
        alike = nxt.score >= sentences[best].score - margin and not (is_row(nxt) and is_row(sentences[best]))
        # a numbered question of Kamervragen is carried on by its reply ("Vraag 1 Klopt het …?" by "Antwoord 1
        # Ja."); not a question in running text, whose answer may stand before it (an FAQ's "Staat in uw cao …?")
        replies = _asks(sentences[hi]) and _answers_numbered(sentences[hi], nxt)
        carries = sentences[hi].text.rstrip().endswith(":") or leans_back(nxt, sentences[hi]) and not nxt.item \
            or alike or replies
        _, new_hi = _whole_block(sentences, hi + 1, hi + 1)
        if not carries or budget(lo, new_hi) > max_words:
            break
        hi = new_hi
    # a quote this short gives too little context to check: grow towards the better neighbour on the same page
    page = sentences[best].page
    while budget(lo, hi) < min_words:
        options = []
        if hi + 1 < len(sentences) and sentences[hi + 1].page == page \
                and not (is_row(sentences[best]) and is_row(sentences[hi + 1])):
            options.append((sentences[hi + 1].score, "next"))
        if lo > 0 and not sentences[lo].item and sentences[lo - 1].page == page:
            options.append((sentences[lo - 1].score, "previous"))
        if not options:
            break
        if max(options)[1] == "next":
            new_lo, new_hi = lo, _whole_block(sentences, hi + 1, hi + 1)[1]
        else:
            new_lo, new_hi = _whole_block(sentences, lo - 1, lo - 1)[0], hi
        if budget(new_lo, new_hi) > max_words:
            break
        lo, hi = new_lo, new_hi
    # (c) a list item is quoted with the sentence that introduces its list
    lead_in = None
    if sentences[lo].item:
        j = lo - 1
        while j >= 0 and sentences[j].item:
            j -= 1
        if j >= 0 and sentences[j].text.rstrip().endswith(":"):
            if budget(j, hi) <= max_words or j == lo - 1:  # adjacent: never an ellipsis over nothing
                lo = j
            elif budget(lo, hi) + sentences[j].words <= max_words:
                lead_in = j
    return lo, hi, lead_in


def _answers_numbered(question: Evidence, said: Evidence) -> bool:
    """Is `said` the reply with the number of this numbered question ("Antwoord 1 Ja." after "Vraag 1 …?"), not a
    page footer or heading between them (a red-team review: "ah-tk-20202021-3235 ISSN 0921 - 7398" was bolded)?"""
    number, answered = _NUMBERED.match(question.text), _NUMBERED.match(said.text)
    return bool(number and answered) and number.group(1) == answered.group(1) \
        and said.text.lstrip().lower().startswith("antwoord")


def _whole_block(sentences: list[Evidence], lo: int, hi: int) -> tuple[int, int]:
    """Widen to whole list items: an item is never cut."""
    while sentences[lo].item and lo > 0 and sentences[lo - 1].block == sentences[lo].block:
        lo -= 1
    while sentences[hi].item and hi + 1 < len(sentences) and sentences[hi + 1].block == sentences[hi].block:
        hi += 1
    return lo, hi


class AnswerBuilder:
    # How much a sentence gains for what it has beside its cosine (chosen by measurement, docs/evaluation.md):
    KIND_BONUS = 0.05  # the kind of answer the question asks for (a date, a number, a name)
    PASSAGE_PRIOR = 0.05  # times the retrieval score of its passage, scaled to 0..1 over the candidates

    @classmethod
    def from_settings(cls, s, is_verbatim: Callable[[str, str], bool],
                      embed_sentences: Callable[[str, list[str]], list[float]],
                      held_by_most: Callable[[str], bool] | None = None,
                      collection: Collection | None = None,
                      profile: CollectionProfile | None = None,
                      document_text: Callable[[str], str] | None = None,
                      owners: frozenset[str] = frozenset()) -> "AnswerBuilder":
        calibration = Calibration(s.found_sentence_threshold, s.found_threshold, s.found_lexical_share,
                                  s.found_lexical_floor, s.near_threshold, s.found_coverage_weight)
        builder = cls(calibration, s.max_quotes, s.quote_max_words, s.quote_margin, s.sentence_lexical_weight,
                      s.answer_candidates, s.quote_min_words, is_verbatim, embed_sentences)
        if held_by_most is not None:
            builder.held_by_most = held_by_most
        if collection is not None:
            builder.collection = collection
        if profile is not None:
            builder.profile = profile
        if document_text is not None:
            builder.document_text = document_text
        builder.owners = owners
        return builder

    def __init__(self, calibration: Calibration, max_quotes: int, quote_max_words: int, quote_margin: float,
                 lexical_weight: float, candidates: int, quote_min_words: int,
                 is_verbatim: Callable[[str, str], bool], embed_sentences: Callable[[str, list[str]], list[float]]):
        self.calibration = calibration
        self.max_quotes = max_quotes
        self.quote_max_words = quote_max_words
        self.quote_min_words = quote_min_words
        self.quote_margin = quote_margin  # further quotes must score within this of the best one
        self.lexical_weight = lexical_weight  # weight of the word overlap beside the model in a sentence's score
        self.candidates = candidates  # passages whose sentences are scored
        self.is_verbatim = is_verbatim  # (doc path, quote) -> does the document hold this exact text?
        self.embed_sentences = embed_sentences  # (question, sentences) -> cosine per sentence
        self.held_by_most: Callable[[str], bool] = lambda stem: False  # word stem -> in most documents?
        self.collection = Collection()
        self.profile = CollectionProfile()
        self.document_text: Callable[[str], str] = lambda doc: ""  # doc path -> its whole text
        self.owners: frozenset[str] = frozenset()  # whose documents the collection holds (gemeenten), folded
        self.judge = Judge.load()

    def score(self, question: str, hits: list[Hit], limit: int | None = None) -> list[list[Evidence]]:
        """Every sentence of the candidate passages, scored: one model call for all of them."""
        per_hit = [chunk_sentences(h.chunk) for h in hits[: limit or self.candidates]]
        flat = [s for sentences in per_hit for s in sentences]
        if not flat:
            return per_hit
        dense = self.embed_sentences(question, [s.text for s in flat])
        headings = [own_heading(h.chunk) for h, sentences in zip(hits, per_hit) for _ in sentences]
        lexical = lexical_shares(question, [s.text for s in flat], headings, _pointed_to(per_hit))
        kind = wanted_kind(question)
        retrieval = [h.score for h in hits[: len(per_hit)]]
        low, span = min(retrieval), max(retrieval) - min(retrieval)
        prior = [self.PASSAGE_PRIOR * ((r - low) / span if span > 0 else 1.0) for r in retrieval]
        owners = [i for i, sentences in enumerate(per_hit) for _ in sentences]
        for s, d, lx, owner in zip(flat, dense, lexical, owners):
            s.dense, s.lexical = float(d), float(lx)
            s.has_kind = kind is not None and kind.holds(s.text)
            kind_bonus = self.KIND_BONUS if s.has_kind else 0.0
            s.score = s.dense + self.lexical_weight * s.lexical + prior[owner] + kind_bonus
        for s, p in zip(flat, self.judge.sentences(self.sentence_features(question, hits, per_hit))):
            s.answers = float(p)
        return per_hit

    def sentence_features(self, question: str, hits: list[Hit], per_hit: list[list[Evidence]]) -> "np.ndarray":
        """The judge's features of every sentence that `score` scored for this question, in the order of
        `per_hit` flattened."""
        evidence = [SentenceEvidence(s.text, hits[i], i + 1, s.dense, s.lexical, s.item, s.has_kind)
                    for i, group in enumerate(per_hit) for s in group]
        return features(question, evidence, self.collection, is_english(question), wanted_kind(question) is not None)

    def _order(self, sentence: Evidence) -> float:
        """Which sentence is the answer: its score, plus the judge's probability weighed by order_weight."""
        return sentence.score + self.judge.order_weight * sentence.answers

    @staticmethod
    def answered(evidence: list[list[Evidence]]) -> float:
        """The judge's probability that the best of these sentences answers the question."""
        return max((s.answers for group in evidence for s in group), default=0.0)

    def vetoed(self, hits: list[Hit], evidence: list[list[Evidence]]) -> bool:
        """The judge takes none of the sentences as the answer. Only where the question shares a word with
        them: the judge was fitted on questions that do, and a paraphrase found by meaning alone ("Hoe vaak komt
        de vuilniswagen langs?" for "Het huishoudelijk afval wordt elke twee weken opgehaald") gives it no
        evidence either way; the model's cosine decides that one."""
        shares_words = any(s.lexical > 0 for group in evidence for s in group)
        return shares_words and _hybrid(hits) and self.answered(evidence) < self.judge.found_threshold

    def is_found(self, question: str, hits: list[Hit], evidence: list[list[Evidence]]) -> bool:
        c = self.calibration
        best_passage = max((h.dense_score or 0.0 for h in hits), default=0.0)
        sentences = [s for group in evidence for s in group]
        best_sentence = max((s.dense for s in sentences), default=0.0)
        best_lexical = max((s.lexical for s in sentences), default=0.0)
        # An English question shares no words with Dutch sources: it is judged by the model alone.
        english = is_english(question)
        coverage = 1.0 if english else question_coverage(question, hits[: self.candidates])
        offset = c.english_offset if english else 0.0
        return (best_sentence + c.coverage_weight * coverage + offset >= c.sentence_threshold
                or best_passage >= c.passage_threshold
                or (best_lexical >= c.lexical_threshold and best_passage >= c.lexical_floor))

    def _tells(self, question: str, citation: Citation) -> bool:
        """Does a quote from another document than the first hold, in its bold sentences, a word of the
        question that fewer than half of the documents hold? "Het rapport deelt deze case in bij de
        mobiliteitscases" under "Wie heeft het rapport geschreven?" holds only "rapport", which every case
        description has: it is there for its likeness in general, not for the question (seen when trying it as a user).
        An English question shares no words with Dutch sources: always."""
        if is_english(question):
            return True
        asked = {stem(w) for w in content_words(question)}
        bold = {stem(w) for w in words(" ".join(citation.highlights))}
        return any(has_stem(q, bold) and not self.held_by_most(q) for q in asked)

    def build(self, question: str, hits: list[Hit], focus: str | None = None, judge_finds: bool = True) -> Answer:
        """focus: what a follow-up asks itself ("wat heeft dat opgeleverd?"). Whether anything is found is
        judged on `question` (with the earlier subject); which sentences answer, on the focus alone.
        judge_finds: the judge, where it is sure of a sentence, finds what the hand rules do not; not after an
        overview that listed no document ("Welke gemeenten gebruiken drones?"): that judged every document."""
        evidence = self.score(question, hits)
        sure = judge_finds and _hybrid(hits) and self.answered(evidence) >= self.judge.sure_threshold
        # the judge was fitted on questions asked on their own: a follow-up glued to its earlier subject
        # ("Wie waren daarbij betrokken?" after a question about Zaanstad's application) is no such question
        # to veto; where the judge is sure of a sentence, it finds for a follow-up as well
        vetoed = focus is None and self.vetoed(hits, evidence)
        if not (sure or self.is_found(question, hits, evidence)) or vetoed:
            return self._nothing_found(question, hits)
        if focus:  # the same candidate passages; their rank still counts a little (scoring them all, without
            evidence = self.score(focus, hits)  # it, quoted less often what the dev follow-ups ask: evaluation.md)
        # the passage whose sentence the judge takes as the answer comes first
        ranked = sorted(((max(self._order(s) for s in group), max(s.score for s in group), i)
                         for i, group in enumerate(evidence) if group), key=lambda item: (-item[0], -item[1], item[2]))
        best = max(score for _, score, _ in ranked)
        # does a text state what is asked: a sum, count or duration, who holds an office or role, how a vote went,
        # what a motion asks (its "verzoekt …")
        asked = focus or question
        # or when a letter was sent: the date it prints above itself ("Datum 1 maart 2011")
        states_asked = number_asked(asked) or holder_asked(asked) or vote_asked(asked) or decision_asked(asked) \
            or request_asked(asked, {str(h.chunk.metadata.get("soort") or "") for h in hits[: self.candidates]}) \
            or own_date_asked(asked, hits[: self.candidates]) or signer_asked(asked) or name_asked(asked)
        # a reason or shortcoming is bold where the best sentence gives none; never "not stated": they have many
        # wordings
        citations = self._select(asked, hits, evidence, ranked, best,
                                 states_asked or bold_hint(asked))
        if not citations:
            return self._nothing_found(question, hits)
        return self._decide(question, asked, hits, evidence, citations, states_asked, ranked[0][0])

    def _select(self, asked: str, hits: list[Hit], evidence: list[list[Evidence]], ranked: list[tuple],
                best: float, states_asked: Callable[[str], bool] | None) -> list[Citation]:
        """The quotes, best passage first: passages within the quote margin of the best, not a bare heading after
        the first, not one that repeats another, and from another document only where it tells (_tells)."""
        citations: list[Citation] = []
        for _, score, i in ranked:
            if len(citations) == self.max_quotes:
                break
            if score < best - self.quote_margin:
                continue  # never show a passage far below the best as part of the answer
            if citations and only_heading(hits[i].chunk, evidence[i]):
                continue  # a passage that is only a heading ("6. Voorstel tot …") repeats its reference line
            citation = self._cite(hits[i], evidence[i], len(citations) + 1, states_asked=states_asked)
            if citation and not any(_overlaps(citation, c) for c in citations) \
                    and not (citations and citation.doc != citations[0].doc and not self._tells(asked, citation)):
                citations.append(citation)
        return citations

    def _decide(self, question: str, asked: str, hits: list[Hit], evidence: list[list[Evidence]],
                citations: list[Citation], states_asked: Callable[[str], bool] | None, top: float) -> Answer:
        """The answer from the selected quotes: the documents' own "not known" where they say it, else the quotes
        ordered so that the one that states what is asked comes first, and not_stated where none does. top: the
        best _order of any candidate sentence."""
        if states_asked is not None and number_asked(asked) is None:  # who holds a role, who voted
            citations = self._with_stating(asked, citations, hits, evidence, states_asked, top)
        if (result := result_asked(asked)) is not None:
            citations = self._with_result(citations, hits, evidence, result)
        # any capitalised word names someone: that does not outweigh "Welke gemeente deze case draagt, wordt … niet
        # bevestigd", which a who-question is answered by
        states = states_asked is not None and not isinstance(states_asked, NameAsked) \
            and any(states_asked(c.quote) for c in citations)
        told = None if states \
            else self._told_unknown(asked, hits, evidence, on_the_subject(asked, citations, self.owners), top)
        if told is not None:  # the documents say themselves that they do not tell: that is the answer
            citations = _numbered([told] + [c for c in citations if not _overlaps(c, told)][: self.max_quotes - 1])
            return Answer(question, True, "", citations, _nearest(hits), found_as="not_stated",
                          missing_kind="unknown", english=is_english(question))
        citations = without_repeats(fuller_first(citations))
        candidates = on_the_subject(asked, citations, self.owners)
        if isinstance(states_asked, NameAsked):  # a name in another document is of another thing
            candidates = [c for c in candidates if c.doc == citations[0].doc]
        citations = stating_first(citations, states_asked, candidates)
        if (members := members_asked(asked)) is not None:  # who a paper is from stands in its head ("Vragen van de
            # leden …"), far from what it is about; only in the first quote's document: another paper's members put
            # another motion
            citations = stating_first(citations, members, [c for c in candidates if c.doc == citations[0].doc])
        answer = Answer(question, True, "", citations, _nearest(hits), english=is_english(question))
        # a why or what-is-wrong question is answered by a reason or a shortcoming: without one in bold the quote
        # fits the question at best ("Waarom stopte het project?" under "Het project gaat over verkeersveiligheid.")
        hint = bold_hint(asked)
        answer.confident = self._takes_as_answer(evidence, citations[0]) \
            and (hint is None or any(hint(bold) for bold in citations[0].highlights)) \
            and not only_asked(asked, citations)
        self._mark_not_stated(answer, asked)
        return answer

    def _takes_as_answer(self, evidence: list[list[Evidence]], first: Citation) -> bool:
        """Does the judge take a bold sentence of the first quote as the answer (its probability at least the
        bold threshold, as for a second bold sentence)? Below it, the best sentence is right one time in three
        on the dev sets, above it two in three: the answer says "best bij uw vraag passen" instead of "het
        antwoord geven" (a helper's user test found the latter promised too much)."""
        bold = set(first.highlights)
        return any(s.answers >= self.judge.bold_threshold for group in evidence for s in group if s.text in bold)

    def _with_stating(self, asked: str, citations: list[Citation], hits: list[Hit], evidence: list[list[Evidence]],
                      states_asked: Callable[[str], bool], top: float) -> list[Citation]:
        """Where no citation names who holds the role, how the vote went or what a motion asks, the candidate
        passage whose sentence does comes first: "Wie is de havenmeester in Utrecht?" quoted only the case's
        introduction ("Overheid360 noemt Havenmeester van de Toekomst …"), while "havenmeester Frank van Kleef"
        stood in a passage just below the quote margin. Only within twice that margin: further down, a holder of
        the office is often another one ("Wethouder Kos …" for "Wie werd de nieuwe wethouder …?"; on the dev sets
        twice the margin and no limit change the same one answer), and only in the first quote's document: a vote
        line of another document is about another motion. Not for a number: a sum or count in another passage may
        be of something else, and its absence is what says "noemen geen bedrag" (measured: two questions without
        an answer got one). At any score for a decision from a passage already quoted (the decision just before a
        quoted vote line), and for a signature (kinds.SignerAsked: a letter is signed in its last lines)."""
        if any(states_asked(c.quote) for c in citations):
            return citations
        about = _about_asked(asked)
        # the decision just before a quoted vote line is near enough at any score; a holder of an office further
        # down is often another one
        quoted = {c.chunk_id for c in citations} if decision_asked(asked) else set()
        stating = self._best_where(evidence, lambda i, s: hits[i].chunk.doc == citations[0].doc and not _asks(s)
                                   and states_asked(s.text) and about(hits[i])
                                   and (self._order(s) >= top - 2 * self.quote_margin or hits[i].chunk.id in quoted
                                        or isinstance(states_asked, SignerAsked)))
        soort = str(hits[stating[0]].chunk.metadata.get("soort") or "") if stating is not None else ""
        if stating is not None and request_asked(asked, {soort}):
            i, j = stating  # a motion's dictum is quoted from its first "verzoekt …", before "verzoekt … tevens"
            while j > 0 and states_asked(evidence[i][j - 1].text) and not _asks(evidence[i][j - 1]):
                j -= 1
            stating = i, j
        return self._first_quoting(stating, citations, hits, evidence, states_asked)

    def _with_result(self, citations: list[Citation], hits: list[Hit], evidence: list[list[Evidence]],
                     result: Callable[[str], bool]) -> list[Citation]:
        """Where no citation states an outcome (kinds.result_asked), the best sentence of a candidate passage of the
        first quote's document whose heading names one comes first, at any score: "Wat heeft de Monitor Veiligheid
        opgeleverd?" quoted what the monitor is, while the case's "Resultaat en publieke waarde" stood 0.3 below
        it. Not a passage for a word in its text: "de uitkomsten moeten uitwijzen …" or another study's
        "concludeert" brought forward answered two questions that no document answers (measured)."""
        if not citations:
            return citations
        headed = [i for i, c in enumerate(citations)
                  if c.doc == citations[0].doc and result((c.section or "").split(" > ")[-1])]
        # a quote given under a heading that names an outcome ("Resultaat en publieke waarde") before a first one
        # of the same document that states none ("wat heeft dat de gemeente opgeleverd" had it third)
        if headed and headed[0] > 0 and not result(f"{citations[0].section or ''} {citations[0].quote}"):
            return _to_front(citations, headed[0])
        if states_outcome(result, citations):
            return citations
        found = self._best_where(evidence, lambda i, s: hits[i].chunk.doc == citations[0].doc and not _asks(s)
                                 and result(own_heading(hits[i].chunk)))
        return self._first_quoting(found, citations, hits, evidence)

    def _first_quoting(self, found: tuple[int, int] | None, citations: list[Citation], hits: list[Hit],
                       evidence: list[list[Evidence]], states_asked: Callable[[str], bool] | None = None
                       ) -> list[Citation]:
        """The citations with a quote around `found` (passage, sentence: _best_where) first, renumbered, in place of
        a quote it holds ("Tegen het amendement stemden …" within "De raad besluit …: het amendement te aanvaarden.
        Tegen het amendement stemden …"); unchanged where there is none, or where a quote already given holds it."""
        if found is None:
            return citations
        i, j = found
        first = self._cite(hits[i], evidence[i], 1, states_asked=states_asked, best=j)
        if first is None or any(_within(first, c) for c in citations):
            return citations
        rest = [c for c in citations if not _within(c, first)]
        return _numbered([first] + rest[: self.max_quotes - 1])

    def _told_unknown(self, asked: str, hits: list[Hit], evidence: list[list[Evidence]],
                      on_subject: list[Citation], top: float) -> Citation | None:
        """The citation of a sentence that says the thing asked is not known (kinds.unknown_told), where it scores
        as close to the best sentence as a further quote may (quote_margin); None where there is none. "Welke
        gemeente heeft de case … ingebracht?" was answered with "Het project gaat over …" while the case says
        "Welke gemeente deze case draagt, staat niet in de beschikbare bronnen." Only from a document the quotes
        are on the subject of (on_subject): many cases say which gemeente carries them is not known. In the first
        quote's document at any score, elsewhere within the quote margin."""
        told = unknown_told(asked)
        if told is None or not on_subject:
            return None
        first, docs = on_subject[0].doc, {c.doc for c in on_subject}
        # in the first quote's document at any score: a case whose "Wat niet bekend is" says "Welke data de audit
        # gebruikt, … niet gevonden" scores far below its introduction; elsewhere within the quote margin
        found = self._best_where(evidence, lambda i, s: (hits[i].chunk.doc == first or hits[i].chunk.doc in docs
                                                         and self._order(s) >= top - self.quote_margin)
                                 and told(s.text, hits[i].chunk.title or ""))
        if found is None:
            return None
        i, j = found
        citation = self._cite(hits[i], evidence[i], 1, best=j)
        return replace(citation, highlights=[evidence[i][j].text]) if citation else None  # bold: what it says

    def _best_where(self, evidence: list[list[Evidence]], keep: Callable[[int, Evidence], bool]
                    ) -> tuple[int, int] | None:
        """(passage, sentence) of the candidate sentence with the best _order among those `keep` takes (given the
        passage's index and the sentence), or None."""
        found = [(self._order(s), i, j) for i, group in enumerate(evidence) for j, s in enumerate(group) if keep(i, s)]
        return max(found)[1:] if found else None

    def _mark_not_stated(self, answer: Answer, asked: str) -> None:
        """On the subject but not an answer: the citations hold no fact of a kind asked beside what is asked (a
        count of the counted thing, a date near a word of the question, a sum, a decision: answer/kinds.py), or
        not the year or the name it names."""
        citations, kinds = answer.citations, wanted_kinds(asked)
        counted = counted_noun(asked) if COUNT in kinds else None
        # "Hoeveel weken …?" may be answered in months: a unit asked for takes any count, as before
        in_other_words = counted if counted and not is_measure(counted) and not any(
            names_counted(c.quote, counted) for c in citations) else ""
        if in_other_words:  # the quotes may say it in other words ("veertig laadpalen" for "oplaadpunten"): a
            counted = None  # count of things beside the question's other words (numbers.counted_beside)
        # but not a count of the collection's documents ("twee cases"), unless those are what is counted
        asked_noun = in_other_words or counted  # what the question counts, however the quotes say it
        documents = () if asked_noun and fold(asked_noun) in self.profile.paper_nouns else self.profile.paper_nouns

        def states(kind: Kind, c: Citation) -> bool:
            return kind.states(_stating_text(c, kind, documents), asked, counted, in_other_words)

        # "Wanneer is de motie aangenomen?" wants a date and a decision: the date the motion was tabled answers
        # when, not that it passed
        stating = on_the_subject(asked, citations, self.owners)
        if NAME in kinds and (codes := redacted_names(citations)):
            # "Wie heeft de brief ondertekend?" over a Woo release: where the name stood, it says "5.1.2e"
            answer.found_as, answer.missing_kind, answer.missing_what = "not_stated", "redacted", " en ".join(codes)
            return
        # a number or date is of what the question names: "Hoeveel kinderen zijn in 2010 via een draagmoeder in
        # India geboren?" is not answered by the three born via the VUmc, in a letter that names India elsewhere,
        # nor "Per welke datum is burgemeester Schuiling herbenoemd?" by the date Braas was. Worked out once per
        # citation, and only for a question that asks one (it may read a document's text)
        of_what_is_named = NUMBERS + (WHEN,)
        asks_one = any(kind in of_what_is_named for kind in kinds)
        unshown = [names_not_shown(asked, c, self.document_text) if asks_one else [] for c in stating]
        of_names = [c for c, names in zip(stating, unshown) if not names]
        lacking = next((kind for kind in kinds if kind.missing and not any(
            states(kind, c)
            or kind is WHEN and bool(dated_as_asked(asked, c.metadata))
            for c in (of_names if kind in of_what_is_named else stating))), None)
        sized = next((kind for kind in kinds if kind in (COUNT, PERCENTAGE)), None)
        measured = measured_noun(asked) if sized and not counted and not in_other_words else None
        unsized = lacking is None and bool(measured) and unmeasured((c.quote for c in stating), measured)
        if unsized:
            lacking = sized  # "Hoe hoog is het leefgeld?": "leefgeld" stands in a quote, without a number
        if lacking:
            answer.found_as, answer.missing_kind = "not_stated", lacking.missing
            answer.missing_what = (counted or in_other_words) if lacking is COUNT \
                else office_asked(asked) if lacking is OFFICE else ""
            years = years_asked(asked)
            if lacking is COUNT and counted and years:  # "geen aantal honden in 2020": 2016's may be there
                answer.missing_what += " in " + " en ".join(years)
            if any(states(lacking, c) for c in citations if c not in stating):
                # "Hoeveel geld trekt Amsterdam uit …?" shows Utrecht's sum: "geen bedrag voor Amsterdam"
                answer.missing_for = " en ".join(asked[start:end] for start, end, _ in
                                                 named_in_question(asked, self.owners))
            elif not_shown := next((names for c, names in zip(stating, unshown) if states(lacking, c)), None):
                answer.missing_for = " en ".join(not_shown)  # "geen aantal kinderen in 2010 voor India"
            elif unsized:  # "geen percentage voor obligaties": the 85% beside it is of derivaten
                answer.missing_for = measured
        elif asks_one and ((of_other := _swapped_place(asked, answer.citations, kinds)) is not None
                           or (of_other := place_not_held(asked, self.document_text(answer.citations[0].doc)))):
            # "Wanneer werd de testplicht in Nederland ingevoerd?" under "Alleen in Duitsland geldt sinds 8 augustus
            # een testplicht": the fact stands of something else in the place the question names
            answer.found_as, answer.missing_for = "not_stated", of_other
            answer.missing_kind = next(kind for kind in kinds if kind in of_what_is_named).missing
            answer.missing_what = counted or ""
        elif (result := result_asked(asked)) and not states_outcome(result, stating):
            # "Wat kwam er uit het onderzoek …?" quoted its assignment; a section "Resultaat …" holds the outcome
            answer.found_as, answer.missing_kind, answer.missing_what = "not_stated", "result", ""
        elif unnamed := dates_not_quoted(asked, citations, self.document_text):
            # "… de jaarrekening 2014 …" quoted from the one of 2013: on the subject, not of the year asked
            which = "year" if all(date.isdigit() for date in unnamed) else "day"  # render says "13 juli niet"
            answer.found_as, answer.missing_kind, answer.missing_what = "not_stated", which, " en ".join(unnamed)
        elif unnamed := names_not_quoted(asked, self._sharing_subject(asked, citations), self.document_text):
            # "Wat vindt Duitsland van …?" quoted from what the kabinet thinks: on the subject, not of the one asked
            answer.found_as, answer.missing_kind, answer.missing_what = "not_stated", "name", " en ".join(unnamed)

    def _sharing_subject(self, question: str, citations: list[Citation]) -> list[Citation]:
        """The citations whose document holds a word of the question, besides its names, that most documents do not
        hold and that is rare in Dutch (the subject: "huishoudboekje" of "Doet Amsterdam ook mee aan het
        huishoudboekje?"); all of them where the question has no such word or no cited document holds one. A name
        that only a cited document about something else holds (Amsterdam's case on handhaving, quoted third) does
        not answer (a helper's user test). A name the first quote's document holds is of the subject, not what is
        checked: "Huishoudboekje" of "Is het Huishoudboekje ook in Amsterdam ingevoerd?" (a helper's user test)."""
        names = {fold(n) for n in asked_names(question)}
        if not names:  # nothing to look for: the documents' text is not read
            return citations
        first = stems_of(self.document_text(citations[0].doc)) | stems_of(citations[0].title)
        checked = {n for n in names if not has_stem(stem(n), first)}
        # rare in this collection and in Dutch: "doet" of "Wat doet de Kinderombudsman?" is in few Q&A pages
        rare = {stem(w) for w in content_words(question)
                if fold(w) not in checked and is_rare_word(w) and not self.held_by_most(stem(w))}
        if not rare:
            return citations
        held = {doc: stems_of(self.document_text(doc)) | stems_of(title)
                for doc, title in dict.fromkeys((c.doc, c.title) for c in citations)}
        keep = [c for c in citations if any(has_stem(r, held[c.doc]) for r in rare)]
        return keep or citations

    def overview_entries(self, question: str, hits: list[Hit], threshold: float, relative: float,
                         subject_share: float = 0.0) -> tuple[list[Citation], list[Hit]]:
        """"Welke gemeenten …?": every document whose best passage reaches the cosine threshold and relative x
        the best retrieval score, one short quote each, best first; and the documents that fit but belong to
        no gemeente (a report about all cases: mentioned, not listed)."""
        # "Welke documenten noemen het RIVM?"; an English question's capitals ("the Netherlands") name no Dutch text
        nouns = self.profile.document_nouns
        excluded = self.others_than(question)  # "Welke andere gemeenten dan Enschede …?": not Enschede's
        question = without_owners(question, excluded, self.owners)
        names = set() if is_english(question) else specifics(overview_subject(question, nouns))
        best_per_doc: dict[str, Hit] = {}
        stated: set[str] = set()  # documents with a passage that names every name of the subject
        for hit in hits:
            if names and hit.chunk.doc not in stated and _names_all(hit.chunk, names):
                best_per_doc[hit.chunk.doc] = hit
                stated.add(hit.chunk.doc)
            elif hit.chunk.doc not in best_per_doc and (hit.dense_score or 0.0) >= threshold:
                best_per_doc[hit.chunk.doc] = hit
        if names:  # a list of what names something holds only the documents that name it
            best_per_doc = {doc: hit for doc, hit in best_per_doc.items() if doc in stated}
        doc_hits, general = _about_one_each(list(best_per_doc.values()), self.profile)
        if subject_share > 0 and not is_english(question):  # the subject's words are matched in Dutch text
            fitting = about_subject(question, hits, subject_share, basis={h.chunk.doc for h in doc_hits}, nouns=nouns)
            doc_hits = [h for h in doc_hits if h.chunk.doc in fitting]
            general = [h for h in general if h.chunk.doc in fitting]
        # relative to the best entry of the list: a report that matches every word does not push cases out
        top = max((h.score for h in doc_hits), default=0.0)
        top_dense = max((h.dense_score or 0.0 for h in doc_hits), default=0.0)

        def close_to_best(h: Hit) -> bool:  # in meaning (cosine) or in the fused score, or it names the subject
            return h.score >= relative * top or (h.dense_score or 0.0) >= top_dense - OVERVIEW_COSINE_MARGIN \
                or h.chunk.doc in stated

        # the named one's documents leave the list only now: the others must fit as well as the list it led
        doc_hits = [h for h in doc_hits
                    if close_to_best(h) and fold(self.profile.owner(h.chunk.metadata)) not in excluded]
        general = [h for h in general if close_to_best(h)]
        if not doc_hits:
            return [], []
        evidence = self.score(question, doc_hits, limit=len(doc_hits))
        citations = [c for c in (self._cite(h, e, n, OVERVIEW_QUOTE_WORDS, 0)
                                 for n, (h, e) in enumerate(zip(doc_hits, evidence), start=1) if e) if c]
        return citations, general

    def others_than(self, question: str) -> set[str]:
        """The owners (folded) a list question asks the others of (answer/owners.py): "Welke andere gemeenten
        hebben de audit van Utrecht overgenomen?" listed Utrecht's four cases (red-team test)."""
        return others_asked(question, self.owners, self.profile.owner_field)

    @staticmethod
    def overview_answer(question: str, citations: list[Citation], general: list[Hit], searched: int) -> Answer | None:
        """The list of overview_entries, numbered in order; None without entries (the ordinary answer then
        decides)."""
        if not citations:
            return None
        for n, c in enumerate(citations, start=1):
            c.n = n
        also_about = [{"doc": h.chunk.doc, "title": h.chunk.title} for h in general]
        return Answer(question, True, "", citations, [], found_as="overview", english=is_english(question),
                      documents_searched=searched, also_about=also_about)

    def _cite(self, hit: Hit, sentences: list[Evidence], n: int, max_words: int | None = None,
              min_words: int | None = None,
              states_asked: Callable[[str], bool] | None = None, best: int | None = None) -> Citation | None:
        """best: the sentence the quote is about (default: the one with the best _order)."""
        if best is None:
            best = max(range(len(sentences)), key=lambda i: (self._order(sentences[i]), sentences[i].score))
        limit = max_words or self.quote_max_words
        lo, hi, lead_in = quote_window(sentences, best, limit, self.quote_margin / 2,
                                       self.quote_min_words if min_words is None else min_words)
        second = self._second_answer(sentences, best, lo, hi, lead_in, limit)
        quoted = sentences[lo:hi + 1]
        lead = sentences[lead_in].text + ELLIPSIS if lead_in is not None else ""
        texts = [s.text for s in quoted]
        quote = lead + " ".join(texts)
        if not self.is_verbatim(hit.chunk.doc, quote):  # checked once; only a quote that fails is split up
            quote = lead + self._with_gaps(hit.chunk.doc, texts)
            if not self.is_verbatim(hit.chunk.doc, quote):
                log.error("citaat niet letterlijk gevonden in %s; weggelaten", hit.chunk.doc)
                return None
        if lead_in is not None:
            quoted = [sentences[lead_in]] + quoted
        added: list[Evidence] = []
        if second is not None:  # the passage's second answer, before or after the quote, beyond an ellipsis
            quote, quoted, added = self._with_second(hit.chunk.doc, sentences, second, lo, quote, quoted)
        bold_candidates = sentences[lo:hi + 1] + added
        highlights = [sentences[best].text]  # bold: the judge's answer, and a second sentence it takes as one
        runner_up = max((s for s in bold_candidates if s is not sentences[best] and not _asks(s)),
                        key=lambda s: s.answers, default=None)
        # where the best sentence does not state the number or holder asked for, the one that does is bold too
        # the document's own reply is never judged by a hint (kinds.BoldHint: a reason or shortcoming)
        reply = _reply(sentences, best, hi, None if isinstance(states_asked, BoldHint) else states_asked) \
            if _asks(sentences[best]) else None
        # the reply to a question in the document, where it states what is asked, before another sentence that does
        # ("Antwoord 6 … 2%" after "Vraag 6 …?", not "Antwoord 5 … 8%" before it)
        # and never one before such a question: that answers the question before it
        after = {id(x) for x in sentences[best + 1:]} if _asks(sentences[best]) else {id(x) for x in sentences}
        stating = reply if reply is not None and states_asked is not None \
            else _stating_sentence(states_asked, sentences[best], [x for x in bold_candidates if id(x) in after],
                                   sentences[best + 1] if best + 1 < len(sentences) else None)
        announced = _announced(sentences, best, hi)
        if stating is not None:
            highlights.append(stating.text)
        elif len(announced) == 2:  # the list it announces is the answer: its first two items are bold, not the
            # announcement (which also decides whether the answer says "het antwoord geven": _takes_as_answer)
            highlights = [x.text for x in announced]
        elif announced:
            highlights.append(announced[0].text)
        elif runner_up is not None and runner_up.answers >= self.judge.bold_threshold:
            highlights.append(runner_up.text)
        elif reply is not None:
            highlights.append(reply.text)
        pages = [s.page for s in quoted if s.page is not None]
        c = hit.chunk
        return Citation(n, c.doc, c.title, min(pages) if pages else None, c.section, quote, highlights, c.metadata,
                        c.id, max(pages) if pages else None)

    def _second_answer(self, sentences: list[Evidence], best: int, lo: int, hi: int, lead_in: int | None,
                       limit: int) -> tuple[int, int] | None:
        """(first, last): the sentence of the passage outside the quote (with the rest of its list item) that
        comes as close to answering as a sentence the quote carries on (within half the quote margin of the best
        one), on a page the quote is on, where the quote has room for it. It is quoted after an ellipsis: the
        passage's answer is not always where its best sentence stands ("De onderwijsconsulent helpt u een
        geschikte school … te vinden. … Onderwijsconsulenten zijn onafhankelijke deskundigen …"). A quote with a
        list's lead-in has its ellipsis."""
        if lead_in is not None:
            return None
        top = self._order(sentences[best])
        outside = [i for i in range(len(sentences)) if not lo <= i <= hi
                   and self._order(sentences[i]) >= top - self.quote_margin / 2]
        if not outside:
            return None
        i = max(outside, key=lambda j: (self._order(sentences[j]), -j))
        a, b = _whole_block(sentences, i, i)
        pages = {s.page for s in sentences[lo:hi + 1]}
        # never a second page: the citation opens the PDF at the page of its answer
        if a <= hi and b >= lo or any(s.page not in pages for s in sentences[a:b + 1]):
            return None
        used = sum(s.words for s in sentences[lo:hi + 1])
        if used + sum(s.words for s in sentences[a:b + 1]) > limit:
            return None
        return a, b

    def _with_second(self, doc: str, sentences: list[Evidence], second: tuple[int, int], lo: int, quote: str,
                     quoted: list[Evidence]) -> tuple[str, list[Evidence], list[Evidence]]:
        """The quote and its sentences with the second answer joined by an ellipsis, in the document's order, and
        the sentences added; unchanged where the joined quote is not verbatim."""
        a, b = second
        extra = sentences[a:b + 1]
        text = " ".join(s.text for s in extra)
        joined = f"{text}{ELLIPSIS}{quote}" if b < lo else f"{quote}{ELLIPSIS}{text}"
        if not self.is_verbatim(doc, joined):
            return quote, quoted, []
        return joined, (extra + quoted if b < lo else quoted + extra), extra

    def _with_gaps(self, doc: str, texts: list[str]) -> str:
        """The sentences as one quote where they do not all follow each other in the document's text (a page's
        running header or a footnote stands between them in the PDF): an ellipsis says that something was left
        out, so that every part stays verbatim. Such a quote was dropped as "not verbatim"."""
        parts = [texts[0]]
        for text in texts[1:]:
            joined = f"{parts[-1]} {text}"
            if self.is_verbatim(doc, joined):
                parts[-1] = joined
            else:
                parts.append(text)
        return ELLIPSIS.join(parts)

    def _nothing_found(self, question: str, hits: list[Hit]) -> Answer:
        near = [h for h in hits if (h.dense_score or 0.0) >= self.calibration.near_threshold]
        return nothing_found(question, _nearest(near))


def fuller_first(citations: list[Citation]) -> list[Citation]:
    """Passages overlap: where a later citation quotes the first one's answer sentence too, with more of the answer
    in bold (the reply after a question in the document, which the first passage ends before), it comes first."""
    first = citations[0]
    fuller = next((c for c in citations[1:] if c.doc == first.doc and c.highlights[:1] == first.highlights[:1]
                   and len(c.highlights) > len(first.highlights)), None)
    return citations if fuller is None else _to_front(citations, citations.index(fuller))


def without_repeats(citations: list[Citation]) -> list[Citation]:
    """The citations without a later one about the same answer sentence of the same document: passages overlap,
    and two windows around one bold sentence showed "Dit document bevat adviezen …" twice (a helper's user test;
    12 of 379 answers on the dev sets)."""
    kept: list[Citation] = []
    for c in citations:
        same = next((i for i, k in enumerate(kept) if k.doc == c.doc and k.highlights[:1] == c.highlights[:1]), None)
        if same is None:
            kept.append(c)
        elif len(c.highlights) > len(kept[same].highlights):  # the one with more of the answer in bold, in place
            kept[same] = c
    return citations if kept == citations else _numbered(kept)


def _stating_text(citation: Citation, kind: Kind, documents: tuple[str, ...] = ()) -> str:
    """What a citation states a fact of this kind in: its quote; for a vote also its heading, which names what the
    minutes' vote line is about ("16. Motie met betrekking tot …" above "Tegen de motie stemden: …"); for a count,
    without its counts of `documents` (numbers.without_counts_of)."""
    if kind is VOTE:
        return f"{citation.section or ''} {citation.quote}"
    return without_counts_of(citation.quote, documents) if kind is COUNT and documents else citation.quote


def stating_first(citations: list[Citation], states_asked: Callable[[str], bool] | None,
                  candidates: list[Citation] | None = None) -> list[Citation]:
    """The citations with the first that states what is asked (a sum, a count, a duration: kinds.number_asked; who
    holds an office or role: kinds.holder_asked) moved to the front, where the first does not state it; the rest
    keep their order and are numbered again. "Wat kost de consolidated tape?" was first quoted from the passage
    about the proposal, and only in the third quote with "De jaarlijkse kosten … worden geschat op 2,2 tot 7,8
    miljoen euro"."""
    if states_asked is None:
        return citations
    # candidates: those that may state it (on_the_subject); a figure in another document may be of another thing
    states = [(candidates is None or c in candidates) and states_asked(c.quote) for c in citations]
    if states[0] or not any(states):
        return citations
    return _to_front(citations, states.index(True))


def _about_asked(asked: str) -> Callable[[Hit], bool]:
    """Which candidate passages may state a vote or decision: a vote line or decision of the same minutes may be
    about another motion, so its passage (with its heading) must name the thing asked. Any passage for the rest."""
    if vote_asked(asked):
        return lambda hit: voted_on(f"{hit.chunk.section or ''} {hit.chunk.text}", asked)
    if decision_asked(asked):
        return lambda hit: decided_on(f"{hit.chunk.section or ''} {hit.chunk.text}", asked)
    return lambda hit: True


def _to_front(citations: list[Citation], i: int) -> list[Citation]:
    """The citations with the i-th first, the rest in their order, numbered again."""
    return _numbered([citations[i]] + citations[:i] + citations[i + 1:])


def _numbered(citations: list[Citation]) -> list[Citation]:
    """The citations in this order, numbered again from 1."""
    return [replace(c, n=n) for n, c in enumerate(citations, start=1)]


def _stating_sentence(states_asked: Callable[[str], bool] | None, best: Evidence,
                      candidates: list[Evidence], after_best: Evidence | None = None) -> Evidence | None:
    """The quoted sentence (other than the best) that states what is asked (a sum, count or duration, who holds an
    office or role), where the best one does not: "Hoeveel kost …?" with "… worden geschat op 2,2 tot 7,8 miljoen
    euro" beside the best sentence. A question in the document ("Klopt het dat het zwembad 2,4 miljoen euro
    kost?") states no answer. A reason right after the best sentence is the reason of what it says ("Alle pdf's …
    blijken ontoegankelijk. Dit komt onder andere door het ontbreken van een codelaag.": a helper's user test)."""
    if states_asked is None or states_asked(best.text) and not _asks(best):
        return None
    stating = [s for s in candidates if s is not best and not _asks(s) and states_asked(s.text)]
    if isinstance(states_asked, BoldHint) and any(s is after_best for s in stating):
        return after_best
    if isinstance(states_asked, NameAsked):
        # of the sentences that name someone, the one that names who did it ("… is gedaan door het UCERF"), then
        # the one with more of the question's words ("Opdrachtgever van het onderzoek was …" for "Wie gaf opdracht
        # voor het onderzoek?", not the researcher beside it)
        return max(stating, key=lambda s: (states_asked.as_agent(s.text), s.lexical, s.answers), default=None)
    return max(stating, key=lambda s: s.answers, default=None)


def _announced(sentences: list[Evidence], best: int, last: int) -> list[Evidence]:
    """Where the best sentence ends with a colon, the quoted sentence after it: the colon announces what it says
    ("De onderzoekers geven tot slot drie perspectieven …:" before "1. missiegedreven innovatie …"); where that
    is a list item followed by another, both ("• Windows 11, Chrome 121", "• Windows 11, Mozilla Firefox 122"
    after "… de volgende besturingssystemen, browsers en hulpsoftware gebruikt:"). Not one on another page."""
    if not sentences[best].text.rstrip().endswith(":"):
        return []
    said = list(takewhile(lambda s: s.page == sentences[best].page and not _asks(s),
                          sentences[best + 1:min(last, best + 2) + 1]))
    if len(said) == 2 and all(_LIST_ITEM_START.match(s.text) for s in said):
        return said
    return said[:1]


# a list item's marker: "•", "-", "1.", "a)", and OCR's "eo", "o", "e" and "°"
_LIST_ITEM_START = re.compile(r"\s*(?:[•◦○▪●*°–-]|eo|o|e|\d{1,2}[.)]|[a-z][.)])\s")


def _reply(sentences: list[Evidence], question: int, last: int,
           states_asked: Callable[[str], bool] | None = None) -> Evidence | None:
    """Where the best sentence is a question in the document ("Vraag 9 Bent u bereid … te verlagen naar 2%?"), the
    quoted sentence straight after it, where that says something back: in Kamervragen, minutes and FAQs the reply.
    Not another question, a label or page footer ("Vraag 10", "Pagina 3 van 7"), the answer to another numbered
    question ("Antwoord 1" after "Vraag 9"), a sentence on another page, nor one that does not state what is asked."""
    if question + 1 > last:
        return None
    asked, said = sentences[question], sentences[question + 1]
    if _asks(said) or _LABEL.fullmatch(said.text.strip()) or said.page != asked.page \
            or (states_asked is not None and not states_asked(said.text)):
        return None
    number, answered = _NUMBERED.match(asked.text), _NUMBERED.match(said.text)
    return None if number and answered and number.group(1) != answered.group(1) else said


# a bare label or page footer: "Vraag 10", "Antwoord 3", "Pagina 3 van 7", "Blz. 4"
_LABEL = re.compile(r"(?:vraag|antwoord|pagina|blz\.?|page)\s*\d+(?:\s*(?:van|/|of)\s*\d+)?\W*", re.I)
# the number of a question or answer in Kamervragen: "Vraag 9 …", "Antwoord 9 …"
_NUMBERED = re.compile(r"\s*(?:vraag|antwoord)\s*(\d+)\b", re.I)


def only_asked(question: str, citations: list[Citation]) -> bool:
    """Is every bold sentence of the first quote a question in the document, with no reply beside it, while the
    user does not ask about questions ("Welke vragen stelde het CDA?" is answered by them)? Such a quote is no
    answer the app can vouch for: "Welke bevoegdheden hebben gemeenten om een reptielenbeurs te verbieden?" bolded
    the Kamervraag that asks it, in a mail without an answer, under "de zinnen die het antwoord geven" (a helper's
    user test). Not not_stated: the reply often stands unbolded or in a later quote (measured: answerable questions
    declined on samples_dev, samples_fresh, samples_holdout, VAC and policyqa, 0.011 -> 0.075 there)."""
    bold = citations[0].highlights if citations else []
    return bool(bold) and all(map(_is_question, bold)) and not _ABOUT_QUESTIONS.search(question)


# "Welke Kamervragen …", "Wat vroeg …", "Wie heeft gevraagd …": a question about the questions a document asks
_ABOUT_QUESTIONS = re.compile(r"vra(?:ag|gen)|vroeg|gevraagd", re.I)


def _asks(sentence: Evidence) -> bool:
    """A question in the document ("Vraag 2 Kunt u toelichten …?"): like the user's, but it answers nothing."""
    return _is_question(sentence.text)


def _is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def nothing_found(question: str, nearest: list[dict[str, str]]) -> Answer:
    """"Niets gevonden", with the documents that come nearest (where any do)."""
    return Answer(question, False, "", [], nearest)


OVERVIEW_QUOTE_WORDS = 45  # an overview gives one short line per document
OVERVIEW_COSINE_MARGIN = 0.015  # dev set: 0.01 and 0.015 give recall 0.924 / precision 0.881; 0.02: 0.951 / 0.847
# At most three words between the frame and what it lists ("Welke andere grote gemeenten", "Welke van de cases"):
# in "Welke rol speelde de functionaris bij de projecten?" the question asks for a role, not for projects.
@lru_cache(maxsize=8)
def _overview_pattern(nouns: tuple[str, ...]) -> re.Pattern:
    """"Welke/noem/In welke" + at most three words + a word the collection counts its documents by."""
    return re.compile(r"^\s*(?:in\s+|uit\s+|bij\s+)?(welke|noem|geef een overzicht van|wat zijn de|which|list)\s+"
                      r"(?:\S+\s+){0,3}?(" + "|".join(map(re.escape, nouns)) + r")\b", re.I)


_COUNTED = re.compile(rf"^\s*welke\s+(\d+|{_UNITS}|tien)\b", re.I)


def is_overview(question: str, nouns: tuple[str, ...] = DOCUMENT_NOUNS) -> bool:
    """"Welke gemeenten gebruiken …", "Noem de projecten die …": the answer is a list of documents.
    "Welke drie cases scoorden het best?" names a count: a fact that one passage states, not a list to find."""
    return bool(_overview_pattern(nouns).search(question)) and not _COUNTED.match(question)


_ALTERNATIVES = re.compile(r"\s+(?:en/of|of)\s+", re.I)
_PREPOSITIONS = {"bij", "over", "voor", "in", "aan", "uit", "met", "op", "tegen", "rond", "om", "van", "naar", "tot"}
# "Welke gemeenten hebben onderzocht of jongeren uitvallen?": "of" as "whether", after a verb like these
_WHETHER = re.compile(r"\b(weten|weet|onderzo\w*|bekijk\w*|bekeken|kijk\w*|gekeken|nagaan|nagegaan|gaan na|"
                      r"meten|meet|gemeten|bepal\w*|bepaald|controle\w*|gecontroleerd|toets\w*|getoetst|zien|"
                      r"vragen|vraagt|gevraagd|test\w*|getest|evalue\w*|geëvalueerd|checken)$", re.I)


def alternatives(question: str, nouns: tuple[str, ...] = DOCUMENT_NOUNS) -> list[str]:
    """"Welke gemeenten gebruiken data bij veiligheid of handhaving?" asks two overviews: "… bij veiligheid?"
    and "… bij handhaving?"; "… bij veiligheid, zorg of handhaving?" three. The alternatives follow one
    preposition ("bij"), or each has its own ("… over het sociaal domein of over parkeren?"), or they are
    single words ("gebruiken sensoren of camera's"). [question] where the overview's subject has no such "of",
    or where "of" means "whether" ("… onderzocht of jongeren uitvallen?")."""
    match = _overview_pattern(nouns).search(question)
    subject = question[match.end():] if match else ""
    parts = _ALTERNATIVES.split(subject)
    if not match or len(parts) != 2:
        return [question]
    end = question.rstrip()[-1:] if question.rstrip()[-1:] in "?.!" else ""
    before, after = parts[0].split(), parts[1].rstrip(" ?.!").split()
    if not before or not after or _WHETHER.search(before[-1].rstrip(",")):
        return [question]
    if after[0].lower() in _PREPOSITIONS:  # "over het sociaal domein of over parkeren"
        at = max((i for i, w in enumerate(before) if w.lower() == after[0].lower()), default=None)
        if at is None:
            return [question]
        head, options = before[:at], [" ".join(before[at:]), " ".join(after)]
    else:  # "bij veiligheid, zorg of handhaving"
        at = max((i for i, w in enumerate(before) if w.lower() in _PREPOSITIONS), default=None)
        if at is None and len(after) == 1 and len(before) >= 2:  # "gebruiken sensoren of camera's"
            at = len(before) - 2
        if at is None or at == len(before) - 1:
            return [question]
        head = before[: at + 1]
        options = [o.strip() for o in " ".join(before[at + 1:]).split(",") if o.strip()] + [" ".join(after)]
    frame = " ".join([question[: match.end()].strip(), *head])
    return [f"{frame} {option}{end}" for option in options]


# How a list question says "is about" or "mentions": frame, not subject ("Welke documenten gaan over rente?" is
# about "rente"; "gaan" counted as a subject word that a fitting document had to hold).
_ABOUT = re.compile(r"^\s*(?:(?:gaan|gaat|ging|gingen|handelen|handelt)\s+over|(?:hebben|heeft)\s+betrekking\s+op|"
                    r"noemen|noemt|vermelden|vermeldt|bevatten|bevat|behandelen|behandelt|bespreken|bespreekt|"
                    r"(?:komt|komen)\b(?=.*\bvoor\W*$))\s*", re.I)
_IN_IT = re.compile(r"\s+voor(?=\W*$)", re.I)  # "… komt een GGD voor?"


def overview_subject(question: str, nouns: tuple[str, ...] = DOCUMENT_NOUNS) -> str:
    """"Welke gemeenten gebruiken sensoren?" asks about "gebruiken sensoren": the frame says what to list;
    "Welke documenten gaan over rente?" about "rente"."""
    match = _overview_pattern(nouns).search(question)
    if not match:
        return question
    subject = question[match.end():]
    about = _ABOUT.match(subject)
    if about:
        verb = about.group(0).strip().lower()
        subject = " " + subject[about.end():]
        if verb.startswith("kom"):
            subject = _IN_IT.sub("", subject)
    return subject


def about_subject(question: str, hits: list[Hit], min_share: float, basis: set[str] | None = None,
                  nouns: tuple[str, ...] = DOCUMENT_NOUNS) -> set[str]:
    """Documents that are about the overview's subject. Every case description is about gemeenten and data,
    so "Welke gemeenten gebruiken sensoren?" is close in meaning to all of them; the words of the subject say
    which fit. A rare Dutch word that no candidate has ("sensoren", "drones") means the subject is not in the
    collection: none fits (a common one, "pakken" in "aan te pakken", is ignored). Of the other words, a
    document fits when it has
    min_share of the telling words, weighted by rarity among the documents of `basis` (default: all; the
    entries of the list, so that a report that holds every word does not make them all telling)."""
    texts: dict[str, list[str]] = {}
    for hit in hits:
        texts.setdefault(hit.chunk.doc, [hit.chunk.title]).append(hit.chunk.text)
    docs = list(texts)
    asked = {stem(w): w for w in words(overview_subject(question, nouns)) if len(w) >= 3}
    if not asked or len(docs) < 2:
        return set(docs)
    have = {d: {stem(w) for w in words(" ".join(texts[d]))} for d in docs}
    counted = [d for d in docs if basis is None or d in basis] or docs
    holders = {q: sum(has_stem(q, have[d]) for d in counted) for q in asked}
    everywhere_absent = {q for q in asked if not any(has_stem(q, have[d]) for d in docs)}
    if any(is_rare_word(asked[q]) for q in everywhere_absent):
        return set()  # "drones": the subject is in none of the documents
    telling = {q: math.log(1 + len(counted) / (1 + n)) for q, n in holders.items() if n > 0}
    if not telling:
        return set(docs)
    total = sum(telling.values())
    # a word that most documents hold ("gebruiken") tells nothing alone: a document must hold one that fewer
    # than half of them hold, where there is one ("sensoren" in "Welke gemeenten gebruiken sensoren?")
    distinctive = {q for q in telling if holders[q] < len(counted) / 2}

    def fits(d: str) -> bool:
        held = {q for q in telling if has_stem(q, have[d])}
        return sum(telling[q] for q in held) / total >= min_share and (not distinctive or bool(held & distinctive))

    return {d for d in docs if fits(d)}


def _names_all(chunk: Chunk, names: set[str]) -> bool:
    """Does the passage (with its title and metadata) name each of these folded names as a word or word start?"""
    text = fold(f"{chunk.title} {metadata_text(chunk.metadata)} {chunk.text}")
    return all(re.search(rf"(?<!\w){re.escape(n)}", text) for n in names)


def _about_one_each(doc_hits: list[Hit], profile: CollectionProfile) -> tuple[list[Hit], list[Hit]]:
    """An overview lists gemeenten, cases or projects: where some fitting documents have an owner of their own
    (profile.owner_field), a document that has none (a report that sums up all cases) is no entry of the list,
    only mentioned. A collection without owners in its metadata keeps every document."""
    own = [h for h in doc_hits if profile.has_own_owner(h.chunk.metadata)]
    if not own:
        return doc_hits, []
    return own, [h for h in doc_hits if not profile.has_own_owner(h.chunk.metadata)]


def _swapped_place(question: str, citations: list[Citation], kinds: tuple[Kind, ...]) -> str | None:
    """What the question's fact is of, where the first quote with a bold sentence that holds a fact of the kinds
    asked states it, in each such sentence, of something else in the place the question names
    (stated.swapped_place) or of its opposite (stated.opposite_of: "hoogtechnologisch" for "laagtechnologisch");
    "" for an opposite verb ("startte" for "gestopt"), which names no place; None where the fact is stated of what
    is asked."""
    for citation in citations:
        stating = [bold for bold in citation.highlights if any(kind.holds(bold) for kind in kinds)]
        if stating:
            places = [swapped_place(question, bold, citation.title) or opposite_of(question, bold) for bold in stating]
            if not all(places):
                return None
            return "" if fold(places[0]) in BEGINNING | ENDING else places[0]
    return None


def _overlaps(a: Citation, b: Citation) -> bool:
    return _within(a, b) or _within(b, a)


def _within(a: Citation, b: Citation) -> bool:
    """Does b's quote hold all of a's?"""
    return a.doc == b.doc and collapse_whitespace(a.quote) in collapse_whitespace(b.quote)


def _nearest(hits: list[Hit], n: int = 3) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for hit in hits:
        seen.setdefault(hit.chunk.doc, {"doc": hit.chunk.doc, "title": hit.chunk.title})
    return list(seen.values())[:n]


def _hybrid(hits: list[Hit]) -> bool:
    """Were these found by hybrid search? The judge was fitted on it: with dense or BM25 alone a feature it
    leans on is missing, and it neither vetoes nor finds."""
    return any(h.lexical_score is not None for h in hits) and any(h.dense_score is not None for h in hits)
