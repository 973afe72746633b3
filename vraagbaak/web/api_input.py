"""One input check for every boundary (HTTP API, chat, CLI): a bad request gets a Dutch message, never a
traceback, and nothing unbounded reaches the search."""
from __future__ import annotations

import json

MAX_K = 100
MAX_FILTERS_CHARS = 10_000


# The HTTP API's endpoints and the values of their optional arguments, after the question: Gradio itself
# refuses a call with fewer values than parameters, with no message at all ({"error": null}).
API_DEFAULTS: dict[str, list] = {"ask": ["{}", "[]"], "search": [5, "{}"]}


def completed_call(endpoint: str, body: bytes) -> bytes:
    """A raw call's JSON body ({"data": [...]}) with its missing optional values filled in; BadRequest (Dutch)
    when the question is missing or the body is no such object."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest('De aanroep is geen geldige JSON; stuur {"data": ["uw vraag"]}.') from None
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list) or not data:
        raise BadRequest(f'De vraag ontbreekt: stuur {{"data": ["uw vraag", ...]}} naar /{endpoint}.')
    defaults = API_DEFAULTS[endpoint]
    payload["data"] = data + defaults[len(data) - 1:] if len(data) <= len(defaults) else data
    return json.dumps(payload).encode()


# A chat's values as Gradio receives them: the history travels with every question. 1,000 items in one list is
# 500 turns; a list of 200,000 strings gave one validation error per item, 600,000 lines in the log.
MAX_LIST_ITEMS = 1000
MAX_VALUES = 50_000
TOO_MANY_VALUES = "Het gesprek is te lang of ongeldig. Klik op 'Nieuw gesprek' en stel uw vraag opnieuw."


def checked_event(body: bytes) -> None:
    """BadRequest (Dutch) when an event's values ({"data": [...]}) hold a list of more than MAX_LIST_ITEMS or
    more than MAX_VALUES values in all, before Gradio parses (and logs) them one by one. A body that is no
    JSON is left to Gradio, which refuses it with one line."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return
    pending, seen = [payload.get("data") if isinstance(payload, dict) else None], 0
    while pending:
        value = pending.pop()
        seen += 1
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS or seen + len(pending) + len(value) > MAX_VALUES:
                raise BadRequest(TOO_MANY_VALUES)
            pending.extend(value)


class BadRequest(ValueError):
    """A request that cannot be answered as sent; the message says why, in Dutch."""


def question_text(question, max_chars: int) -> str:
    """The question as searched and echoed: text, not empty, cut to max_chars."""
    if not isinstance(question, str) or not question.strip():
        raise BadRequest("Stel een vraag: de vraag is leeg.")
    return question.strip()[:max_chars]


def result_count(k) -> int:
    """The number of results, clamped to 1..MAX_K."""
    try:
        k = int(k)
    except (TypeError, ValueError, OverflowError):
        raise BadRequest(f"k moet een geheel getal van 1 tot {MAX_K} zijn.") from None
    return max(1, min(MAX_K, k))


def filters_from_json(text) -> dict[str, list[str]]:
    """Filters as JSON: an object whose values are a text or a list of texts, e.g. {"gemeente": ["Utrecht"]}."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    if not isinstance(text, str) or len(text) > MAX_FILTERS_CHARS:
        raise BadRequest("De filters moeten als JSON-tekst van hoogstens 10.000 tekens worden meegegeven.")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest('De filters zijn geen geldige JSON; voorbeeld: {"gemeente": ["Utrecht"]}.') from None
    return filters_from_object(value)


MAX_PREVIOUS = 10


def previous_from_json(text) -> list[str]:
    """Earlier questions of a conversation as a JSON list of texts, oldest first (the last MAX_PREVIOUS)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return []
    if not isinstance(text, str) or len(text) > MAX_FILTERS_CHARS:
        raise BadRequest("De eerdere vragen moeten als JSON-lijst van hoogstens 10.000 tekens worden meegegeven.")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest('De eerdere vragen zijn geen geldige JSON; voorbeeld: ["Hoe pakt Utrecht afval aan?"].') \
            from None
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        raise BadRequest("De eerdere vragen moeten een JSON-lijst met teksten zijn.")
    return value[-MAX_PREVIOUS:]


def filters_from_object(value) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise BadRequest('De filters moeten een JSON-object zijn, bijvoorbeeld {"gemeente": ["Utrecht"]}.')
    out = {}
    for key, want in value.items():
        items = [want] if isinstance(want, str) else want
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise BadRequest(f"Filter '{str(key)[:40]}' moet een tekst of een lijst met teksten zijn.")
        out[str(key)] = items
    return out
