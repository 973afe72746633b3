"""The admin login guard and the feedback log, on their own (the browser tests drive them through the UI)."""
import json
import logging

from vraagbaak.web.api_input import BadRequest, filters_from_json, question_text, result_count
from vraagbaak.web.feedback import FeedbackLog
from vraagbaak.web.login import ACCOUNT_FAILURES, SESSION_IDLE_S, LoginGuard


def test_wrong_passwords_make_that_client_wait_and_are_logged_without_the_attempt(caplog):
    """The wait is a refusal, not a sleep in the handler: guessing from one address is slow, and the admin at
    another address logs in at once, even while that address is throttled."""
    now = [0.0]
    guard = LoginGuard("geheim", base_delay=0.5, clock=lambda: now[0])
    waited = 0.0
    with caplog.at_level(logging.WARNING):
        for i in range(20):
            result = guard.check("10.0.0.7", f"raden-{i}")
            while result.wait_s > 0:  # an attacker who waits as told
                assert not result.ok and "Probeer het over" in result.message
                now[0] += result.wait_s
                waited += result.wait_s
                result = guard.check("10.0.0.7", f"raden-{i}")
            assert not result.ok and result.message == "Onjuist wachtwoord."
    assert waited > 300  # 20 guesses take minutes, not 20 seconds
    assert guard.check("10.0.0.7", "geheim").wait_s == 30.0  # throttled: not even the right one is checked
    assert guard.check("10.0.0.8", "geheim").ok  # another client is not slowed down
    assert len([r for r in caplog.records if "onjuist wachtwoord" in r.getMessage()]) == 20
    assert not any("raden" in r.getMessage() for r in caplog.records)
    now[0] += 30
    assert guard.check("10.0.0.7", "geheim").ok and guard.check("10.0.0.7", "x").wait_s == 0  # success resets


def test_many_addresses_guessing_together_make_every_login_wait(caplog):
    now = [0.0]
    guard = LoginGuard("geheim", clock=lambda: now[0])
    with caplog.at_level(logging.WARNING):
        for i in range(ACCOUNT_FAILURES):
            assert not guard.check(f"10.1.{i // 250}.{i % 250}", "raden").ok
    assert guard.check("10.9.9.9", "geheim").wait_s > 0  # a fresh address waits too
    assert any("geblokkeerd" in r.getMessage() for r in caplog.records)
    now[0] += 15 * 60 + 1
    assert guard.check("10.9.9.9", "geheim").ok


def test_session_ends_after_inactivity():
    now = [1000.0]
    guard = LoginGuard("geheim", clock=lambda: now[0])
    started = guard.session_start()
    now[0] += SESSION_IDLE_S - 1
    started = guard.session_alive(started)
    assert started == now[0]  # activity renews it
    now[0] += SESSION_IDLE_S + 1
    assert guard.session_alive(started) is None
    assert guard.session_alive(None) is None


