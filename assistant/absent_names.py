"""Names in a question that no document contains: "En in Tilburg?" when no passage mentions Tilburg.

The answer then says so before its quotes, which are about the rest of the question. Only names are checked
(a capitalised word inside the question, or an abbreviation such as "WOZ"): they have no synonyms, so a name
that no passage holds really is absent. Ordinary words are not checked; a question may use another word than
the documents ("vuilniswagen" for "opgehaald"), and checking them fired on 25 of 58 answerable dev questions
(docs/evaluation.md, session 6).
"""
from __future__ import annotations

import re
from typing import Callable

# A capitalised word after another word (not the first word of the question), or an abbreviation anywhere.
_NAME = re.compile(r"(?<=[\w,;:)] )[A-ZÀ-Ý][\w'’-]+|\b[A-Z]{2,}\b")


def names(question: str) -> list[str]:
    return list(dict.fromkeys(m.group(0).strip("'’-") for m in _NAME.finditer(question)))


def absent_names(question: str, indexed_terms: Callable[[str], list[str]]) -> list[str]:
    """The names in `question` of which no part ("WOZ-waarde": "WOZ", "waarde") is an indexed term."""
    return [name for name in names(question)
            if not any(indexed_terms(part) for part in re.split(r"[-'’]", name) if part)]


def notice(absent: list[str], found: bool) -> str:
    quoted = ", ".join(f"„{name}”" for name in absent)
    said = f"Let op: {quoted} {'komt' if len(absent) == 1 else 'komen'} in geen enkel document voor."
    return f"{said} Wat hieronder staat, gaat over de rest van uw vraag." if found else said
