"""API tokens: random, shown once, stored as a SHA-256 with a visible prefix."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, ApiToken
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.errors import Unauthorized, ValidationFailed
from service.i18n import gettext as _

TOKEN_PREFIX = "cdo_"
VISIBLE_CHARS = 12  # "cdo_" and the first 8 random characters
# last_used_at is refreshed at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _public(token: ApiToken) -> dict[str, object]:
    return {
        "account_id": token.account_id,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
    }


async def create_token(
    session: AsyncSession,
    actor: Actor,
    account_id: int,
    *,
    name: str = "",
    expires_at: datetime | None = None,
    plaintext: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for an account (its own, or any for the CDO office); return it and the
    plaintext, which is never stored and cannot be shown again (`plaintext`: a given one)."""
    if actor.account_id != account_id:
        policy.require(actor, policy.Permission.manage_accounts)
    await crud.get_or_404(session, Account, account_id)
    if expires_at is not None:
        await _require_future(session, expires_at)
    plaintext = plaintext or new_token()
    token = ApiToken(
        account_id=account_id,
        name=name,
        prefix=plaintext[:VISIBLE_CHARS],
        token_hash=hash_token(plaintext),
        expires_at=expires_at,
    )
    session.add(token)
    await session.flush()
    await audit.record(session, actor, "create", "api_token", _id(token), after=_public(token))
    return token, plaintext


async def _require_future(session: AsyncSession, expires_at: datetime) -> None:
    """A token's expiry is in the future, as the database reads it (the way it stores it)."""
    given = sa.literal(expires_at, sa.DateTime(timezone=True))
    if await session.scalar(sa.select(given <= sa.func.now())):
        raise ValidationFailed(
            _(
                "expires_at: %(at)s is not in the future; a token must expire later than now,"
                " or be created without expiry."
            )
            % {"at": expires_at.isoformat()},
            code="expiry_in_past",
            field="expires_at",
        )


async def list_tokens(session: AsyncSession, account_id: int) -> Sequence[ApiToken]:
    """The tokens of an account, oldest first (never their secret)."""
    stmt = sa.select(ApiToken).where(col(ApiToken.account_id) == account_id)
    return (await session.scalars(stmt.order_by(col(ApiToken.id)))).all()


async def revoke_token(session: AsyncSession, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token (its owner, or the CDO office); revoking twice changes nothing."""
    token = await crud.get_or_404(session, ApiToken, token_id)
    if actor.account_id != token.account_id:
        policy.require(actor, policy.Permission.manage_accounts)
    if token.revoked_at is None:
        token.revoked_at = await session.scalar(sa.select(sa.func.now()))
        await session.flush()
        await audit.record(
            session,
            actor,
            "revoke",
            "api_token",
            token_id,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


async def account_for_token(session: AsyncSession, plaintext: str) -> Account:
    """The enabled account a valid token belongs to; 401 for any other token."""
    account, _ = await token_grant(session, plaintext)
    return account


async def token_grant(session: AsyncSession, plaintext: str) -> tuple[Account, timedelta]:
    """The enabled account a valid token belongs to, and how long that answer holds without
    asking again (until the token's next last-used mark or its expiry); 401 otherwise."""
    stmt = (
        sa.select(ApiToken, Account, sa.func.now())
        .join(Account, col(Account.id) == col(ApiToken.account_id))
        .where(col(ApiToken.token_hash) == hash_token(plaintext))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        raise Unauthorized(_("The API token is not valid."), code="invalid_token")
    token, account, now = row
    if token.revoked_at is not None:
        raise Unauthorized(_("The API token has been revoked."), code="token_revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthorized(_("The API token has expired."), code="token_expired")
    if account.is_disabled:
        raise Unauthorized(_("The account is disabled."), code="account_disabled")
    last_used = await _touch(session, token, now)
    holds = last_used + LAST_USED_RESOLUTION - now
    if token.expires_at is not None:
        holds = min(holds, token.expires_at - now)
    return account, holds


async def _touch(session: AsyncSession, token: ApiToken, now: datetime) -> datetime:
    """Mark the token used when the last mark is old; the mark it carries afterwards."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return token.last_used_at
    await session.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.id) == token.id)
        .values(last_used_at=sa.func.now())
        .execution_options(synchronize_session=False)
    )
    return now


def _id(row: ApiToken) -> int:
    assert row.id is not None
    return row.id
