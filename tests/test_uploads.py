"""Uploads from the Beheer tab: path tricks, content checks, and no overwriting; and the metadata a maintainer
sets there, written to a document's sidecar."""
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


def _corpus_with_note(tmp_path: Path, sidecar: str | None = None) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "nota.md").write_text("---\ngemeente: Utrecht\n---\n\n# Nota\n\nTekst van de nota.\n")
    if sidecar is not None:
        (corpus / "sub" / "nota.md.meta.yaml").write_text(sidecar, encoding="utf-8")
    return corpus


def test_metadata_goes_into_the_sidecar_and_the_other_keys_stay_as_they_were(tmp_path):
    import datetime as dt

    import yaml

    from vraagbaak.ingest.loaders import document_digest, sidecar_metadata
    from vraagbaak.web.sidecar import save_metadata

    corpus = _corpus_with_note(tmp_path, "title: Nota over de haven\nbron: https://example.org/nota\n"
                                         "datum: 2021-03-04\nthema: [haven, verkeer]\ncontact: {team: Haven}\n")
    note = corpus / "sub" / "nota.md"
    before = document_digest(note)
    side = save_metadata(corpus, "sub/nota.md", {"gemeente": "’s-Hertogenbosch", "domein": "fysiek", "jaar": "2024"})
    assert side == (corpus / "sub" / "nota.md.meta.yaml").resolve()
    text = side.read_text(encoding="utf-8")
    assert "’s-Hertogenbosch" in text  # allow_unicode: readable for a maintainer who opens the file
    assert yaml.safe_load(text) == {"title": "Nota over de haven", "bron": "https://example.org/nota",
                                    "datum": dt.date(2021, 3, 4), "thema": ["haven", "verkeer"], "contact": {"team": "Haven"},
                                    "gemeente": "’s-Hertogenbosch", "domein": "fysiek", "jaar": "2024"}
    assert sidecar_metadata(note)["gemeente"] == "’s-Hertogenbosch"
    assert document_digest(note) != before  # the next re-index takes the document again
    assert sorted(p.name for p in (corpus / "sub").iterdir()) == ["nota.md", "nota.md.meta.yaml"]  # no temp file


def test_the_sidecar_is_replaced_whole_so_a_reader_never_sees_half_a_file(tmp_path):
    from vraagbaak.web.sidecar import save_metadata

    corpus = _corpus_with_note(tmp_path, "title: Oud\n")
    side = corpus / "sub" / "nota.md.meta.yaml"
    with side.open(encoding="utf-8") as reader:  # a reader (the indexer) that opened the old sidecar
        old_inode = side.stat().st_ino
        save_metadata(corpus, "sub/nota.md", {"domein": "sociaal"})
        assert reader.read() == "title: Oud\n"  # written in place, this would be the new or a half text
    assert side.stat().st_ino != old_inode and "domein: sociaal" in side.read_text(encoding="utf-8")


def test_a_sidecar_that_cannot_be_written_leaves_nothing_behind(tmp_path):
    from vraagbaak.web.sidecar import MetadataRejected, save_metadata

    corpus = _corpus_with_note(tmp_path)
    (corpus / "sub" / "nota.md.meta.yaml").mkdir()  # a folder where the sidecar belongs: the rename fails
    with pytest.raises(MetadataRejected, match="kon niet worden opgeslagen"):
        save_metadata(corpus, "sub/nota.md", {"domein": "sociaal"})
    assert sorted(p.name for p in (corpus / "sub").iterdir()) == ["nota.md", "nota.md.meta.yaml"]


