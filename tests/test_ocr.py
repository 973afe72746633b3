"""Scanned PDFs: Dutch OCR (Tesseract), cached by file hash, cited as OCR text. Uses the two real scanned
PDFs in tests/fixtures; skipped where the Debian packages tesseract-ocr and tesseract-ocr-nld are missing."""
from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from vraagbaak.assistant import Assistant
from vraagbaak.ingest.ocr import ocr_available, text_from_tsv
from vraagbaak.settings import Settings
from vraagbaak.web.memo import memo_text

SCANNED = ["lnv-nota-scanned-no-textlayer.pdf", "vws-woo-besluitbrief-scanned-no-textlayer.pdf"]
needs_tesseract = pytest.mark.skipif(ocr_available() is not None, reason=str(ocr_available()))

TSV = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
                 "height", "conf", "text"]) + "\n" + "\n".join("\t".join(map(str, row)) for row in [
    (5, 1, 1, 1, 1, 1, 0, 0, 9, 9, 96.0, "Geachte"), (5, 1, 1, 1, 1, 2, 0, 0, 9, 9, 90.0, "heer,"),
    (5, 1, 1, 2, 1, 1, 0, 0, 9, 9, 80.0, "Het"), (5, 1, 1, 2, 1, 2, 0, 0, 9, 9, 70.0, "besluit"),
    (5, 1, 1, 2, 2, 1, 0, 0, 9, 9, 60.0, "volgt."), (4, 1, 1, 2, 3, 0, 0, 0, 9, 9, -1, "")])


def test_tesseract_tsv_becomes_lines_and_paragraphs_with_a_confidence():
    page = text_from_tsv(TSV)
    assert page.text == "Geachte heer,\n\nHet besluit\nvolgt."
    assert page.confidence == 79.2


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, embedder):
    corpus = tmp_path_factory.mktemp("scans")
    for name in SCANNED:
        shutil.copy(FIXTURES / name, corpus)
    (corpus / "gewoon.md").write_text("# Gewoon\n\nDit document heeft gewoon tekst over de Woo.\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("scan-index"),
                        model_dir=embedder.settings.model_dir)
    assistant = Assistant(settings, embedder)
    report = assistant.build_index()
    return assistant, report


@needs_tesseract
def test_both_scanned_pdfs_are_indexed_and_marked_as_ocr(scanned):
    assistant, report = scanned
    assert report.failed == {} and report.documents == 3 and report.ocr_pages == 12
    summary = assistant.status()["ocr"]
    assert summary["documents"] == 2 and summary["pages"] == 12


@needs_tesseract
@pytest.mark.parametrize("question, doc, page, words", [
    ("Hoe ontvangt de verzoeker de documenten die openbaar worden gemaakt?", SCANNED[1], 7, "secure transfer"),
    ("Wanneer was het tweeminutendebat over het mestbeleid?", SCANNED[0], 1, "11 november"),
])
def test_a_fact_on_a_scanned_page_is_quoted_from_that_page_and_says_ocr(scanned, question, doc, page, words):
    assistant, _ = scanned
    answer = assistant.ask(question)
    assert answer.found, answer.answer
    first = answer.citations[0]
    assert first.doc == doc and first.page == page and words in first.quote.lower()
    assert first.ocr and first.to_json()["ocr"] is True
    assert f"tekst via OCR, p. {page}" in answer.answer and f"tekst via OCR, p. {page}" in memo_text(answer)
    assert assistant.verify_quote(first.doc, first.quote)  # verbatim against the OCR text in the index


@needs_tesseract
def test_ocr_cache_means_a_rebuild_ocrs_nothing_and_a_changed_file_is_ocrd_again(scanned):
    assistant, _ = scanned
    rebuilt = assistant.build_index(rebuild=True)
    assert rebuilt.ocr_pages == 0 and rebuilt.documents == 3  # every page from the cache
    nota = assistant.settings.corpus_dir / SCANNED[0]
    nota.write_bytes(nota.read_bytes() + b"\n%gewijzigd\n")  # another file hash, the same pages
    changed = assistant.build_index()
    assert changed.ocr_pages == 2 and changed.changed == [SCANNED[0]]


@needs_tesseract
def test_a_page_over_the_time_limit_is_reported_and_the_rest_goes_on(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / SCANNED[0], corpus)
    (corpus / "gewoon.md").write_text("# Gewoon\n\nGewone tekst.\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir,
                        ocr_page_timeout_s=0.05)
    report = Assistant(settings, embedder).build_index()
    assert "duurde langer dan 0.05 s" in report.failed[SCANNED[0]] and report.documents == 1


def test_without_ocr_a_scan_is_reported_with_the_package_that_would_read_it(tmp_path, embedder, monkeypatch):
    import vraagbaak.ingest.indexer as indexing

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / SCANNED[0], corpus)
    (corpus / "gewoon.md").write_text("# Gewoon\n\nGewone tekst.\n", encoding="utf-8")
    monkeypatch.setattr(indexing, "ocr_available", lambda: "het programma tesseract ontbreekt; installeer "
                                                           "de Debian-pakketten tesseract-ocr en tesseract-ocr-nld")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir)
    report = Assistant(settings, embedder).build_index()
    reason = report.failed[SCANNED[0]]
    assert "OCR nodig (2 pagina's)" in reason and "tesseract-ocr-nld" in reason and report.documents == 1
    off = Assistant(settings.with_(ocr="off", index_dir=tmp_path / "index-uit"), embedder).build_index()
    assert "OCR nodig (2 pagina's)" in off.failed[SCANNED[0]]


def _mixed_pdf(path):
    """A text PDF (the Tozo Kamervragen) with a scanned page appended: as a signed letter or an annex is."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf").pages:
        writer.add_page(page)
    text_pages = len(writer.pages)
    writer.add_page(PdfReader(FIXTURES / SCANNED[0]).pages[0])
    with path.open("wb") as out:
        writer.write(out)
    return text_pages + 1


@needs_tesseract
def test_a_scanned_page_inside_a_text_pdf_is_read_by_ocr_and_cited_so(tmp_path, embedder, monkeypatch):
    """Only PDFs with almost no text were OCR'd: a scanned page in a text PDF stayed empty. Now it is OCR'd and
    cited "tekst via OCR"; without OCR, the text pages are indexed and the scanned page is named in a note."""
    import vraagbaak.ingest.indexer as indexing

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    scanned_page = _mixed_pdf(corpus / "kamervragen-met-bijlage.pdf")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir)
    assistant = Assistant(settings, embedder)
    report = assistant.build_index()
    assert report.failed == {} and report.ocr_pages == 1
    record = assistant.index.documents["kamervragen-met-bijlage.pdf"]
    assert record.metadata["ocr_pages"] == [scanned_page]
    answer = assistant.ask("Wanneer was het tweeminutendebat over het mestbeleid?")
    first = answer.citations[0]
    assert first.page == scanned_page and "11 november" in first.quote.lower() and first.ocr
    monkeypatch.setattr(indexing, "ocr_available", lambda: "het programma tesseract ontbreekt")
    without = Assistant(settings.with_(index_dir=tmp_path / "index-zonder"), embedder)
    report = without.build_index()
    assert report.failed == {} and report.documents == 1
    assert "1 gescande pagina('s) zonder tekst niet gelezen" in report.warnings["kamervragen-met-bijlage.pdf"]
    assert without.ask("Welk rentepercentage geldt voor de Tozo-lening?").found
