"""Synthetic indexes of any size, made from real Dutch passages and their real embeddings.

Embedding 100k passages would take hours on 2 cores, and the question path does not care where a vector
came from. So a pool of real passages is embedded once, and each synthetic passage joins the first half of
one pool passage to the second half of another, with the normalised sum of their two vectors plus a little
noise as its vector: real text for BM25, realistic clusters for FAISS. Passages are joined at a sentence
boundary, so every sentence of a synthetic passage is a pool sentence, whose vector (embedded once) goes into
the version's stored sentence vectors as indexing would write it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .data import passages

CACHE = Path(__file__).resolve().parent / ".cache"
GEMEENTEN = ["Utrecht", "Zaanstad", "Tilburg", "Groningen", "Eindhoven", "Amersfoort", "Zwolle", "Leiden"]
CHUNKS_PER_DOC = 20


def pool(n: int = 400) -> tuple[list[str], np.ndarray]:
    path = CACHE / f"pool-{n}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=False)
        return list(data["texts"]), data["vectors"]
    from vraagbaak.embed.embedder import Embedder
    from vraagbaak.settings import Settings

    texts = passages(n)
    vectors = Embedder(Settings()).embed_passages(texts)
    CACHE.mkdir(exist_ok=True)
    np.savez(path, texts=np.array(texts), vectors=vectors)
    return texts, vectors


def pool_sentences(texts: list[str]) -> dict[str, np.ndarray]:
    """The vector of every sentence of the pool passages, embedded once and cached."""
    from vraagbaak.text.sentences import split_sentences

    path = CACHE / f"pool-{len(texts)}-sentences.npz"
    if path.exists():
        data = np.load(path, allow_pickle=False)
        return dict(zip(data["sentences"].tolist(), data["vectors"]))
    from vraagbaak.embed.embedder import Embedder
    from vraagbaak.settings import Settings

    sentences = list(dict.fromkeys(t for text in texts for t in split_sentences(text) or [text]))
    vectors = Embedder(Settings()).embed_sentences(sentences)
    np.savez(path, sentences=np.array(sentences), vectors=vectors)
    return dict(zip(sentences, vectors))


def spans(sentences: list[str], page: int) -> list:
    """Where each sentence is in the text they make when joined by spaces, as indexing records it: the answer
    stage then takes these sentences as they are, without splitting a million passages again."""
    from vraagbaak.schema import SentenceSpan

    out, start = [], 0
    for block, sentence in enumerate(sentences):
        out.append(SentenceSpan(start, start + len(sentence), page, block))
        start += len(sentence) + 1
    return out


def current(index_dir: Path) -> bool:
    """Is there a synthetic version to reuse? One written before sentence vectors were stored is removed."""
    import shutil

    from vraagbaak.index.versions import current_version, read_manifest

    if not (index_dir.is_dir() and current_version(index_dir)):
        return False
    if "sentence_vectors" in (read_manifest(index_dir) or {}):
        return True
    shutil.rmtree(index_dir)
    return False


def build(size: int, settings) -> Path:
    """Write (or reuse) a synthetic index version of `size` passages under settings.index_dir."""
    from vraagbaak.index import backends, sentence_vectors
    from vraagbaak.index.catalogue import FILE, write_catalogue
    from vraagbaak.index.versions import write_version
    from vraagbaak.ingest.chunking import embedding_text
    from vraagbaak.ingest.indexer import chunker_settings, text_key
    from vraagbaak.schema import Chunk, Document, Page
    from vraagbaak.text.sentences import chunk_sentence_texts, split_sentences

    if current(settings.index_dir):
        return settings.index_dir
    texts, vectors = pool()
    split = [split_sentences(t) or [t] for t in texts]
    rng = np.random.default_rng(size)
    a, b = rng.integers(0, len(texts), size), rng.integers(0, len(texts), size)
    mixed = vectors[a] + vectors[b] + rng.normal(0, 0.02, (size, vectors.shape[1])).astype(np.float32)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    documents, doc_chunks, keys, indexed_at = [], {}, {}, {}
    for d in range(0, size, CHUNKS_PER_DOC):
        name = f"synthetisch/doc-{d // CHUNKS_PER_DOC:05d}.md"
        meta = {"gemeente": GEMEENTEN[(d // CHUNKS_PER_DOC) % len(GEMEENTEN)]}
        chunks, pages = [], []
        for i in range(d, min(d + CHUNKS_PER_DOC, size)):
            first, second = split[a[i]], split[b[i]]
            sentences = first[: max(1, len(first) // 2)] + second[len(second) // 2:]
            text = " ".join(sentences)
            page = i - d + 1
            pages.append(Page(page, text))
            chunks.append(Chunk(f"{name}#{page}", name, f"Synthetisch document {d // CHUNKS_PER_DOC}", page, page,
                                None, text, meta, page - 1, spans(sentences, page)))
        documents.append(Document(name, chunks[0].title, pages, meta, f"hash-{d}"))
        doc_chunks[name] = chunks
        keys[name] = [text_key(c.text, settings.model) for c in chunks]
        indexed_at[name] = "2026-01-01T00:00:00+00:00"
    all_chunks = [c for d in documents for c in doc_chunks[d.path]]
    passages = [backends.Passage(row, backends.passage_key(c.id, keys[c.doc][c.ordinal]), c.doc, c.page_start, c.section, c.metadata, c.text, embedding_text(c))
                for row, c in enumerate(all_chunks)]
    writer = backends.store(settings.store).writer(
        backends.WriteJob(int(vectors.shape[1]), [p.search_text for p in passages], settings.plain(), None,
                          [p.key for p in passages]))
    writer.add(passages, mixed)
    manifest = {"format": 1, "model": settings.model, "dimension": int(vectors.shape[1]), "precision": "synthetic",
                "store": settings.store, "chunker": chunker_settings(settings), "files": {},
                "counts": {"documents": len(documents), "pages": size, "chunks": size},
                "sentence_vectors": {"file": sentence_vectors.FILE, "dtype": "float16"}}
    known = pool_sentences(texts)

    def embed(sentences: list[str]) -> np.ndarray:  # a sentence split differently in its new neighbourhood
        missing = [t for t in sentences if t not in known]
        if missing:
            from vraagbaak.embed.embedder import Embedder

            known.update(zip(missing, Embedder(settings).embed_sentences(missing)))
        return np.vstack([known[t] for t in sentences])

    def fill(folder: Path) -> dict:
        write_catalogue(folder / FILE, documents, doc_chunks, keys, indexed_at)
        pooled = len(known)
        sentence_vectors.write(folder / sentence_vectors.FILE, settings.model,
                               [t for c in all_chunks for t in chunk_sentence_texts(c)], embed)
        print(f"synthetische zinnen buiten de pool, ge-embed: {len(known) - pooled}", flush=True)
        return writer.finish(folder)

    write_version(settings.index_dir, manifest, fill)
    writer.close()
    return settings.index_dir


def derive(source_dir: Path, settings) -> bool:
    """Another FAISS variant of a synthetic index that was built with quantised vectors (so with the float32
    vectors in vectors.f32.npy): the catalogue and BM25 are linked, not rebuilt; only the vector index is
    made (exact, HNSW, float32 or quantised, as `settings` say). False when there is no such source."""
    import json
    import os
    import shutil

    import faiss

    from vraagbaak.index.backends.faiss_store import EXACT, faiss_kind, make_vector_index, storage
    from vraagbaak.index.versions import current_version, write_version

    name = current_version(source_dir) if current(source_dir) else None
    source = source_dir / "versions" / name if name else None
    if source is None or not (source / EXACT).exists():
        return False
    manifest = json.loads((source / "manifest.json").read_text())
    options = settings.plain()

    def fill(folder: Path) -> dict:
        os.link(source / "chunks.sqlite", folder / "chunks.sqlite")
        os.link(source / "sentences.sqlite", folder / "sentences.sqlite")
        shutil.copytree(source / "lexical", folder / "lexical", copy_function=os.link)
        vectors = np.load(source / EXACT)
        faiss.write_index(make_vector_index(vectors, options), str(folder / "vectors.faiss"))
        if storage(options) != "float32":
            os.link(source / EXACT, folder / EXACT)
        return {"faiss": faiss_kind(len(vectors), options["hnsw_min_chunks"]), "faiss_vectors": storage(options)}

    write_version(settings.index_dir, manifest, fill)
    return True
