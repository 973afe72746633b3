"""The one registry of file types: extension and MIME type -> how it is loaded, checked on upload, isolated,
how its headings look, and how its source is shown. Loading, uploads, the source panel and the first screen
all read it here. Plain data; imports nothing from vraagbaak.

Adding a format means one FileType here plus its loader in `loaders.LOADERS` (and, where its upload check is
new, a case in `web.uploads`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class FileType:
    label: str  # Dutch, as the first screen and upload messages name it
    extensions: tuple[str, ...]
    mime: str
    loader: str  # key in loaders.LOADERS
    # upload check by content: "pdf" (starts with %PDF-) | "text" (UTF-8 or cp1252, not binary) | "html" (text
    # with an HTML tag) | "mail" (text with e-mail headers) | "zip:<member>" (a zip archive, as Office and
    # OpenDocument files are, holding that member) | "zip:<member>:<mimetype>" (and an OpenDocument mimetype
    # file that says so) | "ole" (an OLE compound file, as Outlook messages and Word 97 files are) | "rtf"
    content: str
    isolated: bool  # read in the worker process with the file time limit (a parser that can hang)
    markdown_headings: bool  # "## Kop" headings; otherwise numbered headings ("3.2 Aanpak")
    view: str  # source panel: "page" (page image with highlight) | "section" (the section, formatted)


TYPES = (
    FileType("PDF", (".pdf",), "application/pdf", "pdf", "pdf", True, False, "page"),
    FileType("Markdown", (".md", ".markdown"), "text/markdown", "markdown", "text", True, True, "section"),
    FileType("tekst", (".txt",), "text/plain", "text", "text", False, False, "section"),
    FileType("Word", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "docx", "zip:word/document.xml", True, True, "section"),
    FileType("OpenDocument-tekst", (".odt",), "application/vnd.oasis.opendocument.text", "odt",
             "zip:content.xml:application/vnd.oasis.opendocument.text", True, True, "section"),
    FileType("webpagina", (".html", ".htm"), "text/html", "html", "html", True, True, "section"),
    FileType("Excel", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheet",
             "zip:xl/workbook.xml", True, True, "section"),
    FileType("OpenDocument-rekenblad", (".ods",), "application/vnd.oasis.opendocument.spreadsheet", "sheet",
             "zip:content.xml:application/vnd.oasis.opendocument.spreadsheet", True, True, "section"),
    FileType("CSV", (".csv",), "text/csv", "csv", "text", True, True, "section"),
    FileType("e-mail", (".eml",), "message/rfc822", "eml", "mail", True, True, "section"),
    FileType("Outlook-bericht", (".msg",), "application/vnd.ms-outlook", "msg", "ole", True, True, "section"),
    FileType("Word 97-2003", (".doc",), "application/msword", "legacy", "ole", True, True, "section"),
    FileType("RTF", (".rtf",), "application/rtf", "legacy", "rtf", True, True, "section"),
)
BY_EXTENSION = {ext: t for t in TYPES for ext in t.extensions}
SUPPORTED = frozenset(BY_EXTENSION)


def of_path(path: str | PurePath) -> FileType | None:
    """The type of a file by its extension (None: not supported). Uploads check the content as well."""
    return BY_EXTENSION.get(PurePath(str(path)).suffix.lower())


def is_markdown_path(path: str) -> bool:
    kind = of_path(path)
    return bool(kind and kind.markdown_headings)


def attached_to(path: str) -> str | None:
    """"post/brief.eml/bijlage.pdf" -> "post/brief.eml": an attachment is indexed as a document of its own,
    named below the file that holds it (a name no file in a folder can have); None for a file itself."""
    parts = PurePath(str(path)).parts
    for i in range(len(parts) - 1, 0, -1):
        if of_path(parts[i - 1]) is not None:
            return "/".join(parts[:i])
    return None


def has_pages(path: str) -> bool:
    """A page image and page numbers exist (a PDF in the folder), not only a section. An attachment has no
    file of its own to show a page of."""
    kind = of_path(path)
    return bool(kind and kind.view == "page") and attached_to(path) is None


def labels() -> str:
    """"PDF, Markdown en tekst": the supported types, for messages."""
    names = [t.label for t in TYPES]
    return ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else names[0]
