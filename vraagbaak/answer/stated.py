"""What the quotes state of what a question asks, and what they lack: the names, years and days a question gives
that no cited document holds, the date a document prints for itself, an outcome, a name blacked out under the Woo,
and which citations are on the question's subject at all. The answer builder turns a lack into `not_stated`
("noemen geen …"); a follow-up to another place keeps only the citations that name it (`naming`).
May import: answer.judge, answer.kinds, schema, text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from vraagbaak.answer.judge import NOT_NAMES, metadata_text
from vraagbaak.answer.kinds import NAME, WHEN, wanted_kinds, years_asked
from vraagbaak.schema import Answer, Citation, Hit
from vraagbaak.text.cleaning import collapse_whitespace, is_rare_word, redaction_codes
from vraagbaak.text.compounds import CompoundSplitter
from vraagbaak.text.dates import MONTHS, days_named
from vraagbaak.text.language import is_english
from vraagbaak.text.owners import named_in_question, named_in_text
from vraagbaak.text.words import (
    PLACE_ADJECTIVE,
    fold,
    given_names,
    question_words,
    stem,
    stopwords,
    words,
)


def dated_as_asked(question: str, metadata: dict | None) -> str:
    """The date a document prints for itself, where a "when" question asks when that document is dated: where it
    names the document by what the document prints itself to be ("Wanneer is de kamerbrief … verstuurd?" of a
    "brief"; metadata "soort" and "datum": ingest/identity.py). "" otherwise. The date stands above the letter, far
    from the question's words in the quote."""
    kind, date = str((metadata or {}).get("soort") or "").lower(), str((metadata or {}).get("datum") or "")
    if not (kind and date) or WHEN not in wanted_kinds(question):
        return ""
    return date if any(fold(w).endswith(kind) for w in words(question)) else ""


def own_date_asked(question: str, hits: list[Hit]) -> Callable[[str], bool] | None:
    """Where the question asks when a candidate document is dated (dated_as_asked): does a text hold that date?"""
    dates = {date for h in hits if (date := dated_as_asked(question, h.chunk.metadata))}
    return (lambda text: any(date in text for date in dates)) if dates else None


def states_outcome(result: Callable[[str], bool], citations: list[Citation]) -> bool:
    """Does a citation state an outcome (kinds.result_asked) in its quote or in the section it stands under?"""
    return any(result(f"{c.section or ''} {c.quote}") for c in citations)


def redacted_names(citations: list[Citation]) -> list[str]:
    """The Woo codes ("5.1.2e") in the bold sentences of the first citation, where those sentences name no one:
    the name asked for was blacked out. [] where they name someone or hold no code."""
    bold = " ".join(citations[0].highlights) if citations else ""
    return [] if NAME.holds(bold) else redaction_codes(bold)


def dates_not_quoted(question: str, citations: list[Citation],
                     document_text: Callable[[str], str] = lambda doc: "") -> list[str]:
    """The years the question names that no citation holds, in its quote, title or metadata; and the days
    ("13 juli", "13-07-2015") that no cited document holds anywhere, written in any way: a day names one meeting
    or letter, and a document of another day is about something else, but the day may stand in its header, far
    from the quote. The year of a named day ("13 juli 2015") is looked for with that day."""
    held = " ".join(f"{c.quote} {c.title} {metadata_text(c.metadata)}" for c in citations)
    days = days_named(question)
    of_days = {year for *_, year in days if year}
    years = [y for y in years_asked(question) if y not in of_days and not _holds_year(held, y)]
    if not days:
        return years
    # the documents' text is read only for a question that names a day
    text = " ".join([held, *(document_text(doc) for doc in dict.fromkeys(c.doc for c in citations))])
    have = {(day, month) for _, day, month, _ in days_named(text)}
    return years + [collapse_whitespace(written) for written, day, month, year in days
                    if (day, month) not in have or (year and not _holds_year(text, year))]


