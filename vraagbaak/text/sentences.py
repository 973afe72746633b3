"""Dutch sentence splitting (sentencex), with repairs for abbreviations, list markers and stray quotes."""
from __future__ import annotations

import re

from sentencex import segment

from vraagbaak.schema import Chunk

_STARTS_LOWER = re.compile(r"^\W*[a-zà-ÿ]")
# What ends a piece that sentencex cut after an abbreviation rather than a sentence: a dotted abbreviation
# ("o.a.", "m.b.t."), a word of at most four letters ("bijv.", "art.", "nr.") or a number ("artikel 15.").
# A longer word with its full stop ends a sentence, even when the next one starts in lowercase: text that
# an export or OCR left without capitals ("… heeft. tijdens uw gevangenschap …") stayed one long sentence.
# Matched against the last word of the piece only, with bounded parts: no backtracking over a long dotted code.
_ABBREVIATION_END = re.compile(r"\W*(?:\w{1,2}(?:\.\w{1,2})+|[^\W\d_]{1,4}|\d+)\.\W*")
# A piece that is only a list number ("3.", "b)") belongs to the item text after it.
_ONLY_MARKER = re.compile(r"^\s*(\d{1,3}|[a-z])[.)]\s*$")
_CLOSERS = "”’\"'»›)\\]"  # what closes a quotation or bracket
# A piece that starts with a comma, semicolon or colon (after a closing quote or bracket) goes on with the sentence
# before it: a quoted question or exclamation inside a sentence ("Hij vroeg: "Klopt dit?", en ging verder.", "het
# artikel 'Is deze slang illegaal of niet? ', https://…") is no sentence end
_GOES_ON = re.compile(rf"^\s*[{_CLOSERS}]*\s*[,;:]")


# Two things that make sentencex (1.0.32) leave a whole PDF paragraph as one "sentence", measured on the sample
# PDFs (sentences over 80 words: 20 before, 10 after; the longest 241 words, now 160):
# - a text or sentence that starts with a bullet or a "(3)"-style number: "• Bevinding nummer 75: De tabel … is
#   sorteerbaar. Dit wordt … voorgelezen." stayed one sentence; the text after the marker is segmented again;
# - quotes and brackets, which OCR and PDF text leave unbalanced ("het bericht ‘Dierenbeschermers … ‘Kan in
#   coronatijd niet door de beugel”?" kept 185 words of Kamervragen together): they are masked (same length)
#   while segmenting, and the sentences are cut from the text itself, so each stays a verbatim slice.
_BLOCKING_LEAD = re.compile(r"^\s*(?:[•◦○▪●]|_\w{1,3}_)\s*")  # "(3)" reads "_3_" once brackets are masked
_CLOSING = re.compile(rf"^\s*([{_CLOSERS}]+)(?=\s|$)")
_QUOTES_AND_BRACKETS = str.maketrans({c: "_" for c in "‘’‚‛“”„‟\"'`«»‹›()[]"})


def _segments(text: str) -> list[str]:
    """sentencex's sentences as verbatim slices of text, where one that starts with a blocking marker (at the
    start of the text or after an earlier sentence) is segmented again without it."""
    masked = text.translate(_QUOTES_AND_BRACKETS)
    lead = _BLOCKING_LEAD.match(masked)
    start = lead.end() if lead else 0
    out, at = [], start
    for piece in segment("nl", masked[start:]):
        out.append(text[at:at + len(piece)])
        at += len(piece)
    if at != len(text):  # sentencex dropped or changed characters: the text whole rather than misplaced cuts
        return [text]
    if lead and out:
        out[0] = text[:start] + out[0]
    for i in range(1, len(out)):  # a closing quote or bracket that the mask let slip to the next sentence
        closing = _CLOSING.match(out[i])
        if closing and closing.start(1) == 0 and out[i - 1] == out[i - 1].rstrip():  # stays a verbatim slice
            out[i - 1], out[i] = out[i - 1] + closing.group(1), out[i][closing.end(1):]
    out = [piece for piece in out if piece.strip()]
    again = []
    for i, piece in enumerate(out):
        inner = _BLOCKING_LEAD.match(piece.translate(_QUOTES_AND_BRACKETS))
        if inner and not (i == 0 and lead) and piece[inner.end():].strip():
            again.extend(_segments(piece))
        else:
            again.append(piece)
    return again


