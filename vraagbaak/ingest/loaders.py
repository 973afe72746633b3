"""Converters: files -> Document objects with pages and metadata.

Each loader raises LoadError with a Dutch / English reason for a file it
cannot read, so one bad file never stops the rest of the corpus.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import yaml

from vraagbaak.ingest import structured
from vraagbaak.ingest.filetypes import of_path
from vraagbaak.ingest.identity import printed_identity
from vraagbaak.ingest.ocr import OcrOptions
from vraagbaak.profile import PROFILE_FILE
from vraagbaak.schema import Document, Page
from vraagbaak.text.cleaning import clean_pages, normalise_characters, normalise_whitespace
from vraagbaak.text.headings import ends_open

log = logging.getLogger(__name__)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", re.S)


class LoadError(Exception):
    """A file that cannot be indexed; the message is shown to maintainers."""


class NeedsOcr(LoadError):
    """A PDF without a text layer: the indexer OCRs it after the other files, where OCR is available."""

    def __init__(self, pages: int):
        super().__init__(f"geen tekstlaag, OCR nodig ({pages} pagina's) / no text layer, needs OCR ({pages} pages)")
        self.pages = pages


class PartlyScanned(NeedsOcr):
    """A PDF with a text layer and some scanned pages (an image, no text): OCR'd like a scan where OCR is
    available; elsewhere its text pages are indexed as they are (`document`), with a note."""

    def __init__(self, pages: int, document: Document):
        super().__init__(pages)
        self.document = document

    def __reduce__(self):  # raised in the worker process, handled in the indexer
        return (PartlyScanned, (self.pages, self.document))


class UnreadableFile(LoadError):
    """A file that exists but cannot be read now (permissions, a lock): it may be readable next time."""


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


SIDECAR = ".meta.yaml"  # "nota.pdf.meta.yaml" beside "nota.pdf": metadata a maintainer adds to any document


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file under the corpus, skipping hidden files and folders, the collection's own collectie.yaml
    (profile.py: what the collection calls its things, not a document) and the sidecars of documents."""
    return sorted(p for p in corpus_dir.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
                  and p.relative_to(corpus_dir).as_posix() != PROFILE_FILE and not p.name.endswith(SIDECAR))


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR)


def document_digest(path: Path) -> str:
    """The file's content hash, joined with its sidecar's where it has one: changed metadata re-indexes it."""
    digest = file_hash(path)
    side = sidecar_of(path)
    if side.is_file():
        digest = hashlib.sha256(f"{digest}:{file_hash(side)}".encode()).hexdigest()
    return digest


def sidecar_metadata(path: Path) -> dict:
    """The metadata in "<file>.meta.yaml" (gemeente, organisatie, domein, jaar, title, …); {} without one. A
    sidecar that cannot be read is one file's failure, in Dutch."""
    return {str(k): _plain(v) for k, v in read_sidecar(path).items()}


def read_sidecar(path: Path) -> dict:
    """The sidecar's mapping as YAML gives it (a date stays a date, a nested mapping stays one), so that Beheer
    can rewrite one field and keep the rest as it was; {} without one."""
    side = sidecar_of(path)
    if not side.is_file():
        return {}
    try:
        data = yaml.load(side.read_text(encoding="utf-8"), Loader=_NoAliasLoader) or {}
    except (yaml.YAMLError, ValueError, UnicodeDecodeError, RecursionError) as err:
        raise LoadError(f"{side.name} is geen geldige YAML / invalid sidecar ({err.__class__.__name__})") from err
    if not isinstance(data, dict):
        raise LoadError(f"{side.name} is geen woordenlijst / the sidecar is not a mapping")
    return data


def relative_name(path: Path, corpus_dir: Path) -> str:
    """The name under which a file is indexed and reported. A name that is not valid UTF-8 is shown with
    readable escapes ("caf\\xe9.txt") instead of raising a codec error far from the file."""
    name = path.relative_to(corpus_dir).as_posix()
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def pdf_page_count(path: Path) -> int:
    """The pages a PDF says it has: the /Count of its page tree's root, read from the trailer without walking
    the tree or parsing a page (this runs outside the isolated loader); 0 where that cannot be read. For
    cutting a long PDF into tasks, where a wrong count costs only an uneven cut."""
    from pypdf import PdfReader

    try:
        count = PdfReader(str(path), strict=False).trailer["/Root"]["/Pages"]["/Count"]
        return max(0, int(count))
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on damaged or encrypted files
        return 0


