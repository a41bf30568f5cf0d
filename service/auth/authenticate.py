"""Credentials to Actor: an API token or a session cookie."""

from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor
from service.auth import sessions, tokens
from service.auth.accounts import actor_for
from service.config import Settings
from service.errors import Unauthorized


async def actor_from_token(
    session: AsyncSession, token: str, *, request_id: str | None = None
) -> Actor:
    """The actor behind a bearer token; 401 when unknown, revoked, expired or disabled."""
    account = await tokens.account_for_token(session, token)
    return actor_for(account, request_id)


async def actor_from_cookie(
    session: AsyncSession, cookie: str, settings: Settings, *, request_id: str | None = None
) -> Actor:
    """The actor behind a session cookie; 401 when ended, idle too long, too old or disabled."""
    account = await sessions.account_for_session(session, cookie, settings)
    if account is None:
        raise Unauthorized("The session has ended; sign in again.", code="session_expired")
    if account.is_disabled:
        raise Unauthorized("The account is disabled.", code="account_disabled")
    return actor_for(account, request_id)
