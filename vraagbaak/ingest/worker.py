"""Workers that embed a corpus file by file from the shared task table (tasks.py), and the coordinator that plans
a run, waits for it and then writes the index version from the shared vectors.

    python -m vraagbaak worker  --corpus DIR     # on any machine that sees the corpus folder; repeatable
    python -m vraagbaak index   --corpus DIR --workers   # plans, works along, waits, writes the version

A worker reads and chunks its file exactly as the indexer does (same loader, chunker and settings), embeds the
passages as the model sees them and their sentences, and stores the vectors it does not find in the shared
table. The coordinator then runs the ordinary indexer with an embedder that takes every vector from that table
(embedding only what is missing, e.g. when no worker ran), so a version is written by one process, once, and
only when every task is done. May import: settings, schema, text, embed, ingest.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from typing import Callable

import numpy as np

from vraagbaak.embed.embedder import Embedder
from vraagbaak.ingest.chunking import chunk_document, embedding_text
from vraagbaak.ingest.collections import in_collections
from vraagbaak.ingest.filetypes import has_pages
from vraagbaak.ingest.indexer import chunker_settings
from vraagbaak.ingest.loaders import (
    IsolatedLoader,
    LoadError,
    NeedsOcr,
    check_readable,
    corpus_files,
    pdf_page_count,
    relative_name,
)
from vraagbaak.ingest.ocr import OcrOptions, ocr_available
from vraagbaak.ingest.tasks import Progress, Task, TaskQueue, run_id, vector_key
from vraagbaak.schema import Document
from vraagbaak.settings import Settings
from vraagbaak.text.sentences import chunk_sentence_texts

log = logging.getLogger(__name__)
TASKS_PER_TAKE = 8  # files a worker takes at once: their texts are embedded together (a file holds ~25 texts)
EMBED_BATCH = 256  # texts per model call and per lease renewal


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_for(settings: Settings) -> TaskQueue:
    return TaskQueue(settings.postgres_url, settings.postgres_table, settings.worker_lease_s)


def plan(settings: Settings, queue: TaskQueue) -> str:
    """One task per readable corpus file; returns the run. An unreadable file gets no task: the indexer reports it."""
    s = settings
    files = []
    for path in in_collections(corpus_files(s.corpus_dir), s.corpus_dir, s.scope_collections):
        try:
            files.append((relative_name(path, s.corpus_dir), check_readable(path, s.corpus_dir)))
        except (LoadError, OSError):
            continue
    run = current_run(settings, files)
    pages = {name: pdf_page_count(s.corpus_dir / name) for name, _ in files
             if s.worker_pages_per_task and has_pages(name)}
    queue.plan(run, files, pages, s.worker_pages_per_task)
    return run


def current_run(settings: Settings, files: list[tuple[str, str]]) -> str:
    # the settings that shape passages, as the indexer records them (a new chunker version is a new run too),
    # and how PDFs are cut into tasks (planned with another cut, the same file would be two sets of tasks)
    key = {"model": settings.model, **chunker_settings(settings), "pages_per_task": settings.worker_pages_per_task}
    return run_id(files, json.dumps(key, sort_keys=True))


def work(settings: Settings, embedder: Embedder, queue: TaskQueue, run: str,
         say: Callable[[str], None] = log.info) -> int:
    """Take and do tasks of the run until none is open; returns how many this worker finished. Several files are
    taken at once (TASKS_PER_TAKE) so that their texts are embedded in one batch, as a single machine does."""
    me, done = worker_name(), 0
    ocr = (OcrOptions(settings.index_dir / "cache" / "ocr", settings.ocr_page_timeout_s)
           if settings.ocr != "off" and ocr_available() is None else None)
    # the long PDF whose page ranges this worker takes, one per take: read (and OCR'd) once, not per range
    long_pdf: tuple[tuple[str, str], Document | str] | None = None
    with IsolatedLoader(settings.file_timeout_s, int(settings.max_file_mb * 1e6), settings.min_word_share,
                        settings.worker_memory_mb) as loader:
        while tasks := queue.take(run, me, TASKS_PER_TAKE):
            say(f"taken {tasks[0].name} … {tasks[-1].name} ({len(tasks)})")
            texts: dict[str, str] = {}
            failed = {}
            if tasks[0].first_page is None:  # ranges are taken first: no more are coming, let the PDF go
                long_pdf = None
            for task in tasks:
                if task.first_page is None:
                    read = _load(settings, loader, ocr, task)
                else:
                    if long_pdf is None or long_pdf[0] != (task.file_name, task.content_hash):
                        long_pdf = ((task.file_name, task.content_hash), _load(settings, loader, ocr, task))
                    read = long_pdf[1]
                if isinstance(read, str):
                    failed[task.name] = read
                else:
                    texts.update((vector_key(settings.model, t), t) for t in _texts(settings, read, task))
            if not _embed(embedder, queue, tasks, me, texts):
                say("de lease van deze taken was verlopen; een andere worker heeft ze")
                continue
            done += sum(queue.finish(task, me, failed.get(task.name)) for task in tasks)
    return done


def work_until_done(settings: Settings, embedder: Embedder, queue: TaskQueue, run: str,
                    say: Callable[[str], None] = log.info, poll_s: float = 1.0) -> Progress:
    """The coordinator: work on tasks, and while other workers hold the last ones, wait and take any whose
    lease runs out (its worker died), until every task is done, failed or given up on."""
    while True:
        work(settings, embedder, queue, run, say)
        progress = queue.progress(run)
        say(progress.line())
        if progress.finished:
            return progress
        time.sleep(poll_s)


def _load(settings: Settings, loader: IsolatedLoader, ocr: OcrOptions | None, task: Task) -> Document | str:
    """The task's file as a document, or a Dutch reason why it cannot be read."""
    s = settings
    path = s.corpus_dir / task.file_name
    try:
        if check_readable(path, s.corpus_dir) != task.content_hash:
            return "het bestand is gewijzigd sinds de taken zijn gepland; de volgende indexering plant het opnieuw"
        try:
            doc = loader.load(path, s.corpus_dir, task.content_hash)
        except NeedsOcr as err:
            if ocr is None:
                return str(err)
            doc = loader.load(path, s.corpus_dir, task.content_hash, ocr, extra_time_s=err.pages * s.ocr_page_timeout_s)
    except (LoadError, OSError) as err:
        return str(err) or "onleesbaar"
    return doc


