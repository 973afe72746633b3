"""What the web app serves besides Gradio's own routes: the cited PDF page as an image, the PDF itself, and
the page in Dutch whatever the browser's language.

Gradio picks its own labels (upload area, buttons' aria-labels) from `navigator.language`, and its page says
lang="en". A small middleware rewrites the page so Gradio starts in Dutch and screen readers read Dutch."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from vraagbaak.index.versions import IndexError_
from vraagbaak.ingest.filetypes import has_pages
from vraagbaak.ingest.loaders import document_digest, sidecar_of
from vraagbaak.web.api_input import API_DEFAULTS, BadRequest, checked_event, completed_call
from vraagbaak.web.asgi_body import read_body, replaying
from vraagbaak.web.audit_trail import Trail, actor_of, client_of
from vraagbaak.web.login import UPLOAD_COOKIE, UploadKeys, cookie_value
from vraagbaak.web.memo import memo_filename, memo_markdown
from vraagbaak.web.memo_docx import memo_docx
from vraagbaak.web.memo_store import MEMO_PATH, MemoStore, memo_owner
from vraagbaak.web.page_images import PageImageCache, RenderBusy
from vraagbaak.web.sessions import SESSION_COOKIE, LiveSessions, SessionBinding
from vraagbaak.web.sources import PAGE_IMAGE_PATH, PDF_PATH, decode_sentences

log = logging.getLogger(__name__)
# Labels that Gradio writes in English whatever the language (hard-coded, or missing from its Dutch file).
GRADIO_ENGLISH = {
    "More tabs": "Meer tabbladen", "Copy conversation": "Kopieer het gesprek",
    "Copied conversation": "Gesprek gekopieerd", "Copy message": "Kopieer dit bericht",
    "Copied message": "Bericht gekopieerd", "Copy": "Kopiëren", "Copied": "Gekopieerd", "Copied!": "Gekopieerd",
    "Clear": "Wissen", "Like": "Vind ik leuk", "Dislike": "Vind ik niet leuk", "Remove": "Verwijderen",
    "Download": "Downloaden", "Fullscreen": "Volledig scherm", "Exit fullscreen": "Volledig scherm sluiten",
    "Share": "Delen", "Undo": "Ongedaan maken", "Retry": "Opnieuw", "Edit": "Bewerken", "Close": "Sluiten",
    "Loading...": "Laden…", "Error": "Fout", "Submit": "Verzenden", "Stop": "Stoppen",
    "chatbot conversation": "Gesprek",
    # the Beheer table's search box, toolbar and column menus
    "Search...": "Zoeken in de tabel…", "Enter text to search the table": "Typ een deel van een naam, titel of waarde",
    "Table actions": "Tabelacties", "Copy table data": "Kopieer de tabel", "Copied to clipboard": "Gekopieerd",
    "Open cell menu": "Sorteren of filteren", "Sorted ascending": "Oplopend gesorteerd",
    "Sorted descending": "Aflopend gesorteerd", "Filtered": "Gefilterd",
    "Click to upload or drop files": "Klik om bestanden te kiezen of sleep ze hierheen",
}
# Labels that Gradio builds from a fixed English start and the text that follows ("bot's message: …").
GRADIO_ENGLISH_STARTS = {"bot's message: ": "Antwoord van Vraagbaak: ", "user's message: ": "Uw vraag: ",
                         "assistant's message: ": "Antwoord van Vraagbaak: "}
DUTCH_FIRST = """<script>
try { Object.defineProperty(navigator, 'language', {get: () => 'nl'});
      Object.defineProperty(navigator, 'languages', {get: () => ['nl']}); } catch (e) {}
