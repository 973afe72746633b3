"""The catalogue of one index version (SQLite): documents, pages, passages and their keys.

It is the record of what is indexed, whatever backend holds the vectors: citations, page texts and the
passages behind a hit come from here, and filters are resolved here to the documents and rows they allow.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import numpy as np

from vraagbaak.index.backends import Allowed, passage_key
from vraagbaak.text.words import has_stem_sorted, held_by_most, stem, words
from vraagbaak.schema import Chunk, Document, SentenceSpan

SCHEMA = """
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT, doc TEXT, title TEXT, page_start INTEGER,
                     page_end INTEGER, section TEXT, metadata TEXT, text TEXT, ordinal INTEGER, text_key TEXT,
                     spans TEXT);
CREATE TABLE documents (doc TEXT PRIMARY KEY, title TEXT, metadata TEXT, pages INTEGER, chunks INTEGER,
                        hash TEXT, indexed_at TEXT);
CREATE TABLE pages (doc TEXT, number INTEGER, label TEXT, text TEXT, position INTEGER);
CREATE INDEX chunks_doc ON chunks(doc);
CREATE INDEX pages_doc ON pages(doc);
"""
FILE = "chunks.sqlite"
SAMPLED_DOCUMENTS = 30  # documents read to tell how common a word is in the collection


@dataclass
class DocumentRecord:
    doc: str
    title: str
    metadata: dict
    pages: int
    chunks: int
    hash: str
    indexed_at: str


class Catalogue:
    """Read-only; safe to share between threads (one connection, used under a lock)."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._shares: dict[str, float] = {}  # word stem -> share of the sampled documents (document_share)
        rows = self._db.execute("SELECT doc, title, metadata, pages, chunks, hash, indexed_at FROM documents").fetchall()
        self.documents = {r[0]: DocumentRecord(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6]) for r in rows}
        self.doc_names = sorted(self.documents)
        position = {d: i for i, d in enumerate(self.doc_names)}
        docs = self._db.execute("SELECT doc FROM chunks ORDER BY row").fetchall()
        self.chunk_doc = np.array([position[d] for (d,) in docs], dtype=np.int32)  # row -> document number
        names = {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}
        spans = "spans" if "spans" in names else "NULL"  # written before sentence spans existed: none
        self._columns = f"row, id, doc, title, page_start, page_end, section, metadata, text, ordinal, text_key, {spans}"

    @cached_property
    def metadata_words(self) -> set[str]:
        """Every word of the documents' titles and metadata values (folded): a gemeente named only in the
        front matter of its documents is still a name the corpus knows."""
        values = [r.title for r in self.documents.values()]
        for record in self.documents.values():
            for value in record.metadata.values():
                values += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return {w for value in values for w in words(value)}

    @cached_property
    def sampled_words(self) -> list[set[str]]:
        """The word stems of each of up to SAMPLED_DOCUMENTS documents spread evenly over the catalogue: how
        common a word is in the collection (absent_names.absent_subject), without reading every document of a
        large one."""
        names = self.doc_names
        size = SAMPLED_DOCUMENTS
        picked = [names[i * len(names) // size] for i in range(size)] if len(names) > size else names
        texts = ("\n".join(text for _, _, text in self.pages(doc)) for doc in picked)
        return [{stem(w) for w in set(words(text))} for text in texts]

    @cached_property
    def _sampled_sorted(self) -> list[tuple[set[str], list[str]]]:
        return [(words_, sorted(words_)) for words_ in self.sampled_words]

    def document_share(self, stem_: str) -> float:
        """The share of the sampled documents that hold this word stem (or a compound it starts): how rare
        a word is in this collection, for the answer judge."""
        if stem_ not in self._shares:
            if len(self._shares) > 50_000:  # one entry per word stem anyone asked: bounded
                self._shares.clear()
            sampled = self._sampled_sorted
            self._shares[stem_] = (sum(has_stem_sorted(stem_, have, ordered) for have, ordered in sampled)
                                   / len(sampled) if sampled else 0.0)
        return self._shares[stem_]

    def held_by_most(self, stem_: str) -> bool:
        """Is this word stem (or a compound it starts) in at least half of the sampled documents?"""
        return held_by_most(stem_, self.sampled_words)

    @property
    def rows(self) -> int:
        return len(self.chunk_doc)

    # --- filters -------------------------------------------------------------
    def allowed(self, filters: dict | None) -> Allowed | None:
        """What the filters let through: ``doc`` or any front-matter field, values compared case-insensitively;
        a list of values means any of them. None when there are no filters."""
        if not filters:
            return None
        numbers = [i for i, name in enumerate(self.doc_names)
                   if all(self._matches(name, key, want) for key, want in filters.items())]
        rows = np.flatnonzero(np.isin(self.chunk_doc, np.array(numbers, dtype=np.int32)))
        return Allowed(tuple(self.doc_names[i] for i in numbers), rows)

    def _matches(self, name: str, key: str, want) -> bool:
        wanted = {str(w).strip().lower() for w in (want if isinstance(want, (list, tuple, set)) else [want])}
        if not wanted:
            return True
        record = self.documents[name]
        value = name if key == "doc" else record.title if key == "title" else record.metadata.get(key)
        values = value if isinstance(value, list) else [value]
        return any(str(v).strip().lower() in wanted for v in values if v is not None)

    # --- passages and pages ----------------------------------------------------
    @staticmethod
    def _chunk(r) -> Chunk:
        spans = [SentenceSpan.from_row(s) for s in json.loads(r[11])] if r[11] else []
        return Chunk(r[1], r[2], r[3], r[4], r[5], r[6], r[8], json.loads(r[7]), r[9], spans)

    def chunks(self, rows: list[int]) -> list[Chunk]:
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        with self._lock:
            found = self._db.execute(f"SELECT {self._columns} FROM chunks WHERE row IN ({marks})",
                                     [int(r) for r in rows]).fetchall()
        by_row = {r[0]: self._chunk(r) for r in found}
        return [by_row[int(r)] for r in rows]

    def chunks_of(self, doc: str) -> list[tuple[int, Chunk, str]]:
        """(row, chunk, text key) for every chunk of one document, in order."""
        with self._lock:
            found = self._db.execute(f"SELECT {self._columns} FROM chunks WHERE doc = ? ORDER BY ordinal",
                                     (doc,)).fetchall()
        return [(r[0], self._chunk(r), r[10]) for r in found]

    def pages(self, doc: str) -> list[tuple[int | None, str | None, str]]:
        with self._lock:
            return self._db.execute("SELECT number, label, text FROM pages WHERE doc = ? ORDER BY position",
                                    (doc,)).fetchall()

    def text_key_rows(self) -> dict[str, int]:
        """text key -> a row with that text: where a vector for the same text can be copied from."""
        with self._lock:
            return {k: r for r, k in self._db.execute("SELECT row, text_key FROM chunks")}

    def keys(self) -> list[str]:
        """The passage key of every row, in row order (what a backend stores a passage under)."""
        with self._lock:
            return [passage_key(i, k) for i, k in self._db.execute("SELECT id, text_key FROM chunks ORDER BY row")]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def write_catalogue(path: Path, documents: list[Document], doc_chunks: dict[str, list[Chunk]],
                    text_keys: dict[str, list[str]], indexed_at: dict[str, str]) -> None:
    """Rows are numbered in document order, then chunk order: the order the backend is given them in."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    row = 0
    for doc in documents:
        chunks = doc_chunks[doc.path]
        db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?)",
                   (doc.path, doc.title, json.dumps(doc.metadata, ensure_ascii=False), len(doc.pages),
                    len(chunks), doc.content_hash, indexed_at[doc.path]))
        db.executemany("INSERT INTO pages VALUES (?,?,?,?,?)",
                       [(doc.path, p.number, p.label, p.text, i) for i, p in enumerate(doc.pages)])
        for chunk, key in zip(chunks, text_keys[doc.path]):
            db.execute("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (row, chunk.id, chunk.doc, chunk.title, chunk.page_start, chunk.page_end, chunk.section,
                        json.dumps(chunk.metadata, ensure_ascii=False), chunk.text, chunk.ordinal, key,
                        json.dumps([span.to_row() for span in chunk.spans])))
            row += 1
    db.commit()
    db.close()


def read_only_uri(path: Path) -> str:
    """A SQLite URI that opens `path` read-only; the path is percent-encoded (a "#" or "?" in a folder name)."""
    return f"file:{quote(str(path))}?mode=ro"
