"""Text repair for extracted pages: ligatures, hyphenation, whitespace, running headers; and web and e-mail
addresses left out where words are compared."""
from __future__ import annotations

import re
from collections import Counter

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
             "\u00ad": "", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\ufeff": ""}
_LIGATURE_RE = re.compile("|".join(map(re.escape, LIGATURES)))
# A hyphen at a line end followed by a lowercase word: either a word broken over two lines
# ("beperk-\ntere") or a compound that is written with a hyphen ("ICT-\nbeleid", "zee-\negel").
_HYPHEN_BREAK = re.compile(r"(\w+)-[ \t]*\n[ \t]*([a-zà-ÿ][\w]*)")
# "Noord-\nHolland": the next line starts with a capital, as real Dutch compounds with a hyphen do.
_COMPOUND_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(?=[A-ZÀ-Ý])")
# "Wet-\nen regelgeving", "in-\nof uitvoer", "zowel binnen-\nals buitenland": a compound shortened before a
# conjunction, whose hyphen and space are the document's own (joined, it read "Weten regelgeving"). Only after a
# consonant: after a vowel "en" is also a syllable of its own ("draai-\nen", "groei-\nen", "zee-\nen")
_CONJUNCTIONS = {"en", "of", "als", "tot", "noch"}
# "beleggingsdiensten en -⏎producten": the second compound shortened after a conjunction; its hyphen begins the
# next word ("en -producten"), where the line end had left "en - producten"
_SHORTENED_AFTER = re.compile(rf"\b({'|'.join(_CONJUNCTIONS)}) -[ \t]*\n[ \t]*(?=[a-zà-ÿ])", re.I)
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
_VOCABULARY_WORD = re.compile(r"\w+(?:-\w+)*")
_PAGE_NUMBER = re.compile(r"^\s*(pagina|page|blz\.?|p\.)?\s*\d+\s*((van|of|/)\s*\d+)?\s*$", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_WS = re.compile(r"\s+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def asked_text(text: str, max_chars: int) -> str:
    """A question as it is searched: at most max_chars, without lone surrogates (JSON allows "\\ud800"; UTF-8
    does not, and the tokenizer, SQLite and the log failed on it with a generic error)."""
    return _SURROGATE.sub("", text[:max_chars])


def normalise_characters(text: str) -> str:
    return _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], text)


def document_vocabulary(texts: list[str]) -> set[str]:
    """Every word of a document, lowercased, hyphenated compounds both whole and in parts."""
    vocabulary: set[str] = set()
    for text in texts:
        for word in _VOCABULARY_WORD.findall(text.lower()):
            vocabulary.add(word)
            vocabulary.update(word.split("-"))
    return vocabulary


def is_known_word(word: str) -> bool:
    """A Dutch word in wordfreq's list (offline data in the package)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl") > 0


RARE_ZIPF = 4.5  # "sensoren" 3.6, "privacy" 4.5, "pakken" 5.0, "werken" 5.7 (wordfreq's Zipf scale)


def is_rare_word(word: str) -> bool:
    """A word that is uncommon in Dutch in general: a subject, not a verb or function word."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "nl") < RARE_ZIPF


def repair_hyphenation(text: str, vocabulary: set[str] | None = None) -> str:
    """Join a word broken over two lines only when the joined word is a real word: it occurs elsewhere
    in the document, or it is a known Dutch word and the document never writes it with a hyphen.
    Otherwise the hyphen is the document's own ("ICT-beleid", "zee-egel") and stays."""
    vocabulary = vocabulary if vocabulary is not None else document_vocabulary([text])

    def join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        if right in _CONJUNCTIONS and left[-1].lower() not in _VOWELS:
            return f"{left}- {right}"
        joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
        if joined in vocabulary or (hyphenated not in vocabulary and is_known_word(joined)):
            return left + right
        if hyphenated not in vocabulary and _completes_a_word(left.lower(), right.lower(), vocabulary):
            return left + right
        return f"{left}-{right}"

    return _SHORTENED_AFTER.sub(r"\1 -", _COMPOUND_BREAK.sub(r"\1-", _HYPHEN_BREAK.sub(join, text)))


MIN_WORD_START, MIN_COMPLETED = 3, 6  # "kre|dieten": a word begun at least 3 letters before the break, 6 letters long


