"""What states a number: counts and amounts in digits or in Dutch words, told apart from years, dates and
numbered labels, and whether a text counts the very thing a "Hoeveel …?" question asks about.

A "Hoeveel reizigers testten positief?" is not answered by a passage about the test that counts tests, days or
nothing at all: the answer puts its number beside what it counts ("127 reizigers", "ongeveer tien paren per
jaar", "het aantal te testen reizigers … 1.200-1.400"). May import: text.
"""
from __future__ import annotations

import re

from vraagbaak.text.dates import MONTHS
from vraagbaak.text.words import fold, stem

# A number in digits or in words ("De achttien innovaties komen van acht gemeenten", "vijfentwintig",
# "tienduizend", "Eén"); not "een", which is mostly the article.
UNITS = "twee|drie|vier|vijf|zes|zeven|acht|negen"
_TEENS_AND_TENS = ("tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|"
                   "veertig|vijftig|zestig|zeventig|tachtig|negentig")
_NUMBER = (rf"(?:(?:{UNITS}|{_TEENS_AND_TENS})?(?:honderd|duizend))?(?:(?:een|{UNITS})(?:ën|en))?"
           rf"(?:{UNITS}|{_TEENS_AND_TENS}|(?:{UNITS}|{_TEENS_AND_TENS})?(?:honderd|duizend)|miljoen|miljard|[eé]én)")
# a number word counts before the word it counts: not "tussen die twee." or "Daarom acht het kabinet"
# (achten), nor "in acht genomen"
_COUNTING_WORD = (rf"\b{_NUMBER}\s+(?!(?:het|de|een|die|dat|deze|dit|er|zich|ze|zij|hij|we|wij|u|"
                  rf"nemen|genomen|neemt|nam|namen|slaan|geslagen)\b)[a-zà-ÿ]")
AMOUNT = re.compile(rf"\d|{_COUNTING_WORD}", re.I)
# "Hoeveel …?" is not stated by a year, a date, a section or question number or a version ("Vraag 1", "Nr. 143",
# "WCAG 2.1", "op 9 juli 2015"): a count is a number of its own, in digits or in words; a range ("1.200-1.400")
# is one
_DIGITS = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_COUNT = re.compile(rf"(?<![\w.,/-])(?!(?:1[89]|20)\d\d(?![\d.,]\d)){_DIGITS}(?:\s?[-–]\s?{_DIGITS})?"
                    rf"(?![\w/-]|[.,]\d)(?!\s+(?:{'|'.join(MONTHS)})\b)|{_COUNTING_WORD}", re.I)
_NUMBER_LABEL = re.compile(r"\b(vraag|antwoord|nr|nummer|no|punt|agendapunt|artikel|art|hoofdstuk|paragraaf|"
                           r"bijlage|pagina|blz|p|versie|fase|optie|stap|niveau|lid|onderdeel|ronde|kamerstuk)\.?\s*$",
                           re.I)


def _counts(text: str) -> list[re.Match]:
    return [m for m in _COUNT.finditer(text) if not _NUMBER_LABEL.search(text[max(0, m.start() - 15):m.start()])]


def holds_count(text: str) -> bool:
    """Does the text state a count or an amount, not only a year, a date or a numbered label?"""
    return bool(_counts(text))


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
# People in general: "Hoeveel mensen …" is answered by "vier op de tien inwoners" as well
_ANYONE = {"mensen", "personen", "mens", "persoon", "men"}
_SUBJECT_START = {"de", "het", "een", "ik", "je", "jij", "jullie", "u", "we", "wij", "ze", "zij", "hij", "men", "er",
                  "dat", "deze", "dit", "die", "zo'n", "zo’n", "hun", "haar", "ons", "onze", "mijn", "uw"}
_HOEVEEL = re.compile(r"\bhoeveel\s+([\w'’-]+)(?:\s+([\w'’-]+))?", re.I)
WINDOW = 6  # words on either side of a number in which what it counts stands ("het aantal te testen reizigers")


def counted_noun(question: str) -> str | None:
    """What a "Hoeveel …?" question counts, as asked ("reizigers" in "Hoeveel inkomende reizigers …"), or None
    when it counts nothing named (a verb, a comparative or "procent" follows "hoeveel")."""
    m = _HOEVEEL.search(question)
    if not m or m.group(1).lower() in _NOT_COUNTED | _ANYONE:
        return None
    first, second = m.group(1), m.group(2)
    # a subject after the word makes it a verb: "Hoeveel geeft Utrecht uit", "Hoeveel levert het op"
    if second and (second.lower() in _SUBJECT_START or second[0].isupper()):
        return None
    # an adjective before the noun ends in -e: "inkomende reizigers", "Nederlandse handelsplatformen", "fte"
    if second and first.lower().endswith("e") and second.lower() not in _NOT_COUNTED and not second[0].isdigit():
        return second
    return None if first[0].isdigit() else first


def _names(token: str, counted: str) -> bool:
    """Does the token name what is counted: the same stem, a compound that ends in it ("Tozo-leningen" for
    "leningen"), or the head of the asked compound ("paren" for "wensouderparen")?"""
    have = stem(fold(token))
    return have == counted or have.endswith(counted) or (len(have) >= 4 and counted.endswith(have))


def counts_of(text: str, noun: str) -> bool:
    """Does the text put a count within WINDOW words of the counted noun?"""
    counted = stem(fold(re.split(r"[-–]", noun)[-1]))  # "Tozo-leningen" counts leningen
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"[\w'’]+", text)]
    starts = [start for start, _ in tokens]
    for m in _counts(text):
        at = next((i for i, start in enumerate(starts) if start >= m.start()), len(tokens))
        if any(_names(token, counted) for _, token in tokens[max(0, at - WINDOW): at + WINDOW + 1]):
            return True
    return False
