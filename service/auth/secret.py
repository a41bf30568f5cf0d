"""The installation's secret key: SECRET_KEY when set, else one generated and kept in the
database, so every process of one installation shares it and restarts keep it.

The key signs CSRF tokens and flash messages; sessions themselves are rows (see
`service.auth.sessions`), so ending them never depends on the key.
"""

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import InstallationSecret
from service.auth import sessions
from service.config import Settings
from service.db import make_engine, make_sessionmaker

PLACEHOLDER = "change-me-in-production"
MIN_LENGTH = 32


class InsecureSecret(ValueError):
    """SECRET_KEY is set to something that must not sign anything."""


def configured_key(settings: Settings) -> str | None:
    """SECRET_KEY as configured (None when unset or blank); InsecureSecret when unsafe.

    The message never repeats the key.
    """
    key = (settings.secret_key or "").strip()
    if not key:
        return None
    if key == PLACEHOLDER:
        raise InsecureSecret(
            f"SECRET_KEY is the public placeholder '{PLACEHOLDER}', which anyone can sign"
            " sessions with. Unset it (the installation then keeps its own key in the"
            f" database) or set at least {MIN_LENGTH} random characters."
        )
    if len(key) < MIN_LENGTH:
        raise InsecureSecret(
            f"SECRET_KEY has {len(key)} characters; it needs at least {MIN_LENGTH}."
            " Unset it (the installation then keeps its own key in the database) or set"
            " e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return key


def new_key() -> str:
    """256 random bits, URL-safe text."""
    return secrets.token_urlsafe(32)


async def stored_key(session: AsyncSession) -> str:
    """The key kept in the database, generated on first use (one row for every process)."""
    stmt = sa.select(col(InstallationSecret.key)).where(col(InstallationSecret.id) == 1)
    key = await session.scalar(stmt)
    if key is None:
        # Two processes starting together: one insert wins, both read the winner.
        await session.execute(
            insert(InstallationSecret).values(id=1, key=new_key()).on_conflict_do_nothing()
        )
        key = await session.scalar(stmt)
    assert key is not None
    return str(key)


async def replace_stored_key(session: AsyncSession) -> None:
    """Generate a new stored key (the caller ends every session in the same transaction)."""
    stmt = insert(InstallationSecret).values(id=1, key=new_key())
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[col(InstallationSecret.id)],
            set_={"key": stmt.excluded.key, "created_at": sa.func.now()},
        )
    )


async def installation_key(session: AsyncSession, settings: Settings) -> str:
    """SECRET_KEY when set, else the stored key."""
    return configured_key(settings) or await stored_key(session)


async def load_into(state: Any, session: AsyncSession) -> str:
    """The key of the application whose `state` this is, loaded once and kept there.

    `state.settings.secret_key` then holds it, for everything that signs or checks.
    """
    loaded: str | None = getattr(state, "secret_key_loaded", None)
    if loaded is not None:
        return loaded
    key = await installation_key(session, state.settings)
    state.settings = state.settings.model_copy(update={"secret_key": key})
    state.secret_key_loaded = key
    return key


async def rotate(url: str, settings: Settings) -> int:
    """Store a new key and end every session, in one committed transaction; sessions ended."""
    engine = make_engine(url, settings.model_copy(update={"db_pool_size": 1}))
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await replace_stored_key(session)
            return await sessions.end_every_session(session)
    finally:
        await engine.dispose()
