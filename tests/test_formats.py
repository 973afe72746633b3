"""Word, OpenDocument, web pages and spreadsheets, made by their real producers (python-docx, odfdo, openpyxl,
the csv module): a fact in a heading's section, a list item or a table row is answered with a verbatim quote
that cites the section or sheet and row; an upload is checked by content."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from vraagbaak.assistant import Assistant
from vraagbaak.settings import Settings


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = "Nota zwembaden 2025"
    d.add_heading("Nota zwembaden 2025", 0)
    d.add_heading("Aanleiding", 1)
    d.add_paragraph("Het oude zwembad De Wetering is in 2024 gesloten vanwege betonrot in de kelder.")
    d.add_heading("Besluit", 1)
    d.add_paragraph("Het college stelt voor een nieuw zwembad te bouwen aan de Parklaan.")
    d.add_paragraph("Een wedstrijdbad van vijftig meter", style="List Bullet")
    d.add_paragraph("Een instructiebad voor zwemlessen", style="List Bullet")
    table = d.add_table(rows=3, cols=2)
    for r, (post, bedrag) in enumerate([("Post", "Bedrag"), ("Bouw", "€ 18 miljoen"), ("Inrichting", "€ 2,5 miljoen")]):
        table.cell(r, 0).text, table.cell(r, 1).text = post, bedrag
    d.save(path)
    return path


def make_odt(path: Path) -> Path:
    from odfdo import Document, Header, List, Paragraph

    o = Document("text")
    o.body.clear()
    o.body.append(Header(1, "Verslag bewonersavond Noordwijk"))
    o.body.append(Paragraph("Op 12 maart 2025 kwamen veertig bewoners naar het buurthuis De Schakel."))
    o.body.append(Header(2, "Zorgen van bewoners"))
    o.body.append(List(["Te hard rijden op de Dorpsstraat", "Te weinig groen op het speelplein"]))
    o.save(path)
    return path


def make_xlsx(path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Subsidies 2025"
    for row in (["Organisatie", "Regeling", "Bedrag"], ["Stichting Buurtwerk", "Leefbaarheid", 12500],
                ["Sportclub Voorwaarts", "Sportaccommodaties", 40000]):
        sheet.append(row)
    workbook.save(path)
    return path


HTML = """<!doctype html><html lang="nl"><head><title>Afvalkalender Voorbeeldstad</title></head><body>
<nav><a href="/">Home</a> | <a href="/contact">Contact met de gemeente</a></nav><main><h1>Afvalkalender</h1>
<p>Het grofvuil wordt op afspraak opgehaald; bel daarvoor minstens drie werkdagen van tevoren.</p>
<h2>Glas en textiel</h2><ul><li>Glas brengt u naar de glasbak bij de supermarkt.</li>
<li>Textiel gaat in de kledingcontainer bij het station.</li></ul></main>
<footer>© Gemeente Voorbeeldstad, alle rechten voorbehouden</footer></body></html>"""


def make_eml(path: Path) -> Path:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Afspraken over de renovatie van het gemeentehuis"
    message["From"] = "Afdeling Vastgoed <vastgoed@voorbeeldstad.nl>"
    message["To"] = "college@voorbeeldstad.nl"
    message["Date"] = "Tue, 14 Oct 2025 09:30:00 +0200"
    message.set_content("Beste collega's,\n\nDe renovatie van het gemeentehuis begint op 3 november 2025 en duurt "
                        "veertien maanden.\n\nDe raadszaal verhuist tijdelijk naar de bibliotheek.\n")
    message.add_attachment("Planning\n\nFase 1: dak en gevel van het gemeentehuis, tot maart 2026.\n",
                           subtype="plain", filename="planning.txt")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="tekening.pdf")
    path.write_bytes(bytes(message))
    return path


@pytest.fixture(scope="module")
def formats(tmp_path_factory, embedder):
    corpus = tmp_path_factory.mktemp("formats")
    make_docx(corpus / "nota-zwembaden.docx")
    make_odt(corpus / "verslag-bewonersavond.odt")
    make_xlsx(corpus / "subsidies.xlsx")
    (corpus / "afvalkalender.html").write_text(HTML, encoding="utf-8")
    make_eml(corpus / "renovatie.eml")
    with (corpus / "vergunningen.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerows([["Aanvrager", "Soort", "Besluit"], ["Bakkerij Van Dam", "terrasvergunning", "verleend"],
                          ["Garage Noord", "evenementenvergunning", "geweigerd"]])
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("formats-index"),
                                   model_dir=embedder.settings.model_dir), embedder)
    report = assistant.build_index()
    assert report.failed == {} and report.documents == 7  # the e-mail's text attachment is a document of its own
    return assistant


@pytest.mark.parametrize("question, doc, said, section", [
    ("Waarom is zwembad De Wetering dichtgegaan?", "nota-zwembaden.docx", "vanwege betonrot in de kelder",
     "Aanleiding"),
    ("Hoeveel kost de bouw van het nieuwe zwembad?", "nota-zwembaden.docx", "Post: Bouw; Bedrag: € 18 miljoen",
     "Besluit"),
    ("Waar maakten de bewoners van Noordwijk zich zorgen over?", "verslag-bewonersavond.odt",
     "Te weinig groen op het speelplein", "Zorgen van bewoners"),
    ("Waar kan ik textiel inleveren?", "afvalkalender.html", "kledingcontainer bij het station", "Glas en textiel"),
    ("Hoeveel subsidie krijgt Sportclub Voorwaarts?", "subsidies.xlsx",
     "Rij 3: Organisatie: Sportclub Voorwaarts; Regeling: Sportaccommodaties; Bedrag: 40000", "Subsidies 2025"),
    ("Wanneer begint de renovatie van het gemeentehuis?", "renovatie.eml", "begint op 3 november 2025", None),
    ("Tot wanneer duurt fase 1 van de renovatie?", "renovatie.eml/planning.txt", "tot maart 2026", None),
    ("Is de terrasvergunning van Bakkerij Van Dam verleend?", "vergunningen.csv",
     "Aanvrager: Bakkerij Van Dam; Soort: terrasvergunning; Besluit: verleend", None),
])
def test_a_fact_in_each_format_is_quoted_verbatim_with_its_section_or_sheet(formats, question, doc, said,
                                                                              section):
    answer = formats.ask(question)
    assert answer.found, answer.answer
    first = answer.citations[0]
    assert first.doc == doc and said in first.quote, answer.answer
    assert formats.verify_quote(doc, first.quote)
    if section:
        assert section in (first.section or "")


def test_web_page_navigation_and_footer_are_not_indexed_and_properties_give_the_title(formats):
    text = formats.document_text("afvalkalender.html")
    assert "Contact met de gemeente" not in text and "alle rechten voorbehouden" not in text
    titles = {d["doc"]: d["title"] for d in formats.documents()}
    assert titles["nota-zwembaden.docx"] == "Nota zwembaden 2025"
    assert titles["afvalkalender.html"] == "Afvalkalender Voorbeeldstad"
    assert titles["verslag-bewonersavond.odt"] == "Verslag bewonersavond Noordwijk"
    mail = next(d for d in formats.documents() if d["doc"] == "renovatie.eml")
    assert mail["title"] == "Afspraken over de renovatie van het gemeentehuis"
    assert mail["metadata"]["afzender"] == "Afdeling Vastgoed" and mail["metadata"]["datum"] == "14 oktober 2025"
    assert "tekening.pdf" in formats.document_text("renovatie.eml")  # named, not read
    assert "vastgoed@voorbeeldstad.nl" not in str(mail["metadata"])  # no personal address in a citation


def test_uploads_are_checked_by_content_not_by_extension(tmp_path):
    from vraagbaak.web.uploads import UploadRejected, check_content

    for made in (make_docx(tmp_path / "a.docx"), make_odt(tmp_path / "a.odt"), make_xlsx(tmp_path / "a.xlsx")):
        check_content(made, made.suffix, 10_000_000)  # accepted
    fake = tmp_path / "nep.docx"
    fake.write_text("Dit is gewone tekst met een andere extensie.", encoding="utf-8")
    with pytest.raises(UploadRejected, match="geen Word-bestand"):
        check_content(fake, ".docx", 10_000_000)
    with pytest.raises(UploadRejected, match="geen OpenDocument-tekst-bestand"):  # a Word file named .odt
        check_content(make_docx(tmp_path / "b.docx").rename(tmp_path / "b.odt"), ".odt", 10_000_000)
    other_zip = tmp_path / "archief.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("iets.txt", "geen rekenblad")
    with pytest.raises(UploadRejected, match="geen Excel-bestand"):
        check_content(other_zip, ".xlsx", 10_000_000)
    for made in (make_eml(tmp_path / "a.eml"),):
        check_content(made, made.suffix, 10_000_000)
    not_mail = tmp_path / "nep.eml"
    not_mail.write_text("Gewone tekst zonder kopregels.\n", encoding="utf-8")
    with pytest.raises(UploadRejected, match="geen e-mail"):
        check_content(not_mail, ".eml", 10_000_000)
    page = tmp_path / "pagina.html"
    page.write_text("gewone tekst zonder opmaak", encoding="utf-8")
    with pytest.raises(UploadRejected, match="geen webpagina"):
        check_content(page, ".html", 10_000_000)


def test_a_damaged_office_file_is_one_failure_and_the_rest_is_indexed(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_docx(corpus / "goed.docx")
    data = (corpus / "goed.docx").read_bytes()
    (corpus / "kapot.docx").write_bytes(data[: len(data) // 2])
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                   model_dir=embedder.settings.model_dir), embedder)
    report = assistant.build_index()
    assert report.documents == 1 and set(report.failed) == {"kapot.docx"}
    assert "kan dit bestand niet lezen" in report.failed["kapot.docx"]


def test_a_zip_bomb_in_a_word_file_hits_the_workers_memory_limit_and_is_one_failure(tmp_path):
    """A .docx is a zip archive: 140 MB of XML packed into a few hundred kB. Read in the worker under its memory
    limit, it is one per-file failure in Dutch, and the worker comes back for the next file."""
    from vraagbaak.ingest.loaders import IsolatedLoader, LoadError

    good = make_docx(tmp_path / "goed.docx")
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                padding = b"<w:p><w:r><w:t>bom</w:t></w:r></w:p>" * 4_000_000
                data = data.replace(b"<w:body>", b"<w:body>" + padding, 1)
            target.writestr(item, data)
    assert bomb.stat().st_size < 2_000_000
    # without the limit this took the whole time limit and gigabytes; under it the parser's allocation fails
    # (lxml reports that as a syntax error), long before the time limit
    with IsolatedLoader(timeout=600, memory_mb=700) as loader:
        with pytest.raises(LoadError, match="meer dan 700 MB geheugen|MemoryError|XMLSyntaxError"):
            loader.load(bomb, tmp_path)
        assert loader.load(good, tmp_path).title == "Nota zwembaden 2025"


def test_a_sidecar_gives_any_document_its_owner_and_theme_and_a_change_re_indexes_it(tmp_path, embedder):
    """A PDF has no gemeente or domein, so it could not be filtered: "<file>.meta.yaml" beside it gives them.
    The sidecar is no document of its own, a change to it re-indexes the file, and the PDF is still served."""
    from conftest import make_report_pdf
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from vraagbaak.ingest.indexer import stale_files
    from vraagbaak.web.routes import app_kwargs

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_report_pdf(corpus / "rapport.pdf")
    (corpus / "rapport.pdf.meta.yaml").write_text("gemeente: Oudstad\ndomein: mobiliteit\ntitle: Mobiliteitsrapport"
                                                  " Oudstad\n", encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                   model_dir=embedder.settings.model_dir), embedder)
    report = assistant.build_index()
    assert report.failed == {} and report.documents == 1  # the sidecar is not a document
    assert assistant.facets(("gemeente", "domein")) == {"gemeente": ["Oudstad"], "domein": ["mobiliteit"]}
    answer = assistant.ask("Hoeveel laadpalen komen er?", filters={"gemeente": ["Oudstad"]})
    assert answer.found and answer.citations[0].title == "Mobiliteitsrapport Oudstad"
    client = TestClient(Starlette(routes=app_kwargs(assistant)["routes"]))
    assert client.get("/vraagbaak/pdf", params={"doc": "rapport.pdf"}).status_code == 200
    (corpus / "rapport.pdf.meta.yaml").write_text("gemeente: Nieuwstad\n", encoding="utf-8")
    assert stale_files(assistant.settings, json_manifest(assistant))["changed"] == ["rapport.pdf"]
    assistant.build_index()
    assert assistant.facets(("gemeente",)) == {"gemeente": ["Nieuwstad"]}
    assert client.get("/vraagbaak/pdf", params={"doc": "rapport.pdf"}).status_code == 200
    (corpus / "notitie.md").write_text("# Notitie\n\nDe fietsenstalling bij het station wordt groter.\n",
                                       encoding="utf-8")
    (corpus / "rapport.pdf.meta.yaml").write_text("- geen\n- woordenlijst\n", encoding="utf-8")
    bad = assistant.build_index()  # one file's failure, in Dutch; the rest is indexed
    assert "geen woordenlijst" in bad.failed["rapport.pdf"]


def json_manifest(assistant) -> dict:
    from vraagbaak.index.versions import read_manifest

    return read_manifest(assistant.settings.index_dir)


def test_a_sheet_row_is_cited_by_its_own_number_also_below_empty_rows(tmp_path):
    """The citation names the sheet and the row: an empty row above a data row shifted every number after it."""
    import openpyxl

    from vraagbaak.ingest.structured import sheet_text

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Subsidies"
    for row in (["Organisatie", "Bedrag"], ["Stichting Buurtwerk", 12500], [None, None],
                ["Sportclub Voorwaarts", 40000]):
        sheet.append(row)
    workbook.save(tmp_path / "blad.xlsx")
    _, text, _ = sheet_text(tmp_path / "blad.xlsx")
    assert "- Rij 2: Organisatie: Stichting Buurtwerk; Bedrag: 12500" in text
    assert "- Rij 4: Organisatie: Sportclub Voorwaarts; Bedrag: 40000" in text


def test_a_case_section_cites_the_sources_of_that_section_not_every_source(tmp_path, embedder):
    """A description written from many sources named them all under every quote ("Gebaseerd op:" ten URLs);
    with `bronnen_per_sectie` a quote from a section cites that section's sources, and a section without a
    list still cites all of them."""
    from vraagbaak.answer.citations import source_reference

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zwembad.md").write_text(
        "---\ntitle: Nieuw zwembad\ngemeente: Oudstad\nbronnen:\n  - https://a.example/raad\n"
        "  - https://b.example/krant\n  - https://c.example/bouw\nbronnen_per_sectie:\n  Bouw:\n"
        "    - https://c.example/bouw\n---\n\n# Nieuw zwembad\n\n## Besluit\n\nDe raad koos in mei 2025 voor een "
        "nieuw zwembad aan de Parklaan.\n\n## Bouw\n\nDe aannemer begint in maart 2026 met het heien van de palen "
        "voor het wedstrijdbad.\n", encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    built = assistant.ask("Wanneer begint de aannemer met heien?").citations[0]
    assert built.section.endswith("Bouw")
    assert source_reference(built).endswith("Gebaseerd op: https://c.example/bouw")
    decided = assistant.ask("Waar komt het nieuwe zwembad volgens het raadsbesluit?").citations[0]
    assert decided.section.endswith("Besluit")
    assert source_reference(decided).endswith(
        "Gebaseerd op: https://a.example/raad; https://b.example/krant; https://c.example/bouw")


def test_a_table_row_is_quoted_alone_not_with_the_rows_around_it(formats):
    """A short row grew into its neighbours ("Rij 3: … Rij 4: …") until the quote had enough words; a row is a
    record of its own (seen in a user test with a subsidy sheet and a CSV of reports)."""
    quote = formats.ask("Hoeveel subsidie krijgt Sportclub Voorwaarts?").citations[0].quote
    assert "Sportclub Voorwaarts" in quote and "Stichting Buurtwerk" not in quote
    quote = formats.ask("Is de terrasvergunning van Bakkerij Van Dam verleend?").citations[0].quote
    assert "Bakkerij Van Dam" in quote and "Garage Noord" not in quote
