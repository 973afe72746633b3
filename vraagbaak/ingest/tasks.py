"""Indexing as durable tasks in PostgreSQL, so that any number of workers on any number of machines embed a
corpus, and a worker that dies (``kill -9``, a lost machine) loses nothing but its lease.

What is shared, in two tables (``<postgres_table>_tasks`` and ``<postgres_table>_vectors``):
- one task per file of a run, or per range of pages of a long PDF (as RAGFlow cuts them; one file would
  otherwise keep one worker busy while the others wait), keyed by the run and the file's name (with the range),
  with the file's content hash. A worker
  takes the first open task with ``SELECT … FOR UPDATE SKIP LOCKED`` (two workers never take the same one) and
  holds it for a lease; a task whose lease ran out is open again, and a worker that lost its lease cannot mark
  it done. After MAX_ATTEMPTS takes a task is given up on, and the run's report names it.
- the vectors the workers made, keyed by a hash of the model and the text (a passage as the model sees it, or a
  sentence), inserted with ``ON CONFLICT DO NOTHING``: a task done twice (its first worker died after writing)
  writes nothing twice.

The expensive part, embedding, is what the workers share. The coordinator (``python -m vraagbaak index
--workers``) plans the run, works on tasks itself, waits until every task is done, and then writes the index
version as a single machine does, taking every vector from the shared table: the version switches only when
every task is done, and its passages are written once, by one process. May import: settings, schema, text;
psycopg is imported only here (a FAISS installation without workers never needs it).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

MAX_ATTEMPTS = 3  # a file that kills its worker this often is given up on, not retried for ever
_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
INSTALL = "psycopg is niet geïnstalleerd: pip install -e '.[postgres]'"


def vector_key(model: str, text: str) -> str:
    """The key of a text's vector: the same for every worker that embeds it with the same model."""
    return hashlib.blake2b(f"{model}\n{text}".encode(), digest_size=16).hexdigest()


