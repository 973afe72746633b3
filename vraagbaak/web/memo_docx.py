"""The memo as a Word document (python-docx): the quotes, then a numbered source list with the filter used.
Word gets real paragraphs and styles, so nothing shows as raw Markdown."""
from __future__ import annotations

import io
import re

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.schema import Answer

# characters that XML 1.0 (and so Word) does not allow; a PDF's text can hold them
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def memo_docx(answer: Answer, with_question: bool = False) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = "Antwoord uit de Vraagbaak"
    document.core_properties.language = "nl-NL"
    document.styles["Normal"].font.size = Pt(11)
    if with_question:
        document.add_paragraph().add_run(_xml_safe(answer.question)).bold = True
    scope = filters_line(answer.filters)
    if scope:
        document.add_paragraph().add_run(_xml_safe(scope)).italic = True
    if not answer.found:
        document.add_paragraph(_xml_safe(answer.answer))
    else:
        for c in answer.citations:
            document.add_paragraph(_xml_safe(f"„{c.quote}” [{c.n}]"), style="Quote")
        document.add_heading("Bronnen", level=2)
        for c in answer.citations:
            document.add_paragraph(_xml_safe(f"[{c.n}] {source_reference(c)}"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
