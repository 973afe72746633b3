"""What a reader checks a quote against: the PDF page with the quote highlighted, the Markdown section
rendered with the quote marked, and the memo as a Word file."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from conftest import FIXTURES, make_report_pdf

from vraagbaak.assistant import Assistant
from vraagbaak.ingest.loaders import file_hash, load_pdf
from vraagbaak.schema import Answer, Citation
from vraagbaak.settings import Settings
from vraagbaak.web.page_images import PageImageCache, render_page
from vraagbaak.web.sources import decode_sentences, encode_sentences, section_text, section_view, sources_html

TOZO = FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf"
# printed on page 2 over three lines, with a hyphenation ("vastge-steld") elsewhere on the page
ON_PAGE_2 = ("Bij de hoogte van de rente in het Bbz geldt als uitgangspunt dat deze rente marktconform is en het "
             "niveau van de bankrente voor zakelijke kredieten volgt.")


def _yellow_pixels(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 230 and g > 200 and b < 150)


def test_pdf_page_is_rendered_with_the_quoted_sentence_highlighted():
    # the sentence as the index holds it: cleaned text, line breaks joined
    indexed = " ".join(load_pdf(TOZO, "tozo.pdf").pages[1].text.split())
    assert ON_PAGE_2 in indexed
    marked = render_page(TOZO, 2, [ON_PAGE_2])
    plain = render_page(TOZO, 2, [])
    elsewhere = render_page(TOZO, 1, [ON_PAGE_2])
    assert marked.marked == 1 and plain.marked == 0 and elsewhere.marked == 0
    assert marked.png.startswith(b"\x89PNG")
    # three printed lines of highlight, and none on the page without the quote
    assert _yellow_pixels(marked.png) > 3000 and _yellow_pixels(plain.png) == 0


def test_a_sentence_with_a_repaired_hyphenation_is_still_found_on_the_page():
    page = load_pdf(TOZO, "tozo.pdf").pages[1].text
    sentence = next(s for s in page.replace("\n", " ").split(". ") if "vastgesteld" in s or "vastge" in s)
    repaired = sentence.replace("vastge- steld", "vastgesteld").replace("vastge-steld", "vastgesteld")
    assert render_page(TOZO, 2, [repaired]).marked == 1


def test_page_images_are_cached_on_disk(tmp_path, monkeypatch):
    import vraagbaak.web.page_images as page_images

    cache = PageImageCache(tmp_path / "cache")
    first = cache.get(TOZO, file_hash(TOZO), 2, [ON_PAGE_2])
    calls = []
    monkeypatch.setattr(page_images, "render_page", lambda *a, **k: calls.append(a))
    again = cache.get(TOZO, file_hash(TOZO), 2, [ON_PAGE_2])
    assert again == first and calls == []  # served from disk, not rendered again
    assert len(list((tmp_path / "cache").glob("*.png"))) == 1


def test_sentences_travel_in_the_image_address_and_bad_addresses_mark_nothing():
    sentences = [ON_PAGE_2, "Tweede zin met „aanhalingstekens” & tekens?"]
    packed = encode_sentences(sentences)
    assert decode_sentences(packed) == sentences and len(packed) < 600
    assert decode_sentences("kapot!!") == [] and decode_sentences("") == []


MARKDOWN = """# Slim vegen (Utrecht)

## Wat is het

Slim vegen is een case van de gemeente Utrecht. **Veegroutes** worden aangepast aan de plekken waar het
meeste afval ligt. Een <script>alert(1)</script> hoort hier niet.

- eerste punt over sensoren
- tweede punt over meldingen

## Bronnen

