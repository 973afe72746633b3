"""The indexing pipeline: files -> documents -> chunks -> vectors -> a new index version.

Only new and changed files are read again; vectors are reused by the hash of
the text the model saw, so renames and unchanged files cost no embedding.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import __version__
from .chunking import CHUNKER_VERSION, chunk_document, embedding_text
from .embedding import Embedder
from .lexical import LexicalIndex
from .loaders import (IsolatedLoader, LoadError, NeedsOcr, UnreadableFile, check_readable, corpus_files,
                      relative_name)
from .ocr import OcrOptions, ocr_available, ocr_failure_note
from .schema import Chunk, Document, Page
from .settings import Settings
from .store import IndexError_, LoadedIndex, WriterLock, current_version, write_version

log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    version: str = ""
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # new name -> old name, same content
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    ocr_pages: int = 0  # pages OCR'd in this run (not taken from the OCR cache)
    warnings: dict[str, str] = field(default_factory=dict)  # indexed, but not all of it (OCR of some pages failed)
    duplicates: dict[str, str] = field(default_factory=dict)
    embedded: int = 0
    reused_vectors: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False

    def to_json(self) -> dict:
        return dict(self.__dict__)


def text_key(text: str, model: str) -> str:
    return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()


def chunker_settings(settings: Settings) -> dict:
    return {"chunk_words": settings.chunk_words, "min_words": settings.chunk_min_words,
            "overlap": settings.chunk_overlap_sentences, "version": CHUNKER_VERSION}


def faiss_kind(settings: Settings, n_vectors: int) -> str:
    return "IndexHNSWFlat" if n_vectors >= settings.hnsw_min_chunks else "IndexFlatIP"


def make_vector_index(vectors: np.ndarray, settings: Settings):
    """Exact inner-product search while it is fast enough; a graph index (HNSW) for large corpora."""
    import faiss

    d = vectors.shape[1]
    if faiss_kind(settings, len(vectors)) == "IndexHNSWFlat":
        index = faiss.IndexHNSWFlat(d, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = settings.hnsw_ef_search  # saved with the index
    else:
        index = faiss.IndexFlatIP(d)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


@dataclass
class _Collected:
    """What the reading stage hands to the embedding and writing stages."""
    documents: list[Document] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)  # document path -> its chunks
    keys: dict[str, list[str]] = field(default_factory=dict)  # document path -> text keys of its chunks
    indexed_at: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # content hash -> first document path with it


class Indexer:
    def __init__(self, settings: Settings, embedder: Embedder, progress=None):
        self.settings = settings
        self.embedder = embedder
        self.progress = progress  # callable(fraction, message) or None

    def _say(self, fraction: float, message: str) -> None:
        log.info(message)
        if self.progress:
            self.progress(fraction, message)

    def run(self, rebuild: bool = False) -> IndexReport:
        with WriterLock(self.settings.index_dir):
            return self._run(rebuild)

    def _run(self, rebuild: bool) -> IndexReport:
        s, report, started = self.settings, IndexReport(), time.perf_counter()
        if s.corpus_dir.is_file():
            raise FileNotFoundError(f"{s.corpus_dir} is een bestand, geen map. Zet het in een documentenmap en "
                                    f"geef die map op met --corpus / the corpus must be a folder")
        if not s.corpus_dir.is_dir():
            raise FileNotFoundError(f"Documentenmap {s.corpus_dir} bestaat niet / corpus folder not found")
        previous = None if rebuild else self._previous()
        old_files = previous.manifest["files"] if previous else {}
        same_chunker = previous is not None and previous.manifest.get("chunker") == chunker_settings(s)

        files = corpus_files(s.corpus_dir)
        t0 = time.perf_counter()
        got = _Collected()
        scanned: list[tuple[Path, NeedsOcr]] = []
        with IsolatedLoader(s.file_timeout_s, int(s.max_file_mb * 1e6), s.min_word_share) as loader:
            for i, path in enumerate(files):
                self._say(0.5 * i / max(1, len(files)), f"lezen {i + 1}/{len(files)}: {path.name}")
                self._read_one(path, loader, previous if same_chunker else None, old_files, report, got, scanned)
            # scanned PDFs last, so that a large batch of them does not hold up the rest
            self._ocr_all(scanned, loader, report, got, old_files)
        documents, doc_chunks, keys, indexed_at = got.documents, got.chunks, got.keys, got.indexed_at
        report.removed = sorted(set(old_files) - {relative_name(p, s.corpus_dir) for p in files})
        old_hashes = {old_files[name]["hash"]: name for name in report.removed}
        report.renamed = {name: old_hashes[digest] for digest, name in got.hashes.items()
                          if name in report.added and digest in old_hashes}
        report.seconds["read_and_chunk"] = time.perf_counter() - t0

        all_chunks = [c for d in documents for c in doc_chunks[d.path]]
        if s.store == "milvus":  # vectors go straight to Milvus, batch by batch
            sync = MilvusSync(self, previous)
            sync.add(all_chunks, [k for d in documents for k in keys[d.path]], report)
            vectors, lexical, dimension = None, None, sync.dimension
        else:
            vectors = self._vectors(documents, doc_chunks, keys, previous, report)
            dimension = self._dimension(vectors)
        t0 = time.perf_counter()
        self._say(0.95, "index schrijven")
        manifest = self._manifest(documents, doc_chunks, report, indexed_at, dimension)
        if s.store == "milvus":
            manifest["milvus"] = sync.config
        else:
            lexical = LexicalIndex.build([embedding_text(c) for c in all_chunks], s.compound_splitting)
        report.version = write_version(s.index_dir, manifest, documents, doc_chunks, keys, vectors, lexical,
                                       indexed_at, lambda v: make_vector_index(v, s))
        if s.store == "milvus":
            sync.remove_stale()
        report.seconds["write"] = time.perf_counter() - t0
        report.seconds["total"] = time.perf_counter() - started
        report.documents, report.chunks = len(documents), len(all_chunks)
        report.pages = sum(len(d.pages) for d in documents)
        self._say(1.0, "klaar")
        return report

    def _read_one(self, path: Path, loader: IsolatedLoader, previous: LoadedIndex | None, old_files: dict,
                  report: IndexReport, got: "_Collected", scanned: list | None = None) -> None:
        """Read and chunk one file, or reuse what the previous version has for it."""
        s = self.settings
        name = relative_name(path, s.corpus_dir)
        try:
            digest = check_readable(path, s.corpus_dir)
        except LoadError as err:
            report.failed[name] = str(err)
            if isinstance(err, UnreadableFile) and previous is not None and name in previous.documents:
                # unreadable now (a lock, permissions): keep what the index had; the next run tries again
                doc, chunks = self._reuse(previous, name)
                report.failed[name] += " (de vorige versie blijft in de index)"
                got.indexed_at[name] = old_files[name]["indexed_at"]
                self._keep(got, doc, chunks)
            return
        if digest in got.hashes:
            report.duplicates[name] = got.hashes[digest]
            return
        old = old_files.get(name)
        try:
            if previous is not None and old and old["hash"] == digest and not _ocr_incomplete(previous, name):
                doc, chunks = self._reuse(previous, name)
                got.indexed_at[name] = old["indexed_at"]
                report.unchanged.append(name)
            else:
                doc = loader.load(path, s.corpus_dir, digest)
                chunks = self._chunk_new(doc, bool(old), report, got)
        except NeedsOcr as err:
            if scanned is not None and self._ocr_options() is not None:
                scanned.append((path, err))
            else:
                report.failed[name] = f"{err}; {self._ocr_missing}" if self._ocr_missing else str(err)
            return
        except LoadError as err:
            report.failed[name] = str(err)
            return
        except OSError as err:  # the file vanished or became unreadable while it was read
            report.failed[name] = _cannot_read(err)
            return
        self._keep(got, doc, chunks)

    def _ocr_options(self) -> OcrOptions | None:
        """OCR settings when OCR is on and Tesseract with Dutch is installed (checked once per run)."""
        if not hasattr(self, "_ocr_missing"):
            self._ocr_missing = "" if self.settings.ocr == "off" else (ocr_available() or "")
        if self.settings.ocr == "off" or self._ocr_missing:
            return None
        return OcrOptions(self.settings.index_dir / "cache" / "ocr", self.settings.ocr_page_timeout_s)

    def _ocr_all(self, scanned: list, loader: IsolatedLoader, report: IndexReport, got: "_Collected",
                 old_files: dict) -> None:
        s, options = self.settings, self._ocr_options()
        for i, (path, needs) in enumerate(scanned):
            name = relative_name(path, s.corpus_dir)
            self._say(0.5 + 0.1 * i / len(scanned), f"OCR {i + 1}/{len(scanned)}: {path.name} ({needs.pages} pagina's)")
            try:
                digest = check_readable(path, s.corpus_dir)
                if digest in got.hashes:  # the same scan under two names: OCR'd and indexed once
                    report.duplicates[name] = got.hashes[digest]
                    continue
                doc = loader.load(path, s.corpus_dir, digest, options,
                                  extra_time_s=needs.pages * s.ocr_page_timeout_s)
            except LoadError as err:
                report.failed[name] = str(err)
                continue
            except OSError as err:
                report.failed[name] = _cannot_read(err)
                continue
            report.ocr_pages += doc.metadata.pop("ocr_run", 0)
            if doc.metadata.get("ocr_failed"):
                report.warnings[name] = ocr_failure_note(doc.metadata["ocr_failed"])
            self._keep(got, doc, self._chunk_new(doc, name in old_files, report, got))

    def _chunk_new(self, doc: Document, changed: bool, report: IndexReport, got: "_Collected") -> list[Chunk]:
        """Chunk a document read in this run, and record it as added or changed."""
        s = self.settings
        got.indexed_at[doc.path] = _now()
        (report.changed if changed else report.added).append(doc.path)
        return chunk_document(doc, s.chunk_words, s.chunk_min_words, s.chunk_overlap_sentences)

    def _keep(self, got: "_Collected", doc: Document, chunks: list[Chunk]) -> None:
        got.hashes[doc.content_hash] = doc.path
        got.documents.append(doc)
        got.chunks[doc.path] = chunks
        got.keys[doc.path] = [text_key(embedding_text(c), self.settings.model) for c in chunks]

    def _previous(self) -> LoadedIndex | None:
        if not current_version(self.settings.index_dir):
            return None
        previous = LoadedIndex(self.settings.index_dir)  # raises on a damaged index: rebuild is then needed
        previous.check_model(self.settings.model)
        return previous

    def _reuse(self, previous: LoadedIndex, name: str) -> tuple[Document, list[Chunk]]:
        record = previous.documents[name]
        pages = [Page(number, text, label) for number, label, text in previous.pages(name)]
        doc = Document(name, record.title, pages, record.metadata, record.hash)
        return doc, [chunk for _, chunk, _ in previous.chunks_of(name)]

    def _vectors(self, documents, doc_chunks, keys, previous, report) -> np.ndarray:
        t0 = time.perf_counter()
        known = previous.all_text_keys() if previous else {}
        order = [(k, c) for d in documents for k, c in zip(keys[d.path], doc_chunks[d.path])]
        missing = {k: embedding_text(c) for k, c in order if k not in known}
        self._say(0.6, f"{len(missing)} passages embedden ({len(order) - len(missing)} hergebruikt)")
        fresh = dict(zip(missing, self._embed_with_progress(list(missing.values()))))
        reused_rows = [known[k] for k, _ in order if k not in fresh]
        reused = dict(zip([k for k, _ in order if k not in fresh], previous.vector(reused_rows))) if reused_rows else {}
        report.embedded, report.reused_vectors = len(fresh), len(reused)
        report.seconds["embed"] = time.perf_counter() - t0
        if not order:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.vstack([fresh[k] if k in fresh else reused[k] for k, _ in order]).astype(np.float32)

    def _embed_with_progress(self, texts: list[str]) -> list[np.ndarray]:
        out, step = [], 64
        for start in range(0, len(texts), step):
            out.extend(self.embedder.embed_passages(texts[start:start + step]))
            self._say(0.6 + 0.35 * min(1.0, (start + step) / len(texts)),
                      f"embedden {min(start + step, len(texts))}/{len(texts)}")
        return out

    def _dimension(self, vectors: np.ndarray) -> int:
        """From the vectors when there are any: asking the embedder would load the model for nothing."""
        return int(vectors.shape[1]) if len(vectors) else self.embedder.dimension

    def _manifest(self, documents, doc_chunks, report, indexed_at, dimension: int) -> dict:
        s = self.settings
        files = {d.path: {"hash": d.content_hash, "pages": len(d.pages), "chunks": len(doc_chunks[d.path]),
                          "indexed_at": indexed_at[d.path]} for d in documents}
        return {
            "format": 1, "package_version": __version__, "created": _now(), "model": s.model,
            "dimension": dimension, "precision": self.embedder.precision, "store": s.store,
            "faiss": faiss_kind(s, sum(len(doc_chunks[d.path]) for d in documents)),
            "chunker": chunker_settings(s), "lexical": {"engine": "bm25s", "stemmer": "snowball-dutch",
                                                        "compound_splitting": s.compound_splitting},
            "corpus": str(s.corpus_dir), "files": files, "failed": report.failed, "warnings": report.warnings,
            "duplicates": report.duplicates,
            "counts": {"documents": len(documents), "pages": sum(len(d.pages) for d in documents),
                       "chunks": sum(len(doc_chunks[d.path]) for d in documents)},
        }


class MilvusSync:
    """Brings the Milvus collection in line with a new version: add before the switch, remove after.

    Passages are embedded and sent in batches, so a large folder is never held in memory as vectors.
    """

    BATCH = 256

    def __init__(self, indexer: "Indexer", previous: LoadedIndex | None):
        from .store import open_milvus

        s = indexer.settings
        self.indexer, self.previous, self.settings = indexer, previous, s
        self.config = {"uri": s.milvus_uri or str(s.index_dir / "milvus.db"), "collection": s.milvus_collection}
        self.dimension = previous.manifest["dimension"] if previous is not None else indexer.embedder.dimension
        self.collection = open_milvus(self.config, self.dimension)
        self.old_keys = set(previous.pk_rows) if previous is not None else set()
        self.new_keys: set[str] = set()

    def add(self, chunks: list[Chunk], text_keys: list[str], report: IndexReport) -> None:
        from .lexical import document_tokens, vocabulary
        from .milvus_store import pk_of

        t0 = time.perf_counter()
        keys = [pk_of(c.id, k) for c, k in zip(chunks, text_keys)]
        self.new_keys = set(keys)
        todo = [i for i, key in enumerate(keys) if key not in self.old_keys]
        known = self.previous.all_text_keys() if self.previous is not None else {}
        # the compound splitter learns from the whole version, as the embedded BM25 index does
        words = vocabulary(embedding_text(c) for c in chunks) if self.settings.compound_splitting else None
        for start in range(0, len(todo), self.BATCH):
            batch = todo[start:start + self.BATCH]
            vectors = self._vectors([chunks[i] for i in batch], [text_keys[i] for i in batch], known, report)
            terms = document_tokens([embedding_text(chunks[i]) for i in batch], self.settings.compound_splitting,
                                    words)
            self.collection.upsert([
                {"pk": keys[i], "doc": chunks[i].doc, "page": chunks[i].page_start or -1,
                 "section": chunks[i].section or "", "metadata": chunks[i].metadata, "text": chunks[i].text,
                 "terms": " ".join(t), "dense": v.tolist()} for i, t, v in zip(batch, terms, vectors)])
            self.indexer._say(0.6 + 0.35 * min(1.0, (start + len(batch)) / len(todo)),
                              f"naar Milvus {start + len(batch)}/{len(todo)}")
        report.reused_vectors += len(keys) - len(todo)  # already in the collection under the same key
        report.seconds["embed"] = time.perf_counter() - t0

    def _vectors(self, chunks: list[Chunk], text_keys: list[str], known: dict[str, int],
                 report: IndexReport) -> list[np.ndarray]:
        """Vectors for one batch: reused by text key where the previous version has them (a renamed file),
        embedded otherwise."""
        fresh = [i for i, k in enumerate(text_keys) if k not in known]
        reused = [i for i, k in enumerate(text_keys) if k in known]
        out: list = [None] * len(chunks)
        if fresh:
            for i, v in zip(fresh, self.indexer.embedder.embed_passages([embedding_text(chunks[i]) for i in fresh])):
                out[i] = v
        if reused:
            for i, v in zip(reused, self.previous.vector([known[text_keys[i]] for i in reused])):
                out[i] = v
        report.embedded += len(fresh)
        report.reused_vectors += len(reused)
        return out

    def remove_stale(self) -> None:
        """Keys no live version uses: those of the previous version that are gone, and leftovers of
        indexers that were killed before their switch."""
        self.collection.delete(sorted(self.collection.keys() - self.new_keys))
        self.collection.close()


def stale_files(settings: Settings, manifest: dict | None) -> dict[str, list[str]]:
    """What differs between the corpus folder and the index (by content hash)."""
    indexed = dict(manifest.get("files", {})) if manifest else {}
    known_bad = set(manifest.get("failed", {})) | set(manifest.get("duplicates", {})) if manifest else set()
    out = {"new": [], "changed": [], "removed": []}
    present = set()
    for path in corpus_files(settings.corpus_dir) if settings.corpus_dir.is_dir() else []:
        name = relative_name(path, settings.corpus_dir)
        present.add(name)
        try:
            digest = check_readable(path, settings.corpus_dir)
        except LoadError:
            digest = None  # reported by the indexer, per file
        if name in indexed:
            if indexed[name]["hash"] != digest:
                out["changed"].append(name)
        elif name not in known_bad:
            out["new"].append(name)
    out["removed"] = sorted(set(indexed) - present)
    return out


def _cannot_read(err: OSError) -> str:
    return f"kan het bestand niet lezen ({err.strerror or type(err).__name__}) / cannot read"


def _ocr_incomplete(previous: LoadedIndex, name: str) -> bool:
    """A scan with pages whose OCR failed last time is read again (the OCR cache keeps the pages that worked)."""
    record = previous.documents.get(name)
    return bool(record and record.metadata.get("ocr_failed"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


__all__ = ["Indexer", "IndexReport", "IndexError_", "stale_files"]
