"""The admin login: a constant-time password check, a growing delay per client after failures, failures
logged (never the attempted text), and sessions that end after inactivity."""
from __future__ import annotations

import hmac
import logging
import threading
import time

log = logging.getLogger(__name__)
FREE_FAILURES = 3  # the first mistyped passwords cost nothing
BASE_DELAY_S = 0.5  # then the delay doubles with each failure ...
MAX_DELAY_S = 30.0  # ... up to this
SESSION_IDLE_S = 30 * 60  # a login ends after this long without admin activity


class LoginGuard:
    def __init__(self, password: str, base_delay: float = BASE_DELAY_S, sleep=time.sleep, clock=time.monotonic):
        self._password = password.encode()
        self.base_delay = base_delay
        self._sleep, self._clock = sleep, clock
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def delay_for(self, failures: int) -> float:
        if failures < FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY_S, self.base_delay * 2 ** min(failures - FREE_FAILURES, 32))

    def check(self, client: str, attempt: str) -> bool:
        """True for the right password. A client that failed before waits first, so guessing is slow."""
        with self._lock:  # counted before the wait: parallel attempts each count
            failures = self._failures.get(client, 0)
            self._failures[client] = failures + 1
        self._sleep(self.delay_for(failures))
        ok = hmac.compare_digest((attempt or "").encode(), self._password)
        if ok:
            with self._lock:
                self._failures.pop(client, None)
        if not ok:
            log.warning("beheer: onjuist wachtwoord van %s (poging %d)", client, failures + 1)
        return ok

    def session_start(self) -> float:
        return self._clock()

    def session_alive(self, started: float | None) -> float | None:
        """The session's new last-activity time, or None when it has ended (never started, or idle too long)."""
        if not started or self._clock() - started > SESSION_IDLE_S:
            return None
        return self._clock()
