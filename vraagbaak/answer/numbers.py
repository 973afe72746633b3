"""What states a number or a date: counts and amounts in digits or in Dutch words, told apart from years, dates
and numbered labels; whether a text counts the very thing a "Hoeveel …?" question asks about, and whether its
date stands beside what a "Wanneer …?" question asks about.

A "Hoeveel reizigers testten positief?" is not answered by a passage about the test that counts tests, days or
nothing at all: the answer puts its number beside what it counts ("127 reizigers", "ongeveer tien paren per
jaar", "het aantal te testen reizigers … 1.200-1.400"). Nor is "Wanneer is het vervolgoverleg?" answered by
the date of the meeting in the minutes' heading: a date answers where a word of the question stands beside it.
May import: text.
"""
from __future__ import annotations

import re
from itertools import takewhile
from typing import Iterable, Iterator

from vraagbaak.text.dates import MONTHS, days_named
from vraagbaak.text.sentences import split_sentences
from vraagbaak.text.words import content_words, fold, has_stem, stem, stopwords

# A number in digits or in words ("De achttien innovaties komen van acht gemeenten", "vijfentwintig",
# "tienduizend", "Eén"); not "een", which is mostly the article.
UNITS = "twee|drie|vier|vijf|zes|zeven|acht|negen"
_TEENS_AND_TENS = ("tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|"
                   "veertig|vijftig|zestig|zeventig|tachtig|negentig")
_NUMBER = (rf"(?:(?:{UNITS}|{_TEENS_AND_TENS})?(?:honderd|duizend))?(?:(?:een|{UNITS})(?:ën|en))?"
           rf"(?:{UNITS}|{_TEENS_AND_TENS}|(?:{UNITS}|{_TEENS_AND_TENS})?(?:honderd|duizend)|miljoen|miljard|[eé]én)")
NUMBER_IN_WORDS = _NUMBER  # the pattern of a number in Dutch words, for the other modules
# a number word counts before the word it counts: not "tussen die twee." or "Daarom acht het kabinet"
# (achten), nor "in acht genomen"
_COUNTING_WORD = (rf"\b{_NUMBER}\s+(?!(?:het|de|een|die|dat|deze|dit|er|zich|ze|zij|hij|we|wij|u|ik|je|jij|men|"
                  rf"nemen|genomen|neemt|nam|namen|slaan|geslagen)\b)[a-zà-ÿ]")
AMOUNT = re.compile(rf"\d|{_COUNTING_WORD}", re.I)
# "Hoeveel …?" is not stated by a year, a date, a section or question number, a version or an address ("Vraag 1",
# "Nr. 143", "WCAG 2.1", "op 9 juli 2015", "Postbus 20350 2500 EJ Den Haag"): a count is a number of its own, in
# digits or in words; a range ("1.200-1.400") is one
_DIGITS = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
# a run of this many digits or more, without thousands points, is a number that names something (a kenmerk, zaak- or
# documentnummer: "2020717241" above a Kamervraag), not a count; Dutch writes large counts as "17.000.000"
_IDENTIFIER_DIGITS = 7
# "2500 EJ", "1118ZG": in capitals, whatever the case of the rest; not "1500 EU-burgers"
_POSTCODE_LETTERS = r"(?-i:\s?[A-Z]{2}\b)(?![-'’])"
_COUNT = re.compile(rf"(?<![\w.,/-])(?!(?:1[89]|20)\d\d(?![\d.,]\d))(?!\d{{{_IDENTIFIER_DIGITS},}})"
                    rf"{_DIGITS}(?:\s?[-–]\s?{_DIGITS})?"
                    rf"(?![\w/-]|[.,]\d)(?!\s+(?:{'|'.join(MONTHS)})\b)(?!(?<=\b\d{{4}}){_POSTCODE_LETTERS})"
                    rf"|{_COUNTING_WORD}", re.I)
_NUMBER_LABEL = re.compile(r"\b(vraag|antwoord|nr|nummer|no|punt|agendapunt|artikel|art|hoofdstuk|paragraaf|"
                           r"bijlage|pagina|blz|p|versie|fase|optie|stap|niveau|lid|onderdeel|ronde|kamerstuk|postbus)\.?\s*$",
                           re.I)


def _counts(text: str) -> list[re.Match]:
    return [m for m in _COUNT.finditer(text) if not _NUMBER_LABEL.search(text[max(0, m.start() - 15):m.start()])]


