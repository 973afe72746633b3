"""An answer as text an adviser can paste into a memo: quotes plus a Dutch source list."""
from __future__ import annotations

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.schema import Answer


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
    scope = filters_line(answer.filters)
    scope = f"{scope}\n\n" if scope else ""
    if not answer.found:
        return f"## Vraag\n\n{answer.question}\n\n{scope}{answer.answer}\n"
    quotes = [f"> „{c.quote}” [{c.n}]" for c in answer.citations]
    sources = [f"{c.n}. {source_reference(c)}" for c in answer.citations]
    return (f"## Vraag\n\n{answer.question}\n\n{scope}## Citaten\n\n" + "\n\n".join(quotes)
            + "\n\n## Bronnen\n\n" + "\n".join(sources) + "\n")
