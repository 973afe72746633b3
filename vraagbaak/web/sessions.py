"""A chat session is good only in the browser that started it. Gradio names a session by a hash that travels in
GET URLs (/gradio_api/queue/data?session_hash=…), where a proxy or access log keeps it; with that hash anyone
could read the answers of that session as they stream. The page now sets an HttpOnly cookie, and a session
hash is bound to the cookie of the first request that uses it: another browser (or a script without that
cookie) gets 403. A client that keeps no cookies (curl, gradio_client) still works, for its own sessions.
May import: kernel and web helpers."""
from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse

from vraagbaak.web.login import cookie_value

SESSION_COOKIE = "vraagbaak_sessie"
MAX_BOUND = 20_000  # the sessions remembered; beyond this the oldest binding goes (its session is long over)
NOT_YOURS = "Dit gesprek hoort bij een ander browservenster. Laad de pagina opnieuw."


class SessionBinding:
    """ASGI middleware (inside Guard, which has capped the body): binds Gradio session hashes to the browser's
    session cookie and sets that cookie on the page."""

    def __init__(self, app, capacity: int = MAX_BOUND):
        self.app, self.capacity = app, capacity
        self.bound: OrderedDict[str, str] = OrderedDict()  # session hash -> cookie ("" for a cookie-less client)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        cookie = cookie_value(headers.get(b"cookie", b"").decode("latin-1"), SESSION_COOKIE) or ""
        session, receive = await _session_of(scope, receive)
        if session and not self._bind(session, cookie):
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

    def _bind(self, session: str, cookie: str) -> bool:
        """Is this cookie the one the session is bound to (binding it on first use)?"""
        owner = self.bound.get(session)
        if owner is None:
            self.bound[session] = cookie
            while len(self.bound) > self.capacity:
                self.bound.popitem(last=False)
            return True
        self.bound.move_to_end(session)
        return secrets.compare_digest(owner, cookie)


async def _session_of(scope, receive):
    """(the session hash this request names, a receive that still gives its body)."""
    path = scope.get("path", "")
    if "/heartbeat/" in path:
        return path.rstrip("/").rsplit("/", 1)[-1], receive
    if path.endswith("/queue/data"):
        return (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash") or [""])[0], receive
    if scope.get("method") == "POST" and path.endswith("/queue/join"):
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            payload = {}
        session = payload.get("session_hash") if isinstance(payload, dict) else None
        return (session if isinstance(session, str) else ""), _replay(body, receive)
    return "", receive


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replayed