# A number of a measure or a duration, not of things: "1,5 meter", "vijf dagen", "30 procent", "2 miljoen euro"
# units of length and time, shared by the measure and the duration checks; the first kind of time also ends a
# compound ("werkdagen", "kalenderjaren")
_LENGTH_UNITS = r"(?:kilo|centi|milli)?meters?|km|cm|mm"
COMPOUNDING_TIME_UNITS = r"dag|dagen|week|weken|maand|maanden|jaar|jaren|uur|uren"
_TIME_UNITS = rf"{COMPOUNDING_TIME_UNITS}|minuut|minuten|seconden?"
_MEASURE = re.compile(rf"\s*(?:%|(?:procent|{_LENGTH_UNITS}|m2|m3|{_TIME_UNITS}|kilo|kg|gram|liter|graden|euro|miljoen|"
                      r"miljard|keer|maal)\b)", re.I)


_PERCENT = re.compile(r"\s*(?:%|procent\b)", re.I)


def is_measure(word: str) -> bool:
    """Is the word a unit of measure or of time ("weken", "kilometer"): a count of it may be given in another unit."""
    return bool(_MEASURE.fullmatch(word))


def holds_count(text: str) -> bool:
    """Does the text state a count or an amount, not only a year, a date or a numbered label?"""
    return bool(_counts(text))


# "Hoe lang …?", "Wat is de looptijd …?" ask for a duration or a length: a count with its unit answers, not any count
# ("twintig verzoeken per jaar" says how often, "2%" how much). Not "Kan de looptijd worden verlengd?": yes or no.
ASKS_HOW_LONG = re.compile(r"\b(?:hoe lang|hoelang|hoe lange tijd|how long)\b"
                           r"|\b(?:wat (?:is|was|zijn|waren) (?:de|het)|welke)\s+(?:\w+\s+){0,2}?looptijd(?:en)?\b",
                           re.I)
_DURATION = re.compile(rf"\s*(?:{_LENGTH_UNITS}|etmaal|etmalen|minuut|minuten|seconden?|kwartaal|kwartalen|"
                       rf"\w*?(?:{COMPOUNDING_TIME_UNITS}))\b", re.I)
# "een jaar geldig", "een half jaar", "anderhalf jaar", "voor onbepaalde tijd": a duration without digits; not "elk
# half jaar", how often
_DURATION_IN_WORDS = re.compile(r"\b(?:(?:een|één|anderhalf|anderhalve)\s+(?:half\s+|halve\s+|hele?\s+)?"
                                r"(?:jaar|maand|week|dag|uur|etmaal|kwartaal)|onbepaalde\s+(?:tijd|duur))\b", re.I)
# where the time starts or ends: "sinds 2019", "tot en met 1 januari 2030", "t/m 2030", "vanaf 13-07-2015"
_FROM_OR_UNTIL = re.compile(r"\b(?:sinds|vanaf|tot(?:\s+en\s+met)?|t/m)\s+(?:uiterlijk\s+)?", re.I)
_YEAR_AHEAD = re.compile(r"(?:\S+\s+){0,2}?((?:19|20)\d\d)\b")


def holds_duration(text: str) -> bool:
    """Does the text state a duration or a length ("drie jaar", "binnen tien werkdagen", "5 km", "een half jaar"),
    or since or until when ("sinds 2019", "tot 1 juli")?"""
    if any(_DURATION.match(text, _after_number(m)) for m in _counts(text)) or _DURATION_IN_WORDS.search(text):
        return True
    return any(_names_a_time(text[m.end(): m.end() + 40]) for m in _FROM_OR_UNTIL.finditer(text))


def _names_a_time(ahead: str) -> bool:
    """Does the text after "sinds", "tot" … start with a day or a year ("tot 2030", not "tot 2000 euro")?"""
    days = days_named(ahead)
    if days and ahead.startswith(days[0][0]):
        return True
    year = _YEAR_AHEAD.match(ahead)
    return bool(year) and not _MEASURE.match(ahead, year.end())


def _after_number(m: re.Match) -> int:
    """Where the text after a count starts: a number word's match takes the first letter of the next word."""
    return m.end() - 1 if m.group(0)[-1].isalpha() and m.group(0)[-2:-1].isspace() else m.end()


