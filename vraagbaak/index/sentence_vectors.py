"""The vectors of every passage's sentences, stored with an index version, so that a question embeds only itself.

An answer scores every sentence of its candidate passages against the question (answer/builder.py). Embedding those
~40 sentences at question time costs 0.3–0.7 s on a 2-core CPU without native bfloat16; read from here it costs
~1 ms (docs/performance.md). One SQLite table per version, `sentences.sqlite`: a 63-bit key of the
model and the sentence text, and the vector in float16 (cosines within ~1e-3 of float32; a sentence vector
only orders sentences and is one of the "found" signals, the passage vectors stay float32). A sentence that
occurs in many passages is stored once. Unchanged passages take their sentence vectors from the previous
version; only new sentences are embedded. A version without this file (written before it existed) still
works: its sentences are embedded at question time, as before.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from vraagbaak.index.catalogue import read_only_uri

FILE = "sentences.sqlite"
DTYPE = np.float16
_LOOKUP = 500  # keys per SELECT (SQLite's limit on bound parameters is 32,766 in recent builds, 999 in old ones)


def sentence_key(model: str, text: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{model}\n{text}".encode(), digest_size=8).digest(), "big") >> 1


class SentenceVectors:
    """Read-only; safe to share between threads (one connection, used under a lock)."""

    def __init__(self, path: Path, model: str):
        self.model = model
        self._db = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def lookup(self, texts: list[str]) -> dict[str, np.ndarray]:
        """text -> float32 vector, for the texts this version holds."""
        wanted = {sentence_key(self.model, t): t for t in texts}
        found = {}
        with self._lock:
            for rows in _select(self._db, list(wanted)):
                found.update((wanted[key], np.frombuffer(blob, dtype=DTYPE).astype(np.float32)) for key, blob in rows)
        return found

    def check(self) -> None:
        """Read the table once: a damaged or foreign file fails here, when the version is opened (and in
        `status`), not at every question."""
        with self._lock:
            self._db.execute("SELECT key, vector FROM vectors LIMIT 1").fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _select(db: sqlite3.Connection, keys: list[int]) -> Iterable[list]:
    for start in range(0, len(keys), _LOOKUP):
        part = keys[start:start + _LOOKUP]
        yield db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                         part).fetchall()


def write(path: Path, model: str, texts: Iterable[str], embed: Callable[[list[str]], np.ndarray],
          previous: Path | None = None, batch: int = 256,
          progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Write the vectors of `texts` to a new file at `path`: copied from `previous` (a version's file) where it
    has them, embedded otherwise. Returns (embedded, copied). The caller moves the file into the version."""
    wanted = {sentence_key(model, t): t for t in texts}
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a scratch file: a crash leaves it to be removed, not repaired
        db.execute("PRAGMA synchronous=OFF")  # written to disk (fsync) with the version folder
        db.execute("CREATE TABLE vectors (key INTEGER PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID")
        copied = _copy(db, previous, list(wanted)) if previous is not None and previous.exists() else set()
        missing = [key for key in wanted if key not in copied]
        for start in range(0, len(missing), batch):
            part = missing[start:start + batch]
            vectors = np.asarray(embed([wanted[k] for k in part]), dtype=np.float32).astype(DTYPE)
            db.executemany("INSERT INTO vectors VALUES (?, ?)", zip(part, (v.tobytes() for v in vectors)))
            if progress is not None:
                progress(start + len(part), len(missing))
        db.commit()
        return len(missing), len(copied)
    finally:
        db.close()


def _copy(db: sqlite3.Connection, previous: Path, keys: list[int]) -> set[int]:
    """The keys copied from the previous version's file."""
    copied: set[int] = set()
    source = sqlite3.connect(read_only_uri(previous), uri=True)
    try:
        for rows in _select(source, keys):
            db.executemany("INSERT INTO vectors VALUES (?, ?)", rows)
            copied.update(key for key, _ in rows)
    except sqlite3.DatabaseError:  # a damaged file of an old version: what was not copied is embedded
        pass
    finally:
        source.close()
    return copied
