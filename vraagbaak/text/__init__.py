"""Dutch text, pure: word analysis (folding, stopwords, stems, question words), compounds, sentence
boundaries, cleaning of extracted text, and headings. No I/O, no index, no model.

May import: the kernel (`vraagbaak.schema`) and libraries. Imported by every room above it.
"""
