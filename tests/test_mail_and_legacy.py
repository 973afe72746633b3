"""E-mails with attachments, Outlook messages and Word 97/RTF files, made by their real producers: the `email`
package, Outlook (a committed real .msg, tests/fixtures/SOURCES.md) and LibreOffice headless. An attachment is
a document of its own, named below its e-mail, cited with it, and follows it through a re-index."""
from __future__ import annotations

import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import FIXTURES, KNOWN_SENTENCE, make_report_pdf
from test_formats import json_manifest, make_docx

from vraagbaak.assistant import Assistant
from vraagbaak.settings import Settings

MSG = FIXTURES / "outlook-fake-email-attachment.msg"


def make_mail_with_attachments(path: Path, work: Path) -> Path:
    message = EmailMessage()
    message["Subject"] = "Mobiliteitsrapport en nota voor de commissie"
    message["From"] = "Afdeling Verkeer <verkeer@voorbeeldstad.nl>"
    message["Date"] = "Mon, 2 Feb 2026 10:00:00 +0100"
    message.set_content("Beste commissieleden,\n\nIn de bijlagen vindt u het rapport en de nota.\n")
    message.add_attachment(make_report_pdf(work / "rapport.pdf").read_bytes(), maintype="application",
                           subtype="pdf", filename="rapport.pdf")
    message.add_attachment(make_docx(work / "nota.docx").read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="../nota.docx")  # a name with a folder in it stays below the e-mail
    message.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="logo.png")
    path.write_bytes(bytes(message))
    return path


def assistant_for(corpus: Path, index: Path, embedder) -> Assistant:
    return Assistant(Settings(corpus_dir=corpus, index_dir=index, model_dir=embedder.settings.model_dir), embedder)


def test_an_attachment_is_a_document_of_its_own_cited_with_its_email_and_follows_it(tmp_path, embedder):
    from vraagbaak.ingest.indexer import stale_files

    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir(), work.mkdir()
    make_mail_with_attachments(corpus / "brief.eml", work)
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    report = assistant.build_index()
    assert report.failed == {}
    docs = {d["doc"]: d for d in assistant.documents()}
    assert set(docs) == {"brief.eml", "brief.eml/rapport.pdf", "brief.eml/nota.docx"}
    pdf = docs["brief.eml/rapport.pdf"]
    assert "bijlage bij e-mail „Mobiliteitsrapport en nota voor de commissie”" in pdf["title"]
    assert pdf["metadata"]["afzender"] == "Afdeling Verkeer" and pdf["metadata"]["datum"] == "2 februari 2026"
    assert "logo.png" in assistant.document_text("brief.eml")  # named in the e-mail, not read

    answer = assistant.ask("Hoeveel laadpalen komen er?")
    first = answer.citations[0]
    assert answer.found and first.doc == "brief.eml/rapport.pdf" and first.page == 3, answer.answer
    assert KNOWN_SENTENCE in first.quote and assistant.verify_quote(first.doc, first.quote)
    assert "bijlage bij e-mail" in answer.answer
    answer = assistant.ask("Waarom is zwembad De Wetering dichtgegaan?")
    assert answer.citations[0].doc == "brief.eml/nota.docx" and answer.citations[0].section == "Aanleiding"

    # unchanged: the attachments are reused with their e-mail, not "removed" because no file has their name
    assert stale_files(assistant.settings, json_manifest(assistant)) == {"new": [], "changed": [], "removed": []}
    again = assistant.build_index()
    assert again.removed == [] and again.added == [] and again.unchanged == ["brief.eml"]
    assert {d["doc"] for d in assistant.documents()} == set(docs)

    # the e-mail's metadata from Beheer (its sidecar) is its attachments' too; they are not offered on their own
    (corpus / "brief.eml.meta.yaml").write_text("gemeente: Oudstad\n", encoding="utf-8")
    assistant.build_index()
    assert {d["doc"]: d["metadata"].get("gemeente") for d in assistant.documents()} == dict.fromkeys(docs, "Oudstad")
    from vraagbaak.web.beheer import documents_table, file_choices
    assert [doc for _, doc in file_choices(documents_table(assistant))] == ["brief.eml"]

    (corpus / "notitie.md").write_text("# Notitie\n\nDe fietsenstalling wordt groter.\n", encoding="utf-8")
    (corpus / "brief.eml").unlink()  # the e-mail goes, and its attachments with it
    gone = assistant.build_index()
    assert gone.removed == ["brief.eml"] and {d["doc"] for d in assistant.documents()} == {"notitie.md"}


