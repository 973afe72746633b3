"""The metadata a maintainer sets for one document in Beheer (its owner, theme and year), checked and written
to the document's sidecar "<file>.meta.yaml" (ingest/loaders.py). The next re-index reads it: the sidecar's hash
is part of the document's digest. Other keys of the sidecar (title, bron, …) stay as they were, and nothing
outside the corpus folder is read or written.

No Gradio here, so it is tested without a browser. May import: ingest (the sidecar's name and reader) and
web/uploads (the corpus path check)."""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

import yaml

from vraagbaak.ingest.loaders import LoadError, read_sidecar, sidecar_metadata, sidecar_of
from vraagbaak.web.uploads import UploadRejected, corpus_file

YEAR_FIELD = "jaar"  # the year facet has this name in every collection (Assistant.facets)
MAX_CHARS = 100
FIRST_YEAR, LAST_YEAR = 1900, 2100


class MetadataRejected(UploadRejected):
    """Metadata that is not written, with the Dutch reason."""


def shown(value) -> str:
    """A metadata value as one line of a form or a table cell: a list as "a, b", nothing as ""."""
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return "" if value is None else str(value)


def current_metadata(corpus_dir: Path, doc: str, indexed: dict) -> dict:
    """What the document's metadata will be after the next re-index: the index's (indexed) under what its
    sidecar says now, as the loader joins them."""
    return {**indexed, **sidecar_metadata(_named(corpus_dir, doc))}


def changed_fields(typed: dict[str, str], current: dict) -> dict[str, str]:
    """The fields the maintainer changed. A field left as it was shown is not written: a list stays a list,
    and what the file says of itself (front matter) is not copied into the sidecar. An emptied field is
    written as "": the sidecar goes before the file's own metadata, so only that clears it."""
    return {field: text.strip() for field, text in typed.items()
            if text.strip() != shown(current.get(field)).strip()}


def check(field: str, value: str) -> str:
    """The value as it is stored, or MetadataRejected with the reason."""
    value = value.strip()
    if field == YEAR_FIELD:
        if value and not (re.fullmatch(r"[0-9]{4}", value) and FIRST_YEAR <= int(value) <= LAST_YEAR):
            raise MetadataRejected(f"{field} moet leeg zijn of een jaartal van {FIRST_YEAR} tot en met "
                                   f"{LAST_YEAR} (niet ‘{value[:20]}’)")
        return value
    if len(value) > MAX_CHARS:
        raise MetadataRejected(f"{field} mag hoogstens {MAX_CHARS} tekens lang zijn (nu {len(value)})")
    # one line of plain text: a tab, line break or invisible control character would end up in every filter list
    if any(unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" for c in value):
        raise MetadataRejected(f"{field} mag geen regeleinde, tab of ander onzichtbaar stuurteken bevatten")
    return value


def save_metadata(corpus_dir: Path, doc: str, changes: dict[str, str]) -> Path:
    """Set these fields in doc's sidecar (doc: its path relative to the corpus, as the index names it) and keep
    the rest of the sidecar. Every value is checked before anything is written. Returns the sidecar."""
    named = _named(corpus_dir, doc)
    side, values = sidecar_of(named), {field: check(field, value) for field, value in changes.items()}
    try:
        data = read_sidecar(named)
    except (LoadError, OSError) as err:
        raise MetadataRejected(f"{side.name} is niet te lezen; herstel of verwijder dat bestand eerst") from err
    try:
        _write_whole(side, {**data, **values}, named.stat().st_mode & 0o666)
    except OSError as err:
        raise MetadataRejected(f"{side.name} kon niet worden opgeslagen: {err.strerror or err}") from err
    return side


def _named(corpus_dir: Path, doc: str) -> Path:
    """The document under the name the indexer finds (its sidecar lies beside that name, also where it is a
    link), for a document in the corpus whose sidecar is in it too."""
    corpus_file(corpus_dir, doc)
    named = corpus_dir.resolve() / doc
    if corpus_dir.resolve() not in sidecar_of(named).resolve().parents:
        raise MetadataRejected(f"de metadata van {doc!r} zou buiten de documentenmap komen")
    return named


def _write_whole(side: Path, data: dict, mode: int) -> None:
    """Written to a temporary file beside it and then renamed over it: the indexer (or a crash) never meets half
    a sidecar. The temporary name starts with a dot, so the indexer skips one that a crash left behind."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    fd, temporary = tempfile.mkstemp(dir=side.parent, prefix=f".{side.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, mode)  # readable by whoever reads the document (mkstemp makes it private)
        os.replace(temporary, side)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