def check_readable(path: Path, corpus_dir: Path) -> str:
    """Everything about one file that can fail before it is parsed, each with a Dutch/English reason:
    its name, where a symbolic link leads, and reading it. Returns the content hash."""
    raw = path.relative_to(corpus_dir).as_posix()
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise LoadError("bestandsnaam is geen geldige UTF-8; geef het bestand een andere naam / "
                        "file name is not valid UTF-8") from None
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(corpus_dir.resolve()):
            raise LoadError("symbolische koppeling naar buiten de documentenmap, overgeslagen / "
                            "symbolic link leads outside the corpus folder") from None
    try:
        return document_digest(path)
    except OSError as err:
        raise UnreadableFile(f"kan het bestand niet lezen ({err.strerror or type(err).__name__}) / "
                        f"cannot read the file") from None


def load_file(path: Path, corpus_dir: Path, max_bytes: int | None = None, min_word_share: float = 0.0,
              content_hash: str | None = None, ocr: OcrOptions | None = None) -> Document:
    """content_hash: pass it when it is known already (the indexer hashes every file first), so that a
    large file is not read a second time just to hash it. ocr: OCR the pages of a PDF that have no text
    layer (else such a PDF raises NeedsOcr)."""
    kind = of_path(path)
    if kind is None:
        suffix = path.suffix.lower()
        raise LoadError(f"bestandstype {suffix or '(geen)'} wordt niet ondersteund / unsupported file type")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("leeg bestand / empty file")
    if max_bytes and size > max_bytes:
        raise LoadError(f"te groot ({size / 1e6:.1f} MB, limiet {max_bytes / 1e6:.0f} MB) / file too large")
    name = relative_name(path, corpus_dir)
    content_hash = content_hash or document_digest(path)
    extra = sidecar_metadata(path)
    if kind.loader == "pdf":  # the OCR cache is keyed by the file alone: new metadata reads no page again
        doc = load_pdf(path, name, ocr, file_hash(path) if sidecar_of(path).is_file() else content_hash)
    else:
        doc = LOADERS[kind.loader](path, name)
    doc.content_hash = content_hash
    if extra:  # the maintainer's metadata goes before what the file says of itself
        doc.title = str(extra.pop("title", "") or doc.title)
        doc.metadata = {**doc.metadata, **extra}
        for part in doc.parts:  # an e-mail's gemeente, domein or jaar is its attachments' too
            part.metadata = {**part.metadata, **extra}
    if not doc.text.strip():
        raise LoadError("geen tekst gevonden / no text found")
    share, tokens = real_word_share(doc.text)
    if tokens >= MIN_TOKENS_FOR_QUALITY and share < min_word_share:
        raise LoadError(f"tekst is grotendeels onleesbaar ({share:.0%} echte woorden), waarschijnlijk een slechte "
                        f"OCR-laag / text is mostly garbage ({share:.0%} real words), probably a bad OCR layer")
    return doc


# --- text quality ----------------------------------------------------------

_TOKEN = re.compile(r"\S+")
_WORD_SHAPE = re.compile(r"^[(\"'„‘“]*([^\W\d_]+(?:[-'’][^\W\d_]+)*)[)\"'”’.,;:!?]*$")
_NUMBER = re.compile(r"^[(€$]?[\d.,:/%-]*\d[\d.,:/%-]*[).,;:]?$")
_VOWEL = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]", re.I)
MIN_TOKENS_FOR_QUALITY = 30


def real_word_share(text: str) -> tuple[float, int]:
    """Share of tokens shaped like words (letters with a vowel) or numbers, and the token count.

    Language-neutral on purpose: an English document must not be flagged. Measured on the 13 readable
    PDFs in pdf-samples (OCR layers included): 0.93-0.99; random characters: 0.02.
    """
    tokens = _TOKEN.findall(text)
    good = 0
    for token in tokens:
        word = _WORD_SHAPE.match(token)
        if word and _VOWEL.search(word.group(1)) and (len(word.group(1)) > 1 or word.group(1) in "eu"):
            good += 1
        elif _NUMBER.match(token):
            good += 1
    return good / max(1, len(tokens)), len(tokens)