# A sentence longer than the quote limit (Settings.quote_max_words; indexing passes it) could not be quoted
# or highlighted whole. It is cut where its own structure allows, in this order of preference: after a
# semicolon (the clauses of a motie: "constaterende dat …; overwegende dat …; verzoekt de regering …"),
# before a list marker inside the running text ("… echter: o Door de vele ervaringen …", "• …"), after the
# page number of a table-of-contents line ("Inleiding ....... 7 2.1 Opdracht …"); a part that is still too
# long is cut at the comma nearest its middle, and without a comma at the space nearest its middle.
LONG_SENTENCE_WORDS = 80  # the default of Settings.quote_max_words
_STRUCTURE_CUT = re.compile(r"(?<=;)\s+(?=\S)"
                            r"|\s+(?=[•◦○▪●]\s)"
                            r"|(?<=[:;,.)])\s+(?=(?:o|e|eo|-|°)\s+[A-ZÀ-Ý])"
                            r"|(?<=\.{3})\s*\d{1,3}\s+(?=\S)")


# A list in running text: PDF text and OCR leave a bullet list as one "sentence" ("… (gelaatscherm/bril) eo Bij
# gebruik van chirurgisch mondneusmasker wel IIR gebruiken eo Triage …", where OCR reads "•" as "eo", "o", "e" or
# "°"). One of more than LIST_WORDS words is cut before each marker: each item is a sentence of its own, which a
# quote can hold, leave out or have in bold. "o" and "e" count only after punctuation (they are letters too).
LIST_WORDS = 30
_LIST_CUT = re.compile(r"\s+(?=[•◦○▪●]\s)"
                       r"|(?<=[:;,.)])\s+(?=(?:o|e|eo|-|°)\s+[A-ZÀ-Ý])"
                       r"|(?<=[^\W\d])\s+(?=(?:eo|°)\s+[A-ZÀ-Ý])")  # not "12 ° Celsius"


# A block of fields: an e-mail's header, a report's cover sheet or an attendance list ("Van: … Verzonden: maandag 28
# september 2020 19:26 Aan: … Onderwerp: RE: …", "Opdrachtgever: … Soort onderzoek: … Scope: …"), which PDF text
# and OCR leave as one "sentence". With at least FIELD_LABELS labels, each field is a sentence of its own: a quote
# about the subject line need not carry the sender and the date in bold, nor a date answer the whole header. A label
# is a capitalised word and at most two more in lower case before ": "; "cc" and "bcc" as mail writes them; not the
# "RE:" or "FW:" of a subject line, nor a place before a quoted title ("reptielenbeurs in Houten: ‘Kan in …’").
FIELD_LABELS = 3
_LABEL = (r"(?!(?:RE|Re|FW|Fw|Fwd|AW|WG)\s?:)"
          r"(?:[A-ZÀ-Ý][\w’'&/-]*(?:\s+[a-zà-ÿ][\w’'-]*){0,2}|[Bb]?[Cc][Cc])\s?:\s(?!\s*[‘’“”„\"'])")
# a table row as the spreadsheet loaders write it ("Rij 2: Aanvrager: Bakkerij Van Dam; Soort: …") is one record
_ROW_FIELD = re.compile(rf";\s+{_LABEL}")
# the labels themselves, at the start or after a space
_LABEL_NAME = re.compile(rf"(?:^|(?<=\s))(?={_LABEL})([^:]+?)\s?:")
# a vote or a decision of the minutes ("Voor de motie stemden: Stadspartij Den Helder: …; CDA: …", "Besluit: …
# Uitslag: … Portefeuillehouder: …") is one record: cut into fields, the next agenda item's decision was bolded (a
# red-team review)
_RECORD = re.compile(r"\b(?:stemden|stemming|besluit|besloten|uitslag|aangenomen|verworpen|aangehouden)\b", re.I)


