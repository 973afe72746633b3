"""The process-wide PDFium lock. PDFium is not thread-safe, not even across documents (pypdfium2's docs): the
web server renders page images from a thread pool and OCR renders scanned pages, so every pypdfium2 call in
this process goes through this one lock. Kernel module: imports nothing from vraagbaak.
"""
import threading

PDFIUM_LOCK = threading.Lock()