(() => {
  const dutch = %s, starts = %s, names = ['aria-label', 'title', 'placeholder'];
  const fix = (el) => {
    for (const name of names) {
      const v = el.getAttribute && el.getAttribute(name);
      if (!v) continue;
      if (dutch[v.trim()]) { el.setAttribute(name, dutch[v.trim()]); continue; }
      for (const [english, nl] of Object.entries(starts)) {
        if (v.startsWith(english)) { el.setAttribute(name, nl + v.slice(english.length)); break; }
      }
    }
  };
  const walk = (root) => { if (root.nodeType !== 1) return; fix(root);
                           root.querySelectorAll('[aria-label],[title],[placeholder]').forEach(fix); };
  new MutationObserver((changes) => changes.forEach((c) => {
    if (c.type === 'attributes') fix(c.target); else c.addedNodes.forEach(walk);
  })).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: names});
})();
</script>""" % (json.dumps(GRADIO_ENGLISH, ensure_ascii=False), json.dumps(GRADIO_ENGLISH_STARTS, ensure_ascii=False))


class DutchPage:
    """ASGI middleware: the HTML page gets lang="nl" and starts Gradio in Dutch. Other responses pass as
    they are."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        start: dict = {}
        body: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    start["pass"] = True
                    return await send(message)
                start.update(message)
            elif start.get("pass"):
                return await send(message)
            else:
                body.append(message.get("body", b""))
                if not message.get("more_body"):
                    page = _dutch(b"".join(body))
                    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                    headers.append((b"content-length", str(len(page)).encode()))
                    await send({**start, "headers": headers})
                    await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, capture)


# Sent with every response. A document can hold an image address or be framed by another intranet page:
# the page loads no outside image (img-src) and may not be framed (frame-ancestors, X-Frame-Options); a served
# PDF or PNG is never sniffed as something else (nosniff).
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'; img-src 'self' data: blob:"),
    (b"referrer-policy", b"same-origin"),
]
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")


