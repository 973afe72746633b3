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
_LABELLED_DATE = re.compile(rf"\b(?:Datum|Date)\s*:?\s*({_DATE})", re.I)
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


def printed_identity(first_page: str) -> dict[str, str]:
    """{"organisatie": …, "datum": …} as far as the first page prints them."""
    text = " ".join(first_page.split())
    found: dict[str, str] = {}
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