class IsolatedLoader:
    """Reads files in a worker process with a time limit per file.

    pypdf is pure Python and can spin for minutes on a damaged file; in its own process such a file
    is stopped after ``timeout`` seconds and reported, and the indexer goes on with the next file.
    Which formats go there says the file-type registry (`FileType.isolated`): PDF, and Markdown, whose YAML
    front matter is a parser too. Plain text is read in-process. A script that indexes needs a main guard:
    the worker processes import it.
    """

    def __init__(self, timeout: float, max_bytes: int | None = None, min_word_share: float = 0.0,
                 memory_mb: int = 0):
        self.timeout, self.max_bytes, self.min_word_share = timeout, max_bytes, min_word_share
        self.memory_mb = memory_mb  # the worker's address space; 0: no limit
        self._pool = None

    def load(self, path: Path, corpus_dir: Path, content_hash: str | None = None, ocr: OcrOptions | None = None,
             extra_time_s: float = 0.0) -> Document:
        """extra_time_s: added to the time limit (OCR takes longer than reading a text layer)."""
        args = (path, corpus_dir, self.max_bytes, self.min_word_share, content_hash, ocr)
        kind = of_path(path)
        if kind is None or not kind.isolated or self.timeout <= 0:
            return load_file(*args)
        timeout = self.timeout + extra_time_s
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        future = self._worker().submit(load_file, *args)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self.close(kill=True)
            raise LoadError(f"lezen duurde langer dan {timeout:g} s en is afgebroken / "
                            f"reading took longer than {timeout:g} s and was stopped") from None
        except MemoryError:  # the worker's limit (a zip bomb in an Office file, a huge sheet): this file only
            self.close(kill=True)
            raise LoadError(f"lezen vroeg meer dan {self.memory_mb} MB geheugen en is afgebroken / "
                            "reading needed too much memory") from None
        except BrokenProcessPool:
            self.close(kill=True)
            raise LoadError("het lezen van dit bestand liep vast / the reader crashed on this file") from None

    def _worker(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: a clean child without the parent's torch threads
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"),
                                             initializer=_limit_memory, initargs=(self.memory_mb,))
        return self._pool

    def close(self, kill: bool = False) -> None:
        if self._pool is None:
            return
        if kill:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
        self._pool.shutdown(wait=not kill, cancel_futures=True)
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _limit_memory(megabytes: int) -> None:
    """In the worker: an allocation beyond this raises MemoryError there, instead of the machine swapping."""
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform, or a lower hard limit: as it is
        pass


# --- PDF -------------------------------------------------------------------

def load_pdf(path: Path, name: str, ocr: OcrOptions | None = None, content_hash: str = "") -> Document:
    from pypdf import PdfReader

    with path.open("rb") as fh:
        if b"%PDF-" not in fh.read(1024):
            raise LoadError("geen geldige PDF (kop ontbreekt) / not a valid PDF")
    try:
        reader = PdfReader(str(path))
        _unlock(reader)
        raw_pages = [page.extract_text() or "" for page in reader.pages]
        labels = _page_labels(reader)
        info_title = _pdf_title(reader)
    except LoadError:
        raise
    except Exception as err:  # pypdf raises many types on damaged files
        raise LoadError(f"onleesbare PDF / unreadable PDF ({type(err).__name__})") from err
    metadata: dict = {}
    scanned = sum(len(p.strip()) for p in raw_pages) < 20 * max(1, len(raw_pages)) / 2
    image_pages = [] if scanned else _image_pages_without_text(reader, raw_pages)
    if scanned or (ocr is not None and image_pages):
        if ocr is None:
            raise NeedsOcr(len(raw_pages))
        raw_pages, metadata = _ocr_pages(path, raw_pages, content_hash or file_hash(path), ocr,
                                         only=None if scanned else set(image_pages))
    elif image_pages:
        raise PartlyScanned(len(image_pages), _pdf_document(path, name, raw_pages, labels, info_title, metadata))
    return _pdf_document(path, name, raw_pages, labels, info_title, metadata)


