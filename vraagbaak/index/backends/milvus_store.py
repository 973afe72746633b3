"""The Milvus backend: dense vectors and BM25 in a Milvus collection, shared by many app processes.

One client for every deployment: a file path as URI means milvus-lite (embedded, for a laptop or tests),
``http://host:19530`` a Milvus standalone server or cluster.

What lives where: Milvus holds the passages' vectors and BM25 terms and does the searching. The catalogue
(SQLite) and manifest of each index version stay the record of what is indexed. Fusion of the dense and
BM25 results is done by search/fusion.py, as for FAISS, so every fusion setting means the same on both.

Keys and owners. A passage's primary key is "<owner>-<passage id>-<text hash>": a changed passage gets a new
key. The owner (``milvus_owner``, by default a hash of the corpus folder) is also a partition-key field, so
several indexers, each with its own corpus, can share one collection: each searches and cleans up only its
own keys. New keys are inserted *before* a new version is switched in; keys that neither the new version nor
the one before it use are deleted *after* the switch. The version before stays complete for the processes
that still serve it (one switch later, its keys go); a killed indexer leaves keys no version knows, which
search skips and the next run removes.

BM25 terms: milvus-lite ignores an analyzer's stemmer filter, so Vraagbaak hands Milvus the terms of its own
Dutch analysis (text/words.py and bm25.py: Snowball stemming, stopwords, compound parts) in a ``terms`` field that Milvus
only splits on spaces; Milvus' BM25 function scores them. The version's term list (``milvus-terms.txt``)
lets a question word that is not indexed match the indexed words it starts, as with bm25s.
"""
from __future__ import annotations

import json
import logging
import os
import re
import hashlib
from pathlib import Path
from typing import Callable

import numpy as np

from vraagbaak.index.backends.bm25 import QueryTerms, document_tokens
from vraagbaak.text.words import stem
from vraagbaak.text.compounds import vocabulary
from . import owners
from .protocol import Allowed, BackendDamaged, BackendUnavailable, Passage, Ranked, WriteJob

BATCH = 500
HEX = "0123456789abcdef"
KEY_PAGE = 10_000  # rows per key query: below the server's offset + limit cap of 16,384
TERMS = "milvus-terms.txt"


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://"))


def _chosen_owner(options: dict) -> str:
    return owners.chosen_owner(options, "milvus_owner")


def owner_of(options: dict, live: dict | None = None) -> str:
    """The owner of an indexer's keys (owners.py): milvus_owner, else the live version's in the same
    collection, else a hash of the corpus folder."""
    return owners.owner_of(options, "milvus_owner", _former_owner(options, live))


def _uri(options: dict) -> str:
    return options["milvus_uri"] or str(Path(options["index_dir"]) / "milvus.db")


def _former_owner(options: dict, live: dict | None) -> str | None:
    """The owner of the live version, when it lives in the same collection."""
    config = (live or {}).get("milvus") or {}
    if (live or {}).get("store") == "milvus" and config.get("uri") == _uri(options) \
            and config.get("collection") == options["milvus_collection"]:
        return config.get("owner")
    return None


