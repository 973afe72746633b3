"""Who may read what, with a real OpenID Connect provider: anna (group wmo) and bert (group burgerzaken), an
access file giving wmo the collection "wmo" and everyone the collection "rapport". Each user's questions go to
an index that holds only what they may read, so bert's answer is what it would be if the wmo document did not
exist: no quote, no nearest document, no count, and its PDF and page images are refused."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from conftest import make_report_pdf
from test_signin import USERS, id_token, provider  # noqa: F401 - provider: the OpenID Connect fixture
from test_ui import browser, free_port  # noqa: F401 - browser: the Chromium fixture

from vraagbaak.ingest.collections import collection_of, readable

pytestmark = pytest.mark.slow
QUESTION = "Hoeveel laadpalen plaatst de gemeente Voorbeeldstad?"  # only the wmo document says it


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory, model_dir):  # noqa: F811
    root = tmp_path_factory.mktemp("collecties")
    corpus = root / "corpus"
    (corpus / "wmo").mkdir(parents=True)
    (corpus / "rapport").mkdir()
    make_report_pdf(corpus / "wmo" / "besluit.pdf")
    (corpus / "rapport" / "zwerfafval.md").write_text(
        "# Zwerfafval\n\nDe gemeente Voorbeeldstad ruimt zwerfafval op met hulp van meldingen van bewoners.\n",
        encoding="utf-8")
    (root / "toegang.yaml").write_text('collecties:\n  rapport: ["*"]\n  wmo: [wmo]\n', encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, VRAAGBAAK_CORPUS_DIR=str(corpus), VRAAGBAAK_INDEX_DIR=str(root / "index"),
               VRAAGBAAK_PORT=str(port), VRAAGBAAK_MODEL_DIR=str(model_dir), GRADIO_ANALYTICS_ENABLED="False",
               VRAAGBAAK_AUTH="oidc", VRAAGBAAK_OIDC_ISSUER=provider, VRAAGBAAK_OIDC_CLIENT_ID="vraagbaak",
               VRAAGBAAK_OIDC_CLIENT_SECRET="geheim", VRAAGBAAK_PUBLIC_URL=url, VRAAGBAAK_AUDIT_QUESTIONS="full",
               VRAAGBAAK_ACCESS_FILE=str(root / "toegang.yaml"), VRAAGBAAK_OIDC_ADMIN_GROUP="beheer",
               GRADIO_TEMP_DIR=str(root / "gradio-cache"))
    log = (root / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, str(os.path.join(os.path.dirname(__file__), "..", "app.py"))], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            if httpx.get(url + "/config", timeout=2).status_code == 401:
                break
        except httpx.HTTPError:
            assert proc.poll() is None, (root / "app.log").read_text()
        time.sleep(1)
    yield {"url": url, "root": root}
    proc.terminate()
    proc.wait(timeout=30)


def ask(app, provider, user: str, question: str = QUESTION) -> dict:  # noqa: F811
    from gradio_client import Client

    client = Client(app["url"] + "/", headers={"Authorization": f"Bearer {id_token(provider, user)}"}, verbose=False)
    return client.predict(question, "{}", "[]", api_name="/ask")


def test_a_document_is_in_its_first_folders_collection_and_readable_by_its_groups(tmp_path):
    (tmp_path / "wmo").mkdir()
    (tmp_path / "wmo" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "b.md.meta.yaml").write_text("collectie: rapport\n", encoding="utf-8")
    assert collection_of(tmp_path / "wmo" / "a.md", tmp_path) == "wmo"
    assert collection_of(tmp_path / "b.md", tmp_path) == "rapport"  # the sidecar names it
    (tmp_path / "c.md").write_text("---\ntitle: C\ncollectie: wmo\n---\n\n# C\n", encoding="utf-8")
    assert collection_of(tmp_path / "c.md", tmp_path) == "wmo"  # the front matter names it
    assert collection_of(tmp_path / "wmo" / "a.md", tmp_path) == "wmo" and collection_of(tmp_path / "b.md.meta.yaml",
                                                                                          tmp_path) == "."
    access = {"rapport": ("*",), "wmo": ("wmo",)}
    present = {"rapport", "wmo", "geheim"}
    assert readable(access, ("wmo",), False, present) == {"rapport", "wmo"}
    assert readable(access, ("burgerzaken",), False, present) == {"rapport"}
    assert readable(access, (), True, present) == present  # an unlisted collection is for admins only


def test_anna_is_answered_from_the_wmo_document_and_bert_is_told_nothing_of_it(app, provider):  # noqa: F811
    anna = ask(app, provider, "anna")
    assert anna["found"] and anna["citations"][0]["doc"] == "wmo/besluit.pdf", anna["answer"]
    bert = ask(app, provider, "bert")
    assert not bert["found"] and bert["citations"] == []
    assert "wmo/besluit.pdf" not in str(bert) and "Mobiliteitsrapport" not in str(bert), bert
    assert all(d["doc"].startswith("rapport/") for d in bert["nearest_documents"])


def test_bert_cannot_open_the_wmo_pdf_or_its_pages(app, provider):  # noqa: F811
    for user, allowed in (("anna", True), ("bert", False)):
        headers = {"Authorization": f"Bearer {id_token(provider, user)}"}
        pdf = httpx.get(app["url"] + "/vraagbaak/pdf", params={"doc": "wmo/besluit.pdf"}, headers=headers, timeout=60)
        page = httpx.get(app["url"] + "/vraagbaak/pagina", params={"doc": "wmo/besluit.pdf", "p": "1"},
                         headers=headers, timeout=60)
        assert (pdf.status_code, page.status_code) == ((200, 200) if allowed else (404, 404)), user
        if not allowed:
            assert "niet in de index" in pdf.text


def test_the_first_screen_counts_only_what_the_user_may_read(app, browser):  # noqa: F811
    counts = {}
    for user in ("anna", "bert"):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(app["url"] + "/")
        page.get_by_role("button", name=user, exact=True).click()
        description = page.locator("#beschrijving")
        description.get_by_text("De Vraagbaak doorzoekt").wait_for(timeout=180_000)
        counts[user] = description.inner_text()
        context.close()
    assert "2 documenten" in counts["anna"] and "1 document" in counts["bert"], counts
    assert "PDF" not in counts["bert"], counts  # nothing of the wmo PDF, not even its kind


def queue_call(app, provider, user: str, fn_index: int) -> dict:  # noqa: F811
    """A Gradio event called directly by its number, as any signed-in client can (queue/join, queue/data)."""
    import json
    import uuid

    session = uuid.uuid4().hex[:11]
    headers = {"Authorization": f"Bearer {id_token(provider, user)}"}
    with httpx.Client(headers=headers, timeout=120) as client:
        joined = client.post(app["url"] + "/gradio_api/queue/join",
                             json={"data": [], "fn_index": fn_index, "session_hash": session})
        assert joined.status_code == 200, joined.text
        with client.stream("GET", app["url"] + "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        return message
    return {}


def test_every_event_that_fills_the_first_screen_gives_the_callers_own_lists(app, provider):  # noqa: F811
    """A red-team pass called the step after Beheer's re-index (which refreshes the chat's description and filter
    lists) directly as bert, and got every document, title and metadata value of the corpus."""
    config = httpx.get(app["url"] + "/config", headers={"Authorization": f"Bearer {id_token(provider, 'bert')}"},
                       timeout=60).json()
    ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    fills = [i for i, d in enumerate(config["dependencies"])
             if "beschrijving" in {ids.get(o) for o in d.get("outputs", [])}]
    assert len(fills) >= 2  # the page load and the refresh after a re-index
    for fn_index in fills:
        shown = str(queue_call(app, provider, "bert", fn_index))
        assert "besluit.pdf" not in shown and "Mobiliteitsrapport" not in shown, (fn_index, shown[:500])
        assert "1 document" in shown, shown[:500]


def test_a_changed_access_file_counts_from_the_next_question_and_is_in_the_audit_trail(app, provider):  # noqa: F811
    import json

    from vraagbaak.audit import log_files
    from vraagbaak.web.access import PRESENT_FOR_S

    (app["root"] / "toegang.yaml").write_text('collecties:\n  rapport: ["*"]\n  wmo: [wmo, burgerzaken]\n',
                                              encoding="utf-8")
    time.sleep(PRESENT_FOR_S + 1)
    bert = ask(app, provider, "bert")
    assert bert["found"] and bert["citations"][0]["doc"] == "wmo/besluit.pdf", bert["answer"]
    events = [json.loads(line) for f in log_files(app["root"] / "index" / "audit")
              for line in f.read_text(encoding="utf-8").splitlines()]
    actions = [e["action"] for e in events]
    assert "toegangsbestand.gelezen" in actions and "toegangsbestand.gewijzigd" in actions
    question = [e for e in events if e["action"] == "vraag"][-1]
    assert question["details"]["collecties"] == ["rapport", "wmo"]  # the collections in scope
