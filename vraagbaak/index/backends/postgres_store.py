"""The PostgreSQL backend: dense vectors (pgvector) and BM25 (pgvector sparsevec) in tables that several owners,
indexers and app processes share.

What lives where: PostgreSQL holds each passage (key, owner, document, page, section, metadata, text and its
vector) and, per index version, the BM25 weights of every passage (this module); and every file of each published
version folder (catalogue, sentence vectors, manifest, the BM25 vocabulary) with the owner's current version
(postgres_versions.py, Store.shared): an app replica needs no index folder of its own, its folder is a cache.
Fusion of dense and BM25 results is done by search/fusion.py, as for every store.

Tables (``postgres_table``, default ``vraagbaak``): ``<table>_passages`` has one row per passage, primary key
"<owner>-<passage id>-<text hash>", an ``owner`` column (each indexer searches and cleans up only its own
rows) and ``embedding vector(d)`` with an HNSW index on inner product (the vectors are normalised: the inner
product is the cosine FAISS reports). ``<table>_terms`` has, per index version, one row per passage: its row
number, key and document, ``terms sparsevec`` holding the passage's BM25 weight of each term, and ``term_ids
int[]`` (a GIN index on it finds the passages that hold a question's terms, as a posting list does).

BM25, exactly as the embedded store: a version's weights are bm25s' own (Lucene BM25, k1 1.5, b 0.75) over
the version's texts (WriteJob.texts) after Vraagbaak's Dutch analysis (bm25.py: Snowball stems, stopwords,
compound parts). bm25s precomputes idf(t) * tf / (tf + k1 * (1 - b + b * |d| / avgdl)) per passage and term;
that number is the passage's sparsevec value at the term's id (the version's bm25s vocabulary, saved as
``postgres-terms.json`` in the version folder). A question's sparse vector holds, per query term id, how often
the term occurs among the query terms, so the inner product is the sum bm25s computes. idf and the average
length belong to a version, so the weights do too: a passage kept from the version before gets its new
weights in the new version's rows, while the old version's rows stay as they were.

The same weights also go into the version folder as bm25s saves them (``lexical/``), and a question is ranked
from that copy with numpy, as the embedded store does: under a millisecond where the GIN index and the inner
product cost ~36 ms at 100,000 passages. The folder travels with the version (postgres_versions.py), so each
replica has it; the term rows in PostgreSQL stay the store of record, and rank a version whose folder was written
before the copy existed (`bm25_in_database`).

Keys, versions and cleanup, as for Milvus: passages are inserted *before* a version is switched in and a
passage the store already holds is not embedded or sent again; after the switch, keys that neither the new
version nor the one before it use are deleted, as are the terms of every version of this owner except those
two. The version before stays complete for the processes that still serve it; one switch later it goes. Search
only returns passages of the version being read (its term rows name them; the dense graph search skips keys
the version does not know: leftovers of an unfinished indexer, which the next run removes).

Dense search: exact over the version's own rows up to EXACT_ROWS passages in the version or the filter (or
``hnsw_min_chunks`` where that is lower), so a small corpus or a narrow filter is complete and ranked as FAISS
ranks it. Above that the passages table is asked for this owner's (and filter's) nearest: PostgreSQL walks the
HNSW graph with pgvector's iterative scan in strict order, which goes on until it has k passages of this owner
and filter, or reads a narrow filter's rows by the (owner, doc) index and sorts them, as its planner finds
cheaper. Exact search costs PostgreSQL ~3 us a passage (FAISS ~0.05): at 60,000 passages 185 ms, the graph 13 ms
at recall@10 0.994 (bench/postgres_graph.py, docs/scaling.md). Filters reach the store as documents
(Allowed.docs): the term rows carry each passage's document.

The password is never written anywhere: the manifest keeps the URL without it; a process opening a version
takes it from VRAAGBAAK_POSTGRES_URL (when that names the same server), PGPASSWORD or ~/.pgpass. psycopg is
imported only when a PostgreSQL version is opened or written.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from vraagbaak.index.backends.bm25 import LexicalIndex, QueryTerms
from . import owners
from .protocol import Allowed, BackendDamaged, BackendUnavailable, Passage, Ranked, WriteJob

BATCH = 500  # passages per delete
VOCABULARY = "postgres-terms.json"
LEXICAL = "lexical"  # the same BM25 weights as bm25s saves them: the replica's copy, ranked with numpy
MAX_EF_SEARCH = 1000  # pgvector's limit on hnsw.ef_search
MAX_SCAN_TUPLES = 100_000  # how far an iterative HNSW scan may go before it gives up on a narrow filter
MAX_TERMS = 16_000  # pgvector's limit on the non-zero entries of one sparsevec
PLAIN_MAX = 1_500  # dimensions up to which a vector is kept in its row (an 8 kB page holds the row)
EXACT_ROWS = 2_000  # above this many passages (in the version or the filter) dense search asks the passages table
_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
LAYOUT = {"passages": {"pk", "owner", "doc", "page", "section", "metadata", "text", "embedding"},
          "terms": {"version", "passage", "owner", "pk", "doc", "terms", "term_ids"}}
_PASSWORDS: dict[str, str] = {}  # URL without password -> as given, for versions this process wrote
INSTALL = "psycopg en pgvector zijn niet geïnstalleerd: pip install -e '.[postgres]'"


# --- settings ------------------------------------------------------------------

def public_url(url: str) -> str:
    """The connection URL without its password (a URL's user:password@, a password= parameter)."""
    if "://" not in url:  # key=value form
        return re.sub(r"\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)\s*", "", url).strip()
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("password="))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _url(options: dict) -> str:
    url = str(options.get("postgres_url") or "").strip()
    if not url:
        raise BackendUnavailable("Geen PostgreSQL-server ingesteld: zet VRAAGBAAK_POSTGRES_URL, bijvoorbeeld "
                                 "postgresql://vraagbaak@db.intern:5432/vraagbaak (docs/scaling.md)")
    return url


