"""Reading an ASGI request's body in a middleware and handing it on: the Guard (size limits, event checks) and
the session binding both read it before the app does. May import: nothing of vraagbaak."""
from __future__ import annotations


async def read_body(receive, limit: int | None = None) -> bytes | None:
    """A request's whole body, read up to limit; None when it is longer."""
    chunks, seen = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        seen += len(chunks[-1])
        if limit is not None and seen > limit:
            return None
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying(body: bytes, receive):
    """A receive that gives this body, then what the client sends after it (its disconnect)."""
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replay