class MilvusCollection:
    """One owner's view of a collection: every read, write and delete stays within the owner's keys."""

    def __init__(self, uri: str, name: str, dimension: int, owner: str, token: str = ""):
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise BackendUnavailable("pymilvus is niet geïnstalleerd: pip install -e '.[milvus]'") from None

        self.uri, self.name, self.dimension, self.owner = uri, name, dimension, owner
        if not is_server(uri):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.client = MilvusClient(uri, token=token) if token else MilvusClient(uri)
        except Exception as err:  # noqa: BLE001 - pymilvus raises MilvusException, grpc errors, OSError
            where = f"Milvus-server niet bereikbaar op {uri}" if is_server(uri) else f"milvus-lite start niet in {uri}"
            raise BackendUnavailable(f"{where} ({type(err).__name__}: {str(err)[:200]})") from None
        if not self.client.has_collection(name):
            # milvus-lite's in-process gRPC server logs an unimplemented AllocTimestamp call while a
            # collection is created; the collection is fine, the traceback only alarms maintainers
            grpc_log = logging.getLogger("grpc._server")
            level, grpc_log.level = grpc_log.level, logging.CRITICAL
            try:
                self._create()
            finally:
                grpc_log.setLevel(level)
        self._check_schema()
        self.client.load_collection(name)

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("owner", DataType.VARCHAR, max_length=32, is_partition_key=True)
        schema.add_field("doc", DataType.VARCHAR, max_length=2048)
        schema.add_field("page", DataType.INT64)  # -1: no page number (Markdown, text)
        schema.add_field("section", DataType.VARCHAR, max_length=2048)
        schema.add_field("metadata", DataType.JSON)
        schema.add_field("text", DataType.VARCHAR, max_length=65535)
        schema.add_field("terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                         analyzer_params={"tokenizer": "whitespace"} if is_server(self.uri)
                         else {"tokenizer": "standard"})
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dimension)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                                     output_field_names=["sparse"]))
        index = self.client.prepare_index_params()
        if is_server(self.uri):  # a server holds millions of passages: a graph index
            index.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                            params={"M": 32, "efConstruction": 80})
        else:
            index.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
        index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        self.client.create_collection(self.name, schema=schema, index_params=index)

    def _check_schema(self) -> None:
        fields = {f["name"] for f in self.client.describe_collection(self.name)["fields"]}
        if "owner" not in fields:
            raise BackendUnavailable(
                f"De Milvus-collectie '{self.name}' heeft de indeling van een oudere Vraagbaak (zonder eigenaar "
                f"per corpus). Kies een nieuwe collectie met VRAAGBAAK_MILVUS_COLLECTION en bouw de index "
                f"opnieuw op: python -m vraagbaak index --rebuild")

    def pk(self, key: str) -> str:
        return f"{self.owner}-{key}"

    def expr(self, docs: tuple[str, ...] | None = None) -> str:
        own = f'owner == "{self.owner}"'
        return own if docs is None else f"{own} and doc in {json.dumps(list(docs), ensure_ascii=False)}"

    # --- writing ---------------------------------------------------------------
    def upsert(self, rows: list[dict]) -> None:
        for row in rows:
            row["owner"] = self.owner
        for start in range(0, len(rows), BATCH):
            self.client.upsert(self.name, rows[start:start + BATCH])

    def delete(self, pks: list[str]) -> None:
        for start in range(0, len(pks), BATCH):
            self.client.delete(self.name, ids=pks[start:start + BATCH])

    def keys(self) -> set[str]:
        """Every primary key of this owner. A Milvus server refuses offset + limit above 16,384, so keys are
        read by prefix, never by offset: each hex prefix of the key in one query, split into longer prefixes
        where one query would come back full (a key is "<owner>-<passage id>-<text hash>", both hex)."""
        out: set[str] = set()
        prefixes = list(HEX)
        while prefixes:
            prefix = prefixes.pop()
            rows = self.client.query(self.name, filter=f'pk like "{self.pk(prefix)}%"', output_fields=["pk"],
                                     limit=KEY_PAGE)
            if len(rows) < KEY_PAGE:
                out.update(r["pk"] for r in rows)
            else:
                prefixes += [prefix + c for c in HEX]
        return out

    # --- reading ---------------------------------------------------------------
    def vectors(self, pks: list[str]) -> dict[str, np.ndarray]:
        found = {}
        for start in range(0, len(pks), BATCH):
            part = pks[start:start + BATCH]
            for r in self.client.query(self.name, filter=f"pk in {json.dumps(part)}", output_fields=["pk", "dense"]):
                found[r["pk"]] = np.asarray(r["dense"], dtype=np.float32)
        return found

    def search(self, field: str, query, limit: int, expr: str) -> list[tuple[str, float]]:
        """(pk, score) best first, on the dense field (a vector) or the BM25 field (space-separated terms)."""
        result = self.client.search(self.name, data=[query], anns_field=field, limit=limit, filter=expr,
                                    output_fields=["pk"])
        # milvus-lite reports BM25 scores negated (best first all the same); a cosine keeps its sign
        sign = abs if field == "sparse" else float
        return [(hit["pk"] if "pk" in hit else hit["id"], sign(float(hit["distance"]))) for hit in result[0]]

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing is best effort
            pass


def _token(config_token: str = "") -> str:
    """A server's token comes from the settings or the environment, never from a file."""
    return config_token or os.environ.get("VRAAGBAAK_MILVUS_TOKEN", "")


