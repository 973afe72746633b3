"""An answer as text an adviser can paste into a memo: quotes plus a Dutch source list."""
from __future__ import annotations

from .schema import Answer, Citation

UNKNOWN = {"", "onbekend", None}


def source_reference(c: Citation, with_url: bool = True) -> str:
    """Title, organisation or gemeente, year, page, section, URL — in that order, skipping what is unknown.
    The one reference style for the chat answer, the memo text and the Markdown download."""
    meta = c.metadata or {}
    parts = [c.title]
    who = meta.get("gemeente") if meta.get("gemeente") not in UNKNOWN else meta.get("organisatie")
    if who not in UNKNOWN:
        parts.append(str(who))
    if meta.get("jaar") not in UNKNOWN:
        parts.append(str(meta["jaar"]))
    parts.append(f"p. {c.pages}" if c.page is not None else "geen paginanummer")
    if c.section:
        parts.append(f"§ {c.section}")
    url = meta.get("bron") or _first(meta.get("bronnen"))
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