def _holds_year(text: str, year: str) -> bool:
    return bool(re.search(rf"(?<!\d){year}(?!\d)", text))


def names_not_quoted(question: str, citations: list[Citation],
                     document_text: Callable[[str], str] = lambda doc: "") -> list[str]:
    """The names the question names (a capitalised word inside it) that no cited document holds: not in a quote,
    title, section or metadata, nor anywhere in the document's text (a name may find the document, "de Kamerbrief
    van staatssecretaris Teeven", signed on its last page). A name has no synonyms, so a document about someone
    else does not answer. A compound is checked by its named part ("Bbz" of "Bbz-lening"); an adjective of a
    place ("Zaanse", "Europese") is left out: it describes, and its place is named otherwise ("Zaanstad", "EU").
    The documents' text is read only for a name the citations lack (most questions name nothing, or it is quoted)."""
    names = asked_names(question)
    if not names:
        return []
    cited = _cited(citations)
    missing = [name for name, named in names.items() if not _holds(cited, named)]
    if not missing:
        return []
    texts = [_folded(document_text(doc)) for doc in dict.fromkeys(c.doc for c in citations)]
    aliased = _aliased(question, [cited, *texts])
    return [name for name in missing if name not in aliased
            and not any(_holds(t, names[name]) or _vocabulary(t).made_of_parts(names[name]) for t in texts)
            and not _vocabulary(cited).made_of_parts(names[name])]


def naming(answer: Answer, name: str, document_text: Callable[[str], str]) -> Answer:
    """The answer with only the citations whose document names `name` (in its quote, title, section, metadata or
    text), renumbered: where a follow-up moves the question to another place ("En in Utrecht?"), a quote about
    the earlier place answers nothing. Where none names it: `not_stated`, "noemen Utrecht niet"."""
    named = fold(name)
    keep = [c for c in answer.citations
            if _holds(_cited([c]), named, whole=True) or _holds(_folded(document_text(c.doc)), named, whole=True)]
    if not keep:
        answer.found_as, answer.missing_kind, answer.missing_what = "not_stated", "name", name
        return answer
    for n, c in enumerate(keep, start=1):
        c.n = n
    answer.citations = keep
    return answer


def asked_names(question: str) -> dict[str, str]:
    """The names a question gives (a capitalised word inside it), as asked -> the part to look for, folded."""
    if is_english(question) or question.isupper():  # English capitalises other words; all capitals name nothing
        return {}
    names = {}
    for name in dict.fromkeys(n.strip("-") for n in given_names(question)):
        named = name.split("-")[0]
        # a question word or verb glued on from a follow-up ("… Zaanstad Hoe lang duurde die?") names nothing
        if fold(name) not in NOT_NAMES and question_words(named) and not PLACE_ADJECTIVE.search(named):
            names[name] = fold(named)
    # a web address names one site as a name does one organisation ("Hoe scoorde rijksoverheid.nl …?")
    names.update({site: fold(site).removeprefix("www.") for site in _WEB_ADDRESS.findall(question)})
    return names


_WEB_ADDRESS = re.compile(r"(?<![\w.@-])(?:www\.)?[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:nl|eu|com|org|net|be|info)\b", re.I)


def _cited(citations: list[Citation]) -> str:
    """What the citations show, folded: their quotes, titles, sections and metadata."""
    return fold(" ".join(f"{c.quote} {c.title} {c.section or ''} {metadata_text(c.metadata)}" for c in citations))


