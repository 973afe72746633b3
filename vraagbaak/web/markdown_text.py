"""Document text inside Markdown that a browser renders (the chat, the Markdown memo): no link, image or HTML
may come from a document. A PDF title "[Uw sessie is verlopen, klik hier](http://…)" became a clickable link
inside a sourced answer, and "![](http://…)" made every reader's browser call that address.

The text stays readable as it was: Markdown shows a backslash-escaped character as itself. Imports nothing.
"""
from __future__ import annotations

import re

# link and image brackets, HTML tags, code spans, and the backslash itself
_SYNTAX = re.compile(r"([\\\[\]<>`])")
# what a Markdown renderer turns into a link without brackets (GFM autolinks): "https://…", "www.…", "mailto:",
# an e-mail address; also glued to what comes before ("1https://…", a footnote number in PDF text)
_AUTOLINK = re.compile(r"(?i)(https?|ftp|file|javascript|data|mailto|www)([:.])|(@)")
# emphasis from a document: "aerosolvormende handelingen*) waarvoor …" in a bold sentence moved the asterisk
# elsewhere and set words in italics (a helper's user test). The Vraagbaak's own bold ("**…**", render.py) stays.
_EMPHASIS = re.compile(r"(\*\*)|([*_~])")


def inert(text: str) -> str:
    """`text` as Markdown that renders to the same characters and to no link, image, HTML or emphasis of its own
    (a "**" pair is taken as the bold the answer text puts around its answering sentences)."""
    escaped = _SYNTAX.sub(r"\\\1", text)
    escaped = _EMPHASIS.sub(lambda m: m.group(1) or "\\" + m.group(2), escaped)
    return _AUTOLINK.sub(lambda m: "\\@" if m.group(3) else f"{m.group(1)}\\{m.group(2)}", escaped)
