"""Credentials to Actor: an API token or a session cookie, held a few seconds in `cache`."""

import dataclasses

from sqlalchemy.ext.asyncio import AsyncSession

from service import i18n
from service.actor import Actor
from service.auth import sessions, tokens
from service.auth.accounts import actor_for
from service.auth.credential_cache import CredentialCache
from service.config import Settings
from service.errors import Unauthorized
from service.i18n import gettext as _
from service.observability import logs


def signed_in(actor: Actor) -> Actor:
    """The request acts as `actor` from here on: logged, and answered in its language."""
    logs.note_actor(actor)
    i18n.activate(actor.locale)
    return actor


def _held(cache: CredentialCache | None, key: str, request_id: str | None) -> Actor | None:
    actor = cache.get(key) if cache is not None else None
    return None if actor is None else signed_in(dataclasses.replace(actor, request_id=request_id))


def held_token(cache: CredentialCache, token: str, request_id: str | None) -> Actor | None:
    """The actor of a bearer token this process holds now (signed in), else None: the
    caller then asks `actor_from_token`."""
    return _held(cache, _key("t:", token), request_id)


def _key(kind: str, credential: str) -> str:
    return kind + tokens.hash_token(credential)  # the cache never holds a credential itself


async def actor_from_token(
    session: AsyncSession,
    token: str,
    *,
    request_id: str | None = None,
    cache: CredentialCache | None = None,
) -> Actor:
    """The actor behind a bearer token; 401 when unknown, revoked, expired or disabled."""
    key = _key("t:", token)
    if (held := _held(cache, key, request_id)) is not None:
        return held
    generation = cache.generation() if cache is not None else 0
    account, holds = await tokens.token_grant(session, token)
    actor = signed_in(actor_for(account, request_id))
    if cache is not None:
        cache.put(key, actor, holds.total_seconds(), generation)
    return actor


async def actor_from_cookie(
    session: AsyncSession,
    cookie: str,
    settings: Settings,
    *,
    request_id: str | None = None,
    cache: CredentialCache | None = None,
) -> Actor:
    """The actor behind a session cookie; 401 when ended, idle too long, too old or disabled."""
    key = _key("s:", cookie)
    if (held := _held(cache, key, request_id)) is not None:
        return held
    generation = cache.generation() if cache is not None else 0
    grant = await sessions.session_grant(session, cookie, settings)
    if grant is None:
        raise Unauthorized(_("The session has ended; sign in again."), code="session_expired")
    account, holds = grant
    if account.is_disabled:
        raise Unauthorized(_("The account is disabled."), code="account_disabled")
    actor = signed_in(actor_for(account, request_id))
    if cache is not None:
        cache.put(key, actor, holds.total_seconds(), generation)
    return actor
