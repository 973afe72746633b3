"""Sign-in through the organisation's OpenID Connect provider (VRAAGBAAK_AUTH=oidc): authorization code with
PKCE and a nonce (Authlib), the user's name and groups kept in a signed session cookie that ends with the
ID token. Without a session, a page request is sent to /login and every other request (the Gradio API, uploads,
page images, PDFs, memos) gets 401. Scripts may send `Authorization: Bearer <ID token>` from the same provider,
checked against its keys (JWKS) for issuer, audience and expiry.

May import: settings, web.audit_trail. No Gradio."""
from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass

import httpx
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from vraagbaak.settings import Settings
from vraagbaak.web.audit_trail import Trail, client_of

log = logging.getLogger(__name__)
# reachable before signing in, with GET only (a POST to /login reached Gradio's own password login); Gradio
# calls its startup-events itself while it starts (once, then a no-op)
OPEN_PATHS = ("/login", "/auth/callback", "/logout", "/gradio_api/startup-events")
OPEN_METHODS = ("GET", "HEAD")
KEYS_FOR_S = 600  # the provider's signing keys are fetched again after this, or at once for an unknown key id
KEYS_RETRY_S = 60  # after a failed fetch, bearer tokens are refused this long without asking again
# cookies a signed-out user leaves behind: the chat session (memos) and Beheer's upload key
LEFT_BEHIND = ("vraagbaak_sessie", "vraagbaak_beheer")
NOT_SIGNED_IN = "Niet ingelogd: log in via de inlogpagina van uw organisatie (/login)."
SESSION_COOKIE_NAME = "vraagbaak_login"
SESSION_MAX_AGE_S = 12 * 3600  # the cookie's own limit; the session ends earlier with its ID token


@dataclass(frozen=True)
class User:
    name: str  # what the provider calls the user (preferred_username, email or sub)
    groups: tuple[str, ...]
    expires: float  # the ID token's exp
    session_id: str = ""  # revoked at /logout: a copied cookie does not outlive it

    def to_session(self) -> dict:
        return {"name": self.name, "groups": list(self.groups), "exp": self.expires, "sid": self.session_id}

    @classmethod
    def from_claims(cls, claims: dict, groups_claim: str) -> "User":
        groups = claims.get(groups_claim) or []
        groups = [groups] if isinstance(groups, str) else [str(g) for g in groups]
        name = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "")
        return cls(name, tuple(groups), float(claims.get("exp", 0)))


def session_user(request: Request, revoked: dict[str, float] | None = None) -> User | None:
    """The signed-in user of this request; None without a session, after its token expired, or after its
    session was ended at /logout."""
    data = request.scope.get("vraagbaak_user")
    if isinstance(data, User):
        return data
    raw = (request.scope.get("session") or {}).get("user")
    if not isinstance(raw, dict):
        return None
    try:
        expires = float(raw.get("exp", 0))
    except (TypeError, ValueError):
        return None
    sid = str(raw.get("sid", ""))
    if not math.isfinite(expires) or expires <= time.time() or not sid or sid in (revoked or {}):
        return None
    groups = raw.get("groups") if isinstance(raw.get("groups"), list) else []
    return User(str(raw.get("name", "")), tuple(str(g) for g in groups), expires, sid)


