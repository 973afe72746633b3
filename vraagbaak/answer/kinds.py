"""The kinds of fact a question asks for: a date, a sum of money (or a rate), a count, a percentage, a duration, a
decision, a name, the holder of an office. Owns how a question asks for each kind, whether a sentence holds one
(a sentence that does weighs more), and whether a quote states one where the question asks it (a quote that does
not is on the subject, but no answer: not_stated).

A question may want two kinds: "Wanneer is de motie aangenomen?" wants a date and a decision; the date of the
motion itself answers when, not that it passed. The first kind is what the sentences are scored by.
May import: text, answer.numbers, answer.judge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from vraagbaak.answer.judge import SAYS_UNKNOWN, asks_yes_or_no
from vraagbaak.answer.numbers import (
    AMOUNT,
    ASKS_HOW_LONG,
    COMPOUNDING_TIME_UNITS,
    NUMBER_IN_WORDS,
    counted_beside,
    counted_noun,
    counts_of,
    dated_beside,
    holds_count,
    holds_duration,
)
from vraagbaak.text.dates import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS, YEAR
from vraagbaak.text.sentences import split_sentences
from vraagbaak.text.words import CAPITALISED_NAME, content_words, fold, has_stem, stem, stopwords, words

# "wanneer" is answered by a year, a date, a month ("in maart") or a day ("elke tweede dinsdag", "op maandag")
DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b({'|'.join(MONTHS + WEEKDAYS)})\b|"
                  rf"\b\d{{1,2}}\s+(?:{'|'.join(MONTH_ABBREVIATIONS)})\b\.?|"
                  r"\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b", re.I)
# ... or by a time from an event: "drie jaren na de verlening van de vergunning", "binnen zes weken na ontvangst",
# "twee maanden vóór de verkiezingen" (the deadlines of legal and policy texts)
_SO_MANY = rf"(?:\d+|{NUMBER_IN_WORDS}|een|één|anderhalf|anderhalve)"
_FROM_AN_EVENT = (rf"\b(?:(?:binnen|uiterlijk)\s+)?(?:{_SO_MANY}|enkele)\s+"
                  rf"(?:werk|kalender)?(?:{COMPOUNDING_TIME_UNITS}|kwartalen|kwartaal)"
                  # "anderhalf jaar voor de bouw nodig" is how long; "vóór" with its accent is when
                  r"\s+(?:na|nadat|vóór|voordat)\b"
                  # "binnen zes weken", "uiterlijk drie maanden": a deadline from what the sentence is about
                  rf"|\b(?:binnen|uiterlijk)\s+{_SO_MANY}\s+(?:werk|kalender)?(?:{COMPOUNDING_TIME_UNITS})\b")
WHEN_ANSWER = re.compile(rf"{DATE.pattern}|{_FROM_AN_EVENT}", re.I)
_WANTS_DATE = re.compile(r"\b(wanneer|welk jaar|welke datum|sinds|vanaf wanneer|tot wanneer|when|what year|"
                         r"which year|since)\b", re.I)
# "Wanneer mag ik het Fries gebruiken?", "Wanneer kom ik in aanmerking voor kwijtschelding?": under which conditions,
# answered by rules, not by a date (Rijksoverheid's questions and answers)
_ASKS_CONDITION = re.compile(r"^\W*wanneer\s+(?:mag|mogen|heb\s+ik\s+recht|hebben\s+\w+\s+recht|"
                             r"kom\s+ik\s+in\s+aanmerking|komt\s+\w+\s+in\s+aanmerking|"
                             r"kan\s+(?:ik|je|u|men|iemand)|kunnen\s+(?:we|wij|ze|zij|mensen|inwoners|burgers))\b"
                             # "Wanneer kan ik de uitslag verwachten?" asks when
                             r"(?!.*\b(?:verwacht\w*|begin\w*|start\w*|klaar|open\w*)\b)", re.I)
# "Hoe vaak …?" asks how often: "elke week", "1x per week", "jaarlijks", "in ongeveer tien gevallen", not a number
_WANTS_FREQUENCY = re.compile(r"\bhoe\s+(?:vaak|dikwijls)\b|\bhow\s+often\b", re.I)
# a number in digits or a small number word ("twee keer", "in tien gevallen"; also before a counted noun below)
_NUMBER_WORD = r"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|\d+)"
_FREQUENCY = re.compile(rf"\b(?:elke|iedere?|per|om\s+de)\s+(?:\w+\s+)?(?:dag|week|weken|maand|maanden|kwartaal|jaar|"
                        rf"jaren|uur)\b|\b\d+\s*x\s+per\b|\b{_NUMBER_WORD}\s*(?:keer|maal)\b|"
                        r"\b(?:(?:twee|drie|vier|half)?(?:dage|weke|maande|jaar)lijkse?|(?:twee|drie)wekelijkse?|"
                        r"regelmatig|steekproefsgewijs)\b|"
                        rf"\bin\s+(?:ongeveer\s+|circa\s+)?(?:{_NUMBER_WORD}|twintig|dertig|veertig|vijftig|honderd)"
                        r"\s+gevallen\b", re.I)
_WANTS_AMOUNT = re.compile(r"\b(hoeveel|hoe ?veel|hoe groot|hoe hoog|wat kost|percentage|"
                           # "Welk cijfer of welke score kreeg het project?": a number
                           r"welk (?:cijfer|getal|aantal)|welke score|"
                           r"how many|how much)\b", re.I)
# "Hoeveel uur heeft het bureau aan het onderzoek besteed?" asks for time spent, not money
_TIME_SPENT = re.compile(r"\bhoeveel\s+(?:uur|uren|tijd|minuten|dagen|werkdagen|weken|maanden|jaar|jaren)\b"
                         r"(?!\s+en\s+geld)", re.I)  # "Hoeveel tijd en geld …?" asks for money too
# "Wat kost …?" is answered by a sum of money, not by any number ("panden van voor 1945")
MONEY = re.compile(r"€|\beuro\b|\b(miljoen|miljard|ton|duizend)\b|\bEUR\b|\d,-"
                   # a table row or a sentence that names its sum without a currency: "Bedrag: 38000", "bedraagt 450"
                   r"|\b(?:\w*bedrag(?:en)?|bedraagt|bedroeg)\W{0,3}\d", re.I)
_WANTS_MONEY = re.compile(r"\b(wat kost|wat kostte|hoeveel kost|kosten|kostte|kost het|gekost|uitgegeven|uitgeven|"
                          r"besteed|geïnvesteerd|investering|hoeveel geld|hoeveel euro|budget|hoe duur|prijs|"
                          r"how much does|cost|spent)\b"
                          # "Wat is het maximale bedrag …", "Bij welk spaarbedrag …", "Wat is de boete voor …": what
                          # the sum is, in any compound; not "Waarom is het bedrag verlaagd?"
                          r"|\b(?:welke?|wat (?:is|was|zijn|waren) (?:het|de)|hoe (?:hoog|groot) (?:is|was|zijn|waren) "
                          r"(?:het|de))\s+(?:\w+\s+){0,2}?(?:\w*bedrag(?:en)?|\w*boetes?)\b", re.I)
# "Hoeveel heeft Enschede betaald?", "Hoeveel betaal je …", "Wat moet een reiziger betalen voor …?": a sum; "Hoeveel
# rente betaalt een ondernemer?": a sum or, for a rate, a percentage ("2%"). Not "… dat een draagmoeder betaald wordt?"
# nor "Hoeveel leningen zijn terugbetaald?", nor "Wat betaalt de gemeente …?" (what: "de vaste lasten")
_WANTS_PAYMENT = re.compile(r"\bhoeveel\b.{0,80}\b(betaal|betaald|betaalde|betaalden|betaalt|betalen)\b"
                            # not "Wat moet je doen als je … niet kunt betalen?" nor "Wat moeten huurders zelf
                            # betalen?" (which things: "kleine reparaties"): a red-team review
                            r"|^\W*wat\s+(?:moet|moeten|moest|moesten)\s+(?:(?!(?:doen|als|om|dat|die|te|indien|"
                            r"wanneer|zodat|zelf)\b)[\w'’-]+\s+){0,8}betalen\b", re.I)
_NAMES_RATE = re.compile(r"\w*(?:rente|procent|percentage|tarief|premie)\w*", re.I)
_RATE = re.compile(r"\d\s?%|\bprocent(?:punt(?:en)?)?\b|\d\s?pct\b", re.I)
# "Hoeveel rente rekent Qredits …?", "Hoe hoog is de rente op …?", "Welk rentepercentage …?": a rate (or a sum), not a
# count of interest ("noemen geen aantal rente" refused the 2% beside it)
_WANTS_RATE = re.compile(r"\b(?:hoeveel|hoe\s+hoog|hoe\s+groot|welke?)\s+(?:(?:is|was|zijn|waren|wordt|werd)\s+)?"
                         r"(?:de\s+|het\s+)?rente(?:s|percentages?|tarief|tarieven|voet)?\b", re.I)
# "Hoeveel procent …?", "Welk percentage …?": a share, which a count of something else does not give ("tot 23 jaar").
# Not "… boven het landelijk percentage?": what is asked comes first.
_WANTS_PERCENTAGE = re.compile(r"\b(?:hoeveel\s+procent|welke?\s+percentage|(?:wat|hoe\s+hoog|hoe\s+groot)\s+"
                               r"(?:is|was|zijn|waren|wordt|werd)\s+het\s+percentage)\b", re.I)
# "Is de motie … aangenomen?", "Werd het amendement verworpen?": whether something was decided, answered by a
# sentence that states a decision or a vote, not by the text of the motion itself
WANTS_DECISION = re.compile(r"\b(aangenomen|verworpen|aanvaard|afgewezen|goedgekeurd|ingestemd|ingetrokken|vastgesteld|"
                            r"aangehouden)\b", re.I)
_DECISION = re.compile(r"\b(aangenomen|aanvaard\w*|verworpen|afgewezen|goedgekeurd|goed te keuren|ingestemd|"
                       r"instemming|in te stemmen|vastgesteld|vast te stellen|besluit|besluiten|besloot|besloten|"
                       r"stemden|stemming|aangehouden|aan te houden|ingetrokken|in te trekken|unaniem)\b", re.I)
# "Wie stemden tegen het amendement?", "Welke fracties waren tegen …?", "Stemde het CDA voor de motie?": how the vote
# went, answered by the line that records it ("Tegen het amendement stemden de fracties van …"), not by the
# announcement of the amendement, which names the same parties
# ("zijn voor" is no vote: "Welke maatregelen zijn voor reizigers …?")
_WANTS_VOTE = re.compile(r"\b(?:stemde|stemden|gestemd)\b|\b(?:was|waren)\s+(?:er\s+)?tegen\b", re.I)
_VOTE = re.compile(r"\b(?:voor|tegen)\b[^.;]{0,40}\bstemden\b|\bstemden\b[^.;]{0,20}\b(?:voor|tegen)\b|\bgestemd\b|"
                   r"\bstemmen\s+(?:voor|tegen)\b|\b(?:unaniem|zonder\s+stemming|bij\s+acclamatie)\b", re.I)
_ASKS_ORGANISATION = re.compile(r"\b(welk bedrijf|welke organisatie|welke partij)\b", re.I)
_WANTS_NAME = re.compile(rf"\b(wie|who|naam)\b|{_ASKS_ORGANISATION.pattern}", re.I)
# "Voor wie is het Bbz bedoeld?", "Wie komen in aanmerking voor …?": a group of people answers ("zelfstandigen die
# … geen krediet bij banken kunnen krijgen"), not a name. Not "aan / met wie": "Met wie is het model geanalyseerd?"
# and "Aan wie is de opdracht gegund?" ask for names (a red-team review)
_FOR_WHOM = re.compile(r"\bvoor\s+wie\s+(?:is|zijn|was|waren|geldt|gelden|gold|golden)\b"
                       r"|\bwie\s+(?:komt|komen|kwam|kwamen)\s+(?:er\s+)?in\s+aanmerking\b", re.I)
# An office that one person holds: "Wie is de burgemeester van …?", "Welke wethouder …", "Wie leidde als voorzitter …".
# A quote that names no one in it names someone else (an adviser for "Welke wethouder was verantwoordelijk?")
OFFICES = ("burgemeester", "wethouder", "voorzitter", "griffier", "secretaris", "minister", "staatssecretaris",
           "directeur", "commissaris", "gedeputeerde", "dijkgraaf", "ombudsman", "rapporteur", "projectleider",
           "woordvoerder")
# the office and its plural or compound ("wethouders", "secretaris-generaal"), not "ministerie" or "voorzitterschap"
_OFFICE = rf"(?:{'|'.join(OFFICES)})(?:s|en|sen|nen|ren)?(?:-[a-z]+)?"
# "als" only in a who-question and straight before the office: "Wat gebeurt er als de burgemeester …?" asks no one
# "Wie is de auteur / opdrachtgever / eigenaar …?": a noun for a person by its Dutch ending asks who as an office does
_PERSON = r"[a-zà-ÿ]{3,}(?:er|eur|aar|ier|ist|ent|ant|or)(?:s|en)?"
_ASKS_OFFICE = re.compile(rf"\b(?:wie (?:is|was|wordt|werd|zijn|waren)(?: de| het)?|welke?(?: [\w-]+)?)\s+({_OFFICE})\b"
                          rf"|\bwie\b.*?\bals\s+({_OFFICE})\b"
                          rf"|\bwie (?:is|was|zijn|waren) de\s+({_PERSON})\b(?! \w+ (?:is|was|zijn|waren)\b)", re.I)
_LIST_POINT = re.compile(r"\(?(?:\d{1,2}|[a-z])[.)]")
_TOKEN = re.compile(r"[\w'’.()-]+[,;:]?")
# words beside an office that name no one: articles, prepositions, forms of address and titles
_NOT_A_NAME = {"de", "het", "een", "van", "en", "in", "op", "bij", "voor", "namens", "heer", "mevrouw", "dhr", "mevr",
               "mr", "drs", "dr", "ir", "ing", "prof"}  # as compared: lower case, without a point
# Initials ("G.K.", "K.") stand before a name, but name no one alone: "de heer G.K. Visser" names Visser, whom
# "Wie werd de nieuwe wethouder na het vertrek van Visser?" gives itself
_INITIALS = re.compile(r"(?:[A-Z]\.){1,4}")
# "Wie heeft de Kamerbrief … ondertekend?": who signed, which a letter says in its signature block at the end ("De
# Staatssecretaris van Veiligheid en Justitie, F. Teeven"), far in meaning from any question about the letter
_ASKS_SIGNER = re.compile(r"^\W*(?:(?:door|namens)\s+)?wie\b.*\b(?:ondertekend\w*|ondertekenaar|getekend)\b", re.I)
# a signature, where one stands: at the start or after a comma, to the end ("De Staatssecretaris van Veiligheid en
# Justitie, F. Teeven", "Hoogachtend, J.M. de Vries"; an office and a full name: "De minister van Volksgezondheid,
# Welzijn en Sport, Hugo de Jonge"); not "De heer G.K. Visser opent de vergadering"
_SURNAME = r"(?:(?:van|de|der|den|ter|ten|'t)\s)*[A-ZÀ-Ý][^\W\d_]+(?:[-'][^\W\d_]+)*"
_TITLES = r"(?:(?:mr|drs|dr|prof|ir|ing|w\.g)\.\s?)*"
_SIGNATURE = re.compile(rf"(?:^|,)\s*{_TITLES}(?:[A-ZÀ-Ý][a-z]?\.\s?){{1,4}}\s?{_SURNAME}\s*$|"
                        rf"\b(?i:{'|'.join(OFFICES)})\b[^.;]{{0,80}},\s*[A-ZÀ-Ý][^\W\d_]+\s+{_SURNAME}\s*$")
# Two capitalised words inside a sentence ("havenmeester Frank van Kleef"): a name. Not one word twice: a heading
# that runs into the text's first sentence ("Onderwerp Draagmoederschap Draagmoederschap is een complex …").
_NAME = re.compile(r"(?<=[a-zà-ÿ,] )([A-Z][a-zà-ÿ]+) (?:(?:van|de|der|den|ten|ter) )*(?!\1\b)[A-Z][a-zà-ÿ]+")
# What is decided on: words of a decision question that say what kind of thing, not which one
_DECIDED_THINGS = {"motie", "moties", "amendement", "amendementen", "voorstel", "voorstellen", "wetsvoorstel",
                   "raadsvoorstel", "besluit", "verordening", "initiatiefvoorstel", "raad", "kamer", "gemeenteraad"}


def signed(text: str) -> bool:
    """Does a sentence of the text end in a signature (_SIGNATURE)? A quote may go on after it (a page footer)."""
    return any(_SIGNATURE.search(sentence) for sentence in split_sentences(text))


@dataclass(frozen=True)
class Kind:
    """One kind of fact. missing: what a not_stated answer says the quotes lack (render.MISSING); "" where a
    quote without it is not judged (a name: names_not_quoted judges the names a question gives itself)."""
    missing: str
    holds: Callable[[str], bool]  # does a sentence hold a fact of this kind, anywhere?
    # (quote, question, counted noun or None, the counted noun no quote names) -> does the quote state it
    # where the question asks it?
    states: Callable[[str, str, str | None, str], bool]


def _states_count(text: str, question: str, counted: str | None, unnamed: str) -> bool:
    if unnamed:  # the counted thing in other words: a count beside the question's other words
        return counted_beside(text, question, unnamed)
    return counts_of(text, counted) if counted else holds_count(text)


def decided_on(text: str, question: str) -> bool:
    """Does the quote state a decision or a vote, and name what the question asks it of? "Kamerbrief over
    aangenomen moties" about other moties names a decision but not the "spaarrente" of the question. What is
    decided is a thing, not the place where: in the minutes of Den Helder every decision names Den Helder, and
    "Heeft de gemeenteraad van Den Helder de jaarrekening 2015 vastgesteld?" was answered by a reappointment. A
    decision of another year than the one asked ("jaarrekening 2013") is no answer either."""
    if not _DECISION.search(text):
        return False
    asked = [w for w in content_words(question) if w not in _DECIDED_THINGS and not WANTS_DECISION.fullmatch(w)]
    names = {w.lower() for w in CAPITALISED_NAME.findall(question)}
    which = {stem(w) for w in asked if w not in names and not w.isdigit()} or {stem(w) for w in asked}
    years, named_years = set(years_asked(question)), set(YEAR.findall(text))
    if years and named_years and not years & named_years:
        return False
    return _shares(text, which)


# "Wie werd in Den Helder de nieuwe wethouder …?": a few words (a place, a year) between the verb and the office;
# not where the office follows a preposition ("Wie is er verantwoordelijk voor de burgemeester?" asks someone else)
_ASKS_OFFICE_AFTER = re.compile(rf"\bwie (?:is|was|wordt|werd|zijn|waren)\b((?:\s+[\w-]+){{0,4}}?)\s+(?:de\s+)?"
                                rf"(?:nieuwe\s+|volgende\s+|huidige\s+)?({_OFFICE})\b", re.I)
_PREPOSITIONS = {"voor", "namens", "van", "met", "aan", "bij", "door", "over", "tegen", "naast", "na", "om", "op",
                 "zonder", "volgens", "onder", "achter", "naar", "uit", "dan"}
# a clause of its own between them: "Wie was aanwezig toen de burgemeester sprak?" asks someone else
_CLAUSE_WORDS = {"dat", "toen", "nadat", "omdat", "terwijl", "zolang", "indien", "wanneer", "nu", "voordat", "zodat",
                 "en", "of", "maar", "die", "als", "waar", "doordat", "zodra", "hoewel"}


def office_asked(question: str) -> str:
    """The office whose holder the question asks for ("burgemeester" of "Wie is de burgemeester van …?"), or ""."""
    asked = _ASKS_OFFICE.search(question)
    if asked:
        return next(group for group in asked.groups() if group).lower()
    later = _ASKS_OFFICE_AFTER.search(question)
    between = later.group(1).lower().split() if later else []
    if not later or between[-1:] and between[-1] in _PREPOSITIONS or set(between) & _CLAUSE_WORDS:
        return ""
    return later.group(2).lower()


def _names_office(text: str, question: str) -> bool:
    """Does the quote name someone in the office asked for: the office in any form ("Loco-burgemeester",
    "wethouders") with a name within three words before or eight after it ("Wethouder Wagner", "de voorzitter,
    de heer Braas", "De Minister van Financiën, W.B. Hoekstra"; a table puts the name a header row away: "versie
    datum auteur reden van wijziging 2.1 13 februari 2024 Marjon Bakker") that the question does not give itself?
    "het college van burgemeester en wethouders" names the institution; "De burgemeester van Zaanstad" a place;
    "de heer G.K. Visser als wethouder" does not tell who succeeded him."""
    names = holder_asked(question)
    return names is None or names(text)


def _given(question: str) -> set[str]:
    """The question's words as _names compares them: lower case, without punctuation around them."""
    return {w.lower().strip(",;:().") for w in _TOKEN.findall(question)}


def _names_holder(text: str, office: str, given: set[str]) -> bool:
    """_names_office with the office's stem and the question's words worked out once (holder_asked)."""
    tokens = _TOKEN.findall(text)
    named = _names(tokens, given)
    return any(has_stem(office, {stem(part) for part in token.lower().strip(",;:()").split("-")})
               and any(named[max(0, i - 3):i + 9]) for i, token in enumerate(tokens))


def _is_office(word: str) -> bool:
    return any(word.startswith(office) for office in OFFICES) or word.startswith("ministerie")


def _names(tokens: list[str], given: set[str], abbreviations: bool = False) -> list[bool]:
    """Per token: is it (part of) someone's name? A capitalised word that is no office, article or title, not the
    first of a sentence ("Ook de burgemeester …"), not of what follows "van" up to the next comma ("van Den Helder",
    "VAN SOCIALE ZAKEN EN WERKGELEGENHEID,"), and not a word the question gives."""
    out, after_van, lower_after_van, sentence_start, initials = [], False, 0, True, False
    department, department_words, after_en, previous, previous_token = False, 0, False, "", ""
    # in running text a short word in capitals is an abbreviation ("de TOZO"; not "burgemeester FEMKE HALSEMA")
    shouting = sum(t.isupper() for t in tokens) > len(tokens) / 2
    for token in tokens:
        word = token.lower().strip(",;:().")
        capital = token.strip("(")[:1].isupper()
        # "de Minister van Sociale Zaken en Werkgelegenheid": an office's department names no one: up to two
        # capitalised words, and one after "en"; it ends at a comma ("DE MINISTER VAN FINANCIËN, W.B. Hoekstra") and
        # before a name that follows it ("Minister van Justitie en Veiligheid Ferd Grapperhaus")
        if word == "van" and _is_office(previous):
            department, department_words, after_en = True, 0, False
        elif department and (previous_token.endswith(",") or not (capital or word == "en")
                             or capital and (department_words >= (1 if after_en else 2))):
            department = False
        elif department:
            after_en = after_en or word == "en"
            department_words = 0 if word == "en" else department_words + 1
        previous, previous_token = word, token
        # "van de gemeente Utrecht": an article and one noun may stand between "van" and the place, but the place's
        # name ends at the first word in lower case after it ("van Frans Feldberg en Tom Pots")
        lower_after_van = 0 if word == "van" else -1 if capital or lower_after_van < 0 else lower_after_van + 1
        after_van = after_van and (capital or 0 < lower_after_van <= 2)
        is_initials = bool(_INITIALS.fullmatch(token.strip(",;:()")))
        # a party ("D66") or a number holds digits; a person's name does not
        out.append(capital and not sentence_start and not after_van and not department
                   and word not in _NOT_A_NAME | given and not _is_office(word) and not is_initials
                   and not any(ch.isdigit() for ch in word)
                   and (shouting or abbreviations or not (1 < len(word) <= 4 and token.strip(",;:().").isupper())))
        # "J.P. van der Berg": after initials, "van" starts the surname, not a place
        after_van = (after_van or word == "van" and not initials) and not token.endswith((",", ";", ":", "."))
        initials = is_initials
        # an initial or a title ("K.", "mr.") ends no sentence; a point of a list ("1.", "b)") starts one
        sentence_start = (token.endswith((".", "!", "?", ":", ";")) and len(word) > 3 and word not in _NOT_A_NAME
                          or bool(_LIST_POINT.fullmatch(token)))
    return out


def years_asked(question: str) -> list[str]:
    """The years a question names, in order ("… in 2020 …" -> ["2020"])."""
    return list(dict.fromkeys(YEAR.findall(question)))


def _of_the_year_asked(states: Callable[..., bool]) -> Callable[..., bool]:
    """A number states what a question about a year asks only in a sentence of that year, or of none: "In 2016
    stonden er 5.231 honden geregistreerd" does not answer "Hoeveel honden waren er in 2020 geregistreerd?"."""
    def of_the_year(text: str, question: str, *rest) -> bool:
        asked = set(years_asked(question))
        if asked and YEAR.search(text):  # keep the sentences that name no year, or the year asked
            text = " ".join(s for s in split_sentences(text)
                            if not (years := set(YEAR.findall(s))) or years & asked or _within(years, question))
        return states(text, question, *rest)
    return of_the_year


def _within(years: set[str], question: str) -> bool:
    """Does one of the years fall in a period the question starts at a year ("Hoeveel meldingen zijn er sinds 2021
    binnengekomen?" and "In 2023 ontving de gemeente 412 meldingen": a red-team review)?"""
    since = [int(m.group(1)) for m in _SINCE_YEAR.finditer(question)]
    return any(int(year) >= start for year in years for start in since)


_SINCE_YEAR = re.compile(rf"\b(?:sinds|vanaf|na)\s+({YEAR.pattern})", re.I)


def _of_what_happened(states: Callable[..., bool]) -> Callable[..., bool]:
    """A number states what a question about what really happened asks ("Hoeveel toeschouwers zijn er uiteindelijk
    echt gekomen?") only in a sentence that does not expect or estimate it: "Er werden 600.000 tot 800.000
    toeschouwers verwacht" does not say how many came (a helper's user test)."""
    def happened(text: str, question: str, *rest) -> bool:
        if _ASKS_WHAT_HAPPENED.search(question) and _EXPECTED.search(text):
            text = " ".join(s for s in split_sentences(text) if not _EXPECTED.search(s))
        return states(text, question, *rest)
    return happened


_ASKS_WHAT_HAPPENED = re.compile(r"\b(?:echt|werkelijk|daadwerkelijk|uiteindelijk)\b", re.I)
_EXPECTED = re.compile(r"\b(?:verwacht\w*|geschat\w*|naar\s+schatting|ramingen|raming|prognoses?|begroot|"
                       r"voorzien)\b", re.I)


def _found(*patterns: re.Pattern) -> Callable[[str], bool]:
    return lambda text: any(p.search(text) for p in patterns)


def _anywhere(holds: Callable[[str], bool]) -> Callable[..., bool]:
    """A fact that answers wherever the quote holds it (a sum of money), not only beside the question's words."""
    return lambda text, *_: holds(text)


WHEN = Kind("date", _found(WHEN_ANSWER), lambda text, question, *_: dated_beside(text, WHEN_ANSWER, question))
SUM_OF_MONEY = Kind("money", _found(MONEY), _of_the_year_asked(_of_what_happened(_anywhere(_found(MONEY)))))
SUM_OR_RATE = Kind("money", _found(MONEY, _RATE),
                   _of_the_year_asked(_of_what_happened(_anywhere(_found(MONEY, _RATE)))))
COUNT = Kind("amount", _found(AMOUNT), _of_the_year_asked(_of_what_happened(_states_count)))
PERCENTAGE = Kind("percentage", _found(_RATE), _of_the_year_asked(_of_what_happened(_anywhere(_found(_RATE)))))
# "Hoe lang …?": a count with its unit of time or length answers, not any count ("twintig verzoeken per jaar")
DURATION = Kind("duration", holds_duration, _of_the_year_asked(_anywhere(holds_duration)))
DECISION = Kind("decision", _found(_DECISION), lambda text, question, *_: decided_on(text, question))
# a vote line of minutes is about the thing asked only where it or its heading names it ("Voor de motie stemden: …"
# under "16. Motie met betrekking tot de herverdeling van taken" does not tell how a motion on savings went)
VOTE = Kind("vote", _found(_VOTE), lambda text, question, *_: _found(_VOTE)(text) and voted_on(text, question))
NAME = Kind("", _found(_NAME), _anywhere(_found(_NAME)))
FREQUENCY = Kind("frequency", _found(_FREQUENCY), _anywhere(_found(_FREQUENCY)))
OFFICE = Kind("office", _found(_NAME), lambda text, question, *_: _names_office(text, question))
SIGNER = Kind("signer", signed, _anywhere(signed))
# The kinds whose fact is a number: a quote that states it answers before one that does not. Not a date: "Wanneer
# mag een land de euro invoeren?" asks in which case, and a table of dates put first answered nothing (dev sets)
NUMBERS = (SUM_OF_MONEY, SUM_OR_RATE, COUNT, PERCENTAGE, DURATION)


def wanted_kinds(question: str) -> tuple[Kind, ...]:
    """What a question that asks when, how much, how many, how long, whether it was decided, or who, wants to be
    told; the first is what the sentences are scored by. () for any other question."""
    if _WANTS_DATE.search(question) and not _ASKS_CONDITION.search(question) and not _embedded(question, _WANTS_DATE):
        # "Wanneer is de motie aangenomen?": when, and that it was
        return (WHEN, DECISION) if WANTS_DECISION.search(question) else (WHEN,)
    if _WANTS_PERCENTAGE.search(question):  # before money: "Welk percentage van de kosten wordt vergoed?"
        return (PERCENTAGE,)
    if _WANTS_RATE.search(question):
        return (SUM_OR_RATE,)
    if _WANTS_MONEY.search(question) and not _TIME_SPENT.search(question):
        return (SUM_OF_MONEY,)
    if _WANTS_PAYMENT.search(question):
        return (SUM_OR_RATE,) if _NAMES_RATE.search(question) else (SUM_OF_MONEY,)
    if _WANTS_FREQUENCY.search(question) and not _embedded(question, _WANTS_FREQUENCY):
        return (FREQUENCY,)
    if ASKS_HOW_LONG.search(question) and not _embedded(question, ASKS_HOW_LONG):
        return (DURATION,)
    if _WANTS_AMOUNT.search(question) and not _embedded_amount(question):
        return (COUNT,)
    if _WANTS_VOTE.search(question):
        return (VOTE,)
    if WANTS_DECISION.search(question) and asks_yes_or_no(question):
        return (DECISION,)
    # who holds an office: a name, and the office named. A role ("Wie is de bedenker van de DatCan-methode?") is
    # often stated in other words ("De DatCan-methode van Frans Feldberg"): its quote is put first, never declined
    if re.fullmatch(_OFFICE, office_asked(question), re.I):
        return (NAME, OFFICE)
    if _ASKS_SIGNER.search(question):  # who signed: a name, in a signature ("F. Teeven")
        return (NAME, SIGNER)
    if _WANTS_NAME.search(question) and not _FOR_WHOM.search(question):
        return (NAME,)
    return ()


# A question that starts with another question word asks that: "Hoe houdt Zaanstad bij hoeveel panden zakken?" asks
# how, "Wie bepaalt hoeveel …?" who, "Waar kunnen eigenaren terecht met vragen over hoe lang hun fundering meegaat?"
# where; its "hoeveel", "hoe lang" or "wanneer" begins a clause inside it
_OTHER_QUESTION_WORD = re.compile(r"^\W*(?:wie|wat|waarom|waar|wanneer|welke?|hoe|hoeveel)\b", re.I)
# ... but a second question begins after a question mark, a glued follow-up's dash (search/followup.py), a colon or
# semicolon, or "en", "of" or a comma right before its question word: "Waar en wanneer is de informatieavond?"
_SECOND_QUESTION = re.compile(r"[?—:;]|(?:\ben|\bof|,)\s*$", re.I)


def _embedded_amount(question: str) -> bool:
    return _embedded(question, _WANTS_AMOUNT)


def _embedded(question: str, asking: re.Pattern) -> bool:
    """The question asks something else first and this inside a clause ("Wie bepaalt hoeveel / hoe vaak …?"); not
    a second question after it (a follow-up glued to the subject of the one before, search/followup.py: "Welk
    bedrijf deed de designsprint — Hoe lang duurde die?")."""
    first = _OTHER_QUESTION_WORD.match(question)
    asked = asking.search(question)
    return bool(first and asked and asked.start() > first.end() + 1
                and not _SECOND_QUESTION.search(question[first.end():asked.start()]))


def wanted_kind(question: str) -> Kind | None:
    """The kind the sentences are scored by; None where the question asks for no kind of fact."""
    kinds = wanted_kinds(question)
    return kinds[0] if kinds else None


# "Wat kwam er uit het onderzoek …?", "Wat bleek uit de evaluatie …?", "Wat heeft het opgeleverd?": the outcome of
# something, which a text that only announces, plans or orders it does not give ("1. Reconstrueer en analyseer het
# proces …" of a research assignment, a helper's user test)
_WANTS_RESULT = re.compile(r"\bwat\s+(?:kwam|komt|kwamen)\s+er\s+(?:uit|naar\s+voren)\b|"
                           r"\bwat\s+(?:bleek|blijkt|bleken)\b|\bwat\s+leverde\b|\bopgeleverd\b|"
                           r"\bwelke\s+(?:resultaten|uitkomsten|opbrengsten)\b|"
                           # "de uitkomst van de stemming" asks how a vote went
                           r"\b(?:uitkomst(?:en)?|conclusies?|resultaten|resultaat|bevindingen)\s+van\b"
                           r"(?!\s+(?:de\s+)?stemming)", re.I)
# a text that states an outcome ("Het levert deelnemers vooral rust op"); not "effecten": an assignment asks to study
# the effects
_RESULT = re.compile(r"\b(?:bleek|bleken|blijkt|blijken|concludeer\w*|conclusies?|uitkomst\w*|resulta\w*|opgeleverd|"
                     r"opleveren|naar\s+voren|toon\w*\s+aan|bevinding\w*)\b|"
                     r"\blever(?:t|de|den|en)\b[^.;:]{0,60}\bop\b", re.I)


def result_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks what something came to: does a text state an outcome? None for any other question."""
    return _found(_RESULT) if _WANTS_RESULT.search(question) else None


# "Waarom …?", "Om welke reden …?", "Wat was de aanleiding …?": a reason, which a sentence gives with its own words
# for it ("De aanleiding was een oordeel van de rekenkamercommissie", "… afgeschaft omdat het teveel testcapaciteit
# kost"); "daarom" and "daardoor" point back to a reason in the sentence before them, they do not give it
_WANTS_REASON = re.compile(r"^\W*(?:waarom|waardoor|om\s+welke\s+reden|wat\s+(?:is|was|zijn|waren)\s+de\s+"
                           r"(?:reden|redenen|aanleiding|oorzaak|oorzaken|doelen)|hoe\s+komt\s+het|why|waarvoor|"
                           # a purpose: "Wat was het doel van de audit?", "Met welk doel …?"
                           r"wat\s+(?:is|was)\s+het\s+doel|met\s+welk\s+doel)\b", re.I)
_REASON = re.compile(r"\b(?:omdat|doordat|want|vanwege|wegens|dankzij|zodat|teneinde|aanleiding|redenen?|"
                     r"oorzaak|veroorzaakt|doel|doelen|bedoeld|aangezien|immers|because|due\s+to)\b"
                     r"|\bom\s+(?:[\w-]+\s+){1,8}?te\s+\w+"
                     # "Gezien alle andere dringende zaken …, is deze informatie nog niet breed gedeeld"; not "worden
                     # niet gezien als middel"
                     r"|\bgezien\s+(?:de|het|alle|deze|zijn|haar|hun|onze)\b"
                     # "Dit komt onder andere door het ontbreken van een codelaag"; not "De buslijn komt door de wijk"
                     r"|\b(?:dit|dat|het)\s+(?:komt|kwam)\s+(?:[\w-]+\s+){0,3}?door\b", re.I)
# A goal asked in other words: "Wat is volgens de conclusies het gezamenlijke doel …?", "Wat zijn de doelen …?", "Wat
# wilde Enschede bereiken …?"; an adjective at most before "doel" ("de status van doelstelling 2" asks a status), and
# not "om … te bereiken" (a means: "Wat wil de gemeente doen om jongeren te bereiken?")
_WANTS_GOAL = re.compile(r"^\W*(?:wat\s+(?:is|was|zijn|waren)\s+(?:volgens\s+(?:[\w-]+\s+){1,4}?)?(?:het|de)\s+"
                         r"(?:[\w-]+e\s+)?(?:doel|doelen|doelstelling|doelstellingen)\b(?!\s*\d)|"
                         r"wat\s+(?:wil|wilde|wilden|willen|wou)\s+(?:(?!om\b|te\b)[\w-]+\s+){1,8}?bereiken\b)", re.I)
# ... which a reason word gives, or what someone wants or strives for ("Zaanstad wilde één applicatie …", a red team)
_GOAL = re.compile(_REASON.pattern + r"|\b(?:wil|wilde|wilden|willen|streeft|streefde|streven|beoogt|beoogde|"
                   r"doelstellingen|doelstelling|ambitie|ambities)\b", re.I)


@dataclass(frozen=True)
class BoldHint:
    """What a sentence holds that answers a why or what-is-wrong question (reason_asked, problem_asked). It only
    picks the sentence in bold beside the best one: it never judges a quote (not_stated; a reason or shortcoming has
    too many wordings) nor the reply a document gives to its own question."""
    pattern: re.Pattern

    def __call__(self, text: str) -> bool:
        return bool(self.pattern.search(text))


def reason_asked(question: str) -> BoldHint | None:
    """Where the question asks why: does a text give a reason? None for any other question."""
    return BoldHint(_REASON) if _WANTS_REASON.search(question) else None


def goal_asked(question: str) -> BoldHint | None:
    """Where the question asks what for in other words than reason_asked knows: does a text give a goal? None for
    any other question."""
    return BoldHint(_GOAL) if _WANTS_GOAL.search(question) else None


# "Wat is het probleem met …?", "Wat is er mis met …?", "Welke fout …?": a shortcoming, which a sentence states with
# a negation or a word for what lacks ("Dit icoon heeft geen tekstalternatief", "… komt alleen niet overeen")
_WANTS_PROBLEM = re.compile(r"^\W*(?:wat|welke?)\s+(?:(?:is|was|zijn|waren|gaat|ging)\s+)?(?:er\s+)?(?:het\s+|de\s+)?"
                            r"(?:probleem|problemen|mis|fout|fouten|knelpunt(?:en)?|tekortkoming(?:en)?|gebrek(?:en)?)"
                            r"\b", re.I)
# not "geen fout gevonden", "geen afwijkingen": that says nothing is wrong
_SHORTCOMING = re.compile(r"\b(?:geen(?!\s+(?:\w+\s+)?(?:fout|afwijking|probleem|problemen|knelpunt|bezwa)\w*)|niet|"
                          r"ontbre\w*|onvoldoende|onjuist\w*|ontoegankelijk\w*|mist|missen|zonder|"
                          r"te\s+(?:weinig|laag|klein|kort))\b", re.I)


def problem_asked(question: str) -> BoldHint | None:
    """Where the question asks what is wrong: does a text state a shortcoming? None for any other question."""
    return BoldHint(_SHORTCOMING) if _WANTS_PROBLEM.search(question) else None


def bold_hint(question: str) -> BoldHint | None:
    """What a sentence that answers a why, what-for or what-is-wrong question holds (reason_asked, goal_asked,
    problem_asked); None for any other question."""
    return reason_asked(question) or goal_asked(question) or problem_asked(question)


def holder_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks who holds an office or role ("Wie is de auteur van het rapport?"): does a text name
    them? None for any other question."""
    office = office_asked(question)
    if not office:
        return None
    office, given = stem(office.split("-")[0]), _given(question)  # once per question, not per text
    return lambda text: _names_holder(text, office, given)


@dataclass(frozen=True)
class NameAsked:
    """Does a text name someone or something the question does not give (kinds.name_asked)?"""
    given: frozenset[str]
    abbreviations: bool  # an organisation is often named by its abbreviation ("Het RIVM onderzocht …"); a person not

    def __call__(self, text: str) -> bool:
        return any(_names(_TOKEN.findall(text), set(self.given), self.abbreviations))

    def as_agent(self, text: str) -> bool:
        """Is the one named the doer of a passive ("Dit onderzoek is gedaan door het UCERF", "uitgevoerd door Firm
        Ground", "een evaluatie door DSP-groep"): the Dutch answer to "Wie heeft … gedaan?"."""
        tokens = _TOKEN.findall(text)
        named = _names(tokens, set(self.given), self.abbreviations)
        return any(any(named[i + 1:i + 4]) for i, token in enumerate(tokens) if token.lower() == "door")


def name_asked(question: str) -> NameAsked | None:
    """Where the question asks who or which organisation, and no office (holder_asked): does a text name someone or
    something the question does not give ("Een van de onderzoekers was Eelco de Winter …" for "Wie hebben het
    rapport geschreven?", not "Het rapport sluit af met …")? None for any other question."""
    if wanted_kinds(question) != (NAME,):
        return None
    return NameAsked(frozenset(_given(question)), bool(_ASKS_ORGANISATION.search(question)))


@dataclass(frozen=True)
class SignerAsked:
    """Does a text hold a signature (kinds.signer_asked)? The signature of the letter asked about stands in its last
    lines, at any score: the letter's subject does not stand beside it (builder._with_stating)."""

    def __call__(self, text: str) -> bool:
        return signed(text)


def signer_asked(question: str) -> SignerAsked | None:
    """Where the question asks who signed: does a text hold a signature? None for any other question."""
    return SignerAsked() if _ASKS_SIGNER.search(question) else None


# "Wie hebben de Kamervragen over … gesteld?", "Wie diende de motie in?": who a parliamentary paper is from, which it
# says itself in its head ("Vragen van de leden Van Weyenberg, Romke de Jong en Kat", "MOTIE VAN DE LEDEN INGE VAN
# DIJK EN GRINWIS", "Vragen van het lid De Groot"), far from what it is about (a helper's user test)
_ASKS_MEMBERS = re.compile(r"^\W*(?:door\s+)?wie\b(?=.*\b(?:\w*vragen|moties?|amendementen|amendement)\b)"
                           r"(?=.*\b(?:gesteld|ingediend|stelde|stelden|diende|dienden|ingedient)\b)", re.I)
_BY_MEMBERS = re.compile(r"(?i:\b(?:van|door)\s+(?:het\s+lid|de\s+leden))\s+[A-ZÀ-Ý]")  # not "de leden der Kamer"


def members_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks who put the questions, motion or amendment: does a text name members as the ones
    the paper is from ("van de leden …", "van het lid …")? None for any other question."""
    return (lambda text: bool(_BY_MEMBERS.search(text))) if _ASKS_MEMBERS.search(question) else None


def vote_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks how a vote went ("Wie stemden tegen …?"): does a text record a vote? None for any
    other question."""
    if wanted_kinds(question) != (VOTE,):
        return None
    voter = _VOTER.search(question)  # "Stemde het CDA voor …?": a vote line that names the CDA
    return lambda text: VOTE.holds(text) and (voter is None or re.search(rf"\b{re.escape(voter.group(1))}\b", text))


# The outcome of a decision, not the word "besluit" alone ("De raad besluit in meerderheid: het amendement te
# aanvaarden"; not "besluit de fractie het amendement aan te passen")
_OUTCOME = re.compile(r"\b(aangenomen|aanvaard\w*|verworpen|afgewezen|goedgekeurd|goed te keuren|ingestemd|"
                      r"in te stemmen|vastgesteld|vast te stellen|aangehouden|aan te houden|ingetrokken|"
                      r"in te trekken)\b", re.I)


# "Wat is er gebeurd met het amendement …?", "Hoe is het met de motie … afgelopen?": what became of a motion or
# proposal, which the minutes record as its outcome ("besluit de fractie het amendement aan te houden")
_WANTS_FATE = re.compile(r"^(?=.*\b(?:moties?|amendement(?:en)?|(?:raads|wets)?voorstel(?:len)?)\b)\W*"
                         r"(?:wat\s+(?:is|was)\s+er\b.*?\b(?:gebeurd|gedaan)\b|wat\s+gebeurde\s+er\s+met|"
                         r"hoe\s+(?:is|was)\b.*\bafgelopen\b|hoe\s+(?:liep|verliep)\b)", re.I)


# "Wat besloot de raad over de jaarrekening?", "Wat heeft het college besloten over …?": what was decided, which the
# minutes record as a decision ("De raad besluit unaniem: in te stemmen met …"), not the agenda item that proposes it
# ("12. Voorstel in te stemmen met …", quoted first before: own question)
_WANTS_DECIDED = re.compile(r"^\W*wat\s+(?:besloot|besloten|besluit)\b|^\W*wat\s+(?:heeft|hebben|is|werd)\b.{0,80}?"
                            r"\bbesloten\b", re.I)
_DECIDES = re.compile(r"\b(?:besluit|besloot|besloten|stemden|aangenomen|verworpen)\b", re.I)


def decision_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks whether something was decided ("Is het amendement … aangenomen?") or what became of
    a motion or proposal (_WANTS_FATE): does a text record the outcome of a decision? Where it asks what was decided
    (_WANTS_DECIDED): does a text record a decision? Which decision it is, the passage's heading says (decided_on).
    None for any other question."""
    if _WANTS_DECIDED.search(question):
        return _found(_DECIDES)
    if wanted_kinds(question) != (DECISION,) and not _WANTS_FATE.search(question):
        return None
    return _found(_OUTCOME)


# "Wat vraagt de motie …?", "Wat moet de regering volgens de motie …?": what a motion or amendment asks. Its answer is
# the operative clause every Dutch motion has ("verzoekt de regering …", "draagt het college op …"; in minutes "besluit
# … er bij het college op aan te dringen …"), not its heading or its "constaterende dat …" (seen reading answers over a
# Kamer motion). Not "Wie wil de motie …?" or "Wat doen … volgens de motie?": they ask what its considerations name.
_WANTS_REQUEST = re.compile(r"^\W*(?:wat|waartoe)\b(?=.*\b(?:moties?|motie-[\w/-]+|amendement(?:en)?)\b)"
                            r"(?=.*\b(?:vraagt|vragen|verzoekt|verzoeken|wil|willen|moet|moeten|roept|roepen|eist|"
                            r"eisen|draagt|dragen|dictum)\b)", re.I)
# whom a dictum addresses: "draagt het college op", not "draagt bij aan … op straat" or "roept veel vragen op"
_ADDRESSED = (r"(?:de|het)\s+(?:regering|kabinet|college|minister|staatssecretaris|burgemeester|raad|gemeente|"
              r"bestuur)\w*")
_REQUEST = re.compile(rf"\b(?:verzoekt|verzoeken\s+(?:de|het)\b|"
                      rf"(?:draagt|dragen|roept|roepen)\s+{_ADDRESSED}\b[^.;]{{0,60}}\bop\b|"
                      rf"(?:dringt|dringen)\b[^.;]{{0,80}}\baan\b|op\s+aan\s+te\s+dringen|"
                      rf"(?:spreekt|spreken)\s+(?:uit\s+dat|als\s+(?:haar|zijn)\s+(?:oordeel|mening)\s+uit))", re.I)


# "Wat vragen Van Dijk en Grinwis het kabinet te doen …?" names no motion, but asks what its makers ask: so where a
# candidate document is a motion or amendment by what its first page prints (metadata "soort": ingest/identity.py)
_ASKS_FOR = re.compile(r"^\W*(?:wat|waartoe)\b"  # not "… om bijstand aan te vragen"
                       r"(?=.*(?<!\bte )\b(?:vraagt|vragen|verzoekt|verzoeken|wil|willen|eist|eisen)\b)", re.I)
MOTIONS = frozenset({"motie", "amendement"})


def request_asked(question: str, kinds_of_documents: Iterable[str] = ()) -> Callable[[str], bool] | None:
    """Where the question asks what a motion or amendment asks for: does a text hold its operative clause? None for
    any other question. kinds_of_documents: the "soort" of the candidate documents."""
    asks = _WANTS_REQUEST.search(question) or _ASKS_FOR.search(question) and MOTIONS & set(kinds_of_documents)
    return (lambda text: bool(_REQUEST.search(text))) if asks else None


# What "Welke gemeente …?" or "Wat zijn de zeven overige thema's …?" asks for: the noun after the question word,
# past a number and the words that pick among its kind ("andere", "totale", "belangrijkste")
_PICKING = (r"(?:andere|overige|eerste|laatste|nieuwe|oude|huidige|vorige|volgende|totale|precieze|exacte|hele|"
            r"gehele|gemiddelde|maximale|minimale|jaarlijkse|meest|minst|\w+ste)")
_ASKED_THING = re.compile(r"^\W*(?:(?:in|op|bij|van|voor|met|aan|door|uit|onder|naar|via|namens)\s+)?"
                          r"(?:welke?|wat\s+(?:is|zijn|was|waren)\s+(?:de|het))\s+"
                          rf"(?:(?:{_NUMBER_WORD}|{_PICKING})\s+)*([\w'’-]+)", re.I)
# what stands before the thing where a sentence says it is not known: an embedded question, up to a ";" ("Welke
# gemeente deze case draagt, staat niet …", "hoeveel panden …", "het aantal panden"), or an article, up to a comma
# ("De andere zeven thema's zijn … niet te vinden"; not "De methode is bekend, de data niet")
_ASKING = frozenset({"welke", "welk", "hoeveel", "aantal"})
_ARTICLES = frozenset({"de", "het"})
# (where a part of the sentence ends, the words that may introduce the thing in it)
_UNKNOWN_PARTS = ((re.compile(";"), _ASKING), (re.compile("[;,]"), _ARTICLES))


def asked_thing(question: str) -> str | None:
    """The thing a question asks which or how many of ("gemeente" in "Welke gemeente heeft … ingebracht?",
    "panden" in "Hoeveel panden …?"), as asked; None for a question that asks no such thing, or where the word after
    the question word is no noun ("Welke van de …", "Welke is …")."""
    if _WANTS_AMOUNT.search(question):
        return counted_noun(question)
    thing = _ASKED_THING.search(question)
    if not thing or fold(thing.group(1)) in stopwords():
        return None
    return thing.group(1)


def unknown_told(question: str) -> Callable[..., bool] | None:
    """Where the question asks which or how many of a thing: does a sentence say that this is not known ("Welke
    gemeente deze case draagt, staat niet in de beschikbare bronnen.")? Such a sentence answers honestly: the
    documents themselves say they do not tell. The thing must be what is not known: named in the same part of the
    sentence (up to a ";") as "niet bekend", after a question word or an article ("De gemeente Utrecht bracht de case
    in; de kosten zijn niet bekend" tells the gemeente). Not a question in the document ("Kunt u bevestigen dat …
    niet …?"). None for any other question.

    The predicate takes the sentence and what it is about (its document's title). For an outcome or a date the
    sentence must share another word of the question with them: "Ook welke resultaten zijn behaald, is niet
    bekend." in the document "Kwaliteitsslag jeugdbeleid" answers "Wat leverde de kwaliteitsslag in het jeugdbeleid
    op?" without naming it. For a thing, with the sentence itself (a red-team test: every case's "Welke gemeente
    deze case draagt" is not about who handed a model over)."""
    thing, of_kind = asked_thing(question), _unknown_told_of_kind(question)
    if not thing:
        return of_kind
    asked = stem(fold(thing))
    # and a word of the question beside the thing: "Welke gemeente deze case draagt, … niet bevestigd" does not
    # answer "Welke gemeente heeft het Wmo-voorspelmodel aan de VNG overgedragen?" (a red-team test)
    others = {stem(w) for w in content_words(question)} - {asked}

    def of_thing(text: str, about: str = "") -> bool:  # the sentence's own words: a case's title is its subject,
        # which any question about it shares ("Welke gemeente heeft het Wmo-voorspelmodel … overgedragen?")
        return not text.rstrip().endswith("?") and _shares(text, others) and any(
            SAYS_UNKNOWN.search(part) and _introduced(part, asked, introducing)
            for ends, introducing in _UNKNOWN_PARTS for part in ends.split(text))
    # "Welke resultaten …?" asks a thing and an outcome: "wat die heeft opgeleverd, staat niet …" tells it as well
    return of_thing if of_kind is None else lambda text, about="": of_thing(text, about) or of_kind(text, about)


# What a sentence calls the fact a "when" or an outcome question asks, where it says that fact is not known: "De
# precieze publicatiedatum van het rapport is … niet gevonden", "wat die heeft opgeleverd …, is … niet gevonden"
# (own questions: the report's title came bold under "Wanneer verscheen het rapport?")
_UNKNOWN_DATE = ("datum", "jaar", "jaartal", "periode", "tijdstip", "moment", "wanneer")
_UNKNOWN_RESULT = ("opgeleverd", "oplevert", "resultaat", "resultaten", "uitkomst", "uitkomsten", "opbrengst")
_EMBEDDING = frozenset({"de", "het", "wat", "wanneer", "welke", "welk"})
_BEFORE_A_PHRASE = frozenset({"op", "in", "bij", "na", "voor", "tot", "sinds", "vanaf", "met", "om", "aan", "van",
                              "over", "door", "uit", "tijdens", "rond", "per"})


def _unknown_told_of_kind(question: str) -> Callable[..., bool] | None:
    """unknown_told for a question that asks when, or what something came to: a sentence that says the date or the
    outcome is not known, with another word of the question in it. None for any other question."""
    endings = _UNKNOWN_DATE if WHEN in wanted_kinds(question) else _UNKNOWN_RESULT if result_asked(question) else ()
    if not endings:
        return None
    others = {stem(w) for w in content_words(question) if not fold(w).endswith(endings)}
    if not others:  # "Wanneer was dat?" of a follow-up: any date said to be unknown would do
        return None

    def names_it(part: str) -> bool:
        """The date or outcome opens what is unknown ("De precieze publicatiedatum …", "wat die heeft opgeleverd"),
        not a phrase after a preposition ("Op de datum van ondertekening was de claim niet bekend")."""
        tokens = [fold(t) for t in re.findall(r"[\w'’-]+", part)]
        for i, token in enumerate(tokens):
            opening = [j for j in range(max(0, i - 3), i) if tokens[j] in _EMBEDDING]
            if token.endswith(endings) and (token == "wanneer" or opening and (
                    opening[0] == 0 or tokens[opening[0] - 1] not in _BEFORE_A_PHRASE)):
                return True
        return False

    return lambda text, about="": not text.rstrip().endswith("?") and _shares(f"{about} {text}", others) and any(
        SAYS_UNKNOWN.search(part) and names_it(part) for part in re.split(";", text))


def _shares(text: str, asked: set[str]) -> bool:
    """Does the text hold any of the `asked` stems (has_stem)? True where none are asked."""
    held = {stem(w) for w in words(text)}
    return not asked or any(has_stem(w, held) for w in asked)


def _introduced(part: str, asked: str, introducing: frozenset[str]) -> bool:
    """Does the thing (stem) stand in this part of a sentence after one of the introducing words, past numbers,
    the words that pick among its kind and things before "en" ("welke data en methode", "de andere zeven thema's")?"""
    tokens = [fold(t) for t in re.findall(r"[\w'’-]+", part)]
    for i, token in enumerate(tokens):
        if has_stem(asked, {stem(token)}):
            j = _before_its_words(tokens, i - 1)
            while j >= 2 and tokens[j] in ("en", "of"):
                j = _before_its_words(tokens, j - 2)
            if j >= 0 and tokens[j] in introducing:
                return True
    return False


def _before_its_words(tokens: list[str], j: int) -> int:
    """The index before the numbers and picking words that end at j ("de andere zeven" -> "de")."""
    while j >= 0 and re.fullmatch(rf"{_NUMBER_WORD}|{_PICKING}", tokens[j]):
        j -= 1
    return j


def voted_on(text: str, question: str) -> bool:
    """Is a passage (with its heading) about the thing a vote question asks of: does it hold at least half of the
    question's words that say which thing (not "motie" or "amendement", the words of voting, or a party's name)?
    A minutes' vote line names the parties of every vote: "Stemde D66 tegen het onderzoeksvoorstel over het ontslag
    van wethouder Visser?" was answered with the vote on a motion about the wethouders' tasks (a red-team test)."""
    names = {name.lower() for name in CAPITALISED_NAME.findall(question)}
    which = {stem(w) for w in content_words(question)
             if w not in _DECIDED_THINGS | names | {"voor", "tegen"} and not _WANTS_VOTE.fullmatch(w)}
    held = {stem(w) for w in words(text)}
    return 2 * sum(has_stem(w, held) for w in which) >= len(which)


# Who a yes/no question about a vote asks of: the name right after the verb ("Stemde het CDA …", "Stemden D66 en …")
_VOTER = re.compile(r"^\W*(?i:stemde|stemden|heeft|hebben)\s+(?:het\s+|de\s+)?([A-Z][\w!-]*)")


def number_asked(question: str) -> Callable[[str], bool] | None:
    """Where the question asks for a sum, a count, a percentage or a duration (NUMBERS): does a text state it where the
    question asks it? None for any other question. The check that decides not_stated, so it is lenient ("1,2 miljoen
    bezoekers" holds a sum); putting such a quote first or in bold was measured on every dev set (evaluation.md)."""
    kinds = wanted_kinds(question)
    if not kinds or not all(kind in NUMBERS for kind in kinds):
        return None
    counted = counted_noun(question) if COUNT in kinds else None
    return lambda text: all(kind.holds(text) and kind.states(text, question, counted, "") for kind in kinds)