def _image_pages_without_text(reader, raw_pages: list[str]) -> list[int]:
    """The pages (0-based) of a text PDF that hold no text but an image: a scanned page (a signed letter, an
    annex). A blank page has no image and is left alone."""
    pages = []
    for i, text in enumerate(raw_pages):
        if len(text.strip()) >= MIN_PAGE_CHARS:
            continue
        try:
            resources = reader.pages[i].get("/Resources") or {}
            objects = resources.get_object().get("/XObject") if hasattr(resources, "get_object") else None
            objects = objects.get_object() if objects is not None else {}
            if any(objects[k].get_object().get("/Subtype") == "/Image" for k in objects):
                pages.append(i)
        except Exception:  # noqa: BLE001 - a page whose resources cannot be read is not OCR'd
            continue
    return pages


def _pdf_document(path: Path, name: str, raw_pages: list[str], labels, info_title, metadata: dict) -> Document:
    texts = clean_pages(raw_pages)
    pages = [Page(i + 1, text, labels[i] if labels else None) for i, text in enumerate(texts)]
    if info_title and not title_matches_page(info_title, raw_pages[0]):
        log.info("%s: PDF-titel '%s' staat niet op de eerste pagina; niet gebruikt", name, info_title)
        info_title = None
    printed = printed_identity(texts[0] if texts else "")
    # a parliamentary paper's subject below the Kamer's name; else the first line that is no letterhead
    subject = printed.pop("titel", None)
    title = info_title or subject or _first_line(texts, printed.get("organisatie", "")) or path.stem
    return Document(name, title, pages, printed | metadata)


MIN_PAGE_CHARS = 20  # less text than this on a page of a scanned PDF: the page is OCR'd


def _ocr_pages(path: Path, raw_pages: list[str], content_hash: str, ocr: OcrOptions,
               only: set[int] | None = None) -> tuple[list[str], dict]:
    """OCR every page without text (only: just these, 0-based). The document's metadata records which pages are
    OCR text and how sure Tesseract was, so that a citation can say "tekst via OCR" and status can list
    doubtful pages."""
    from vraagbaak.ingest.ocr import OcrFailed, ocr_pdf_page

    pages, confidence, failed, fresh = list(raw_pages), {}, {}, 0
    for i, text in enumerate(raw_pages):
        if len(text.strip()) >= MIN_PAGE_CHARS or (only is not None and i not in only):
            continue
        try:
            page = ocr_pdf_page(path, i + 1, content_hash, ocr)
        except OcrFailed as err:
            failed[i + 1] = str(err)
            continue
        pages[i], confidence[str(i + 1)] = page.text, page.confidence
        fresh += not page.cached
    if not confidence and only is None:  # a scan without any page read; a text PDF keeps its text pages
        reason = next(iter(failed.values()), "geen tekst herkend")
        raise LoadError(f"OCR mislukt: {reason} / OCR failed")
    metadata = {"ocr_pages": sorted(int(p) for p in confidence), "ocr_confidence": confidence,
                "ocr_run": fresh}
    if failed:
        metadata["ocr_failed"] = {str(p): reason for p, reason in failed.items()}
    return pages, metadata


def _unlock(reader) -> None:
    if not reader.is_encrypted:
        return
    try:
        ok = reader.decrypt("")
    except Exception as err:
        raise LoadError(f"versleuteld, kan niet openen / encrypted, cannot open ({err})") from err
    if not ok:
        raise LoadError("versleuteld, wachtwoord nodig / encrypted, password required")


def _page_labels(reader) -> list[str] | None:
    """Printed page labels, only when the PDF defines them itself."""
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return None
        return list(reader.page_labels)
    except Exception:
        return None


def _pdf_title(reader) -> str | None:
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:
        return None
    title = str(title).strip() if title else ""
    # Word and PDF printers often fill in a file name; that is no title.
    if not title or re.search(r"\.(docx?|pdf|xlsx?)$|^microsoft", title, re.I) or len(title) < 4:
        return None
    return title


_TITLE_WORD = re.compile(r"\w+")


def title_matches_page(title: str, first_page: str, min_share: float = 0.8) -> bool:
    """PDF /Title metadata is often stale (a template's or an older document's title). Trust it only
    when the first page prints it: most of its words, and every number in it (dates, years)."""
    on_page = set(_TITLE_WORD.findall(normalise_characters(first_page).lower()))
    words = _TITLE_WORD.findall(title.lower())
    if not words:
        return False
    found = [w in on_page for w in words]
    numbers_found = all(ok for w, ok in zip(words, found) if any(ch.isdigit() for ch in w))
    return numbers_found and sum(found) >= min_share * len(words)