# After "hoeveel": words that are no counted thing ("Hoeveel kost …", "Hoeveel moeten zij betalen", "Hoeveel
# meer …", "Hoeveel procent …"); such a question keeps the plain check for any count.
_NOT_COUNTED = {"er", "de", "het", "een", "is", "zijn", "was", "waren", "heeft", "hebben", "had", "hadden", "kost",
                "kostte", "kosten", "bedraagt", "bedroeg", "wordt", "worden", "werd", "werden", "moet", "moeten",
                "mag", "mogen", "kan", "kunnen", "zal", "zullen", "wil", "willen", "zou", "zouden", "procent", "keer",
                "maal", "geld", "euro", "tijd", "duurt", "duurde", "meer", "minder", "beter", "hoger", "lager",
                "groter", "kleiner", "langer", "korter", "vaker", "sneller", "duurder", "goedkoper", "ongeveer",
                "ruim", "bijna", "in", "op", "van", "per", "gaat", "ging", "betaalt", "betaalde", "betalen",
                "betaald", "verdient", "levert", "leverde", "scheelt", "bespaart", "bespaarde", "je", "u", "we",
                "wij", "ze", "zij", "hij", "men"}
_SUBJECT_START = {"de", "het", "een", "ik", "je", "jij", "jullie", "u", "we", "wij", "ze", "zij", "hij", "men", "er",
                  "dat", "deze", "dit", "die", "zo'n", "zo’n", "hun", "haar", "ons", "onze", "mijn", "uw"}
_WORD = re.compile(r"[\w'’]+")
_HOEVEEL = re.compile(r"\bhoeveel\s+([\w'’-]+)(?:\s+([\w'’-]+))?", re.I)
WINDOW = 6  # words on either side of a number in which what it counts stands ("het aantal te testen reizigers")
HEAD_LETTERS = 4  # a compound's head or start names the thing from this many letters ("paren" of "wensouderparen")
NOUN_REACH = 80  # characters after a number in which the noun it counts stands ("zes van de achttien cases")


def counted_noun(question: str) -> str | None:
    """What a "Hoeveel …?" question counts, as asked ("reizigers" in "Hoeveel inkomende reizigers …"), or None
    when it counts nothing named (a verb, a comparative or "procent" follows "hoeveel")."""
    m = _HOEVEEL.search(question)
    if not m or m.group(1).lower() in _NOT_COUNTED:
        return None
    first, second = m.group(1), m.group(2)
    # a subject after the word makes it a verb: "Hoeveel geeft Utrecht uit", "Hoeveel levert het op"
    if second and (second.lower() in _SUBJECT_START or second[0].isupper()):
        return None
    # an adjective before the noun ends in -e: "inkomende reizigers", "Nederlandse handelsplatformen", "fte"
    if second and first.lower().endswith("e") and second.lower() not in _NOT_COUNTED and not second[0].isdigit():
        return second
    return None if first[0].isdigit() else first


_PARTICLES = {"aan", "af", "bij", "door", "in", "mee", "na", "om", "onder", "op", "over", "toe", "uit", "voor", "weg",
              "terug", "be", "ge", "her", "ont", "ver", "er"}


def _names(token: str, counted: str) -> bool:
    """Does the token name what is counted: the same stem, a compound that ends in it ("Tozo-leningen" for
    "leningen"), or the head of the asked compound ("paren" for "wensouderparen")?"""
    have = stem(fold(token))
    # the head of a compound leaves a word before it ("wensouder", "bus"), not a verb's particle: "aanvragen" is
    # no kind of "vragen"
    return have == counted or have.endswith(counted) or (len(have) >= HEAD_LETTERS and counted.endswith(have)
                                                         and counted[: -len(have)] not in _PARTICLES)


def names_counted(text: str, noun: str) -> bool:
    """Does the text name what is counted at all? Where it does not, it may say it in other words
    ("laadpalen" for "oplaadpunten"), which no word check can tell from absence."""
    counted = _counted_stem(noun)
    return any(_names(m.group(0), counted) for m in _WORD.finditer(text))


def counts_of(text: str, noun: str) -> bool:
    """Does the text put a count within WINDOW words of the counted noun? A percentage counts no things ("een rente
    van 2% op de Tozo-lening" does not say how many Tozo-leningen); a sum may ("Hoeveel vermogen …?": "197.687
    euro")."""
    counted = _counted_stem(noun)
    counts = [m for m in _counts(text) if not _PERCENT.match(text, _after_number(m))]
    return any(any(_names(word, counted) for word in near) for near in _beside(text, counts, WINDOW))


