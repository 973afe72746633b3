"""The on-disk index: FAISS vectors, a SQLite chunk store, BM25, and a manifest.

Layout of the index folder::

    CURRENT                 name of the live version (replaced atomically)
    versions/<name>/        manifest.json, vectors.faiss, chunks.sqlite, lexical/
    .lock                   held by the one indexer that may write

A new version is written to a temporary folder, synced, renamed into
``versions/`` and only then named in CURRENT, so readers always see a
complete index, whatever happens to the writer.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexical import LexicalIndex
from .schema import Chunk, Document, SentenceSpan

FORMAT = 1
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


class IndexError_(Exception):
    """The index is missing, damaged, or does not fit the current settings."""


class IndexMissing(IndexError_):
    pass


class IndexLocked(IndexError_):
    pass


REBUILD_ADVICE = "Bouw de index opnieuw op met: python -m assistant index --rebuild"


@dataclass
class DocumentRecord:
    doc: str
    title: str
    metadata: dict
    pages: int
    chunks: int
    hash: str
    indexed_at: str


def current_version(index_dir: Path) -> str | None:
    """The live version named in CURRENT; None when there is no index yet. A CURRENT that is empty, not
    text, or names no version folder is damage, not "no index": rebuilding silently would re-embed all."""
    for _ in range(2):  # an indexer may switch CURRENT and remove the old version between our two reads
        try:
            raw = (index_dir / "CURRENT").read_bytes()
        except FileNotFoundError:
            return None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            name = ""
        if name and "/" not in name and (index_dir / "versions" / name).is_dir():
            return name
    raise IndexError_(f"Het bestand CURRENT in {index_dir} is beschadigd of wijst naar een versie die niet "
                      f"bestaat. {REBUILD_ADVICE} / CURRENT is damaged.")


def read_manifest(index_dir: Path) -> dict | None:
    version = current_version(index_dir)
    if not version:
        return None
    try:
        return json.loads((index_dir / "versions" / version / "manifest.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


class LoadedIndex:
    """A read-only, fully checked view of one index version."""

    def __init__(self, index_dir: Path):
        import faiss

        self.index_dir = index_dir
        self.version = current_version(index_dir)
        if not self.version:
            raise IndexMissing(f"Er is nog geen index in {index_dir}. Maak die met: python -m assistant index")
        self.folder = index_dir / "versions" / self.version
        try:
            self.manifest = json.loads((self.folder / "manifest.json").read_text())
            self.milvus = self.vectors = self.lexical = None
            if self.manifest.get("store") == "milvus":
                self.milvus = open_milvus(self.manifest["milvus"], self.manifest["dimension"])
            else:
                self.vectors = faiss.read_index(str(self.folder / "vectors.faiss"))
                self.lexical = LexicalIndex.load(self.folder / "lexical")
            self._db = sqlite3.connect(f"file:{self.folder / 'chunks.sqlite'}?mode=ro", uri=True,
                                       check_same_thread=False)
            self._lock = threading.Lock()
            self._load_tables()
        except IndexError_:
            raise
        except Exception as err:
            from .milvus_store import MilvusUnavailable

            if isinstance(err, MilvusUnavailable):  # not damage: say what is wrong, no --rebuild advice
                raise IndexError_(str(err)) from err
            raise IndexError_(f"De index in {self.folder} is beschadigd ({type(err).__name__}: {err}). "
                              f"{REBUILD_ADVICE}") from err
        self._check_integrity()

    def _load_tables(self) -> None:
        rows = self._db.execute("SELECT doc, title, metadata, pages, chunks, hash, indexed_at FROM documents").fetchall()
        self.documents = {r[0]: DocumentRecord(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6]) for r in rows}
        self.doc_names = sorted(self.documents)
        position = {d: i for i, d in enumerate(self.doc_names)}
        rows = self._db.execute("SELECT doc, id, text_key FROM chunks ORDER BY row").fetchall()
        self.chunk_doc = np.array([position[d] for d, _, _ in rows], dtype=np.int32)
        self.pk_rows: dict[str, int] = {}  # Milvus key -> row; empty for a FAISS version
        self.row_pks: list[str] = []
        if self.manifest.get("store") == "milvus":  # Milvus knows passages by key, the version by row
            from .milvus_store import pk_of

            self.pk_rows = {pk_of(chunk_id, key): row for row, (_, chunk_id, key) in enumerate(rows)}
            self.row_pks = list(self.pk_rows)

    def _check_integrity(self) -> None:
        counts = self.manifest.get("counts", {})
        if self.milvus is not None:
            return self._check_milvus(counts)
        n_vectors, n_rows = self.vectors.ntotal, len(self.chunk_doc)
        if not (n_vectors == n_rows == counts.get("chunks") and len(self.documents) == counts.get("documents")):
            raise IndexError_(f"De index is inconsistent: {n_vectors} vectoren, {n_rows} passages, "
                              f"manifest noemt {counts.get('chunks')}. {REBUILD_ADVICE}")
        if self.lexical.retriever.scores["num_docs"] != max(n_rows, 1):
            raise IndexError_(f"De BM25-index past niet bij de passages. {REBUILD_ADVICE}")

    def _check_milvus(self, counts: dict) -> None:
        missing = len(set(self.pk_rows) - self.milvus.keys())
        if missing or len(self.pk_rows) != counts.get("chunks") or len(self.documents) != counts.get("documents"):
            raise IndexError_(f"De Milvus-collectie '{self.milvus.name}' mist {missing} van de {len(self.pk_rows)} "
                              f"passages van deze indexversie. {REBUILD_ADVICE}")

    def check_model(self, model: str, dimension: int | None = None) -> None:
        built = self.manifest.get("model")
        if built != model or (dimension and self.manifest.get("dimension") != dimension):
            raise IndexError_(
                f"Deze index is gebouwd met model '{built}' ({self.manifest.get('dimension')} dimensies), "
                f"maar de instellingen vragen '{model}'. {REBUILD_ADVICE}")

    def _chunk_columns(self) -> str:
        """Indexes written before sentence spans existed have no spans column: they read as empty."""
        if not hasattr(self, "_columns"):
            names = {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}
            spans = "spans" if "spans" in names else "NULL"
            self._columns = f"row, id, doc, title, page_start, page_end, section, metadata, text, ordinal, text_key, {spans}"
        return self._columns

    @staticmethod
    def _chunk(r) -> Chunk:
        spans = [SentenceSpan.from_row(s) for s in json.loads(r[11])] if r[11] else []
        return Chunk(r[1], r[2], r[3], r[4], r[5], r[6], r[8], json.loads(r[7]), r[9], spans)

    def chunks(self, rows: list[int]) -> list[Chunk]:
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        with self._lock:
            found = self._db.execute(f"SELECT {self._chunk_columns()} FROM chunks WHERE row IN ({marks})",
                                     [int(r) for r in rows]).fetchall()
        by_row = {r[0]: self._chunk(r) for r in found}
        return [by_row[int(r)] for r in rows]

    def chunks_of(self, doc: str) -> list[tuple[int, Chunk, str]]:
        """(row, chunk, text key) for every chunk of one document, in order."""
        with self._lock:
            found = self._db.execute(f"SELECT {self._chunk_columns()} FROM chunks WHERE doc = ? ORDER BY ordinal",
                                     (doc,)).fetchall()
        return [(r[0], self._chunk(r), r[10]) for r in found]

    def pages(self, doc: str) -> list[tuple[int | None, str | None, str]]:
        with self._lock:
            return self._db.execute("SELECT number, label, text FROM pages WHERE doc = ? ORDER BY position",
                                    (doc,)).fetchall()

    def vector(self, rows: list[int]) -> np.ndarray:
        if self.milvus is not None:
            found = self.milvus.vectors([self.row_pks[int(r)] for r in rows])
            return (np.vstack([found[self.row_pks[int(r)]] for r in rows]) if rows
                    else np.zeros((0, self.manifest["dimension"])))
        return np.vstack([self.vectors.reconstruct(int(r)) for r in rows]) if rows else np.zeros((0, self.vectors.d))

    def all_text_keys(self) -> dict[str, int]:
        with self._lock:
            return {k: r for r, k in self._db.execute("SELECT row, text_key FROM chunks")}

    def close(self) -> None:
        self._db.close()
        if self.milvus is not None:
            self.milvus.close()


def open_milvus(config: dict, dimension: int):
    """The manifest names the collection; a server's token comes from the environment, never from a file."""
    from .milvus_store import MilvusCollection

    return MilvusCollection(config["uri"], config["collection"], dimension,
                            os.environ.get("VRAAGBAAK_MILVUS_TOKEN", ""))


