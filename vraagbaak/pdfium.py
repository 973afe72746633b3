"""The process-wide PDFium lock. PDFium is not thread-safe, not even across documents (pypdfium2's docs): the
web server renders page images from a thread pool and OCR renders scanned pages, so every pypdfium2 call in
this process goes through this one lock; and every render is capped in pixels. Kernel module: imports
nothing from vraagbaak.
"""
import threading

PDFIUM_LOCK = threading.Lock()

MAX_PIXELS = 4_000_000  # an A4 page at SCALE is ~1.1 MP; a 14400 x 14400 pt page would be 466 MP and 9 GB


def capped_scale(width_pt: float, height_pt: float, scale: float, max_pixels: int = MAX_PIXELS) -> float:
    """The render scale, lowered so that the image has at most max_pixels: the size of a page is the
    document's to choose, the memory and CPU of a render (a page image, an OCR scan) are not."""
    pixels = max(width_pt, 1.0) * max(height_pt, 1.0) * scale * scale
    return scale if pixels <= max_pixels else scale * (max_pixels / pixels) ** 0.5
