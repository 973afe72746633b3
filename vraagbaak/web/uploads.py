"""Files that maintainers add or remove in the Beheer tab: checked by content, by size and by name,
and never outside the corpus folder."""
from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from vraagbaak.ingest.filetypes import BY_EXTENSION, attached_to, labels, of_path


class UploadRejected(Exception):
    pass


def safe_filename(name: str) -> str:
    """Keep a plain file name; anything that tries to leave the folder is refused."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or ".." in name or "\x00" in name:
        raise UploadRejected(f"ongeldige bestandsnaam: {name!r}")
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if of_path(name) is None:
        raise UploadRejected(f"{name}: alleen {labels()} zijn toegestaan")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-")[:80]
    if not clean:
        raise UploadRejected(f"ongeldige bestandsnaam: {name!r}")
    return clean + suffix


def check_content(path: Path, suffix: str, max_bytes: int) -> None:
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected("het bestand is leeg")
    if size > max_bytes:
        raise UploadRejected(f"het bestand is te groot ({size / 1e6:.1f} MB; maximaal {max_bytes / 1e6:.0f} MB)")
    head = path.open("rb").read(4096)
    content = BY_EXTENSION[suffix].content
    if content == "pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadRejected("dit is geen PDF: de inhoud begint niet met %PDF-")
        return
    if content.startswith("zip:"):
        _check_archive(path, BY_EXTENSION[suffix].label, *content.split(":")[1:])
        return
    if content == "ole":
        _check_ole(path, suffix, BY_EXTENSION[suffix].label)
        return
    if content == "rtf" and not head.startswith(b"{\\rtf"):
        raise UploadRejected("dit is geen RTF-bestand: de inhoud begint niet met {\\rtf")
    if b"\x00" in head or head.startswith(b"%PDF-"):
        raise UploadRejected("dit is geen tekstbestand (de inhoud is binair)")
    if content == "html" and not re.search(rb"<(?:!doctype html|html|head|body|p|h[1-6]|div)\b", head, re.I):
        raise UploadRejected("dit is geen webpagina: er staat geen HTML in")
    if content == "mail" and not re.search(rb"^(?:from|subject|date|message-id):", head, re.I | re.M):
        raise UploadRejected("dit is geen e-mail: de kopregels (Van, Onderwerp, Datum) ontbreken")
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        try:
            path.read_bytes().decode("cp1252")
        except UnicodeDecodeError as err:
            raise UploadRejected("de tekst is geen UTF-8 of cp1252") from err


# the stream that each kind of OLE compound file holds: an Outlook message its properties, Word 97 its text
_OLE_STREAM = {".msg": "__properties_version1.0", ".doc": "WordDocument"}


def _check_ole(path: Path, suffix: str, label: str) -> None:
    import olefile

    try:
        ok = olefile.isOleFile(str(path))
        with olefile.OleFileIO(str(path)) as ole:
            ok = ok and ole.exists(_OLE_STREAM[suffix])
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise UploadRejected(f"dit is geen {label}-bestand: de inhoud past niet bij de extensie {suffix}")


def _check_archive(path: Path, label: str, member: str, mimetype: str = "") -> None:
    """Office and OpenDocument files are zip archives with a known part (word/document.xml, content.xml);
    an OpenDocument file also names its kind in a "mimetype" member."""
    import zipfile

    refusal = f"dit is geen {label}-bestand"
    if not zipfile.is_zipfile(path):
        raise UploadRejected(f"{refusal}: de inhoud is geen Office- of OpenDocument-archief")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            kind = archive.read("mimetype").decode("ascii", "replace").strip() if mimetype and "mimetype" in names \
                else ""
    except (zipfile.BadZipFile, OSError, KeyError) as err:
        raise UploadRejected(f"{refusal}: het archief is beschadigd") from err
    if member not in names or (mimetype and kind != mimetype):
        raise UploadRejected(f"{refusal}: het archief mist {member if member not in names else 'het juiste type'}")


def store_upload(source: Path, original_name: str, corpus_dir: Path, max_bytes: int,
                 quota_bytes: int | None = None) -> Path:
    """quota_bytes: what the uploads folder may hold in all; a file that would pass it is refused."""
    name = safe_filename(original_name)
    check_content(source, Path(name).suffix.lower(), max_bytes)
    target_dir = (corpus_dir / "uploads").resolve()
    target = (target_dir / name).resolve()
    if target.parent != target_dir:
        raise UploadRejected(f"ongeldige bestandsnaam: {original_name!r}")
    if quota_bytes is not None:
        held = sum(f.stat().st_size for f in target_dir.rglob("*") if f.is_file()) if target_dir.exists() else 0
        if held + source.stat().st_size > quota_bytes:
            raise UploadRejected(f"de map met uploads zou dan meer dan {quota_bytes / 1e6:.0f} MB bevatten "
                                 f"(nu {held / 1e6:.1f} MB); verwijder eerst documenten of vraag de beheerder "
                                 "VRAAGBAAK_MAX_UPLOADS_MB te verhogen")
    target_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(target, source)
    shutil.copyfile(source, target)
    return target


def _free_name(target: Path, source: Path) -> Path:
    """An upload never overwrites a different file of the same name: it gets a number instead."""
    candidate, n = target, 1
    while candidate.exists() and candidate.read_bytes() != source.read_bytes():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def trash_dir(corpus_dir: Path) -> Path:
    """The prullenbak beside the corpus (not in it, so nothing in it is indexed): "corpus.prullenbak"."""
    root = corpus_dir.resolve()
    return root.parent / f"{root.name}.prullenbak"


def corpus_file(corpus_dir: Path, doc: str) -> Path:
    """The file that doc (a path relative to the corpus, as the index names it) is, resolved; a path that leads
    out of the corpus, also through a link, or to no file is refused. An e-mail's attachment has no file of its
    own: its e-mail is meant."""
    holder = attached_to(doc)
    if holder:
        raise UploadRejected(f"{doc!r} is een bijlage; kies de e-mail {holder!r}, de bijlagen gaan mee")
    root = corpus_dir.resolve()
    target = (root / doc).resolve()
    if root not in target.parents or not target.is_file():
        raise UploadRejected(f"{doc!r} staat niet in de documentenmap")
    return target


def remove_document(corpus_dir: Path, doc: str) -> Path:
    """Move one corpus file, given its path relative to the corpus, to the prullenbak; nothing outside the
    corpus. It can be put back (restore_document) until the next re-index empties the prullenbak."""
    root = corpus_dir.resolve()
    target = corpus_file(corpus_dir, doc)
    kept = trash_dir(corpus_dir) / target.relative_to(root)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), str(kept))
    except OSError as err:
        raise UploadRejected(f"de prullenbak ({kept.parent}) kan niet worden gebruikt: "
                             f"{err.strerror or err}") from err
    return kept


def restore_document(corpus_dir: Path, doc: str) -> Path:
    """Put a removed file back where it was."""
    root = corpus_dir.resolve()
    target, kept = (root / doc).resolve(), (trash_dir(corpus_dir) / doc).resolve()
    if root not in target.parents or trash_dir(corpus_dir) not in kept.parents or not kept.is_file():
        raise UploadRejected(f"{doc!r} staat niet (meer) in de prullenbak")
    if target.exists():
        raise UploadRejected(f"er staat alweer een bestand {doc!r} in de documentenmap")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(kept), str(target))
    return target


def empty_trash(corpus_dir: Path) -> None:
    """After a re-index the removal is final."""
    shutil.rmtree(trash_dir(corpus_dir), ignore_errors=True)
