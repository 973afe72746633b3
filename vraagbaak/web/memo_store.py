"""The answers whose memo can still be downloaded. A memo file is made when it is downloaded, from the answer
kept here under an unguessable key, and never written to disk: a full temp folder can no longer cost an answer
its downloads, and nothing piles up. Bounded in number and age. The key travels in a GET URL (and so in proxy
logs): it opens the memo only for the browser session (cookie, web/sessions.py) that asked the question.
May import: kernel."""
from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict

from vraagbaak.schema import Answer

MEMO_PATH = "vraagbaak/memo"  # relative, like the page images: the page's <base> makes it work behind a proxy
MAX_MEMOS = 2000  # a few kB each
MEMO_MAX_AGE_S = 8 * 3600  # a working day: a memo is downloaded while the answer is on screen


def memo_owner(session_cookie: str, user: str = "") -> str:
    """Who may download a memo: the browser session that asked, and with sign-in the user who asked (a browser
    that someone else signs in on next keeps its session cookie)."""
    return f"{session_cookie}|{user}"


class MemoStore:
    def __init__(self, capacity: int = MAX_MEMOS, max_age_s: float = MEMO_MAX_AGE_S):
        self._answers: OrderedDict[str, tuple[float, str, Answer]] = OrderedDict()
        self._capacity, self._max_age_s = capacity, max_age_s
        self._lock = threading.Lock()

    def put(self, answer: Answer, owner: str = "") -> str:
        """The key under which this answer's memo can be downloaded by owner (a session cookie; "" for a
        client without one)."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._answers[key] = (time.monotonic(), owner, answer)
            while len(self._answers) > self._capacity:
                self._answers.popitem(last=False)
        return key

    def get(self, key: str, owner: str = "") -> Answer | None:
        with self._lock:
            kept = self._answers.get(key)
            if kept is None:
                return None
            if time.monotonic() - kept[0] > self._max_age_s:
                del self._answers[key]
                return None
        return kept[2] if secrets.compare_digest(kept[1], owner) else None
