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


def inert(text: str) -> str:
    """`text` as Markdown that renders to the same characters and to no link, image or HTML."""
    escaped = _SYNTAX.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: "\\@" if m.group(3) else f"{m.group(1)}\\{m.group(2)}", escaped)
