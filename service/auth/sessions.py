"""Signed session cookies for the pages, and CSRF tokens for their forms.

The cookie holds the account id and an expiry, signed with HMAC-SHA256 under the
settings' `secret_key`: no server-side session state, so any replica can verify it.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time

SESSION_COOKIE = "cdo_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(purpose: str, payload: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}|{payload}".encode(), hashlib.sha256)
    return _b64(mac.digest())


def issue_session(account_id: int, secret: str, *, max_age: int = SESSION_MAX_AGE) -> str:
    """A signed cookie value naming `account_id`, valid for `max_age` seconds."""
    body = {"a": account_id, "exp": int(time.time()) + max_age, "n": secrets.token_hex(8)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_sign('session', payload, secret)}"


def read_session(value: str, secret: str) -> int | None:
    """The account id of a valid, unexpired cookie; None when forged, damaged or expired."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign("session", payload, secret)):
        return None
    try:
        body = json.loads(_unb64(payload))
        account_id, expires = body["a"], body["exp"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(account_id, int) or not isinstance(expires, int):
        return None
    return account_id if expires > time.time() else None


def csrf_token(seed: str, secret: str) -> str:
    """The CSRF token of a form shown to the holder of `seed` (their session cookie)."""
    return _sign("csrf", seed, secret)


def verify_csrf(seed: str | None, token: str | None, secret: str) -> bool:
    """True when `token` is the CSRF token of `seed`."""
    if not seed or not token:
        return False
    return hmac.compare_digest(token, csrf_token(seed, secret))