def _texts(settings: Settings, doc: Document, task: Task) -> list[str]:
    """The texts whose vectors the indexer will ask for (each passage as the model sees it, and its sentences):
    the whole document is cut into passages as the indexer cuts it, and a page range takes those that start on
    its pages, so that the passages are the same however the file was divided."""
    s = settings
    texts: list[str] = []
    for part in [doc, *doc.parts]:  # an e-mail's attachments are documents of their own
        for chunk in chunk_document(part, s.chunk_words, s.chunk_min_words, s.chunk_overlap_sentences,
                                    s.quote_max_words):
            if task.holds_page(chunk.page_start):
                texts.append(embedding_text(chunk))
                texts.extend(chunk_sentence_texts(chunk))
    return texts


def _embed(embedder: Embedder, queue: TaskQueue, tasks: list[Task], me: str, texts: dict[str, str]) -> bool:
    """Embed and store what the shared table lacks, renewing the lease per batch; False when it ran out."""
    missing = sorted(queue.missing(list(texts)))
    for start in range(0, len(missing), EMBED_BATCH):
        if not queue.renew(tasks, me):  # another worker holds them now: its vectors will be the same
            return False
        part = missing[start:start + EMBED_BATCH]
        queue.store(part, embedder.embed_passages([texts[k] for k in part]))
    return queue.renew(tasks, me)


class SharedVectors:
    """An embedder for the coordinator's indexer: every vector a worker stored is taken from the shared table;
    only what is missing is embedded here (and stored, so a rerun finds it)."""

    def __init__(self, embedder: Embedder, queue: TaskQueue, model: str):
        self._embedder, self._queue, self._model = embedder, queue, model
        self.from_workers = 0

    def __getattr__(self, name):  # dimension, settings, … as the wrapped embedder has them
        return getattr(self._embedder, name)

    def _take(self, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [vector_key(self._model, t) for t in texts]
        found = self._queue.lookup(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = {k: t for k, t in zip(keys, texts)}
            made = embed([by_key[k] for k in missing])
            self._queue.store(missing, made)
            found.update(zip(missing, np.asarray(made, dtype=np.float32)))
        self.from_workers += len(keys) - len(missing)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._take(texts, self._embedder.embed_passages)

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        return self._take(texts, self._embedder.embed_sentences)

