"""The admin login: a constant-time password check, a growing wait per client after failures (refused, never
slept), a wait for everyone after many failures from many addresses, failures logged (never the attempted
text), and sessions that end after inactivity."""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
FREE_FAILURES = 3  # the first mistyped passwords cost nothing
BASE_DELAY_S = 0.5  # then the delay doubles with each failure ...
MAX_DELAY_S = 30.0  # ... up to this
SESSION_IDLE_S = 30 * 60  # a login ends after this long without admin activity


# Many addresses guessing together (a botnet, or a forged address per guess): after this many wrong passwords
# within the window, from any address, every login waits, and the log says so once.
ACCOUNT_FAILURES = 100
ACCOUNT_WINDOW_S = 15 * 60


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    wait_s: float = 0.0  # > 0: not checked; try again after this many seconds

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        if self.wait_s > 0:
            return f"Te veel pogingen. Probeer het over {math.ceil(self.wait_s)} s opnieuw."
        return "Onjuist wachtwoord."


class LoginGuard:
    """The delay is enforced by refusing, not by sleeping: a sleeping handler held one of the web server's two
    workers, so an attacker's throttled guesses kept the real admin, from another address, out for minutes."""

    def __init__(self, password: str, base_delay: float = BASE_DELAY_S, clock=time.monotonic):
        self._password = password.encode()
        self.base_delay = base_delay
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._blocked_until: dict[str, float] = {}
        self._recent: list[float] = []  # times of recent wrong passwords, from any address
        self._account_until = 0.0
        self._lock = threading.Lock()

    def delay_for(self, failures: int) -> float:
        if failures < FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY_S, self.base_delay * 2 ** min(failures - FREE_FAILURES, 32))

    def check(self, client: str, attempt: str) -> LoginResult:
        """Checks the password unless this client (or the account) must still wait; a wrong one makes the
        client wait longer next time."""
        now = self._clock()
        with self._lock:
            wait = max(self._blocked_until.get(client, 0.0), self._account_until) - now
            if wait > 0:
                return LoginResult(False, wait)
            ok = hmac.compare_digest((attempt or "").encode(), self._password)
            if ok:
                self._failures.pop(client, None)
                self._blocked_until.pop(client, None)
                return LoginResult(True)
            failures = self._failures.get(client, 0) + 1
            self._failures[client] = failures
            self._blocked_until[client] = now + self.delay_for(failures)
            self._recent = [t for t in self._recent if now - t < ACCOUNT_WINDOW_S] + [now]
            if len(self._recent) >= ACCOUNT_FAILURES and self._account_until <= now:
                self._account_until = now + ACCOUNT_WINDOW_S
                log.warning("beheer: %d onjuiste wachtwoorden in %d minuten van verschillende adressen; inloggen "
                            "%d minuten geblokkeerd", len(self._recent), ACCOUNT_WINDOW_S // 60, ACCOUNT_WINDOW_S // 60)
        log.warning("beheer: onjuist wachtwoord van %s (poging %d)", client, failures)
        return LoginResult(False)

    def session_start(self) -> float:
        return self._clock()

    def session_alive(self, started: float | None) -> float | None:
        """The session's new last-activity time, or None when it has ended (never started, or idle too long)."""
        if not started or self._clock() - started > SESSION_IDLE_S:
            return None
        return self._clock()


UPLOAD_COOKIE = "vraagbaak_beheer"  # carries an upload key: Gradio stores a file before any handler runs


class UploadKeys:
    """Keys that let a logged-in admin's browser upload. Gradio's /gradio_api/upload stores a file before any
    event handler can ask who sends it, so the Beheer login hands the browser a key (a cookie), and the web
    layer takes files only with a valid, fresh one: an anonymous client stores nothing, also with Beheer on.
    A key is the time it was issued, signed with a secret of this process, and it is live on the server: a new
    one (each admin action) replaces the browser's previous one, and logging out revokes it, so a copied key
    does not outlive its session."""

    def __init__(self, clock=time.time, lifetime_s: float = SESSION_IDLE_S):
        self._secret = secrets.token_bytes(32)
        self._clock = clock
        self.lifetime_s = lifetime_s
        self._live: dict[str, float] = {}  # key -> time issued
        self._lock = threading.Lock()

    def issue(self, replacing: str | None = None) -> str:
        now = self._clock()
        issued = str(int(now))  # rounded down: f"{now:.0f}" rounded up, and the key was "from the future" for
        # up to half a second (an upload right after login was refused in CI)
        key = f"{issued}.{self._sign(issued)}.{secrets.token_hex(8)}"
        with self._lock:
            self._live = {k: t for k, t in self._live.items() if now - t <= self.lifetime_s and k != replacing}
            self._live[key] = now
        return key

    def revoke(self, key: str | None) -> None:
        with self._lock:
            self._live.pop(key or "", None)

    def valid(self, key: str | None) -> bool:
        issued, _, rest = (key or "").partition(".")
        signature = rest.partition(".")[0]
        if not issued.isdigit() or not signature.isascii() \
                or not hmac.compare_digest(signature.encode(), self._sign(issued).encode()):
            return False
        with self._lock:
            live = key in self._live
        return live and 0 <= self._clock() - int(issued) <= self.lifetime_s

    def _sign(self, issued: str) -> str:
        return hmac.new(self._secret, issued.encode(), hashlib.sha256).hexdigest()


def cookie_value(header: str, name: str) -> str | None:
    """One cookie from a Cookie header. http.cookies gives up on the whole header when another cookie (set for
    the same host by another app on another port) holds a space or JSON."""
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None
