"""Bad input never loses data: one bad file never stops an index, and every bad input gets a Dutch message."""
import contextlib
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from vraagbaak import cli
from vraagbaak.assistant import Assistant
from vraagbaak.index.versions import IndexLocked, current_version
from vraagbaak.ingest import loaders
from vraagbaak.ingest.indexer import Indexer
from vraagbaak.settings import Settings

# app.py is a script beside the package, not an installed module: load it from its file
_spec = importlib.util.spec_from_file_location("vraagbaak_app", Path(__file__).resolve().parent.parent / "app.py")
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)

GOOD = {"afval.md": "# Afval\n\nHet huishoudelijk afval wordt elke twee weken opgehaald.\n",
        "parkeren.txt": "In de binnenstad geldt betaald parkeren van negen tot eenentwintig uur.\n"}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def assistant(corpus, tmp_path, embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir)
    return Assistant(settings, embedder)


def test_bad_files_are_reported_per_file_and_the_good_ones_indexed(assistant, corpus, tmp_path, monkeypatch):
    (corpus / "geheim.md").write_text("# Geheim\n\nDit bestand mag het proces niet lezen.\n", encoding="utf-8")
    real_hash = loaders.file_hash

    def unreadable(path):  # as root every file is readable: mode 000 is simulated where it bites
        if path.name == "geheim.md":
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(loaders, "file_hash", unreadable)
    fd = os.open(os.fsencode(corpus) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT)  # a name that is not UTF-8
    os.write(fd, "Een tekst in een bestand met een Latin-1-naam.".encode())
    os.close(fd)
    outside = tmp_path / "buiten.txt"
    outside.write_text("Dit staat buiten de documentenmap.", encoding="utf-8")
    os.symlink(outside, corpus / "koppeling.txt")

    report = assistant.build_index()
    assert sorted(report.added) == sorted(GOOD)
    assert "Permission denied" in report.failed["geheim.md"]
    assert "UTF-8" in report.failed["caf\\xe9.txt"]  # shown with a readable escape
    assert "buiten de documentenmap" in report.failed["koppeling.txt"]
    assert not assistant.needs_index()  # the failures are remembered: no re-index at every start
    status = assistant.status()
    assert status["healthy"] and status["up_to_date"] and set(status["failed"]) == {
        "geheim.md", "caf\\xe9.txt", "koppeling.txt"}
    assert assistant.ask("Hoe vaak wordt het afval opgehaald?").found
    from vraagbaak.web.ui import collection_description  # the first screen says that not every file is searched
    assert collection_description(assistant).endswith(
        " Let op: 3 bestanden in de documentenmap konden niet gelezen worden en worden dus niet doorzocht; een "
        "beheerder kan zien welke en waarom.")


@pytest.mark.slow  # a child process builds an index
def test_cli_index_with_bad_files_exits_3_and_names_them(corpus, tmp_path, model_dir, capsys):
    os.symlink("/etc/hostname", corpus / "systeem.txt")
    code = cli.main(["index", "--corpus", str(corpus), "--index", str(tmp_path / "i")])
    out = capsys.readouterr().out
    assert code == cli.EXIT_SOME_FAILED and "systeem.txt: symbolische koppeling" in out


def test_app_serves_the_previous_index_when_updating_fails(assistant, monkeypatch, capsys):
    assistant.build_index()
    (assistant.settings.corpus_dir / "nieuw.md").write_text("# Nieuw\n\nEen nieuw document.\n", encoding="utf-8")
    launched = []

    def locked(*args, **kwargs):
        raise IndexLocked("Er draait al een indexering (proces 1).")

    monkeypatch.setattr(app, "Assistant", lambda: assistant)
    monkeypatch.setattr(assistant, "build_index", locked)
    monkeypatch.setattr(app, "launch", launched.append)
    assert app.main() == 0 and launched == [assistant]
    assert "vorige index" in capsys.readouterr().err


def test_app_without_any_usable_index_says_so_and_stops(assistant, monkeypatch, capsys):
    monkeypatch.setattr(app, "Assistant", lambda: assistant)
    monkeypatch.setattr(assistant, "build_index", lambda **kw: (_ for _ in ()).throw(OSError(28, "No space")))
    monkeypatch.setattr(app, "launch", lambda a: pytest.fail("must not start without an index"))
    assert app.main() == 2 and "geen bruikbare index" in capsys.readouterr().err