def _table(options: dict) -> str:
    table = str(options.get("postgres_table") or "vraagbaak").strip()
    if not _TABLE.match(table):
        raise ValueError(f"VRAAGBAAK_POSTGRES_TABLE '{table}': gebruik 1 tot 40 kleine letters, cijfers en _ "
                         f"(begin met een letter)")
    return table


def _chosen_owner(options: dict) -> str:
    return owners.chosen_owner(options, "postgres_owner")


def owner_of(options: dict, live: dict | None = None) -> str:
    """The owner of an indexer's rows (owners.py): postgres_owner, else the live version's in the same
    table, else a hash of the corpus folder."""
    return owners.owner_of(options, "postgres_owner", _former_owner(options, live))


def _same_place(options: dict, live: dict | None) -> dict | None:
    """The live version's section when it lives in the same PostgreSQL tables as these options name."""
    config = (live or {}).get("postgres") or {}
    if (live or {}).get("store") == "postgres" and config.get("url") == public_url(_url(options)) \
            and config.get("table") == _table(options):
        return config
    return None


def _former_owner(options: dict, live: dict | None) -> str | None:
    return (_same_place(options, live) or {}).get("owner")


def _connection_url(public: str) -> str:
    """The URL to connect with for a version's URL (which has no password): VRAAGBAAK_POSTGRES_URL when it
    names the same server, else the URL this process wrote the version with, else the public URL (libpq then
    reads PGPASSWORD or ~/.pgpass)."""
    env = os.environ.get("VRAAGBAAK_POSTGRES_URL", "")
    if env and public_url(env) == public:
        return env
    return _PASSWORDS.get(public, public)


# --- the connection -----------------------------------------------------------------

def _libraries():
    try:
        import psycopg
        from pgvector.psycopg import register_vector
    except ImportError:
        raise BackendUnavailable(INSTALL) from None
    return psycopg, register_vector