def counted_beside(text: str, question: str, noun: str) -> bool:
    """A count of things (not a measure or a duration) within WINDOW words of another word of the question: where
    the text counts the asked thing in other words, it counts it beside what the question says of it ("veertig
    extra laadpalen voor gedeelde elektrische auto's" for "Hoeveel oplaadpunten voor gedeelde elektrische auto's
    …?"); "… eerst klein met twee pilots", ten words from "Enschede", does not say how many inwoners it has."""
    counted = _counted_stem(noun)
    asked = {stem(fold(w)) for w in content_words(question)} - {counted}
    things = [m for m in _counts(text) if not _MEASURE.match(text, _after_number(m))]
    # where the question says what kind of the thing it counts ("meldingen van hondenoverlast"), a name or a year
    # beside the count says whose or when, not what it counts: "In 2016 had Dordrecht ruim 5.000 hondenbezitters"
    # counts no meldingen of hondenoverlast (a helper's user test); "In 2022 ontving de Woonbond 1.200 klachten"
    # does count the Woonbond's meldingen (a red-team review)
    names = not _qualified(question, noun)
    nearby = ({stem(fold(w)) for w in near} for near in _beside(text, things, WINDOW, names=names))
    return any(any(has_stem(a, held) for a in asked) for held in nearby)


def _qualified(question: str, noun: str) -> bool:
    """Does the question name what kind of the counted thing it asks about, with a word after it ("meldingen van
    hondenoverlast", "aanvragen voor een vergunning")?"""
    after = re.search(rf"\b{re.escape(noun)}\s+(?:van|voor|over|bij|met|tegen|wegens)\s+(?:de\s+|het\s+|een\s+)?"
                      r"([\w'’-]+)", question, re.I)
    return bool(after) and not after.group(1)[0].isupper() and not _A_NUMBER.fullmatch(after.group(1))


# "Hoe hoog is het wekelijkse leefgeld voor deelnemers?", "Hoe groot was de schade aan de woningen?": the size of a
# thing, named by the words after the article up to the first small word ("voor", "aan", "van")
_HOW_HIGH = re.compile(r"(?:\bhoe\s+(?:hoog|groot|laag|klein)\s+(?:is|was|zijn|waren|wordt|werd)\s+(?:de|het|dat|die)"
                       # "Welk percentage van de obligaties …?", "Hoeveel procent van de woningen …?": a share of them
                       r"|\b(?:welke?\s+(?:percentage|aandeel|deel)|hoeveel\s+procent)\s+van\s+(?:de|het|alle))\s+"
                       r"([\w'’-]+(?:\s+[\w'’-]+){0,3})", re.I)


def measured_noun(question: str) -> str | None:
    """What a "Hoe hoog / groot is de …?" or "Welk percentage van de …?" question asks the size or share of: the last
    word before the first small word
    ("leefgeld" of "het wekelijkse leefgeld voor …", "bijdrage" of "de eigen bijdrage voor …", "jongeren" of "de
    groep jongeren zonder …"); None for any other question."""
    m = _HOW_HIGH.search(question)
    if not m:
        return None
    named = list(takewhile(lambda w: fold(w) not in stopwords(), m.group(1).split()))
    return named[-1] if named else None


def unmeasured(texts: Iterable[str], noun: str) -> bool:
    """Do the texts name the measured thing (the noun, or a compound that starts or ends with it: "opkomstpercentage"
    for "opkomst") without a number (a count, a sum or a percentage) in any sentence that names it? "Hoe hoog is
    het wekelijkse leefgeld …?" is not answered by "… schiet Utrecht tot 1.500 euro voor. Deelnemers krijgen iedere
    week leefgeld." (corpus_fresh). False where no text names it: it may be said in other words ("Hoe hoog zijn de
    uitgaven?" and "gaf 40 miljoen euro uit")."""
    measured = _counted_stem(noun)
    sentences = [s for text in texts for s in split_sentences(text)]
    naming = [s for s in sentences if any(_measures(w, measured) for w in _WORD.findall(s))]
    return bool(naming) and not any(_counts(s) for s in naming)


def _measures(word: str, measured: str) -> bool:
    have = stem(fold(word))
    return have.endswith(measured) or len(measured) >= HEAD_LETTERS and have.startswith(measured)


_A_NUMBER = re.compile(rf"[\d.,]+|{_NUMBER}", re.I)