@pytest.mark.parametrize("field, value, reason", [
    ("jaar", "1899", "jaartal van 1900 tot en met 2100"),
    ("jaar", "2101", "jaartal van 1900 tot en met 2100"),
    ("jaar", "20a4", "jaartal van 1900 tot en met 2100"),
    ("jaar", "٢٠٢٤", "jaartal van 1900 tot en met 2100"),  # Arabic-Indic digits: int() takes them, a year is 0-9
    ("jaar", "02024", "jaartal van 1900 tot en met 2100"),
    ("gemeente", "x" * 101, "hoogstens 100 tekens lang"),
    ("gemeente", "Zaan\nstad", "geen regeleinde, tab of ander onzichtbaar stuurteken"),
    ("domein", "sociaal\tdomein", "geen regeleinde, tab of ander onzichtbaar stuurteken"),
    ("domein", "sociaal\u202edomein", "geen regeleinde, tab of ander onzichtbaar stuurteken"),  # text direction
    ("gemeente", "Zaan\u2028stad", "geen regeleinde, tab of ander onzichtbaar stuurteken"),
])
def test_bad_metadata_is_refused_in_dutch_and_nothing_is_written(tmp_path, field, value, reason):
    from vraagbaak.web.sidecar import MetadataRejected, save_metadata

    corpus = _corpus_with_note(tmp_path, "title: Nota\n")
    with pytest.raises(MetadataRejected, match=reason):
        save_metadata(corpus, "sub/nota.md", {"domein": "fysiek", field: value})
    assert (corpus / "sub" / "nota.md.meta.yaml").read_text(encoding="utf-8") == "title: Nota\n"


def test_an_empty_year_and_a_name_of_100_characters_are_taken(tmp_path):
    import yaml

    from vraagbaak.web.sidecar import save_metadata

    corpus = _corpus_with_note(tmp_path)
    side = save_metadata(corpus, "sub/nota.md", {"jaar": "", "organisatie": "x" * 100})
    assert yaml.safe_load(side.read_text(encoding="utf-8")) == {"jaar": "", "organisatie": "x" * 100}


def test_metadata_is_never_written_outside_the_corpus(tmp_path):
    from vraagbaak.web.sidecar import save_metadata

    corpus = _corpus_with_note(tmp_path)
    outside = tmp_path / "geheim.md"
    outside.write_text("# Geheim\n")
    (corpus / "link.md").symlink_to(outside)  # a link in the corpus to a file outside it
    for trick in ["../geheim.md", str(outside), "sub/../../geheim.md", "link.md", "sub", "bestaat-niet.md"]:
        with pytest.raises(UploadRejected, match="staat niet in de documentenmap"):
            save_metadata(corpus, trick, {"gemeente": "Zaanstad"})
    target = tmp_path / "elders.yaml"
    target.write_text("blijft: staan\n")
    (corpus / "sub" / "nota.md.meta.yaml").symlink_to(target)  # a sidecar that is a link out of the corpus
    with pytest.raises(UploadRejected, match="buiten de documentenmap"):
        save_metadata(corpus, "sub/nota.md", {"gemeente": "Zaanstad"})
    assert target.read_text() == "blijft: staan\n"
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == ["elders.yaml", "nota.md.meta.yaml"]


def test_only_the_fields_a_maintainer_changed_are_written(tmp_path):
    """A field left as shown is not copied into the sidecar (the front matter's Utrecht stays the file's own, a
    list stays a list); an emptied field is written as "", since the sidecar goes before the file's own."""
    from vraagbaak.web.sidecar import changed_fields, current_metadata

    corpus = _corpus_with_note(tmp_path, "thema: [haven, verkeer]\n")
    current = current_metadata(corpus, "sub/nota.md", {"gemeente": "Utrecht", "jaar": 2019, "thema": ["oud"]})
    assert current == {"gemeente": "Utrecht", "jaar": 2019, "thema": ["haven", "verkeer"]}  # the sidecar first
    typed = {"gemeente": "Utrecht ", "thema": "haven, verkeer", "jaar": "", "domein": ""}
    assert changed_fields(typed, current) == {"jaar": ""}
    assert changed_fields(typed | {"domein": " fysiek"}, current) == {"jaar": "", "domein": "fysiek"}
