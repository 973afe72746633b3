"""The same contract on every registered storage backend (embedded FAISS + bm25s, and Milvus: milvus-lite in
a temporary folder), through the Backend protocol and the Assistant. Plus one index version per question
while an indexer switches versions, and what only a shared store needs: keys owned per corpus, more keys than
a Milvus server returns per query, the old version kept while it is served, and Dutch BM25 terms."""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec

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

# The FAISS contract runs everywhere; Milvus only where pymilvus is installed (`pip install -e '.[milvus]'`).
needs_pymilvus = pytest.mark.skipif(find_spec("pymilvus") is None, reason="pymilvus is niet geïnstalleerd")
BACKENDS = [pytest.param(name, marks=needs_pymilvus) if name == "milvus" else name for name in backends.names()]


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
    else:
        collection = milvus_collection(manifest)
        collection.delete([next(iter(collection.keys()))])


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

    def switch_then_build(self, query, hits, focus=None):
        if not seen:
            seen.append(backend.index)
            afval.write_text("# Afvalinzameling\n\nHet huishoudelijk afval wordt voortaan elke vier weken "
                             "opgehaald, op maandag.\n", encoding="utf-8")
            indexer.build_index()
            assert backend.index is not seen[0] and not seen[0].closed  # a new question gets the new version
        return build(self, query, hits, focus)

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
def test_milvus_bm25_matches_dutch_inflections(milvus):
    assert ranked_docs(milvus, "ondermijningen", "bm25", k=1) == ["ondermijning.md"]
    assert ranked_docs(milvus, "bedrijventerrein", "bm25", k=1) == ["ondermijning.md"]


@needs_pymilvus
def test_milvus_serves_concurrent_searches(milvus):
    questions = [RARE_TERM_QUESTION, PARAPHRASE_QUESTION] * 8
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: ranked_docs(milvus, q, "hybrid"), questions))
    for question, docs in zip(questions, results):
        assert (RARE_TERM_DOC if question == RARE_TERM_QUESTION else PARAPHRASE_DOC) in docs


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


@needs_pymilvus
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


def test_unknown_store_is_refused_in_dutch():
    with pytest.raises(ValueError, match="onbekende opslag 'elastic'; kies uit faiss, milvus"):
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
    corpus = tmp_path / "corpus"
    (corpus / "wmo").mkdir(parents=True)
    (corpus / "rapport").mkdir()
    (corpus / "wmo" / "zorg.md").write_text("# Zorg\n\nMevrouw Quaakwerk krijgt twaalf uur begeleiding per week.\n")
    (corpus / "rapport" / "afval.md").write_text("# Afval\n\nHet afval wordt elke twee weken opgehaald.\n")
    whole = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="milvus",
                               milvus_uri=str(tmp_path / "gedeeld.db"), milvus_collection="gedeeld",
                               model_dir=embedder.settings.model_dir), embedder)
    everyone = whole.for_collections(frozenset({"rapport"}))
    wmo = whole.for_collections(frozenset({"rapport", "wmo"}))
    wmo.build_index()
    everyone.build_index()
    owners = {everyone.index.manifest["milvus"]["owner"], wmo.index.manifest["milvus"]["owner"]}
    assert len(owners) == 2  # one collection on the server, an owner per set of collections
    question = "Hoeveel uur begeleiding krijgt mevrouw Quaakwerk?"
    assert ranked_docs(wmo, question, "hybrid", k=1) == ["wmo/zorg.md"]
    assert "wmo/zorg.md" not in ranked_docs(everyone, question, "hybrid", k=10)
    assert [d["doc"] for d in everyone.documents()] == ["rapport/afval.md"]
