"""Sign-in through the organisation's OpenID Connect provider (VRAAGBAAK_AUTH=oidc): authorization code with
PKCE and a nonce (Authlib), the user's name and groups kept in a signed session cookie that ends with the
ID token. Without a session, a page request is sent to /login and every other request (the Gradio API, uploads,
page images, PDFs, memos) gets 401. Scripts may send `Authorization: Bearer <ID token>` from the same provider,
checked against its keys (JWKS) for issuer, audience and expiry.

May import: settings, web.audit_trail. No Gradio."""
from __future__ import annotations

import logging
import secrets
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
# reachable before signing in; Gradio calls its startup-events itself while it starts (once, then a no-op)
OPEN_PATHS = ("/login", "/auth/callback", "/logout", "/gradio_api/startup-events")
NOT_SIGNED_IN = "Niet ingelogd: log in via de inlogpagina van uw organisatie (/login)."
SESSION_COOKIE_NAME = "vraagbaak_login"


@dataclass(frozen=True)
class User:
    name: str  # what the provider calls the user (preferred_username, email or sub)
    groups: tuple[str, ...]
    expires: float  # the ID token's exp

    def to_session(self) -> dict:
        return {"name": self.name, "groups": list(self.groups), "exp": self.expires}

    @classmethod
    def from_claims(cls, claims: dict, groups_claim: str) -> "User":
        groups = claims.get(groups_claim) or []
        groups = [groups] if isinstance(groups, str) else [str(g) for g in groups]
        name = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "")
        return cls(name, tuple(groups), float(claims.get("exp", 0)))


def session_user(request: Request) -> User | None:
    """The signed-in user of this request; None without a session or after its token expired."""
    data = request.scope.get("vraagbaak_user")
    if isinstance(data, User):
        return data
    session = request.scope.get("session") or {}
    raw = session.get("user")
    if not isinstance(raw, dict) or float(raw.get("exp", 0)) <= time.time():
        return None
    return User(str(raw.get("name", "")), tuple(raw.get("groups", [])), float(raw["exp"]))


class OidcSignIn:
    """The /login, /auth/callback and /logout routes, and the middleware that requires a session."""

    def __init__(self, settings: Settings, trail: Trail | None = None):
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
        self._jwks: dict | None = None

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
        except (OAuthError, ValueError, KeyError) as err:  # a wrong state, nonce, audience or an expired token
            self._audit("inloggen", "geweigerd", request, reden=str(err)[:200])
            return PlainTextResponse(f"Inloggen is mislukt: {err}. Probeer het opnieuw via /login.", status_code=401)
        user = User.from_claims(dict(claims), self.settings.oidc_groups_claim)
        request.session["user"] = user.to_session()
        self._audit("inloggen", "ok", request, user=user)
        return RedirectResponse("/", status_code=303)

    async def logout(self, request: Request) -> Response:
        self._audit("uitloggen", "ok", request, user=session_user(request))
        request.session.clear()
        return PlainTextResponse("U bent uitgelogd. Log opnieuw in via /login.")

    def _audit(self, action: str, result: str, request: Request, user: User | None = None, **details) -> None:
        if self.trail is not None:
            self.trail.event(action, "vraagbaak", result, actor=user.name if user else "", origin=client_of(request),
                             **details)

    # --- tokens from scripts ---------------------------------------------------------

    def bearer_user(self, token: str) -> User | None:
        """The user of an ID token from our provider, for our client, not expired; None otherwise."""
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            keys = KeySet.import_key_set(self._keys())
            decoded = jwt.decode(token, keys)
            claims = decoded.claims
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": self.issuer},
                                  aud={"essential": True, "value": self.settings.oidc_client_id},
                                  exp={"essential": True}).validate(claims)
        except (JoseError, ValueError, KeyError, httpx.HTTPError) as err:
            log.info("bearer-token geweigerd: %s", type(err).__name__)
            return None
        return User.from_claims(claims, self.settings.oidc_groups_claim)

    def _keys(self) -> dict:
        if self._jwks is None:
            metadata = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()
            self._jwks = httpx.get(metadata["jwks_uri"], timeout=10).json()
        return self._jwks

    # --- middleware ------------------------------------------------------------------

    def middleware(self) -> list[Middleware]:
        """Outermost first: the session cookie is read before the check that asks for it."""
        secret = self.settings.session_secret or secrets.token_urlsafe(32)
        return [Middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE_NAME,
                           same_site="lax", https_only=self.public_url.startswith("https://"), max_age=12 * 3600),
                Middleware(RequireSignIn, sign_in=self)]


class RequireSignIn:
    """ASGI middleware: no route but sign-in itself without a signed-in user (session or bearer token)."""

    def __init__(self, app, sign_in: OidcSignIn):
        self.app, self.sign_in = app, sign_in

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or scope.get("path", "") in OPEN_PATHS:
            return await self.app(scope, receive, send)
        request = Request(scope)
        user = session_user(request)
        authorization = request.headers.get("authorization", "")
        if user is None and authorization.lower().startswith("bearer "):
            user = self.sign_in.bearer_user(authorization[7:].strip())
        if user is None:
            wants_page = scope.get("method") == "GET" and "text/html" in request.headers.get("accept", "")
            response = (RedirectResponse("/login", status_code=303) if wants_page
                        else PlainTextResponse(NOT_SIGNED_IN, status_code=401))
            return await response(scope, receive, send)
        scope["vraagbaak_user"] = user
        return await self.app(scope, receive, send)
