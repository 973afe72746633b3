"""Storage backends, registered by name. Adding one means one module here plus one line in REGISTRY.

A backend module is imported only when a version that uses it is opened or written, so pymilvus and psycopg are
never imported by a FAISS installation.
"""
from __future__ import annotations

from importlib import import_module

from .protocol import (Allowed, Backend, BackendDamaged, BackendUnavailable, BackendWriter, Passage,
                       SharedVersions, Store, WriteJob, passage_key)

DEFAULT = "faiss"
REGISTRY = {  # name -> module in this package that defines STORE
    "faiss": "faiss_store",
    "milvus": "milvus_store",
    "postgres": "postgres_store",
}


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


def check_name(name: str) -> str:
    if name not in REGISTRY:
        raise ValueError(f"onbekende opslag '{name}'; kies uit {', '.join(REGISTRY)} (VRAAGBAAK_STORE of --store)")
    return name


def store(name: str) -> Store:
    return import_module(f".{REGISTRY[check_name(name)]}", __name__).STORE


__all__ = ["Allowed", "Backend", "BackendDamaged", "BackendUnavailable", "BackendWriter", "DEFAULT", "Passage",
           "SharedVersions", "Store", "WriteJob", "check_name", "names", "passage_key", "store"]
