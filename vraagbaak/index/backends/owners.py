"""Whose passages these are in a store that several indexers share (Milvus, PostgreSQL): one rule for both.

The owner is the store's own setting (``milvus_owner``, ``postgres_owner``) where it is set; else the owner of
the live version in the same place, so a moved corpus folder keeps its passages; else a hash of the corpus
folder. May import nothing of Vraagbaak (a sibling helper of the backends).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

_OWNER = re.compile(r"^[a-z0-9]{1,24}$")


def chosen_owner(options: dict, setting: str) -> str:
    """The owner setting as set (lower case), or "" when it is not."""
    return str(options.get(setting) or "").strip().lower()


def owner_of(options: dict, setting: str, former: str | None) -> str:
    """former: the owner of the live version where it lives in the same collection or tables, else None."""
    owner = chosen_owner(options, setting)
    if not owner:
        return former or hashlib.sha1(str(Path(options["corpus_dir"]).resolve()).encode()).hexdigest()[:8]
    if not _OWNER.match(owner):
        raise ValueError(f"VRAAGBAAK_{setting.upper()} '{owner}': gebruik 1 tot 24 letters en cijfers (a-z, 0-9)")
    return owner
