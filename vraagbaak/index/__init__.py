"""The index on disk: versions and their atomic switch (`versions`), the SQLite catalogue of documents,
passages and page texts, sentence vectors, the writer lock, and one folder of storage backends (`backends/`,
FAISS + BM25 or Milvus) behind one protocol.

May import: the kernel, `text` and `embed`. Backends import only their protocol, `schema` and `text`
(import-linter holds this).
"""
