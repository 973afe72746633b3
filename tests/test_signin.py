"""Sign-in with a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock, started here, with two users in
different groups): without a session every route but sign-in is refused (401, or to /login for a page); the
code flow with PKCE and nonce signs a user in and out; a bearer ID token from the provider is taken for scripts,
but not one for another audience, an expired one, or a callback whose ID token lost its nonce."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest
from conftest import make_report_pdf
from test_ui import browser, free_port  # noqa: F401 - browser: the Chromium fixture

pytestmark = pytest.mark.slow  # a provider and the app
ROOT = Path(__file__).resolve().parent.parent
USERS = [{"sub": "anna", "preferred_username": "anna", "groups": ["wmo"]},
         {"sub": "bert", "preferred_username": "bert", "groups": ["burgerzaken"]},
         {"sub": "carla", "preferred_username": "carla", "groups": ["beheer", "wmo"]}]
TOKEN_AGE_S = 30  # the provider's tokens expire after this: the expiry test waits it out


@pytest.fixture(scope="module")
def provider():
    pytest.importorskip("oidc_provider_mock")
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce", "true",
            "--token-max-age", str(TOKEN_AGE_S)]
    for user in USERS:
        args += ["--user-claims", json.dumps(user)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            if httpx.get(issuer + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    yield issuer
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory, model_dir):
    corpus = tmp_path_factory.mktemp("signin-corpus")
    make_report_pdf(corpus / "rapport.pdf")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, VRAAGBAAK_CORPUS_DIR=str(corpus), VRAAGBAAK_INDEX_DIR=str(corpus.parent / "index"),
               VRAAGBAAK_PORT=str(port), VRAAGBAAK_MODEL_DIR=str(model_dir), GRADIO_ANALYTICS_ENABLED="False",
               VRAAGBAAK_AUTH="oidc", VRAAGBAAK_OIDC_ISSUER=provider, VRAAGBAAK_OIDC_CLIENT_ID="vraagbaak",
               VRAAGBAAK_OIDC_CLIENT_SECRET="geheim", VRAAGBAAK_PUBLIC_URL=url, VRAAGBAAK_AUDIT_QUESTIONS="full",
               VRAAGBAAK_OIDC_ADMIN_GROUP="beheer", VRAAGBAAK_ADMIN_PASSWORD="",
               GRADIO_TEMP_DIR=str(corpus.parent / "gradio-cache"))
    log = (corpus.parent / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):  # ready when the chat's config answers (with 401: it asks for a sign-in)
        try:
            if httpx.get(url + "/config", timeout=2).status_code == 401:
                break
        except httpx.HTTPError:
            assert proc.poll() is None, (corpus.parent / "app.log").read_text()
        time.sleep(1)
    yield {"url": url, "tmp": corpus.parent}
    proc.terminate()
    proc.wait(timeout=30)


def sign_in(app_url: str, user: str) -> httpx.Client:
    """The browser's way: /login -> the provider's form (the user picks who they are) -> /auth/callback."""
    client = httpx.Client(timeout=60)
    to_provider = client.get(app_url + "/login")
    assert to_provider.status_code in (302, 303), to_provider.text
    back = client.post(to_provider.headers["location"], data={"sub": user})
    assert back.status_code in (302, 303), back.text
    signed_in = client.get(back.headers["location"])
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/", signed_in.text
    return client


def id_token(provider: str, user: str, audience: str = "vraagbaak") -> str:
    """An ID token for a script, by the code flow with the provider directly."""
    with httpx.Client(timeout=30) as client:
        config = client.get(provider + "/.well-known/openid-configuration").json()
        query = {"client_id": audience, "response_type": "code", "redirect_uri": "http://127.0.0.1/terug",
                 "scope": "openid profile", "state": "s", "nonce": "n"}
        back = client.post(config["authorization_endpoint"] + "?" + urllib.parse.urlencode(query), data={"sub": user})
        code = urllib.parse.parse_qs(urllib.parse.urlparse(back.headers["location"]).query)["code"][0]
        tokens = client.post(config["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/terug",
            "client_id": audience, "client_secret": "geheim"}).json()
    return tokens["id_token"]


def test_without_a_session_every_route_but_sign_in_is_refused(app):
    url = app["url"]
    with httpx.Client(timeout=30) as anonymous:
        page = anonymous.get(url + "/", headers={"accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"] == "/login"
        for path in ("/config", "/gradio_api/info", "/gradio_api/call/ask", "/vraagbaak/pdf?doc=rapport.pdf",
                     "/vraagbaak/pagina?doc=rapport.pdf&p=1", "/vraagbaak/memo?m=x&f=docx"):
            assert anonymous.get(url + path).status_code == 401, path
        assert anonymous.post(url + "/gradio_api/call/ask", json={"data": ["Hoeveel laadpalen?"]}).status_code == 401
        upload = anonymous.post(url + "/gradio_api/upload", files={"files": ("a.pdf", b"%PDF-1.4")})
        assert upload.status_code in (401, 403)
    from gradio_client import Client

    with pytest.raises(Exception):  # gradio_client cannot even read the API without a session
        Client(url + "/", verbose=False)


def test_a_user_signs_in_through_the_provider_asks_and_signs_out(app):
    client = sign_in(app["url"], "anna")
    assert client.get(app["url"] + "/", headers={"accept": "text/html"}).status_code == 200
    assert client.get(app["url"] + "/gradio_api/info").status_code == 200
    client.get(app["url"] + "/logout")
    assert client.get(app["url"] + "/gradio_api/info").status_code == 401
    from vraagbaak.audit import log_files

    events = [json.loads(line) for f in log_files(app["tmp"] / "index" / "audit") for line in f.read_text().splitlines()]
    assert [e["action"] for e in events if e["action"] in ("inloggen", "uitloggen")] == ["inloggen", "uitloggen"]
    assert all(e["actor"].startswith("p-") for e in events if e["action"] == "inloggen")  # pseudonym, not "anna"


def test_a_bearer_id_token_is_taken_only_for_this_client_and_until_it_expires(app, provider):
    token = id_token(provider, "bert")
    headers = {"authorization": f"Bearer {token}"}
    assert httpx.get(app["url"] + "/gradio_api/info", headers=headers, timeout=30).status_code == 200
    other = id_token(provider, "bert", audience="ander-systeem")
    assert httpx.get(app["url"] + "/gradio_api/info", headers={"authorization": f"Bearer {other}"},
                     timeout=30).status_code == 401
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert httpx.get(app["url"] + "/gradio_api/info", headers={"authorization": f"Bearer {forged}"},
                     timeout=30).status_code == 401
    time.sleep(TOKEN_AGE_S + 2)
    assert httpx.get(app["url"] + "/gradio_api/info", headers=headers, timeout=30).status_code == 401


def test_a_callback_whose_id_token_lost_its_nonce_signs_nobody_in(app, provider):
    """The app's own sign-in request, answered by a provider that leaves the nonce out of the ID token."""
    with httpx.Client(timeout=30) as client:
        start = urllib.parse.urlparse(client.get(app["url"] + "/login").headers["location"])
        query = {k: v[0] for k, v in urllib.parse.parse_qs(start.query).items() if k != "nonce"}
        mock = httpx.Client(timeout=30)  # the provider, outside the app's cookie jar
        back = mock.post(f"{start.scheme}://{start.netloc}{start.path}?" + urllib.parse.urlencode(query),
                         data={"sub": "anna"})
        callback = client.get(back.headers["location"])
        assert callback.status_code == 401 and "Inloggen is mislukt" in callback.text, callback.text
        assert "nonce" in callback.text.lower(), callback.text  # refused for the nonce, not for another reason
        assert client.get(app["url"] + "/gradio_api/info").status_code == 401


