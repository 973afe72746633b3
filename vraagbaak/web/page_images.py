"""A cited PDF page as an image with the quoted sentences highlighted, so a reader sees the real page.

pypdfium2 renders the page and gives the box of every character. A quoted sentence is found on the page by
its letters and digits only (lower case, ligatures unfolded), because the indexed text was cleaned: joined
hyphenations, collapsed spaces and line breaks do not change that sequence. Images are cached on disk by
file hash, page and sentences; rendering and marking one page at 1.5× takes ~0.1 s on 2 cores
(docs/performance.md).
"""
from __future__ import annotations

import hashlib
import io
import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from vraagbaak.pdfium import PDFIUM_LOCK, capped_scale

log = logging.getLogger(__name__)
SCALE = 1.5  # 108 dpi: readable on a laptop screen, ~150 kB per page as PNG
HIGHLIGHT = (255, 214, 0, 110)  # yellow, translucent, so the text stays readable
MAX_CACHED_FILES = 500


@dataclass(frozen=True)
class PageImage:
    png: bytes
    marked: int  # how many of the sentences were found and highlighted


def letters(text: str) -> str:
    """Letters and digits only, lower case: what survives any cleaning of the extracted text."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())


def find_sentences(chars, sentences: list[str]) -> list[tuple[int, int] | None]:
    """Where each sentence is in a sequence of characters (a PDF page's, a Markdown text's), matched by letters
    and digits only: (index of its first character, index of its last character), or None when absent."""
    flat: list[str] = []
    source: list[int] = []  # index of the character each letter came from
    for i, ch in enumerate(chars):
        for c in letters(ch):
            flat.append(c)
            source.append(i)
    text = "".join(flat)
    found = []
    for sentence in sentences:
        wanted = letters(sentence)
        start = text.find(wanted) if wanted else -1
        found.append((source[start], source[start + len(wanted) - 1]) if start >= 0 else None)
    return found


def render_page(pdf_path: Path, page_number: int, sentences: list[str], scale: float = SCALE) -> PageImage:
    """Page page_number (1-based) of the PDF as PNG, with each sentence that is printed on it highlighted."""
    with PDFIUM_LOCK:
        return _render_marked(pdf_path, page_number, sentences, scale)


def _render_marked(pdf_path: Path, page_number: int, sentences: list[str], scale: float) -> PageImage:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise IndexError(f"pagina {page_number} bestaat niet")
        page = pdf[page_number - 1]
        # the rendered area (the crop box, inherited from the page tree where the page has none of its own:
        # get_cropbox() then falls back to US Letter); character boxes are in page space
        left_edge, bottom_edge, right_edge, top_edge = page.get_bbox()
        scale = capped_scale(right_edge - left_edge, top_edge - bottom_edge, scale)  # a huge page: fewer dpi
        image = page.render(scale=scale).to_pil().convert("RGBA")
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        boxes, marked = _sentence_boxes(page.get_textpage(), sentences)
        for left, bottom, right, top in boxes:
            draw.rectangle([(left - left_edge) * scale, (top_edge - top) * scale,
                            (right - left_edge) * scale, (top_edge - bottom) * scale], fill=HIGHLIGHT)
        out = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", compress_level=6)
        return PageImage(out.getvalue(), marked)
    finally:
        pdf.close()


def _sentence_boxes(textpage, sentences: list[str]) -> tuple[list[tuple[float, float, float, float]], int]:
    """One box per printed line of each sentence found on the page, and how many sentences were found."""
    import pypdfium2.raw as pdfium_c

    chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(textpage.count_chars())]
    boxes, marked = [], 0
    for where in find_sentences(chars, sentences):
        if where is not None:
            marked += 1
            boxes += _line_boxes([textpage.get_charbox(i) for i in range(where[0], where[1] + 1)])
    return boxes, marked


def _line_boxes(charboxes) -> list[tuple[float, float, float, float]]:
    """Character boxes merged into one box per line (a new line starts where the baseline jumps)."""
    lines: list[list[float]] = []
    for left, bottom, right, top in charboxes:
        if right - left <= 0 or top - bottom <= 0:  # spaces and generated line breaks have no box
            continue
        line = lines[-1] if lines else None
        if line and abs(bottom - line[1]) < 0.6 * (line[3] - line[1]) and left >= line[0] - 2:
            line[0], line[1], line[2], line[3] = min(line[0], left), min(line[1], bottom), \
                max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [tuple(line) for line in lines]


MAX_RENDERS_WAITING = 4  # renders run one at a time (PDFIUM_LOCK); more waiting than this are refused


class RenderBusy(RuntimeError):
    """Too many page images are being rendered: try again shortly."""


class PageImageCache:
    """Rendered pages on disk, keyed by the file's content hash, the page and the highlighted sentences;
    the oldest files go when there are more than MAX_CACHED_FILES. At most MAX_RENDERS_WAITING uncached
    requests wait for a render; the rest are refused at once: 150 uncached requests (a plain <img> on any
    intranet page can make them) each held a web-server thread while waiting, and /ask stalled for a minute."""

    def __init__(self, folder: Path, max_waiting: int = MAX_RENDERS_WAITING):
        self.folder = folder
        self._lock = threading.Lock()
        self._waiting, self._max_waiting = 0, max_waiting

    def get(self, pdf_path: Path, content_hash: str, page_number: int, sentences: list[str]) -> PageImage:
        key = hashlib.sha256("\n".join([content_hash, str(page_number), *sentences]).encode()).hexdigest()[:32]
        path = self.folder / f"{key}.png"
        marked_path = path.with_suffix(".aantal")
        if path.exists() and marked_path.exists():
            return PageImage(path.read_bytes(), int(marked_path.read_text() or 0))
        with self._lock:
            if self._waiting >= self._max_waiting:
                raise RenderBusy("te veel pagina's tegelijk")
            self._waiting += 1
        try:
            image = render_page(pdf_path, page_number, sentences)
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(image.png)
            temporary.replace(path)  # a reader never sees half an image
            marked_path.write_text(str(image.marked))
            self._prune()
        return image

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.png"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_CACHED_FILES)]:
            for stale in (old, old.with_suffix(".aantal")):
                stale.unlink(missing_ok=True)
