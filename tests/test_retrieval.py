"""Hybrid retrieval on small real corpora: BM25 catches exact rare terms, dense catches paraphrases,
hybrid catches both; and the eval command's arithmetic on a hand-checked set."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from vraagbaak.assistant import Assistant
from vraagbaak.evaluation import answer_scores, evaluate, score_ranks
from vraagbaak.schema import Answer, Chunk, Citation, Hit
from vraagbaak.settings import Settings

# Eight permits that differ only in street and case number: the number is the only thing that tells
# them apart, which a sentence embedding hardly sees and BM25 sees exactly.
PERMITS = {
    "Kerkstraat": "2024-4898", "Molenweg": "2024-9916", "Dorpsstraat": "2024-3136",
    "Stationsplein": "2024-7061", "Havenkade": "2024-8766", "Schoolstraat": "2024-2073",
    "Julianalaan": "2024-1215", "Marktplein": "2024-8687",
}
OTHER_DOCS = {
    "afval.md": ("Afvalinzameling", "Het huishoudelijk afval wordt elke twee weken opgehaald. "
                                    "Bewoners zetten de container de avond ervoor aan de straat."),
    "parkeren.md": ("Parkeerbeleid", "In de binnenstad geldt betaald parkeren van negen tot eenentwintig uur. "
                                     "Bewoners kunnen een parkeervergunning aanvragen."),
    "wonen.md": ("Woningbouw", "De gemeente bouwt tot 2030 ruim duizend nieuwe woningen. "
                               "Een derde daarvan is sociale huur."),
}
RARE_TERM_QUESTION = "Over welk pand gaat zaaknummer 2024-7061?"
RARE_TERM_DOC = "vergunning-stationsplein.md"
# No word of this question (or its stem or compound parts) occurs in the afval document.
PARAPHRASE_QUESTION = "Hoe vaak komt de vuilniswagen langs?"
PARAPHRASE_DOC = "afval.md"


def write_permits(corpus) -> None:
    for street, number in PERMITS.items():
        (corpus / f"vergunning-{street.lower()}.md").write_text(
            f"---\ntitle: Omgevingsvergunning {street}\ngemeente: Voorbeeldstad\n---\n\n"
            f"Het college verleent een omgevingsvergunning voor de verbouwing van een pand aan de {street}. "
            f"De vergunning is geregistreerd onder zaaknummer {number}. Bezwaar kan binnen zes weken.\n",
            encoding="utf-8")
    for name, (title, text) in OTHER_DOCS.items():
        (corpus / name).write_text(f"---\ntitle: {title}\ngemeente: Anderstad\n---\n\n{text}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def permits(tmp_path_factory, embedder) -> Assistant:
    corpus = tmp_path_factory.mktemp("vergunningen")
    write_permits(corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("vergunningen-index"),
                        model_dir=embedder.settings.model_dir)
    assistant = Assistant(settings, embedder)
    assistant.build_index()
    return assistant


def ranked_docs(assistant, question, mode, k=3, **kw):
    return [h.chunk.doc for h in assistant.search(question, k=k, mode=mode, **kw)]


def test_bm25_finds_an_exact_case_number_that_dense_misses(permits):
    assert ranked_docs(permits, RARE_TERM_QUESTION, "bm25")[0] == RARE_TERM_DOC
    assert RARE_TERM_DOC not in ranked_docs(permits, RARE_TERM_QUESTION, "dense")


def test_dense_finds_a_paraphrase_that_bm25_misses(permits):
    assert ranked_docs(permits, PARAPHRASE_QUESTION, "dense")[0] == PARAPHRASE_DOC
    assert PARAPHRASE_DOC not in ranked_docs(permits, PARAPHRASE_QUESTION, "bm25")


def test_hybrid_finds_both(permits):
    assert RARE_TERM_DOC in ranked_docs(permits, RARE_TERM_QUESTION, "hybrid")
    assert ranked_docs(permits, PARAPHRASE_QUESTION, "hybrid")[0] == PARAPHRASE_DOC


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_filters_apply_in_every_mode(permits, mode):
    unfiltered = ranked_docs(permits, "Wie bouwt woningen en wie verleent vergunningen?", mode, k=11)
    assert set(unfiltered) & set(OTHER_DOCS) and set(unfiltered) - set(OTHER_DOCS)
    hits = ranked_docs(permits, "Wie bouwt woningen en wie verleent vergunningen?", mode, k=11,
                       filters={"gemeente": "anderstad"})
    assert hits and set(hits) <= set(OTHER_DOCS)
    hits = ranked_docs(permits, RARE_TERM_QUESTION, mode, k=5, filters={"doc": ["wonen.md", RARE_TERM_DOC]})
    assert hits and set(hits) <= {"wonen.md", RARE_TERM_DOC}


def test_compound_part_finds_the_whole_word(tmp_path, embedder):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "monitor.md").write_text("De woningbouwmonitor telt elk kwartaal de opgeleverde huizen.\n")
    (corpus / "schuld.md").write_text("Inwoners met geldzorgen krijgen schuldhulpverlening van het wijkteam.\n")
    (corpus / "ander.md").write_text("De bibliotheek is op zondag gesloten.\n")
    (corpus / "drukte.md").write_text("De drukte in het centrum wordt gemeten met sensordata.\n")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "i",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    assert ranked_docs(assistant, "woningbouw", "bm25", k=1) == ["monitor.md"]
    assert ranked_docs(assistant, "schuldhulp", "bm25", k=1) == ["schuld.md"]
    # the stemmer restores the open syllable of "sensoren" ("sensoor"); the compound is built on "sensor"
    assert ranked_docs(assistant, "sensoren", "bm25", k=1) == ["drukte.md"]
    off = Assistant(assistant.settings.with_(compound_splitting=False, index_dir=tmp_path / "zonder"), embedder)
    off.build_index()
    assert ranked_docs(off, "woningbouw", "bm25", k=1) != ["monitor.md"]


# --- the eval metrics on a hand-checked set -----------------------------------------

class ScriptedAssistant:
    """Returns fixed rankings, so every metric below can be checked by hand."""

    class _Embedder:
        def embed_query(self, text):
            return None

        def clear_cache(self):
            pass

    def __init__(self, rankings):
        self.rankings = rankings
        self.embedder = self._Embedder()

    def searched_for(self, question, previous=()):  # no conversations in this set
        return question

    def search(self, question, k, mode, filters=None):
        return [Hit(Chunk(id=f"{question}-{i}", doc=doc, title=doc, page_start=None, page_end=None, section=None, text=text,
                          ordinal=i), 1.0 / (i + 1), i + 1)
                for i, (doc, text) in enumerate(self.rankings[question])]


def test_eval_metrics_on_a_hand_checked_set():
    rankings = {
        "q1": [("a.md", "x"), ("b.md", "y")],                        # doc hit at rank 1
        "q2": [("b.md", "x")] * 2 + [("a.md", "x")] + [("c.md", "x")] * 7,  # doc hit at rank 3
        "q3": [("c.md", "Het College  besluit\nnu")] + [("c.md", "x")] * 5
              + [("d.md", "het college besluit NU, niet later")],   # phrase hit at rank 7
        "q4": [("c.md", "x")] * 10,                                   # never
    }
    questions = [{"question": "q1", "doc": "a.md"}, {"question": "q2", "doc": "a.md"},
                 {"question": "q3", "all_of": ["college besluit nu"], "any_of": ["later", "morgen"]},
                 {"question": "q4", "doc": "a.md"}]
    row = evaluate(ScriptedAssistant(rankings), questions, k=5, modes=["hybrid"], answers=False)["modes"]["hybrid"]
    # ranks 1, 3, 7, none -> r@1 1/4, r@5 2/4, r@10 3/4, MRR (1 + 1/3 + 1/7 + 0) / 4
    assert row["recall@1"] == 0.25 and row["recall@5"] == 0.5 and row["recall@10"] == 0.75
    assert row["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4, abs=1e-4)
    assert score_ranks([11])["mrr"] == 0.0  # MRR is cut at 10


def test_answer_metrics_on_a_hand_checked_set():
    def cite(quote, page=None, page_end=None, doc="a.pdf"):
        return Citation(1, doc, doc, page, None, quote, page_end=page_end)

    pages = {("a.pdf", 1, 1): "De raad besluit unaniem.", ("a.pdf", 2, 2): "Het bedrag is 5 euro.",
             ("a.pdf", 1, 2): "De raad besluit unaniem. Het bedrag is 5 euro."}
    questions = [
        {"question": "bedrag", "all_of": ["5 euro"], "page": 2},    # answered in the second quote, on page 2
        {"question": "besluit", "any_of": ["unaniem", "meerderheid"], "page": 1},  # first quote, page cited wrong
        {"question": "weigering", "all_of": ["iets"]},                 # refused although answerable
        {"question": "onzin", "unanswerable": True},                  # rightly refused
        {"question": "onzin 2", "unanswerable": True},                # wrongly answered
    ]
    answers = [
        Answer("bedrag", True, "", [cite("De raad besluit unaniem.", 1), cite("Het bedrag is 5 euro.", 2)]),
        Answer("besluit", True, "", [cite("De raad besluit unaniem.", 2)]),
        Answer("weigering", False, "", []),
        Answer("onzin", False, "", []),
        Answer("onzin 2", True, "", [cite("De raad besluit unaniem.", 1, 2)]),
    ]
    row = answer_scores(questions, answers, lambda doc, first, last: pages[(doc, first, last)])
    assert row["answer_in_quotes"] == pytest.approx(2 / 3) and row["answer_in_first_quote"] == pytest.approx(1 / 3)
    assert row["refused_answerable"] == pytest.approx(1 / 3) and row["refused_unanswerable"] == 0.5
    assert row["page_correct"] == pytest.approx(3 / 4)  # the quote cited as page 2 is printed on page 1
    assert row["gold_page_cited"] == 0.5


def test_eval_command_json_on_a_real_index(permits, tmp_path):
    questions = tmp_path / "vragen.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"question": RARE_TERM_QUESTION, "doc": RARE_TERM_DOC},
        {"question": PARAPHRASE_QUESTION, "all_of": ["twee weken"], "answer": "elke twee weken opgehaald"},
    ]) + "\n", encoding="utf-8")
    s = permits.settings
    out = subprocess.run([sys.executable, "-m", "vraagbaak", "eval", "--questions", str(questions),
                          "--corpus", str(s.corpus_dir), "--index", str(s.index_dir), "--json", "--mode", "all"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["n"] == 2 and data["k"] == 5 and set(data["modes"]) == {"dense", "bm25", "hybrid"}
    keys = {"recall@1", "recall@5", "recall@10", "mrr", "latency_ms_p50", "latency_ms_p95", "answer_in_quotes"}
    assert all(keys <= set(row) for row in data["modes"].values())
    # bm25 misses the paraphrase entirely; hybrid finds both questions in its top 5
    assert data["modes"]["bm25"]["recall@10"] == 0.5
    assert data["modes"]["hybrid"]["recall@5"] == 1.0
    assert data["modes"]["hybrid"]["answer_in_quotes"] == 1.0


def test_large_corpora_get_an_hnsw_index_that_finds_the_same_passages(permits, tmp_path):
    """Above hnsw_min_chunks the vectors go into a graph index; answers and filters stay the same."""
    settings = permits.settings.with_(hnsw_min_chunks=5, index_dir=tmp_path / "hnsw")
    graph = Assistant(settings, permits.embedder)
    graph.build_index()
    manifest = json.loads((tmp_path / "hnsw" / "versions" / (tmp_path / "hnsw" / "CURRENT").read_text()
                           / "manifest.json").read_text())
    assert manifest["faiss"] == "IndexHNSWFlat" and type(graph.index.backend.index).__name__ == "IndexHNSWFlat"
    assert manifest["precision"] == graph.embedder.precision
    for question in (PARAPHRASE_QUESTION, RARE_TERM_QUESTION, "Wie bouwt er woningen?"):
        assert ranked_docs(graph, question, "hybrid") == ranked_docs(permits, question, "hybrid")
    hits = ranked_docs(graph, PARAPHRASE_QUESTION, "dense", k=5, filters={"gemeente": "Voorbeeldstad"})
    assert hits and all(h.startswith("vergunning-") for h in hits)


def test_bfloat16_is_chosen_only_on_cpus_with_native_support(monkeypatch):
    from vraagbaak.embed import embedder as embedding

    monkeypatch.setattr(embedding, "cpu_flags", lambda: {"avx2", "fma"})
    assert embedding.choose_precision("auto") == "float32"
    monkeypatch.setattr(embedding, "cpu_flags", lambda: {"avx2", "avx512_bf16"})
    assert embedding.choose_precision("auto") == "bfloat16"
    assert embedding.choose_precision("float32") == "float32"
    with pytest.raises(ValueError, match="onbekende precisie"):
        embedding.choose_precision("int4")


def test_bm25_read_with_numpy_scores_as_bm25s_does(permits):
    """Question time reads bm25s' saved score matrix without bm25s: the scores equal bm25s' own get_scores."""
    import bm25s

    from vraagbaak.index.backends.bm25 import LexicalIndex

    folder = permits.index.folder / "lexical"
    ours, theirs = LexicalIndex.load(folder), bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
    for question in (RARE_TERM_QUESTION, "vergunning bouwen woningen", "afval parkeren binnenstad", "zzz"):
        tokens = [t for t in ours.query_tokens(question) if t in ours.vocab]
        expected = theirs.get_scores(tokens) if tokens else np.zeros(ours.num_docs)
        assert np.allclose(ours.scores(question), expected, atol=1e-5), question
    assert ours.scores(RARE_TERM_QUESTION).max() > 0


def test_bm25_top_rows_with_ties_go_by_row():
    """Equal scores at the k-th place: both ways of ranking give the lowest rows first, whatever order
    argpartition leaves them in (20 identical passages about parking, 60 about other things)."""
    from vraagbaak.index.backends.bm25 import LexicalIndex

    texts = ["Parkeren in de binnenstad wordt duurder."] * 20 + \
        [f"De bibliotheek opent op dag {i} een nieuwe leeszaal." for i in range(60)]
    index = LexicalIndex.build(texts)
    rows = index.num_docs
    for question, k in (("parkeren binnenstad", 5), ("parkeren binnenstad", 25), ("bibliotheek leeszaal", 7)):
        scores = index.scores(question)
        expected = [(int(r), float(scores[r])) for r in np.lexsort((np.arange(rows), -scores))[:k] if scores[r] > 0]
        assert index.top(question, k, rows) == expected, question
    assert [r for r, _ in index.top("parkeren", 5, rows)] == [0, 1, 2, 3, 4]  # few rows hold it: the postings
    assert [r for r, _ in index.top("bibliotheek", 5, rows)] == [20, 21, 22, 23, 24]  # most rows: all rows


def test_bm25_top_rows_are_those_of_all_scores(permits):
    """`top` ranks only the postings where few rows hold a query term, and all rows where most do: both give
    the k best rows of the full score vector, equal scores by row, within `rows` and the allowed mask."""
    from vraagbaak.index.backends.bm25 import LexicalIndex

    index = LexicalIndex.load(permits.index.folder / "lexical")
    rows = index.num_docs
    rng = np.random.default_rng(7)
    allowed = rng.random(rows) < 0.5
    common = " ".join(index.vocab)  # every term: most rows hold one, the path over all rows
    for question in (RARE_TERM_QUESTION, "vergunning bouwen woningen", "afval parkeren binnenstad", common, "zzz"):
        for k, limit, mask in ((1, rows, None), (3, rows, None), (50, rows, None), (3, rows - 2, None),
                               (3, rows, allowed)):
            scores = index.scores(question)[:limit]
            if mask is not None:
                scores = np.where(mask, scores, 0)
            expected = [(int(r), float(scores[r])) for r in np.lexsort((np.arange(limit), -scores))[:k]
                        if scores[r] > 0]
            assert index.top(question, k, limit, mask) == expected, (question[:40], k, limit)


@pytest.mark.parametrize("vectors, graph", [("float16", False), ("sq8", False), ("sq8", True)])
def test_quantised_vectors_rank_and_score_as_float32(permits, tmp_path, vectors, graph):
    """float16 / 8-bit vectors in memory, exact float32 cosines for the candidates (mapped from disk): the same
    passages in the same order with the same cosines, so the "found" decision does not move."""
    settings = permits.settings.with_(faiss_vectors=vectors, index_dir=tmp_path / vectors,
                                      hnsw_min_chunks=5 if graph else 50_000)
    small = Assistant(settings, permits.embedder)
    small.build_index()
    assert small.status()["storage"].startswith(f"FAISS {'IndexHNSWFlat' if graph else 'IndexFlatIP'} ({vectors})")
    for question in (PARAPHRASE_QUESTION, RARE_TERM_QUESTION, "Wie bouwt er woningen?"):
        ours, exact = small.search(question, k=5, mode="dense"), permits.search(question, k=5, mode="dense")
        assert [h.chunk.id for h in ours] == [h.chunk.id for h in exact], question
        assert np.allclose([h.score for h in ours], [h.score for h in exact], atol=1e-5)
        assert ranked_docs(small, question, "hybrid") == ranked_docs(permits, question, "hybrid")
    answer = small.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?")
    assert answer.found and "twee weken" in answer.citations[0].quote


def test_unknown_vector_storage_is_refused_before_embedding(permits, tmp_path):
    settings = permits.settings.with_(faiss_vectors="int4", index_dir=tmp_path / "x")
    before = permits.embedder.passages_embedded
    with pytest.raises(ValueError, match="VRAAGBAAK_FAISS_VECTORS 'int4': kies uit float32, float16, sq8"):
        Assistant(settings, permits.embedder).build_index()
    assert permits.embedder.passages_embedded == before


def test_changed_vector_storage_is_applied_at_the_next_start_without_embedding(permits, tmp_path):
    """app.py updates the index when needs_index() says so: a changed VRAAGBAAK_FAISS_VECTORS (or HNSW
    threshold) counts, and the new version copies its vectors instead of embedding them."""
    import shutil

    shutil.copytree(permits.settings.index_dir, tmp_path / "index")
    settings = permits.settings.with_(index_dir=tmp_path / "index")
    assert not Assistant(settings, permits.embedder).needs_index()
    smaller = Assistant(settings.with_(faiss_vectors="sq8"), permits.embedder)
    assert smaller.needs_index()
    before = permits.embedder.passages_embedded
    report = smaller.ensure_index()
    assert report is not None and report.embedded == 0 and permits.embedder.passages_embedded == before
    assert "(sq8)" in smaller.status()["storage"] and not smaller.needs_index()
    assert Assistant(settings.with_(faiss_vectors="sq8", hnsw_min_chunks=5), permits.embedder).needs_index()


def test_question_words_do_not_match_sentences_that_only_share_the_question_form(monkeypatch):
    """"Welke …" asks for a kind of answer; it is not what the question is about. A case description that
    says "Welke gemeente … staat niet in de bronnen" must not outrank a passage on the subject because of it
    (here the subject word itself, "schuldenproblematiek", is in no passage, as in the chat)."""
    from vraagbaak.index.backends import bm25 as lexical
    from vraagbaak.text import words as words_module

    texts = ["Welke gemeente deze case draagt en welke data zijn gebruikt, staat niet in de bronnen.",
             "De gemeente gebruikt data in de schuldhulp.",
             "Het zwembad gaat in 2027 dicht voor een renovatie.",
             "De weekmarkt verhuist in het voorjaar naar de Havenkade."]
    question = "Welke gemeente gebruikt data tegen schuldenproblematiek?"
    index = lexical.LexicalIndex.build(texts)
    assert "welk" not in " ".join(index.query_tokens(question))
    scores = index.scores(question)
    assert scores[1] > scores[0]
    monkeypatch.setattr(words_module, "QUESTION_WORDS", frozenset())  # the same index, question words counted
    scores = index.scores(question)
    assert scores[0] > scores[1]


def _cached_pages(path) -> int:
    out = subprocess.run(["fincore", "--noheadings", "--output", "PAGES", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip())


@pytest.mark.skipif(shutil.which("fincore") is None or not hasattr(os, "posix_fadvise"),
                    reason="needs util-linux fincore and posix_fadvise")
def test_read_ahead_brings_the_asked_rows_into_the_disk_cache_and_no_more(tmp_path):
    """Right after a load nothing of a large index is in the disk cache; read_ahead asks for the rows a
    question needs all at once (docs/performance.md, 1M passages)."""
    from vraagbaak.index.backends.read_ahead import read_ahead

    path = tmp_path / "vectors.npy"
    np.save(path, np.random.default_rng(1).random((8000, 384), dtype=np.float32))  # 12 MB, 3000 pages
    with open(path, "rb") as f:
        os.fsync(f.fileno())
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    if _cached_pages(path) > 8:
        pytest.skip("this file system keeps the file cached (tmpfs?)")
    mapped = np.load(path, mmap_mode="r")
    before = _cached_pages(path)  # reading the header brought the file's first pages
    assert read_ahead(mapped, [(3000, 3001), (5000, 5001), (7999, 8000)])
    deadline = time.monotonic() + 5
    while _cached_pages(path) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 3 <= _cached_pages(path) - before <= 12  # the three rows' pages, not the file
    assert not read_ahead(np.zeros((4, 384), dtype=np.float32), [(0, 1)])  # in memory: nothing to ask


def test_read_ahead_asks_for_exactly_the_pages_of_the_rows(tmp_path):
    """From the page that holds a row's first byte to its last byte, past the .npy header (128 bytes here),
    clipped to the array; a view of a mapped array (its offset is the parent's) is not advised at all."""
    from vraagbaak.index.backends.read_ahead import page_ranges, read_ahead

    assert page_ranges(128, 1536, 100, [(0, 1), (2, 3), (99, 200), (5, 5), (-3, 1)], page=4096) == [
        (0, 1664), (0, 4736), (151552, 2176), (0, 1664)]
    np.save(tmp_path / "v.npy", np.zeros((100, 384), dtype=np.float32))
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    assert read_ahead(mapped, [(1, 2)]) and not read_ahead(mapped[5:], [(1, 2)])


def test_searches_read_ahead_the_rows_they_need(permits, tmp_path, monkeypatch):
    """A quantised index rescores its candidates from the mapped float32 vectors, BM25 reads its terms'
    postings: both ask for exactly those rows first."""
    from vraagbaak.index.backends import bm25 as lexical
    from vraagbaak.index.backends import faiss_store

    asked = []
    monkeypatch.setattr(faiss_store, "read_ahead", lambda array, spans: asked.append(("exact", spans)))
    monkeypatch.setattr(lexical, "read_ahead", lambda array, spans: asked.append(("postings", spans)))
    small = Assistant(permits.settings.with_(faiss_vectors="sq8", index_dir=tmp_path / "sq8"), permits.embedder)
    small.build_index()
    asked.clear()
    hits = small.search(RARE_TERM_QUESTION, k=5, mode="dense")
    assert [kind for kind, _ in asked] == ["exact"]
    rows = {a for _, spans in asked for a, b in spans if b == a + 1}
    assert len(rows) >= len(hits)
    asked.clear()
    small.search(RARE_TERM_QUESTION, k=5, mode="bm25")
    assert [kind for kind, _ in asked][:2] == ["postings", "postings"] and asked[0][1]  # row indices, scores