def on_the_subject(question: str, citations: list[Citation], owners: frozenset[str] = frozenset()) -> list[Citation]:
    """The citations that can state a fact the question asks for: those of the first document, and those of
    another document that show every name the question gives, whole ("Zuid-Holland", not "zuiden"): "Wat kost het
    zwembad De Vennen?" from the begroting that names De Vennen. A figure in another document that does not ("33
    procent nauwkeuriger" of the Wmo model under "Met hoeveel procent is het schoolverlaten in Zuid-Holland Zuid
    gedaald?") is of another thing; it was put first and in bold (a helper's user test). The first document's
    quotes count without the names: they are often elsewhere in it (a letter about Schiphol whose answer sentence
    says "per dag"); asking them of it too refused one answer and put another second (measured).

    Of any document, a citation that shows another owner of the collection (a gemeente: in its quote, section or
    metadata) and not the one the question names is about that other one: "Hoeveel geld trekt Rotterdam per jaar
    uit …?" was answered by "… trekt Utrecht ieder jaar 2 miljoen euro uit" under "§ Achtergrond: Utrecht", from
    a report that names Rotterdam elsewhere (a helper's red-team test)."""
    names = [fold(name) for name in asked_names(question)]
    asked_owners = {owner for _, _, owner in named_in_question(question, owners)}

    def of_another_owner(c: Citation) -> bool:
        shown = named_in_text(_cited([c]), owners)
        return not shown & asked_owners and bool(shown - asked_owners)

    return [c for c in citations if not (asked_owners and of_another_owner(c))
            and (c.doc == citations[0].doc or all(_holds(_cited([c]), name, whole=True) for name in names))]


# A name that a document repeats this often is one of its subjects, wherever a quote stands in it: "Schiphol" four
# times in the letter to Royal Schiphol Group, whose answer says "per dag"; "India" once, in a list of countries
SUBJECT_MENTIONS = 3


_ABBREVIATION = re.compile(r"[A-Z]{2,6}")


def names_not_shown(question: str, citation: Citation,
                    document_text: Callable[[str], str] = lambda doc: "") -> list[str]:
    """The names the question gives (asked_names) that the citation does not show in its quote, title, section or
    metadata, and that its document does not name often enough to be about them (SUBJECT_MENTIONS)."""
    shown, names = _cited([citation]), asked_names(question)
    # "het Rijk", "de Verenigde Staten", "het RIVM": after an article, an institution that a text may call otherwise
    # ("Welke rente rekent het Rijk …?" is answered by the minister's 2%); a place or person takes none
    after_article = {w for phrase in _AFTER_ARTICLE.findall(question) for w in phrase.split()}
    missing = [name for name, named in names.items() if not _holds(shown, named)
               and name not in after_article | _aliased(question, [shown])]
    if not missing:
        return []
    text = _folded(document_text(citation.doc))
    # an abbreviation ("VWS") that the document uses is often written out where it is quoted ("Ministerie van
    # Volksgezondheid, Welzijn en Sport"): once in the document will do
    return [name for name in missing if len(re.findall(rf"(?<!\w){re.escape(names[name])}", text))
            < (1 if _ABBREVIATION.fullmatch(name.split("-")[0]) else SUBJECT_MENTIONS)]


def _aliased(question: str, folded_texts: list[str]) -> set[str]:
    """The words of a name that the question gives with its abbreviation ("de Basisregistratie Personen (BRP)"),
    where one of the texts holds the abbreviation: it may be all a text says."""
    return {word for words_before, alias in _ALIAS.findall(question)
            if any(_holds(t, fold(alias), whole=True) for t in folded_texts) for word in words_before.split()}


def _holds(folded: str, name: str, whole: bool = False) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(name)}" + (r"(?!\w)" if whole else ""), folded))


@lru_cache(maxsize=16)  # whole documents: a few MB each at most
def _folded(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=16)  # a whole document's stems, once per document and not per question
def stems_of(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text))


@lru_cache(maxsize=16)
def _vocabulary(folded: str) -> CompoundSplitter:
    """The words of a text as compound parts: "Kamerbrief" in a letter to the Tweede Kamer (a brief) is made of two
    words it holds; a name is no such compound ("Duitsland": no "duits" in a text about others)."""
    return CompoundSplitter(set(words(folded)))