class MilvusBackend:
    def __init__(self, folder: Path, manifest: dict, keys: Callable[[], list[str]]):
        config = manifest["milvus"]
        if "owner" not in config:
            raise BackendUnavailable(
                "Deze index is gebouwd met een oudere Milvus-indeling (zonder eigenaar per corpus). Bouw hem "
                "opnieuw op in een nieuwe collectie: VRAAGBAAK_MILVUS_COLLECTION=<naam> python -m vraagbaak "
                "index --rebuild")
        self.collection = MilvusCollection(config["uri"], config["collection"], manifest["dimension"],
                                           config["owner"], _token())
        try:
            self.row_pks = [self.collection.pk(k) for k in keys()]
            self.rows_of = {pk: row for row, pk in enumerate(self.row_pks)}
            path = folder / TERMS
            self.terms = QueryTerms(path.read_text(encoding="utf-8").split("\n") if path.exists() else [],
                                    bool(config.get("expand_prefixes")))
        except BaseException:
            self.collection.close()
            raise

    def _search(self, field: str, query, k: int, allowed: Allowed | None) -> Ranked:
        """Keys unknown to this version are skipped: the old text of a changed passage (kept one switch longer
        for the processes still serving the version before) and leftovers of an unfinished indexer. Twice k
        is asked for, so that those do not take the places of this version's passages."""
        found = self.collection.search(field, query, min(2 * k, 16_384), self._expr(allowed))
        return [(self.rows_of[pk], score) for pk, score in found if pk in self.rows_of][:k]

    def _expr(self, allowed: Allowed | None) -> str:
        return self.collection.expr(None if allowed is None else allowed.docs)

    def dense(self, query_vector: np.ndarray, k: int, allowed: Allowed | None) -> Ranked:
        if allowed is not None and not allowed.docs:
            return []
        return self._search("dense", query_vector.tolist(), k, allowed)

    def indexed_terms(self, text: str) -> list[str]:
        return self.terms.indexed(text)

    def bm25(self, query: str, k: int, allowed: Allowed | None) -> Ranked:
        terms = " ".join(self.terms.tokens(query))
        if not terms or (allowed is not None and not allowed.docs):
            return []
        return self._search("sparse", terms, k, allowed)

    def vectors(self, rows: list[int]) -> dict[int, np.ndarray]:
        found = self.collection.vectors([self.row_pks[int(r)] for r in rows])
        return {int(r): found[self.row_pks[int(r)]] for r in rows if self.row_pks[int(r)] in found}

    def check(self) -> None:
        missing = len(set(self.row_pks) - self.collection.keys())
        if missing:
            raise BackendDamaged(f"de Milvus-collectie '{self.collection.name}' mist {missing} van de "
                                 f"{len(self.row_pks)} passages van deze indexversie")

    def close(self) -> None:
        self.collection.close()


class MilvusWriter:
    """Sends new passages batch by batch, so a large folder is never held in memory as vectors."""

    def __init__(self, job: WriteJob):
        o = job.options
        self.config = {"uri": _uri(o), "collection": o["milvus_collection"], "owner": owner_of(o, job.live),
                       "expand_prefixes": bool(o["compound_splitting"])}
        self.token = _token(o.get("milvus_token", ""))
        self.collection = MilvusCollection(self.config["uri"], self.config["collection"], job.dimension,
                                           self.config["owner"], self.token)
        former = _former_owner(o, job.live)
        self.former_owner = former if former and former != self.config["owner"] else None
        self.split = bool(o["compound_splitting"])
        # the compound splitter learns from the whole version, as the embedded BM25 index does
        self.words = vocabulary(job.texts)
        self.present: set[str] | None = None

    def held(self, keys: list[str]) -> set[str]:
        if self.present is None:
            self.present = self.collection.keys()
        return {k for k in keys if self.collection.pk(k) in self.present}

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        terms = document_tokens([p.search_text for p in passages], self.split, self.words if self.split else None)
        self.collection.upsert([
            {"pk": self.collection.pk(p.key), "doc": p.doc, "page": p.page or -1, "section": p.section or "",
             "metadata": p.metadata, "text": p.text, "terms": " ".join(t), "dense": v.tolist()}
            for p, t, v in zip(passages, terms, vectors)])

    def finish(self, folder: Path) -> dict:
        indexed = sorted({stem(w) for w in self.words})  # the terms BM25 holds (compound parts are words too)
        (folder / TERMS).write_text("\n".join(indexed), encoding="utf-8")
        return {"milvus": self.config}

    def after_switch(self, live_keys: set[str]) -> None:
        live = {self.collection.pk(k) for k in live_keys}
        self.collection.delete(sorted(self.collection.keys() - live))
        if self.former_owner:  # VRAAGBAAK_MILVUS_OWNER was changed: the passages moved to the new owner
            former = MilvusCollection(self.config["uri"], self.config["collection"], self.collection.dimension,
                                      self.former_owner, self.token)
            try:
                former.delete(sorted(former.keys()))
            finally:
                former.close()

    def close(self) -> None:
        self.collection.close()


class MilvusStore:
    name = "milvus"

    @staticmethod
    def open(folder: Path, manifest: dict, keys: Callable[[], list[str]]) -> MilvusBackend:
        return MilvusBackend(folder, manifest, keys)

    @staticmethod
    def writer(job: WriteJob) -> MilvusWriter:
        return MilvusWriter(job)

    @staticmethod
    def shared(options: dict, live: dict | None) -> None:
        return None  # its versions live only in the index folder

    @staticmethod
    def outdated(manifest: dict, options: dict) -> bool:
        config = manifest.get("milvus") or {}
        owner = _chosen_owner(options)
        return (config.get("uri") != _uri(options) or config.get("collection") != options["milvus_collection"]
                or bool(owner) and config.get("owner") != owner)

    @staticmethod
    def describe(manifest: dict) -> str:
        config = manifest.get("milvus") or {}
        return f"Milvus-collectie {config.get('collection')} in {config.get('uri')}"


STORE = MilvusStore()
