"""The Milvus backend: dense vectors, BM25 and hybrid search in a Milvus collection.

One client for every deployment: a file path as URI means milvus-lite (embedded, for a laptop or tests),
``http://host:19530`` a Milvus standalone server or cluster.

What lives where: Milvus holds the passages' vectors and BM25 terms and does the searching. The SQLite
file and manifest of each index version (store.py) stay the record of what is indexed: documents, pages,
passages and their text keys. A passage's primary key joins its id and its text key, so a changed passage
gets a new key: new keys are inserted *before* the new version is switched in, and keys that only the old
version used are deleted *after*. A killed indexer therefore leaves the live version complete; keys it
left behind are unknown to every version, ignored by search and cleaned up by the next run.

BM25 terms: milvus-lite 3.2 ignores the analyzer's stemmer filter (its StandardAnalyzer only lowercases),
so "ondermijningen" would never find "ondermijning". Vraagbaak therefore hands Milvus the terms of its own
Dutch analysis (lexical.py: Snowball stemming, stopwords, compound parts) in a ``terms`` field that Milvus
only splits on spaces, and Milvus' BM25 function scores them. This behaves the same on lite and server.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
BATCH = 500
FIELDS = ["pk", "doc", "dense"]
HEX = "0123456789abcdef"
KEY_PAGE = 10_000  # rows per key query: below the server's offset + limit cap of 16,384


class MilvusUnavailable(RuntimeError):
    """Milvus cannot be reached or is not installed: not a damaged index, and rebuilding would not help."""


def pk_of(chunk_id: str, text_key: str) -> str:
    return f"{chunk_id}-{text_key[:16]}"


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://"))


class MilvusCollection:
    def __init__(self, uri: str, name: str, dimension: int, token: str = ""):
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise MilvusUnavailable("pymilvus is niet geïnstalleerd: pip install -e '.[milvus]'") from None

        self.uri, self.name, self.dimension = uri, name, dimension
        if not is_server(uri):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.client = MilvusClient(uri, token=token) if token else MilvusClient(uri)
        except Exception as err:  # noqa: BLE001 - pymilvus raises MilvusException, grpc errors, OSError
            where = f"Milvus-server niet bereikbaar op {uri}" if is_server(uri) else f"milvus-lite start niet in {uri}"
            raise MilvusUnavailable(f"{where} ({type(err).__name__}: {str(err)[:200]})") from None
        if not self.client.has_collection(name):
            # milvus-lite's in-process gRPC server logs an unimplemented AllocTimestamp call while a
            # collection is created; the collection is fine, the traceback only alarms maintainers
            grpc_log = logging.getLogger("grpc._server")
            level, grpc_log.level = grpc_log.level, logging.CRITICAL
            try:
                self._create()
            finally:
                grpc_log.setLevel(level)
        self.client.load_collection(name)

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
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

    # --- writing ---------------------------------------------------------------
    def upsert(self, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self.client.upsert(self.name, rows[start:start + BATCH])

    def delete(self, pks: list[str]) -> None:
        for start in range(0, len(pks), BATCH):
            self.client.delete(self.name, ids=pks[start:start + BATCH])

    def keys(self) -> set[str]:
        """Every primary key in the collection. A Milvus server refuses offset + limit above 16,384, so keys are
        read by prefix, never by offset: each hex prefix of the key in one query, split into longer prefixes
        where one query would come back full (a key is "<chunk id>-<text key>", both hex)."""
        out: set[str] = set()
        prefixes = list(HEX)
        while prefixes:
            prefix = prefixes.pop()
            rows = self.client.query(self.name, filter=f'pk like "{prefix}%"', output_fields=["pk"], limit=KEY_PAGE)
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

    def search(self, mode: str, terms: str, vector: np.ndarray, limit: int, docs: list[str] | None,
               rrf_k: int) -> list[tuple[str, float]]:
        """(pk, score) best first. Hybrid is Milvus' own hybrid_search with its RRFRanker: of the rankers
        Milvus offers it came closest to our score fusion on the Rijksoverheid set (docs/evaluation.md);
        its WeightedRanker normalises with arctan, which flattens the BM25 side."""
        from pymilvus import AnnSearchRequest, RRFRanker

        expr = f"doc in {json.dumps(docs, ensure_ascii=False)}" if docs is not None else ""
        if mode == "bm25" and not terms.strip():
            return []
        if mode == "dense":
            result = self.client.search(self.name, data=[vector.tolist()], anns_field="dense", limit=limit,
                                        filter=expr, output_fields=["pk"])
        elif mode == "bm25":
            result = self.client.search(self.name, data=[terms], anns_field="sparse", limit=limit, filter=expr,
                                        output_fields=["pk"])
        else:
            requests = [AnnSearchRequest(data=[vector.tolist()], anns_field="dense", param={}, limit=limit,
                                         expr=expr)]
            if terms.strip():
                requests.append(AnnSearchRequest(data=[terms], anns_field="sparse", param={}, limit=limit,
                                                 expr=expr))
            result = self.client.hybrid_search(self.name, reqs=requests, limit=limit, output_fields=["pk"],
                                               ranker=RRFRanker(rrf_k))
        return [(hit["pk"] if "pk" in hit else hit["id"], float(hit["distance"])) for hit in result[0]]

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing is best effort
            pass
