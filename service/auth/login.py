"""Sign-in with email and password, rate-limited per account and per client address.

Failures are counted in PostgreSQL (not in the process), so every replica applies the
same limit. Failed attempts are written by the caller's transaction, which must commit
even though the sign-in failed: `login` returns None instead of raising for that reason.
"""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, LoginAttempt
from service.auth.accounts import get_account_by_email
from service.auth.passwords import verify_password_async
from service.errors import TooManyRequests

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _keys(email: str, address: str | None) -> list[str]:
    keys = [f"account:{email.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


async def _refuse_when_limited(session: AsyncSession, keys: list[str]) -> None:
    # Serialise attempts on the same keys (always in the same order: no deadlock), so
    # concurrent guesses cannot all slip under the limit.
    for key in keys:
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))
    now: datetime = (await session.execute(sa.select(sa.func.now()))).scalar_one()
    await session.execute(
        sa.delete(LoginAttempt).where(
            col(LoginAttempt.key).in_(keys), col(LoginAttempt.attempted_at) <= now - WINDOW
        )
    )
    stmt = (
        sa.select(col(LoginAttempt.key), col(LoginAttempt.attempted_at))
        .where(col(LoginAttempt.key).in_(keys))
        .order_by(col(LoginAttempt.attempted_at).desc())
    )
    recent: dict[str, list[datetime]] = {}
    for key, attempted_at in (await session.execute(stmt)).all():
        recent.setdefault(key, []).append(attempted_at)
    waits = [
        (times[MAX_FAILURES - 1] + WINDOW - now).total_seconds()
        for times in recent.values()
        if len(times) >= MAX_FAILURES
    ]
    if waits:
        retry_after = max(1, math.ceil(max(waits)))
        raise TooManyRequests(
            f"Too many failed sign-ins; try again in {retry_after} seconds.",
            code="too_many_login_attempts",
            retry_after=retry_after,
        )


async def login(
    session: AsyncSession, email: str, password: str, *, address: str | None
) -> Account | None:
    """The enabled account matching `email` and `password`; None (failure recorded) when
    they do not match; 429 (TooManyRequests) after 5 failures in 15 minutes."""
    keys = _keys(email, address)
    await _refuse_when_limited(session, keys)
    account = await get_account_by_email(session, email)
    password_hash = account.password_hash if account is not None else None
    matches = await verify_password_async(password, password_hash)
    if account is None or not matches or account.is_disabled:
        session.add_all([LoginAttempt(key=key) for key in keys])
        await session.flush()
        return None
    await session.execute(sa.delete(LoginAttempt).where(col(LoginAttempt.key) == keys[0]))
    return account