class OidcSignIn:
    """The /login, /auth/callback and /logout routes, and the middleware that requires a session."""

    def __init__(self, settings: Settings, trail: Trail | None = None, upload_keys=None,
                 security_headers: list | None = None):
        from authlib.integrations.starlette_client import OAuth

        if not (settings.oidc_issuer and settings.oidc_client_id):
            raise ValueError("VRAAGBAAK_AUTH=oidc vraagt VRAAGBAAK_OIDC_ISSUER en VRAAGBAAK_OIDC_CLIENT_ID")
        self.settings, self.trail = settings, trail
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.public_url = (settings.public_url or f"http://127.0.0.1:{settings.port}").rstrip("/")
        self.oauth = OAuth()
        self.oauth.register("idp", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
                            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
                            client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"})
        self.upload_keys, self.security_headers = upload_keys, security_headers or []
        self.secret = settings.session_secret or secrets.token_urlsafe(32)
        self._jwks: dict | None = None
        self._jwks_at = 0.0
        self._jwks_failed_at = -KEYS_RETRY_S
        self.revoked: dict[str, float] = {}  # session id -> its expiry: ended at /logout
        self._lock = threading.Lock()

    # --- routes ----------------------------------------------------------------------

    def routes(self) -> list[Route]:
        return [Route("/login", self.login), Route("/auth/callback", self.callback),
                Route("/logout", self.logout)]

    async def login(self, request: Request) -> Response:
        return await self.oauth.idp.authorize_redirect(request, f"{self.public_url}/auth/callback")

    async def callback(self, request: Request) -> Response:
        from authlib.integrations.starlette_client import OAuthError

        try:
            token = await self.oauth.idp.authorize_access_token(request)
            claims = token.get("userinfo")
            if not claims:
                raise OAuthError(error="geen ID-token met nonce")
        except Exception as err:  # noqa: BLE001 - a wrong state, code, nonce, audience or an expired token:
            # Authlib and joserfc raise their own kinds; each is a refused sign-in, in the audit trail
            self._audit("inloggen", "geweigerd", request, reden=f"{type(err).__name__}: {err}"[:200])
            return PlainTextResponse(f"Inloggen is mislukt ({type(err).__name__}: {err}). Probeer het opnieuw via "
                                     "/login.", status_code=401)
        user = User.from_claims(dict(claims), self.settings.oidc_groups_claim)
        user = User(user.name, user.groups, user.expires, secrets.token_urlsafe(16))
        request.session["user"] = user.to_session()
        self._audit("inloggen", "ok", request, user=user)
        response = RedirectResponse("/", status_code=303)
        for name in LEFT_BEHIND:  # a fresh chat session and no Beheer key: nothing of whoever used the browser before
            response.delete_cookie(name, path="/")
        return response

    async def logout(self, request: Request) -> Response:
        """Ends the session on the server too (a copied cookie is refused), and takes what the user leaves in
        this browser with it: the chat session that holds their memos, and Beheer's upload key."""
        user = session_user(request, self.revoked)
        self._audit("uitloggen", "ok", request, user=user)
        if user is not None:
            with self._lock:
                now = time.time()
                self.revoked = {sid: exp for sid, exp in self.revoked.items() if exp > now}
                self.revoked[user.session_id] = user.expires
        if self.upload_keys is not None:
            self.upload_keys.revoke(request.cookies.get("vraagbaak_beheer"))
        request.session.clear()
        response = PlainTextResponse("U bent uitgelogd. Log opnieuw in via /login.")
        for name in LEFT_BEHIND:
            response.delete_cookie(name, path="/")
        return response

    def security_headers_text(self) -> list[tuple[str, str]]:
        return [(k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v)
                for k, v in self.security_headers]

    def _audit(self, action: str, result: str, request: Request, user: User | None = None, **details) -> None:
        if self.trail is not None:
            self.trail.event(action, "vraagbaak", result, actor=user.name if user else "", origin=client_of(request),
                             **details)

    # --- tokens from scripts ---------------------------------------------------------

    async def bearer_user(self, token: str) -> User | None:
        """The user of an ID token from our provider, for our client, not expired; None otherwise."""
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            keys = await self._keys(_key_id(token))
            if keys is None:
                return None
            claims = jwt.decode(token, KeySet.import_key_set(keys)).claims
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": self.issuer},
                                  aud={"essential": True, "value": self.settings.oidc_client_id},
                                  exp={"essential": True}).validate(claims)
        except (JoseError, ValueError, KeyError, TypeError) as err:
            log.info("bearer-token geweigerd: %s", type(err).__name__)
            return None
        return User.from_claims(claims, self.settings.oidc_groups_claim)

    async def _keys(self, key_id: str | None) -> dict | None:
        """The provider's JWKS, fetched without blocking other requests, again after KEYS_FOR_S or for a key id
        it does not hold (a rotated key); after a failure, None for KEYS_RETRY_S instead of asking again."""
        now = time.monotonic()
        known = {k.get("kid") for k in (self._jwks or {}).get("keys", [])}
        fresh = self._jwks is not None and now - self._jwks_at < KEYS_FOR_S and (key_id is None or key_id in known)
        if fresh:
            return self._jwks
        if now - self._jwks_failed_at < KEYS_RETRY_S:
            return self._jwks  # what we had, or None
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                metadata = (await client.get(f"{self.issuer}/.well-known/openid-configuration")).json()
                self._jwks = (await client.get(metadata["jwks_uri"])).json()
                self._jwks_at = now
        except (httpx.HTTPError, ValueError, KeyError) as err:
            log.warning("sleutels van de identity provider niet opgehaald: %s", type(err).__name__)
            self._jwks_failed_at = now
        return self._jwks

    # --- middleware ------------------------------------------------------------------

    def user_of(self, request) -> User | None:
        """The signed-in user of a Starlette request or of a Gradio event: an event that went through Gradio's
        queue keeps the headers and cookies of its request, not what the middleware put in its scope."""
        inner = getattr(request, "request", request)
        user = (getattr(inner, "scope", None) or {}).get("vraagbaak_user")
        if isinstance(user, User):
            return user
        cookie = (getattr(request, "cookies", None) or {}).get(SESSION_COOKIE_NAME)
        if cookie:
            user = session_user(Request({"type": "http", "headers": [], "session": self._decoded(cookie)}),
                                self.revoked)
            if user is not None:
                return user
        authorization = (getattr(request, "headers", None) or {}).get("authorization", "")
        if authorization.lower().startswith("bearer "):
            import asyncio

            return asyncio.run(self.bearer_user(authorization[7:].strip()))
        return None

    def _decoded(self, cookie: str) -> dict:
        """The session in a sign-in cookie, as Starlette's SessionMiddleware signs it; {} if not ours."""
        import base64
        import json

        from itsdangerous import BadSignature, TimestampSigner

        try:
            data = TimestampSigner(self.secret).unsign(cookie.encode(), max_age=SESSION_MAX_AGE_S)
            session = json.loads(base64.b64decode(data))
        except (BadSignature, ValueError, TypeError):
            return {}
        return session if isinstance(session, dict) else {}

    def middleware(self) -> list[Middleware]:
        """Outermost first: the session cookie is read before the check that asks for it; both run before any
        other check of the web layer, which would otherwise tell an anonymous client how a request should look."""
        return [Middleware(SessionMiddleware, secret_key=self.secret, session_cookie=SESSION_COOKIE_NAME,
                           same_site="lax", https_only=self.public_url.startswith("https://"),
                           max_age=SESSION_MAX_AGE_S),
                Middleware(RequireSignIn, sign_in=self)]


