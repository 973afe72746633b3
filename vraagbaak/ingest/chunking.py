"""Preprocessor: Document -> Chunks that follow headings, then sentences.

Sentences are never cut. A chunk grows to about ``chunk_words`` words within
one section, and the next chunk repeats the last ``overlap`` sentences.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from vraagbaak.ingest.filetypes import is_markdown_path
from vraagbaak.schema import Chunk, Document, SentenceSpan
from vraagbaak.text.headings import CONTINUED, HeadingPath, Item, document_lines, headings
from vraagbaak.text.sentences import LONG_SENTENCE_WORDS, list_items, split_sentences

# Raised whenever the chunking rules change, so that unchanged files are chunked again instead of
# keeping passages cut by the old rules (vectors are still reused where the text stayed the same).
# 23: a printed e-mail is titled by its own "Subject:", not by the "Onderwerp:" of an older mail quoted below it;
# a quoted question inside a sentence does not end it ("Hij vroeg: "Klopt dit?", en …");
# 22: ... not a decision or vote record, nor a block whose labels come back (another record);
# 21: a block of fields (an e-mail's header, a cover sheet: text.sentences.list_items) is cut before each label: its
# fields are spans of their own, the passages stay as they were;
# 20: no list cut after a digit ("12 ° Celsius"); split_sentences cuts items after the quote limit, as here;
# 19: a verb form on "-dt" is stemmed as its infinitive (text.words.stem): the BM25 terms are made again;
# 18: a sentence of more than 30 words is cut before the list markers inside it (text.sentences.list_items):
# its items are spans of their own, the passages stay as they were;
# 17: a sentence goes on after "!" before a lowercase word ("Helder Onafhankelijk! en de PvdA");
# 16: a line that breaks inside a compound's last word is joined ("bedrijfskredie-⏎ten": "bedrijfskredieten");
# 15: "en" after a vowel at a line end is a syllable again ("draai-⏎en": "draaien");
# 14: an agenda item stands after a blank line or a page break, and no heading goes on over a page break;
# 13: a heading's last line in lower case ("basisscholen Den Helder.") is part of its title;
# 12: a title taken from a long first line is cut after a whole word, with "…";
# 11: a numbered agenda item ("16. Motie … .") starts a section (headings.Item);
# 10: a hyphen at a line end before "en", "of", "als", "tot" or "noch" stays with its space ("Wet- en regelgeving");
# 9: an abbreviation is read from the last word only (a long dotted code made the check backtrack for minutes);
# 8: a lowercase piece after a full word ends a sentence (text without capitals), and no sentence is longer than
# the quote limit; 7: a PDF records its kind and kenmerk, and a Kamerstuk its subject as title
CHUNKER_VERSION = 23
# A line that starts a list item: "2. om …", "b) Datum …", "(iii) …", "- …", "• …".
_LIST_ITEM = re.compile(r"^(\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]{1,4}\)|[-•*–▪●·])\s+\S")


@dataclass
class Sentence:
    text: str
    page: int | None
    heading_path: tuple[str, ...]
    block: int = 0  # paragraph or list item number within the document
    item: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())


def document_sentences(doc: Document, longest: int = LONG_SENTENCE_WORDS) -> list[Sentence]:
    """Sentences with their page, heading path and block. A list item is a block of its own, so that
    no quote cuts one and no item runs into the next. longest: the most words of a sentence (the quote limit)."""
    path = HeadingPath()
    is_markdown = is_markdown_path(doc.path)
    out: list[Sentence] = []
    block = 0
    # the headings of the whole document at once: an agenda item continues the numbering of the page before
    marks = iter(headings(document_lines([page.text for page in doc.pages]), is_markdown))
    for number, page in enumerate(doc.pages):
        if number:
            next(marks)  # the blank line between two pages
        paragraph: list[str] = []
        is_item = False

        def flush():
            nonlocal block
            # a list of URLs (a "Bronnen" section) is dropped; a form field whose value is a URL is kept
            if paragraph and (not _mostly_links(paragraph) or (is_item and ": " in paragraph[0])):
                text = " ".join(paragraph)
                heading = path.titles
                # passages are packed from whole sentences; a list's items become spans (_make_chunk)
                out.extend(Sentence(s, page.number, heading, block, is_item)
                           for s in split_sentences(text, longest, lists=False))
                block += 1
            paragraph.clear()

        lines = page.text.split("\n")
        for line, heading in zip(lines, marks):
            if heading is CONTINUED:  # the heading's second line: part of its title, not of the text under it
                continue
            if heading:
                flush()
                path.enter(*heading)
            if heading and not isinstance(heading, Item):
                continue
            if not line.strip():
                flush()
            else:
                if _LIST_ITEM.match(line.strip()):
                    flush()
                    is_item = True
                elif not paragraph:
                    is_item = False
                paragraph.append(line.strip())
        flush()
    return out


def _mostly_links(lines: list[str]) -> bool:
    """A list of URLs (a "Bronnen" section) is no passage that answers a question."""
    tokens = " ".join(lines).split()
    return sum(t.startswith(("http://", "https://", "www.")) for t in tokens) * 3 > len(tokens)


# A form field as the cleaner writes it: "b) Datum ontvangst Commissiedocument: 25 november 2021".
_FORM_FIELD = re.compile(r"^(?:[a-z]\)\s+)?[A-ZÀ-Ý][^:]{1,70}: \S")
FORM_CHUNK_WORDS = 40  # form fields go into small passages: in a long one, a paraphrased question misses them


# per-page OCR details stay on the document record (status, Beheer); a passage needs only which pages are OCR
DOCUMENT_ONLY = {"ocr_confidence", "ocr_failed", "bronnen_per_sectie"}


def _chunk_metadata(metadata: dict, heading: tuple[str, ...]) -> dict:
    """The document's metadata for a passage under `heading`. Where the document names the sources of a section
    (front matter `bronnen_per_sectie: {"Aanpak en data": [url, …]}`), the passage cites those, not every
    source of the document: the innermost heading that has a list decides."""
    out = {k: v for k, v in metadata.items() if k not in DOCUMENT_ONLY}
    per_section = metadata.get("bronnen_per_sectie")
    if isinstance(per_section, dict):
        for title in reversed(heading):
            sources = per_section.get(title)
            if isinstance(sources, list) and sources:
                out["bronnen"] = [str(u) for u in sources]
                break
    return out


def chunk_document(doc: Document, chunk_words: int = 180, min_words: int = 40, overlap: int = 1,
                   longest_sentence: int = LONG_SENTENCE_WORDS) -> list[Chunk]:
    groups: list[list[Sentence]] = []
    for section in _by_section(document_sentences(doc, longest_sentence)):
        for is_form, run in _form_runs(section):
            if is_form:
                groups.extend(_pack(run, FORM_CHUNK_WORDS, 0, 0))
            else:
                groups.extend(_pack(run, chunk_words, min_words, overlap))
    return [_make_chunk(doc, i, group) for i, group in enumerate(groups)]


def _form_runs(sentences: list[Sentence]) -> list[tuple[bool, list[Sentence]]]:
    """Split a section into runs of form-field items and runs of other text."""
    runs: list[tuple[bool, list[Sentence]]] = []
    for s in sentences:
        is_form = s.item and bool(_FORM_FIELD.match(s.text))
        if runs and (runs[-1][0] == is_form or (runs[-1][0] and s.item and s.block == runs[-1][1][-1].block)):
            runs[-1][1].append(s)
        else:
            runs.append((is_form, [s]))
    return runs


def _by_section(sentences: list[Sentence]) -> list[list[Sentence]]:
    sections: list[list[Sentence]] = []
    for s in sentences:
        if sections and sections[-1][-1].heading_path == s.heading_path:
            sections[-1].append(s)
        else:
            sections.append([s])
    return sections


def _pack(sentences: list[Sentence], target: int, min_words: int, overlap: int) -> list[list[Sentence]]:
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    fresh = 0  # words in current that are not overlap from the previous chunk
    for s in sentences:
        if current and fresh and sum(x.words for x in current) + s.words > target:
            chunks.append(current)
            current = current[-overlap:] if overlap else []
            fresh = 0
        current.append(s)
        fresh += s.words
    if current and fresh:
        if chunks and fresh < min_words:
            chunks[-1].extend(current[overlap:] if overlap else current)  # a short tail joins its predecessor
        else:
            chunks.append(current)
    return chunks


def _make_chunk(doc: Document, ordinal: int, group: list[Sentence]) -> Chunk:
    heading = group[0].heading_path
    spans, offset = [], 0
    for s in group:
        at = 0
        for item in list_items(s.text):  # the items of a list in running text are sentences of their own
            at = s.text.index(item, at)
            spans.append(SentenceSpan(offset + at, offset + at + len(item), s.page, s.block, s.item))
            at += len(item)
        offset += len(s.text) + 1  # the " " that joins sentences in the chunk text
    return Chunk(
        id=hashlib.sha1(f"{doc.path}#{ordinal}".encode()).hexdigest()[:16],
        doc=doc.path,
        title=doc.title,
        page_start=group[0].page,
        page_end=group[-1].page,
        section=" > ".join(heading) if heading else None,
        text=" ".join(s.text for s in group),
        metadata=_chunk_metadata(doc.metadata, heading),
        ordinal=ordinal,
        spans=spans,
    )


def embedding_text(chunk: Chunk) -> str:
    """What the models see: the title and section give a short passage its context."""
    context = chunk.title + (f" — {chunk.section}" if chunk.section else "")
    return f"{context}\n{chunk.text}"