# Letterhead and mail-header lines are no title: "> Retouradres Postbus 20301", "To: …", an e-mail address.
_NOT_A_TITLE = re.compile(r"^(>|retouradres\b|postbus\b|(to|from|cc|van|aan|verzonden|sent)\s*:)|@|^\W*$", re.I)
# The page's first subject line, in either language, is the document's subject: "Subject:" heads an e-mail printed
# from an English mail program (Woo releases), above the "Onderwerp:" of an older mail quoted below it, which OCR
# read worse ("RE: Ne Kamervraag … reptielenbeursin"). "Subject" only with its colon ("Subject to approval, …" opens
# an English sentence); "0nderwerp" is how OCR reads "Onderwerp".
_SUBJECT = re.compile(r"^(?:(?:[o0]nderwerp|betreft)\s*:?\s+|subject\s*:\s*)(\S.{3,})$", re.I)


def _first_line(texts: list[str], letterhead: str = "") -> str | None:
    """The subject line of a letter when page 1 has one, else the first line that is no letterhead (no part of
    the organisation the page prints, "Ministerie van Landbouw," over "Natuur en Voedselkwaliteit")."""
    lines = [line.strip() for line in texts[0].split("\n")] if texts else []
    for line in lines:
        subject = _SUBJECT.match(line)
        if subject:
            return _shortened(subject.group(1), 120)
    for text in texts:
        lines = [line.strip() for line in text.split("\n")]
        for i, line in enumerate(lines):
            if len(line) >= 4 and not _NOT_A_TITLE.search(line) and line.rstrip(",") not in letterhead:
                following = lines[i + 1] if i + 1 < len(lines) else ""
                if ends_open(line) and following:  # a title the page broke over two lines
                    line = f"{line} {following}"
                return _shortened(line, 160)
    return None


def _shortened(line: str, limit: int) -> str:
    """A first line as a title of at most `limit` characters, cut after a whole word (with "…" inside a sentence):
    a page without a title starts with a paragraph, and "… aanvraagt. Dit ka" read as a title cut mid-word."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut if cut.endswith((".", "!", "?")) else f"{cut}…"


# --- Markdown and text ----------------------------------------------------

def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s is geen UTF-8; gelezen als cp1252 / not UTF-8, read as cp1252", path)
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as err:
            raise LoadError("tekst is geen UTF-8 of cp1252 / text is neither UTF-8 nor cp1252") from err


MAX_FRONT_MATTER_CHARS = 20_000  # a title, a few fields and a list of sources fit many times over


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases: front matter needs neither, and a 611-byte "billion
    laughs" of nested aliases expands to gigabytes (it killed the indexer with MemoryError)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise LoadError("YAML-kop met verwijzingen (aliassen) wordt niet gelezen / "
                            "front matter with aliases is refused")
        return super().compose_node(parent, index)


def _front_matter(text: str) -> dict:
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise LoadError(f"YAML-kop is te lang (meer dan {MAX_FRONT_MATTER_CHARS} tekens) / front matter too long")
    return yaml.load(text, Loader=_NoAliasLoader) or {}  # a SafeLoader, without aliases


def front_matter_of(path: Path) -> dict:
    """The YAML front matter of a Markdown file, read from its head only; {} without one or when it cannot be
    read (the indexer reports that file on its own)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(MAX_FRONT_MATTER_CHARS + 200).decode("utf-8", "replace")
        match = _FRONT_MATTER.match(head)
        data = _front_matter(match.group(1)) if match else {}
    except (OSError, LoadError, yaml.YAMLError, ValueError, TypeError, AttributeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def load_markdown(path: Path, name: str) -> Document:
    text = read_text(path)
    metadata = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            metadata = _front_matter(match.group(1))
        except LoadError:
            raise
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, RecursionError) as err:
            # "datum: 2024-13-45" (ValueError), "!!timestamp x" (AttributeError), "[" * 3000 (RecursionError):
            # one file's bad front matter, never the whole run
            raise LoadError(f"ongeldige YAML-kop / invalid YAML front matter ({err.__class__.__name__})") from err
        if not isinstance(metadata, dict):
            raise LoadError("YAML-kop is geen woordenlijst / front matter is not a mapping")
        text = text[match.end():]
    body = normalise_whitespace(normalise_characters(text))
    title = str(metadata.pop("title", "") or _markdown_title(body) or _first_line([body]) or path.stem)
    metadata = {k: _plain(v) for k, v in metadata.items()}
    return Document(name, title, [Page(None, body)], metadata)