def test_500_likes_on_one_answer_leave_one_record(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    votes = {}
    answer = {"index": 1, "question": "Vraag\u2028met scheiding\u0085", "answer": "Antwoord", "citations": []}
    written = [log.vote(votes, answer, True) for _ in range(500)]
    assert written.count(True) == 1
    assert log.vote(votes, answer, False)  # a changed vote is recorded, with what it replaces
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").split("\n")
    assert len([line for line in lines if line]) == 2  # U+2028 and U+0085 are escaped, not raw line breaks
    assert json.loads(lines[1])["replaces"] == "up" and json.loads(lines[0])["question"] == answer["question"]


def test_feedback_log_is_rotated_at_its_size_cap(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl", max_bytes=2_000)
    for i in range(50):
        log.vote({}, {"index": i, "question": "q" * 50, "answer": "a", "citations": []}, True)
    assert (tmp_path / "feedback.jsonl").stat().st_size <= 2_000
    assert (tmp_path / "feedback.jsonl.1").exists()


def test_feedback_from_one_address_is_capped_per_hour(tmp_path):
    """400 anonymous sessions from one address rotated genuine feedback out of the log."""
    now = [0.0]
    log = FeedbackLog(tmp_path / "feedback.jsonl", clock=lambda: now[0])
    answer = {"index": 1, "question": "q", "answer": "a", "citations": []}
    written = [log.vote({}, answer, True, "10.0.0.9") for _ in range(400)]  # each a fresh session
    assert written.count(True) == log.per_hour
    assert log.vote({}, answer, True, "10.0.0.7")  # another reader is not held back
    now[0] += 3601
    assert log.vote({}, answer, True, "10.0.0.9")


def test_request_checks():
    assert filters_from_json('{"gemeente": "Utrecht", "doc": ["a.md"]}') == {"gemeente": ["Utrecht"],
                                                                             "doc": ["a.md"]}
    assert filters_from_json("") == {} and result_count(-5) == 1 and result_count(10**9) == 100
    assert question_text("  vraag  " + "x" * 5000, 100) == ("vraag  " + "x" * 5000)[:100]
    for bad in ("[]", "3", "{", '{"a": {"b": 1}}'):
        try:
            filters_from_json(bad)
        except BadRequest:
            continue
        raise AssertionError(bad)


def test_memo_reference_strips_html_and_cites_only_web_addresses():
    from vraagbaak.answer.citations import source_reference
    from vraagbaak.schema import Citation

    c = Citation(1, "a.md", "<b>Slim</b> vegen<script>alert(1)</script>", None, None, "Citaat.",
                 metadata={"gemeente": "<i>Utrecht</i>", "bron": "javascript:alert(1)"})
    assert source_reference(c) == "Slim vegenalert(1), Utrecht."  # nothing says "geen paginanummer"
    c.metadata["bron"] = "https://example.org/slim"
    assert source_reference(c).endswith(" https://example.org/slim")
    # a front matter address with Markdown in it became an outside image in the Markdown memo
    c.metadata["bron"] = "https://gemeente.example/zwembad![pixel](http://tracker.example/p.png)"
    cited = source_reference(c)
    assert "![" not in cited and "](" not in cited and cited.endswith("%21%5Bpixel%5D%28http://tracker.example/p.png%29")


def test_a_page_without_a_title_is_cited_by_its_first_words_cut_after_a_word(tmp_path):
    """A Rijksoverheid answer page starts with a paragraph, no title: its first 160 characters stood in, cut
    mid-word, with a full stop after ("… aanvraagt. Dit ka."), and a title that ended a sentence got a second
    one ("… geen leeftijdsgrens..") (a helper's user test on those pages)."""
    from vraagbaak.answer.citations import source_reference
    from vraagbaak.ingest.loaders import load_file
    from vraagbaak.schema import Citation

    first = ("Wat u betaalt voor een paspoort of identiteitskaart (ID-kaart) is afhankelijk van uw leeftijd. En "
             "afhankelijk van de plek waar u het reisdocument aanvraagt. Dit zijn de kosten in 2026.")
    (tmp_path / "kosten.md").write_text(first + "\n\nReisdocumenten voor Nederlanders.\n", encoding="utf-8")
    title = load_file(tmp_path / "kosten.md", tmp_path).title
    assert title == first[:first.index(" Dit zijn")] and len(title) <= 160  # whole sentences here
    long = "Wie een paspoort aanvraagt " + "en een identiteitskaart " * 8 + "betaalt twee keer."
    cut = load_file(_written(tmp_path / "lang.md", long), tmp_path).title
    assert cut.endswith("…") and len(cut) <= 160 and long.startswith(cut[:-1]) and long[len(cut) - 1] == " "
    assert source_reference(Citation(1, "kosten.md", title, None, None, "Citaat.")) == title
    short = "Voor het aanvragen van een uittreksel geldt geen leeftijdsgrens."
    assert source_reference(Citation(1, "b.md", short, None, None, "Citaat.")) == short
    assert source_reference(Citation(1, "b.pdf", short, 2, None, "Citaat.")) == short[:-1] + ", p. 2."


def _written(path, text: str):
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_a_case_description_is_cited_as_such_with_all_its_sources():
    from vraagbaak.answer.citations import source_reference
    from vraagbaak.schema import Answer, Citation
    from vraagbaak.web.memo import memo_text

    c = Citation(1, "cases/01-slim-vegen.md", "Slim vegen", None, "Slim vegen (Utrecht) > Aanpak en data",
                 "Citaat.", metadata={"gemeente": "Utrecht", "bronnen": ["https://a.example/1", "https://b.example/2"]})
    ref = source_reference(c)
    assert ref.startswith("Beschrijving „Slim vegen” in de Vraagbaak-documenten, Utrecht, § Aanpak en data.")
    assert ref.endswith("Gebaseerd op: https://a.example/1; https://b.example/2")
    answer = Answer("Hoe veegt Utrecht?", True, "", [c], filters={"gemeente": ["Utrecht"]})
    memo = memo_text(answer)
    assert memo.startswith("Vraag: Hoe veegt Utrecht?\n\nDatum: ") and "\n\nGezocht in: gemeente Utrecht" in memo
    assert "„Citaat.” [1]" in memo and "[1] Beschrijving „Slim vegen”" in memo
    assert memo_text(Answer("Hoe veegt Utrecht?", False, "niets", [])).startswith("Geen memo")


def test_a_forged_x_forwarded_for_is_not_believed_unless_the_proxy_is_trusted(monkeypatch):
    """uvicorn trusted X-Forwarded-For from 127.0.0.1 by default: 20 login guesses with a rotating header took
    1.4 s instead of 364 s. The app's launch sets whom uvicorn believes (VRAAGBAAK_TRUSTED_PROXIES)."""
    import asyncio

    import uvicorn
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from vraagbaak.web.ui import proxy_trust

    def client_seen(trusted: str):
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
        proxy_trust(trusted)
        config = uvicorn.Config(app=lambda *a: None)  # as Gradio makes it: no forwarded_allow_ips argument
        seen = []

        async def app(scope, receive, send):
            seen.append(scope["client"][0])

        middleware = ProxyHeadersMiddleware(app, trusted_hosts=config.forwarded_allow_ips)
        scope = {"type": "http", "scheme": "http", "client": ("127.0.0.1", 5000),
                 "headers": [(b"x-forwarded-for", b"203.0.113.9")]}
        asyncio.run(middleware(scope, None, None))
        return seen[0]

    assert client_seen("") == "127.0.0.1"  # the socket's address: the header is ignored
    assert client_seen("127.0.0.1") == "203.0.113.9"  # a proxy the maintainer named is believed


PHISHING = ("Lees dit. [Uw sessie is verlopen, klik hier](http://aanvaller.example/login) ![](http://aanvaller.example/"
            "pixel.png) <img src=http://aanvaller.example/x.png> <script>alert(1)</script> en www.aanvaller.example "
            "of https://aanvaller.example/kaal.")


def _rendered(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like").render(markdown)


def test_document_text_renders_as_itself_and_as_no_link_image_or_html():
    from vraagbaak.web.markdown_text import inert

    html = _rendered(inert(PHISHING))
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert "aanvaller.example" in html and "[Uw sessie is verlopen, klik hier]" in html  # still readable
    assert "<a " in _rendered(PHISHING) and "<img" in _rendered(PHISHING)  # what it was before
    # glued to a word or number (a footnote in PDF text), and e-mail addresses: Gradio's renderer links those too
    for glued in ("Kop1https://aanvaller.example", "_https://aanvaller.example_", "1www.aanvaller.example",
                  "fraude@aanvaller.example"):
        assert "\\://" in inert(glued) or "\\." in inert(glued) or "\\@" in inert(glued), glued
    # a footnote asterisk inside the answer's bold sentence set words in italics and moved (a helper's user test)
    quote = "Bij **aerosolvormende handelingen*) waarvoor meer maatregelen gelden.** Dit _lijkt_ ~anders~."
    assert _rendered(inert(quote)) == ("<p>Bij <strong>aerosolvormende handelingen*) waarvoor meer maatregelen "
                                       "gelden.</strong> Dit _lijkt_ ~anders~.</p>\n")


def test_the_markdown_memo_keeps_quotes_readable_and_only_checked_source_links():
    from vraagbaak.schema import Answer, Citation
    from vraagbaak.web.memo import memo_markdown

    c = Citation(1, "a.pdf", "[Klik hier](http://aanvaller.example)", 2, None, PHISHING,
                 metadata={"bron": "https://example.org/bron"})
    html = _rendered(memo_markdown(Answer("Wat staat er?", True, "", [c])))
    assert "aanvaller.example" in html and "<img" not in html and "<script" not in html
    assert [href for href in __import__("re").findall(r'href="([^"]+)"', html)] == ["https://example.org/bron"]
