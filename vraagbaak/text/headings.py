"""Headings: which line is one (a Markdown "## Aanpak", or a numbered "3.2 Aanpak en data" in a PDF), and the
path of headings a line stands under. The one heading walk for chunking and for the source view. Pure.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# "3.2 Aanpak en data": a numbered line, capitalised, short, no closing full stop.
_PDF_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÀ-Ý][^\n]{2,80})$")


# not a heading, though numbered: a table of contents line ("3.4 Technologieën ........ 11"), markup that a PDF
# printed ("2.75 MB)</span>"), a date or a measure ("22.04.21 NOTULEN", "2.75 MB": a padded or large sub-number)
_TOC_LEADER = re.compile(r"(?:\.\s*){4,}\d*\s*$|…\s*\d+\s*$")
_MARKUP = re.compile(r"[<>{}=|\\]")


def heading_of(line: str, is_markdown: bool) -> tuple[int, str] | None:
    if is_markdown:
        m = _MD_HEADING.match(line)
        return (len(m.group(1)), m.group(2).strip()) if m else None
    m = _PDF_HEADING.match(line.strip())
    if not m or m.group(2).rstrip().endswith((".", ",", ";", ":")) or len(m.group(2).split()) > _MAX_HEADING_WORDS:
        return None
    if _TOC_LEADER.search(m.group(2)) or _MARKUP.search(m.group(2)) or not _section_number(m.group(1)):
        return None
    return (m.group(1).count(".") + 1, line.strip())


def _section_number(number: str) -> bool:
    """"3.2" and "12.1.4" are; "22.04.21" (a date) and "2.75" (a measure) are not."""
    below = number.split(".")[1:]
    return not any(part.startswith("0") or int(part) > 40 for part in below if part)


# A title does not end in an article, a preposition or a conjunction: "15. Onderzoeksvoorstel … als wethouder van
# de" goes on on the next line ("gemeente Den Helder."), where a PDF broke it.
_OPEN_END = re.compile(r"\b(de|het|een|der|des|van|en|of|voor|met|aan|op|in|te|ten|door|bij|over|naar|om|als|tot|"
                       r"inzake|onder|tussen|zonder|uit|and|or|of|the|for|to)$", re.I)
CONTINUED = (0, "")  # headings(): this line goes on with the heading above it
_MAX_HEADING_WORDS = 12


def ends_open(title: str) -> bool:
    """Does the title stop at a word no title ends with ("… interviewgesprekken over")? The next line goes on."""
    return bool(_OPEN_END.search(title.rstrip()))


class Item(NamedTuple):
    """A numbered item of the document's own numbering, whose title ends with a full stop ("16. Motie met
    betrekking tot de herverdeling van taken onder de wethouders."): an agenda item of a besluitenlijst or notulen.
    It starts a section as a heading does, and its line stays in the text, which the item's title is part of."""
    level: int
    title: str


# "16. Motie …": a number with a full stop, a capitalised title
_NUMBERED_LINE = re.compile(r"^(\d{1,2})\.\s+[A-ZÀ-Ý]")
# a line that starts a list item ("2. …", "b) …", "- …"): no title goes on onto it
_LIST_LINE = re.compile(r"^(\d{1,2}[.)]|[a-z][.)]|[-•*–▪●·])\s")
_MAX_ITEM_WORDS = 30  # an agenda item's title may be long: "8. Voorstel tot het indienen van wensen en …" has 28


def document_lines(pages: list[str]) -> list[str]:
    """The lines of a document's pages as `headings` reads them: a blank line between two pages, so that no heading
    goes on over a page break and an item at the top of a page stands apart."""
    lines: list[str] = []
    for i, page in enumerate(pages):
        lines += ([""] if i else []) + page.split("\n")
    return lines


def headings(lines: list[str], is_markdown: bool) -> list[tuple[int, str] | None]:
    """Per line: the heading that starts there as (level, title), CONTINUED for the second line of a numbered
    heading that a PDF broke after an open word (the title then holds both lines), an Item, or None. Called with
    every line of a document: an Item continues the numbering of the headings and items above it."""
    out: list[tuple[int, str] | None] = [heading_of(line, is_markdown) for line in lines]
    _join_broken_titles(out, lines, is_markdown)
    if not is_markdown:
        _numbered_items(out, lines)
    return out


def _join_broken_titles(out: list[tuple[int, str] | None], lines: list[str], is_markdown: bool) -> None:
    """A numbered PDF heading goes on on the next line where it stops at an open word ("… als wethouder van de")
    or where that line starts in lower case and ends the title ("… van de Stichting Meerwerf" over "basisscholen
    Den Helder."): text under a heading does not start in lower case, and it was quoted as a loose fragment."""
    for i, heading in enumerate(out[:-1]):
        if heading is None or heading is CONTINUED or is_markdown:
            continue
        following = lines[i + 1].strip()
        tail = following[:1].islower() and following.endswith(".")
        if not (_OPEN_END.search(heading[1]) or tail):
            continue
        if following and out[i + 1] is None and len(following.split()) <= _MAX_HEADING_WORDS \
                and not _LIST_LINE.match(following):
            out[i] = (heading[0], f"{heading[1]} {following.rstrip('.').rstrip()}")
            out[i + 1] = CONTINUED


def _numbered_items(out: list[tuple[int, str] | None], lines: list[str]) -> None:
    """Mark the numbered lines that continue the top-level numbering (the number after the last heading's or
    item's) and stand apart (after a blank line, as pages are joined: `document_lines`) as Items, where their title
    ends with a full stop on that line or the next and text follows. A
    besluitenlijst numbers its agenda items "1. Opening." to "17. Sluiting."; only those that broke over two
    lines without a full stop were headings, so item 16's decision was cited under § 15. A list inside an item
    ("1. De conclusies … te onderschrijven." under item 9) starts again at 1, and its items follow each other."""
    last = 0
    for i, line in enumerate(lines):
        heading = out[i]
        if heading is CONTINUED:
            continue
        if heading is not None:
            number = re.match(r"(\d{1,2})\b", heading[1])
            if heading[0] == 1 and number:
                last = int(number.group(1))
            continue
        text = line.strip()
        numbered = _NUMBERED_LINE.match(text)
        # an agenda item stands apart (a blank line or a page before it); a list's items follow each other
        apart = i == 0 or not lines[i - 1].strip()
        if not numbered or not apart or int(numbered.group(1)) != last + 1 or len(text.split()) > _MAX_ITEM_WORDS:
            continue
        title_lines = 1 if text.endswith(".") else 2
        if title_lines == 2 and (i + 1 >= len(lines) or _LIST_LINE.match(lines[i + 1].strip())):
            continue  # "4. Motie … van Den Helder" over "5. Sluiting.": no title of two lines
        title = " ".join(part.strip() for part in lines[i:i + title_lines])
        following = next((x.strip() for x in lines[i + title_lines:] if x.strip()), "")
        if title.endswith(".") and len(title.split()) <= _MAX_ITEM_WORDS and following \
                and not _LIST_LINE.match(following):
            out[i] = Item(1, title.rstrip("."))
            last += 1


class HeadingPath:
    """The headings above the current line, outermost first: a heading replaces those of its level and deeper."""

    def __init__(self):
        self._path: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> None:
        self._path = [(lvl, h) for lvl, h in self._path if lvl < level] + [(level, title)]

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(h for _, h in self._path)

    def __str__(self) -> str:
        return " > ".join(self.titles)
