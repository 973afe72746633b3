"""Re-indexing: incremental updates, crash safety (SIGKILL), the writer lock, bad input, status."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vraagbaak.assistant import Assistant
from vraagbaak.index.versions import IndexError_, IndexLocked, IndexVersion, current_version
from vraagbaak.ingest.indexer import SENTENCES_SCRATCH, Indexer
from vraagbaak.ingest.loaders import IsolatedLoader, LoadError
from vraagbaak.settings import Settings
from vraagbaak.text.sentences import chunk_sentence_texts

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent

DOCS = {
    "bomen.md": "---\ntitle: Bomenplan\n---\n\nDe gemeente Oudstad plant dit jaar tweehonderd nieuwe linden "
                "langs de singel. De bomen worden in november geplant.\n",
    "zwembad.md": "---\ntitle: Zwembad\n---\n\nHet zwembad De Wiel gaat in 2027 dicht voor een grote renovatie. "
                  "Zwemmers kunnen zolang terecht in het bad van de buurgemeente.\n",
    "markt.txt": "Weekmarkt\n\nDe weekmarkt verhuist in het voorjaar van het Marktplein naar de Havenkade. "
                 "Er komen twintig extra kramen.\n",
}
NEW_DOC = ("bibliotheek.md", "---\ntitle: Bibliotheek\n---\n\nDe bibliotheek in de wijk Noord opent op zondag "
                             "tussen twaalf en vijf uur de deuren voor studerende scholieren.\n")


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def top_doc(assistant: Assistant, question: str) -> str:
    return assistant.search(question, k=1)[0].chunk.doc


@pytest.fixture
def fresh(tmp_path, embedder) -> Assistant:
    corpus = make_corpus(tmp_path / "corpus")
    return Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                              model_dir=embedder.settings.model_dir), embedder)


def build(assistant: Assistant, **kw):
    before = assistant.embedder.passages_embedded
    report = assistant.build_index(**kw)
    return report, assistant.embedder.passages_embedded - before


# --- incremental -------------------------------------------------------------

def test_only_new_and_changed_text_is_embedded(fresh):
    corpus = fresh.settings.corpus_dir
    report, calls = build(fresh)
    assert calls == report.chunks == report.embedded == 3 and sorted(report.added) == sorted(DOCS)

    report, calls = build(fresh)  # nothing changed
    assert calls == 0 and len(report.unchanged) == 3 and report.reused_vectors == 3

    (corpus / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    report, calls = build(fresh)
    assert calls == 1 and report.added == ["bibliotheek.md"] and len(report.unchanged) == 3
    assert top_doc(fresh, "Wanneer is de bibliotheek op zondag open?") == "bibliotheek.md"

    (corpus / "markt.txt").write_text(DOCS["markt.txt"].replace("twintig", "dertig"), encoding="utf-8")
    report, calls = build(fresh)
    assert calls == 1 and report.changed == ["markt.txt"] and len(report.unchanged) == 3
    assert "dertig extra kramen" in fresh.search("Hoeveel kramen komen erbij op de weekmarkt?", k=1)[0].chunk.text

    (corpus / "zwembad.md").unlink()
    report, calls = build(fresh)
    assert calls == 0 and report.removed == ["zwembad.md"] and report.documents == 3
    assert "zwembad.md" not in {h.chunk.doc for h in fresh.search("Wanneer gaat het zwembad dicht?", k=5)}

    (corpus / "bomen.md").rename(corpus / "groen-bomenplan.md")
    report, calls = build(fresh)
    assert calls == 0 and report.renamed == {"groen-bomenplan.md": "bomen.md"}
    assert top_doc(fresh, "Hoeveel linden worden er geplant?") == "groen-bomenplan.md"

    report, calls = build(fresh, rebuild=True)
    assert calls == report.chunks == 3 and report.reused_vectors == 0


def test_sentence_vectors_are_embedded_once_and_copied_for_unchanged_text(fresh):
    """The answer stage reads the sentence vectors stored at indexing: a new file embeds only its own
    sentences, a question embeds only itself, and --rebuild embeds everything again."""
    embedder, corpus = fresh.embedder, fresh.settings.corpus_dir

    def build_counting(**kw):
        before = embedder.sentences_embedded
        report = fresh.build_index(**kw)
        return report, embedder.sentences_embedded - before

    report, first = build_counting()
    assert first == report.embedded_sentences > 3 and report.reused_sentence_vectors == 0
    (corpus / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    report, calls = build_counting()
    own = {t for _, chunk, _ in fresh.index.catalogue.chunks_of(NEW_DOC[0]) for t in chunk_sentence_texts(chunk)}
    assert calls == report.embedded_sentences == len(own) and report.reused_sentence_vectors == first

    counts = (embedder.sentences_embedded, embedder.passages_embedded)
    answer = fresh.ask("Wanneer is de bibliotheek op zondag open?")
    assert answer.found and answer.citations[0].doc == NEW_DOC[0]
    assert (embedder.sentences_embedded, embedder.passages_embedded) == counts

    report, calls = build_counting(rebuild=True)
    assert calls == report.embedded_sentences == first + len(own) and report.reused_sentence_vectors == 0


def test_a_version_without_sentence_vectors_answers_and_is_brought_up_to_date(fresh):
    """A version written before sentence vectors were stored: its sentences are embedded at question time,
    and the next start adds the vectors without embedding a passage again."""
    fresh.build_index()
    folder = fresh.settings.index_dir / "versions" / current_version(fresh.settings.index_dir)
    (folder / "sentences.sqlite").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["sentence_vectors"]
    (folder / "manifest.json").write_text(json.dumps(manifest))

    reader = Assistant(fresh.settings, fresh.embedder)
    before = fresh.embedder.sentences_embedded
    assert reader.ask("Wanneer gaat het zwembad dicht?").found
    assert fresh.embedder.sentences_embedded > before
    assert reader.needs_index()
    report = reader.build_index()
    assert report.embedded == 0 and report.embedded_sentences > 0 and not reader.needs_index()


def test_running_assistant_picks_up_a_new_version_without_restart(fresh, embedder):
    build(fresh)
    assert fresh.search("bibliotheek zondag", k=1)[0].chunk.doc != "bibliotheek.md"
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    other = Assistant(fresh.settings, embedder)  # e.g. the CLI, while the app keeps running
    other.build_index()
    assert top_doc(fresh, "Wanneer is de bibliotheek op zondag open?") == "bibliotheek.md"


# --- crash safety: SIGKILL at several points -----------------------------------

# A main guard, as every script that indexes needs one: the loader's worker processes (forkserver) import the
# main script, and without it each would run the indexer again.
PAUSING_INDEXER = textwrap.dedent("""
    import sys, time, importlib
    if __name__ == "__main__":
        module_name, attr = sys.argv[1].split(":")
        owner = importlib.import_module(module_name)
        if "." in attr:
            cls_name, attr = attr.split(".")
            owner = getattr(owner, cls_name)
        def paused(*args, **kwargs):
            print("PAUSED", flush=True)
            time.sleep(600)
        setattr(owner, attr, paused)
        from vraagbaak.cli import main
        sys.exit(main(["index", "--corpus", sys.argv[2], "--index", sys.argv[3]]))