class Guard:
    """ASGI middleware: security headers on every response, and no upload route where there is no Beheer
    (the chat never uploads; an anonymous client filled the disk with 20 x 45 MB in 10 s)."""

    def __init__(self, app, uploads_allowed: bool = False, upload_keys: UploadKeys | None = None):
        self.app, self.uploads_allowed, self.upload_keys = app, uploads_allowed, upload_keys

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope.get("path", "").rstrip("/").endswith(UPLOAD_PATHS) or _is_multipart(scope):
            refusal = self._upload_refused(scope)
            if refusal:
                response = PlainTextResponse(refusal, status_code=403)
                return await response(scope, receive, self._with_headers(send))
        else:  # not a file upload (Gradio limits those to max_file_size): no request body beyond a chat's worth
            headers = dict(scope.get("headers", []))
            length = headers.get(b"content-length", b"0")
            if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
                response = PlainTextResponse(TOO_LARGE, status_code=413)
                return await response(scope, receive, self._with_headers(send))
            chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()  # no length: counted as read
            endpoint = _api_endpoint(scope)
            event = endpoint or _is_event(scope)
            if chunked or event:
                body = await read_body(receive, MAX_REQUEST_BYTES)
                if body is None:
                    response = PlainTextResponse(TOO_LARGE, status_code=413)
                    return await response(scope, _nothing, self._with_headers(send))
                try:
                    if event:  # a history of 200,000 items is refused before Gradio parses and logs each
                        checked_event(body)
                    if endpoint:  # a raw API call may leave out the optional values; Gradio refused it silently
                        body = completed_call(endpoint, body)
                except BadRequest as err:
                    response = PlainTextResponse(str(err), status_code=400)
                    return await response(scope, _nothing, self._with_headers(send))
                if endpoint:
                    scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", [])
                                                  if k not in (b"content-length", b"transfer-encoding")]
                             + [(b"content-length", str(len(body)).encode())]}
                receive = replaying(body, receive)
        started = False
        send_with_headers = self._with_headers(send)

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)
        try:
            return await self.app(scope, receive, tracked)
        except Exception:  # a Dutch answer with the security headers instead of Starlette's bare 500
            log.exception("verzoek %s mislukt", scope.get("path", ""))
            if started:
                raise
            response = PlainTextResponse(SERVER_ERROR, status_code=500)
            return await response(scope, _nothing, send_with_headers)

    def _upload_refused(self, scope) -> str:
        """Why this file upload is refused; "" for a logged-in admin's browser (UploadKeys)."""
        if not self.uploads_allowed:
            return "Uploaden kan alleen in Beheer, en Beheer staat uit."
        key = cookie_value(dict(scope.get("headers", [])).get(b"cookie", b"").decode("latin-1"), UPLOAD_COOKIE)
        if self.upload_keys is None or not self.upload_keys.valid(key):
            return "Uploaden kan alleen na inloggen in Beheer (of de sessie is verlopen: log opnieuw in)."
        return ""

    @staticmethod
    def _with_headers(send):
        async def add(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        return add


# A request other than a file upload carries a question, filters and the chat so far: a long conversation of
# 100 answers is ~0.5 MB. A 101 MB history was accepted, parsed and echoed back.
MAX_REQUEST_BYTES = 5_000_000
TOO_LARGE = "Het verzoek is te groot (meer dan 5 MB). Begin een nieuw gesprek of stel een kortere vraag."


SERVER_ERROR = "Er ging iets mis op de server. Probeer het opnieuw of meld dit aan de beheerder."


def _api_endpoint(scope) -> str | None:
    """"ask" or "search" for a raw call of the HTTP API (POST /gradio_api/call/<name>)."""
    if scope.get("method") != "POST":
        return None
    path = scope.get("path", "").rstrip("/")
    name = path.rsplit("/", 1)[-1]
    return name if path.endswith("/call/" + name) and name in API_DEFAULTS else None


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"}


def _is_event(scope) -> bool:
    """An event of the page or the API whose values Gradio parses: POST /gradio_api/queue/join, /run/…,
    /call/…."""
    path = scope.get("path", "")
    return scope.get("method") == "POST" and any(part in path for part in EVENT_PATHS)


EVENT_PATHS = ("/queue/join", "/run/", "/call/", "/api/")


async def _nothing():
    return {"type": "http.disconnect"}


def _is_multipart(scope) -> bool:
    """A file upload in any route (Gradio also parses files in /gradio_api/component_server and
    /gradio_api/process_recording): without Beheer, the app takes no files at all."""
    # every Content-Type header: Gradio reads the first, a dict of the headers keeps the last, and a request
    # with "multipart" first and "application/json" second got a file past this check
    return any(value.lower().lstrip().startswith(b"multipart/") for key, value in scope.get("headers", [])
               if key.lower() == b"content-type")


def _dutch(page: bytes) -> bytes:
    page = page.replace(b'lang="en"', b'lang="nl"', 1)
    return page.replace(b"<head>", b"<head>" + DUTCH_FIRST.encode(), 1)


def beheer_on(settings) -> bool:
    """Beheer exists (and with it uploads): a shared password, or with sign-in an admin group."""
    return bool(settings.oidc_admin_group) if settings.auth == "oidc" else bool(settings.admin_password)


def app_kwargs(assistant, upload_keys: UploadKeys | None = None, memos: MemoStore | None = None,
               live_sessions: LiveSessions | None = None, trail: Trail | None = None, access=None) -> dict:
    """Routes and middleware for Gradio's FastAPI app (Blocks.launch(app_kwargs=...)); upload_keys: those
    that the Beheer login hands out (without them, no upload is taken); memos: the answers whose memo can be
    downloaded."""
    memos = memos or MemoStore()
    pages = PageImageCache(assistant.settings.index_dir / "cache" / "pagina-afbeeldingen")
    # a PDF is hashed once, not per image. The change time is in the key: a file replaced by one of the same
    # size whose modification time was set back (touch -r, rsync -t) still gets a new change time.
    hashes: dict[tuple, str] = {}

    def current_hash(path: Path) -> str:
        stats = [f.stat() for f in (path, sidecar_of(path)) if f.exists()]  # a sidecar is part of the hash
        key = (str(path), *((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for st in stats))
        if key not in hashes:
            if len(hashes) > 1000:
                hashes.clear()
            hashes[key] = document_digest(path)
        return hashes[key]

    def audit(action: str, request: Request, response: Response, **details) -> Response:
        if trail is not None:
            trail.event(action, request.query_params.get("doc", "")[:300] or request.query_params.get("m", "")[:12],
                        "ok" if response.status_code < 400 else f"geweigerd ({response.status_code})",
                        actor=actor_of(request), origin=client_of(request), **details)
        return response

    def indexed_pdf(request: Request) -> tuple[Path, str] | Response:
        """The corpus file of an indexed PDF, unchanged since indexing; else a Dutch refusal."""
        doc = request.query_params.get("doc", "")
        if "\x00" in doc or len(doc) > 1000:  # no document is named so (Path refuses a NUL with a ValueError)
            return PlainTextResponse("Dit document staat niet in de index.", status_code=404)
        # with collections per group: only a document in the index of what this user may read
        own = access.assistant_for(request) if access is not None and access.scoped else assistant
        try:
            record = own.index.documents.get(doc) if own is not None else None
        except IndexError_ as err:  # no index, or a damaged one
            return PlainTextResponse(str(err), status_code=503)
        corpus = assistant.settings.corpus_dir.resolve()
        path = (corpus / doc).resolve()
        if record is None or not has_pages(doc) or not path.is_relative_to(corpus):
            return PlainTextResponse("Dit document staat niet in de index.", status_code=404)
        if not path.is_file():
            return PlainTextResponse("Het bestand is niet meer in de documentenmap.", status_code=404)
        if current_hash(path) != record.hash:
            return PlainTextResponse("Het bestand is gewijzigd sinds het indexeren; indexeer opnieuw.",
                                     status_code=409)
        return path, record.hash

    def page_image(request: Request) -> Response:
        return audit("pagina bekijken", request, _page_image(request), pagina=request.query_params.get("p", "")[:6])

    def _page_image(request: Request) -> Response:
        found = indexed_pdf(request)
        if isinstance(found, Response):
            return found
        path, content_hash = found
        try:
            page = int(request.query_params.get("p", ""))
        except ValueError:
            return PlainTextResponse("Ongeldig paginanummer.", status_code=400)
        sentences = decode_sentences(request.query_params.get("s", ""))
        try:
            image = pages.get(path, content_hash, page, sentences)
        except RenderBusy:
            return PlainTextResponse("Er worden nu te veel pagina's tegelijk getoond; probeer het zo opnieuw.",
                                     status_code=429, headers={"Retry-After": "2"})
        except (IndexError, ValueError, OSError, RuntimeError) as err:  # no such page (PdfiumError), unreadable
            log.warning("pagina %s van %s niet getoond: %s", page, path.name, err)
            return PlainTextResponse("Deze pagina kan niet worden getoond.", status_code=404)
        return Response(image.png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    def pdf_file(request: Request) -> Response:
        return audit("pdf openen", request, _pdf_file(request))

    def _pdf_file(request: Request) -> Response:
        found = indexed_pdf(request)
        if isinstance(found, Response):
            return found
        path, _ = found
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline",
                            filename=path.name)

    def memo_file(request: Request) -> Response:
        return audit("memo downloaden", request, _memo_file(request), formaat=request.query_params.get("f", "")[:5])

    def _memo_file(request: Request) -> Response:
        """The memo of one answer, made now as Word (f=docx) or Markdown (f=md)."""
        answer = memos.get(request.query_params.get("m", ""),
                           memo_owner(request.cookies.get(SESSION_COOKIE, ""), actor_of(request)))
        if answer is None:
            return PlainTextResponse("Deze memo is verlopen. Stel de vraag opnieuw en download dan de memo.",
                                     status_code=404, headers={"Cache-Control": "no-store"})
        if request.query_params.get("f") == "docx":
            return Response(memo_docx(answer), media_type=DOCX_TYPE, headers=_attachment(memo_filename(answer, "docx")))
        return Response(memo_markdown(answer).encode("utf-8"), media_type="text/markdown; charset=utf-8",
                        headers=_attachment(memo_filename(answer, "md")))

    routes = [Route("/" + PAGE_IMAGE_PATH, page_image), Route("/" + PDF_PATH, pdf_file),
              Route("/" + MEMO_PATH, memo_file)]
    sign_in = []
    if assistant.settings.auth not in ("none", "password", "oidc"):
        raise ValueError(f"VRAAGBAAK_AUTH moet none, password of oidc zijn, niet {assistant.settings.auth!r}")
    if assistant.settings.auth == "oidc":  # every route but sign-in itself asks for a signed-in user
        from vraagbaak.web.signin import OidcSignIn

        oidc = OidcSignIn(assistant.settings, trail, upload_keys, SECURITY_HEADERS)
        routes, sign_in = oidc.routes() + routes, oidc.middleware()
        if access is not None:
            access.sign_in = oidc
    # sign-in first: an anonymous client learns nothing from the other checks (what an API call should hold)
    return {"routes": routes,
            "middleware": [*sign_in, Middleware(Guard, uploads_allowed=beheer_on(assistant.settings),
                                                upload_keys=upload_keys),
                           Middleware(SessionBinding, live=live_sessions), Middleware(DutchPage)]}