def list_items(sentence: str) -> list[str]:
    """A sentence of more than LIST_WORDS words with list markers inside, cut before each marker, and a block of
    fields cut before each label (verbatim slices; the sentence whole where it has neither)."""
    items = [m.end() for m in _LIST_CUT.finditer(sentence) if 0 < m.end() < len(sentence)] \
        if len(sentence.split()) > LIST_WORDS else []
    labels = list(_LABEL_NAME.finditer(sentence)) if ":" in sentence else []
    names = [m.group(1).lower() for m in labels]
    # a label that comes back starts another record of the same kind: its fields belong to that record
    is_block = len(names) >= FIELD_LABELS and len(set(names)) == len(names) and not _RECORD.search(sentence) \
        and not _ROW_FIELD.search(sentence)
    fields = [m.start() for m in labels if m.start() > 0] if is_block else []
    cuts = sorted(set(items + fields))
    if not cuts:
        return [sentence]
    bounds = [0, *cuts, len(sentence)]
    return [part for a, b in zip(bounds, bounds[1:]) if (part := sentence[a:b].strip())]


def _cut_long(sentence: str, limit: int = LONG_SENTENCE_WORDS) -> list[str]:
    """A sentence of more than `limit` words as verbatim parts of at most `limit` words each."""
    if len(sentence.split()) <= limit:
        return [sentence]
    cuts = [m.end() for m in _STRUCTURE_CUT.finditer(sentence) if 0 < m.end() < len(sentence)]
    if cuts:
        bounds = [0, *cuts, len(sentence)]
        parts = [sentence[a:b].strip() for a, b in zip(bounds, bounds[1:])]
        return [piece for part in parts if part for piece in _cut_long(part, limit)]
    middle = len(sentence) // 2
    commas = [m.end() for m in re.finditer(r",\s+", sentence)]
    spaces = [m.end() for m in re.finditer(r"\s+", sentence)]
    at = min(commas or spaces, key=lambda i: abs(i - middle))
    return _cut_long(sentence[:at].strip(), limit) + _cut_long(sentence[at:].strip(), limit)


def _ends_in_abbreviation(piece: str) -> bool:
    words = piece.split()
    return bool(words) and bool(_ABBREVIATION_END.fullmatch(words[-1]))


def split_sentences(text: str, longest: int = LONG_SENTENCE_WORDS, lists: bool = True) -> list[str]:
    """Split a paragraph into sentences; every sentence is a verbatim substring.

    sentencex breaks after abbreviations such as "o.a." or "bijv."; a Dutch
    sentence does not start with a lowercase letter, so a piece that does, after
    an abbreviation, is joined back onto the sentence before it. A sentence of more
    than `longest` words is cut into parts (_cut_long); with `lists`, a long one with list markers inside is
    cut into its items first (list_items).
    """
    segments = _segments(text)
    pieces: list[str] = []
    for piece in segments:
        lower = bool(pieces) and _STARTS_LOWER.match(piece)
        after_abbreviation = lower and _ends_in_abbreviation(pieces[-1])
        # "de fracties van Helder Onafhankelijk! en de PvdA": an exclamation mark in a name, not a sentence's end
        in_a_name = lower and pieces[-1].rstrip().endswith("!")
        if pieces and (after_abbreviation or in_a_name or not pieces[-1].strip() or _ONLY_MARKER.match(pieces[-1])
                       or _GOES_ON.match(piece)):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    # cut to the quote limit first and into items second, as indexing does (chunking._make_chunk)
    parts = [part for p in pieces if p.strip() for part in _cut_long(p.strip(), longest)]
    return [item for part in parts for item in (list_items(part) if lists else [part])]


def chunk_sentence_texts(chunk: Chunk) -> list[str]:
    """The sentences of a passage as the answer stage scores them: its stored spans, or (in an index written
    before spans existed, or a synthetic one) the passage split again. Indexing stores their vectors by these
    same texts."""
    if chunk.spans:
        return [chunk.text[s.start:s.end] for s in chunk.spans]
    return split_sentences(chunk.text) or [chunk.text]
