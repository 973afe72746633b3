"""Collections and who may read them. A document's collection is `collectie:` in its sidecar or (Markdown) its
front matter, else its first folder under the corpus ("wmo/besluit.pdf" is in "wmo"; a file at the top is in
"."). The access file (VRAAGBAAK_ACCESS_FILE) names the groups that may read each collection:

    collecties:
      rapport: ["*"]        # every signed-in user
      wmo: [wmo, admins]

A collection that the file does not list is for the admin group only. A user's index holds only the collections
they may read (Assistant.for_collections), so nothing they may not read reaches a search, a count or a notice.
May import: ingest.loaders, ingest.filetypes.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from vraagbaak.ingest.filetypes import is_markdown_path
from vraagbaak.ingest.loaders import LoadError, front_matter_of, sidecar_metadata

EVERYONE = "*"
TOP = "."  # the collection of the files at the top of the corpus


def collection_of(path: Path, corpus_dir: Path) -> str:
    try:
        named = sidecar_metadata(path).get("collectie")
    except LoadError:
        named = None
    if not named and is_markdown_path(str(path)) and path.suffix.lower() in (".md", ".markdown"):
        named = front_matter_of(path).get("collectie")
    if named:
        return str(named).strip()
    parts = path.relative_to(corpus_dir).parts
    return parts[0] if len(parts) > 1 else TOP


def in_collections(files: list[Path], corpus_dir: Path, collections: str) -> list[Path]:
    """files, kept to the collections named (comma-separated); all of them when none are named."""
    if not collections:
        return files
    wanted = set(collections.split(","))
    return [f for f in files if collection_of(f, corpus_dir) in wanted]


def read_access(access_file: Path) -> dict[str, tuple[str, ...]]:
    """{collection: groups}; a file that cannot be read is an error at start, in Dutch."""
    try:
        data = yaml.safe_load(Path(access_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ValueError(f"het toegangsbestand {access_file} is niet te lezen: {err}") from err
    listed = data.get("collecties") if isinstance(data, dict) else None
    if not isinstance(listed, dict):
        raise ValueError(f"het toegangsbestand {access_file} heeft geen lijst 'collecties:'")
    return {str(name): tuple(str(g) for g in (groups or [])) for name, groups in listed.items()}


def readable(access: dict[str, tuple[str, ...]], groups: tuple[str, ...], is_admin: bool,
             present: set[str]) -> frozenset[str]:
    """The collections (of those present in the corpus) that a user with these groups may read."""
    if is_admin:
        return frozenset(present)
    return frozenset(c for c in present if c in access and (EVERYONE in access[c] or set(groups) & set(access[c])))