class RequireSignIn:
    """ASGI middleware: no route but sign-in itself without a signed-in user (session or bearer token)."""

    def __init__(self, app, sign_in: OidcSignIn):
        self.app, self.sign_in = app, sign_in

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if scope.get("path", "") in OPEN_PATHS and scope.get("method", "GET") in OPEN_METHODS:
            return await self.app(scope, receive, send)
        request = Request(scope)
        user = session_user(request, self.sign_in.revoked)
        authorization = request.headers.get("authorization", "")
        if user is None and authorization.lower().startswith("bearer "):
            user = await self.sign_in.bearer_user(authorization[7:].strip())
        if user is None:
            if self.sign_in.trail is not None:  # refused access (BIO2 8.15), also by a scanner: the log rotates
                self.sign_in.trail.event("toegang geweigerd", scope.get("path", "")[:200], "niet ingelogd",
                                         origin=client_of(request), methode=scope.get("method", ""))
            wants_page = scope.get("method") == "GET" and "text/html" in request.headers.get("accept", "")
            response = (RedirectResponse("/login", status_code=303) if wants_page
                        else PlainTextResponse(NOT_SIGNED_IN, status_code=401))
            response.headers.update(dict(self.sign_in.security_headers_text()))
            return await response(scope, receive, send)
        scope["vraagbaak_user"] = user
        return await self.app(scope, receive, send)


def _key_id(token: str) -> str | None:
    """The kid in a JWT's header, unchecked (only to know whether the provider has rotated its keys)."""
    import base64
    import json

    try:
        header = token.split(".")[0]
        data = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        return str(data["kid"]) if isinstance(data, dict) and "kid" in data else None
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