def test_ctrl_c_during_index_leaves_the_index_as_it_was(assistant, monkeypatch, capsys):
    assistant.build_index()
    index_dir = assistant.settings.index_dir
    before = current_version(index_dir)
    (assistant.settings.corpus_dir / "nieuw.md").write_text("# Nieuw\n\nEen nieuw document.\n", encoding="utf-8")

    def interrupt(self, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(Indexer, "_fill", interrupt)
    code = cli.main(["index", "--corpus", str(assistant.settings.corpus_dir), "--index", str(index_dir)])
    assert code == cli.EXIT_INTERRUPTED and "De index is zoals hij was" in capsys.readouterr().err
    assert current_version(index_dir) == before
    assert not (index_dir / ".lock").exists()


def test_cli_index_on_a_file_says_it_is_not_a_folder(tmp_path, capsys):
    (tmp_path / "los.md").write_text("# Los\n\nEen los bestand.\n", encoding="utf-8")
    code = cli.main(["index", "--corpus", str(tmp_path / "los.md"), "--index", str(tmp_path / "i")])
    assert code == cli.EXIT_ERROR and "is een bestand, geen map" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"", b"versie-die-niet-bestaat\n"])
def test_damaged_current_file_is_reported_with_advice(assistant, content, capsys):
    assistant.build_index()
    index_dir = assistant.settings.index_dir
    (index_dir / "CURRENT").write_bytes(content)
    args = ["--corpus", str(assistant.settings.corpus_dir), "--index", str(index_dir)]
    assert cli.main(["status", *args]) == cli.EXIT_ERROR
    assert "CURRENT" in capsys.readouterr().err
    assert cli.main(["index", *args]) == cli.EXIT_ERROR  # never a silent re-embed of everything
    assert "--rebuild" in capsys.readouterr().err
    assert cli.main(["index", "--rebuild", *args]) == 0


@pytest.mark.parametrize("damage", ["vectors.faiss", "chunks.sqlite", "lexical", "sentences.sqlite"])
def test_status_runs_the_integrity_check(assistant, damage, capsys):
    assistant.build_index()
    folder = assistant.settings.index_dir / "versions" / current_version(assistant.settings.index_dir)
    target = folder / damage
    if target.is_dir():
        shutil.rmtree(target)
        target.mkdir()
    else:
        target.write_bytes(b"kapot")
    args = ["--corpus", str(assistant.settings.corpus_dir), "--index", str(assistant.settings.index_dir)]
    assert cli.main(["status", *args]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert "beschadigd" in err or "inconsistent" in err or "past niet" in err, err


@pytest.mark.parametrize("lines, message", [
    (["42"], "regel 1: verwacht een object"),
    (['{"question": 123, "doc": "a.md"}'], "regel 1: verwacht een object"),
    (['{"question": "Wat?", "doc": "a.md"}', "{kapot"], "regel 2: geen geldige JSON"),
    (['{"question": "Wat?"}'], "regel 1: geef"),
    ([], "bevat geen vragen"),
])
def test_cli_eval_bad_question_files_get_a_dutch_message(assistant, tmp_path, lines, message, capsys):
    assistant.build_index()
    questions = tmp_path / "vragen.jsonl"
    questions.write_text("\n".join(lines), encoding="utf-8")
    args = ["--corpus", str(assistant.settings.corpus_dir), "--index", str(assistant.settings.index_dir)]
    assert cli.main(["eval", "--questions", str(questions), *args]) == cli.EXIT_ERROR
    assert message in capsys.readouterr().err


def test_cli_eval_on_a_folder_says_so(assistant, tmp_path, capsys):
    assistant.build_index()
    args = ["--corpus", str(assistant.settings.corpus_dir), "--index", str(assistant.settings.index_dir)]
    assert cli.main(["eval", "--questions", str(tmp_path), *args]) == cli.EXIT_ERROR
    assert "is een map" in capsys.readouterr().err


def test_eval_json_still_parses_with_unanswerable_lines(assistant, tmp_path, capsys):
    assistant.build_index()
    questions = tmp_path / "vragen.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"question": "Hoe vaak wordt het afval opgehaald?", "all_of": ["twee weken"]},
        {"question": "Wat is de hoofdstad van Peru?", "unanswerable": True}]), encoding="utf-8")
    args = ["--corpus", str(assistant.settings.corpus_dir), "--index", str(assistant.settings.index_dir)]
    assert cli.main(["eval", "--questions", str(questions), "--mode", "hybrid", "--json", *args]) == 0
    row = json.loads(capsys.readouterr().out)["modes"]["hybrid"]
    assert row["answer_in_quotes"] == 1.0 and row["refused_unanswerable"] == 1.0 and row["refused_answerable"] == 0