def without_counts_of(text: str, nouns: Iterable[str]) -> str:
    """The text without its counts of these nouns ("twee cases", "zes van de achttien cases"): where a collection
    calls its documents so (profile.CollectionProfile.paper_nouns), such a count
    counts documents, not what a question counts in other words ("Hoeveel inwoners hebben zich … gemeld?" was
    answered by "een van de twee cases over schuldhulpverlening": a helper's user test)."""
    named = {stem(fold(n)) for n in nouns}
    kept, last = [], 0
    for m in _counts(text):  # a count in words matches the first letter of the next word too
        number, *after = _WORD.findall(text[m.start():m.start() + NOUN_REACH])
        # what it counts: the first word after it that is no small word or number ("zes van de achttien cases"),
        # not a later one ("320 huishoudens uit drie gemeenten")
        noun = next((w for w in after if fold(w) not in stopwords() and not _A_NUMBER.fullmatch(w)), "")
        if stem(fold(noun)) in named:
            kept.append(text[last:m.start()])
            last = m.start() + len(number)
    return "".join(kept) + text[last:]


def _counted_stem(noun: str) -> str:
    return stem(fold(re.split(r"[-–]", noun)[-1]))  # "Tozo-leningen" counts leningen


def _beside(text: str, matches: Iterable[re.Match], window: int, names: bool = True) -> Iterator[list[str]]:
    """Per match, the words of its sentence within `window` words on either side of where it starts: what a
    number counts or a date dates stands in the same sentence ("… onderzoekers en datascientists. Dat team werkt
    voor ongeveer vijftig thema's" counts themes, not datascientists). names=False: without numbers and without
    capitalised words other than the sentence's first."""
    matches = list(matches)
    if not matches:  # splitting the text into sentences is the costly part
        return
    tokens = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    starts = _sentence_starts(text)
    for m in matches:
        at = next((i for i, (start, _) in enumerate(tokens) if start >= m.start()), len(tokens))
        first = next((start for start in reversed(starts) if start <= m.start()), 0)
        last = next((start for start in starts if start > m.start()), len(text))
        near = tokens[max(0, at - window): at + window + 1]
        yield [word for start, word in near if first <= start < last
               and (names or not (_A_NUMBER.fullmatch(word) or word[0].isupper() and start != first))]


def _sentence_starts(text: str) -> list[int]:
    """Where each sentence of the text starts (text.sentences.split_sentences), in order."""
    starts, at = [], 0
    for sentence in split_sentences(text):
        found = text.find(sentence, at)
        if found >= 0:
            starts.append(found)
            at = found + len(sentence)
    return starts


# Words of a date question that say it asks for a date, not what the date is of.
_ASKS_FOR_DATE = {"wanneer", "welk", "welke", "jaar", "datum", "sinds", "vanaf", "uiterlijk", "dag", "maand"}
# words on either side of a date, in its sentence, in which what it dates stands; 12 across sentence ends let
# the dates of other meetings through (measured: docs/evaluation.md)
DATE_WINDOW = 12
# "Wanneer heb ik recht op …?", "Wanneer mag een land de euro invoeren?": "wanneer" asks in which case (one's
# own, or what is allowed), and a condition answers it ("als u …", "indien", "alleen … als")
_WHEN_AS_CONDITION = re.compile(r"^\W*wanneer\s+(?:mag|mogen|kan|kun|kunnen|\w+(?:\s+\w+)?\s+(?:ik|me|mij|mijn|u|uw|je|"
                                r"jouw)\b)", re.I)  # not "Wanneer moet de rapportage klaar zijn?": a deadline
_CONDITION = re.compile(r"\b(als|indien|wanneer|zodra|mits|tenzij|voorwaarden?)\b", re.I)


def dated_beside(text: str, date: re.Pattern, question: str) -> bool:
    """Does the text hold a date (`date`: kinds.DATE) within DATE_WINDOW words of a word
    of the question? A question of only asking words (\"Wanneer?\") takes any date."""
    if _WHEN_AS_CONDITION.search(question) and _CONDITION.search(text):
        return True
    asked = {stem(fold(w)) for w in content_words(question) if fold(w) not in _ASKS_FOR_DATE}
    if not asked:
        return bool(date.search(text))
    return any(asked & {stem(fold(word)) for word in near} for near in _beside(text, date.finditer(text), DATE_WINDOW))