def test_signing_out_ends_the_session_on_the_server_and_takes_the_browsers_other_keys(app):
    """A red-team pass: after /logout a copied sign-in cookie still worked, and the chat-session and Beheer
    cookies stayed for the next person on that browser (who could then download the memos of the first)."""
    client = sign_in(app["url"], "anna")
    client.cookies.set("vraagbaak_sessie", "sessie-van-anna")
    client.cookies.set("vraagbaak_beheer", "sleutel-van-anna")
    copied = dict(client.cookies)
    bye = client.get(app["url"] + "/logout")
    assert bye.status_code == 200
    cleared = {h.split("=")[0] for h in bye.headers.get_list("set-cookie") if "Max-Age=0" in h or "expires=" in h.lower()}
    assert {"vraagbaak_sessie", "vraagbaak_beheer"} <= cleared, bye.headers.get_list("set-cookie")
    with httpx.Client(timeout=30, cookies=copied) as thief:
        assert thief.get(app["url"] + "/gradio_api/info").status_code == 401


def test_nothing_but_sign_in_itself_answers_an_anonymous_client(app):
    """A red-team pass: POST /login reached Gradio's own password login, a callback without a code gave a 500
    without an audit line, and a malformed API call was explained (400) before the sign-in check."""
    url = app["url"]
    with httpx.Client(timeout=30) as anonymous:
        assert anonymous.post(url + "/login", data={"username": "a", "password": "b"}).status_code == 401
        assert anonymous.post(url + "/gradio_api/call/ask", content=b"{").status_code == 401
        no_code = anonymous.get(url + "/auth/callback", params={"state": "x"})
        assert no_code.status_code == 401 and "Inloggen is mislukt" in no_code.text
        assert no_code.headers["x-frame-options"] == "DENY"  # the security headers on a refusal too
    from vraagbaak.audit import log_files

    events = [json.loads(line) for f in log_files(app["tmp"] / "index" / "audit") for line in f.read_text().splitlines()]
    assert any(e["action"] == "inloggen" and e["result"] == "geweigerd" for e in events)
    assert any(e["action"] == "toegang geweigerd" and e["object"] == "/gradio_api/call/ask" for e in events)


