"""From ranked passages to an answer: judge whether the documents answer the question, select the
sentences to quote (verbatim, with their page and section), and render the Dutch answer and citation text.
Renders no HTML.

May import: the kernel, `text`, `index` and `search`.
"""