def _plain(value):
    """YAML dates and numbers become strings so metadata stays JSON-friendly."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):  # "bronnen_per_sectie: {Aanpak: [url]}"
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _markdown_title(body: str) -> str | None:
    match = re.search(r"^#\s+(.+)$", body, re.M)
    return match.group(1).strip() if match else None


def load_text(path: Path, name: str) -> Document:
    body = normalise_whitespace(normalise_characters(read_text(path)))
    return Document(name, _first_line([body]) or path.stem, [Page(None, body)], {})


def _structured(convert):
    """A loader for a format that structured.py converts to headed text (Word, OpenDocument, HTML, sheets,
    e-mail); an e-mail's attachments become documents of their own."""
    def load(path: Path, name: str) -> Document:
        try:
            title, text, metadata, *attached = convert(path)
        except LoadError:
            raise
        except structured.ConversionError as err:
            raise LoadError(str(err)) from err
        except Exception as err:  # noqa: BLE001 - each library fails in its own way on a damaged file
            raise LoadError(f"kan dit bestand niet lezen / cannot read this file ({err.__class__.__name__})") from err
        body = normalise_whitespace(text)
        title = title or _markdown_title(body) or _first_line([body]) or path.stem
        doc = Document(name, title, [Page(None, body)], metadata)
        if attached:
            doc.parts, unread = _attachments(doc, attached[0])
            if unread:
                doc.metadata["bijlagen_niet_gelezen"] = unread
        return doc
    return load


MAX_ATTACHMENTS = 50  # an e-mail with more is a bulk export, not correspondence to quote from


def _attachments(mail: Document, attached: list[tuple[str, bytes]]) -> tuple[list[Document], dict[str, str]]:
    """Each attachment of a supported type as a document named below its e-mail, with the e-mail's sender and
    date and a link to it; {file name: Dutch reason} for the ones not read."""
    import tempfile

    parts: list[Document] = []
    unread: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="vraagbaak-bijlage-") as tmp:
        for original, data in attached[:MAX_ATTACHMENTS]:
            name = _attachment_name(original, {p.path.rpartition("/")[2] for p in parts})
            kind = of_path(name)
            if kind is None or kind.loader in ("eml", "msg"):  # an e-mail inside an e-mail: named, not read
                unread[name] = "bestandstype wordt niet gelezen als bijlage"
                continue
            file = Path(tmp) / name
            file.write_bytes(data)
            try:
                part = (load_pdf(file, f"{mail.path}/{name}") if kind.loader == "pdf"
                        else LOADERS[kind.loader](file, f"{mail.path}/{name}"))
            except PartlyScanned as err:  # its text pages; an attachment is not OCR'd
                part = err.document
            except LoadError as err:
                unread[name] = str(err).split(" / ")[0]
                continue
            if not part.text.strip():
                unread[name] = "geen tekst gevonden"
                continue
            part.content_hash = hashlib.sha256(data).hexdigest()
            # the e-mail in the title: the citation says where the attachment came from, and a passage of it
            # is found by the e-mail's subject as well (the models see the title)
            part.title = f"{part.title} (bijlage bij e-mail „{mail.title}”)"
            part.metadata = {**{k: v for k, v in mail.metadata.items() if k in ("afzender", "datum", "jaar")},
                             **part.metadata, "bijlage_bij": mail.path, "e-mail": mail.title}
            parts.append(part)
    return parts, unread


def _attachment_name(original: str, taken: set[str]) -> str:
    """A file name of its own: no folders, no name twice in one e-mail."""
    base = original.replace("\\", "/").rpartition("/")[2]  # "../nota.docx" is "nota.docx"
    name = re.sub(r"[\x00-\x1f]+", "_", base).strip(" .") or "bijlage"
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"
        n += 1
    return candidate


LOADERS = {"pdf": load_pdf, "markdown": load_markdown, "text": load_text,  # filetypes.FileType.loader
           "docx": _structured(structured.docx_text), "odt": _structured(structured.odt_text),
           "html": _structured(structured.html_text), "sheet": _structured(structured.sheet_text),
           "csv": _structured(structured.csv_text), "eml": _structured(structured.eml_text),
           "msg": _structured(structured.msg_text), "legacy": _structured(structured.legacy_text)}
