"""The chat window in a real browser (Debian chromium via Playwright) and its HTTP API (gradio_client)."""
from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import KNOWN_SENTENCE, make_report_pdf, run_python

from vraagbaak.ingest.ocr import ocr_available

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
              pytest.mark.slow]  # a browser and the app
ROOT = Path(__file__).resolve().parent.parent
PARAPHRASE = "Hoeveel oplaadpunten voor gedeelde elektrische auto's komen er in het centrum?"
NEW_SENTENCE = "Het waterschap Voorbeelddelta verhoogt in 2028 de dijk bij Lutjebroek met zestig centimeter."


APP_LOGS: list[Path] = []  # the latest app's log goes into a failure message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(corpus: Path, model_dir: Path, **env: str):
    """python app.py on a free port over this corpus; (process, url) once the page answers."""
    port = free_port()
    env = dict(os.environ, VRAAGBAAK_CORPUS_DIR=str(corpus), VRAAGBAAK_INDEX_DIR=str(corpus.parent / "ui-index"),
               VRAAGBAAK_PORT=str(port), VRAAGBAAK_MODEL_DIR=str(model_dir), GRADIO_ANALYTICS_ENABLED="False",
               GRADIO_TEMP_DIR=str(corpus.parent / "gradio-cache"),
               # questions as asked in the audit trail: Deduce (1 GB, a one-time build of minutes) is tested on
               # its own in test_audit.py, not loaded by every app these tests start
               VRAAGBAAK_AUDIT_QUESTIONS="full") | env
    APP_LOGS.append(corpus.parent / "app.log")
    log = APP_LOGS[-1].open("w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):  # the chat's own config: before it, a page says that the app is being prepared
        try:
            urllib.request.urlopen(url + "config", timeout=2)
            break
        except OSError:
            assert proc.poll() is None, (corpus.parent / "app.log").read_text()
            time.sleep(1)
    return proc, url


EXAMPLE = "Welke gemeenten gebruiken data om zwerfafval aan te pakken?"


@pytest.fixture(scope="module")
def app(tmp_path_factory, model_dir):
    corpus = tmp_path_factory.mktemp("ui-corpus")
    make_report_pdf(corpus / "mobiliteitsrapport.pdf")
    (corpus / "zwerfafval.md").write_text(
        "---\ntitle: Slim schoonmaken\ngemeente: Utrecht\njaar: 2021\nbron: https://example.org/slim\n---\n\n"
        "# Aanpak\n\nDe gemeente Utrecht gebruikt meldingen van bewoners om zwerfafval gericht op te ruimen. "
        "Veegroutes worden aangepast aan de plekken waar het meeste afval ligt.\n", encoding="utf-8")
    (corpus / "collectie.yaml").write_text(f"voorbeeldvragen:\n  - {EXAMPLE}\n", encoding="utf-8")
    proc, url = start_app(corpus, model_dir, VRAAGBAAK_ADMIN_PASSWORD="geheim", VRAAGBAAK_MAX_FILE_MB="2",
                          VRAAGBAAK_FEEDBACK_LOG=str(corpus.parent / "feedback.jsonl"))
    yield {"url": url, "corpus": corpus, "tmp": corpus.parent, "cache": corpus.parent / "gradio-cache"}
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(app, browser):
    # an English-language browser: the page must still be all Dutch
    context = browser.new_context(accept_downloads=True, locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(app["url"], wait_until="domcontentloaded")
    page.get_by_role("textbox", name="Uw vraag").wait_for(timeout=60_000)
    yield page
    context.close()


FAILED = "Er ging iets mis bij het zoeken"  # the chat's line when a question raised on the server
ASKED_JS = """q => (document.querySelector('#gesprek') || {}).innerText?.split(q).length - 1"""
ANSWERED_JS = """([q, before]) => {
  const chat = (document.querySelector('#gesprek') || {}).innerText || '';
  const memo = (document.querySelector('#memo textarea') || {}).value || '';
  const asked = chat.split(q).length - 1 > before;
  return asked && (chat.includes(FAILED) || (!chat.includes('Bezig met zoeken') && memo.length > 0));
}""".replace("FAILED", repr(FAILED))


def ask(page, question: str) -> None:
    before = page.evaluate(ASKED_JS, question) or 0
    page.get_by_role("textbox", name="Uw vraag").fill(question)
    page.get_by_role("button", name="Vraag stellen").click()
    # the question is in the chat once more, the "Bezig" line is replaced and the memo (same update) is filled
    try:
        page.wait_for_function(ANSWERED_JS, arg=[question, before], timeout=180_000)
    except Exception as err:  # say what the user saw and what the server logged, not only "timeout"
        chat = page.evaluate("(document.querySelector('#gesprek') || {}).innerText || ''")
        raise AssertionError(f"no answer to {question!r}; the chat shows:\n{chat[-1500:]}\n"
                             f"the app logged:\n{app_log_tail()}") from err
    chat = page.locator("#gesprek").inner_text()
    assert FAILED not in chat, f"the question failed on the server:\n{chat[-1500:]}\n{app_log_tail()}"


def app_log_tail(chars: int = 4000) -> str:
    return APP_LOGS[-1].read_text(errors="replace")[-chars:] if APP_LOGS else "(no app.log)"


def choose_gemeente(page, gemeente: str) -> None:
    """Open the filters and pick one gemeente, as a user does with the keyboard."""
    page.get_by_text("Filters").click()
    box = page.locator("#filter-gemeente input")
    box.click()
    box.fill(gemeente)
    box.press("Enter")
    page.keyboard.press("Escape")


def test_answer_shows_numbered_citation_with_title_and_page(page, app):
    ask(page, PARAPHRASE)
    chat = page.locator("#gesprek")
    chat.get_by_text("[1]").first.wait_for()
    assert "veertig extra laadpalen" in chat.inner_text()
    sources = page.locator("#bronnen").inner_text()
    assert "Mobiliteitsrapport Voorbeeldstad" in sources and "pagina 3" in sources
    assert "mobiliteitsrapport.pdf" not in sources and "relevantie" not in sources  # no paths, no scores
    page.screenshot(path=str(ROOT / "docs/screenshots/antwoord.png"), full_page=True)


def test_memo_text_and_markdown_download_hold_quote_and_reference(page, app):
    ask(page, PARAPHRASE)
    assert not list(app["tmp"].rglob("antwoord-vraagbaak.*"))  # made when downloaded, not for every answer
    memo = page.locator("#memo textarea").input_value()
    assert "„" in memo and "veertig extra laadpalen" in memo
    assert "[1] Mobiliteitsrapport Voorbeeldstad" in memo and "p. 3" in memo
    page.locator("#kopieer-memo").click()
    page.get_by_role("button", name="Gekopieerd").wait_for(timeout=10_000)  # confirmed, also without clipboard API
    with page.expect_download() as info:
        page.locator("#download-memo").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "veertig extra laadpalen" in text and "## Bronnen" in text and "p. 3" in text


def test_filter_restricts_citations_to_one_document(page):
    choose_gemeente(page, "Utrecht")
    ask(page, "Hoe worden straten schoon gehouden en waar ligt afval?")
    sources = page.locator("#bronnen").inner_text()
    assert "Slim schoonmaken" in sources and "Mobiliteitsrapport" not in sources


def test_unrelated_question_says_nothing_found(page):
    ask(page, "Wat is de hoofdstad van Peru?")
    assert "niets gevonden" in page.locator("#gesprek").inner_text()
    page.screenshot(path=str(ROOT / "docs/screenshots/niets-gevonden.png"), full_page=True)


def test_beheer_upload_reindex_and_answer_from_new_pdf(page, app, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, "Dijkversterking\n" + NEW_SENTENCE + "\nDe werkzaamheden duren twee jaar.")
    new_pdf = tmp_path / "dijkversterking.pdf"
    pdf.output(str(new_pdf))
    fake = tmp_path / "nep.pdf"
    fake.write_bytes(b"dit is helemaal geen pdf\n" * 20)

    page.get_by_role("tab", name="Beheer").click()
    page.get_by_label("Beheerwachtwoord").fill("geheim")
    page.get_by_role("button", name="Inloggen").click()
    page.locator("#beheer-aandacht").get_by_text("Alle bestanden in de documentenmap zijn geïndexeerd").wait_for()
    # the panel opens only once the browser holds its upload key: a file dropped at once is taken
    assert page.evaluate("document.cookie.includes('vraagbaak_beheer=')")
    scanned = ROOT / "tests/fixtures/lnv-nota-scanned-no-textlayer.pdf"  # a real PDF, but without text
    with page.expect_response(lambda r: "/gradio_api/upload" in r.url and r.request.method == "POST",
                              timeout=120_000) as stored:
        page.locator("#beheer-upload input[type=file]").set_input_files([str(new_pdf), str(fake), str(scanned)])
    assert stored.value.status == 200, (stored.value.status, stored.value.text()[:200])  # the key was taken
    message = page.locator("#beheer-upload-melding")
    try:
        message.get_by_text("nep.pdf geweigerd").wait_for(timeout=180_000)
    except Exception:  # say what the app did (the CI runs under load, the app logs to a file)
        print((app["tmp"] / "app.log").read_text(errors="replace")[-4000:])
        raise
    assert "geen PDF" in message.inner_text() and "dijkversterking.pdf opgeslagen" in message.inner_text()
    page.locator("#beheer-aandacht").get_by_text("nog niet bijgewerkt in de index").wait_for()
    page.screenshot(path=str(ROOT / "docs/screenshots/beheer.png"), full_page=True)
    page.get_by_role("button", name="Opnieuw indexeren").click()
    page.locator("#beheer-index-melding").get_by_text("Index bijgewerkt").wait_for(timeout=180_000)
    health = page.locator("#beheer-aandacht").inner_text()
    if ocr_available() is None:  # the scan is read by OCR, after the other files
        assert "OCR nodig" not in health
        assert "uploads/lnv-nota-scanned-no-textlayer.pdf" in page.locator("#beheer-documenten").inner_text()
    else:
        assert "lnv-nota-scanned-no-textlayer.pdf" in health and "OCR nodig (2 pagina's)" in health
    page.get_by_role("tab", name="Vragen").click()
    # the filter list and the description know the new document without a restart
    documents = 4 if ocr_available() is None else 3  # the scan counts where OCR read it
    assert f"{documents} documenten" in page.locator("#beschrijving").inner_text()
    page.get_by_text("Filters").click()
    page.locator("#filter-documenten input").click()
    page.get_by_role("option", name="uploads/dijkversterking.pdf").wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    ask(page, "Hoeveel wordt de dijk bij Lutjebroek verhoogd?")
    assert "zestig centimeter" in page.locator("#gesprek").inner_text()
    assert "Dijkversterking" in page.locator("#bronnen").inner_text()
    assert not (app["corpus"] / "uploads" / "nep.pdf").exists()

    # and remove it again
    page.get_by_role("tab", name="Beheer").click()
    page.locator("#beheer-verwijder-keuze input").fill("uploads/dijk")  # listed by title, with the file
    page.get_by_role("option", name="Dijkversterking (uploads/dijkversterking.pdf)").click()
    page.get_by_role("button", name="Verwijder document").click()
    page.locator("#beheer-verwijder-vraag").get_by_text("naar de prullenbak verplaatsen?").wait_for()
    assert (app["corpus"] / "uploads" / "dijkversterking.pdf").exists()  # asked first: nothing removed yet
    page.get_by_role("button", name="Annuleren").click()
    page.locator("#beheer-verwijder-vraag").wait_for(state="hidden")
    assert (app["corpus"] / "uploads" / "dijkversterking.pdf").exists()
    page.get_by_role("button", name="Verwijder document").click()
    page.get_by_role("button", name="Ja, verwijderen").click()
    page.locator("#beheer-index-melding").get_by_text("staat in de prullenbak").wait_for(timeout=30_000)
    trash = app["corpus"].parent / f"{app['corpus'].name}.prullenbak" / "uploads" / "dijkversterking.pdf"
    assert not (app["corpus"] / "uploads" / "dijkversterking.pdf").exists() and trash.exists()
    page.get_by_role("button", name="Ongedaan maken").click()  # undo puts it back
    page.locator("#beheer-index-melding").get_by_text("is teruggezet").wait_for(timeout=30_000)
    assert (app["corpus"] / "uploads" / "dijkversterking.pdf").exists() and not trash.exists()
    page.locator("#beheer-verwijder-keuze input").fill("uploads/dijk")
    page.get_by_role("option", name="uploads/dijkversterking.pdf").click()
    page.get_by_role("button", name="Verwijder document").click()
    page.get_by_role("button", name="Ja, verwijderen").click()
    page.locator("#beheer-index-melding").get_by_text("staat in de prullenbak").wait_for(timeout=30_000)
    page.get_by_role("button", name="Opnieuw indexeren").click()
    page.locator("#beheer-index-melding").get_by_text("verwijderd 1").wait_for(timeout=180_000)
    assert not trash.exists()  # after re-indexing the removal is final
    page.get_by_role("tab", name="Vragen").click()
    page.get_by_role("button", name="Nieuw gesprek").click()  # else the memo still holds the same question
    page.wait_for_function("() => (document.querySelector('#memo textarea') || {}).value === ''")
    ask(page, "Hoeveel wordt de dijk bij Lutjebroek verhoogd?")
    assert "Dijkversterking" not in page.locator("#bronnen").inner_text()


def test_keyboard_only_question_with_long_text_is_cut_with_a_notice(page):
    long_question = "Hoeveel laadpalen komen er in de binnenstad? " + "Graag een precies antwoord. " * 60
    page.keyboard.press("Tab")
    for _ in range(30):  # tab through the page until the question box has focus
        if page.evaluate("document.activeElement && document.activeElement.closest('#vraag') !== null"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the question box cannot be reached with the Tab key")
    page.keyboard.insert_text(long_question)
    page.keyboard.press("Enter")
    page.locator("#gesprek").get_by_text("ingekort tot 1000 tekens").wait_for(timeout=120_000)
    assert "laadpalen" in page.locator("#bronnen").inner_text()


def test_feedback_is_logged(page, app):
    ask(page, PARAPHRASE)
    page.locator("#gesprek button[aria-label='Vind ik leuk']").last.click()  # Gradio's 'Like', in Dutch
    log = app["tmp"] / "feedback.jsonl"
    for _ in range(50):
        if log.exists() and log.read_text().strip():
            break
        time.sleep(0.2)
    import json

    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["vote"] == "up" and entry["question"] == PARAPHRASE and entry["citations"]


def test_api_answers_concurrent_calls_correctly(app):
    from gradio_client import Client

    client = Client(app["url"], verbose=False)
    questions = [PARAPHRASE, "Wat is de hoofdstad van Peru?"] * 4

    def call(q):
        return q, client.predict(q, "{}", api_name="/ask")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, questions))
    for q, result in results:
        assert result["question"] == q
        if q == PARAPHRASE:
            assert result["found"] and result["citations"][0]["page"] == 3
            assert KNOWN_SENTENCE.split(" in ")[0][:30] in result["citations"][0]["quote"] or \
                "laadpalen" in result["citations"][0]["quote"]
        else:
            assert result["found"] is False and result["citations"] == []
    search = client.predict(PARAPHRASE, 2, "{}", api_name="/search")
    assert search["query"] == PARAPHRASE and search["results"][0]["page"] == 3


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def test_uploads_without_login_are_refused_and_nothing_is_stored(app):
    """With Beheer on, an anonymous client filled Gradio's temp folder (20 x 45 MB in 10 s, kept an hour):
    large or small, no file is taken from a browser that did not log in."""
    import httpx

    before = _folder_bytes(app["cache"])
    statuses = []
    with httpx.Client(timeout=60) as client:
        for i in range(20):
            payload = b"%PDF-1.4\n" + b"0" * (3_000_000 if i % 2 else 1_000)  # above and below the 2 MB limit
            r = client.post(app["url"] + "gradio_api/upload", files={"files": (f"bestand-{i}.pdf", payload)})
            statuses.append(r.status_code)
    assert all(code == 403 for code in statuses), statuses
    assert _folder_bytes(app["cache"]) - before < 10_000  # nothing of the 30 MB was kept


def test_api_bad_input_gets_a_dutch_message(app):
    from gradio_client import Client

    client = Client(app["url"], verbose=False)
    for bad, message in [("[1, 2]", "JSON-object"), ('"Utrecht"', "JSON-object"), ("{kapot", "geen geldige JSON"),
                         ("[" * 100_000, "hoogstens 10.000 tekens"), ('{"gemeente": 3}', "lijst met teksten")]:
        with pytest.raises(Exception, match=message):
            client.predict("afval", bad, api_name="/ask")
    with pytest.raises(Exception, match="de vraag is leeg"):
        client.predict("  ", 5, "{}", api_name="/search")
    assert len(client.predict(PARAPHRASE, -1, "{}", api_name="/search")["results"]) == 1
    assert len(client.predict(PARAPHRASE, 10**9, "{}", api_name="/search")["results"]) <= 100
    long = client.predict("laadpalen " * 100_000, 3, "{}", api_name="/search")
    assert len(long["query"]) <= 1000


def test_follow_up_in_the_chat_and_the_api_shows_what_was_searched(page, app):
    from gradio_client import Client

    ask(page, "Komen er laadpalen voor deelauto's in de binnenstad?")
    ask(page, "En wanneer komen ze er?")
    page.locator("#gesprek").get_by_text("Vervolgvraag over").wait_for(timeout=60_000)
    assert "2027" in page.locator("#bronnen").inner_text()
    page.screenshot(path=str(ROOT / "docs/screenshots/vervolgvraag.png"), full_page=True)
    result = Client(app["url"], verbose=False).predict(
        "En wanneer komen ze er?", "{}", '["Komen er laadpalen voor deelauto\'s in de binnenstad?"]', api_name="/ask")
    assert "laadpalen" in result["searched_as"] and result["found"]


def test_beheer_logout_ends_the_session(page):
    page.get_by_role("tab", name="Beheer").click()
    page.get_by_label("Beheerwachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Onjuist wachtwoord.").wait_for()
    page.get_by_label("Beheerwachtwoord").fill("geheim")
    page.get_by_role("button", name="Inloggen").click()
    # the login gives the browser its upload key; logging out takes it away again
    page.wait_for_function("document.cookie.includes('vraagbaak_beheer=')")
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_text("U bent uitgelogd.").wait_for()
    page.wait_for_function("!document.cookie.includes('vraagbaak_beheer=')")
    assert page.get_by_role("button", name="Inloggen").is_visible()
    assert not page.get_by_role("button", name="Opnieuw indexeren").is_visible()


CONTRAST_JS = """(el) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = el, back = 'rgba(0, 0, 0, 0)';
  while (bg && (back = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(back || 'rgb(255,255,255)'))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_text_contrast_meets_wcag_aa(page):
    ask(page, PARAPHRASE)
    for locator in [page.get_by_role("button", name="Vraag stellen"), page.locator("#bronnen .bron").first,
                    page.locator("#bronnen .bron .meta").first, page.locator("#bronnen mark").first,
                    page.get_by_role("button", name="Kopieer voor memo")]:
        assert locator.evaluate(CONTRAST_JS) >= 4.5, locator


def test_pdf_source_shows_the_page_with_the_quote_highlighted_and_opens_the_pdf_there(page, app):
    import httpx

    ask(page, PARAPHRASE)
    card = page.locator("#bronnen .bron").first
    card.get_by_text("Toon pagina 3 met het citaat gemarkeerd").click()
    image = card.locator("img").first
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 500", arg=image.element_handle(),
                           timeout=30_000)
    assert "Pagina 3 van Mobiliteitsrapport Voorbeeldstad" in image.get_attribute("alt")
    png = httpx.get(app["url"] + image.get_attribute("src")).content
    import io

    from PIL import Image

    pixels = Image.open(io.BytesIO(png)).convert("RGB").get_flattened_data()
    assert sum(1 for r, g, b in pixels if r > 230 and g > 200 and b < 150) > 2000  # the yellow highlight
    link = card.get_by_role("link", name="Open de PDF op pagina 3")
    assert link.get_attribute("href").endswith("#page=3")
    pdf = httpx.get(app["url"] + link.get_attribute("href").split("#")[0])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "docs/screenshots/pdf-pagina.png"), full_page=True)


def test_markdown_source_shows_its_section_rendered_with_the_quote_marked(page):
    ask(page, "Hoe pakt Utrecht zwerfafval aan?")
    card = page.locator("#bronnen .bron").filter(has_text="Slim schoonmaken").first
    card.get_by_text("Toon de sectie in het document").click()
    section = card.locator(".sectie")
    section.locator("mark").first.wait_for()
    assert section.locator("h1").inner_text() == "Aanpak" and "#" not in section.inner_text()
    assert "zwerfafval" in section.locator("mark").first.inner_text()
    assert "geen paginanummer" not in page.locator("#bronnen").inner_text()


def test_word_download_opens_with_quotes_numbered_sources_and_filter(page):
    from docx import Document

    choose_gemeente(page, "Utrecht")
    ask(page, "Hoe worden straten schoon gehouden en waar ligt afval?")
    assert "Gezocht in: gemeente Utrecht" in page.locator("#gesprek").inner_text()
    assert "Gezocht in: gemeente Utrecht" in page.locator("#memo textarea").input_value()
    with page.expect_download() as info:
        page.locator("#download-word").click()
    assert re.fullmatch(r"vraagbaak-hoe-worden-straten-schoon-gehouden-en-waar-ligt-afval-\d{4}-\d\d-\d\d\.docx",
                        info.value.suggested_filename), info.value.suggested_filename
    texts = [p.text for p in Document(info.value.path()).paragraphs]
    assert "Gezocht in: gemeente Utrecht" in texts and "Bronnen" in texts
    assert any(t.startswith("„") and t.endswith("[1]") for t in texts)
    assert any(t.startswith("[1] Slim schoonmaken, Utrecht, 2021") for t in texts)
    page.locator("#memo").scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "docs/screenshots/memo.png"), full_page=True)


def test_overview_question_lists_each_fitting_document(page):
    ask(page, "Welke gemeenten pakken zwerfafval aan?")
    chat = page.locator("#gesprek").inner_text()
    assert "doorzochte documenten" in chat and "bij uw vraag" in chat and "Slim schoonmaken" in chat
    page.screenshot(path=str(ROOT / "docs/screenshots/overzicht.png"), full_page=True)


def test_first_screen_says_what_the_collection_is_and_what_the_assistant_does_not_do(page):
    text = page.locator("#beschrijving").inner_text()
    assert "documenten" in text and "PDF-bestand" in text and "geen advies" in text
    assert page.evaluate("document.documentElement.lang") == "nl"


def test_clicking_an_example_question_asks_it(page):
    """A civil servant who clicks an example gets its answer, without pressing "Vraag stellen" as well."""
    example = EXAMPLE  # from the collection's collectie.yaml
    page.get_by_text(example).first.click()
    page.wait_for_function(ANSWERED_JS, arg=[example, 0], timeout=120_000)
    assert page.locator("#gesprek").inner_text().count(example) == 1  # asked once


AXE_TAGS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # An output that is still being updated is drawn at opacity 0.2 (Gradio's .pending), and fades back in over
    # 0.15 s after it: axe would measure the translucent text. Wait until nothing is pending or fading.
    page.wait_for_function("""() => !document.querySelector('.pending') &&
        ![...document.querySelectorAll('[data-testid="markdown-wrapper"]')]
            .some(e => parseFloat(getComputedStyle(e).opacity) < 1)""", timeout=30_000)

    result = Axe().run(page, options=AXE_TAGS).response
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def _english_labels(page) -> list[str]:
    english = ("Copy", "Copied", "Like", "Dislike", "Clear", "More tabs", "Share", "Drop File Here",
               "Click to Upload", "Download", "Remove", "bot's", "user's", "assistant's", "chatbot")
    labels = page.evaluate("""() => [...document.querySelectorAll('[aria-label],[title]')]
        .map(e => e.getAttribute('aria-label') || e.getAttribute('title'))""")
    return [label for label in labels if label and label.split(" ")[0] in english and label not in ("Download",)]


def test_chat_and_beheer_are_all_dutch_and_pass_axe_on_desktop_and_mobile(app, browser):
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(app["url"], wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Uw vraag").wait_for(timeout=60_000)
        ask(page, PARAPHRASE)
        page.locator("#bronnen summary").first.click()
        assert _serious_violations(page) == [], width
        assert _english_labels(page) == [], width
        # nothing sticks out sideways, also on a phone
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        if width == 390:
            page.screenshot(path=str(ROOT / "docs/screenshots/antwoord-mobiel.png"), full_page=True)
        page.get_by_role("tab", name="Beheer").click()
        page.get_by_label("Beheerwachtwoord").fill("geheim")
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_role("button", name="Uitloggen").wait_for()
        assert "Sleep een bestand hier" in page.locator("#beheer-upload").inner_text()
        assert _serious_violations(page) == [], f"Beheer {width}"
        if width == 1366:  # every column of the table is visible: nothing cut off at 1366 px
            assert page.locator("#beheer-documenten").get_by_text("geïndexeerd").first.is_visible()
            assert page.evaluate("""() => { const t = document.querySelector('#beheer-documenten table');
                                            const box = t.parentElement; return t.scrollWidth <= box.clientWidth + 2; }""")
        context.close()


def test_gradio_is_imported_without_writing_type_stubs(tmp_path):
    """Gradio's metaclass re-parses each component's source and rewrites its .pyi stub at every import (1–2 s
    of the start on 2 cores). The UI imports Gradio with that replaced, and components still work."""
    code = ("import vraagbaak.web.ui, gradio, gradio.component_meta as meta, gradio.blocks_events as events\n"
            "from vraagbaak.web.gradio_loader import no_stub\n"
            "assert meta.create_or_modify_pyi is no_stub and events.create_or_modify_pyi is no_stub\n"
            "class Kaart(gradio.HTML):\n    pass\n"  # a component defined later goes through the metaclass
            "print(Kaart(value='<b>x</b>').value)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("<b>x</b>")


def test_gradio_imports_pandas_only_when_it_is_used(tmp_path, small_assistant):
    """pandas and pyarrow (~0.5 s and ~60 MB of the start) wait until something reads from pandas: the chat
    never does, the Beheer tab's table does, and the real pandas then serves every reader."""
    s = small_assistant.settings
    code = ("import sys, vraagbaak.web.ui as ui\n"
            "from vraagbaak.assistant import Assistant\n"
            "ui.build_ui(Assistant())\n"
            "print('chat', 'pandas.core' in sys.modules)\n"
            "import pandas, gradio\n"
            "table = gradio.Dataframe(value=[[1, 'a']], headers=['n', 'letter'])\n"
            "print('table', 'pandas.core' in sys.modules, type(table.value).__name__,\n"
            "      pandas.DataFrame is sys.modules['pandas'].DataFrame)")
    out = run_python(code, s, cwd=tmp_path, timeout=120, VRAAGBAAK_ADMIN_PASSWORD="")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-2:] == ["chat False", "table True dict True"]


