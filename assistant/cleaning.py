"""Text repair for extracted pages: ligatures, hyphenation, whitespace, running headers."""
from __future__ import annotations

import re
from collections import Counter

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
             "\u00ad": "", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\ufeff": ""}
_LIGATURE_RE = re.compile("|".join(map(re.escape, LIGATURES)))
# "beperk-\ntere" is one word broken over two lines; "Noord-\nHolland" keeps its hyphen
# because the next line starts with a capital, as real Dutch compounds with a hyphen do.
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(?=[a-zà-ÿ])")
_COMPOUND_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(?=[A-ZÀ-Ý])")
_PAGE_NUMBER = re.compile(r"^\s*(pagina|page|blz\.?|p\.)?\s*\d+\s*((van|of|/)\s*\d+)?\s*$", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_WS = re.compile(r"\s+")


def normalise_characters(text: str) -> str:
    return _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], text)


def repair_hyphenation(text: str) -> str:
    return _COMPOUND_BREAK.sub(r"\1-", _HYPHEN_BREAK.sub(r"\1", text))


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep line breaks (they mark lines and paragraphs)."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def collapse_whitespace(text: str) -> str:
    """The whitespace-insensitive form used to check that a quote is verbatim."""
    return _WS.sub(" ", text).strip()


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def remove_running_lines(pages: list[str], edge_lines: int = 3, min_share: float = 0.5) -> list[str]:
    """Drop headers and footers: lines near the top or bottom of a page that
    repeat (digits ignored) on at least ``min_share`` of the pages, and bare page numbers."""
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_line_key(l) for l in _edges(lines, edge_lines) if l.strip()})
    needed = max(2, int(len(pages) * min_share + 0.999))
    repeated = {key for key, n in counts.items() if n >= needed and len(pages) >= 2}
    cleaned = []
    for lines in split:
        edges = set(range(min(edge_lines, len(lines)))) | set(range(max(0, len(lines) - edge_lines), len(lines)))
        kept = [l for i, l in enumerate(lines) if not (i in edges and _is_running(l, repeated))]
        cleaned.append("\n".join(kept))
    return cleaned


def _is_running(line: str, repeated: set[str]) -> bool:
    """A repeated line, a bare page number, or a repeated line with a prefix
    (a first page often prints the place before the usual footer)."""
    key = _line_key(line)
    return (key in repeated or bool(_PAGE_NUMBER.match(line))
            or any(len(r) >= 15 and key.endswith(r) for r in repeated))


def _edges(lines: list[str], n: int) -> list[str]:
    return lines[:n] + lines[-n:] if len(lines) > n else lines


def clean_pages(pages: list[str]) -> list[str]:
    pages = [normalise_whitespace(normalise_characters(p)) for p in pages]
    pages = remove_running_lines(pages)
    return [normalise_whitespace(repair_hyphenation(p)) for p in pages]