def test_an_outlook_message_is_read_with_its_sender_date_and_attachment(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(MSG, corpus / "bericht.msg")
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    assert assistant.build_index().failed == {}
    docs = {d["doc"]: d for d in assistant.documents()}
    mail = docs["bericht.msg"]
    assert mail["title"] == "Fake email with attachment"
    assert mail["metadata"]["afzender"] == "Mallori Harrell" and mail["metadata"]["datum"] == "23 december 2022"
    assert "mallori@" not in str(mail["metadata"])  # no personal address in a citation
    assert "Lots of whitespace" in assistant.document_text("bericht.msg")
    assert "Hey this is a fake attachment!" in assistant.document_text("bericht.msg/fake-attachment.txt")
    answer = assistant.ask("Is this a fake attachment?")
    assert answer.citations[0].doc == "bericht.msg/fake-attachment.txt", answer.answer


def convert(source: Path, to: str, out: Path) -> Path:
    """LibreOffice headless as the producer of a Word 97 or RTF file."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profiel", "--headless", "--convert-to", to,
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    return out / f"{source.stem}.{to}"


needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is niet geïnstalleerd (.ci/run installeert het)")


@needs_libreoffice
def test_word97_and_rtf_files_are_read_through_libreoffice_with_their_sections(tmp_path, embedder):
    corpus, work = tmp_path / "corpus", tmp_path / "work"
    corpus.mkdir(), work.mkdir()
    source = make_docx(work / "nota-zwembaden.docx")
    shutil.copy(convert(source, "doc", work), corpus / "nota-oud.doc")
    rtf = convert(source, "rtf", work)
    shutil.copy(rtf, corpus / "nota-rtf.rtf")
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    report = assistant.build_index()
    assert report.failed == {} and report.documents == 2
    assert {d["title"] for d in assistant.documents()} == {"Nota zwembaden 2025"}
    # a Word file without a title property comes back from LibreOffice as "Word Document": the document's own
    # Title paragraph is its title (a user test found two documents both cited as "Word Document")
    import docx

    from vraagbaak.ingest.structured import legacy_text
    untitled = docx.Document()
    untitled.add_heading("Nota speeltuinen", 0)
    untitled.add_paragraph("De speeltuin aan de Beukenlaan is verouderd.")
    untitled.save(work / "speeltuinen.docx")
    for to in ("doc", "rtf"):
        assert legacy_text(convert(work / "speeltuinen.docx", to, work))[0] == "Nota speeltuinen"
    for doc in ("nota-oud.doc", "nota-rtf.rtf"):
        answer = assistant.ask("Waarom is zwembad De Wetering dichtgegaan?", filters={"doc": [doc]})
        first = answer.citations[0]
        assert answer.found and first.doc == doc and "vanwege betonrot in de kelder" in first.quote, answer.answer
        assert first.section == "Aanleiding"


def test_without_libreoffice_a_word97_file_fails_alone_with_a_dutch_reason(tmp_path, monkeypatch):
    from vraagbaak.ingest import structured

    monkeypatch.setattr(shutil, "which", lambda name: None)
    (tmp_path / "oud.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(structured.ConversionError, match="LibreOffice is niet geïnstalleerd"):
        structured.legacy_text(tmp_path / "oud.doc")


def test_outlook_word97_and_rtf_uploads_are_checked_by_content(tmp_path):
    from vraagbaak.web.uploads import UploadRejected, check_content

    check_content(MSG, ".msg", 10_000_000)
    word = make_docx(tmp_path / "nota.docx")
    with pytest.raises(UploadRejected, match="geen Outlook-bericht"):
        check_content(word, ".msg", 10_000_000)  # a zip, not an OLE file
    with pytest.raises(UploadRejected, match="geen Word 97-2003"):
        check_content(MSG, ".doc", 10_000_000)  # OLE, but an Outlook message
    plain = tmp_path / "tekst.rtf"
    plain.write_text("Gewone tekst, geen RTF.", encoding="utf-8")
    with pytest.raises(UploadRejected, match="geen RTF"):
        check_content(plain, ".rtf", 10_000_000)
    if shutil.which("soffice"):
        work = tmp_path / "work"
        work.mkdir()
        check_content(convert(word, "doc", work), ".doc", 10_000_000)
        with pytest.raises(UploadRejected, match="geen Outlook-bericht"):
            check_content(work / "nota.doc", ".msg", 10_000_000)
        check_content(convert(word, "rtf", work), ".rtf", 10_000_000)


def test_an_attachment_is_removed_with_its_email_not_alone(tmp_path):
    from vraagbaak.web.uploads import UploadRejected, remove_document

    (tmp_path / "brief.eml").write_text("Subject: x\n\ntekst\n", encoding="utf-8")
    with pytest.raises(UploadRejected, match="is een bijlage; kies de e-mail 'brief.eml', de bijlagen gaan mee"):
        remove_document(tmp_path, "brief.eml/rapport.pdf")
    assert (tmp_path / "brief.eml").is_file()


def test_every_format_uploaded_as_in_beheer_is_taken_indexed_and_answered_and_a_fake_refused(tmp_path, embedder):
    """Beheer's upload path (store_upload: name, size and content checks) for one file of each format, then a
    re-index and a question whose answer is in that file; a text file with each extension is refused in Dutch."""
    from test_formats import HTML, make_eml, make_odt, make_xlsx

    from vraagbaak.web.uploads import UploadRejected, store_upload

    work, corpus = tmp_path / "work", tmp_path / "corpus"
    work.mkdir(), corpus.mkdir()
    (work / "afvalkalender.html").write_text(HTML, encoding="utf-8")
    (work / "vergunningen.csv").write_text("Aanvrager;Soort;Besluit\nBakkerij Van Dam;terrasvergunning;verleend\n",
                                           encoding="utf-8")
    made = [make_docx(work / "nota-zwembaden.docx"), make_odt(work / "verslag-bewonersavond.odt"),
            make_xlsx(work / "subsidies.xlsx"), work / "afvalkalender.html", work / "vergunningen.csv",
            make_eml(work / "renovatie.eml"), shutil.copy(MSG, work / "bericht.msg")]
    if shutil.which("soffice"):
        made += [convert(work / "nota-zwembaden.docx", "doc", work), convert(work / "nota-zwembaden.docx", "rtf", work)]
    for path in made:
        store_upload(path, path.name, corpus, 10_000_000, 100_000_000)
        fake = work / f"nep{path.suffix}"
        fake.write_text("Gewone tekst met een andere extensie.\n", encoding="utf-8")
        if path.suffix not in (".csv",):  # a CSV is text: any text is a (one-column) CSV
            with pytest.raises(UploadRejected, match=r"^dit is geen|^de inhoud|^dit is geen tekstbestand"):
                store_upload(fake, fake.name, corpus, 10_000_000, 100_000_000)
    assistant = assistant_for(corpus, tmp_path / "index", embedder)
    assert assistant.build_index().failed == {}
    questions = {"nota-zwembaden.docx": ("Waarom is zwembad De Wetering dichtgegaan?", "betonrot in de kelder"),
                 "verslag-bewonersavond.odt": ("Waar maakten de bewoners van Noordwijk zich zorgen over?",
                                               "Te weinig groen op het speelplein"),
                 "subsidies.xlsx": ("Hoeveel subsidie krijgt Sportclub Voorwaarts?", "Bedrag: 40000"),
                 "afvalkalender.html": ("Waar kan ik textiel inleveren?", "kledingcontainer bij het station"),
                 "vergunningen.csv": ("Is de terrasvergunning van Bakkerij Van Dam verleend?", "Besluit: verleend"),
                 "renovatie.eml/planning.txt": ("Tot wanneer duurt fase 1 van de renovatie?", "tot maart 2026"),
                 "bericht.msg/fake-attachment.txt": ("Is this a fake attachment?", "fake attachment"),
                 "nota-zwembaden.doc": ("Waarom is zwembad De Wetering dichtgegaan?", "betonrot in de kelder"),
                 "nota-zwembaden.rtf": ("Waarom is zwembad De Wetering dichtgegaan?", "betonrot in de kelder")}
    uploaded = {d["doc"].removeprefix("uploads/") for d in assistant.documents()}
    for doc, (question, said) in questions.items():
        if doc not in uploaded:
            assert doc.endswith((".doc", ".rtf")) and not shutil.which("soffice"), (doc, uploaded)
            continue
        answer = assistant.ask(question, filters={"doc": [f"uploads/{doc}"]})
        assert answer.found and said in answer.citations[0].quote, (doc, answer.answer)