def test_a_deferred_module_serves_its_holders_like_the_real_one(tmp_path):
    """The stand-in of gradio_loader.defer: find_spec works before the import, the first attribute imports the
    real module, and a submodule imported after that is seen by whoever holds the stand-in."""
    code = ("import importlib.util, sys\n"
            "from vraagbaak.web.gradio_loader import OnFirstUse, defer\n"
            "defer('xml')\n"
            "import xml as held\n"
            "assert isinstance(held, OnFirstUse) and importlib.util.find_spec('xml') is not None\n"
            "assert 'xml.dom' not in sys.modules and held.__name__ == 'xml'\n"
            "held.__path__\n"  # the first attribute read: the real xml now
            "assert sys.modules['xml'] is not held\n"
            "import xml.dom\n"
            "print(held.dom is xml.dom)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


PHISHING_DOC = (
    "---\ntitle: \"[Uw sessie is verlopen, klik hier](http://aanvaller.example/login)\"\n---\n\n# Hondenbelasting\n\n"
    "De hondenbelasting in Voorbeeldstad bedraagt 120 euro per hond per jaar. ![](http://aanvaller.example/pixel.png) "
    "<img src=http://aanvaller.example/x.png> Zie [het tarief](http://aanvaller.example/tarief) of "
    "www.aanvaller.example en https://aanvaller.example/kaal voor de hondenbelasting.\n")


@pytest.fixture(scope="module")
def phishing_app(tmp_path_factory, model_dir):
    corpus = tmp_path_factory.mktemp("phishing-corpus")
    (corpus / "hondenbelasting.md").write_text(PHISHING_DOC, encoding="utf-8")
    proc, url = start_app(corpus, model_dir)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_no_link_or_image_from_a_document_reaches_the_chat(phishing_app, browser):
    """A document's Markdown link, image, HTML image and bare addresses, in its title and its text: the chat
    and the source view show them as text, make no link of them, and the browser asks nothing from their
    address (before: a clickable phishing link inside a sourced answer, and an image fetched for every reader)."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(phishing_app)
    page.get_by_role("textbox", name="Uw vraag").wait_for(timeout=60_000)
    ask(page, "Hoeveel hondenbelasting betaal je in Voorbeeldstad?")
    chat = page.locator("#gesprek")
    assert "120 euro per hond" in chat.inner_text() and "aanvaller.example" in chat.inner_text()
    links = chat.evaluate("c => [...c.querySelectorAll('a')].map(a => a.href)")
    images = chat.evaluate("c => [...c.querySelectorAll('img')].map(i => i.src)")
    assert not [h for h in links if "aanvaller" in h], links
    assert not [i for i in images if "aanvaller" in i], images
    sources = page.locator("#bronnen")
    assert "120 euro per hond" in sources.inner_text()  # the source view shows the section ...
    assert not [h for h in sources.evaluate("b => [...b.querySelectorAll('a, img')].map(e => e.href || e.src)")
                if "aanvaller" in h]  # ... with no link or image a document chose
    assert not [u for u in requested if "aanvaller" in u], requested
    context.close()


def test_a_full_temp_folder_costs_neither_the_answer_nor_the_memo(tmp_path, model_dir, browser):
    """Gradio's temp folder full: the chat stayed on "Bezig …" for 40 s and more without a message, because
    the memo files could not be copied there after the handler. The memo is now made in memory when it is
    downloaded: the answer is shown and the download works."""
    full = tmp_path / "vol"
    full.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(full)],
                      capture_output=True).returncode:
        pytest.skip("a small file system cannot be mounted here")
    proc = None
    try:
        with contextlib.suppress(OSError), (full / "vulling").open("wb") as filler:
            while True:
                filler.write(b"0" * 4096)
                filler.flush()
        corpus = tmp_path / "docs"
        corpus.mkdir()
        (corpus / "afval.md").write_text("# Afval\n\nDe gemeente haalt het grofvuil elke eerste maandag van de "
                                         "maand op.\n", encoding="utf-8")
        proc, url = start_app(corpus, model_dir, GRADIO_TEMP_DIR=str(full))
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Uw vraag").wait_for(timeout=60_000)
        started = time.monotonic()
        ask(page, "Wanneer wordt het grofvuil opgehaald?")
        assert time.monotonic() - started < 30
        assert "eerste maandag" in page.locator("#gesprek").inner_text()
        with page.expect_download() as info:  # the memo is made in memory when it is downloaded
            page.locator("#download-memo").click()
        assert "eerste maandag" in Path(info.value.path()).read_text(encoding="utf-8")
        context.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        subprocess.run(["umount", "--lazy", str(full)], capture_output=True)


def test_a_raw_api_call_may_leave_out_optional_values_and_without_a_question_is_told_so(app):
    """POST /gradio_api/call/ask with only the question, or with nothing: Gradio answered {"error": null}."""
    import httpx

    with httpx.Client(timeout=120) as client:
        empty = client.post(app["url"] + "gradio_api/call/ask", json={"data": []})
        assert empty.status_code == 400 and "De vraag ontbreekt" in empty.text
        assert "geen geldige JSON" in client.post(app["url"] + "gradio_api/call/search", content=b"{kapot").text
        for endpoint, data in (("ask", ["Hoe wordt zwerfafval opgeruimd?"]), ("search", ["zwerfafval"])):
            event = client.post(app["url"] + f"gradio_api/call/{endpoint}", json={"data": data})
            assert event.status_code == 200, event.text
            stream = client.get(app["url"] + f"gradio_api/call/{endpoint}/{event.json()['event_id']}").text
            assert "event: complete" in stream and "zwerfafval" in stream.lower(), stream[:500]


def test_a_malformed_chat_history_costs_the_log_a_few_lines_not_one_per_item(app):
    """A history of 200,000 strings wrote 600,000 lines to the app's log. Now a huge one is refused before it is
    parsed, and a malformed one that Gradio refuses item by item is cut in the log to one short message."""
    import httpx

    log_file = app["tmp"] / "app.log"
    with httpx.Client(timeout=60) as client:
        config = client.get(app["url"] + "config").json()
        respond = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "respond")
        before = len(log_file.read_text(errors="replace").splitlines())
        huge = client.post(app["url"] + "gradio_api/queue/join",
                           json={"data": ["Vraag?", ["x"] * 200_000, [], [], [], []], "fn_index": respond,
                                 "session_hash": "kapotgesprek1"})
        assert huge.status_code == 400 and "Nieuw gesprek" in huge.text
        malformed = client.post(app["url"] + "gradio_api/queue/join",
                                json={"data": ["Vraag?", [["x", "y", "z"]] * 900, [], [], [], []],
                                      "fn_index": respond, "session_hash": "kapotgesprek2"})
        assert malformed.status_code == 200
        stream = client.get(app["url"] + "gradio_api/queue/data", params={"session_hash": "kapotgesprek2"}).text
        assert "process_completed" in stream and '"success":false' in stream
    time.sleep(1)
    grown = len(log_file.read_text(errors="replace").splitlines()) - before
    assert grown < 250, f"{grown} log lines for one request"


def test_sessions_beyond_the_cap_are_not_kept_in_memory(small_assistant, monkeypatch):
    """Every anonymous page load kept 60-100 kB in memory up to Gradio's 10,000 sessions; the app keeps
    max_sessions of them (the oldest go)."""
    import dataclasses

    import httpx

    from vraagbaak.web import ui

    served = []
    monkeypatch.setattr(ui, "_serve_until_stopped", served.append)  # return at once with the running app
    port = free_port()
    monkeypatch.setattr(small_assistant, "settings", dataclasses.replace(small_assistant.settings, max_sessions=3,
                                                                        port=port))
    try:
        ui.launch(small_assistant)
        demo = served[0]
        url = f"http://127.0.0.1:{port}/"
        with httpx.Client(timeout=60) as client:
            config = client.get(url + "config").json()
            clear = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "lambda")
            for n in range(8):
                session = f"sessie{n:04d}"
                assert client.post(url + "gradio_api/queue/join",
                                   json={"data": [], "fn_index": clear, "session_hash": session}).status_code == 200
                assert "process_completed" in client.get(url + "gradio_api/queue/data",
                                                         params={"session_hash": session}).text
        kept = set(demo.state_holder.session_data)
        assert len(kept) <= 3 and "sessie0007" in kept
    finally:
        for demo in served:
            demo.close()


def test_a_session_hash_read_from_a_log_does_not_open_another_browsers_answers(app):
    """Gradio's session hash travels in GET URLs (queue/data?session_hash=…), so proxy logs keep it. A session
    is bound to the browser cookie that first used it: the same hash from another browser gets 403."""
    import httpx

    with httpx.Client(timeout=120) as owner, httpx.Client(timeout=30) as other:
        page = owner.get(app["url"])
        set_cookie = page.headers.get("set-cookie", "")
        assert "vraagbaak_sessie=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
        config = owner.get(app["url"] + "config").json()
        clear = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "lambda")
        joined = owner.post(app["url"] + "gradio_api/queue/join",
                            json={"data": [], "fn_index": clear, "session_hash": "gelekt12345"})
        assert joined.status_code == 200
        stolen = other.get(app["url"] + "gradio_api/queue/data", params={"session_hash": "gelekt12345"})
        assert stolen.status_code == 403 and "ander browservenster" in stolen.text
        assert other.post(app["url"] + "gradio_api/queue/join",
                          json={"data": [], "fn_index": clear, "session_hash": "gelekt12345"}).status_code == 403
        mine = owner.get(app["url"] + "gradio_api/queue/data", params={"session_hash": "gelekt12345"})
        assert mine.status_code == 200 and "process_completed" in mine.text
        anonymous = other.post(app["url"] + "gradio_api/queue/join",  # a client without cookies: its own sessions
                               json={"data": [], "fn_index": clear, "session_hash": "zonderkoekje1"})
        assert anonymous.status_code == 200
        assert "process_completed" in other.get(app["url"] + "gradio_api/queue/data",
                                                params={"session_hash": "zonderkoekje1"}).text


def test_a_filter_value_the_collection_no_longer_holds_is_left_out_with_a_dutch_notice(app):
    """A page opened before a document was removed still offers it as a filter; Gradio refused the question
    with "Value: … is not in the list of choices". Now the value is left out and the answer says so."""
    import httpx

    with httpx.Client(timeout=120) as client:
        config = client.get(app["url"] + "config").json()
        respond = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "respond")
        data = ["Hoe wordt zwerfafval opgeruimd?", [], [], ["verwijderd-rapport.pdf"], ["Utrecht"], []]
        joined = client.post(app["url"] + "gradio_api/queue/join",
                             json={"data": data, "fn_index": respond, "session_hash": "oudefilter01"})
        assert joined.status_code == 200
        stream = client.get(app["url"] + "gradio_api/queue/data", params={"session_hash": "oudefilter01"}).text
    assert '"success":true' in stream and "not in the list" not in stream
    assert "Niet meer in de collectie, dus niet als filter gebruikt: verwijderd-rapport.pdf" in stream
    assert "zwerfafval" in stream.lower()


def test_no_event_runs_past_the_queue_for_another_browsers_session(app):
    """Gradio's direct routes (/run/<name>, /api/<name>) ran a private Beheer event for any session hash
    that a proxy log gave away, and handed out an upload key. They are closed (api_open=False) and bound."""
    import httpx

    with httpx.Client(timeout=60) as owner, httpx.Client(timeout=60) as other:
        owner.get(app["url"])
        config = owner.get(app["url"] + "config").json()
        clear = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "lambda")
        event = {"data": [], "fn_index": clear, "session_hash": "directeroute1"}
        assert owner.post(app["url"] + "gradio_api/queue/join", json=event).status_code == 200
        for route in ("gradio_api/run/predict", "gradio_api/api/predict"):
            assert other.post(app["url"] + route, json=event).status_code in (403, 404)
        own = other.post(app["url"] + "gradio_api/run/predict", json=event | {"session_hash": "eigen00001"})
        assert own.status_code != 200  # also for its own session: every event goes through the queue


def test_beheer_takes_a_word_file_by_its_content_and_answers_from_it(page, app, tmp_path):
    """A .docx was refused as "binair"; now a real Word file is taken, indexed and quoted with its section, and
    a text file named .docx is refused with a Dutch reason."""
    from test_formats import make_docx

    word = make_docx(tmp_path / "nota-zwembaden.docx")
    fake = tmp_path / "nep.docx"
    fake.write_text("Dit is gewone tekst met de extensie van een Word-bestand.\n" * 5, encoding="utf-8")
    page.get_by_role("tab", name="Beheer").click()
    page.get_by_label("Beheerwachtwoord").fill("geheim")
    page.get_by_role("button", name="Inloggen").click()
    page.locator("#beheer-aandacht").wait_for()
    page.wait_for_function("document.cookie.includes('vraagbaak_beheer=')", timeout=30_000)
    page.locator("#beheer-upload input[type=file]").set_input_files([str(word), str(fake)])
    message = page.locator("#beheer-upload-melding")
    message.get_by_text("nep.docx geweigerd").wait_for(timeout=180_000)
    assert "geen Word-bestand" in message.inner_text() and "nota-zwembaden.docx opgeslagen" in message.inner_text()
    page.get_by_role("button", name="Opnieuw indexeren").click()
    page.locator("#beheer-index-melding").get_by_text("Index bijgewerkt").wait_for(timeout=180_000)
    page.get_by_role("tab", name="Vragen").click()
    ask(page, "Waarom is zwembad De Wetering gesloten?")
    assert "vanwege betonrot in de kelder" in page.locator("#gesprek").inner_text()
    assert "Nota zwembaden 2025" in page.locator("#bronnen").inner_text()


def open_beheer(page) -> None:
    page.get_by_role("tab", name="Beheer").click()
    page.get_by_label("Beheerwachtwoord").fill("geheim")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()
    page.locator("#beheer-documenten [role=row].virtual-row").first.wait_for()


def reindex(page, expected: str) -> None:
    page.get_by_role("button", name="Opnieuw indexeren").click()
    page.locator("#beheer-index-melding").get_by_text(expected).wait_for(timeout=180_000)


# The table's rows as Gradio draws them (only those the search lets through), each as its cells' texts.
TABLE_ROWS_JS = """() => [...document.querySelectorAll('#beheer-documenten [role=row].virtual-row')]
    .map(row => [...row.querySelectorAll('[role=gridcell]')].map(cell => cell.innerText.trim()))"""


YEAR_BOX = "#beheer-metadata-jaar input, #beheer-metadata-jaar textarea"


def test_beheer_sets_a_documents_metadata_that_the_chat_filter_and_the_table_then_use(page, app):
    """Issue #29: gemeente, domein and jaar of an added document are set in Beheer, written to its sidecar
    (keeping what was there) and, after a re-index, offered by the chat's gemeente filter and shown in the table."""
    import yaml

    haven, side = app["corpus"] / "haven.md", app["corpus"] / "haven.md.meta.yaml"
    haven.write_text("# Havenbeleid\n\nDe haven krijgt in 2030 een nieuwe kade voor containerschepen.\n",
                     encoding="utf-8")
    side.write_text("title: Havenbeleid Zeestad\nbron: https://example.org/haven\n", encoding="utf-8")
    form = {name: page.locator(f"#beheer-metadata-{name}").get_by_role("textbox") for name in ("eigenaar", "thema", "jaar")}
    message = page.locator("#beheer-metadata-melding")
    try:
        open_beheer(page)
        reindex(page, "Index bijgewerkt")  # the added document, without gemeente, domein or jaar
        page.locator("#beheer-metadata-keuze input").click()
        page.get_by_role("option", name="Slim schoonmaken (zwerfafval.md)").click()
        page.wait_for_function(f"() => document.querySelector('{YEAR_BOX}').value === '2021'")
        assert form["eigenaar"].input_value() == "Utrecht"  # filled from its front matter, as indexed
        page.locator("#beheer-metadata-keuze input").click()
        page.get_by_role("option", name="Havenbeleid Zeestad (haven.md)").click()
        page.wait_for_function(f"() => document.querySelector('{YEAR_BOX}').value === ''")
        form["jaar"].fill("12ab")
        page.get_by_role("button", name="Metadata opslaan").click()
        message.get_by_text("Niet opgeslagen: jaar moet leeg zijn of een jaartal van 1900 tot en met 2100").wait_for()
        form["eigenaar"].fill("Vlissingen")
        form["thema"].fill("economie")
        form["jaar"].fill("2023")
        page.get_by_role("button", name="Metadata opslaan").click()
        message.get_by_text("Klik op ‘Opnieuw indexeren’").wait_for()
        assert yaml.safe_load(side.read_text(encoding="utf-8")) == {
            "title": "Havenbeleid Zeestad", "bron": "https://example.org/haven", "gemeente": "Vlissingen",
            "domein": "economie", "jaar": "2023"}
        page.locator("#beheer-aandacht").get_by_text("nog niet bijgewerkt in de index: haven.md").wait_for()
        reindex(page, "gewijzigd 1")
        page.wait_for_function(f"() => ({TABLE_ROWS_JS})().some(r => r.includes('Vlissingen'))")
        row = next(r for r in page.evaluate(TABLE_ROWS_JS) if r[0] == "haven.md")
        assert row[1:5] == ["Havenbeleid Zeestad", "Vlissingen", "economie", "2023"]

        page.get_by_role("tab", name="Vragen").click()
        page.get_by_text("Filters").click()
        box = page.locator("#filter-gemeente input")
        box.click()
        box.fill("Vliss")
        page.get_by_role("option", name="Vlissingen").click()  # offered without a restart
        page.keyboard.press("Escape")
        ask(page, "Wat krijgt de haven in 2030?")
        assert "Havenbeleid Zeestad" in page.locator("#bronnen").inner_text()
    finally:
        haven.unlink(missing_ok=True)
        side.unlink(missing_ok=True)
    page.get_by_role("tab", name="Beheer").click()
    reindex(page, "verwijderd 1")  # the other tests count the documents


def test_beheer_table_search_narrows_the_rows_and_a_column_menu_sorts_them(page):
    open_beheer(page)
    rows = page.evaluate(TABLE_ROWS_JS)
    assert len(rows) >= 2
    search = page.locator("#beheer-documenten input.search-input")
    assert search.get_attribute("placeholder") == "Zoeken in de tabel…"
    search.fill("zwerf")
    page.wait_for_function(f"() => ({TABLE_ROWS_JS})().length === 1")
    assert [r[0] for r in page.evaluate(TABLE_ROWS_JS)] == ["zwerfafval.md"]
    search.fill("")
    page.wait_for_function(f"() => ({TABLE_ROWS_JS})().length === {len(rows)}")

    headers = page.locator("#beheer-documenten th").all_inner_texts()
    n = [h.strip() for h in headers].index("pagina's")
    counts = [int(r[n]) for r in rows]
    assert len(set(counts)) > 1  # else no order would show
    column = page.locator("#beheer-documenten th").nth(n)
    for order, descending in (("Oplopend sorteren", False), ("Aflopend sorteren", True)):
        column.hover()  # the column's menu button shows on hover
        column.get_by_role("button", name="Sorteren of filteren").click()
        page.get_by_role("menuitem", name=order).click()
        page.wait_for_function(f"want => JSON.stringify(({TABLE_ROWS_JS})().map(r => Number(r[{n}]))) === "
                               "JSON.stringify(want)", arg=sorted(counts, reverse=descending))


def test_a_normal_start_prints_no_english_library_lines(app):
    """faiss's "Could not load library with AVX512 support" looked like an error, httpx logged every request,
    and Gradio advised share=True (a public link) for a government tool."""
    log = (app["tmp"] / "app.log").read_text(errors="replace")
    assert "Vraagbaak draait op http://" in log
    for english in ("Could not load library", "Loading faiss", "share=True", "Running on local URL", "HTTP Request"):
        assert english not in log, english


def test_first_run_answers_at_once_with_a_dutch_page_and_switches_to_the_chat(tmp_path, browser):
    """With an empty model folder and no index the chat took over a minute to start, with "connection refused"
    all that time. Now the app's address answers at once with a Dutch page that says how far it is, and the
    same browser tab shows the chat once it is ready."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "afval.md").write_text("# Afval\n\nDe gemeente haalt het grofvuil elke eerste maandag van de "
                                     "maand op.\n", encoding="utf-8")
    port = free_port()
    env = dict(os.environ, VRAAGBAAK_CORPUS_DIR=str(corpus), VRAAGBAAK_INDEX_DIR=str(tmp_path / "index"),
               VRAAGBAAK_PORT=str(port), VRAAGBAAK_MODEL_DIR=str(tmp_path / "leeg-model"),
               GRADIO_ANALYTICS_ENABLED="False", GRADIO_TEMP_DIR=str(tmp_path / "gradio-cache"))
    APP_LOGS.append(tmp_path / "app.log")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=APP_LOGS[-1].open("w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        first = None
        while time.monotonic() - started < 30 and first is None:
            try:
                first = urllib.request.urlopen(url, timeout=2).read().decode()
            except OSError:
                assert proc.poll() is None, app_log_tail()
                time.sleep(0.1)
        answered_after = time.monotonic() - started
        assert first is not None and "Vraagbaak wordt voorbereid" in first and 'lang="nl"' in first, first
        assert answered_after < 5, answered_after  # 1-2 s on 2 cores: the interpreter and the page, no model
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Uw vraag").wait_for(timeout=240_000)  # the same tab, after a reload
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_app_kept_an_audit_trail_of_this_module_that_verifies(app):
    """Every question, page image, PDF, memo download and Beheer action of the tests above is an event in the
    audit trail (vraagbaak/audit.py), with the client's address; the chain is whole."""
    from vraagbaak.audit import log_files, verify

    folder = app["tmp"] / "ui-index" / "audit"
    events = [json.loads(line) for f in log_files(folder) for line in f.read_text(encoding="utf-8").splitlines()]
    actions = {e["action"] for e in events}
    assert {"vraag", "pagina bekijken", "memo downloaden", "beheer.inloggen", "beheer.indexeren"} <= actions, actions
    question = next(e for e in events if e["action"] == "vraag" and e["details"]["quoted"])
    assert question["origin"] == "127.0.0.1" and question["details"]["quoted"][0]["doc"]
    assert any(e["action"] == "beheer.inloggen" and e["result"] == "geweigerd" for e in events)  # a wrong password
    assert verify(folder, app["tmp"] / "ui-index" / "audit-sleutel").ok


def test_sigterm_with_a_tab_open_stops_the_app_before_docker_would_kill_it(tmp_path, model_dir, browser):
    """docker stop sends SIGTERM and kills after 10 s. Gradio's own shutdown left the heartbeat of an open tab
    running, and the server waited for it: 21 s on 2 cores, so every restart ended in a kill (a helper's user
    test). Now the app stops the heartbeats first."""
    import signal

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "afval.md").write_text("# Afval\n\nDe gemeente haalt het grofvuil elke eerste maandag van de "
                                     "maand op.\n", encoding="utf-8")
    proc, url = start_app(corpus, model_dir)
    try:
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("textbox", name="Uw vraag").fill("Wanneer wordt het grofvuil opgehaald?")
        page.keyboard.press("Enter")
        page.get_by_text("eerste maandag van de maand").first.wait_for(timeout=60_000)
        asked = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        stopped_after = time.monotonic() - asked
        context.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert stopped_after < 10, stopped_after  # about 6 s: the server's own wait for its thread is 5 s
    assert "De Vraagbaak stopt." in APP_LOGS[-1].read_text()