# --- writing ---------------------------------------------------------------

def write_version(index_dir: Path, manifest: dict, documents: list[Document], doc_chunks: dict[str, list[Chunk]],
                  text_keys: dict[str, list[str]], vectors: np.ndarray, lexical: LexicalIndex,
                  indexed_at: dict[str, str], make_faiss) -> str:
    """Write a complete version beside the live one, then switch CURRENT to it."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp = versions / f".tmp-{name}"
    tmp.mkdir()
    try:
        _write_sqlite(tmp / "chunks.sqlite", documents, doc_chunks, text_keys, indexed_at)
        if lexical is not None and vectors is not None:  # None: vectors and BM25 live in Milvus
            import faiss

            faiss.write_index(make_faiss(vectors), str(tmp / "vectors.faiss"))
            (tmp / "lexical").mkdir()
            lexical.save(tmp / "lexical")
        manifest = {**manifest, "version": name}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        _fsync_tree(tmp)
        os.rename(tmp, versions / name)
        _replace_file(index_dir / "CURRENT", name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_versions(versions, keep=name)
    return name


def _write_sqlite(path: Path, documents, doc_chunks, text_keys, indexed_at) -> None:
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


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_file(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_versions(versions: Path, keep: str) -> None:
    """Old versions and leftovers of killed writers go; a reader that still has
    an old version open keeps its open files (POSIX semantics)."""
    for path in versions.iterdir():
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


# --- the writer lock ---------------------------------------------------------

class WriterLock:
    """One indexer at a time; a lock left by a dead process is taken over."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / ".lock"

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                holder = self._holder()
                if holder and _alive(holder):
                    raise IndexLocked(f"Er draait al een indexering (proces {holder}). Wacht tot die klaar is. "
                                      f"/ Another indexer (pid {holder}) is running.")
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            return self
        raise IndexLocked(f"Kon het slot {self.path} niet krijgen / could not take the lock")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc):
        if self._holder() == os.getpid():
            self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