def run_id(files: Iterable[tuple[str, str]], settings_key: str) -> str:
    """A run is the set of (file, content hash) and the settings that shape passages: planning the same corpus
    twice gives the same run, and its done tasks stay done."""
    digest = hashlib.blake2b(settings_key.encode(), digest_size=8)
    for name, content_hash in sorted(files):
        digest.update(f"\n{name}\t{content_hash}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Task:
    run: str
    name: str  # the file's name, or "<file> p. 13-24" for a page range of a long PDF
    content_hash: str
    attempt: int
    file: str | None = None  # the file of a page range (None: the name is the file)
    first_page: int | None = None
    last_page: int | None = None

    @property
    def file_name(self) -> str:
        return self.file or self.name

    def holds_page(self, page: int | None) -> bool:
        """Does this task embed a passage that starts on `page`? (None: not a page of a PDF.)"""
        return self.first_page is None or page is None or self.first_page <= page <= self.last_page


def page_ranges(pages: int, per_task: int) -> list[tuple[int, int]]:
    """The page ranges of a PDF's tasks: one range for a short one, ranges of `per_task` pages for a long one."""
    if per_task <= 0 or pages <= per_task:
        return []
    return [(first, min(first + per_task - 1, pages)) for first in range(1, pages + 1, per_task)]


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    failed: int
    taken: int  # held by a worker now
    given_up: list[str]  # files whose every attempt ended without the task done

    @property
    def finished(self) -> bool:
        return self.done + self.failed + len(self.given_up) == self.total

    def line(self) -> str:
        """One Dutch line for the CLI and Beheer."""
        text = f"taken: {self.done + self.failed} van {self.total} klaar, {self.taken} in behandeling"
        if self.failed:
            text += f", {self.failed} bestand(en) onleesbaar"
        if self.given_up:
            text += f", opgegeven na {MAX_ATTEMPTS} pogingen: {', '.join(self.given_up)}"
        return text


class TaskQueue:
    """The tasks and the shared vectors of one PostgreSQL database; one connection, autocommit."""

    def __init__(self, url: str, table: str = "vraagbaak", lease_s: float = 600.0):
        if not url:
            raise ValueError("taken over meerdere machines verdelen vraagt een PostgreSQL-server: zet "
                             "VRAAGBAAK_POSTGRES_URL (docs/scaling.md)")
        psycopg = _psycopg(table)
        self.tasks, self.vectors, self.lease_s = f"{table}_tasks", f"{table}_vectors", lease_s
        self._db = psycopg.connect(url, autocommit=True)
        # one creator at a time: two workers that start together both found no table, and the second CREATE
        # TABLE IF NOT EXISTS failed with DuplicateTable (tests/test_replicas.py)
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(hashtext('vraagbaak-postgres-schema'))")
            self._db.execute(f"""CREATE TABLE IF NOT EXISTS {self.tasks} (
                run text NOT NULL, name text NOT NULL, content_hash text NOT NULL,
                state text NOT NULL DEFAULT 'open', taken_by text, lease_until timestamptz,
                attempts int NOT NULL DEFAULT 0, message text, PRIMARY KEY (run, name))""")
            # when the run was last planned: Beheer shows the latest (a table from before had no such column)
            self._db.execute(f"ALTER TABLE {self.tasks} ADD COLUMN IF NOT EXISTS planned timestamptz NOT NULL "
                             "DEFAULT now()")
            # a page range of a long PDF is a task of its own (a table from before held whole files only)
            for column in ("file text", "first_page int", "last_page int"):
                self._db.execute(f"ALTER TABLE {self.tasks} ADD COLUMN IF NOT EXISTS {column}")
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {self.vectors} (key text PRIMARY KEY, "
                             "vector bytea NOT NULL)")

    def close(self) -> None:
        self._db.close()

    def plan(self, run: str, files: list[tuple[str, str]], pages: dict[str, int] | None = None,
             pages_per_task: int = 0) -> int:
        """One open task per (file, content hash), or per range of `pages_per_task` pages of a PDF with more
        (`pages`: the page count per file name); a run planned before keeps its state. Returns the tasks added."""
        rows = []
        for name, digest in files:
            ranges = page_ranges((pages or {}).get(name, 0), pages_per_task)
            rows += ([(run, f"{name} p. {a}-{b}", digest, name, a, b) for a, b in ranges]
                     or [(run, name, digest, None, None, None)])
        with self._db.cursor() as cur:
            before = cur.execute(f"SELECT count(*) FROM {self.tasks} WHERE run = %s", (run,)).fetchone()[0]
            cur.executemany(f"INSERT INTO {self.tasks} (run, name, content_hash, file, first_page, last_page) "
                            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
            after = cur.execute(f"SELECT count(*) FROM {self.tasks} WHERE run = %s", (run,)).fetchone()[0]
            cur.execute(f"UPDATE {self.tasks} SET planned = now() WHERE run = %s", (run,))
        return after - before

    def take(self, run: str, worker: str, limit: int = 1) -> list[Task]:
        """Up to `limit` open tasks of the run (never one another worker holds), leased to `worker`; empty when
        no task is open now (some may still be held). A page range of a long PDF is taken first and alone: the
        longest work is spread over the workers first (taken in eights, one worker held a whole report), and
        small files fill in after."""
        return self._take(run, worker, 1, "first_page IS NOT NULL") or self._take(run, worker, limit,
                                                                                 "first_page IS NULL")

    def _take(self, run: str, worker: str, limit: int, which: str) -> list[Task]:
        rows = self._db.execute(f"""
            UPDATE {self.tasks} SET taken_by = %s, attempts = attempts + 1,
                   lease_until = now() + make_interval(secs => %s)
            WHERE (run, name) IN (SELECT run, name FROM {self.tasks}
                                  WHERE run = %s AND state = 'open' AND attempts < %s AND {which}
                                    AND (lease_until IS NULL OR lease_until < now())
                                  ORDER BY coalesce(file, name), first_page, name LIMIT %s
                                  FOR UPDATE SKIP LOCKED)
            RETURNING run, name, content_hash, attempts, file, first_page, last_page""",
                                (worker, self.lease_s, run, MAX_ATTEMPTS, limit)).fetchall()
        return sorted((Task(*row) for row in rows), key=lambda t: (t.file_name, t.first_page or 0, t.name))

    def renew(self, tasks: list[Task], worker: str) -> bool:
        """Hold the tasks another lease; False when another worker took one over (its lease had run out). A lease
        that ran out while nobody took the task over is simply renewed."""
        rows = self._db.execute(f"""UPDATE {self.tasks} SET lease_until = now() + make_interval(secs => %s)
            WHERE run = %s AND name = ANY(%s) AND taken_by = %s AND state = 'open'
            RETURNING name""", (self.lease_s, tasks[0].run, [t.name for t in tasks], worker)).fetchall()
        return len(rows) == len(tasks)

    def finish(self, task: Task, worker: str, message: str | None = None) -> bool:
        """Mark the task done (or failed, with a message: the file cannot be read); only its current holder can."""
        row = self._db.execute(f"""UPDATE {self.tasks} SET state = %s, message = %s, lease_until = NULL
            WHERE run = %s AND name = %s AND taken_by = %s AND state = 'open' RETURNING name""",
                               ("failed" if message else "done", message, task.run, task.name, worker)).fetchone()
        return row is not None

    def progress(self, run: str) -> Progress:
        return _progress(self._db, self.tasks, run)

    def missing(self, keys: list[str]) -> set[str]:
        """The keys whose vector the shared table does not hold."""
        held = {k for (k,) in self._db.execute(f"SELECT key FROM {self.vectors} WHERE key = ANY(%s)",
                                               (list(keys),)).fetchall()}
        return set(keys) - held

    def store(self, keys: list[str], vectors: np.ndarray) -> None:
        """Insert the vectors (float32) that are not there yet."""
        with self._db.cursor() as cur:
            cur.executemany(f"INSERT INTO {self.vectors} (key, vector) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                            [(k, v.tobytes()) for k, v in zip(keys, np.asarray(vectors, dtype=np.float32))])

    def lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        rows = self._db.execute(f"SELECT key, vector FROM {self.vectors} WHERE key = ANY(%s)",
                                (list(keys),)).fetchall()
        return {k: np.frombuffer(v, dtype=np.float32) for k, v in rows}


def _psycopg(table: str):
    """psycopg, once the table name is known to be safe to put into SQL."""
    if not _TABLE.match(table):
        raise ValueError(f"VRAAGBAAK_POSTGRES_TABLE '{table}': gebruik kleine letters, cijfers en _")
    try:
        import psycopg
    except ImportError as err:
        raise RuntimeError(INSTALL) from err
    return psycopg


def _progress(db, tasks: str, run: str) -> Progress:
    rows = db.execute(f"""SELECT name, state, attempts,
               (state = 'open' AND lease_until IS NOT NULL AND lease_until >= now()) AS held
        FROM {tasks} WHERE run = %s""", (run,)).fetchall()
    given_up = sorted(n for n, state, attempts, held in rows
                      if state == "open" and attempts >= MAX_ATTEMPTS and not held)
    return Progress(len(rows), sum(s == "done" for _, s, _, _ in rows), sum(s == "failed" for _, s, _, _ in rows),
                    sum(bool(h) for *_, h in rows), given_up)


def latest_progress(url: str, table: str = "vraagbaak") -> Progress | None:
    """The progress of the run planned last in this database, for Beheer, which runs in another process than the
    indexer; None where no run was ever planned. Reads only: creates no table."""
    psycopg = _psycopg(table)
    tasks = f"{table}_tasks"
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as db:
        if db.execute("SELECT to_regclass(%s)", (tasks,)).fetchone()[0] is None:
            return None
        planned = db.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                             "AND column_name = 'planned'", (tasks,)).fetchone()
        order = "planned DESC, run" if planned else "run"
        row = db.execute(f"SELECT run FROM {tasks} ORDER BY {order} LIMIT 1").fetchone()
        return _progress(db, tasks, row[0]) if row else None
