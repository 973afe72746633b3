"""An answer as text an adviser can paste into a memo: quotes plus a Dutch source list."""
from __future__ import annotations

import re

from .schema import Answer, Citation

UNKNOWN = {"", "onbekend", None}
_TAG = re.compile(r"<[^>]*>")


def plain(value) -> str:
    """Metadata as plain text: front matter can hold HTML, which has no place in a memo or a Word file."""
    return " ".join(_TAG.sub("", str(value)).split())


def web_address(value) -> str | None:
    """Only http(s) addresses from metadata are cited (no javascript:, file: or data: links)."""
    value = str(value or "").strip()
    return value if re.match(r"^https?://[^\s<>\"]+$", value, re.I) else None


def source_reference(c: Citation, with_url: bool = True) -> str:
    """Title, organisation or gemeente, year, page, section, URL — in that order, skipping what is unknown.
    The one reference style for the chat answer, the memo text and the Markdown download."""
    meta = c.metadata or {}
    parts = [plain(c.title)]
    who = meta.get("gemeente") if meta.get("gemeente") not in UNKNOWN else meta.get("organisatie")
    if who not in UNKNOWN:
        parts.append(plain(who))
    if meta.get("jaar") not in UNKNOWN:
        parts.append(plain(meta["jaar"]))
    parts.append(f"p. {c.pages}" if c.page is not None else "geen paginanummer")
    if c.section:
        parts.append(f"§ {plain(c.section)}")
    url = web_address(meta.get("bron") or _first(meta.get("bronnen")))
    text = ", ".join(parts) + "."
    return f"{text} {url}" if url and with_url else text


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def memo_text(answer: Answer) -> str:
    if not answer.found:
        return f"Vraag: {answer.question}\n\n{answer.answer}\n"
    quotes = [f"„{c.quote}” [{c.n}]" for c in answer.citations]
    sources = [f"[{c.n}] {source_reference(c)}" for c in answer.citations]
    return f"Vraag: {answer.question}\n\n" + "\n\n".join(quotes) + "\n\nBronnen\n" + "\n".join(sources) + "\n"


def memo_markdown(answer: Answer) -> str:
    if not answer.found:
        return f"## Vraag\n\n{answer.question}\n\n{answer.answer}\n"
    quotes = [f"> „{c.quote}” [{c.n}]" for c in answer.citations]
    sources = [f"{c.n}. {source_reference(c)}" for c in answer.citations]
    return (f"## Vraag\n\n{answer.question}\n\n## Citaten\n\n" + "\n\n".join(quotes)
            + "\n\n## Bronnen\n\n" + "\n".join(sources) + "\n")