- https://example.org/a
"""


def test_markdown_section_is_rendered_with_the_quote_marked_and_nothing_raw():
    section = section_text([MARKDOWN], "Slim vegen (Utrecht) > Wat is het", is_markdown=True)
    assert section.startswith("## Wat is het") and "Bronnen" not in section
    html = section_view(section, ["Veegroutes worden aangepast aan de plekken waar het meeste afval ligt.",
                                  "tweede punt over meldingen"], heading="Wat is het")
    assert "<h2>Wat is het</h2>" in html and "##" not in html and "**" not in html
    assert "<mark><strong>Veegroutes</strong> worden aangepast aan de plekken waar het</mark>\n<mark>meeste afval ligt.</mark>" in html
    assert "<li><mark>tweede punt over meldingen</mark></li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # a document's HTML is shown, never run


def test_cards_show_no_paths_no_scores_and_no_missing_page():
    md = Citation(1, "cases/01-slim-vegen.md", "Slim vegen", None, "Slim vegen (Utrecht) > Wat is het",
                  "Slim vegen is een case van de gemeente Utrecht.", metadata={"gemeente": "Utrecht", "jaar": "2021"})
    pdf = Citation(2, "rapporten/tozo.pdf", "Aanhangsel Tozo", 2, None, ON_PAGE_2, highlights=[ON_PAGE_2],
                   page_end=2)
    answer = Answer("vraag", True, "antwoord", [md, pdf], [])
    html = sources_html(answer, lambda c: MARKDOWN)
    assert "cases/01-slim-vegen.md" not in html.replace("doc=cases%2F01-slim-vegen.md", "")
    assert "0.87" not in html and "relevantie" not in html and "geen paginanummer" not in html
    assert "gemeente: Utrecht" in html and "jaar: 2021" in html and "sectie: Wat is het" in html
    assert "pagina 2" in html and "Open de PDF op pagina 2" in html and "#page=2" in html
    assert "vraagbaak/pagina?doc=rapporten%2Ftozo.pdf&amp;p=2&amp;s=" in html


def test_word_memo_holds_quotes_numbered_sources_and_the_filter():
    from docx import Document

    from vraagbaak.text.dates import dutch_date
    from vraagbaak.web.memo import NO_MEMO, memo_filename
    from vraagbaak.web.memo_docx import memo_docx

    citation = Citation(1, "cases/01-slim-vegen.md", "Slim vegen", None, "Slim vegen (Utrecht) > Wat is het",
                        "Slim vegen is een case van de gemeente Utrecht.",
                        metadata={"gemeente": "Utrecht", "bronnen": ["https://example.org/a", "https://example.org/b"]})
    answer = Answer("Wat is Slim vegen?", True, "…", [citation], [])
    answer.filters = {"gemeente": ["Utrecht"]}
    data = memo_docx(answer)
    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _, t in paragraphs]
    assert texts[0] == "Wat is Slim vegen?" and texts[1] == f"Datum: {dutch_date()}"
    assert "Gezocht in: gemeente Utrecht" in texts
    assert ("Quote", "„Slim vegen is een case van de gemeente Utrecht.” [1]") in paragraphs
    assert "Bronnen" in texts
    props = document.core_properties  # its own properties, not python-docx's template (2013, "python-docx")
    assert props.title == "Wat is Slim vegen?" and props.author == "Vraagbaak" and props.language == "nl-NL"
    assert props.created.date() >= dt.date.today() - dt.timedelta(days=1)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # Word checks the spelling in Dutch, not en-US
        styles = archive.read("word/styles.xml").decode()
    assert 'w:lang w:val="nl-NL"' in styles and 'w:val="en-US"' not in styles
    reference = next(t for t in texts if t.startswith("[1] "))
    assert "Beschrijving „Slim vegen”" in reference and "§ Wat is het" in reference
    assert "https://example.org/a; https://example.org/b" in reference and "Slim vegen (Utrecht)" not in reference
    assert not any("#" in t or t.startswith(">") for t in texts)
    assert memo_filename(answer, "docx", dt.date(2026, 12, 5)) == "vraagbaak-wat-is-slim-vegen-2026-12-05.docx"
    nothing = Document(io.BytesIO(memo_docx(Answer("Wat is de hondenbelasting?", False, "niets", []))))
    assert NO_MEMO in [p.text for p in nothing.paragraphs]


def test_a_memo_of_quotes_that_do_not_state_the_amount_asked_says_so_before_them():
    """The chat said "De gevonden passages noemen geen bedrag"; the memo left that out, so its quotes read as the
    answer to a cost question (seen in a user test)."""
    from docx import Document

    from vraagbaak.web.memo import memo_markdown, memo_text
    from vraagbaak.web.memo_docx import memo_docx

    citation = Citation(1, "cases/01-slim-vegen.md", "Slim vegen", None, None, "Slim vegen is een case.")
    answer = Answer("Wat kostte Slim vegen?", True, "…", [citation], [], found_as="not_stated",
                    missing_kind="money")
    notice = "Let op: de gevonden passages noemen geen bedrag."
    assert notice in memo_text(answer) and memo_text(answer).index(notice) < memo_text(answer).index("„Slim")
    assert f"**{notice}" in memo_markdown(answer)
    texts = [p.text for p in Document(io.BytesIO(memo_docx(answer))).paragraphs]
    assert any(t.startswith(notice) for t in texts)
    assert notice not in memo_text(Answer("Wat is Slim vegen?", True, "…", [citation], []))


@pytest.mark.parametrize("path", ["../geheim.pdf", "bestaat-niet.pdf", "cases/01-slim-vegen.md", "a\x00b.pdf",
                                  "x" * 5000])
def test_pdf_route_refuses_anything_but_an_indexed_pdf(small_assistant, path):
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import app_kwargs

    client = TestClient(Starlette(routes=app_kwargs(small_assistant)["routes"]))
    assert client.get("/vraagbaak/pdf", params={"doc": path}).status_code == 404  # a NUL gave a 500
    assert client.get("/vraagbaak/pagina", params={"doc": path, "p": 1}).status_code == 404
    ok = client.get("/vraagbaak/pdf", params={"doc": "tk-aanhangsel-kamervragen-tozo-2021.pdf"})
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/pdf"
    image = client.get("/vraagbaak/pagina", params={"doc": "tk-aanhangsel-kamervragen-tozo-2021.pdf", "p": 2,
                                                    "s": encode_sentences([ON_PAGE_2])})
    assert image.status_code == 200 and _yellow_pixels(image.content) > 3000
    assert client.get("/vraagbaak/pagina", params={"doc": "tk-aanhangsel-kamervragen-tozo-2021.pdf",
                                                   "p": 99}).status_code == 404


def test_a_pdf_replaced_by_one_of_the_same_size_with_its_old_time_is_not_served(tmp_path, embedder):
    """The file behind a citation must be the one that was indexed: a same-size replacement whose
    modification time was set back (touch -r, rsync -t) was served as if nothing had changed."""
    import os

    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import app_kwargs

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = make_report_pdf(corpus / "rapport.pdf")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index",
                                   model_dir=embedder.settings.model_dir), embedder)
    assistant.build_index()
    client = TestClient(Starlette(routes=app_kwargs(assistant)["routes"]))
    assert client.get("/vraagbaak/pdf", params={"doc": "rapport.pdf"}).status_code == 200
    before = pdf.stat()
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x20  # the same size, another content
    pdf.write_bytes(bytes(data))
    os.utime(pdf, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert pdf.stat().st_size == before.st_size and pdf.stat().st_mtime_ns == before.st_mtime_ns
    refused = client.get("/vraagbaak/pdf", params={"doc": "rapport.pdf"})
    assert refused.status_code == 409 and "gewijzigd sinds het indexeren" in refused.text
    assert client.get("/vraagbaak/pagina", params={"doc": "rapport.pdf", "p": 1}).status_code == 409


def test_dutch_page_middleware_sets_the_language():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import DutchPage

    app = Starlette(routes=[Route("/", lambda r: HTMLResponse('<html lang="en"><head></head><body>x</body></html>')),
                            Route("/api", lambda r: JSONResponse({"lang": "en"}))],
                    middleware=[Middleware(DutchPage)])
    client = TestClient(app)
    page = client.get("/").text
    assert '<html lang="nl">' in page and "navigator, 'language'" in page and "Kopieer het gesprek" in page
    assert client.get("/api").json() == {"lang": "en"}


def test_plain_text_is_shown_as_paragraphs_not_as_markdown():
    html = section_view("# geen kop\n\nEen zin met *sterretjes* erin.\nTweede regel.", ["Een zin met *sterretjes* erin."],
                        is_markdown=False)
    assert "<h1>" not in html and "<p># geen kop</p>" in html
    assert "<mark>Een zin met *sterretjes* erin.</mark><br>Tweede regel." in html


def test_highlight_sits_on_the_printed_line(tmp_path):
    """A PDF whose page size is inherited from the page tree (as fpdf2 writes it): the highlight must be drawn
    where the sentence is printed, 140 mm from the top, not shifted by a default page size."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.set_y(140)
    pdf.cell(0, 8, "De raad stemt in met het plan voor de nieuwe brug over de rivier.")
    path = tmp_path / "brug.pdf"
    pdf.output(str(path))
    sentence = "De raad stemt in met het plan voor de nieuwe brug over de rivier."
    image = Image.open(io.BytesIO(render_page(path, 1, [sentence]).png)).convert("RGB")
    rows = [y for y in range(image.height) for x in range(0, image.width, 7)
            if (lambda p: p[0] > 230 and p[1] > 200 and p[2] < 150)(image.getpixel((x, y)))]
    expected = (140 + 4) / 25.4 * 72 * 1.5  # the middle of the 8 mm cell, in pixels at scale 1.5
    assert rows and abs(sum(rows) / len(rows) - expected) < 15


