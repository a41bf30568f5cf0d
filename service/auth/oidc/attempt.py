"""One sign-in attempt: its state, nonce and PKCE verifier, in a signed short-lived cookie.

The browser carries the attempt to the provider and back; the cookie is HttpOnly, signed
with the installation's key (tampering breaks the signature) and ends after ATTEMPT_TTL.
SameSite=Lax, because the provider sends the browser back with a top-level GET.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass

ATTEMPT_COOKIE = "cdo_oidc"
ATTEMPT_TTL = 600  # seconds from the button to the callback


@dataclass(frozen=True)
class Attempt:
    """What the callback checks the provider's answer against."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str
    expires_at: int


def new_attempt(next_url: str, now: float | None = None) -> Attempt:
    """Fresh random state, nonce and verifier (256 bits each) for one sign-in."""
    expires = int(now if now is not None else time.time()) + ATTEMPT_TTL
    return Attempt(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        next_url=next_url,
        expires_at=expires,
    )


def _sign(payload: str, key: str) -> str:
    mac = hmac.new(key.encode(), f"oidc-attempt|{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def seal(attempt: Attempt, key: str) -> str:
    """The cookie value of an attempt."""
    raw = json.dumps(asdict(attempt), separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{_sign(payload, key)}"


def unseal(value: str | None, key: str, now: float | None = None) -> Attempt | None:
    """The attempt a genuine, unexpired cookie holds; None otherwise."""
    payload, _, signature = (value or "").partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload, key)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        attempt = Attempt(**data)
    except (ValueError, TypeError):
        return None
    current = now if now is not None else time.time()
    return attempt if attempt.expires_at > current else None


def same_state(attempt: Attempt, state: str | None) -> bool:
    """Whether the provider sent back this attempt's state."""
    return bool(state) and hmac.compare_digest(attempt.state.encode(), (state or "").encode())
