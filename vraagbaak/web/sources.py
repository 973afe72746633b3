"""The sources as the chat shows them: one card per citation with what a reader can check (title,
gemeente/organisation, year, page or section), the quote, and the source itself — the PDF page as an image
with the quote highlighted and a link that opens the PDF at that page, or the Markdown/text section rendered
(not raw) with the quote marked. No file paths, no scores, nothing that does not exist."""
from __future__ import annotations

import base64
import html
import json
import re
import zlib
from urllib.parse import quote as url_quote

from markdown_it import MarkdownIt

from vraagbaak.answer.citations import UNKNOWN, plain, section_without_title
from vraagbaak.ingest.filetypes import has_pages, is_markdown_path
from vraagbaak.schema import Answer, Citation
from vraagbaak.text.headings import CONTINUED, HeadingPath, document_lines, headings
from vraagbaak.web.page_images import find_sentences

PAGE_IMAGE_PATH = "vraagbaak/pagina"  # relative: the page's <base> makes it work behind a proxy path too
PDF_PATH = "vraagbaak/pdf"
MAX_SECTION_CHARS = 6000  # a longer section is shown around the quote
_MARK_START, _MARK_END = "\ue000", "\ue001"  # private-use characters: never in a document's text
_LINE_MARKERS = re.compile(r"\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|[a-z]\)\s+)*")
_EDGE_MARKUP = "*_`[]"
# raw HTML in a document is shown as text, never run; its images and links are shown as their text: the
# browser fetches nothing a document names, and nothing in a source view is a link a document chose
_markdown = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])


def sources_html(answer: Answer | None, section_of=None) -> str:
    """section_of(doc, citation) -> the Markdown/text a citation without pages comes from."""
    if answer is None:
        return "<p>De bronnen van het antwoord verschijnen hier.</p>"
    if not answer.found:
        if not answer.nearest_documents:
            return "<p><strong>Niets gevonden.</strong> Geen document komt in de buurt van deze vraag.</p>"
        items = "".join(f"<li>{html.escape(plain(d['title']))}</li>" for d in answer.nearest_documents)
        return f"<p><strong>Niets gevonden.</strong> Dichtstbijzijnde documenten:</p><ul>{items}</ul>"
    return "".join(source_card(c, section_of) for c in answer.citations)


def source_card(c: Citation, section_of=None) -> str:
    title = html.escape(plain(c.title))
    if has_pages(c.doc) and c.page is not None:
        source = pdf_page_view(c)
    elif section_of is not None:
        source = section_view(section_of(c), c.highlights or [c.quote], heading=c.section,
                              is_markdown=is_markdown_path(c.doc))
    else:
        source = ""
    return (f"<div class='bron'><p><strong>[{c.n}] {title}</strong>"
            f"<br><span class='meta'>{html.escape(' · '.join(card_details(c)))}</span></p>"
            f"<blockquote>{mark_sentences(html.escape(c.quote), c.highlights)}</blockquote>{source}</div>")


def card_details(c: Citation) -> list[str]:
    meta = c.metadata or {}
    details = [f"pagina {c.pages}" + (" (tekst via OCR uit een scan)" if c.ocr else "")] if c.page is not None else []
    details += [f"{k}: {plain(meta[k])}" for k in ("gemeente", "organisatie", "domein", "jaar")
                if meta.get(k) not in UNKNOWN]
    section = section_without_title(c.section, plain(c.title))
    if section:
        details.append(f"sectie: {section}")
    return details


def mark_sentences(escaped_quote: str, sentences: list[str]) -> str:
    for sentence in sentences:
        escaped = html.escape(sentence)
        escaped_quote = escaped_quote.replace(escaped, f"<mark>{escaped}</mark>", 1)
    return escaped_quote


# --- PDF: the page itself ---------------------------------------------------------------------------
def pdf_page_view(c: Citation) -> str:
    pages = range(c.page, (c.page_end or c.page) + 1)
    doc = url_quote(c.doc, safe="")
    sentences = c.highlights or [c.quote]
    marked = encode_sentences(sentences)
    title = html.escape(plain(c.title), quote=True)
    if c.ocr:  # a scan has no text layer to find the sentences in: the page is shown as it is
        shown, alt = (f"Toon de gescande pagina {c.pages} (het citaat is OCR-tekst en niet gemarkeerd)",
                      "gescand; het citaat is niet gemarkeerd")
    else:
        shown, alt = f"Toon pagina {c.pages} met het citaat gemarkeerd", "met het citaat geel gemarkeerd"
    # the image links to itself at full size: in the card it is as wide as the column
    images = "".join(
        f"<a href='{PAGE_IMAGE_PATH}?doc={doc}&amp;p={p}&amp;s={marked}' target='_blank' rel='noopener'>"
        f"<img src='{PAGE_IMAGE_PATH}?doc={doc}&amp;p={p}&amp;s={marked}' loading='lazy' "
        f"alt='Pagina {p} van {title}, {alt} (opent groot in een nieuw tabblad)' "
        "style='width: 100%; border: 1px solid #ccc'></a>" for p in pages)
    return (f"<details><summary>{shown}</summary>{images}"
            f"<p><a href='{PDF_PATH}?doc={doc}#page={c.page}' target='_blank' rel='noopener'>"
            f"Open de PDF op pagina {c.page}</a></p></details>")