def test_a_huge_pdf_page_is_rendered_scaled_down_to_a_few_megapixels(tmp_path):
    """A 14400 x 14400 pt page (the PDF maximum, 732 bytes) took 51 s and 7 GB to render at the normal scale;
    the render is capped by pixels, not by points."""
    import io
    import time

    from fpdf import FPDF
    from PIL import Image

    from vraagbaak.pdfium import MAX_PIXELS, capped_scale
    from vraagbaak.web.page_images import render_page

    pdf = FPDF(unit="pt", format=(14400, 14400))
    pdf.add_page()
    pdf.set_font("Helvetica", size=400)
    pdf.text(1000, 2000, "Een enorme pagina met een zin.")
    path = tmp_path / "enorm.pdf"
    pdf.output(str(path))
    started = time.perf_counter()
    image = render_page(path, 1, ["Een enorme pagina met een zin."])
    assert time.perf_counter() - started < 10
    width, height = Image.open(io.BytesIO(image.png)).size
    assert width * height <= MAX_PIXELS * 1.01 and image.marked == 1
    assert capped_scale(595, 842, 1.5) == 1.5  # an A4 page keeps the normal scale


def test_every_response_forbids_framing_sniffing_and_outside_images_and_no_beheer_means_no_upload():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse, PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import DutchPage, Guard

    stored = []

    def upload(request):
        stored.append(1)
        return PlainTextResponse("opgeslagen")

    routes = [Route("/", lambda r: HTMLResponse("<html><head></head></html>")),
              Route("/gradio_api/upload", upload, methods=["POST"])]
    closed = TestClient(Starlette(routes=routes, middleware=[Middleware(Guard), Middleware(DutchPage)]))
    page = closed.get("/")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "img-src 'self' data: blob:" in page.headers["content-security-policy"]  # no outside image loads
    refused = closed.post("/gradio_api/upload", files={"files": ("a.pdf", b"%PDF-1.4 " + b"x" * 1000)})
    assert refused.status_code == 403 and "Beheer" in refused.text and stored == []
    for path in ("//gradio_api/upload", "/gradio_api/upload/", "/gradio_api/component_server"):  # any route
        assert closed.post(path, files={"files": ("a.pdf", b"%PDF-1.4")}).status_code == 403, path
    assert stored == []
    # with Beheer on, only a browser that logged in takes a file: it holds a fresh upload key as a cookie
    from vraagbaak.web.login import UPLOAD_COOKIE, UploadKeys

    now = [1_000_000.6]  # a fraction of a second: the key is valid at once (it was not, rounded up)
    keys = UploadKeys(clock=lambda: now[0])
    with_beheer = TestClient(Starlette(routes=routes, middleware=[Middleware(Guard, uploads_allowed=True,
                                                                             upload_keys=keys)]))
    anonymous = with_beheer.post("/gradio_api/upload", files={"files": ("a.pdf", b"%PDF-1.4")})
    assert anonymous.status_code == 403 and "inloggen in Beheer" in anonymous.text and stored == []
    def upload(cookie_header: str) -> int:
        return with_beheer.post("/gradio_api/upload", files={"files": ("a.pdf", b"%PDF-1.4")},
                                headers={"cookie": cookie_header.encode()}).status_code

    key = keys.issue()
    issued, signature, nonce = key.split(".")
    forged = [f"{issued}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}.{nonce}",
              f"{int(issued) + 1}.{signature}.{nonce}", UploadKeys().issue(), '"1.\303"', "1.é.x"]
    for bad in forged:  # forged, another process's, not ASCII: refused, never a server error
        assert upload(f"{UPLOAD_COOKIE}={bad}") == 403, bad
    assert upload(f"{UPLOAD_COOKIE}={key}") == 200
    # another app's cookie on the same host (JSON, spaces) does not hide ours (http.cookies gave up on it)
    assert upload(f'prefs={{"a": 1}}; {UPLOAD_COOKIE}={key}') == 200
    newer = keys.issue(replacing=key)  # each admin action replaces the browser's key
    assert upload(f"{UPLOAD_COOKIE}={key}") == 403 and upload(f"{UPLOAD_COOKIE}={newer}") == 200
    keys.revoke(newer)  # logging out: a copied key uploads no more
    assert upload(f"{UPLOAD_COOKIE}={newer}") == 403
    late = keys.issue()
    now[0] += keys.lifetime_s + 1  # a key outlives no Beheer session
    assert upload(f"{UPLOAD_COOKIE}={late}") == 403
    assert stored == [1, 1, 1]


