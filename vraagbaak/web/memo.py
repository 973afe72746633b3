"""An answer as text an adviser can paste into a memo: quotes plus a Dutch source list."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.answer.render import memo_notice
from vraagbaak.schema import Answer, Citation
from vraagbaak.text.dates import dutch_date
from vraagbaak.web.markdown_text import inert

NO_MEMO = "Geen memo: in de documenten is niets gevonden dat de vraag beantwoordt."


def memo_filename(answer: Answer, extension: str, day: dt.date | None = None) -> str:
    """"vraagbaak-wat-kost-slim-vegen-2026-12-05.docx": the question and the date, in plain ASCII."""
    words = unicodedata.normalize("NFKD", answer.question).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", words))[:60].rstrip("-") or "antwoord"
    return f"vraagbaak-{slug}-{(day or dt.date.today()).isoformat()}.{extension}"


def memo_text(answer: Answer) -> str:
    """The question, the date and the filter, then the quotes and a numbered source list: text that goes into a
    memo as it is. A "niets gevonden" answer has no memo."""
    if not answer.found:
        return NO_MEMO + "\n"
    head = [f"Vraag: {answer.question}", f"Datum: {dutch_date()}"]
    head += [line for line in (filters_line(answer.filters), memo_notice(answer)) if line]
    quotes = [f"„{c.quote}” [{c.n}]" for c in answer.citations]
    sources = [f"[{c.n}] {source_reference(c)}" for c in answer.citations]
    return "\n\n".join(head + quotes) + "\n\nBronnen\n" + "\n".join(sources) + "\n"


def memo_markdown(answer: Answer) -> str:
    """The memo as Markdown: what the documents and the question say is inert (no link, image or HTML from a
    document); the source addresses that Vraagbaak checked (http/https) stay as they are."""
    scope = filters_line(answer.filters)
    scope = f"{inert(scope)}\n\n" if scope else ""
    question = inert(answer.question)
    if not answer.found:
        return f"## Vraag\n\n{question}\n\n{NO_MEMO}\n"
    notice = memo_notice(answer)
    scope = f"Datum: {dutch_date()}\n\n{scope}" + (f"**{notice}**\n\n" if notice else "")
    quotes = [f"> „{inert(c.quote)}” \\[{c.n}\\]" for c in answer.citations]
    sources = [f"{c.n}. {_reference(c)}" for c in answer.citations]
    return (f"## Vraag\n\n{question}\n\n{scope}## Citaten\n\n" + "\n\n".join(quotes)
            + "\n\n## Bronnen\n\n" + "\n".join(sources) + "\n")


def _reference(c: Citation) -> str:
    """The reference with its text inert and its checked web addresses (source_reference) as they are."""
    text = source_reference(c, with_url=False)
    return inert(text) + source_reference(c)[len(text):]