def test_a_file_unreadable_for_a_moment_keeps_its_previous_version(assistant, monkeypatch):
    assistant.build_index()
    real_hash = loaders.file_hash

    def locked(path):
        if path.name == "afval.md":
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(loaders, "file_hash", locked)
    (assistant.settings.corpus_dir / "nieuw.md").write_text("# Nieuw\n\nEen nieuw document.\n", encoding="utf-8")
    report = assistant.build_index()
    assert "vorige versie blijft in de index" in report.failed["afval.md"]
    assert "afval.md" in {d["doc"] for d in assistant.documents()}
    assert assistant.ask("Hoe vaak wordt het afval opgehaald?").found
    assert assistant.unread_files() == []  # still searched: the first screen does not count it as unread
    monkeypatch.setattr(loaders, "file_hash", real_hash)
    assert not assistant.needs_index()  # readable again and unchanged: the index already holds it
    assert "afval.md" not in assistant.build_index().failed


@pytest.mark.parametrize("content", [None, b"%PDF-1.4 kapot"], ids=["lege map", "alleen een kapotte PDF"])
def test_a_corpus_without_any_readable_text_gets_a_dutch_message_and_no_index(tmp_path, content, capsys):
    """An empty folder, or one whose every file fails, made the BM25 build crash on an empty vocabulary
    ("Fout: max() arg is an empty sequence"): now it says what is wrong, exits 2 and writes no version."""
    corpus, index = tmp_path / "docs", tmp_path / "index"
    corpus.mkdir()
    if content is not None:
        (corpus / "kapot.pdf").write_bytes(content)
    assert cli.main(["index", "--corpus", str(corpus), "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert ("geen documenten die Vraagbaak kan lezen" if content is None else "kapot.pdf") in err
    assert "max()" not in err and current_version(index) is None


def test_cli_ask_on_a_full_disk_answers_from_the_previous_index(tmp_path, model_dir, capsys):
    """A full disk while `ask` brought the index up to date: "Fout bij het schrijven", exit 2, no answer, while
    the last good index was intact. Now the question is answered from it, with a warning. On a real full file
    system where one can be mounted (tmpfs), else with the write failing as a full disk makes it fail."""
    import errno
    import subprocess

    folder = tmp_path / "schijf"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    try:
        corpus, index = folder / "docs", folder / "index"
        corpus.mkdir()
        for name, text in GOOD.items():
            (corpus / name).write_text(text, encoding="utf-8")
        args = ["--corpus", str(corpus), "--index", str(index)]
        assert cli.main(["index", *args]) == 0
        (corpus / "nieuw.md").write_text("# Nieuw\n\nDe bibliotheek is op zondag gesloten.\n", encoding="utf-8")
        capsys.readouterr()
        if mounted:
            with contextlib.suppress(OSError), (folder / "vulling").open("wb") as filler:
                while True:
                    filler.write(b"0" * 65536)
                    filler.flush()
            code = cli.main(["ask", *args, "Wanneer wordt het afval opgehaald?"])
        else:
            def disk_full(*_, **__):
                raise OSError(errno.ENOSPC, "No space left on device")

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(Indexer, "run", disk_full)
                code = cli.main(["ask", *args, "Wanneer wordt het afval opgehaald?"])
        out, err = capsys.readouterr()
        assert code == 0 and "twee weken" in out
        assert "niet bijgewerkt" in err and "vorige index" in err
    finally:
        if mounted:
            subprocess.run(["umount", "--lazy", str(folder)], capture_output=True)


def test_ask_batch_skips_a_line_that_is_not_utf8_and_answers_the_rest(corpus, tmp_path, model_dir, capsys):
    """One non-UTF-8 line stopped the whole batch with a traceback."""
    batch = tmp_path / "vragen.txt"
    batch.write_bytes("Wanneer wordt het afval opgehaald?\n".encode() + b"caf\xe9 in cp1252\n"
                      + "Wanneer geldt betaald parkeren?\n".encode())
    code = cli.main(["ask", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--batch", str(batch)])
    out, err = capsys.readouterr()
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == cli.EXIT_SOME_FAILED and len(answers) == 2
    assert "twee weken" in answers[0]["answer"] and "negen" in answers[1]["answer"]
    assert "regel 2 is geen UTF-8" in err


def test_a_lone_surrogate_in_a_question_is_dropped_not_a_generic_error(assistant):
    """JSON allows "\\ud800"; UTF-8 does not, and the tokenizer failed on it ("Er ging iets mis")."""
    assistant.build_index()
    answer = assistant.ask("Wanneer wordt het afval\ud800 opgehaald?\udcff", previous=["Over afval\udc80"])
    assert answer.found and "twee weken" in answer.answer and answer.question == "Wanneer wordt het afval opgehaald?"
    assert assistant.search("parkeren\ud800", k=1)[0].chunk.doc == "parkeren.txt"
