"""Headings: which line is one (a Markdown "## Aanpak", or a numbered "3.2 Aanpak en data" in a PDF), and the
path of headings a line stands under. The one heading walk for chunking and for the source view. Pure.
"""
from __future__ import annotations

import re

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# "3.2 Aanpak en data": a numbered line, capitalised, short, no closing full stop.
_PDF_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÀ-Ý][^\n]{2,80})$")


def heading_of(line: str, is_markdown: bool) -> tuple[int, str] | None:
    if is_markdown:
        m = _MD_HEADING.match(line)
        return (len(m.group(1)), m.group(2).strip()) if m else None
    m = _PDF_HEADING.match(line.strip())
    if not m or m.group(2).rstrip().endswith((".", ",", ";", ":")) or len(m.group(2).split()) > 12:
        return None
    return (m.group(1).count(".") + 1, line.strip())


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
