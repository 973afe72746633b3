"""From files to an index version: the file-type registry, one loader per format, OCR of scanned
pages, chunking into passages, and the indexer that writes a new version beside the live one.

May import: the kernel, `text`, `embed` and `index`.
"""
