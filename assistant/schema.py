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

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


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
    relevance: float | None = None
    chunk_id: str = ""

    def to_json(self) -> dict:
        return {"n": self.n, "doc": self.doc, "title": self.title, "page": self.page,
                "section": self.section, "quote": self.quote}


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    citations: list[Citation]
    nearest_documents: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"question": self.question, "found": self.found, "answer": self.answer,
                "citations": [c.to_json() for c in self.citations]}


@dataclass
class SkippedFile:
    path: str
    reason: str  # Dutch / English


def hit_to_json(hit: Hit) -> dict:
    c = hit.chunk
    return {"rank": hit.rank, "score": round(float(hit.score), 6), "doc": c.doc, "title": c.title,
            "page": c.page_start, "section": c.section, "text": c.text}

