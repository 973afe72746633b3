"""Uploads from the Beheer tab: path tricks, content checks, and no overwriting."""
from __future__ import annotations

from pathlib import Path

import pytest

from vraagbaak.web.uploads import (
    UploadRejected,
    empty_trash,
    remove_document,
    restore_document,
    safe_filename,
    store_upload,
)

FIXTURES = Path(__file__).parent / "fixtures"
MB = 1_000_000


@pytest.mark.parametrize("name", [
    "../evil.pdf", "../../etc/passwd.txt", "/etc/passwd.txt", "..\\..\\boot.md", "sub/dir.md",
    "C:\\Windows\\win.txt", ".verborgen.md", "..", "", "nul\x00.pdf", "...pdf",
])
def test_path_tricks_are_rejected(name):
    with pytest.raises(UploadRejected, match="ongeldige bestandsnaam"):
        safe_filename(name)


@pytest.mark.parametrize("name, safe", [
    ("Raadsbesluit 2024 (definitief).PDF", "Raadsbesluit-2024-definitief.pdf"),
    ("coöperatie-één.md", "cooperatie-een.md"),
    ("notitie.txt", "notitie.txt"),
])
def test_names_are_made_plain(name, safe):
    assert safe_filename(name) == safe


def test_other_types_are_refused():
    with pytest.raises(UploadRejected, match="alleen PDF, Markdown, tekst, Word"):
        safe_filename("macro.docm")


def test_upload_lands_in_the_uploads_folder_and_nowhere_else(tmp_path):
    corpus = tmp_path / "corpus"
    stored = store_upload(FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf", "kamervragen.pdf", corpus, 50 * MB)
    assert stored == (corpus / "uploads" / "kamervragen.pdf").resolve()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["kamervragen.pdf"]


def test_fake_pdf_empty_and_oversized_files_are_refused(tmp_path):
    corpus = tmp_path / "corpus"
    with pytest.raises(UploadRejected, match="geen PDF"):
        store_upload(FIXTURES / "awkward-not-a-pdf-IAmWrongPDF.pdf", "rapport.pdf", corpus, 50 * MB)
    empty = tmp_path / "leeg.txt"
    empty.write_bytes(b"")
    with pytest.raises(UploadRejected, match="leeg"):
        store_upload(empty, "leeg.txt", corpus, 50 * MB)
    big = tmp_path / "groot.txt"
    big.write_text("woord " * 400_000)
    with pytest.raises(UploadRejected, match="te groot"):
        store_upload(big, "groot.txt", corpus, 1 * MB)
    binary = tmp_path / "binair.md"
    binary.write_bytes(b"\x00\x01\x02 geen tekst")
    with pytest.raises(UploadRejected, match="binair"):
        store_upload(binary, "binair.md", corpus, 50 * MB)
    assert not (corpus / "uploads").exists() or not any((corpus / "uploads").iterdir())


def test_a_different_file_with_the_same_name_is_not_overwritten(tmp_path):
    corpus = tmp_path / "corpus"
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Eerste versie van de notitie.")
    second.write_text("Een heel andere notitie.")
    one = store_upload(first, "notitie.txt", corpus, MB)
    two = store_upload(second, "notitie.txt", corpus, MB)
    again = store_upload(first, "notitie.txt", corpus, MB)
    assert one.name == "notitie.txt" and two.name == "notitie-2.txt" and again == one
    assert one.read_text() == "Eerste versie van de notitie." and two.read_text() == "Een heel andere notitie."


def test_uploads_stop_at_the_quota_for_the_uploads_folder(tmp_path):
    """Each file may be within the size limit while together they fill the disk: the uploads folder has a
    total quota (VRAAGBAAK_MAX_UPLOADS_MB)."""
    corpus = tmp_path / "corpus"
    for i in range(3):
        source = tmp_path / f"{i}.txt"
        source.write_text(f"Notitie {i}. " + "tekst " * 60_000)  # ~0.37 MB each
        if i < 2:
            store_upload(source, f"notitie-{i}.txt", corpus, MB, quota_bytes=MB)
    with pytest.raises(UploadRejected, match="meer dan 1 MB"):
        store_upload(source, "notitie-2.txt", corpus, MB, quota_bytes=MB)
    assert sorted(p.name for p in (corpus / "uploads").iterdir()) == ["notitie-0.txt", "notitie-1.txt"]


def test_remove_only_deletes_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "weg.md").write_text("# Weg\n")
    outside = tmp_path / "geheim.txt"
    outside.write_text("blijft staan")
    for trick in ["../geheim.txt", str(outside), "sub/../../geheim.txt", "sub", "bestaat-niet.md"]:
        with pytest.raises(UploadRejected, match="staat niet in de documentenmap"):
            remove_document(corpus, trick)
    assert outside.exists()
    kept = remove_document(corpus, "sub/weg.md")
    assert not (corpus / "sub" / "weg.md").exists() and kept == tmp_path / "corpus.prullenbak" / "sub" / "weg.md"
    assert restore_document(corpus, "sub/weg.md") == (corpus / "sub" / "weg.md").resolve() and not kept.exists()
    for trick in ["../geheim.txt", "sub/weg.md"]:  # nothing outside the prullenbak, nothing twice
        with pytest.raises(UploadRejected, match="prullenbak"):
            restore_document(corpus, trick)
    remove_document(corpus, "sub/weg.md")
    empty_trash(corpus)
    assert not (tmp_path / "corpus.prullenbak").exists()


def test_beheer_shows_local_time_and_removes_by_title():
    import datetime as dt

    from vraagbaak.web.beheer import document_choices, local_time

    stamp = dt.datetime(2026, 12, 5, 6, 25, tzinfo=dt.timezone.utc)
    moment = stamp.astimezone()
    assert local_time(stamp.isoformat()) == f"{moment.day}-{moment.month}-{moment.year} {moment:%H:%M}"
    assert local_time("onbekend") == "onbekend"
    assert document_choices([["uploads/a.pdf", "Nota", 3, 9, "x"]]) == [("Nota (uploads/a.pdf)", "uploads/a.pdf")]
