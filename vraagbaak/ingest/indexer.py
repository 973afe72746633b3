"""The indexing pipeline: files -> documents -> chunks -> vectors -> a new index version.

Only new and changed files are read again; vectors are reused by the hash of
the text the model saw, so renames and unchanged files cost no embedding.

With a store that keeps whole versions (PostgreSQL, backends.SharedVersions) a run starts from the store's
current version, also where this index folder is empty or behind, and publishes the new version there before
it switches CURRENT here (versions.follow_shared, versions.write_version).
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from vraagbaak import __version__
from vraagbaak.embed.embedder import Embedder
from vraagbaak.index import backends, sentence_vectors
from vraagbaak.index.backends import Passage, WriteJob, passage_key
from vraagbaak.index.catalogue import FILE as CATALOGUE
from vraagbaak.index.catalogue import Catalogue, write_catalogue
from vraagbaak.index.lock import WriterLock
from vraagbaak.index.versions import (
    IndexError_,
    IndexVersion,
    current_version,
    follow_shared,
    read_manifest,
    write_version,
)
from vraagbaak.ingest import filetypes
from vraagbaak.ingest.chunking import CHUNKER_VERSION, chunk_document, embedding_text
from vraagbaak.ingest.collections import in_collections
from vraagbaak.ingest.loaders import (
    IsolatedLoader,
    LoadError,
    NeedsOcr,
    PartlyScanned,
    UnreadableFile,
    check_readable,
    corpus_files,
    relative_name,
)
from vraagbaak.ingest.ocr import OcrOptions, ocr_available, ocr_failure_note
from vraagbaak.schema import Chunk, Document, Page
from vraagbaak.settings import Settings
from vraagbaak.text.sentences import chunk_sentence_texts

log = logging.getLogger(__name__)
SENTENCES_SCRATCH = "sentences.sqlite.tmp"  # in the index folder until the new version takes it (writer lock held)


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
    embedded_sentences: int = 0  # sentence vectors embedded in this run (sentence_vectors.py)
    reused_sentence_vectors: int = 0  # ... and copied from the previous version
    seconds: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False

    def to_json(self) -> dict:
        return dict(self.__dict__)


def text_key(text: str, model: str) -> str:
    return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()


def chunker_settings(settings: Settings) -> dict:
    return {"chunk_words": settings.chunk_words, "min_words": settings.chunk_min_words,
            "overlap": settings.chunk_overlap_sentences, "longest_sentence": settings.quote_max_words,
            "version": CHUNKER_VERSION}


@dataclass
class _Collected:
    """What the reading stage hands to the embedding and writing stages."""
    documents: list[Document] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)  # document path -> its chunks
    keys: dict[str, list[str]] = field(default_factory=dict)  # document path -> text keys of its chunks
    indexed_at: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # content hash -> first document path with it


class Indexer:
    BATCH = 64  # passages per embedding call and per write to the backend

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
            self._check_corpus()
            s = self.settings
            # a store that keeps whole versions (PostgreSQL): start from its current version, also where this
            # folder is empty or behind (another machine indexed), and publish the new one there
            shared = backends.store(s.store).shared(s.plain(), _live_manifest(s.index_dir))
            previous = None
            try:
                if shared is not None:
                    follow_shared(s.index_dir, shared)
                previous = None if rebuild else self._previous()
                return self._run(previous, rebuild, shared)
            finally:
                if previous is not None:
                    previous.close()
                if shared is not None:
                    shared.close()

    def _check_corpus(self) -> None:
        s = self.settings
        if s.corpus_dir.is_file():
            raise FileNotFoundError(f"{s.corpus_dir} is een bestand, geen map. Zet het in een documentenmap en "
                                    f"geef die map op met --corpus / the corpus must be a folder")
        if not s.corpus_dir.is_dir():
            raise FileNotFoundError(f"Documentenmap {s.corpus_dir} bestaat niet / corpus folder not found")

    def _run(self, previous: IndexVersion | None, rebuild: bool = False,
             shared: backends.SharedVersions | None = None) -> IndexReport:
        s, report, started = self.settings, IndexReport(), time.perf_counter()
        old_files = previous.manifest["files"] if previous else {}
        same_chunker = previous is not None and previous.manifest.get("chunker") == chunker_settings(s)

        files = in_collections(corpus_files(s.corpus_dir), s.corpus_dir, s.scope_collections)
        t0 = time.perf_counter()
        got = _Collected()
        scanned: list[tuple[Path, NeedsOcr]] = []
        with IsolatedLoader(s.file_timeout_s, int(s.max_file_mb * 1e6), s.min_word_share,
                            s.worker_memory_mb) as loader:
            for i, path in enumerate(files):
                self._say(0.5 * i / max(1, len(files)), f"documenten gelezen {i + 1}/{len(files)}: {path.name}")
                self._read_one(path, loader, previous if same_chunker else None, old_files, report, got, scanned)
            # scanned PDFs last, so that a large batch of them does not hold up the rest
            self._ocr_all(scanned, loader, report, got, old_files)
        documents, doc_chunks, keys, indexed_at = got.documents, got.chunks, got.keys, got.indexed_at
        files_before = {name for name, record in old_files.items() if not record.get("part_of")}
        report.removed = sorted(files_before - {relative_name(p, s.corpus_dir) for p in files})
        old_hashes = {old_files[name]["hash"]: name for name in report.removed}
        report.renamed = {name: old_hashes[digest] for digest, name in got.hashes.items()
                          if name in report.added and digest in old_hashes}
        report.seconds["read_and_chunk"] = time.perf_counter() - t0

        passages = _passages(documents, doc_chunks, keys)
        if not passages:  # an index of nothing answers nothing; an earlier index stays as it is
            raise IndexError_(nothing_to_index(s.corpus_dir, len(files), report.failed))
        dimension = previous.manifest["dimension"] if previous is not None else self.embedder.dimension
        live_before = self._live_keys(previous)  # read before the switch: the folder goes with it
        job = WriteJob(dimension, [p.search_text for p in passages], s.plain(), _live_manifest(s.index_dir),
                       [p.key for p in passages])
        writer = backends.store(s.store).writer(job)
        sentences = s.index_dir / SENTENCES_SCRATCH
        try:
            self._fill(writer, passages, [k for d in documents for k in keys[d.path]], previous, report, rebuild)
            self._fill_sentences(sentences, [c for d in documents for c in doc_chunks[d.path]], previous, report)
            t0 = time.perf_counter()
            self._say(0.95, "index opslaan…")
            manifest = self._manifest(documents, doc_chunks, report, indexed_at, dimension)

            def fill(folder: Path) -> dict:
                write_catalogue(folder / CATALOGUE, documents, doc_chunks, keys, indexed_at)
                os.replace(sentences, folder / sentence_vectors.FILE)
                return writer.finish(folder)

            report.version = write_version(s.index_dir, manifest, fill, shared.publish if shared else None)
            # the version before stays complete one switch longer: app processes may still be answering from it
            writer.after_switch({p.key for p in passages} | live_before)
        finally:
            writer.close()
            sentences.unlink(missing_ok=True)  # left by a run that failed before the switch
        report.seconds["write"] = time.perf_counter() - t0
        report.seconds["total"] = time.perf_counter() - started
        report.documents, report.chunks = len(documents), len(passages)
        report.pages = sum(len(d.pages) for d in documents)
        self._say(1.0, "klaar")
        return report

    def _read_one(self, path: Path, loader: IsolatedLoader, previous: IndexVersion | None, old_files: dict,
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
                report.failed[name] += " (de vorige versie blijft in de index)"
                self._keep_previous(got, previous, name, old_files)
            return
        if digest in got.hashes:
            report.duplicates[name] = got.hashes[digest]
            return
        old = old_files.get(name)
        try:
            if previous is not None and old and old["hash"] == digest and not _ocr_incomplete(previous, name):
                self._keep_previous(got, previous, name, old_files)
                report.unchanged.append(name)
                return
            doc = loader.load(path, s.corpus_dir, digest)
            chunks = self._chunk_new(doc, bool(old), report, got)
        except NeedsOcr as err:
            if scanned is not None and self._ocr_options() is not None:
                scanned.append((path, err))
                return
            if isinstance(err, PartlyScanned):  # its text pages as they are; the scanned ones wait for OCR
                doc = err.document
                doc.content_hash, doc.metadata["ocr_pending"] = digest, err.pages  # read again next run
                report.warnings[name] = (f"{err.pages} gescande pagina('s) zonder tekst niet gelezen: "
                                         f"{self._ocr_missing or 'OCR staat uit'}")
                self._keep(got, doc, self._chunk_new(doc, bool(old), report, got))
                return
            report.failed[name] = f"{err}; {self._ocr_missing}" if self._ocr_missing else str(err)
            return
        except LoadError as err:
            report.failed[name] = str(err)
            return
        except OSError as err:  # the file vanished or became unreadable while it was read
            report.failed[name] = _cannot_read(err)
            return
        self._keep(got, doc, chunks)
        for part in doc.parts:  # an e-mail's attachments, each a document of its own
            self._keep(got, part, self._chunk_new(part, part.path in old_files, report, got))

    def _keep_previous(self, got: "_Collected", previous: IndexVersion, name: str, old_files: dict) -> None:
        """What the previous version has for a file, with the attachments indexed below it."""
        for kept in [name, *(n for n, record in old_files.items() if record.get("part_of") == name)]:
            if kept in previous.documents:
                got.indexed_at[kept] = old_files[kept]["indexed_at"]
                self._keep(got, *self._reuse(previous, kept))

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
            self._say(0.5 + 0.1 * i / len(scanned),
                      f"gescande pagina's lezen (OCR) {i + 1}/{len(scanned)}: {path.name} ({needs.pages} pagina's)")
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
        return chunk_document(doc, s.chunk_words, s.chunk_min_words, s.chunk_overlap_sentences, s.quote_max_words)

    def _keep(self, got: "_Collected", doc: Document, chunks: list[Chunk]) -> None:
        got.hashes[doc.content_hash] = doc.path
        got.documents.append(doc)
        got.chunks[doc.path] = chunks
        got.keys[doc.path] = [text_key(embedding_text(c), self.settings.model) for c in chunks]

    def _previous(self) -> IndexVersion | None:
        if not current_version(self.settings.index_dir):
            return None
        previous = IndexVersion(self.settings.index_dir)  # raises on a damaged index: rebuild is then needed
        try:
            previous.check_model(self.settings.model)
        except IndexError_:
            previous.close()
            raise
        return previous

    def _reuse(self, previous: IndexVersion, name: str) -> tuple[Document, list[Chunk]]:
        record = previous.documents[name]
        pages = [Page(number, text, label) for number, label, text in previous.pages(name)]
        doc = Document(name, record.title, pages, record.metadata, record.hash)
        return doc, [chunk for _, chunk, _ in previous.catalogue.chunks_of(name)]

    def _fill(self, writer, passages: list[Passage], text_keys: list[str], previous: IndexVersion | None,
              report: IndexReport, rebuild: bool = False) -> None:
        """Hand the backend every passage it does not hold yet (all of them on --rebuild), with its vector:
        copied from the previous version where that has the same text (unchanged or renamed files), embedded
        otherwise; a text that occurs twice is embedded once."""
        t0 = time.perf_counter()
        held = set() if rebuild else writer.held([p.key for p in passages])
        todo = [p for p in passages if p.key not in held]
        known = previous.catalogue.text_key_rows() if previous is not None else {}
        fresh = len({text_keys[p.row] for p in todo} - set(known))
        self._say(0.6, f"passages verwerken: {fresh} nieuw, {len(passages) - fresh} uit de vorige index")
        report.reused_vectors += len(held)
        embedded: dict[str, np.ndarray] = {}  # text key -> vector, for this run
        for start in range(0, len(todo), self.BATCH):
            batch = todo[start:start + self.BATCH]
            writer.add(batch, self._batch_vectors(batch, text_keys, known, previous, report, embedded))
            done = start + len(batch)
            self._say(0.6 + 0.25 * done / len(todo), f"passages verwerkt {done}/{len(todo)}")
        report.seconds["embed"] = time.perf_counter() - t0

    def _fill_sentences(self, path: Path, chunks: list[Chunk], previous: IndexVersion | None,
                        report: IndexReport) -> None:
        """The vectors of every sentence the answer stage can score (sentence_vectors.py): copied from the
        previous version where it has them (not on --rebuild), embedded otherwise."""
        t0 = time.perf_counter()
        texts = (t for c in chunks for t in chunk_sentence_texts(c))  # write() keeps each sentence once
        old = previous.folder / sentence_vectors.FILE if previous is not None else None
        report.embedded_sentences, report.reused_sentence_vectors = sentence_vectors.write(
            path, self.settings.model, texts, self.embedder.embed_sentences, old,
            progress=lambda done, todo: self._say(0.85 + 0.1 * done / todo, f"zinnen opslaan {done}/{todo}"))
        report.seconds["embed_sentences"] = time.perf_counter() - t0

    def _batch_vectors(self, batch: list[Passage], text_keys: list[str], known: dict[str, int],
                       previous: IndexVersion | None, report: IndexReport,
                       embedded: dict[str, np.ndarray]) -> np.ndarray:
        reuse = {p.row: known[text_keys[p.row]] for p in batch
                 if text_keys[p.row] in known and text_keys[p.row] not in embedded}
        stored = previous.backend.vectors(list(set(reuse.values()))) if reuse else {}
        copied = {row: stored[old] for row, old in reuse.items() if old in stored}
        missing = {text_keys[p.row]: p.search_text for p in batch
                   if p.row not in copied and text_keys[p.row] not in embedded}
        if missing:
            embedded.update(zip(missing, self.embedder.embed_passages(list(missing.values()))))
        report.embedded += len(missing)
        report.reused_vectors += len(copied)
        return np.vstack([copied[p.row] if p.row in copied else embedded[text_keys[p.row]]
                          for p in batch]).astype(np.float32)

    def _live_keys(self, previous: IndexVersion | None) -> set[str]:
        """The passage keys of the version that is live now: a backend keeps them one switch longer, for the
        app processes still answering from it. Read from its catalogue also on --rebuild."""
        if previous is not None:
            return set(previous.catalogue.keys())
        try:
            name = current_version(self.settings.index_dir)
            catalogue = Catalogue(self.settings.index_dir / "versions" / name / CATALOGUE) if name else None
        except Exception:  # noqa: BLE001 - a damaged version being rebuilt: nothing of it to keep
            return set()
        if catalogue is None:
            return set()
        try:
            return set(catalogue.keys())
        finally:
            catalogue.close()

    def _manifest(self, documents, doc_chunks, report, indexed_at, dimension: int) -> dict:
        s = self.settings
        files = {d.path: {"hash": d.content_hash, "pages": len(d.pages), "chunks": len(doc_chunks[d.path]),
                          "indexed_at": indexed_at[d.path], **_part_of(d.path)} for d in documents}
        return {
            "format": 1, "package_version": __version__, "created": _now(), "model": s.model,
            "dimension": dimension, "precision": self.embedder.precision, "store": s.store,
            "chunker": chunker_settings(s), "lexical": {"engine": "bm25s", "stemmer": "snowball-dutch",
                                                        "compound_splitting": s.compound_splitting},
            "corpus": str(s.corpus_dir), "files": files, "failed": report.failed, "warnings": report.warnings,
            "duplicates": report.duplicates,
            "sentence_vectors": {"file": sentence_vectors.FILE, "dtype": "float16"},
            "counts": {"documents": len(documents), "pages": sum(len(d.pages) for d in documents),
                       "chunks": sum(len(doc_chunks[d.path]) for d in documents)},
        }


def stale_files(settings: Settings, manifest: dict | None) -> dict[str, list[str]]:
    """What differs between the corpus folder and the index (by content hash)."""
    indexed = dict(manifest.get("files", {})) if manifest else {}
    known_bad = set(manifest.get("failed", {})) | set(manifest.get("duplicates", {})) if manifest else set()
    out = {"new": [], "changed": [], "removed": []}
    present = set()
    files = corpus_files(settings.corpus_dir) if settings.corpus_dir.is_dir() else []
    for path in in_collections(files, settings.corpus_dir, settings.scope_collections):
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
    out["removed"] = sorted({name for name, record in indexed.items() if not record.get("part_of")} - present)
    return out


def _part_of(name: str) -> dict:
    """{"part_of": the e-mail} for an attachment indexed as a document of its own; {} for a file."""
    holder = filetypes.attached_to(name)
    return {"part_of": holder} if holder else {}


def _passages(documents: list[Document], doc_chunks: dict[str, list[Chunk]],
              keys: dict[str, list[str]]) -> list[Passage]:
    """Every passage of the new version as a backend stores it, numbered in catalogue row order."""
    chunks = [(c, k) for d in documents for c, k in zip(doc_chunks[d.path], keys[d.path])]
    return [Passage(row, passage_key(c.id, k), c.doc, c.page_start, c.section, c.metadata, c.text, embedding_text(c))
            for row, (c, k) in enumerate(chunks)]


def _live_manifest(index_dir: Path) -> dict | None:
    """The manifest of the live version (also on --rebuild): a backend keeps what it said there (Milvus: whose
    passages these are)."""
    try:
        return read_manifest(index_dir)
    except IndexError_:
        return None


def _cannot_read(err: OSError) -> str:
    return f"kan het bestand niet lezen ({err.strerror or type(err).__name__}) / cannot read"


def _ocr_incomplete(previous: IndexVersion, name: str) -> bool:
    """A scan with pages whose OCR failed last time, or a PDF whose scanned pages waited for OCR, is read again
    (the OCR cache keeps the pages that worked)."""
    record = previous.documents.get(name)
    return bool(record and (record.metadata.get("ocr_failed") or record.metadata.get("ocr_pending")))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def nothing_to_index(corpus: Path, files: int, failed: dict[str, str]) -> str:
    """The Dutch message for a corpus from which no passage came: empty, or every file failed."""
    if not files:
        return (f"De documentenmap {corpus} bevat geen documenten die Vraagbaak kan lezen. Zet er documenten in "
                f"({filetypes.labels()}) en indexeer opnieuw.")
    reasons = "; ".join(f"{name}: {why}" for name, why in list(failed.items())[:3])
    return (f"Uit de {files} bestand(en) in {corpus} kwam geen tekst om te doorzoeken"
            + (f" ({reasons})" if reasons else "") + ". Er is geen nieuwe index gemaakt.")


__all__ = ["Indexer", "IndexReport", "IndexError_", "stale_files"]
