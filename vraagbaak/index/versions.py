"""Index versions on disk, and the one version a question reads.

Layout of the index folder::

    CURRENT                 name of the live version (replaced atomically)
    versions/<name>/        manifest.json, chunks.sqlite (the catalogue) and the backend's files
    .lock                   held by the one indexer that may write

A new version is written to a temporary folder, synced, renamed into
``versions/`` and only then named in CURRENT, so readers always see a
complete index, whatever happens to the writer.

A store that keeps whole versions itself (PostgreSQL: backends.SharedVersions) is told of a new version
before CURRENT is switched, and its current version is the one every app process follows: follow_shared
fetches it into the folder, which is then a cache (a replica starts with an empty one).
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from vraagbaak.index import backends, sentence_vectors
from vraagbaak.index.catalogue import FILE as CATALOGUE, Catalogue
from vraagbaak.index.sentence_vectors import SentenceVectors
from vraagbaak.schema import Chunk


class IndexError_(Exception):
    """The index is missing, damaged, or does not fit the current settings."""


class IndexMissing(IndexError_):
    pass


class IndexLocked(IndexError_):
    pass


REBUILD_ADVICE = "Bouw de index opnieuw op met: python -m vraagbaak index --rebuild"


def current_version(index_dir: Path) -> str | None:
    """The live version named in CURRENT; None when there is no index yet. A CURRENT that is empty, not
    text, or names no version folder is damage, not "no index": rebuilding silently would re-embed all."""
    for _ in range(2):  # an indexer may switch CURRENT and remove the old version between our two reads
        try:
            raw = (index_dir / "CURRENT").read_bytes()
        except FileNotFoundError:
            return None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            name = ""
        if name and "/" not in name and (index_dir / "versions" / name).is_dir():
            return name
    raise IndexError_(f"Het bestand CURRENT in {index_dir} is beschadigd of wijst naar een versie die niet "
                      f"bestaat. {REBUILD_ADVICE} / CURRENT is damaged.")


def has_usable_version(index_dir: Path) -> bool:
    """Is there a live version to answer from, when updating the index failed (a full disk, another indexer)?
    A damaged CURRENT is none."""
    try:
        return current_version(index_dir) is not None
    except IndexError_:
        return False


def read_manifest(index_dir: Path) -> dict | None:
    version = current_version(index_dir)
    if not version:
        return None
    try:
        return json.loads((index_dir / "versions" / version / "manifest.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


class IndexVersion:
    """One index version, read-only and fully checked: its catalogue plus its backend.

    Each question reads one version from start to end (Assistant.snapshot). A version replaced by a newer one
    is retired, and closed when the last question that uses it is done."""

    def __init__(self, index_dir: Path, name: str | None = None):
        self.index_dir = index_dir
        self.version = name or current_version(index_dir)
        if not self.version:
            raise IndexMissing(f"Er is nog geen index in {index_dir}. Maak die met: python -m vraagbaak index")
        self.folder = index_dir / "versions" / self.version
        self.catalogue = self.backend = self.sentences = None
        self._users, self._retired, self.closed = 0, False, False
        self._users_lock = threading.Lock()
        try:
            self.manifest = json.loads((self.folder / "manifest.json").read_text())
            self.store = backends.check_name(self.manifest.get("store", backends.DEFAULT))
            self.catalogue = Catalogue(self.folder / CATALOGUE)
            self.backend = backends.store(self.store).open(self.folder, self.manifest, self.catalogue.keys)
            stored = self.folder / sentence_vectors.FILE  # absent in versions written before it existed
            self.sentences = SentenceVectors(stored, self.manifest["model"]) if stored.exists() else None
            self._check_integrity()
        except BaseException as err:
            self.close()
            said = _opening_error(err, self.folder)
            if said is err:  # already says what happened (or Ctrl-C): as it is
                raise
            raise said from err

    def _check_integrity(self) -> None:
        counts = self.manifest.get("counts", {})
        rows, documents = self.catalogue.rows, len(self.catalogue.documents)
        if rows != counts.get("chunks") or documents != counts.get("documents"):
            raise backends.BackendDamaged(f"{rows} passages en {documents} documenten, het manifest noemt "
                                          f"{counts.get('chunks')} en {counts.get('documents')}")
        self.backend.check()
        if self.sentences is not None:
            self.sentences.check()

    def check_model(self, model: str) -> None:
        built = self.manifest.get("model")
        if built != model:
            raise IndexError_(
                f"Deze index is gebouwd met model '{built}' ({self.manifest.get('dimension')} dimensies), "
                f"maar de instellingen vragen '{model}'. {REBUILD_ADVICE}")

    # --- what the catalogue knows ---------------------------------------------
    @property
    def documents(self):
        return self.catalogue.documents

    def pages(self, doc: str) -> list[tuple[int | None, str | None, str]]:
        return self.catalogue.pages(doc)

    def chunks(self, rows: list[int]) -> list[Chunk]:
        return self.catalogue.chunks(rows)

    # --- sharing between questions ------------------------------------------------
    def acquire(self) -> "IndexVersion":
        with self._users_lock:
            self._users += 1
        return self

    def release(self) -> None:
        with self._users_lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self.close()

    def retire(self) -> None:
        """A newer version is live: close this one as soon as no question uses it."""
        with self._users_lock:
            self._retired = True
            done = self._users == 0
        if done:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            for part in (self.backend, self.catalogue, self.sentences):
                if part is not None:
                    part.close()


def _opening_error(err: BaseException, folder: Path) -> BaseException:
    """Say what happened: an unreachable store is not damage, and rebuilding would not help it."""
    if isinstance(err, IndexError_) or not isinstance(err, Exception):
        return err
    if isinstance(err, backends.BackendUnavailable):
        return IndexError_(str(err))
    if isinstance(err, backends.BackendDamaged):
        return IndexError_(f"De index in {folder} is beschadigd: {err}. {REBUILD_ADVICE}")
    return IndexError_(f"De index in {folder} is beschadigd ({type(err).__name__}: {err}). {REBUILD_ADVICE}")


# --- writing ---------------------------------------------------------------

def write_version(index_dir: Path, manifest: dict, fill: Callable[[Path], dict],
                  publish: Callable[[str, Path], None] | None = None) -> str:
    """Write a complete version beside the live one, then switch CURRENT to it. fill(folder) writes the
    catalogue and the backend's files into the new folder and returns the backend's manifest section.
    publish(name, folder), for a store that keeps whole versions (SharedVersions.publish), stores the complete
    folder there and switches the store's current version before CURRENT here: a failure leaves both as they
    were, and every replica follows the store."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp = versions / f".tmp-{name}"
    tmp.mkdir()
    try:
        manifest = {**manifest, **fill(tmp), "version": name}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        _fsync_tree(tmp)
        if publish is not None:
            publish(name, tmp)
        os.rename(tmp, versions / name)
        _replace_file(index_dir / "CURRENT", name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_versions(versions, keep=name)
    return name


def follow_shared(index_dir: Path, shared: backends.SharedVersions, name: str | None = None) -> str | None:
    """Make the index folder hold the store's current version (the folder is then a read-through cache of the
    store, e.g. on an app replica): fetched into a temporary folder, synced, renamed into ``versions/`` and
    named in CURRENT, as write_version does; older versions go. name: the store's current version where the
    caller just read it. Returns the store's current version, or None when it has none (the folder stays as it
    is). The caller holds the writer lock (lock.py)."""
    try:
        name = name or shared.current()
    except backends.BackendUnavailable as err:
        raise IndexError_(str(err)) from err
    if name is None:
        return None
    if not name or "/" in name or name.startswith("."):
        raise IndexError_(f"De opslag noemt een ongeldige indexversie. {REBUILD_ADVICE}")
    versions = index_dir / "versions"
    if has_usable_version(index_dir) and current_version(index_dir) == name:
        return name
    if not (versions / name / "manifest.json").is_file():
        versions.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(versions / name, ignore_errors=True)  # a fetch that stopped halfway is not a version
        tmp = versions / f".tmp-{name}-{uuid.uuid4().hex[:6]}"
        tmp.mkdir()
        try:
            shared.fetch(name, tmp)
            _fsync_tree(tmp)
            os.rename(tmp, versions / name)
        except backends.BackendDamaged as err:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexError_(f"De indexversie {name} in de opslag is beschadigd: {err}. {REBUILD_ADVICE}") from err
        except backends.BackendUnavailable as err:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexError_(str(err)) from err
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    _replace_file(index_dir / "CURRENT", name)
    _remove_old_versions(versions, keep=name)
    return name


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_file(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_versions(versions: Path, keep: str) -> None:
    """Old versions and leftovers of killed writers go; a reader that still has
    an old version open keeps its open files (POSIX semantics)."""
    for path in versions.iterdir():
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
