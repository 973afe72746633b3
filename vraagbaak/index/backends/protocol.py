"""What every storage backend offers, and the plain data it is handed.

A backend stores the vectors and BM25 terms of the passages and searches them. It knows nothing of files,
chunking, settings objects or index versions: the catalogue (SQLite, catalogue.py) is the record of what is
indexed, and hands a backend plain rows (passage numbers 0..n-1 of one index version), vectors, and the
documents a filter allows. Fusion of dense and BM25 results happens once, in search/fusion.py, for every backend.
A store that several machines share may also keep whole versions (SharedVersions): it is handed a finished
version folder and its name, and gives the same files back; versions.py decides what a version folder is.

A backend module imports only this protocol, ``schema``, ``text`` and its sibling helpers (``bm25``,
``read_ahead``), as import-linter holds: it can then live in its own folder without closing an import circle.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np


class BackendUnavailable(RuntimeError):
    """The store cannot be reached or its library is not installed: not damage, rebuilding would not help."""


class BackendDamaged(RuntimeError):
    """The stored data does not match the index version (missing passages, unreadable files)."""


@dataclass(frozen=True)
class Allowed:
    """What a filter lets through: the document paths, and the rows (sorted) of their passages."""
    docs: tuple[str, ...]
    rows: np.ndarray

    def mask(self, rows: int) -> np.ndarray:
        """One boolean per row of the version: does the filter let it through?"""
        mask = np.zeros(rows, dtype=bool)
        mask[self.rows] = True
        return mask


@dataclass(frozen=True)
class Passage:
    """One passage as a backend stores it."""
    row: int
    key: str  # "<passage id>-<text hash>": changes when the text the model sees changes
    doc: str
    page: int | None
    section: str | None
    metadata: dict
    text: str
    search_text: str  # what BM25 and the model see: title, section and text


def passage_key(chunk_id: str, text_key: str) -> str:
    return f"{chunk_id}-{text_key[:16]}"


Ranked = list[tuple[int, float]]  # (row, score), best first


class Backend(Protocol):
    """The read side, on one index version."""

    def dense(self, query_vector: np.ndarray, k: int, allowed: Allowed | None) -> Ranked: ...

    def bm25(self, query: str, k: int, allowed: Allowed | None) -> Ranked: ...

    def indexed_terms(self, text: str) -> list[str]:
        """The BM25 terms of `text` (stemmed, unknown words expanded) that occur in this version's passages."""

    def vectors(self, rows: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of these rows; a row the store no longer holds is left out."""

    def check(self) -> None:
        """Raise BackendDamaged when the store does not hold this version completely."""

    def close(self) -> None: ...


class BackendWriter(Protocol):
    """The write side: fills the store for a new index version, batch by batch."""

    def held(self, keys: list[str]) -> set[str]:
        """Keys the store already holds with their vector: those passages are not embedded or sent again."""

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None: ...

    def finish(self, folder: Path) -> dict:
        """Write what the version folder needs; return the backend's section of the manifest."""

    def after_switch(self, live_keys: set[str]) -> None:
        """The new version is live: remove what no version in use needs any more."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class WriteJob:
    """Everything a writer is told about the version it writes."""
    dimension: int
    texts: list[str]  # search_text of every passage, in row order (BM25 statistics, compound parts)
    options: dict[str, Any]  # the settings as plain values (Settings.plain())
    live: dict | None = None  # the manifest of the version that is live now, if any
    keys: list[str] | None = None  # the passage key of every row, in row order


class SharedVersions(Protocol):
    """Index versions kept in the store itself, for stores that several app processes on several machines share
    (PostgreSQL): every file of a version folder, and which version is current. The local index folder is then a
    cache that any process can fill from the store (versions.py)."""

    def current(self) -> str | None:
        """The name of the version that is current in the store; None when none was published there."""

    def fetch(self, name: str, folder: Path) -> None:
        """Write every file of version `name` into the (empty) folder."""

    def publish(self, name: str, folder: Path) -> None:
        """Store every file of the complete version folder and make it current, in one transaction; versions
        older than the one it replaces are removed."""

    def close(self) -> None: ...


class Store(Protocol):
    """A registered backend: how to open a version for reading and how to write one."""
    name: str

    @staticmethod
    def open(folder: Path, manifest: dict, keys: Callable[[], list[str]]) -> Backend:
        """keys(): the passage key of every row, read only by backends that need them."""

    @staticmethod
    def writer(job: WriteJob) -> BackendWriter: ...

    @staticmethod
    def describe(manifest: dict) -> str:
        """One Dutch line on where the vectors and BM25 of a version live."""

    @staticmethod
    def shared(options: dict, live: dict | None) -> SharedVersions | None:
        """Where the store keeps whole index versions for every app process (PostgreSQL); None for a store
        whose versions live only in the index folder (FAISS, Milvus). live: the manifest of the local live
        version, if any."""

    @staticmethod
    def outdated(manifest: dict, options: dict) -> bool:
        """The version was written with other settings of this backend than `options` now hold: the next
        start writes a new version (vectors are copied, not embedded again)."""
