"""Word, OpenDocument, web pages, e-mails and spreadsheets as structured text: headings become Markdown headings (so
the chunker makes sections of them, as it does for Markdown files), list items and table rows become list
items (units that are never cut), and everything else a paragraph. A table row is written with its header
("Gemeente: Utrecht; Budget: 40.000"), so that a row quoted alone still says what its values are; a sheet of
a spreadsheet is a section, and each row says its number.

One converter per format, each returning (title or None, text, metadata), and an e-mail also its attachments
as (file name, content); loaders.py makes the Documents.
May import: text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from vraagbaak.text.cleaning import normalise_characters
from vraagbaak.text.dates import dutch_date

TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15)  # python-docx's own template, not the document's date
MAX_ROWS = 5000  # a sheet beyond this is cut: a data dump, not a document to quote from
_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|titel)$", re.I)
_LIST_STYLE = re.compile(r"list|lijst|opsomming", re.I)
# a title property that a program filled in, not the author ("Word Document" after a LibreOffice conversion)
_GENERIC_TITLE = re.compile(r"^(word document|document\s*\d*|untitled|naamloos( document)?|microsoft word\b.*|titel)$",
                            re.I)


class ConversionError(Exception):
    """A file that a converter cannot read, with the reason in words (Dutch / English) to pass on as it is."""


def _clean(text: str) -> str:
    return " ".join(normalise_characters(text or "").split())


def _row_item(header: list[str], cells: list[str], number: int | None = None) -> str:
    """"- Gemeente: Utrecht; Budget: 40.000" (or "- Rij 5: …" in a sheet); cells without a header as they are."""
    if header and any(header):
        parts = [f"{h}: {v}" if h else v for h, v in zip(header, cells) if v]
        parts += [v for v in cells[len(header):] if v]
    else:
        parts = [v for v in cells if v]
    if not parts:
        return ""
    prefix = f"Rij {number}: " if number is not None else ""
    return "- " + prefix + "; ".join(parts)


def _table_lines(rows: list[list[str]], numbered_from: int | None = None) -> list[str]:
    """The rows as list items, the first filled row as their header. numbered_from: the number of the first
    row, so that each item says where it stands in the sheet, also below empty rows."""
    filled = [(i, cells) for i, cells in enumerate([_clean(c) for c in r] for r in rows) if any(cells)]
    if not filled:
        return []
    (_, header), body = (filled[0], filled[1:]) if len(filled) > 1 else ((0, []), filled)
    items = [_row_item(header, cells, None if numbered_from is None else numbered_from + i)
             for i, cells in body[:MAX_ROWS]]
    return [_END, *(item for item in items if item), _END]


_END = ""  # after a table: its rows are one list, apart from a list that follows it


def _join(blocks: list[str]) -> str:
    """Paragraphs and headings apart; consecutive list items together, as one list."""
    out: list[str] = []
    ended = False
    for block in blocks:
        if block == _END:
            ended = True
            continue
        if out and block.startswith("- ") and out[-1].startswith("- ") and not ended:
            out[-1] += "\n" + block
        else:
            out.append(block)
        ended = False
    return "\n\n".join(out) + "\n"


# --- Word (.docx) -------------------------------------------------------------

def docx_text(path: Path) -> tuple[str | None, str, dict]:
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    blocks: list[str] = []
    title = None
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks += _table_lines([[cell.text for cell in row.cells] for row in item.rows])
            continue
        text = _clean(item.text)
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        heading = _HEADING_STYLE.match(style)
        if _TITLE_STYLE.match(style):
            title = title or text
            blocks.append(f"# {text}")
        elif heading:
            blocks.append("#" * min(int(heading.group(1)), 6) + f" {text}")
        elif _LIST_STYLE.search(style) or item._p.pPr is not None and item._p.pPr.numPr is not None:
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    props = document.core_properties
    # python-docx's own template: its author and its creation time (2013-12-23) are not the document's
    made_by_template = (props.author or "") == "python-docx"
    template_time = props.created is not None and props.created.replace(tzinfo=None) == TEMPLATE_CREATED
    metadata = {}
    if props.author and not made_by_template:
        metadata["auteur"] = _clean(props.author)
    if props.created and not made_by_template and not template_time:
        metadata["jaar"] = str(props.created.year)
    if props.title and not made_by_template and not _GENERIC_TITLE.match(props.title.strip()):
        title = _clean(props.title)
    return title, _join(blocks), metadata


# --- OpenDocument text (.odt) -------------------------------------------------

def odt_text(path: Path) -> tuple[str | None, str, dict]:
    from odfdo import Document

    document = Document(str(path))
    blocks: list[str] = []
    title = None
    for element in document.body.children:
        blocks += _odf_blocks(element)
    meta = document.meta
    metadata = {}
    created = meta.get_creation_date() if hasattr(meta, "get_creation_date") else None
    if isinstance(created, dt.datetime):
        metadata["jaar"] = str(created.year)
    author = meta.get_initial_creator() if hasattr(meta, "get_initial_creator") else None
    if author:
        metadata["auteur"] = _clean(author)
    if hasattr(meta, "get_title") and meta.get_title():
        title = _clean(meta.get_title())
    return title, _join(blocks), metadata


def _odf_blocks(element) -> list[str]:
    tag = element.tag
    if tag == "text:h":
        level = int(element.get_attribute("text:outline-level") or 1)
        text = _clean(str(element))
        return ["#" * min(level, 6) + f" {text}"] if text else []
    if tag == "text:p":
        text = _clean(str(element))
        return [text] if text else []
    if tag == "text:list":
        items = []
        for item in element.get_elements("text:list-item"):
            text = _clean(" ".join(str(p) for p in item.get_elements("text:p")))
            if text:
                items.append(f"- {text}")
        return items
    if tag == "table:table":
        rows = [[str(cell.get_value() if cell.get_value() is not None else "") for cell in row.get_cells()]
                for row in element.get_rows()]
        return _table_lines(rows)
    if tag in ("text:section", "text:soft-page-break") or tag.startswith("text:"):
        return [b for child in element.children for b in _odf_blocks(child)]
    return []


# --- web pages (.html) --------------------------------------------------------

_BOILERPLATE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg",
                "iframe", "button")


def html_text(path: Path) -> tuple[str | None, str, dict]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    title = _clean(soup.title.get_text()) if soup.title else None
    for tag in soup(list(_BOILERPLATE)):
        tag.decompose()
    for tag in soup.select('[role="navigation"], [role="banner"], [role="contentinfo"], [aria-hidden="true"]'):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[str] = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "dt", "dd", "pre",
                                  "blockquote"]):
        if element.find_parent(["li", "tr", "blockquote"]) is not None and element.name not in ("li", "tr"):
            continue  # its text is in the item or row that holds it
        if element.name == "li" and element.find_parent("li") is not None:
            continue
        if element.name == "tr":
            cells = [_clean(c.get_text(" ")) for c in element.find_all(["th", "td"])]
            item = _row_item([], cells)
            blocks += [item] if item else []
            continue
        text = _clean(element.get_text(" "))
        if not text:
            continue
        if element.name[0] == "h":
            blocks.append("#" * int(element.name[1]) + f" {text}")
        elif element.name == "li":
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    lang = (soup.html.get("lang") if soup.html else None) or ""
    return title, _join(blocks), ({"taal": lang} if lang else {})


# --- e-mail (.eml, .msg) --------------------------------------------------------

def eml_text(path: Path) -> tuple[str | None, str, dict, list[tuple[str, bytes]]]:
    """Subject as title, sender and date as metadata, the body (plain text, else the HTML part without its
    markup), and the attachments as (file name, content): each is indexed as a document of its own."""
    import email
    from email import policy
    from email.utils import parsedate_to_datetime

    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    try:
        sent = parsedate_to_datetime(str(message["date"])) if message.get("date") else None
    except (TypeError, ValueError):
        sent = None
    body = message.get_body(preferencelist=("plain", "html"))
    text, kind = (body.get_content(), body.get_content_subtype()) if body is not None else ("", "plain")
    attached = [(part.get_filename() or "bijlage", part.get_content() if part.get_content_maintype() != "text"
                 else part.get_content().encode("utf-8")) for part in message.iter_attachments()]
    return _mail(str(message.get("subject", "")), str(message.get("from", "")), sent, text, kind == "html",
                 attached)


def msg_text(path: Path) -> tuple[str | None, str, dict, list[tuple[str, bytes]]]:
    """An Outlook message (python-oxmsg), read as an e-mail is."""
    from email.utils import parsedate_to_datetime

    from oxmsg import Message

    message = Message.load(str(path))
    header = (message.message_headers or {}).get("Date")
    try:  # the Date header, as for an .eml; else the time Outlook says it was sent
        sent = parsedate_to_datetime(header) if header else message.sent_date
    except (TypeError, ValueError):
        sent = message.sent_date
    if sent is not None and sent.year < 1700:  # Outlook's "no date" (1 January 1601)
        sent = None
    html = not message.body and bool(getattr(message, "html_body", None))
    text = message.body or (message.html_body if html else "") or ""
    attached = [(a.file_name or "bijlage", a.file_bytes or b"") for a in message.attachments]
    return _mail(message.subject or "", message.sender or "", sent, text, html, attached)


def _mail(subject: str, sender: str, sent, body: str, html: bool,
          attached: list[tuple[str, bytes]]) -> tuple[str | None, str, dict, list[tuple[str, bytes]]]:
    from email.utils import parseaddr

    subject = _clean(subject) or None
    metadata: dict = {}
    name, address = parseaddr(sender)
    if name or address:  # the sender's name, or only the domain: no personal address in the citation
        metadata["afzender"] = _clean(name) or address.rpartition("@")[2]
    if sent:
        metadata["datum"], metadata["jaar"] = dutch_date(sent.date()), str(sent.year)
    if html:
        from bs4 import BeautifulSoup

        body = BeautifulSoup(body, "html.parser").get_text("\n")
    blocks = [f"# {subject}"] if subject else []
    blocks += [_clean(p) for p in re.split(r"\n\s*\n", body) if _clean(p)]
    attached = [(name, data) for name, data in attached if data]
    if attached:
        blocks.append("Bijlagen: " + ", ".join(_clean(name) for name, _ in attached) + ".")
    return subject, _join(blocks), metadata, attached


# --- Word 97-2003 (.doc) and RTF, through LibreOffice -----------------------------

def legacy_text(path: Path, timeout_s: float = 120) -> tuple[str | None, str, dict]:
    """LibreOffice (headless) converts the file to .docx, which is then read as Word; a clear message where
    LibreOffice is not installed, as for Tesseract."""
    import shutil
    import subprocess
    import tempfile

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ConversionError(LIBREOFFICE_MISSING)
    with tempfile.TemporaryDirectory(prefix="vraagbaak-office-") as tmp:
        # a profile of its own: a LibreOffice the user has open, or a second conversion, holds the default one
        command = [office, f"-env:UserInstallation=file://{tmp}/profiel", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", tmp, str(path)]
        subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        converted = Path(tmp) / (path.stem + ".docx")
        if not converted.is_file():
            raise ConversionError("LibreOffice kon dit bestand niet omzetten / LibreOffice could not convert it")
        return docx_text(converted)


LIBREOFFICE_MISSING = ("LibreOffice is niet geïnstalleerd; installeer het (Debian: libreoffice-writer-nogui) om "
                       ".doc- en .rtf-bestanden te lezen / LibreOffice is not installed")


# --- spreadsheets (.xlsx, .ods, .csv) -----------------------------------------

def sheet_text(path: Path) -> tuple[str | None, str, dict]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    blocks: list[str] = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        lines = _table_lines([[_cell(v) for v in row] for row in rows[: MAX_ROWS + 1]], numbered_from=1)
        if lines:
            blocks.append(f"# {_clean(name)}")
            blocks += lines
    return _name_as_title(path), _join(blocks), {}


def csv_text(path: Path) -> tuple[str | None, str, dict]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))[: MAX_ROWS + 1]
    return _name_as_title(path), _join(_table_lines(rows, numbered_from=1)), {}


def _name_as_title(path: Path) -> str:
    """"subsidies-2025.csv" -> "Subsidies 2025": a sheet has no title of its own."""
    name = re.sub(r"[-_]+", " ", path.stem).strip()
    return name[:1].upper() + name[1:] if name else path.stem


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return "" if value is None else str(value)