# a name and its abbreviation: "Basisregistratie Personen (BRP)", "Wet open overheid (Woo)"
# the capitalised words after "de" or "het": "de Verenigde Staten"
_AFTER_ARTICLE = re.compile(r"\b(?:[Dd]e|[Hh]et)\s+((?:[A-ZÀ-Ý][\wÀ-ÿ-]*\s*)+)")
_ALIAS = re.compile(r"([A-ZÀ-Ý][\wÀ-ÿ-]*(?:\s+[\wÀ-ÿ-]+){0,4}\s*)\(([A-Za-z][\w-]{1,12})\)")


# A question puts what its fact is of after a preposition ("… in Nederland", "… voor huishoudelijke hulp", "… via
# een buitenlandse draagmoeder"). A sentence that states such a fact of something else puts that in the same place:
# "Alleen in Duitsland geldt sinds 8 augustus een testplicht", "Het deelmodel voor vervoersdiensten werd 33 procent
# nauwkeuriger", "drie kinderen via het VUmc geboren" (a helper's user test: each was given as the answer).
_SLOT_PREPOSITIONS = frozenset({"in", "voor", "via", "bij", "tijdens", "uit", "naar"})
_DETERMINERS = frozenset({"de", "het", "een", "die", "dat", "deze", "dit", "zijn", "haar", "hun", "ons", "onze",
                          "uw", "elk", "elke", "ieder", "iedere", "alle"})
_SLOT_WORDS = 3  # words of what fills the place, past its determiners
# fixed expressions and question words, no place: "in plaats van", "in het kader van", "voor zover", "voor hoe lang"
_NO_PLACE = frozenset({"plaats", "kader", "verband", "aanmerking", "staat", "feite", "principe", "totaal", "geval",
                       "algemeen", "bijzonder", "beginsel", "afwachting", "opdracht", "samenwerking", "strijd",
                       "tegenstelling", "vergelijking", "zover", "zoverre", "hoeverre", "eerst", "voorbeeld",
                       "behandeling", "gebruik", "werking", "orde", "andere", "meer", "minder", "dat", "wat", "hoe",
                       "welke", "welk", "wie", "wanneer", "hoeveel", "waarom", "waar"})
# a time, which the year and date checks judge (dates_not_quoted) and a sentence may give in another way
_TIME_WORDS = frozenset(stem(w) for w in (
    *MONTHS, "jaar", "jaren", "maand", "maanden", "week", "weken", "dag", "dagen", "periode", "tijd", "loop",
    "afgelopen", "komende", "vorige", "begin", "eind", "einde", "zomer", "winter", "lente", "herfst", "voorjaar",
    "najaar", "zomervakantie", "kwartaal"))
# a reference inside a document, capitalised but no name: "in Bijlage 2", "in Tabel 3"
_REFERENCES = frozenset({"bijlage", "tabel", "hoofdstuk", "paragraaf", "figuur", "artikel", "pagina", "deel"})
_TOKEN = re.compile(r"[\w'-]+|[^\w\s]")
_PART_LETTERS = 5  # a compound's part or head counts from this many letters ("corona" of "coronacrisis")
_UNHELD_WORDS = 2  # words of a place that the whole document must lack: one may be said otherwise ("bij een tekort")


def _tokens(text: str) -> list[str]:
    """Words and marks; a curly apostrophe as a straight one ("CT’s" is "CT's", which the stemmer knows)."""
    return _TOKEN.findall(text.replace("’", "'"))


def _slots(text: str) -> list[tuple[str, list[str]]]:
    """(preposition, the words that fill its place) for each preposition of _SLOT_PREPOSITIONS in the text: up to
    _SLOT_WORDS words past its determiners (_filler). The last word of a question that is a participle is its verb
    ("… via een draagmoeder gekomen?", "… in Nederland ingevoerd?"), not part of a place."""
    tokens = _tokens(text)
    if text.rstrip().endswith("?") and len(tokens) >= 2 and (
            _PARTICIPLE.fullmatch(tokens[-2]) or tokens[-2].endswith("en") and _AUXILIARY.search(text)):
        tokens = tokens[:-2] + tokens[-1:]
    return [(token.lower(), _filler(tokens, i + 1)) for i, token in enumerate(tokens)
            if token.lower() in _SLOT_PREPOSITIONS]


