"""Sign-in: the session cookie, CSRF on cookie writes, and the rate limit in PostgreSQL."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import LoginAttempt
from service.auth import sessions
from service.config import Settings
from tests.factories import make_account


async def _login(http: httpx.AsyncClient, email: str, password: str = "password-1") -> Any:
    return await http.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_login_sets_an_httponly_lax_cookie(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    response = await _login(anon, account.email.upper())
    assert response.status_code == 200
    assert response.json()["account"]["email"] == account.email
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    me = await anon.get("/api/v1/auth/me")
    assert (me.status_code, me.json()["id"]) == (200, account.id)


async def test_wrong_password_is_401_and_counted(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    response = await _login(anon, account.email, "wrong-password")
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
    count = await session.scalar(select(func.count()).select_from(LoginAttempt))
    assert count == 2  # one for the account, one for the client address


async def test_disabled_and_passwordless_accounts_cannot_sign_in(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    disabled = await make_account(session, "viewer", with_password=True, is_disabled=True)
    service_account = await make_account(session, "bi_reader")
    assert (await _login(anon, disabled.email)).status_code == 401
    assert (await _login(anon, service_account.email, "anything")).status_code == 401


async def test_five_failures_block_the_account_for_fifteen_minutes(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    for _ in range(5):
        assert (await _login(anon, account.email, "wrong")).status_code == 401
    blocked = await _login(anon, account.email)  # even the right password
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_login_attempts"
    assert 890 <= int(blocked.headers["retry-after"]) <= 900
    assert blocked.json()["retry_after"] == int(blocked.headers["retry-after"])


async def test_the_address_limit_spans_accounts(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    for n in range(5):
        assert (await _login(anon, f"nobody{n}@example.com", "guess")).status_code == 401
    account = await make_account(session, "viewer", with_password=True)
    assert (await _login(anon, account.email)).status_code == 429


async def test_success_clears_the_account_failures(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    for _ in range(3):
        await _login(anon, account.email, "wrong")
    assert (await _login(anon, account.email)).status_code == 200
    keys = (await session.scalars(select(LoginAttempt.key))).all()
    assert set(keys) == {"address:127.0.0.1"}


async def test_cookie_writes_need_the_csrf_token(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "cdo_office", with_password=True)
    csrf = (await _login(anon, account.email)).json()["csrf_token"]
    body = {"code": "csrf", "name": "CSRF"}
    refused = await anon.post("/api/v1/departments", json=body)
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    wrong = await anon.post("/api/v1/departments", json=body, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    accepted = await anon.post("/api/v1/departments", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


async def test_forged_or_expired_cookie_is_401(
    anon: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    account = await make_account(session, "cdo_office")
    good = sessions.issue_session(account.id, settings.secret_key)
    forged = sessions.issue_session(account.id, "another-key")
    expired = sessions.issue_session(account.id, settings.secret_key, max_age=-1)
    for value, status in ((good, 200), (forged, 401), (expired, 401), ("garbage", 401)):
        anon.cookies.set(sessions.SESSION_COOKIE, value)
        assert (await anon.get("/api/v1/auth/me")).status_code == status


async def test_disabling_an_account_ends_its_sessions(
    anon: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    account = await make_account(session, "cdo_office")
    anon.cookies.set(
        sessions.SESSION_COOKIE, sessions.issue_session(account.id, settings.secret_key)
    )
    assert (await anon.get("/api/v1/auth/me")).status_code == 200
    account.is_disabled = True
    await session.flush()
    response = await anon.get("/api/v1/auth/me")
    assert (response.status_code, response.json()["code"]) == (401, "account_disabled")


async def test_logout_clears_the_cookie(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    account = await make_account(session, "viewer", with_password=True)
    await _login(anon, account.email)
    response = await anon.post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert (await anon.get("/api/v1/auth/me")).status_code == 401


def test_csrf_tokens_are_bound_to_their_session() -> None:
    token = sessions.csrf_token("session-a", "key")
    assert sessions.verify_csrf("session-a", token, "key")
    assert not sessions.verify_csrf("session-b", token, "key")
    assert not sessions.verify_csrf("session-a", token, "other-key")
    assert not sessions.verify_csrf(None, token, "key")
