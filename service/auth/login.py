"""Sign-in with email and password, slowed per (account, client address) and per address.

No lock-out: failures from one address slow only that address. After 5 failures of one
account from one address within 15 minutes each further try waits 1 s, then 2, 4, ...
up to 5 minutes after the previous failure; one address may fail 30 times in 15 minutes
across all accounts. A stranger elsewhere therefore never stops the owner signing in.

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
from service.i18n import ngettext

WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5  # per account and address, before the delays start
FIRST_DELAY = 1  # seconds, doubled with each further failure
MAX_DELAY = 300
ADDRESS_FAILURES = 30  # per address over every account, within WINDOW


def _keys(email: str, address: str | None) -> tuple[str, str]:
    where = (address or "unknown")[:100]
    return f"account:{email.strip().lower()[:280]}|address:{where}", f"address:{where}"


def delay_after(failures: int) -> int:
    """Seconds to wait after the latest failure, given the failures within the window."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY))


def _wait(pair: list[datetime], address: list[datetime], now: datetime) -> float:
    waits = [0.0]
    if pair:
        waits.append((pair[0] + timedelta(seconds=delay_after(len(pair))) - now).total_seconds())
    if len(address) >= ADDRESS_FAILURES:
        waits.append((address[ADDRESS_FAILURES - 1] + WINDOW - now).total_seconds())
    return max(waits)


async def _refuse_when_limited(session: AsyncSession, keys: tuple[str, str]) -> None:
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
    recent: dict[str, list[datetime]] = {key: [] for key in keys}
    for key, attempted_at in (await session.execute(stmt)).all():
        recent[key].append(attempted_at)
    wait = _wait(recent[keys[0]], recent[keys[1]], now)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise TooManyRequests(
            ngettext(
                "Too many failed sign-ins; try again in %(n)s second.",
                "Too many failed sign-ins; try again in %(n)s seconds.",
                retry_after,
            )
            % {"n": retry_after},
            code="too_many_login_attempts",
            retry_after=retry_after,
        )


async def login(
    session: AsyncSession, email: str, password: str, *, address: str | None
) -> Account | None:
    """The enabled account matching `email` and `password`; None (failure recorded) when
    they do not match; 429 (TooManyRequests) while this address must wait."""
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
