"""The dataclasses passed between the stages of the flow.

documents -> chunks -> embeddings -> index -> hits -> answer
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    number: int | None  # 1-based PDF page; None for Markdown and text files
    text: str
    label: str | None = None  # printed page label ("iv", "12") where the PDF defines one


@dataclass
class Document:
    path: str  # relative to the corpus folder, with / separators
    title: str
    pages: list[Page]
    metadata: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    # documents inside this file that are indexed as documents of their own (an e-mail's attachments), each
    # named "<this path>/<file name>"
    parts: list["Document"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


@dataclass
class SentenceSpan:
    """One sentence of a chunk: where it is in the chunk text, on which page it is printed, and which
    paragraph or list item (block) it belongs to. The sentence, not the passage, is the unit of evidence."""
    start: int
    end: int
    page: int | None
    block: int
    item: bool = False  # the block is a list item ("2. …", "- …", "b) …")

    def to_row(self) -> list:
        return [self.start, self.end, self.page, self.block, int(self.item)]

    @classmethod
    def from_row(cls, row: list) -> "SentenceSpan":
        return cls(row[0], row[1], row[2], row[3], bool(row[4]))


@dataclass
class Chunk:
    id: str
    doc: str
    title: str
    page_start: int | None
    page_end: int | None
    section: str | None
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    ordinal: int = 0
    spans: list[SentenceSpan] = field(default_factory=list)  # empty in indexes written before spans existed


@dataclass
class Hit:
    chunk: Chunk
    score: float  # the score of the retrieval mode that ranked it
    rank: int
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass
class Citation:
    n: int
    doc: str
    title: str
    page: int | None
    section: str | None
    quote: str
    highlights: list[str] = field(default_factory=list)  # sentences of the quote most relevant to the question
    metadata: dict[str, Any] = field(default_factory=dict)
    chunk_id: str = ""
    page_end: int | None = None  # last page of the quote; equal to page unless it runs onto the next page

    @property
    def pages(self) -> str | None:
        """"2" or "2–3": the pages the quoted sentences are printed on."""
        if self.page is None:
            return None
        return f"{self.page}–{self.page_end}" if self.page_end and self.page_end != self.page else str(self.page)

    @property
    def ocr(self) -> bool:
        """The quoted page's text was read by OCR from a scan (a reader should know: it may hold errors)."""
        pages = (self.metadata or {}).get("ocr_pages") or []
        return self.page is not None and any(p in pages for p in range(self.page, (self.page_end or self.page) + 1))

    def to_json(self) -> dict:
        return {"n": self.n, "doc": self.doc, "title": self.title, "page": self.page,
                "section": self.section, "quote": self.quote,
                "page_end": self.page_end if self.page_end is not None else self.page,
                "highlights": list(self.highlights), "ocr": self.ocr}


@dataclass
class AnswerRequest:
    """One question as the answer path carries it from stage to stage (Assistant.ask)."""
    question: str
    previous: list[str] = field(default_factory=list)  # the conversation's earlier questions, oldest first
    filters: dict = field(default_factory=dict)
    mode: str | None = None  # dense | bm25 | hybrid; None: the setting
    k: int | None = None  # candidate passages; None: the setting
    timings: Any = None  # a timing.Timings to fill, or None


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    citations: list[Citation]
    nearest_documents: list[dict[str, str]] = field(default_factory=list)
    searched_as: str = ""  # what was searched: the question, or a follow-up with its earlier subject
    filters: dict = field(default_factory=dict)  # the filters the question was asked with
    index_version: str = ""  # the one index version the whole answer was read from
    absent_names: list[str] = field(default_factory=list)  # names in the question that no document contains
    searched_in: list[str] = field(default_factory=list)  # a follow-up's documents: the earlier subject
    # ordinary words of the question that no document contains, where its other words are in most documents
    absent_words: list[str] = field(default_factory=list)
    # what a found answer is: answered | not_stated (on the subject, but the asked amount or date is not
    # there) | overview (a list of documents)
    found_as: str = "answered"
    # what answer_text (answer/render.py) needs beside the above to say it in Dutch
    english: bool = False  # asked in English: the quotes stay Dutch, and the answer says so
    # not_stated: the kind of fact the passages lack (money | date | amount | decision | duration | office | year |
    # name | result | unknown: the documents say themselves it is not known | redacted: a Woo release blacked the
    # name out)
    missing_kind: str = ""
    # answered: the judge takes a bold sentence of the first quote as the answer (answer.builder._takes_as_answer);
    # where it does not, the bold sentences are said to fit the question best, not to give its answer
    confident: bool = True
    missing_for: str = ""  # not_stated: the owner asked, where the quotes state it only of another ("Amsterdam")
    missing_what: str = ""  # not_stated: what a "Hoeveel …?" question counts ("reizigers"), the office, or the year(s)
    documents_searched: int = 0  # overview: how many documents the list was drawn from
    also_about: list[dict[str, str]] = field(default_factory=list)  # overview: documents on it without an owner
    refused_in_subject: bool = False  # a follow-up found nothing in the documents of its earlier subject

    @property
    def outcome(self) -> str:
        """found_as for a found answer; else nearest (the nearest documents are named) or nothing."""
        return self.found_as if self.found else "nearest" if self.nearest_documents else "nothing"

    def to_json(self) -> dict:
        return {"question": self.question, "found": self.found, "answer": self.answer,
                "citations": [c.to_json() for c in self.citations],
                "nearest_documents": list(self.nearest_documents), "searched_as": self.searched_as or self.question,
                "index_version": self.index_version, "absent_names": list(self.absent_names),
                "searched_in": list(self.searched_in), "absent_words": list(self.absent_words),
                "outcome": self.outcome, "confident": self.confident}


def hit_to_json(hit: Hit) -> dict:
    c = hit.chunk
    return {"rank": hit.rank, "score": round(float(hit.score), 6), "doc": c.doc, "title": c.title,
            "page": c.page_start, "section": c.section, "text": c.text}

