"""A chat session is good only in the browser that started it. Gradio names a session by a hash that travels in
GET URLs (/gradio_api/queue/data?session_hash=…), where a proxy or access log keeps it; with that hash anyone
could read the answers of that session as they stream. The page now sets an HttpOnly cookie, and a session
hash is bound to the cookie of the first request that uses it: another browser (or a script without that
cookie) gets 403. A client that keeps no cookies (curl, gradio_client) still works, for its own sessions.
May import: kernel and web helpers."""
from __future__ import annotations

import json
import re
import secrets
from collections import OrderedDict
from typing import Callable
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse

from vraagbaak.web.asgi_body import read_body, replaying
from vraagbaak.web.login import cookie_value

SESSION_COOKIE = "vraagbaak_sessie"
MAX_BOUND = 20_000  # the sessions remembered; beyond this the oldest binding goes (its session is long over)
NOT_YOURS = "Dit gesprek hoort bij een ander browservenster. Laad de pagina opnieuw."


class LiveSessions:
    """Which session hashes Gradio still keeps state for (a Beheer login, answers), read from the Blocks'
    state holder (there once the app is launched). A binding of a live session is never pushed out."""

    def __init__(self, blocks=None):
        self.blocks = blocks

    def __call__(self, session: str) -> bool:
        data = getattr(getattr(self.blocks, "state_holder", None), "session_data", None)
        return data is not None and session in data


class SessionBinding:
    """ASGI middleware (inside Guard, which has capped the body): binds Gradio session hashes to the browser's
    session cookie and sets that cookie on the page."""

    def __init__(self, app, capacity: int = MAX_BOUND, live: Callable[[str], bool] | None = None):
        self.app, self.capacity, self.live = app, capacity, live or (lambda session: False)
        self.bound: OrderedDict[str, str] = OrderedDict()  # session hash -> cookie ("" for a cookie-less client)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        cookie = cookie_value(headers.get(b"cookie", b"").decode("latin-1"), SESSION_COOKIE) or ""
        # with sign-in (web/signin.py puts the user in the scope) a session is also the signed-in user's: a
        # client that keeps no cookies cannot take over another user's session by its hash
        user = getattr(scope.get("vraagbaak_user"), "name", "")
        owner = f"{cookie}|{user}" if user else cookie
        try:
            session, binds, receive = await _session_of(scope, receive)
        except _Ambiguous:
            return await PlainTextResponse(AMBIGUOUS, status_code=400)(scope, receive, send)
        if session and not self._owns(session, owner, binds):
            return await PlainTextResponse(NOT_YOURS, status_code=403)(scope, receive, send)
        if cookie or scope.get("method") != "GET":
            return await self.app(scope, receive, send)

        async def with_cookie(message):  # the page (HTML) gives a browser without the cookie its own
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if kind.startswith(b"text/html"):
                    value = f"{SESSION_COOKIE}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Strict"
                    message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value.encode())]}
            await send(message)
        return await self.app(scope, receive, with_cookie)

    def _owns(self, session: str, cookie: str, binds: bool) -> bool:
        """Is this cookie the one the session is bound to? Only joining the queue binds a session on first use
        (that is where Gradio makes its state); every other route that names a session only checks, so that a
        flood of cancels, heartbeats or refused calls binds nothing. Beyond the capacity the oldest bindings
        go, but never one whose session Gradio still keeps (live): a flood of joins cannot free a logged-in
        session for another browser."""
        owner = self.bound.get(session)
        if owner is None:
            if binds:
                self.bound[session] = cookie
                self._trim()
            return True
        self.bound.move_to_end(session)
        return secrets.compare_digest(owner, cookie)

    def _trim(self) -> None:
        for _ in range(len(self.bound)):
            if len(self.bound) <= self.capacity:
                return
            oldest, owner = next(iter(self.bound.items()))
            if self.live(oldest):
                self.bound.move_to_end(oldest)
            else:
                del self.bound[oldest]


class _Ambiguous(ValueError):
    """A request that names more than one session: the middleware and Gradio could read different ones."""


AMBIGUOUS = "Ongeldig verzoek: meer dan één sessie genoemd."
# Gradio's routes that run an event for a session named in the JSON body: the queue, and the direct routes
# (/run/<name>, /api/<name>) that Gradio keeps open next to it.
_EVENT_PREFIXES = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/",
                   "/gradio_api/cancel")


# GET routes that name a session in the path: Gradio streams /call/<name>/<id> from the session of that name
# when no event has that id, so a session hash there read another browser's answers.
_SESSION_IN_PATH = re.compile(r"^/gradio_api/(?:heartbeat/(?P<beat>[^/]+)|call/(?:v2/)?[^/]+/(?P<call>[^/]+)|"
                              r"stream/(?P<stream>[^/]+))")


async def _session_of(scope, receive):
    """(the session hash this request names, whether it binds (joining the queue), a receive that still gives
    its body)."""
    path = scope.get("path", "")
    in_path = _SESSION_IN_PATH.match(path) if scope.get("method") == "GET" else None
    if in_path:
        return next(v for v in in_path.groupdict().values() if v), False, receive
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    named = query.get("session_hash", [])
    if len(named) > 1:  # this middleware and Gradio could each read another one (Starlette takes the last)
        raise _Ambiguous
    if scope.get("method") == "POST" and path.startswith(_EVENT_PREFIXES):
        body = await read_body(receive)  # the Guard outside has capped it
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            payload = {}
        session = payload.get("session_hash") if isinstance(payload, dict) else None
        session = session if isinstance(session, str) else ""
        if named and session and named[0] != session:
            raise _Ambiguous
        return session or (named or [""])[0], path.startswith("/gradio_api/queue/join"), replaying(body, receive)
    if named:
        return named[0], False, receive
    return "", False, receive
