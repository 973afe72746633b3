"""From a question to ranked passages: rewriting a follow-up with the earlier question (`followup`) and
fusing dense and BM25 results of one index version (`fusion`).

May import: the kernel, `text`, `embed` and `index`.
"""