# a past participle at the end of a question ("gekomen", "ingevoerd", "afgeschaft", "verhandeld"), or an infinitive
# after a verb that takes one ("Hoeveel leerlingen mogen er in een klaslokaal zitten?"; not "… voor jongeren?")
_PARTICIPLE = re.compile(r"(?:(?:aan|af|bij|door|in|mee|na|om|op|over|toe|uit|voor|weg|terug)?ge\w+|"
                         r"(?:be|ver|ont|her)\w+)(?:d|t|en)")
_AUXILIARY = re.compile(r"\b(?:mag|mogen|kan|kun|kunnen|moet|moeten|zal|zullen|wil|willen|gaat|gaan|ga|laat|laten|"
                        r"hoef|hoeft|hoeven)\b", re.I)


def _filler(tokens: list[str], start: int) -> list[str]:
    """The words after a preposition: past its determiners, up to a mark, a determiner, another preposition or a
    number; a name ends where its capitals do ("in Nederland ingevoerd")."""
    j = start
    while j < len(tokens) and tokens[j].lower() in _DETERMINERS:
        j += 1
    filler: list[str] = []
    for token in tokens[j:]:
        ends = not token[0].isalnum() or token.lower() in _DETERMINERS | _SLOT_PREPOSITIONS
        if filler:
            ends = ends or any(ch.isdigit() for ch in token) or filler[0][0].isupper() and not token[0].isupper()
        if ends or len(filler) == _SLOT_WORDS:
            break
        filler.append(token)
    return filler


def _is_time(filler: list[str]) -> bool:
    """Does the place hold a time or a number ("in 2010", "in juni", "in de afgelopen jaren")?"""
    return any(any(ch.isdigit() for ch in w) or days_named(w) or stem(fold(w)) in _TIME_WORDS for w in filler)


def swapped_place(question: str, sentence: str, subject: str = "") -> str:
    """What the question's fact is of, where the sentence states it of another name in the same place: the words
    after one of the question's prepositions ("Nederland" after "in"), of which the sentence holds none, while it
    has the same preposition before a name ("in Duitsland"). The question's place is a name too, or a rare word
    ("via een buitenlandse draagmoeder" and "via het VUmc"): "in de gemeente" is answered by "In Enschede". ""
    where there is none; a time is not checked here. subject: the document's title; a place all of whose words
    it holds is what the whole document is about, not something else than the sentence's ("via draagmoederschap"
    in the letter "Draagmoederschap" is answered by "drie kinderen via het VUmc": own question)."""
    if is_english(question):  # English prepositions and words against Dutch text
        return ""
    held, titled = _short_stems(sentence), _short_stems(subject)
    theirs = {p for p, filler in _slots(sentence) if _a_place(filler) and _a_name(filler)}
    for preposition, filler in _slots(question):
        asked = [w for w in filler if fold(w) not in stopwords()]
        # a name the title lists ("… in Nederland en Duitsland") may still be swapped: only a thing is exempt
        if preposition not in theirs or not asked or not _a_place(filler) or _held(held, asked) \
                or not _a_name(filler) and all(_held(titled, [w]) for w in asked):
            continue
        if _a_name(filler) or any(is_rare_word(w) for w in asked):
            return " ".join(filler)
    return ""


def _short_stems(text: str) -> frozenset[str]:
    """The stems of a sentence or title, a curly apostrophe as a straight one; not stems_of, whose small cache is
    meant for whole documents."""
    return frozenset(stem(w) for w in words(text.replace("’", "'")))