def test_a_session_whose_expiry_is_not_a_time_in_the_future_is_no_session():
    from starlette.requests import Request

    from vraagbaak.web.signin import session_user

    def request(user):
        return Request({"type": "http", "session": {"user": user}, "headers": []})

    future = time.time() + 600
    assert session_user(request({"name": "anna", "groups": ["wmo"], "exp": future, "sid": "s1"})).name == "anna"
    for exp in ("nan", "inf", "abc", None, time.time() - 1):
        assert session_user(request({"name": "anna", "exp": exp, "sid": "s1"})) is None, exp
    assert session_user(request({"name": "anna", "exp": future, "sid": "s1"}), revoked={"s1": future}) is None
    assert session_user(request({"name": "anna", "exp": future})) is None  # no session id: from before /logout existed


def test_beheer_opens_for_the_admin_group_without_a_password_and_for_nobody_else(app, browser):  # noqa: F811
    """With sign-in there is no shared password: Beheer opens for a member of VRAAGBAAK_OIDC_ADMIN_GROUP, in a real
    browser through the provider's own page, and tells anyone else that it is not for them."""
    for user, opens in (("carla", True), ("bert", False)):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(app["url"] + "/")  # to /login, then the provider's page
        page.get_by_role("button", name=user, exact=True).click()  # the provider's predefined user
        page.get_by_role("tab", name="Beheer").click(timeout=120_000)
        assert not page.get_by_label("Beheerwachtwoord").is_visible()
        page.get_by_role("button", name="Beheer openen").click()
        if opens:
            page.locator("#beheer-documenten").wait_for(timeout=60_000)
            assert "rapport.pdf" in page.locator("#beheer-documenten").inner_text()
            # every action checks the group again: re-indexing works for a member
            page.get_by_role("button", name="Opnieuw indexeren").click()
            page.locator("#beheer-index-melding").get_by_text("Index bijgewerkt").wait_for(timeout=180_000)
        else:
            page.get_by_text("Beheer is alleen voor de groep beheer").wait_for(timeout=60_000)
            assert not page.locator("#beheer-documenten").is_visible()
        context.close()


def test_signing_in_starts_a_fresh_chat_session_in_the_browser(app):
    """A red-team pass: the chat-session cookie stayed when the next person signed in on the same browser, and
    with it the first person's memos."""
    client = httpx.Client(timeout=60)
    client.cookies.set("vraagbaak_sessie", "sessie-van-de-vorige")
    to_provider = client.get(app["url"] + "/login")
    back = client.post(to_provider.headers["location"], data={"sub": "bert"})
    signed_in = client.get(back.headers["location"])
    cleared = [h for h in signed_in.headers.get_list("set-cookie") if h.startswith("vraagbaak_sessie=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "expires=" in cleared[0].lower()), cleared
