"""Which owners of the collection (its gemeenten, or organisaties: CollectionProfile.owner) a question or a quote
names, and which a list question asks the others of ("Welke andere gemeenten dan Enschede …?").

A question names an owner where the owner's name stands in it capitalised, as a whole name, longest first: "Best"
in "… het best uittrekken" is no gemeente, "Bergen" is not asked in "Bergen op Zoom". Matching runs on folded text
(no case, no accents: "Súdwest-Fryslân"), with one compiled pattern per set of owners. May import: text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from vraagbaak.text.words import fold

# "dan Enschede", "behalve Utrecht", "naast Zaanstad", "op Rotterdam na": the owner the list leaves out
_LEFT_OUT = re.compile(r"\b(?:dan|behalve|naast|buiten)\s+$", re.I)
_LEFT_OUT_AFTER = re.compile(r"^\s+na\b", re.I)


@lru_cache(maxsize=8)
def _pattern(owners: frozenset[str]) -> re.Pattern | None:
    """One alternation of every owner, longest first, as whole words of folded text."""
    if not owners:
        return None
    alternatives = "|".join(re.escape(o) for o in sorted(owners, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """fold(text), and for each folded character the index of the character of `text` it comes from."""
    folded, positions = [], []
    for i, ch in enumerate(text):
        part = fold(ch)
        folded.append(part)
        positions.extend([i] * len(part))
    return "".join(folded), positions


def named_in_question(question: str, owners: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, owner) of each owner the question names, capitalised, in the question's own characters."""
    pattern = _pattern(owners)
    if pattern is None:
        return []
    folded, positions = _folded_with_positions(question)
    spans = []
    for m in pattern.finditer(folded):
        start, end = positions[m.start()], positions[m.end() - 1] + 1
        if question[start].isupper():
            spans.append((start, end, m.group(0)))
    return spans


def named_in_text(folded: str, owners: frozenset[str]) -> set[str]:
    """The owners a folded text (a quote with its title, section and metadata) names, in any case."""
    pattern = _pattern(owners)
    return set(pattern.findall(folded)) if pattern is not None else set()


def others_asked(question: str, owners: frozenset[str], owner_field: str) -> set[str]:
    """The owners a list question asks the others of: named after "dan", "behalve", "naast" ("Welke gemeenten
    behalve Enschede …?", "op Rotterdam na"), or anywhere in a question for "andere gemeenten" (the owner field's
    plural: "Welke andere gemeenten hebben de audit van Utrecht overgenomen?"). Not for "andere projecten":
    "Welke andere projecten heeft Utrecht nog gedaan?" asks Utrecht's."""
    spans = named_in_question(question, owners)
    plural = re.compile(rf"\bandere\s+(?:\w+\s+)?{re.escape(owner_field)}(?:n|s|en)?\b", re.I)
    if plural.search(question):
        return {owner for _, _, owner in spans}
    return {owner for start, end, owner in spans
            if _LEFT_OUT.search(question[:start]) or _LEFT_OUT_AFTER.match(question[end:])}


def without_owners(question: str, owners: set[str], all_owners: frozenset[str]) -> str:
    """The question without the owners it leaves out and the word that leads them in ("dan Enschede", "van
    Utrecht", "en Zaanstad"): what to search for the others."""
    spans = [(s, e) for s, e, owner in named_in_question(question, all_owners) if owner in owners]
    for start, end in sorted(spans, reverse=True):
        lead = re.search(r"(?:\b(?:dan|behalve|naast|buiten|van|uit|in|en|op)\s+)?$", question[:start], re.I)
        after = _LEFT_OUT_AFTER.match(question[end:])
        question = question[:lead.start()] + " " + question[end + (after.end() if after else 0):]
    return re.sub(r"(?:\s*,){2,}", ",", " ".join(question.split()))  # "Welke gemeenten, behalve X, …"