def place_not_held(question: str, document: str) -> str:
    """The words after one of the question's prepositions (_slots) of which the document holds none, not even as
    part or head of a compound: "voor huishoudelijke hulp" of a case on a Wmo model that only speaks of
    "vervoersdiensten" (a helper's user test). "" where the document holds a word of each, or its text is not at
    hand."""
    if not document.strip() or is_english(question):
        return ""
    held = stems_of(document.replace("’", "'"))
    for _, filler in _slots(question):
        asked = [w for w in words(" ".join(filler)) if w not in stopwords()]
        if len(asked) >= _UNHELD_WORDS and _a_place(filler) and not _held(held, asked):
            return " ".join(filler)
    return ""


def _held(held: frozenset[str], asked: list[str]) -> bool:
    """Does the text (its stems) hold one of the asked words, whole or as a compound's part ("draagmoederschap" in
    "draagmoederschapstraject", "corona" of "coronacrisis") or head ("reizigers" of "vliegreizigers")?"""
    for word in asked:
        wanted = stem(fold(word))
        if wanted in held or len(wanted) >= _PART_LETTERS and any(h.startswith(wanted) or h.endswith(wanted)
                                                                  for h in held):
            return True
        if any(len(h) >= _PART_LETTERS and (wanted.startswith(h) or wanted.endswith(h)) for h in held):
            return True
    return False


# word starts that make a word's opposite: "laagtechnologisch" and "hoogtechnologisch", "binnenlandse" and
# "buitenlandse", "Noord-Holland" and "Zuid-Holland"
_OPPOSITE_STARTS = (("laag", "hoog"), ("binnen", "buiten"), ("groot", "klein"), ("boven", "onder"),
                    ("noord", "zuid"), ("oost", "west"), ("minimum", "maximum"), ("minimaal", "maximaal"))
_OPPOSITES = _OPPOSITE_STARTS + tuple((b, a) for a, b in _OPPOSITE_STARTS)  # either way round
_REST_LETTERS = 4  # what follows the opposite start: "technologisch", "landse", "-holland"
# beginning and ending, as verbs and nouns: "Wanneer is Enschede gestopt met de monitor?" is not answered by
# "Enschede startte in 2015" (a helper's user test); not "begin", a time ("begin 2024")
BEGINNING = frozenset({"start", "starten", "startte", "startten", "gestart", "opgestart", "begon", "begonnen",
                       "beginnen", "opgericht", "oprichting", "ingevoerd", "invoering"})
ENDING = frozenset({"stop", "stopt", "stoppen", "stopte", "stopten", "gestopt", "beeindigd", "beeindiging",
                    "geeindigd", "opgeheven", "opheffing", "afgeschaft", "afschaffing"})


def opposite_of(question: str, sentence: str) -> str:
    """The question's word whose opposite the sentence holds instead ("laagtechnologisch" where the sentence says
    "hoogtechnologisch": the same rest after one of _OPPOSITE_STARTS; "gestopt" where it says "startte":
    BEGINNING and ENDING); "" where none. "laag- en hoogtechnologisch" holds both."""
    if is_english(question):
        return ""
    held = {fold(w) for w in _tokens(sentence) if w[0].isalnum()}
    for word in _tokens(question):
        folded = fold(word)
        for one, other in ((BEGINNING, ENDING), (ENDING, BEGINNING)):
            if folded in one and not held & one and held & other:
                return word
        for a, b in _OPPOSITES:
            rest = folded[len(a):]
            if folded.startswith(a) and len(rest) >= _REST_LETTERS and f"{a}-" not in held \
                    and not any(h.startswith(folded) for h in held) and any(h.startswith(b + rest) for h in held):
                return word
    return ""


def _a_name(filler: list[str]) -> bool:
    """Does the place start with a capital, and not with a reference inside a document ("Bijlage 2")?"""
    return filler[0][0].isupper() and fold(filler[0]) not in _REFERENCES


def _a_place(filler: list[str]) -> bool:
    """Does the filler name what a fact is of: words, no time and no fixed expression ("in plaats van")?"""
    return bool(filler) and not _is_time(filler) and fold(filler[0]) not in _NO_PLACE
