"""Helpers of the authentication tests."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.auth import secret, sessions


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of an API token."""
    return {"Authorization": f"Bearer {token}"}


async def signed_in(session: AsyncSession, app: Any, account_id: int) -> tuple[str, str]:
    """A new session of `account_id` on `app`: its cookie value and its CSRF token."""
    key = await secret.load_into(app.state, session)
    cookie = await sessions.start_session(session, account_id, app.state.settings)
    return cookie, sessions.csrf_token(cookie, key)
