"""The house rules that code can check: one file-type registry, one heading walk, one lock style, the
deprecated `python -m assistant` alias. Fast: no model, no index."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from vraagbaak.ingest import filetypes, loaders
from vraagbaak.ingest.chunking import document_sentences
from vraagbaak.locking import FileLock, LockHeld
from vraagbaak.schema import Document, Page
from vraagbaak.text.headings import HeadingPath
from vraagbaak.web import uploads
from vraagbaak.web.sources import section_text

ROOT = Path(__file__).resolve().parent.parent


def test_every_registered_type_has_a_loader_and_an_upload_check(tmp_path):
    for kind in filetypes.TYPES:
        assert kind.loader in loaders.LOADERS and kind.view in {"page", "section"}
        assert kind.content in {"pdf", "text", "html", "mail", "ole", "rtf"} or kind.content.startswith("zip:")
    assert filetypes.SUPPORTED == {".pdf", ".md", ".markdown", ".txt", ".docx", ".odt", ".html", ".htm", ".xlsx",
                                   ".ods", ".csv", ".eml", ".msg", ".doc", ".rtf"}
    assert filetypes.of_path("map/Verslag.PDF").label == "PDF" and filetypes.of_path("foto.jpg") is None
    assert filetypes.has_pages("a.pdf") and not filetypes.has_pages("a.md")
    assert filetypes.is_markdown_path("a.markdown") and not filetypes.is_markdown_path("a.txt")
    with pytest.raises(uploads.UploadRejected, match="alleen PDF, Markdown, tekst, Word, .* en RTF zijn toegestaan"):
        uploads.safe_filename("foto.jpg")
    fake = tmp_path / "nep.pdf"
    fake.write_text("geen pdf")
    with pytest.raises(uploads.UploadRejected, match="geen PDF"):
        uploads.check_content(fake, ".pdf", 1_000_000)


def test_chunking_and_the_source_view_walk_the_same_headings():
    text = "# Rapport\n\nInleiding.\n\n## Aanpak\n\nDe aanpak.\n\n### Data\n\nDe data.\n\n## Resultaat\n\nHet resultaat.\n"
    sentences = document_sentences(Document("r.md", "Rapport", [Page(1, text)]))
    sections = {" > ".join(s.heading_path): s.text for s in sentences}
    assert sections["Rapport > Aanpak > Data"] == "De data."
    assert sections["Rapport > Resultaat"] == "Het resultaat."
    shown = section_text([text], "Rapport > Aanpak", is_markdown=True)
    assert "De aanpak." in shown and "De data." in shown and "Het resultaat." not in shown
    path = HeadingPath()
    path.enter(1, "A"), path.enter(2, "B"), path.enter(3, "C"), path.enter(2, "D")
    assert path.titles == ("A", "D") and str(path) == "A > D"


def _holder(lock_path: Path) -> subprocess.Popen:
    code = ("import sys, time\nfrom vraagbaak.locking import FileLock\n"
            f"with FileLock({str(lock_path)!r}, wait=False, remove=True):\n"
            "    print('vast', flush=True)\n    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.readline().strip() == "vast"
    return proc


def test_a_lock_names_its_holder_and_is_free_once_the_holder_is_killed(tmp_path):
    path = tmp_path / ".lock"
    proc = _holder(path)
    try:
        with pytest.raises(LockHeld) as held:
            FileLock(path, wait=False).__enter__()
        assert held.value.holder == proc.pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert path.exists()  # the killed holder could not clean up, and needs not: the kernel dropped its lock
    with FileLock(path, wait=False, remove=True):
        assert path.read_text() == str(os.getpid())
    assert not path.exists()


def test_a_lock_file_naming_a_live_process_is_no_lock(tmp_path):
    """A PID in a file says nothing: in a container the killed app was PID 1, and PID 1 is always alive."""
    (tmp_path / ".lock").write_text("1")
    with FileLock(tmp_path / ".lock", wait=False):
        pass


def test_python_m_assistant_still_works_and_says_it_is_deprecated():
    out = subprocess.run([sys.executable, "-m", "assistant", "--help"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0 and "index" in out.stdout
    assert "python -m vraagbaak" in out.stderr and "verouderd" in out.stderr


def test_a_question_how_much_was_paid_asks_for_a_sum_of_money_and_a_paid_thing_does_not():
    """"Hoeveel heeft Enschede betaald …?" is a cost question (answered by a sum, else "noemen geen bedrag"),
    like "gekost" and "uitgegeven", and "Hoeveel rente betaalt …?" one answered by a sum or a rate; "betaald" in
    "Welke landen staan toe dat een draagmoeder betaald wordt?" asks for countries (seen asking as a user)."""
    from vraagbaak.answer.kinds import wanted_kind

    assert wanted_kind("Hoeveel heeft de gemeente Enschede betaald voor de veiligheidsmonitor?").missing == "money"
    assert wanted_kind("Hoeveel betaalde Den Helder voor het onderzoek?").missing == "money"
    assert not wanted_kind("Hoeveel betaalde Den Helder voor het onderzoek?").holds("70% van de inwoners")
    assert wanted_kind("Hoeveel rente betaalde Den Helder over de lening?").holds("een rente van 2%")
    assert wanted_kind("Welke landen staan toe dat een draagmoeder betaald wordt?") is None
    assert wanted_kind("Welk percentage rente betalen ondernemers over een Tozo-lening?").missing != "money"


def test_the_first_screen_counts_documents_by_their_file_type():
    """It said "32 documenten (32 tekst- en Markdownbestanden)" for Word, Excel, e-mails and their attachments."""
    from vraagbaak.web.ui import kinds_of

    assert kinds_of(["a.pdf", "b.pdf", "cases/c.md", "nota.docx", "post/brief.eml", "post/brief.eml/bijlage.pdf",
                     "lijst.xlsx"]) == "PDF-bestanden: 2, Markdown: 1, Word: 1, e-mail: 1, bijlagen bij e-mails: 1, Excel: 1"