def _said(err: BaseException, url: str) -> str:
    """The first line of a driver error, without the password should the server quote the URL."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    for secret in {url} - {public_url(url)}:
        text = text.replace(secret, public_url(url))
    if "://" in url:
        password = urlsplit(url).password
    else:
        found = re.search(r"\bpassword\s*=\s*'?([^'\s]+)", url)
        password = found.group(1) if found else None
    return text.replace(password, "***")[:300] if password else text[:300]


def connect(psycopg, url: str):
    """A connection for the store (autocommit, a short timeout, named in pg_stat_activity); a server that is down
    or refuses the password is said in Dutch, without the password."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="vraagbaak")
    except psycopg.Error as err:
        raise BackendUnavailable(f"PostgreSQL-server niet bereikbaar op {public_url(url)} "
                                 f"({_said(err, url)})") from None


class Tables:
    """One owner's view of the shared tables: every read, write and delete stays within the owner's rows."""

    def __init__(self, url: str, table: str, owner: str, ef_search: int = 256):
        self.psycopg, self._register = _libraries()
        from psycopg import sql

        self.url, self.public, self.table, self.owner = url, public_url(url), table, owner
        self.ef_search = min(max(int(ef_search), 1), MAX_EF_SEARCH)
        self.names = {"passages": sql.Identifier(f"{table}_passages"), "terms": sql.Identifier(f"{table}_terms")}
        self.sql = sql
        self._lock = threading.Lock()  # one reconnect at a time; psycopg serialises the queries themselves
        self.conn = None
        self._connect()

    def _connect(self) -> None:
        self.conn = connect(self.psycopg, self.url)
        self._typed = False

    def _types(self) -> None:
        """The vector types are known once the extension is there (the writer creates it first)."""
        if not self._typed:
            if self.conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
                raise BackendDamaged(f"de database in {self.public} heeft de extensie pgvector (vector) niet")
            self._register(self.conn)
            self.conn.execute("SET hnsw.iterative_scan = strict_order")
            self.conn.execute(f"SET hnsw.max_scan_tuples = {MAX_SCAN_TUPLES}")
            self.conn.execute(f"SET hnsw.ef_search = {self.ef_search}")
            self._typed = True

    def q(self, text: str):
        """A query with {passages} and {terms} in it, for this table."""
        return self.sql.SQL(text).format(**self.names)

    def run(self, query, params=None, fetch: bool = True) -> list[tuple]:
        """One statement; a connection that broke (a restarted server) is made again once."""
        for attempt in (0, 1):
            try:
                self._types()
                cursor = self.conn.execute(query, params)
                return cursor.fetchall() if fetch else []
            except self.psycopg.errors.UndefinedTable:
                raise BackendDamaged(f"de tabellen {self.table}_passages/_terms ontbreken in {self.public}") from None
            except self.psycopg.OperationalError as err:
                if attempt == 0 and (self.conn.broken or self.conn.closed):
                    with self._lock:
                        if self.conn.broken or self.conn.closed:
                            self._connect()
                    continue
                raise BackendUnavailable(f"PostgreSQL op {self.public}: {_said(err, self.url)}") from None
        raise AssertionError("unreachable")

    def pk(self, key: str) -> str:
        return f"{self.owner}-{key}"

    # --- the shared tables ----------------------------------------------------------
    def create(self, dimension: int, hnsw_m: int) -> None:
        """Create the extension, tables and indexes where they are missing (one creator at a time). A table of
        that name with another layout, or with vectors of another dimension, is refused before anything is
        changed in it."""
        name = {f"{what}_index": self.sql.Identifier(f"{self.table}_{what}")
                for what in ("owner", "hnsw", "terms_owner", "terms_doc", "terms_gin")}
        tables = [
            f"""CREATE TABLE IF NOT EXISTS {{passages}} (
                pk text PRIMARY KEY, owner text NOT NULL, doc text NOT NULL, page integer, section text,
                metadata jsonb NOT NULL, text text NOT NULL, embedding vector({int(dimension)}) NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS {terms} (
                version text NOT NULL, passage integer NOT NULL, owner text NOT NULL, pk text NOT NULL,
                doc text NOT NULL, terms sparsevec NOT NULL, term_ids integer[] NOT NULL,
                PRIMARY KEY (version, passage))""",
        ]
        indexes = [
            # the vector in the row itself, not in TOAST (the text goes there instead): reading every vector
            # of 20,000 passages took 3.6 us a row out of line, 1.2 us in the row (docs/scaling.md)
            *(["ALTER TABLE {passages} ALTER COLUMN embedding SET STORAGE PLAIN"] if dimension <= PLAIN_MAX else []),
            "CREATE INDEX IF NOT EXISTS {owner_index} ON {passages} (owner, doc)",
            f"""CREATE INDEX IF NOT EXISTS {{hnsw_index}} ON {{passages}} USING hnsw (embedding vector_ip_ops)
                WITH (m = {int(hnsw_m)}, ef_construction = 80)""",
            "CREATE INDEX IF NOT EXISTS {terms_owner_index} ON {terms} (owner, version)",
            "CREATE INDEX IF NOT EXISTS {terms_doc_index} ON {terms} (version, doc)",
            "CREATE INDEX IF NOT EXISTS {terms_gin_index} ON {terms} USING gin (term_ids)",
        ]
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('vraagbaak-postgres-schema'))")
                if self.conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
                    self.conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                for statement in tables:
                    self.conn.execute(self.sql.SQL(statement).format(**self.names))
                self._check_layout(dimension)
                for statement in indexes:
                    self.conn.execute(self.sql.SQL(statement).format(**self.names, **name))
        except self.psycopg.errors.InsufficientPrivilege as err:
            raise BackendUnavailable(
                f"PostgreSQL op {self.public}: geen rechten om de extensie of tabellen te maken "
                f"({_said(err, self.url)}); laat de databasebeheerder 'CREATE EXTENSION vector' uitvoeren "
                f"en geef deze gebruiker CREATE-rechten") from None
        except self.psycopg.OperationalError as err:
            raise BackendUnavailable(f"PostgreSQL op {self.public}: {_said(err, self.url)}") from None

    def _check_layout(self, dimension: int) -> None:
        for table, wanted in LAYOUT.items():
            have = {c for (c,) in self.conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (f"{self.table}_{table}",)).fetchall()}
            if not wanted <= have:
                raise BackendUnavailable(
                    f"De tabel {self.table}_{table} in {self.public} heeft niet de indeling van deze Vraagbaak "
                    f"(mist {', '.join(sorted(wanted - have))}). Kies een andere tabel met VRAAGBAAK_POSTGRES_TABLE.")
        stored = self.conn.execute(
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'embedding'",
            (f"{self.table}_passages",)).fetchone()[0]
        if stored != dimension:
            raise BackendUnavailable(
                f"De tabel {self.table}_passages in {self.public} houdt vectoren van {stored} dimensies, het "
                f"model geeft er {dimension}. Kies een andere tabel met VRAAGBAAK_POSTGRES_TABLE.")

    def keys(self) -> set[str]:
        """Every passage key of this owner."""
        return {pk for (pk,) in self.run(self.q("SELECT pk FROM {passages} WHERE owner = %s"), (self.owner,))}

    def delete(self, pks: list[str]) -> None:
        for start in range(0, len(pks), BATCH):
            self.run(self.q("DELETE FROM {passages} WHERE owner = %s AND pk = ANY(%s)"),
                     (self.owner, pks[start:start + BATCH]), fetch=False)

    def delete_terms(self, keep: set[str]) -> None:
        """The term rows of every version of this owner but `keep`."""
        self.run(self.q("DELETE FROM {terms} WHERE owner = %s AND NOT (version = ANY(%s))"),
                 (self.owner, sorted(keep)), fetch=False)

    def close(self) -> None:
        try:
            if self.conn is not None:
                self.conn.close()
        except Exception:  # closing is best effort
            pass


