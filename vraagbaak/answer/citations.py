"""Citation text: the one Dutch reference style for a quoted source (chat, memo, Word), and the filter line.
Imports only schema."""
from __future__ import annotations

import re

from vraagbaak.profile import CollectionProfile
from vraagbaak.schema import Citation

UNKNOWN = {"", "onbekend", None}
_TAG = re.compile(r"<[^>]*>")


def plain(value) -> str:
    """Metadata as plain text: front matter can hold HTML, which has no place in a memo or a Word file."""
    return " ".join(_TAG.sub("", str(value)).split())


def web_address(value) -> str | None:
    """Only http(s) addresses from metadata are cited (no javascript:, file: or data: links), with the
    characters that Markdown reads as a link or an image percent-encoded: "…/zwembad![x](http://tracker/p.png)"
    in a front matter became an outside image in the Markdown memo. The address still leads to the same page."""
    value = str(value or "").strip()
    if not re.match(r"^https?://[^\s<>\"]+$", value, re.I):
        return None
    return value.translate(_MARKDOWN_IN_ADDRESS)


_MARKDOWN_IN_ADDRESS = str.maketrans({c: f"%{ord(c):02X}" for c in "!()[]`\\"})


def source_reference(c: Citation, with_url: bool = True, profile: CollectionProfile = CollectionProfile()) -> str:
    """Kind and title, organisation or gemeente, date or year, kenmerk, page, section, source — in that order,
    leaving out what does not exist. The one reference style for the chat answer, the memo text and the
    Markdown download.

    A document with a list of sources (`bronnen`) is a description written from them, such as a case
    description in the corpus: it is cited as such, with all its sources, not as if its first URL were the
    quoted text. A document with one `bron` is that source."""
    meta = c.metadata or {}
    sources = [u for u in map(web_address, _as_list(meta.get("bronnen"))) if u]
    # a title that is a sentence ends in a full stop: the reference's own comma or full stop follows, not a second
    title = plain(c.title)
    title = title[:-1] if title.endswith(".") and not title.endswith("..") else title
    kind = plain(meta.get("soort") or "")  # what a PDF prints itself to be: brief, motie, besluitenlijst, …
    if sources:
        parts = [f"Beschrijving „{title}” in de Vraagbaak-documenten"]
    elif kind and kind.lower().split("-")[-1] not in title.lower():  # "Woo-besluit" in "Woo-deelbesluit …"
        parts = [f"{kind[:1].upper()}{kind[1:]} „{title}”"]
    else:
        parts = [title]
    who = profile.owner(meta)
    if who and plain(who).lower() not in title.lower():  # "Tweede Kamer der Staten-Generaal" is often the title
        parts.append(plain(who))
    if meta.get("datum") not in UNKNOWN:  # what a PDF prints about itself (ingest/identity.py)
        if plain(meta["datum"]).lower() not in title.lower():
            parts.append(plain(meta["datum"]))
    elif meta.get("jaar") not in UNKNOWN:
        parts.append(plain(meta["jaar"]))
    if meta.get("kenmerk") not in UNKNOWN:
        reference = plain(meta["kenmerk"])
        parts.append(reference if reference.startswith("Kamerstuk") else f"kenmerk {reference}")
    if c.page is not None:
        parts.append(f"tekst via OCR, p. {c.pages}" if c.ocr else f"p. {c.pages}")
    section = section_without_title(c.section, title)
    if section:
        parts.append(f"§ {section}")
    text = ", ".join(parts)
    text += "" if text.endswith(("…", "!", "?")) else "."
    if not with_url:
        return text
    if sources:
        return f"{text} Gebaseerd op: {'; '.join(sources)}"
    url = web_address(meta.get("bron"))
    return f"{text} {url}" if url else text


def section_without_title(section: str | None, title: str) -> str | None:
    """"Slim vegen (Utrecht) > Wat is het" under the title "Slim vegen" is "Wat is het": no repeated title."""
    if not section:
        return None
    parts = [plain(p) for p in section.split(" > ")]
    if parts and parts[0].lower().startswith(title.lower()):
        parts = parts[1:]
    return " > ".join(parts) or None


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def filters_line(filters: dict | None) -> str:
    """"Gezocht in: gemeente Utrecht; document a.md", or "" without filters."""
    if not filters:
        return ""
    return "Gezocht in: " + "; ".join(f"{key} {', '.join(map(str, _as_list(values)))}"
                                      for key, values in filters.items() if values)