def _completes_a_word(left: str, right: str, vocabulary: set[str]) -> bool:
    """"bedrijfskredie-⏎ten": the line broke inside the compound's last word ("kredieten", a word of the document or
    of Dutch), not between two words as a document's own hyphen does ("Wmo-model", "ICT-beleid")."""
    return any((left[i:] + right) in vocabulary or is_known_word(left[i:] + right)
               for i in range(max(1, len(left) - 8), len(left) - MIN_WORD_START + 1)
               if len(left) - i + len(right) >= MIN_COMPLETED)



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
    vocabulary = document_vocabulary(pages)
    return [label_value_lines(normalise_whitespace(repair_hyphenation(p, vocabulary))) for p in pages]


# --- forms ------------------------------------------------------------------
# "b) Datum ontvangst Commissiedocument" on one line, "25 november 2021" on the next: a short label
# without closing punctuation, optionally lettered, above a short value.
_LABEL = re.compile(r"^(?:[a-z]\)\s+)?[A-ZÀ-Ý][^:;!?]{1,70}(?<![.,])$")
_LETTERED = re.compile(r"^[a-z]\)\s")
MIN_FORM_FIELDS = 3  # one label above a line is a heading; several on one page are a form


def label_value_lines(page: str) -> str:
    """A label/value layout becomes "label: value", so the pair is one unit that a question can reach."""
    lines = page.split("\n")
    fields = [i for i in range(len(lines) - 1) if _is_field(lines, i)]
    if len(fields) < MIN_FORM_FIELDS:
        return page
    for i in reversed(fields):
        lines[i:i + 2] = [f"{lines[i]}: {lines[i + 1]}"]
    return "\n".join(lines)


def _is_field(lines: list[str], i: int) -> bool:
    label = lines[i].strip()
    starts_block = i == 0 or not lines[i - 1].strip() or bool(_LETTERED.match(label))
    value_block = []
    for line in lines[i + 1:]:
        if not line.strip():
            break
        value_block.append(line)
    return (starts_block and bool(_LABEL.match(label)) and len(label.split()) <= 8 and 1 <= len(value_block) <= 3
            and sum(len(v.split()) for v in value_block) <= 40)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text for a terminal: control characters removed (newline and tab kept). A document can hold ESC
    sequences that clear the screen or make links (ESC[2J, OSC 8); the CLI prints document text and names."""
    return _CONTROL.sub("", text)


# A web or e-mail address: where something is, not what it says
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+@[\w-]+(?:\.[\w-]+)+\b"
                      # a domain in lower case, whole: not "Den Haag.Nl", "plan.Commissie" or "2.Organisatie"
                      r"|\b[\w-]+(?:\.[\w-]+)*\.(?-i:nl|com|org|eu|net)(?![\w-])(?:/\S*)?", re.I)
_ADDRESS_MARKS = ("://", "www.", "@", ".nl", ".com", ".org", ".eu", ".net")  # one of these is in every address


def without_addresses(text: str) -> str:
    """The text with its web and e-mail addresses left out. Their parts are no words of what is said: "Zijn de
    pdf's op open.minvws.nl toegankelijk?" matched a list of links (open, minvws, nl) and "Wet open overheid"
    better than the finding "Alle pdf's op deze site blijken ontoegankelijk"."""
    lowered = text.lower()  # most sentences hold no address: a look for its marks costs a tenth of the pattern
    if not any(mark in lowered for mark in _ADDRESS_MARKS):
        return text
    return _ADDRESS.sub(" ", text)


# The codes a Woo (or earlier Wob) release prints where it blacked out what it may not make public: the article and
# letter of the ground for refusal, "5.1.2e" (personal privacy) above all; OCR reads the "e" of a scan as "¢" or "€"
# too. Only lettered codes that stand alone: "artikel 5.1 lid 2" or "versie 5.1.2" are no redaction.
_REDACTION = re.compile(r"(?<![\w.])(?:5\.1\.[12]|10\.[12])\.?\s?[a-i¢€](?![\w.])")


def redaction_spots(text: str) -> list[str]:
    """The Woo/Wob codes in the text that stand where something was blacked out ("5.1.2e"), one per spot."""
    return [m.group().replace(" ", "") for m in _REDACTION.finditer(text)]


def redaction_codes(text: str) -> list[str]:
    """redaction_spots, each code once, in order."""
    return list(dict.fromkeys(redaction_spots(text)))
