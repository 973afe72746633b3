"""The memo as a Word document (python-docx): the quotes, then a numbered source list with the filter used.
Word gets real paragraphs and styles, so nothing shows as raw Markdown."""
from __future__ import annotations

import datetime as dt
import io
import re

from vraagbaak.answer.citations import filters_line, source_reference
from vraagbaak.answer.render import memo_notice
from vraagbaak.schema import Answer
from vraagbaak.text.dates import dutch_date
from vraagbaak.web.memo import NO_MEMO

# characters that XML 1.0 (and so Word) does not allow; a PDF's text can hold them
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def memo_docx(answer: Answer) -> bytes:
    """The question, the date and the filter, the quotes, the numbered sources; in Dutch (proofing language
    nl-NL) with the document's own properties (title: the question, creator: Vraagbaak, created: now)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    props = document.core_properties
    props.title, props.author, props.last_modified_by = _xml_safe(answer.question)[:250], "Vraagbaak", "Vraagbaak"
    props.language, props.created = "nl-NL", dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    props.modified, props.revision, props.comments = props.created, 1, "Gemaakt met Vraagbaak"
    _proofing_language(document, "nl-NL")
    document.styles["Normal"].font.size = Pt(11)
    document.add_paragraph().add_run(_xml_safe(answer.question)).bold = True
    document.add_paragraph(f"Datum: {dutch_date()}")
    scope = filters_line(answer.filters)
    if scope:
        document.add_paragraph().add_run(_xml_safe(scope)).italic = True
    if not answer.found:
        document.add_paragraph(NO_MEMO)
    else:
        notice = memo_notice(answer)
        if notice:  # the quotes do not answer: the memo says so before them, as the chat does
            document.add_paragraph().add_run(_xml_safe(notice)).bold = True
        for c in answer.citations:
            document.add_paragraph(_xml_safe(f"„{c.quote}” [{c.n}]"), style="Quote")
        document.add_heading("Bronnen", level=2)
        for c in answer.citations:
            document.add_paragraph(_xml_safe(f"[{c.n}] {source_reference(c)}"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _proofing_language(document, language: str) -> None:
    """w:lang in the document defaults: Word checks the spelling in Dutch (python-docx's template says en-US)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        return
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
