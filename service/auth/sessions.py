"""Server-side sessions for the pages, and CSRF tokens for their forms.

The cookie holds a random token (256 bits); the database keeps only its SHA-256 in an
`account_session` row, so deleting the row ends the session at once, on every replica.
A session ends after `session_idle_minutes` unused or `session_max_hours` after sign-in.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, AccountSession
from service.actor import Actor
from service.config import Settings
from service.errors import NotFound
from service.i18n import gettext as _

SESSION_COOKIE = "cdo_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# Last-seen is written at most this often, so reading a page costs no write.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def max_age(settings: Settings) -> int:
    """The cookie's lifetime in seconds: the session's absolute lifetime."""
    return settings.session_max_hours * 3600


async def start_session(session: AsyncSession, account_id: int, settings: Settings) -> str:
    """A new session of `account_id`; returns the cookie value (shown only here)."""
    await end_expired_sessions(session, account_id, settings)
    token = secrets.token_urlsafe(32)
    session.add(AccountSession(account_id=account_id, token_hash=_hash(token)))
    await session.flush()
    return token


async def account_for_session(
    session: AsyncSession, token: str, settings: Settings
) -> Account | None:
    """The account of a live session; None when unknown, idle or too old."""
    grant = await session_grant(session, token, settings)
    return None if grant is None else grant[0]


async def session_grant(
    session: AsyncSession, token: str, settings: Settings
) -> tuple[Account, timedelta] | None:
    """The account of a live session (one statement) and how long that answer holds without
    asking again (until the next seen-mark, idle end or lifetime end); None when unknown,
    idle or too old. Marks the session seen, writing only when the last mark is a minute old.
    """
    now = sa.func.now()
    idle = timedelta(minutes=settings.session_idle_minutes)
    lifetime = timedelta(hours=settings.session_max_hours)
    stmt = (
        sa.select(
            Account,
            col(AccountSession.id),
            col(AccountSession.created_at),
            col(AccountSession.last_seen_at),
            now,
        )
        .join(AccountSession, col(AccountSession.account_id) == col(Account.id))
        .where(
            col(AccountSession.token_hash) == _hash(token),
            col(AccountSession.created_at) > now - lifetime,
            col(AccountSession.last_seen_at) > now - idle,
        )
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    account, session_id, created_at, last_seen, at = row
    if last_seen < at - TOUCH_EVERY:
        await session.execute(
            sa.update(AccountSession)
            .where(col(AccountSession.id) == session_id)
            .values(last_seen_at=now)
        )
        last_seen = at
    holds = min(last_seen + min(TOUCH_EVERY, idle), created_at + lifetime) - at
    return account, holds


async def end_session(session: AsyncSession, token: str) -> None:
    """End the session this cookie names (nothing when it names none)."""
    await session.execute(
        sa.delete(AccountSession).where(col(AccountSession.token_hash) == _hash(token))
    )


async def end_sessions_of(session: AsyncSession, account_id: int) -> int:
    """End every session of one account (sign out everywhere); how many ended."""
    result = await session.execute(
        sa.delete(AccountSession).where(col(AccountSession.account_id) == account_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def sign_out_everywhere(session: AsyncSession, actor: Actor) -> int:
    """End every session of the actor's own account; how many ended."""
    if actor.account_id is None:
        raise NotFound(
            _("%(actor)s acts without an account.") % {"actor": actor.label},
            code="account_not_found",
        )
    return await end_sessions_of(session, actor.account_id)


async def end_every_session(session: AsyncSession) -> int:
    """End every session of every account; how many ended."""
    result = await session.execute(sa.delete(AccountSession))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def end_expired_sessions(session: AsyncSession, account_id: int, settings: Settings) -> None:
    """Forget the account's sessions that can no longer be used (at each sign-in)."""
    now = sa.func.now()
    await session.execute(
        sa.delete(AccountSession).where(
            col(AccountSession.account_id) == account_id,
            (col(AccountSession.created_at) <= now - timedelta(hours=settings.session_max_hours))
            | (
                col(AccountSession.last_seen_at)
                <= now - timedelta(minutes=settings.session_idle_minutes)
            ),
        )
    )


def _sign(purpose: str, payload: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}|{payload}".encode(), hashlib.sha256)
    return mac.hexdigest()


def csrf_token(seed: str, secret: str | None) -> str:
    """The CSRF token of a form shown to the holder of `seed` (their session cookie)."""
    if not secret:  # the key is not loaded yet: a form that cannot be posted
        return ""
    return _sign("csrf", seed, secret)


def verify_csrf(seed: str | None, token: str | None, secret: str | None) -> bool:
    """True when `token` is the CSRF token of `seed`."""
    if not seed or not token or not secret:
        return False
    return hmac.compare_digest(token, csrf_token(seed, secret))