def encode_sentences(sentences: list[str]) -> str:
    """The sentences to highlight, carried in the image address: nothing to remember on the server."""
    packed = zlib.compress(json.dumps(sentences, ensure_ascii=False).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_sentences(value: str, max_bytes: int = 20_000) -> list[str]:
    """The inverse of encode_sentences; anything malformed is an empty list (the page without marks)."""
    try:
        packed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = zlib.decompressobj().decompress(packed, max_bytes)
        sentences = json.loads(data.decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" 9,999 deep
        return []
    return [s for s in sentences if isinstance(s, str)][:20] if isinstance(sentences, list) else []


# --- Markdown and text: the section, rendered ---------------------------------------------------------
def section_text(pages: list[str], section: str | None, is_markdown: bool, shown_from: int = 0) -> str:
    """The lines under the heading path `section` (its subsections included) on pages[shown_from:], or those
    pages whole. The pages before `shown_from` are read for the headings and the numbering the shown ones go on
    with (a section that started a page earlier, agenda item 16 after 15), as chunking read them."""
    text = "\n".join(pages[shown_from:])
    if not section:
        return text
    path = HeadingPath()
    kept: list[str] = []
    lines = document_lines(pages)
    first_shown = len(document_lines(pages[:shown_from])) + 1 if shown_from else 0
    for i, (line, heading) in enumerate(zip(lines, headings(lines, is_markdown))):
        if heading and heading is not CONTINUED:
            path.enter(*heading)
        current = str(path)
        if i >= first_shown and (current == section or current.startswith(section + " > ")):
            kept.append(line)
    return "\n".join(kept) or text


def section_view(text: str, sentences: list[str], heading: str | None = None, is_markdown: bool = True) -> str:
    """The section as HTML with each quoted sentence in <mark>. The marks are placed in the source first
    (found by letters and digits, like the PDF highlight), one per line, so that no mark crosses a paragraph
    or list item. Markdown is rendered; plain text is shown as its paragraphs."""
    marked = _mark_source(text, sentences)
    if len(marked) > MAX_SECTION_CHARS:
        marked = _around_first_mark(marked)
    if is_markdown:
        rendered = _markdown.render(marked)
    else:
        rendered = "".join(f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>"
                           for block in re.split(r"\n\s*\n", marked) if block.strip())
    rendered = rendered.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    label = "Toon de sectie in het document" if heading else "Toon de tekst in het document"
    return f"<details><summary>{label}</summary><div class='sectie'>{rendered}</div></details>"


def _mark_source(text: str, sentences: list[str]) -> str:
    ranges = []
    for where in find_sentences(text, sentences):
        if where is not None:
            first, last = where[0], where[1] + 1
            # take emphasis and closing punctuation at the edges along: "**Veegroutes** … ligt." is marked
            # whole, so no mark opens inside <strong> and closes outside it
            while first > 0 and text[first - 1] in _EDGE_MARKUP:
                first -= 1
            while last < len(text) and text[last] in _EDGE_MARKUP + ".!?":
                last += 1
            ranges.append((first, last))
    inserts: list[tuple[int, str]] = []
    for start, end in ranges:
        line_start = text.rfind("\n", 0, start) + 1
        while line_start < end:
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            content = _LINE_MARKERS.match(text, line_start, line_end).end()  # after '#', '-', '>' and the like
            a, b = max(start, content), min(end, line_end)
            if a < b:
                inserts += [(a, _MARK_START), (b, _MARK_END)]
            line_start = line_end + 1
    for at, mark in sorted(inserts, key=lambda x: x[0], reverse=True):
        text = text[:at] + mark + text[at:]
    return text


def _around_first_mark(text: str) -> str:
    at = max(text.find(_MARK_START), 0)
    start = text.rfind("\n\n", 0, max(0, at - MAX_SECTION_CHARS // 3)) + 1
    end = text.find("\n\n", at + MAX_SECTION_CHARS // 2)
    return ("…\n\n" if start > 0 else "") + text[start: end if end > 0 else None] + ("\n\n…" if end > 0 else "")
