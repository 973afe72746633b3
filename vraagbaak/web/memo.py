"""An answer as text an adviser can paste into a memo: quotes plus a Dutch source list."""
from __future__ import annotations

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.schema import Answer, Citation
from vraagbaak.web.markdown_text import inert


def memo_text(answer: Answer, with_question: bool = False) -> str:
    """Quotes, then a numbered source list: text that goes into a memo as it is."""
    head = [f"Vraag: {answer.question}"] if with_question else []
    head += [line for line in (filters_line(answer.filters),) if line]
    if not answer.found:
        return "\n\n".join(head + [answer.answer]) + "\n"
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
        return f"## Vraag\n\n{question}\n\n{scope}{inert(answer.answer)}\n"
    quotes = [f"> „{inert(c.quote)}” \\[{c.n}\\]" for c in answer.citations]
    sources = [f"{c.n}. {_reference(c)}" for c in answer.citations]
    return (f"## Vraag\n\n{question}\n\n{scope}## Citaten\n\n" + "\n\n".join(quotes)
            + "\n\n## Bronnen\n\n" + "\n".join(sources) + "\n")


def _reference(c: Citation) -> str:
    """The reference with its text inert and its checked web addresses (source_reference) as they are."""
    text = source_reference(c, with_url=False)
    return inert(text) + source_reference(c)[len(text):]