""")
# Where the indexer is killed: while embedding, after the new version's files are written but before
# it is renamed into place, after the rename but before CURRENT is switched, and after the switch.
KILL_POINTS = [
    ("vraagbaak.ingest.indexer:Indexer._fill", "old"),
    ("vraagbaak.ingest.indexer:Indexer._manifest", "old"),  # the sentence vectors are written to a scratch file
    ("vraagbaak.index.versions:_fsync_tree", "old"),
    ("vraagbaak.index.versions:_replace_file", "old"),
    ("vraagbaak.index.versions:_remove_old_versions", "new"),
]


def start_paused_indexer(point: str, settings: Settings, tmp_path: Path) -> subprocess.Popen:
    script = tmp_path / "pausing_indexer.py"
    script.write_text(PAUSING_INDEXER)
    proc = subprocess.Popen([sys.executable, str(script), point, str(settings.corpus_dir), str(settings.index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    line = proc.stdout.readline()
    assert line.strip() == "PAUSED", proc.stderr.read()
    return proc


@pytest.mark.parametrize("point, expected", KILL_POINTS, ids=[p.split(":")[1] for p, _ in KILL_POINTS])
def test_sigkill_leaves_a_working_index_and_the_next_run_finishes(fresh, embedder, tmp_path, point, expected):
    build(fresh)
    old_version = current_version(fresh.settings.index_dir)
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    proc = start_paused_indexer(point, fresh.settings, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert (fresh.settings.index_dir / ".lock").exists()  # the killed indexer could not clean up

    reader = Assistant(fresh.settings, embedder)
    IndexVersion(fresh.settings.index_dir)  # integrity checks pass
    found = top_doc(reader, "Wanneer is de bibliotheek op zondag open?") == "bibliotheek.md"
    assert found == (expected == "new")
    assert (current_version(fresh.settings.index_dir) == old_version) == (expected == "old")
    assert top_doc(reader, "Hoeveel linden worden er geplant?") == "bomen.md"

    report, _ = build(reader)  # takes over the stale lock and completes the update
    assert top_doc(reader, "Wanneer is de bibliotheek op zondag open?") == "bibliotheek.md"
    assert report.documents == 4
    leftovers = [p.name for p in (fresh.settings.index_dir / "versions").iterdir()]
    assert leftovers == [current_version(fresh.settings.index_dir)]
    assert not (fresh.settings.index_dir / SENTENCES_SCRATCH).exists()
    assert not (fresh.settings.index_dir / ".lock").exists()


@pytest.mark.parametrize("pid_one", [False, True], ids=["process", "pid-1"])
def test_sigterm_stops_indexing_like_ctrl_c_also_as_pid_1(fresh, tmp_path, pid_one):
    """docker stop sends SIGTERM; as PID 1 in a container a Python process without a handler ignores it. The
    indexer stops, says so, releases its lock and leaves the index as it was."""
    build(fresh)
    old_version = current_version(fresh.settings.index_dir)
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    prefix = ["unshare", "--pid", "--fork", "--kill-child"] if pid_one else []
    if pid_one and subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare --pid is not allowed here")
    script = tmp_path / "pausing_indexer.py"
    script.write_text(PAUSING_INDEXER)
    proc = subprocess.Popen([*prefix, sys.executable, str(script), "vraagbaak.ingest.indexer:Indexer._fill",
                             str(fresh.settings.corpus_dir), str(fresh.settings.index_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.readline().strip() == "PAUSED", proc.stderr.read()
    indexer_pid = proc.pid
    if pid_one:  # the indexer is the only child of unshare, and PID 1 inside its namespace
        indexer_pid = int(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()[0])
    os.kill(indexer_pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert "Afgebroken. De index is zoals hij was." in err and proc.returncode == 130, (proc.returncode, err)
    assert current_version(fresh.settings.index_dir) == old_version
    assert not (fresh.settings.index_dir / ".lock").exists()


def test_two_indexers_never_run_at_once(fresh, tmp_path):
    build(fresh)
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    first = start_paused_indexer("vraagbaak.ingest.indexer:Indexer._fill", fresh.settings, tmp_path)
    try:
        with pytest.raises(IndexLocked, match=f"Er draait al een indexering \\(proces {first.pid}\\)"):
            fresh.build_index()
        second = subprocess.run([sys.executable, "-m", "vraagbaak", "index", "--corpus",
                                 str(fresh.settings.corpus_dir), "--index", str(fresh.settings.index_dir)],
                                capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert second.returncode == 2 and "Er draait al een indexering" in second.stderr
    finally:
        first.kill()
        first.wait(timeout=30)


def test_vector_count_mismatch_is_refused_with_rebuild_advice(fresh):
    build(fresh)
    import faiss
    import numpy as np

    version_dir = fresh.settings.index_dir / "versions" / current_version(fresh.settings.index_dir)
    vectors = faiss.IndexFlatIP(384)
    vectors.add(np.zeros((2, 384), dtype=np.float32))  # one vector short
    faiss.write_index(vectors, str(version_dir / "vectors.faiss"))
    with pytest.raises(IndexError_, match="--rebuild"):
        IndexVersion(fresh.settings.index_dir)


# --- bad input ---------------------------------------------------------------

def awkward_corpus(folder: Path) -> Path:
    make_corpus(folder)
    for name in ["awkward-encrypted-aes256-userpw-foo.pdf", "awkward-encrypted-rc4-ownerpw-only.pdf",
                 "lnv-nota-scanned-no-textlayer.pdf", "awkward-not-a-pdf-IAmWrongPDF.pdf",
                 "vws-woo-182968-notulen-beschermingsmiddelen-ocr.pdf"]:
        shutil.copy(FIXTURES / name, folder)
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Notitie over de coördinatie van de raadsvergadering in Zuid-Holland."
                                        .encode("cp1252"))
    (folder / "groot.txt").write_text("Een regel tekst over de begroting. " * 90_000)  # 3.2 MB
    (folder / "ruis.txt").write_text(_ocr_noise(), encoding="utf-8")
    shutil.copy(folder / "zwembad.md", folder / "kopie-van-zwembad.md")
    return folder


def _ocr_noise() -> str:
    """What a bad OCR layer looks like: symbols, digits and letters without vowels."""
    import random

    rng = random.Random(7)
    alphabet = "bcdfghjklmnpqrstvwxz0123456789|}{~^#%&*<>=_@$"
    return " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(400))


@pytest.mark.slow  # a child process builds an index
def test_bad_files_are_reported_per_file_and_the_rest_is_indexed(tmp_path):
    corpus = awkward_corpus(tmp_path / "corpus")
    env = dict(os.environ, VRAAGBAAK_MAX_FILE_MB="2", VRAAGBAAK_OCR="off")  # OCR itself: test_ocr.py
    run = subprocess.run([sys.executable, "-m", "vraagbaak", "index", "--corpus", str(corpus),
                          "--index", str(tmp_path / "index")], capture_output=True, text=True, timeout=600,
                         env=env, cwd=ROOT)
    assert run.returncode == 3, run.stderr
    out = run.stdout
    expected = {
        "awkward-encrypted-aes256-userpw-foo.pdf": "versleuteld, wachtwoord nodig",
        "lnv-nota-scanned-no-textlayer.pdf": "OCR nodig (2 pagina's)",
        "awkward-not-a-pdf-IAmWrongPDF.pdf": "geen geldige PDF",
        "leeg.txt": "leeg bestand",
        "groot.txt": "MB, limiet 2 MB) / file too large",
        "ruis.txt": "grotendeels onleesbaar",
    }
    for name, reason in expected.items():
        assert any(name in line and reason in line for line in out.splitlines()), (name, out)
    assert "zwembad.md = kopie-van-zwembad.md" in out  # the first name in sorted order is kept
    assert "6 documenten" in out  # the 3 plain ones, the RC4 PDF, the OCR-layer Woo PDF and latin1.txt

    status = subprocess.run([sys.executable, "-m", "vraagbaak", "status", "--json", "--corpus", str(corpus),
                             "--index", str(tmp_path / "index")], capture_output=True, text=True, timeout=300,
                            env=env, cwd=ROOT)
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert set(data["failed"]) == set(expected)
    assert data["duplicates"] == {"zwembad.md": "kopie-van-zwembad.md"}
    assert data["up_to_date"] is True and data["model_matches"] is True
    assert data["counts"]["documents"] == 6
    names = set(json.loads((tmp_path / "index" / "versions" / data["version"] / "manifest.json")
                           .read_text())["files"])
    assert {"awkward-encrypted-rc4-ownerpw-only.pdf", "vws-woo-182968-notulen-beschermingsmiddelen-ocr.pdf",
            "latin1.txt", "kopie-van-zwembad.md"} <= names


def test_status_lists_files_not_yet_indexed(fresh):
    build(fresh)
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")
    (fresh.settings.corpus_dir / "markt.txt").write_text("Weekmarkt\n\nDe markt is afgelast.\n")
    (fresh.settings.corpus_dir / "zwembad.md").unlink()
    status = fresh.status()
    assert status["up_to_date"] is False
    assert status["stale"] == {"new": ["bibliotheek.md"], "changed": ["markt.txt"], "removed": ["zwembad.md"]}


@pytest.mark.slow  # a child process builds an index
def test_index_exit_code_is_zero_when_every_file_succeeds(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    run = subprocess.run([sys.executable, "-m", "vraagbaak", "index", "--corpus", str(corpus),
                          "--index", str(tmp_path / "index")], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "nieuw 3, gewijzigd 0, verwijderd 0, ongewijzigd 0, mislukt 0" in run.stdout
    missing = subprocess.run([sys.executable, "-m", "vraagbaak", "index", "--corpus", str(tmp_path / "nergens"),
                              "--index", str(tmp_path / "index2")], capture_output=True, text=True, timeout=600,
                             cwd=ROOT)
    assert missing.returncode == 2 and "bestaat niet" in missing.stderr


# --- per-file time limit and fuzzing ------------------------------------------

def test_a_pdf_that_takes_too_long_is_stopped_and_the_next_one_still_loads(tmp_path):
    pdf = FIXTURES / "bnc-fiche-5-mifid-herziening.pdf"  # 15 pages: takes far longer than 1 ms to read
    with IsolatedLoader(timeout=0.001) as loader:
        with pytest.raises(LoadError, match="langer dan 0.001 s"):
            loader.load(pdf, FIXTURES)
        loader.timeout = 60
        assert len(loader.load(pdf, FIXTURES).pages) == 15  # a fresh worker replaced the killed one


def mutated_pdfs(count: int, seed: int = 2026) -> list[bytes]:
    """Truncated, bit-flipped, spliced and zeroed copies of real PDFs."""
    import random

    rng = random.Random(seed)
    sources = [(FIXTURES / n).read_bytes() for n in
               ["tk-aanhangsel-kamervragen-tozo-2021.pdf", "gemeente-denhelder-besluitenlijst-raad-2015-06-29.pdf",
                "awkward-encrypted-rc4-ownerpw-only.pdf"]]
    out = []
    for i in range(count):
        data = bytearray(rng.choice(sources))
        kind = i % 5
        if kind == 0:
            data = data[: rng.randint(0, len(data))]
        elif kind == 1:
            for _ in range(rng.randint(1, 50)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 2:
            start = rng.randrange(len(data))
            data[start:start + rng.randint(1, 4096)] = bytes(rng.randint(1, 4096))
        elif kind == 3:
            other = rng.choice(sources)
            cut = rng.randrange(min(len(data), len(other)))
            data = data[:cut] + other[cut:]
        else:
            start = rng.randrange(len(data))
            data[start:start] = rng.randbytes(rng.randint(1, 2048))
        out.append(bytes(data))
    return out


@pytest.mark.slow  # 300 mutated PDFs through the worker process
def test_fuzzed_pdfs_never_crash_or_hang_the_loader(tmp_path):
    folder = tmp_path / "fuzz"
    folder.mkdir()
    outcomes = {"read": 0, "refused": 0}
    with IsolatedLoader(timeout=20, min_word_share=0.5) as loader:
        for i, data in enumerate(mutated_pdfs(300)):
            path = folder / f"mutant-{i:03d}.pdf"
            path.write_bytes(data)
            try:
                doc = loader.load(path, folder)
                assert doc.pages and doc.text.strip()
                outcomes["read"] += 1
            except LoadError as err:
                assert " / " in str(err)  # Dutch and English reason
                outcomes["refused"] += 1
    assert outcomes["read"] + outcomes["refused"] == 300
    assert outcomes["read"] > 0 and outcomes["refused"] > 0


def test_indexer_survives_a_folder_of_mutated_pdfs(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus")
    for i, data in enumerate(mutated_pdfs(40, seed=11)):
        (corpus / f"mutant-{i:02d}.pdf").write_bytes(data)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model_dir=embedder.settings.model_dir,
                        file_timeout_s=20)
    report = Indexer(settings, embedder).run()
    assert len(report.added) + len(report.failed) + len(report.duplicates) == 43
    assert {"bomen.md", "zwembad.md", "markt.txt"} <= set(report.added)
    assert top_doc(Assistant(settings, embedder), "Hoeveel linden worden er geplant?") == "bomen.md"


def test_a_full_disk_while_writing_keeps_the_previous_index(fresh, monkeypatch, tmp_path):
    import errno

    from vraagbaak.index import versions as store

    build(fresh)
    old_version = current_version(fresh.settings.index_dir)
    (fresh.settings.corpus_dir / NEW_DOC[0]).write_text(NEW_DOC[1], encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_fsync_tree", disk_full)
    with pytest.raises(OSError):
        fresh.build_index()
    assert current_version(fresh.settings.index_dir) == old_version
    assert [p.name for p in (fresh.settings.index_dir / "versions").iterdir()] == [old_version]  # no half version
    assert not (fresh.settings.index_dir / ".lock").exists()
    assert top_doc(fresh, "Hoeveel linden worden er geplant?") == "bomen.md"
    monkeypatch.undo()
    build(fresh)
    assert top_doc(fresh, "Wanneer is de bibliotheek op zondag open?") == "bibliotheek.md"
