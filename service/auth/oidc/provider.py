"""Talking to the OpenID provider: discovery, the authorization URL, the code exchange
and the ID token check (signature by the provider's JWKS, issuer, audience, expiry,
nonce). Authlib builds the requests (PKCE S256) and checks the claims; httpx2 (the client
Authlib runs on) carries them, so nothing here blocks the event loop.
"""

import time
from dataclasses import dataclass, field
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from service.auth.oidc.attempt import Attempt
from service.auth.oidc.errors import ProviderUnavailable, SignInRefused
from service.config import Settings
from service.i18n import gettext as _

METADATA_TTL = 3600.0  # seconds a discovery document is reused
TIMEOUT = 10.0  # seconds for each call to the provider
LEEWAY = 60  # seconds of clock difference tolerated on exp/iat


@dataclass
class _Cached:
    metadata: dict[str, Any]
    fetched_at: float
    jwks: dict[str, Any] | None = field(default=None)


# One entry per discovery URL, shared by the requests of this process.
_cache: dict[str, _Cached] = {}


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx2.AsyncClient(timeout=TIMEOUT) as http:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
    except (httpx2.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(
            _("The identity provider did not answer (%(error)s); try again later.")
            % {"error": type(exc).__name__}
        ) from None
    if not isinstance(body, dict):
        raise ProviderUnavailable(_("The identity provider answered something unexpected."))
    return body


async def _provider(settings: Settings) -> _Cached:
    url = settings.oidc_discovery_url or ""
    cached = _cache.get(url)
    if cached is None or time.monotonic() - cached.fetched_at > METADATA_TTL:
        metadata = await _get_json(url)
        missing = {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"} - set(metadata)
        if missing:
            names = ", ".join(sorted(missing))
            raise ProviderUnavailable(
                _("The provider's discovery document lacks %(names)s.") % {"names": names}
            )
        cached = _cache[url] = _Cached(metadata, time.monotonic())
    return cached


async def _key_set(cached: _Cached, *, refresh: bool = False) -> KeySet:
    if cached.jwks is None or refresh:
        cached.jwks = await _get_json(cached.metadata["jwks_uri"])
    try:
        return KeySet.import_key_set(cached.jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderUnavailable(_("The provider's signing keys (JWKS) cannot be read.")) from None


def _client(settings: Settings, metadata: dict[str, Any], redirect_url: str) -> AsyncOAuth2Client:
    configured = settings.oidc_client_secret
    secret = configured.get_secret_value() if configured else None
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "none"
    if secret:
        basic = "client_secret_basic" in supported or "client_secret_post" not in supported
        method = "client_secret_basic" if basic else "client_secret_post"
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret,
        token_endpoint_auth_method=method,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_url,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


async def authorization_url(settings: Settings, attempt: Attempt, redirect_url: str) -> str:
    """Where to send the browser: the provider's sign-in, for this attempt."""
    cached = await _provider(settings)
    async with _client(settings, cached.metadata, redirect_url) as client:
        url, _ = client.create_authorization_url(
            cached.metadata["authorization_endpoint"],
            state=attempt.state,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
        )
    return str(url)


async def exchange_code(
    settings: Settings, attempt: Attempt, code: str, redirect_url: str
) -> tuple[str, dict[str, Any]]:
    """Trade the authorization code for tokens; the issuer and the verified ID token claims."""
    cached = await _provider(settings)
    try:
        async with _client(settings, cached.metadata, redirect_url) as client:
            token = await client.fetch_token(
                cached.metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=attempt.code_verifier,
            )
    except OAuthError as exc:
        raise SignInRefused(
            _(
                "The identity provider did not accept the sign-in (the code expired or was"
                " already used: %(error)s). Please sign in again."
            )
            % {"error": exc.error},
            code="sso_code_refused",
        ) from None
    except httpx2.HTTPError as exc:
        raise ProviderUnavailable(
            _("The identity provider did not answer (%(error)s); try again later.")
            % {"error": type(exc).__name__}
        ) from None
    claims = await _verified_claims(settings, cached, dict(token), attempt.nonce)
    return str(cached.metadata["issuer"]), claims


async def _verified_claims(
    settings: Settings, cached: _Cached, token: dict[str, Any], nonce: str
) -> dict[str, Any]:
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused(_("The identity provider sent no ID token."), code="sso_no_id_token")
    algorithms = cached.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])
    try:
        try:
            decoded = jwt.decode(id_token, await _key_set(cached), registry=registry)
        except InvalidKeyIdError:  # the provider rotated its keys since we last looked
            decoded = jwt.decode(id_token, await _key_set(cached, refresh=True), registry=registry)
        options = {
            "iss": {"essential": True, "value": cached.metadata["issuer"]},
            "aud": {"essential": True, "value": settings.oidc_client_id},
        }
        params = {
            "nonce": nonce,
            "client_id": settings.oidc_client_id,
            "access_token": token.get("access_token"),
        }
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)  # type: ignore[arg-type]
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError) as exc:
        raise SignInRefused(
            _(
                "The identity provider's ID token failed its check (%(error)s). Please sign in"
                " again."
            )
            % {"error": exc},
            code="sso_invalid_id_token",
        ) from None
    return dict(claims)