# --- reading ----------------------------------------------------------------------

def _array(vector) -> np.ndarray:
    """A stored vector as float32 (pgvector's loader gives a Vector object, or numpy in some versions)."""
    return np.asarray(vector.to_numpy() if hasattr(vector, "to_numpy") else vector, dtype=np.float32)


class PostgresBackend:
    def __init__(self, folder: Path, manifest: dict, keys: Callable[[], list[str]]):
        config = manifest["postgres"]
        self.version, self.exact_max = config["version"], int(config.get("exact_max", EXACT_ROWS))
        self.tables = Tables(_connection_url(config["url"]), config["table"], config["owner"],
                             int(config.get("ef_search", 256)))
        try:
            self.row_pks = [self.tables.pk(k) for k in keys()]
            self.rows_of = {pk: row for row, pk in enumerate(self.row_pks)}
            vocabulary = json.loads((folder / VOCABULARY).read_text(encoding="utf-8"))
            self.term_ids = {term: i for i, term in enumerate(vocabulary)}
            self.terms = QueryTerms(vocabulary, bool(config.get("expand_prefixes")))
            # a version written before the folder held its BM25 matrix is ranked in PostgreSQL
            self.lexical = LexicalIndex.load(folder / LEXICAL) if (folder / LEXICAL).is_dir() else None
        except BaseException:
            self.tables.close()
            raise

    def dense(self, query_vector: np.ndarray, k: int, allowed: Allowed | None) -> Ranked:
        if k <= 0 or not self.row_pks or (allowed is not None and len(allowed.rows) == 0):
            return []
        q = np.asarray(query_vector, dtype=np.float32).ravel()
        searched = len(self.row_pks) if allowed is None else len(allowed.rows)
        return self._exact(q, k, allowed) if searched <= self.exact_max else self._graph(q, k, allowed)

    def _exact(self, q: np.ndarray, k: int, allowed: Allowed | None) -> Ranked:
        """Every passage of this version (or of the filter): its term rows name them. The distances are
        materialised first, so that the HNSW index is not used for them."""
        only = "" if allowed is None else "AND t.doc = ANY(%(docs)s)"
        found = self.tables.run(self.tables.q(f"""
            WITH mine AS MATERIALIZED (
                SELECT t.passage, p.embedding <#> %(q)s AS distance
                FROM {{terms}} t JOIN {{passages}} p ON p.pk = t.pk
                WHERE t.version = %(version)s {only})
            SELECT passage, -distance FROM mine ORDER BY distance, passage LIMIT %(k)s"""),
            {"q": q, "version": self.version, "k": k, "docs": None if allowed is None else list(allowed.docs)})
        return [(int(row), float(score)) for row, score in found]

    def _graph(self, q: np.ndarray, k: int, allowed: Allowed | None) -> Ranked:
        """The HNSW index, walked on (iterative scan) until k passages of this owner and filter are found. Keys
        this version does not know are skipped; where they took too many places, the search is asked again
        for more."""
        only = "" if allowed is None else "AND doc = ANY(%(docs)s)"
        limit = 2 * k
        while True:
            found = self.tables.run(self.tables.q(f"""
                SELECT pk, -(embedding <#> %(q)s) FROM {{passages}} WHERE owner = %(owner)s {only}
                ORDER BY embedding <#> %(q)s LIMIT %(limit)s"""),
                {"q": q, "owner": self.tables.owner, "limit": limit,
                 "docs": None if allowed is None else list(allowed.docs)})
            mine = [(self.rows_of[pk], float(score)) for pk, score in found if pk in self.rows_of]
            if len(mine) >= k or len(found) < limit:
                return mine[:k]
            limit *= 4

    def indexed_terms(self, text: str) -> list[str]:
        return self.terms.indexed(text)

    def query_vector(self, query: str):
        """A question's BM25 terms as a sparse vector: per term id, how often it is among the query terms (as
        bm25s sums a term's score column once per occurrence)."""
        from pgvector import SparseVector

        ids = [self.term_ids[t] for t in self.terms.tokens(query) if t in self.term_ids]
        counts: dict[int, float] = {}
        for i in ids:
            counts[i] = counts.get(i, 0.0) + 1.0
        return SparseVector(counts, max(len(self.term_ids), 1)), sorted(counts)

    def bm25(self, query: str, k: int, allowed: Allowed | None) -> Ranked:
        """Ranked from the version folder's copy of the BM25 weights (numpy, under a millisecond), which are the
        weights of the version's term rows in PostgreSQL, so the ranking is the same as `bm25_in_database`
        (tests/test_backends.py); the database costs ~36 ms a question at 100,000 passages (docs/scaling.md)."""
        if k <= 0 or (allowed is not None and len(allowed.rows) == 0):
            return []
        if self.lexical is None:
            return self.bm25_in_database(query, k, allowed)
        rows = len(self.row_pks)
        return self.lexical.top(query, k, rows, None if allowed is None else allowed.mask(rows))

    def bm25_in_database(self, query: str, k: int, allowed: Allowed | None) -> Ranked:
        """The version's term rows ranked by PostgreSQL: the GIN index finds the passages that hold a query
        term, the sparse inner product scores them."""
        if k <= 0 or (allowed is not None and len(allowed.rows) == 0):
            return []
        vector, ids = self.query_vector(query)
        if not ids:
            return []
        only = "" if allowed is None else "AND doc = ANY(%(docs)s)"
        found = self.tables.run(self.tables.q(f"""
            SELECT passage, -(terms <#> %(q)s) FROM {{terms}}
            WHERE version = %(version)s AND term_ids && %(ids)s::integer[] {only}
            ORDER BY terms <#> %(q)s, passage LIMIT %(k)s"""),
            {"q": vector, "version": self.version, "ids": ids, "k": k,
             "docs": None if allowed is None else list(allowed.docs)})
        return [(int(row), float(score)) for row, score in found if score > 0]

    def vectors(self, rows: list[int]) -> dict[int, np.ndarray]:
        wanted = {self.row_pks[int(r)]: int(r) for r in rows if 0 <= int(r) < len(self.row_pks)}
        if not wanted:
            return {}
        found = self.tables.run(self.tables.q("SELECT pk, embedding FROM {passages} WHERE pk = ANY(%s)"),
                                (list(wanted),))
        return {wanted[pk]: _array(vector) for pk, vector in found}

    def check(self) -> None:
        terms, passages = self.tables.run(self.tables.q("""
            SELECT count(*), count(p.pk) FROM {terms} t LEFT JOIN {passages} p ON p.pk = t.pk
            WHERE t.version = %s"""), (self.version,))[0]
        rows = len(self.row_pks)
        if terms != rows:
            raise BackendDamaged(f"de tabel {self.tables.table}_terms heeft {terms} van de {rows} passages van "
                                 f"deze indexversie")
        if passages != rows:
            raise BackendDamaged(f"de tabel {self.tables.table}_passages mist {rows - passages} van de {rows} "
                                 f"passages van deze indexversie")
        if self.lexical is not None and self.lexical.num_docs != max(rows, 1):
            raise BackendDamaged(f"de BM25-kopie in de indexmap heeft {self.lexical.num_docs} van de {rows} passages")

    def close(self) -> None:
        self.tables.close()


