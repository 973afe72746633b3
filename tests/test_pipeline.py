"""End to end: real PDFs and Markdown -> real model -> real FAISS -> cited Dutch answers."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import KNOWN_SENTENCE

from vraagbaak.assistant import Assistant, index_dir_for
from vraagbaak.index.versions import IndexError_, IndexVersion
from vraagbaak.settings import Settings

PARAPHRASE = "Hoeveel oplaadpunten voor gedeelde elektrische auto's komen er in het centrum?"


def test_index_summary_counts_and_skips(small_assistant):
    status = small_assistant.status()
    assert status["counts"]["documents"] == 3
    assert status["counts"]["pages"] == 4 + 3 + 1
    assert "plaatje.png" in status["failed"] and status["up_to_date"]


def test_paraphrased_question_finds_the_known_sentence(small_assistant):
    for mode in ("dense", "hybrid"):
        top = small_assistant.search(PARAPHRASE, k=3, mode=mode)[0]
        assert KNOWN_SENTENCE in top.chunk.text, mode
        assert top.chunk.page_start == 3 and top.chunk.doc == "mobiliteitsrapport.pdf"


def test_ask_cites_the_right_page_with_verbatim_quotes(small_assistant):
    answer = small_assistant.ask(PARAPHRASE)
    assert answer.found
    first = answer.citations[0]
    assert (first.doc, first.page, first.section) == ("mobiliteitsrapport.pdf", 3, "3 Elektrisch vervoer")
    assert "veertig extra laadpalen" in first.quote
    assert "[1]" in answer.answer and "Mobiliteitsrapport Voorbeeldstad" in answer.answer
    for c in answer.citations:
        assert small_assistant.verify_quote(c.doc, c.quote)
        assert c.quote in " ".join(small_assistant.document_text(c.doc).split())


def test_ask_marks_the_most_relevant_sentence(small_assistant):
    answer = small_assistant.ask("Hoe vaak wordt het huishoudelijk afval opgehaald?")
    assert answer.found
    assert answer.citations[0].highlights == ["Het huishoudelijk afval wordt elke twee weken opgehaald."]
    assert "**Het huishoudelijk afval wordt elke twee weken opgehaald.**" in answer.answer


def test_unrelated_question_is_not_answered(small_assistant):
    answer = small_assistant.ask("Wat is de hoofdstad van Peru?")
    assert not answer.found and answer.citations == []
    assert "niets gevonden" in answer.answer
    assert answer.nearest_documents == []  # no document is near: none is named (tests/test_answers.py)


def test_filters_restrict_hits(small_assistant):
    hits = small_assistant.search("afval", k=5, filters={"gemeente": ["utrecht"]})
    assert hits and {h.chunk.doc for h in hits} == {"notities/zwerfafval.md"}
    hits = small_assistant.search("afval", k=5, filters={"doc": ["mobiliteitsrapport.pdf"]}, mode="bm25")
    assert hits and {h.chunk.doc for h in hits} == {"mobiliteitsrapport.pdf"}


def test_index_built_with_another_model_is_refused(small_assistant):
    other = Settings(corpus_dir=small_assistant.settings.corpus_dir, index_dir=small_assistant.settings.index_dir,
                     model="some/other-model")
    with pytest.raises(IndexError_, match="index --rebuild"):
        Assistant(other).search("vraag")


def test_corrupted_index_file_is_detected(small_assistant, tmp_path):
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(small_assistant.settings.index_dir, copy)
    version = (copy / "CURRENT").read_text()
    (copy / "versions" / version / "vectors.faiss").write_bytes(b"kapot")
    with pytest.raises(IndexError_, match="--rebuild"):
        IndexVersion(copy)


def test_corpus_without_index_gets_its_own_index_folder(tmp_path):
    base = Settings(index_dir=tmp_path / "index")
    derived = index_dir_for(base, tmp_path / "elders", None)
    assert derived != base.index_dir and derived.parent.parent == base.index_dir
    assert index_dir_for(base, base.corpus_dir, None) == base.index_dir
    assert index_dir_for(base, tmp_path / "elders", tmp_path / "eigen") == tmp_path / "eigen"


# --- the CLI and its JSON contract ------------------------------------------------

def run_cli(*args, stdin=None):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "vraagbaak", *args], capture_output=True, text=True,
                         input=stdin, env=env, timeout=600)
    return out


@pytest.fixture(scope="module")
def cli_paths(small_assistant):
    s = small_assistant.settings
    return ["--corpus", str(s.corpus_dir), "--index", str(s.index_dir)]


def test_cli_search_json_contract(cli_paths):
    out = run_cli("search", PARAPHRASE, "--k", "2", "--json", *cli_paths)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"query", "results"} and data["query"] == PARAPHRASE
    assert len(data["results"]) == 2
    for r in data["results"]:
        assert set(r) == {"rank", "score", "doc", "title", "page", "section", "text"}
        assert isinstance(r["rank"], int) and isinstance(r["score"], float)
        assert r["page"] is None or isinstance(r["page"], int)
    assert data["results"][0]["doc"] == "mobiliteitsrapport.pdf" and data["results"][0]["page"] == 3


def test_cli_search_batch_reads_stdin(cli_paths):
    questions = [PARAPHRASE, "Wie ruimt zwerfafval op in Utrecht?"]
    out = run_cli("search", "--batch", "-", "--k", "1", *cli_paths, stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [l["query"] for l in lines] == questions
    assert lines[1]["results"][0]["doc"] == "notities/zwerfafval.md"


def test_cli_ask_json_contract(cli_paths):
    out = run_cli("ask", PARAPHRASE, "--json", *cli_paths)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    # the fields of the first contract, plus the ones added since (README): none lost or renamed
    assert set(data) == {"question", "found", "answer", "citations", "nearest_documents", "searched_as",
                         "index_version", "absent_names", "searched_in", "absent_words", "outcome", "confident"} \
        and data["found"] and isinstance(data["confident"], bool) \
        and data["absent_names"] == [] and data["absent_words"] == [] and data["outcome"] == "answered"
    assert data["index_version"] == (Path(cli_paths[3]) / "CURRENT").read_text()
    c = data["citations"][0]
    assert set(c) == {"n", "doc", "title", "page", "section", "quote", "page_end", "highlights", "ocr"}
    assert (c["n"], c["doc"], c["page"], c["page_end"]) == (1, "mobiliteitsrapport.pdf", 3, 3)
    assert c["highlights"] and all(h in c["quote"] for h in c["highlights"])
    out = run_cli("ask", "Wat is de hoofdstad van Peru?", "--json", *cli_paths)
    assert json.loads(out.stdout)["found"] is False


def test_cli_ask_follow_up_uses_the_earlier_question(cli_paths):
    out = run_cli("ask", "En wanneer komen ze er?", "--previous", "Komen er laadpalen voor deelauto's in de binnenstad?",
                  "--json", *cli_paths)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["question"] == "En wanneer komen ze er?" and "laadpalen" in data["searched_as"]
    # it asks something of its own ("wanneer komen"): answered from the earlier subject's document
    assert data["found"] and data["answer"].startswith("Vervolgvraag over „") and data["searched_in"]
    assert "2027" in data["citations"][0]["quote"]
    alone = json.loads(run_cli("ask", "En wanneer komen ze er?", "--json", *cli_paths).stdout)
    assert alone["searched_as"] == alone["question"]


def test_a_question_that_finds_nothing_alone_is_read_as_a_follow_up(small_assistant):
    question = "Hoeveel nieuwe plekken komen er?"  # no sign of a follow-up, and nothing found on its own
    earlier = "Wat doet Voorbeeldstad aan schone auto's in de binnenstad?"
    assert not small_assistant.ask(question).found
    for asked in (question, "Hoeveel extra plekken komen er?"):
        # the second is found on its own, by the judge's certainty alone: in a conversation its past comes first
        in_conversation = small_assistant.ask(asked, previous=[earlier])
        assert in_conversation.found and "veertig extra laadpalen" in in_conversation.citations[0].quote
        assert "schone auto's" in in_conversation.searched_as and in_conversation.answer.startswith("Gezocht op")
    assert small_assistant.ask("Hoeveel extra plekken komen er?").found
    unrelated = small_assistant.ask("Wat is de hoofdstad van Peru?", previous=[earlier])
    assert not unrelated.found and unrelated.searched_as == "Wat is de hoofdstad van Peru?"
    # a question that names its own subject is not glued to the earlier one, even when it finds nothing
    own = small_assistant.ask("Hoeveel extra plekken komen er in Tilburg?", previous=[earlier])
    assert own.searched_as == "Hoeveel extra plekken komen er in Tilburg?" and not own.citations


def test_cli_ask_batch_answers_one_json_line_per_question(cli_paths):
    questions = [PARAPHRASE, "Wat is de hoofdstad van Peru?"]
    out = run_cli("ask", "--batch", "-", *cli_paths, stdin="\n".join(questions) + "\n\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(l["question"], l["found"]) for l in lines] == [(PARAPHRASE, True), (questions[1], False)]
    assert "veertig extra laadpalen" in lines[0]["citations"][0]["quote"]


@pytest.mark.slow  # a child process builds an index
def test_cli_index_reports_failures_with_exit_code(tmp_path, small_corpus):
    out = run_cli("index", "--corpus", str(small_corpus), "--index", str(tmp_path / "i"))
    assert out.returncode == 3, out.stderr
    assert "plaatje.png" in out.stdout and "3 documenten" in out.stdout


def test_text_read_from_an_old_version_never_serves_the_new_one(tmp_path, embedder):
    """A question reads a document's text while an indexer switches the version: that old text must not be
    cached for the new version (its quotes would then fail the verbatim check, or pass against stale text)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    note = corpus / "notitie.md"
    note.write_text("# Notitie\n\nDe brug gaat in 2026 open voor fietsers.\n", encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    old = assistant.index
    read_pages = old.pages

    def switch_while_reading(doc):
        pages = read_pages(doc)
        note.write_text("# Notitie\n\nDe brug gaat in 2028 open voor fietsers.\n", encoding="utf-8")
        assistant.build_index()
        assistant.index  # noqa: B018 - another question picks up the new version meanwhile
        return pages

    old.pages = switch_while_reading
    assert "2026" in assistant.document_text("notitie.md")  # this question still reads its own version
    assert "2028" in assistant.document_text("notitie.md")  # the next one gets the new text, not the cached old


def test_cli_text_output_lets_no_control_character_of_a_document_reach_the_terminal(model_dir, tmp_path):
    """A document with ESC[2J (clear screen) and an OSC 8 link: `ask`, `search` and `status` print its text
    and name without them; the JSON keeps its escapes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wis\x1b[2J.md").write_text(
        "# Bomen\x1b]8;;http://example.org\x07klik\x1b]8;;\x07\n\nDe gemeente Voorbeeldstad plant dit jaar \x1b[2J"
        "tweehonderd nieuwe linden langs de singel.\n", encoding="utf-8")
    paths = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    for args in (["ask", "Hoeveel linden plant de gemeente?"], ["search", "linden langs de singel"], ["status"]):
        out = run_cli(*args, *paths)
        assert out.returncode == 0, out.stderr
        assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\x1b" not in out.stderr, args
    assert "linden" in run_cli("ask", "Hoeveel linden plant de gemeente?", *paths).stdout
    data = json.loads(run_cli("ask", "Hoeveel linden plant de gemeente?", "--json", *paths).stdout)
    assert "\x1b[2J" in data["citations"][0]["quote"]  # verbatim in JSON, escaped by json.dumps
