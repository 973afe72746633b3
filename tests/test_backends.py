"""The same behaviour on both storage backends: embedded FAISS + bm25s, and Milvus (milvus-lite in a
temporary folder). Plus what only Milvus needs: Dutch inflections in its BM25, concurrent searches, and
keys left behind by an interrupted indexer."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.assistant import Assistant
from assistant.settings import Settings
from test_retrieval import (OTHER_DOCS, PARAPHRASE_DOC, PARAPHRASE_QUESTION, RARE_TERM_DOC, RARE_TERM_QUESTION,
                            ranked_docs, write_permits)

pytest.importorskip("pymilvus")
BACKENDS = ["faiss", "milvus"]


def write_corpus(corpus) -> None:
    write_permits(corpus)
    (corpus / "ondermijning.md").write_text(
        "---\ntitle: Ondermijning\ngemeente: Zaanstad\n---\n\nDe gemeente Zaanstad brengt de ondermijning in "
        "bedrijventerreinen in kaart met een data-applicatie.\n", encoding="utf-8")


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, embedder) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir,
                        store=request.param)
    assistant = Assistant(settings, embedder)
    assistant.build_index()
    yield assistant
    if assistant._index is not None:
        assistant._index.close()


def test_hybrid_finds_the_rare_term_and_the_paraphrase(backend):
    assert RARE_TERM_DOC in ranked_docs(backend, RARE_TERM_QUESTION, "hybrid")
    assert ranked_docs(backend, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC
    assert ranked_docs(backend, RARE_TERM_QUESTION, "bm25")[0] == RARE_TERM_DOC
    assert ranked_docs(backend, PARAPHRASE_QUESTION, "dense")[0] == PARAPHRASE_DOC


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_filters_in_every_mode(backend, mode):
    question = "Wie bouwt woningen en wie verleent vergunningen?"
    hits = ranked_docs(backend, question, mode, k=12, filters={"gemeente": "anderstad"})
    assert hits and set(hits) <= set(OTHER_DOCS)
    hits = ranked_docs(backend, RARE_TERM_QUESTION, mode, k=5, filters={"doc": ["wonen.md", RARE_TERM_DOC]})
    assert hits and set(hits) <= {"wonen.md", RARE_TERM_DOC}
    assert ranked_docs(backend, question, mode, filters={"gemeente": "nergensstad"}) == []


def test_ask_quotes_verbatim(backend):
    answer = backend.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?")
    assert answer.found and answer.citations[0].doc == PARAPHRASE_DOC
    assert "elke twee weken opgehaald" in answer.citations[0].quote
    assert backend.verify_quote(answer.citations[0].doc, answer.citations[0].quote)
    assert not backend.ask("Wat is de hoofdstad van Peru?").found


def test_incremental_add_change_remove_and_status(backend):
    corpus = backend.settings.corpus_dir
    (corpus / "bibliotheek.md").write_text("# Bibliotheek\n\nDe bibliotheek in Noord is op zondag open van "
                                           "twaalf tot vijf uur voor scholieren die willen studeren.\n")
    (corpus / "afval.md").write_text("---\ntitle: Afvalinzameling\n---\n\nHet restafval wordt vanaf januari "
                                     "elke vier weken opgehaald.\n")
    (corpus / "parkeren.md").unlink()
    assert backend.status()["up_to_date"] is False
    before = backend.embedder.passages_embedded
    report = backend.build_index()
    assert backend.embedder.passages_embedded - before == 2  # only the new and the changed passage
    assert report.added == ["bibliotheek.md"] and report.changed == ["afval.md"] and report.removed == ["parkeren.md"]
    assert ranked_docs(backend, "Wanneer is de bibliotheek op zondag open?", "hybrid")[0] == "bibliotheek.md"
    assert "vier weken" in backend.search("Hoe vaak wordt het restafval opgehaald?", k=1)[0].chunk.text
    assert "parkeren.md" not in ranked_docs(backend, "Waar kan ik betaald parkeren?", "hybrid", k=12)
    status = backend.status()
    assert status["up_to_date"] and status["counts"]["documents"] == 12


# --- Milvus only ------------------------------------------------------------------

@pytest.fixture
def milvus(tmp_path, embedder) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="milvus",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    return assistant


def test_milvus_bm25_matches_dutch_inflections(milvus):
    assert ranked_docs(milvus, "ondermijningen", "bm25", k=1) == ["ondermijning.md"]
    assert ranked_docs(milvus, "bedrijventerrein", "bm25", k=1) == ["ondermijning.md"]


def test_milvus_serves_concurrent_searches(milvus):
    questions = [RARE_TERM_QUESTION, PARAPHRASE_QUESTION] * 8
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: ranked_docs(milvus, q, "hybrid"), questions))
    for question, docs in zip(questions, results):
        assert (RARE_TERM_DOC if question == RARE_TERM_QUESTION else PARAPHRASE_DOC) in docs


def test_milvus_keys_of_an_unfinished_run_are_ignored_then_cleaned(milvus):
    collection = milvus.index.milvus
    vector = milvus.embedder.embed_passages(["Het huishoudelijk afval wordt elke twee weken opgehaald."])[0]
    collection.upsert([{"pk": "achtergebleven", "doc": "afval.md", "page": -1, "section": "", "metadata": {},
                        "text": "achtergebleven", "terms": "afval", "dense": vector.tolist()}])
    hits = milvus.search(PARAPHRASE_QUESTION, k=3)
    assert hits[0].chunk.doc == PARAPHRASE_DOC and all(h.chunk.text != "achtergebleven" for h in hits)
    (milvus.settings.corpus_dir / "wonen.md").write_text("# Wonen\n\nEr komen vijfhonderd huurwoningen bij.\n")
    milvus.build_index()
    assert "achtergebleven" not in milvus.index.milvus.keys()


def test_milvus_collection_missing_passages_is_refused(milvus):
    from assistant.store import IndexError_, LoadedIndex

    collection = milvus.index.milvus
    collection.delete([next(iter(milvus.index.pk_rows))])
    with pytest.raises(IndexError_, match="--rebuild"):
        LoadedIndex(milvus.settings.index_dir)


def test_switching_the_store_moves_the_vectors_without_embedding(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir)
    Assistant(settings, embedder).build_index()
    on_milvus = Assistant(settings.with_(store="milvus"), embedder)
    assert on_milvus.needs_index()
    before = embedder.passages_embedded
    report = on_milvus.build_index()
    assert embedder.passages_embedded == before and report.embedded == 0 and report.chunks == 12
    assert on_milvus.status()["store"] == "milvus"
    assert ranked_docs(on_milvus, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC


def test_milvus_keys_above_the_server_paging_cap_without_offset(tmp_path, monkeypatch):
    """A Milvus server refuses offset + limit > 16,384, which milvus-lite does not enforce: the test makes the
    client refuse it too, and reads 20,500 keys (synthetic vectors, nothing embedded)."""
    import hashlib

    import numpy as np

    from assistant.milvus_store import MilvusCollection

    collection = MilvusCollection(str(tmp_path / "milvus.db"), "veel", dimension=8)
    rng = np.random.default_rng(3)
    keys = [f"{hashlib.sha1(str(i).encode()).hexdigest()[:16]}-{i:016x}" for i in range(20_500)]
    vectors = rng.normal(size=(len(keys), 8)).astype(np.float32)
    collection.upsert([{"pk": k, "doc": "synthetisch.md", "page": -1, "section": "", "metadata": {},
                        "text": "tekst", "terms": "tekst", "dense": v.tolist()} for k, v in zip(keys, vectors)])
    query = collection.client.query

    def like_a_server(*args, **kwargs):
        if kwargs.get("offset", 0) + kwargs.get("limit", 0) > 16_384:
            raise RuntimeError("invalid max query result window, (offset+limit) should be in range [1, 16384]")
        return query(*args, **kwargs)

    collection.client.query = like_a_server
    assert collection.keys() == set(keys)
    # a prefix with more keys than one query returns is split into longer prefixes (here on a stand-in
    # client that answers like Milvus, so that the 272 queries take no minutes)
    import assistant.milvus_store as milvus_store

    monkeypatch.setattr(milvus_store, "KEY_PAGE", 1_000)

    def in_memory(name, filter, output_fields, limit, **kwargs):
        assert "offset" not in kwargs
        prefix = filter.split('"')[1].rstrip("%")
        return [{"pk": k} for k in keys if k.startswith(prefix)][:limit]

    collection.client.query = in_memory
    assert collection.keys() == set(keys)


def test_milvus_that_cannot_be_reached_is_not_called_damaged(tmp_path, monkeypatch):
    import pymilvus

    from assistant.milvus_store import MilvusCollection, MilvusUnavailable

    def refuse(*args, **kwargs):
        raise ConnectionError("connection refused")

    monkeypatch.setattr(pymilvus, "MilvusClient", refuse)
    with pytest.raises(MilvusUnavailable, match="Milvus-server niet bereikbaar op http://localhost:1"):
        MilvusCollection("http://localhost:1", "x", 8)
    monkeypatch.setitem(__import__("sys").modules, "pymilvus", None)  # not installed
    with pytest.raises(MilvusUnavailable, match=r"pip install -e '\.\[milvus\]'"):
        MilvusCollection("http://localhost:1", "x", 8)