# --- writing ----------------------------------------------------------------------

def bm25_rows(lexical: LexicalIndex, texts: list[str]) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """bm25s' index of the texts as one sparse row per text: (vocabulary in id order, term ids per text,
    weights per text). A weight is bm25s' precomputed score of the term in that text."""
    indptr = np.asarray(lexical.indptr, dtype=np.int64)
    vocabulary = [""] * (len(indptr) - 1)  # bm25s' empty token "" has an id past the matrix: no term of ours
    for term, i in lexical.vocab.items():
        if i < len(vocabulary):
            vocabulary[i] = term
    docs = np.asarray(lexical.indices, dtype=np.int64)
    terms = np.repeat(np.arange(len(vocabulary), dtype=np.int64), np.diff(indptr))
    order = np.argsort(docs, kind="stable")  # by text; within a text by term id
    starts = np.searchsorted(docs[order], np.arange(len(texts) + 1))
    weights = np.asarray(lexical.data, dtype=np.float32)[order]
    terms = terms[order]
    return (vocabulary, [terms[a:b] for a, b in zip(starts[:-1], starts[1:])],
            [weights[a:b] for a, b in zip(starts[:-1], starts[1:])])


def _sparse_text(ids: np.ndarray, weights: np.ndarray, dimension: int) -> str:
    """pgvector's text form (1-based indices); repr of a float32 reads back as the same float4."""
    return "{" + ",".join(f"{i + 1}:{float(w)!r}" for i, w in zip(ids.tolist(), weights.tolist())) + f"}}/{dimension}"


