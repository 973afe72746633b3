"""What a document prints about itself on its first page: the organisation in its letterhead or heading
("Ministerie van Volksgezondheid, Welzijn en Sport", "Tweede Kamer der Staten-Generaal", "Gemeente Den Helder")
and its date ("Datum 1 maart 2011", or a date in its opening lines). A citation names them, so that an adviser
can tell whose letter of when a quote comes from. Only what the page prints: nothing is guessed from a file
name. May import: text.
"""
from __future__ import annotations

import re

from vraagbaak.text.dates import MONTHS

_MONTH = f"(?:{'|'.join(MONTHS)})"
_DATE = rf"\b\d{{1,2}} {_MONTH} (?:19|20)\d\d\b"
# "Datum 1 maart 2011"; a motion is dated when it is "Voorgesteld", answered Kamervragen when "ontvangen"
_LABELLED_DATE = re.compile(rf"\b(?:Datum|Date|Voorgesteld|ontvangen)\s*:?\s*({_DATE})", re.I)
_ANY_DATE = re.compile(_DATE, re.I)
_NAME = r"[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?"
_ORGANISATION = re.compile(
    rf"\b(Ministerie van {_NAME}(?:(?:, | en ){_NAME})*"
    rf"|(?:Tweede|Eerste) Kamer der Staten-Generaal"
    rf"|(?:Gemeente|Provincie|Waterschap|Hoogheemraadschap) {_NAME}(?: {_NAME})?"
    rf"|Rijksinstituut voor Volksgezondheid en Milieu|Raad van State|Algemene Rekenkamer)\b")
_ADDRESSED = re.compile(r"\b(?:aan|voorzitter van)(?: de| het)?\s*$", re.I)  # the addressee, not the sender
# "uw brief van 2 september", "d.d. 2 september": another document's date, not this one's
_OTHER_DATE = re.compile(r"\b(?:van|d\.d\.|sinds|vanaf|tot|na|voor)\s*$", re.I)
OPENING_CHARS = 250  # an unlabelled date counts only in the opening lines (a letter's "uw brief van 2 mei" is later)


# The kind of document, by what its first page prints; the first that matches counts (a Woo decision is a
# letter too, so the specific kinds come before "brief").
_KINDS = (
    (re.compile(r"\bAanhangsel van de Handelingen\b"), "Kamervragen"),
    (re.compile(r"\bMOTIE\b"), "motie"),
    (re.compile(r"\bAMENDEMENT\b"), "amendement"),
    (re.compile(r"\bBesluitenlijst\b", re.I), "besluitenlijst"),
    (re.compile(r"\bNotulen\b", re.I), "notulen"),
    (re.compile(r"\bWo[ob]-(?:deel)?besluit\b|\bBesluit op uw Wo[ob]-verzoek\b", re.I), "Woo-besluit"),
    (re.compile(r"\bTER (?:BESLISSING|INFORMATIE|ADVISERING|ONDERTEKENING)\b"), "nota"),
    (re.compile(r"\bFiche \d+:"), "fiche"),
    (re.compile(r"\bRetouradres\b.*\b(?:Onderwerp|Betreft)\b"), "brief"),
)
# "Ons kenmerk 2021-0000123": a reference with at least four digits (OCR noise after the label is no kenmerk)
_KENMERK = re.compile(r"\b(?:Ons kenmerk|Kenmerk|Referentie)\s*:?\s*([A-Z0-9][\w./-]{3,})")
# "32 545 Wet- en regelgeving financiële markten Nr. 143": a Kamerstuk, its dossier and number
_KAMERSTUK = re.compile(r"\b(\d{2} \d{3}(?: [A-Z]{1,4})?) ([A-Z][^.]{3,80}?) Nr\. ?(\d+)\b")
# "Nr. 143 MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS Voorgesteld …": the paper's own heading, in capitals
_PAPER_HEADING = re.compile(r"\bNr\. ?\d+\s+((?:GEWIJZIGDE )?(?:MOTIE|AMENDEMENT|BRIEF|VERSLAG|NOTA)\b[A-Z .,'’-]*?)"
                            r"(?= [A-Z][a-z]| \d|$)")
_PARTICLES = {"van", "de", "der", "den", "het", "en", "ter", "ten", "te", "op", "in", "over", "aan", "bij",
              "leden", "lid"}
# "Vragen van de leden … over de TOZO (ingezonden 3 juni 2021)": what Kamervragen are about
_QUESTIONS = re.compile(r"\b(Vragen van (?:de leden|het lid) .{5,300}?) \((?:ingezonden|ontvangen)\b")


def printed_identity(first_page: str) -> dict[str, str]:
    """{"organisatie": …, "datum": …, "soort": …, "kenmerk": …, "titel": …} as far as the first page prints
    them; "titel" only where a parliamentary paper prints its subject below the Kamer's name."""
    text = " ".join(first_page.split())
    found: dict[str, str] = _kind_and_reference(text[:2000])
    for organisation in _ORGANISATION.finditer(text[:1500]):
        if not _ADDRESSED.search(text[max(0, organisation.start() - 40):organisation.start()]):
            found["organisatie"] = organisation.group(1)
            break
    labelled = _LABELLED_DATE.search(text[:2000])
    if labelled:
        found["datum"] = labelled.group(1)
        return found
    for date in _ANY_DATE.finditer(text[:OPENING_CHARS]):
        if not _OTHER_DATE.search(text[max(0, date.start() - 20):date.start()]):
            found["datum"] = date.group(0)
            break
    return found


def _kind_and_reference(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pattern, kind in _KINDS:
        if pattern.search(text):
            found["soort"] = kind
            break
    paper = _KAMERSTUK.search(text)
    if paper:
        found["kenmerk"] = f"Kamerstuk {paper.group(1)}, nr. {paper.group(3)}"
        heading = _PAPER_HEADING.search(text)
        found["titel"] = _sentence_case(heading.group(1)) if heading else paper.group(2).strip()
    else:
        kenmerk = _KENMERK.search(text)
        if kenmerk and sum(c.isdigit() for c in kenmerk.group(1)) >= 4:
            found["kenmerk"] = kenmerk.group(1).strip()
    questions = _QUESTIONS.search(text)
    if questions:
        found["titel"] = questions.group(1).strip()
    return found


def _sentence_case(capitals: str) -> str:
    """"MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS" -> "Motie van de leden Inge van Dijk en Grinwis": small
    words in lower case, the others (the names) capitalised; the first word as a sentence starts."""
    words = capitals.strip(" .,").split()
    out = [w.lower() if w.lower() in _PARTICLES else w.capitalize() for w in words]
    return " ".join([out[0].capitalize(), *out[1:]]) if out else capitals
