"""Whole index versions in PostgreSQL, so that an app replica needs no index folder of its own.

An indexer with ``--store postgres`` stores every file of a complete version folder (manifest.json, the catalogue
chunks.sqlite, the sentence vectors, postgres-terms.json) in the database and makes it the owner's current
version, in one transaction: every replica sees the old version or the new one, never half of it. A replica
follows that pointer: versions.py fetches the current version into its local index folder (a read-through cache)
when the pointer names another version than its own CURRENT. Reading the pointer is one primary-key lookup per
question (docs/scaling.md).

Tables, beside ``<table>_passages`` and ``<table>_terms`` (postgres_store.py):

- ``<table>_current``: one row per owner, the name of its current version;
- ``<table>_versions``: one row per owner and version: its files, with size, SHA-256 and number of parts;
- ``<table>_version_files``: the files' bytes, in parts of PART bytes (a bytea value is read whole).

An owner keeps its current version and the one before it, as the term rows do (postgres_store.py): a replica
that read the pointer just before a switch can still fetch the version it named. A fetch reads the listing and
every part in one REPEATABLE READ transaction, so a version removed meanwhile is still read whole.

Imports only the protocol and postgres_store's connection helpers (the backends' import-linter contract);
psycopg is imported when a version is published or followed.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath

from .postgres_store import _libraries, _said, _table, _url, connect, owner_of, public_url
from .protocol import BackendDamaged, BackendUnavailable

PART = 8 * 1024 * 1024  # bytes per row of <table>_version_files
KEEP = 2  # versions an owner keeps: the current one and the one before it


class PostgresVersions:
    """One owner's published versions in the shared tables."""

    def __init__(self, url: str, table: str, owner: str):
        self.psycopg, _ = _libraries()
        from psycopg import sql

        self.url, self.public, self.table, self.owner = url, public_url(url), table, owner
        self.names = {what: sql.Identifier(f"{table}_{what}") for what in ("current", "versions", "version_files")}
        self.sql = sql
        self.conn = None  # connected at the first use: a server that is down is said then, by the caller

    def _connect(self) -> None:
        self.conn = connect(self.psycopg, self.url)

    def q(self, text: str):
        return self.sql.SQL(text).format(**self.names)

    def _unavailable(self, err: BaseException) -> BackendUnavailable:
        return BackendUnavailable(f"PostgreSQL op {self.public}: {_said(err, self.url)}")

    # --- reading ------------------------------------------------------------------
    def current(self) -> str | None:
        """The owner's current version; None when nothing was published (also before the tables exist)."""
        for attempt in (0, 1):
            if self.conn is None:
                self._connect()
            try:
                row = self.conn.execute(self.q("SELECT version FROM {current} WHERE owner = %s"),
                                        (self.owner,)).fetchone()
                return row[0] if row else None
            except self.psycopg.errors.UndefinedTable:
                return None
            except self.psycopg.OperationalError as err:
                if attempt == 0 and (self.conn.broken or self.conn.closed):  # a restarted server: once more
                    self._connect()
                    continue
                raise self._unavailable(err) from None
        raise AssertionError("unreachable")

    def fetch(self, name: str, folder: Path) -> None:
        """Every file of version `name` into `folder`, each checked against its size and SHA-256."""
        if self.conn is None:
            self._connect()
        try:
            with self.conn.transaction(), self.conn.cursor(binary=True) as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                row = cursor.execute(self.q("SELECT files FROM {versions} WHERE owner = %s AND version = %s"),
                                     (self.owner, name)).fetchone()
                if row is None:
                    raise BackendDamaged(f"de indexversie {name} staat niet (meer) in {self.table}_versions")
                files = row[0] if isinstance(row[0], dict) else json.loads(row[0])
                for file, info in sorted(files.items()):
                    self._fetch_file(cursor, name, file, info, folder)
        except self.psycopg.errors.UndefinedTable:
            raise BackendDamaged(f"de tabellen {self.table}_versions/_version_files ontbreken in "
                                 f"{self.public}") from None
        except self.psycopg.OperationalError as err:
            raise self._unavailable(err) from None

    def _fetch_file(self, cursor, name: str, file: str, info: dict, folder: Path) -> None:
        relative = PurePosixPath(file)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise BackendDamaged(f"de indexversie {name} noemt een ongeldig bestand")
        path = folder.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with path.open("wb") as out:
            for part in range(int(info["parts"])):
                row = cursor.execute(self.q(
                    "SELECT data FROM {version_files} WHERE owner = %s AND version = %s AND name = %s AND part = %s"),
                    (self.owner, name, file, part)).fetchone()
                if row is None:
                    raise BackendDamaged(f"deel {part} van {file} (indexversie {name}) ontbreekt")
                data = bytes(row[0])
                digest.update(data)
                size += len(data)
                out.write(data)
        if size != int(info["size"]) or digest.hexdigest() != info["sha256"]:
            raise BackendDamaged(f"{file} van indexversie {name} is beschadigd (grootte of controlegetal klopt niet)")

    # --- writing ------------------------------------------------------------------
    def publish(self, name: str, folder: Path) -> None:
        """Store the version folder's files and make it current, in one transaction; versions of this owner
        older than the one it replaces go in the same transaction."""
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        listing: dict[str, dict] = {}
        if self.conn is None:
            self._connect()
        try:
            with self.conn.transaction(), self.conn.cursor() as cursor:
                self._create(cursor)
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.table}/{self.owner}",))
                cursor.execute(self.q("DELETE FROM {version_files} WHERE owner = %s AND version = %s"),
                               (self.owner, name))
                for path in files:
                    relative = path.relative_to(folder).as_posix()
                    listing[relative] = self._store_file(cursor, name, relative, path)
                cursor.execute(self.q("""
                    INSERT INTO {versions} (owner, version, files) VALUES (%s, %s, %s)
                    ON CONFLICT (owner, version) DO UPDATE SET files = EXCLUDED.files, published = now()"""),
                    (self.owner, name, json.dumps(listing)))
                before = cursor.execute(self.q("SELECT version FROM {current} WHERE owner = %s FOR UPDATE"),
                                        (self.owner,)).fetchone()
                cursor.execute(self.q("""
                    INSERT INTO {current} (owner, version) VALUES (%s, %s)
                    ON CONFLICT (owner) DO UPDATE SET version = EXCLUDED.version, published = now()"""),
                    (self.owner, name))
                keep = [name] + ([before[0]] if before and before[0] != name else [])
                for table in ("versions", "version_files"):
                    cursor.execute(self.q(f"DELETE FROM {{{table}}} WHERE owner = %s AND NOT (version = ANY(%s))"),
                                   (self.owner, keep[:KEEP]))
        except self.psycopg.errors.InsufficientPrivilege as err:
            raise BackendUnavailable(f"PostgreSQL op {self.public}: geen rechten om de tabellen "
                                     f"{self.table}_current/_versions/_version_files te maken of te vullen "
                                     f"({_said(err, self.url)})") from None
        except self.psycopg.OperationalError as err:
            raise self._unavailable(err) from None

    def _store_file(self, cursor, name: str, relative: str, path: Path) -> dict:
        digest, size, part = hashlib.sha256(), 0, 0
        query = self.q("INSERT INTO {version_files} (owner, version, name, part, data) VALUES (%s, %s, %s, %s, %b)")
        with path.open("rb") as source:
            while True:
                data = source.read(PART)
                if not data and part:
                    break
                cursor.execute(query, (self.owner, name, relative, part, data))
                digest.update(data)
                size, part = size + len(data), part + 1
                if len(data) < PART:
                    break
        return {"size": size, "sha256": digest.hexdigest(), "parts": part}

    def _create(self, cursor) -> None:
        """The three tables, where they are missing (one creator at a time, as postgres_store.Tables.create).
        Where they are there, nothing is asked of them that would lock out the replicas reading them."""
        there = "SELECT to_regclass(%s) IS NOT NULL"
        if cursor.execute(there, (f"{self.table}_version_files",)).fetchone()[0]:
            return
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('vraagbaak-postgres-schema'))")
        if cursor.execute(there, (f"{self.table}_version_files",)).fetchone()[0]:
            return
        for statement in (
            """CREATE TABLE IF NOT EXISTS {current} (owner text PRIMARY KEY, version text NOT NULL,
                published timestamptz NOT NULL DEFAULT now())""",
            """CREATE TABLE IF NOT EXISTS {versions} (owner text NOT NULL, version text NOT NULL,
                files jsonb NOT NULL, published timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (owner, version))""",
            """CREATE TABLE IF NOT EXISTS {version_files} (owner text NOT NULL, version text NOT NULL,
                name text NOT NULL, part integer NOT NULL, data bytea NOT NULL,
                PRIMARY KEY (owner, version, name, part))""",
            # the bytes as they are: SQLite pages and float16 vectors hardly compress, and pglz costs CPU time
            "ALTER TABLE {version_files} ALTER COLUMN data SET STORAGE EXTERNAL",
        ):
            cursor.execute(self.q(statement))

    def drop(self) -> None:
        """Every published version of this owner, and its pointer: the owner's passages moved to another
        owner (postgres_store.PostgresWriter.after_switch)."""
        if self.conn is None:
            self._connect()
        try:
            with self.conn.transaction():
                for table in ("current", "versions", "version_files"):
                    self.conn.execute(self.q(f"DELETE FROM {{{table}}} WHERE owner = %s"), (self.owner,))
        except self.psycopg.errors.UndefinedTable:
            return  # nothing was ever published in these tables
        except self.psycopg.OperationalError as err:
            raise self._unavailable(err) from None

    def close(self) -> None:
        try:
            if self.conn is not None:
                self.conn.close()
        except Exception:  # closing is best effort
            pass


def shared(options: dict, live: dict | None) -> PostgresVersions:
    """The published versions of the owner that an indexer with these options writes (owners.py)."""
    return PostgresVersions(_url(options), _table(options), owner_of(options, live))