class PostgresWriter:
    """Inserts new passages batch by batch before the switch; writes the version's BM25 rows at finish."""

    def __init__(self, job: WriteJob):
        o = job.options
        if job.keys is None or len(job.keys) != len(job.texts):
            raise ValueError("de PostgreSQL-opslag heeft de sleutel van elke passage nodig (WriteJob.keys)")
        url = _url(o)
        self.config = {"url": public_url(url), "table": _table(o), "owner": owner_of(o, job.live),
                       "version": secrets.token_hex(8), "expand_prefixes": bool(o["compound_splitting"]),
                       "exact_max": min(int(o["hnsw_min_chunks"]), EXACT_ROWS),
                       "ef_search": int(o["hnsw_ef_search"])}
        self.url, self.job = url, job
        self.tables = Tables(url, self.config["table"], self.config["owner"])
        try:
            self.tables.create(job.dimension, int(o["hnsw_m"]))
        except BaseException:
            self.tables.close()
            raise
        _PASSWORDS[self.config["url"]] = url
        live = _same_place(o, job.live)
        self.keep_version = live.get("version") if live and live.get("owner") == self.config["owner"] else None
        former = _former_owner(o, job.live)
        self.former_owner = former if former and former != self.config["owner"] else None
        self.present: set[str] | None = None

    def held(self, keys: list[str]) -> set[str]:
        if self.present is None:
            self.present = self.tables.keys()
        return {k for k in keys if self.tables.pk(k) in self.present}

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        from psycopg.types.json import Jsonb

        rows = [(self.tables.pk(p.key), self.tables.owner, p.doc, p.page, p.section, Jsonb(p.metadata), p.text,
                 np.asarray(v, dtype=np.float32)) for p, v in zip(passages, vectors)]
        query = self.tables.q("""
            INSERT INTO {passages} (pk, owner, doc, page, section, metadata, text, embedding)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (pk) DO UPDATE SET owner = EXCLUDED.owner, doc = EXCLUDED.doc, page = EXCLUDED.page,
                section = EXCLUDED.section, metadata = EXCLUDED.metadata, text = EXCLUDED.text,
                embedding = EXCLUDED.embedding""")
        self.tables._types()
        try:
            with self.tables.conn.cursor() as cursor:
                cursor.executemany(query, rows)
        except self.tables.psycopg.OperationalError as err:
            raise BackendUnavailable(f"PostgreSQL op {self.tables.public}: {_said(err, self.url)}") from None

    def finish(self, folder: Path) -> dict:
        """The version's BM25 rows (all passages, also those held from before: idf and lengths are this
        version's), and its vocabulary in the version folder."""
        lexical = LexicalIndex.build(self.job.texts, self.config["expand_prefixes"])
        vocabulary, ids, weights = bm25_rows(lexical, self.job.texts)
        widest = max((len(i) for i in ids), default=0)
        if widest > MAX_TERMS:
            raise ValueError(f"een passage heeft {widest} verschillende BM25-termen; pgvector houdt er hoogstens "
                             f"{MAX_TERMS} per sparsevec (kies kleinere passages: VRAAGBAAK_CHUNK_WORDS)")
        dimension = max(len(vocabulary), 1)
        version, owner = self.config["version"], self.tables.owner
        self.tables._types()
        conn = self.tables.conn
        try:
            with conn.transaction(), conn.cursor() as cursor:
                # the rows go in through a scratch table, and take their document from the passages table
                # (held passages were never handed to add())
                cursor.execute(self.tables.q(
                    "CREATE TEMP TABLE vraagbaak_new_terms (LIKE {terms} INCLUDING DEFAULTS) ON COMMIT DROP"))
                cursor.execute("ALTER TABLE vraagbaak_new_terms ALTER COLUMN doc DROP NOT NULL")
                with cursor.copy("COPY vraagbaak_new_terms (version, passage, owner, pk, terms, term_ids) "
                                 "FROM STDIN") as out:
                    for row, key in enumerate(self.job.keys):
                        out.write_row((version, row, owner, self.tables.pk(key),
                                       _sparse_text(ids[row], weights[row], dimension),
                                       "{" + ",".join(map(str, ids[row].tolist())) + "}"))
                cursor.execute(self.tables.q(
                    "INSERT INTO {terms} (version, passage, owner, pk, doc, terms, term_ids) "
                    "SELECT n.version, n.passage, n.owner, n.pk, p.doc, n.terms, n.term_ids "
                    "FROM vraagbaak_new_terms n JOIN {passages} p ON p.pk = n.pk"))
                if cursor.rowcount != len(self.job.keys):
                    raise BackendDamaged(f"{len(self.job.keys) - cursor.rowcount} passages van deze versie staan "
                                         f"niet in {self.tables.table}_passages")
        except self.tables.psycopg.OperationalError as err:
            raise BackendUnavailable(f"PostgreSQL op {self.tables.public}: {_said(err, self.url)}") from None
        (folder / VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        (folder / LEXICAL).mkdir()
        lexical.save(folder / LEXICAL)
        return {"postgres": self.config}

    def after_switch(self, live_keys: set[str]) -> None:
        live = {self.tables.pk(k) for k in live_keys}
        self.tables.delete(sorted(self.tables.keys() - live))
        self.tables.delete_terms({self.config["version"]} | ({self.keep_version} if self.keep_version else set()))
        if self.former_owner:  # VRAAGBAAK_POSTGRES_OWNER was changed: the passages moved to the new owner
            from .postgres_versions import PostgresVersions

            former = Tables(self.url, self.config["table"], self.former_owner)
            published = PostgresVersions(self.url, self.config["table"], self.former_owner)
            try:
                former.delete(sorted(former.keys()))
                former.delete_terms(set())
                published.drop()  # no replica follows the former owner to a version whose rows are gone
            finally:
                former.close()
                published.close()

    def close(self) -> None:
        self.tables.close()


class PostgresStore:
    name = "postgres"

    @staticmethod
    def open(folder: Path, manifest: dict, keys: Callable[[], list[str]]) -> PostgresBackend:
        return PostgresBackend(folder, manifest, keys)

    @staticmethod
    def writer(job: WriteJob) -> PostgresWriter:
        return PostgresWriter(job)

    @staticmethod
    def shared(options: dict, live: dict | None):
        """Whole versions in the database, for replicas without an index folder (postgres_versions.py)."""
        from .postgres_versions import shared

        return shared(options, live)

    @staticmethod
    def outdated(manifest: dict, options: dict) -> bool:
        config = manifest.get("postgres") or {}
        owner = _chosen_owner(options)
        url = str(options.get("postgres_url") or "").strip()
        return (not url or config.get("url") != public_url(url) or config.get("table") != _table(options)
                or bool(owner) and config.get("owner") != owner)

    @staticmethod
    def describe(manifest: dict) -> str:
        config = manifest.get("postgres") or {}
        return (f"PostgreSQL-tabellen {config.get('table')}_passages en _terms in {config.get('url')} "
                f"(eigenaar {config.get('owner')})")


STORE = PostgresStore()