def test_a_flood_of_uncached_page_images_is_refused_beyond_a_few_waiting(tmp_path, monkeypatch):
    """Renders run one at a time; 150 uncached requests each held a server thread while they waited and /ask
    stalled for 64 s. Past MAX_RENDERS_WAITING the cache refuses at once (the route answers 429); a cached page
    is always served."""
    import threading
    import time

    from vraagbaak.web import page_images
    from vraagbaak.web.page_images import PageImage, PageImageCache, RenderBusy

    def slow_render(pdf_path, page_number, sentences):
        time.sleep(0.3)
        return PageImage(b"png", 0)

    monkeypatch.setattr(page_images, "render_page", slow_render)
    cache = PageImageCache(tmp_path / "cache", max_waiting=2)
    outcomes, served = [], []

    def request(n):
        try:
            cache.get(tmp_path / "a.pdf", "hash", 1, [f"zin {n}"])
            outcomes.append("ok")
            served.append(n)
        except RenderBusy:
            outcomes.append("busy")

    threads = [threading.Thread(target=request, args=(n,)) for n in range(10)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 2 and outcomes.count("busy") == 8
    assert time.perf_counter() - started < 1.5  # refused at once, not after the others' renders
    monkeypatch.setattr(page_images, "render_page", lambda *a: (_ for _ in ()).throw(AssertionError("rendered")))
    cache._waiting = 2  # even while the renders are full, a cached page is served from disk
    assert cache.get(tmp_path / "a.pdf", "hash", 1, [f"zin {served[0]}"]).png == b"png"


def test_a_request_body_beyond_a_chats_worth_is_refused_before_it_is_read():
    """A 101 MB chat history was accepted, parsed and echoed back: now anything but a file upload is capped
    at MAX_REQUEST_BYTES, by its length header, or while it streams in without one."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import ClientDisconnect
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import MAX_REQUEST_BYTES, Guard

    received = []

    async def echo(request):
        try:
            body = await request.body()
        except ClientDisconnect:
            received.append("afgebroken")
            return PlainTextResponse("afgebroken", status_code=400)
        received.append(len(body))
        return PlainTextResponse("ok")

    client = TestClient(Starlette(routes=[Route("/gradio_api/queue/join", echo, methods=["POST"])],
                                  middleware=[Middleware(Guard)]))
    assert client.post("/gradio_api/queue/join", content=b"{}" * 1000).status_code == 200
    big = client.post("/gradio_api/queue/join", content=b"x" * (MAX_REQUEST_BYTES + 1))
    assert big.status_code == 413 and "te groot" in big.text
    assert received == [2000]

    def stream():  # no length header: counted as it comes in
        for _ in range(MAX_REQUEST_BYTES // 1_000_000 + 2):
            yield b"x" * 1_000_000

    chunked = client.post("/gradio_api/queue/join", content=stream())
    assert chunked.status_code == 413 and "te groot" in chunked.text and received == [2000]  # never read by the app

    def small():
        yield b'{"data": '
        yield b'["vraag"]}'

    assert client.post("/gradio_api/queue/join", content=small()).status_code == 200 and received[-1] == 19


def test_a_server_error_is_dutch_and_keeps_the_security_headers():
    """Starlette's bare 500 ("Internal Server Error") came without nosniff, frame and CSP headers."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import Guard

    def broken(request):
        raise ValueError("embedded null byte")

    client = TestClient(Starlette(routes=[Route("/kapot", broken)], middleware=[Middleware(Guard)]),
                        raise_server_exceptions=False)
    response = client.get("/kapot")
    assert response.status_code == 500 and "Er ging iets mis op de server" in response.text
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"


def test_a_highlight_parameter_nested_thousands_deep_is_no_server_error():
    """A JSON array 9,999 levels deep in `s` raised RecursionError: a 500 with a traceback."""
    import base64
    import zlib

    deep = base64.urlsafe_b64encode(zlib.compress(b"[" * 9999 + b"]" * 9999)).decode()
    assert decode_sentences(deep) == []


def test_a_chat_history_of_thousands_of_items_is_refused_before_gradio_parses_it():
    """A history of 200,000 strings was parsed by Gradio, which logged one validation error per item (600,000
    lines). The Guard refuses a list beyond MAX_LIST_ITEMS, or too many values in all, with a Dutch message."""
    import json

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.api_input import MAX_LIST_ITEMS, TOO_MANY_VALUES
    from vraagbaak.web.routes import Guard

    received = []

    async def echo(request):
        received.append(len(await request.body()))
        return PlainTextResponse("ok")

    client = TestClient(Starlette(routes=[Route("/gradio_api/queue/join", echo, methods=["POST"])],
                                  middleware=[Middleware(Guard)]))
    turns = [{"role": r, "content": [{"type": "text", "text": "Wat doet Utrecht?"}]} for r in ("user", "assistant")]
    real = {"data": ["Vraag?", turns * 200, [], [], [], []], "fn_index": 1, "session_hash": "abc"}
    assert client.post("/gradio_api/queue/join", content=json.dumps(real)).status_code == 200
    for data in (["Vraag?", ["x"] * 200_000], ["Vraag?", [["x"] * 900] * 100], ["Vraag?", turns * (MAX_LIST_ITEMS // 2 + 1)]):
        refused = client.post("/gradio_api/queue/join", content=json.dumps({"data": data, "fn_index": 1}))
        assert refused.status_code == 400 and refused.text == TOO_MANY_VALUES
    assert len(received) == 1
    deep = client.post("/gradio_api/queue/join", content=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert deep.status_code == 200  # no JSON Python reads: Gradio refuses it with one line


def test_one_message_to_the_log_is_cut_to_a_few_thousand_characters():
    import io

    from vraagbaak.web.log_limits import MAX_MESSAGE_CHARS, CappedStream

    out = io.StringIO()
    stream = CappedStream(out)
    stream.write("kort\n")
    stream.write("fout in item\n" * 100_000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "kort" and len(out.getvalue()) < MAX_MESSAGE_CHARS + 200
    assert "ingekort" in lines[-1] and "weggelaten" in lines[-1]
    assert stream.encoding == out.encoding and stream.flush() is None


def test_a_memo_is_made_when_downloaded_and_an_unknown_or_old_key_gets_a_dutch_message(small_assistant):
    from docx import Document
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from vraagbaak.web.memo_store import MEMO_PATH, MemoStore, memo_owner
    from vraagbaak.web.routes import app_kwargs

    memos = MemoStore(capacity=2)
    client = TestClient(Starlette(routes=app_kwargs(small_assistant, memos=memos)["routes"]))
    answer = small_assistant.ask("Hoe wordt zwerfafval gericht opgeruimd?")
    key = memos.put(answer, memo_owner(""))
    markdown = client.get("/" + MEMO_PATH, params={"m": key, "f": "md"})
    assert markdown.status_code == 200 and "vraagbaak-hoe-wordt-zwerfafval" in markdown.headers["content-disposition"]
    assert answer.citations[0].quote[:40] in markdown.text and "## Bronnen" in markdown.text
    word = client.get("/" + MEMO_PATH, params={"m": key, "f": "docx"})
    assert any(p.text == "Bronnen" for p in Document(io.BytesIO(word.content)).paragraphs)
    other_browser = TestClient(Starlette(routes=app_kwargs(small_assistant, memos=memos)["routes"]),
                               cookies={"vraagbaak_sessie": "iemand-anders"})
    assert other_browser.get("/" + MEMO_PATH, params={"m": key, "f": "md"}).status_code == 404  # key from a log
    mine = memos.put(answer, memo_owner("mijn-sessie"))
    annas = memos.put(answer, memo_owner("mijn-sessie", "anna"))  # asked by a signed-in user
    assert other_browser.get("/" + MEMO_PATH, params={"m": mine, "f": "md"}).status_code == 404
    client.cookies.set("vraagbaak_sessie", "mijn-sessie")
    assert client.get("/" + MEMO_PATH, params={"m": mine, "f": "md"}).status_code == 200
    # the same browser session, but not anna (someone signed in after her): not hers to download
    assert client.get("/" + MEMO_PATH, params={"m": annas, "f": "md"}).status_code == 404
    client.cookies.clear()
    for _ in range(2):  # beyond the capacity the oldest memo goes
        memos.put(answer, memo_owner(""))
    for params in ({"m": key, "f": "md"}, {"m": "geraden", "f": "docx"}, {}):
        gone = client.get("/" + MEMO_PATH, params=params)
        assert gone.status_code == 404 and "verlopen" in gone.text


def test_session_binding_holds_against_a_second_name_a_direct_route_and_a_flood():
    """Three ways past the binding that a red-team pass found: the session hash named twice in the query
    (Starlette reads the last, the check read the first), Gradio's direct /run/<name> route (the session in the
    body), and 20,000 heartbeats of made-up sessions that pushed a live binding out."""
    import json

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.sessions import SESSION_COOKIE, SessionBinding

    async def ok(request):
        return PlainTextResponse("ok")

    routes = [Route(path, ok, methods=["GET", "POST"]) for path in
              ("/gradio_api/queue/join", "/gradio_api/queue/data", "/gradio_api/run/predict", "/gradio_api/cancel",
               "/gradio_api/heartbeat/{session}", "/gradio_api/call/{name}/{event}")]
    live = {"H"}  # Gradio keeps the victim's (logged-in) session
    app = Starlette(routes=routes, middleware=[Middleware(SessionBinding, capacity=50, live=live.__contains__)])
    victim, attacker = TestClient(app, cookies={SESSION_COOKIE: "slachtoffer"}), TestClient(app)
    join = {"data": [], "fn_index": 7, "session_hash": "H"}
    assert victim.post("/gradio_api/queue/join", content=json.dumps(join)).status_code == 200
    assert attacker.get("/gradio_api/queue/data", params={"session_hash": "H"}).status_code == 403
    assert attacker.post("/gradio_api/run/predict", content=json.dumps(join)).status_code == 403
    twice = attacker.get("/gradio_api/queue/data?session_hash=EIGEN&session_hash=H")
    assert twice.status_code == 400
    mixed = attacker.post("/gradio_api/queue/join?session_hash=EIGEN", content=json.dumps(join))
    assert mixed.status_code in (400, 403)
    # Gradio streams GET /call/<name>/<id> from the session of that name when no event has that id
    assert attacker.get("/gradio_api/call/iets/H").status_code == 403
    for n in range(200):  # more than the capacity: they only check, they bind nothing
        attacker.get(f"/gradio_api/heartbeat/verzonnen{n}")
        attacker.get("/gradio_api/queue/data", params={"session_hash": f"verzonnen{n}"})
        attacker.post("/gradio_api/cancel", content=json.dumps({"session_hash": f"verzonnen{n}", "fn_index": 0}))
    assert attacker.post("/gradio_api/queue/join", content=json.dumps(join)).status_code == 403
    for n in range(200):  # joins do bind: beyond the capacity the oldest go, but never a live session's
        attacker.post("/gradio_api/queue/join", content=json.dumps(join | {"session_hash": f"nieuw{n}"}))
    assert attacker.post("/gradio_api/queue/join", content=json.dumps(join)).status_code == 403
    assert victim.get("/gradio_api/queue/data", params={"session_hash": "H"}).status_code == 200


def test_a_second_content_type_header_does_not_smuggle_a_file_past_the_upload_check():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.routes import Guard

    stored = []

    async def take(request):
        stored.append(await request.body())
        return PlainTextResponse("ok")

    client = TestClient(Starlette(routes=[Route("/gradio_api/process_recording", take, methods=["POST"])],
                                  middleware=[Middleware(Guard)]))
    body = b'--XX\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n\r\nDATA\r\n--XX--\r\n'
    response = client.post("/gradio_api/process_recording", content=body,
                           headers=[("content-type", "multipart/form-data; boundary=XX"),
                                    ("content-type", "application/json")])
    assert response.status_code == 403 and stored == []


def test_with_sign_in_a_session_belongs_to_its_user_also_for_clients_without_cookies():
    """A red-team pass: with sign-in, a script that keeps no cookies took over the Beheer session of an admin
    (also cookie-less) by naming its session hash; the binding now includes the signed-in user."""
    import json

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from vraagbaak.web.sessions import SessionBinding
    from vraagbaak.web.signin import User

    class SignedIn:  # what web/signin.RequireSignIn does: the user in the scope
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            name = dict(scope.get("headers", [])).get(b"x-test-user", b"").decode()
            if name:
                scope["vraagbaak_user"] = User(name, (), 0.0)
            return await self.app(scope, receive, send)

    async def ok(request):
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/gradio_api/queue/join", ok, methods=["POST"]),
                            Route("/gradio_api/queue/data", ok)],
                    middleware=[Middleware(SignedIn), Middleware(SessionBinding)])
    client = TestClient(app)
    join = json.dumps({"data": [], "fn_index": 7, "session_hash": "BEHEER"})
    assert client.post("/gradio_api/queue/join", content=join, headers={"x-test-user": "carla"}).status_code == 200
    assert client.post("/gradio_api/queue/join", content=join, headers={"x-test-user": "bert"}).status_code == 403
    assert client.get("/gradio_api/queue/data", params={"session_hash": "BEHEER"},
                      headers={"x-test-user": "bert"}).status_code == 403
    assert client.get("/gradio_api/queue/data", params={"session_hash": "BEHEER"},
                      headers={"x-test-user": "carla"}).status_code == 200
