"""Sessions are rows: signing out, a new password, disabling and "sign out everywhere"
end them at once; idle and absolute lifetimes end them too."""

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AccountSession
from service.auth import sessions
from tests.auth.helpers import bearer, signed_in
from tests.conftest import QueryCounter
from tests.factories import make_account, make_token

NEW_PASSWORD = "a-new-and-long-password-7"


def _client(app: Any, cookie: str) -> httpx.AsyncClient:
    """Another browser, holding `cookie`."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    http = httpx.AsyncClient(transport=transport, base_url="http://test")
    http.cookies.set(sessions.SESSION_COOKIE, cookie)
    return http


async def _me(http: httpx.AsyncClient) -> tuple[int, str | None]:
    response = await http.get("/api/v1/auth/me")
    return response.status_code, response.json().get("code")


async def _sessions_of(session: AsyncSession, account_id: int) -> int:
    stmt = select(func.count()).select_from(AccountSession)
    return int(await session.scalar(stmt.where(AccountSession.account_id == account_id)) or 0)


async def test_the_cookie_names_a_row_holding_only_its_hash(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    body = {"email": account.email, "password": "correct-horse-1"}
    assert (await anon.post("/api/v1/auth/login", json=body)).status_code == 200
    cookie = anon.cookies[sessions.SESSION_COOKIE]
    row = await session.scalar(select(AccountSession))
    assert row is not None and row.account_id == account.id
    assert len(cookie) == 43  # 256 random bits
    assert cookie not in row.token_hash and len(row.token_hash) == 64


async def test_a_signed_out_cookie_is_refused(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    body = {"email": account.email, "password": "correct-horse-1"}
    assert (await anon.post("/api/v1/auth/login", json=body)).status_code == 200
    cookie = anon.cookies[sessions.SESSION_COOKIE]
    assert (await anon.post("/api/v1/auth/logout")).status_code == 204
    anon.cookies.set(sessions.SESSION_COOKIE, cookie)  # replayed by whoever copied it
    assert await _me(anon) == (401, "session_expired")


async def test_forged_cookies_are_refused(anon: httpx.AsyncClient) -> None:
    for value in ("garbage", "forged.value", "x" * 43):
        anon.cookies.set(sessions.SESSION_COOKIE, value)
        assert await _me(anon) == (401, "session_expired")


async def test_a_new_password_ends_every_session(secured_app: Any, session: AsyncSession) -> None:
    cdo = await make_account(session, "cdo_office")
    account = await make_account(session, "viewer", with_password=True)
    account_id, cdo_token = account.id, await make_token(session, cdo)
    cookie, _ = await signed_in(session, secured_app, account_id)
    async with _client(secured_app, cookie) as browser:
        assert (await _me(browser))[0] == 200
        async with _client(secured_app, "") as admin:
            changed = await admin.patch(
                f"/api/v1/accounts/{account_id}",
                json={"password": NEW_PASSWORD},
                headers=bearer(cdo_token) | {"If-Match": '"1"'},
            )
        assert changed.status_code == 200, changed.text
        assert await _me(browser) == (401, "session_expired")
    assert await _sessions_of(session, account_id) == 0


async def test_disabling_an_account_ends_its_sessions(
    secured_app: Any, session: AsyncSession
) -> None:
    cdo = await make_account(session, "cdo_office")
    account = await make_account(session, "viewer")
    account_id, cdo_token = account.id, await make_token(session, cdo)
    cookie, _ = await signed_in(session, secured_app, account_id)
    async with _client(secured_app, cookie) as browser, _client(secured_app, "") as admin:
        assert (await _me(browser))[0] == 200
        disabled = await admin.patch(
            f"/api/v1/accounts/{account_id}",
            json={"is_disabled": True},
            headers=bearer(cdo_token) | {"If-Match": '"1"'},
        )
        assert disabled.status_code == 200, disabled.text
        assert await _me(browser) == (401, "session_expired")
    assert await _sessions_of(session, account_id) == 0


async def test_a_disabled_account_with_a_session_left_is_refused(
    secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", is_disabled=True)
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        assert await _me(browser) == (401, "account_disabled")


async def test_sign_out_everywhere_ends_every_browser_but_not_the_tokens(
    secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    other = await make_account(session, "viewer")
    account_id, token = account.id, await make_token(session, account)
    laptop, csrf = await signed_in(session, secured_app, account_id)
    phone, _ = await signed_in(session, secured_app, account_id)
    bystander, _ = await signed_in(session, secured_app, other.id)
    await session.commit()  # released, not committed: the refused request rolls back alone
    async with _client(secured_app, laptop) as first, _client(secured_app, phone) as second:
        refused = await first.delete("/api/v1/auth/sessions")
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
        ended = await first.delete("/api/v1/auth/sessions", headers={"X-CSRF-Token": csrf})
        assert ended.status_code == 204
        assert await _me(first) == (401, "session_expired")
        assert await _me(second) == (401, "session_expired")
    async with _client(secured_app, bystander) as third:
        assert (await _me(third))[0] == 200
    async with _client(secured_app, "") as script:
        me = await script.get("/api/v1/auth/me", headers=bearer(token))
        assert (me.status_code, me.json()["id"]) == (200, account_id)


async def _age(session: AsyncSession, **ago: timedelta) -> None:
    """Move every session's timestamps `ago` into the past (the clock, without sleeping)."""
    values = {column: func.now() - delta for column, delta in ago.items()}
    await session.execute(update(AccountSession).values(**values))


async def test_an_idle_session_ends_after_the_idle_timeout(
    secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        await _age(session, last_seen_at=timedelta(minutes=119))
        assert (await _me(browser))[0] == 200  # and marks the session seen now
        await _age(session, last_seen_at=timedelta(minutes=120))
        assert await _me(browser) == (401, "session_expired")


async def test_using_a_session_keeps_it_alive(secured_app: Any, session: AsyncSession) -> None:
    account = await make_account(session, "viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        await _age(session, last_seen_at=timedelta(minutes=119))
        assert (await _me(browser))[0] == 200
        fresh = await session.scalar(
            select(func.now() - AccountSession.last_seen_at)  # type: ignore[operator]
        )
        assert fresh == timedelta(0)


async def test_a_session_ends_at_its_absolute_lifetime_even_in_use(
    secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        await _age(session, created_at=timedelta(hours=11, minutes=59))
        assert (await _me(browser))[0] == 200
        await _age(session, created_at=timedelta(hours=12))
        assert await _me(browser) == (401, "session_expired")


async def test_lifetimes_are_settings(secured_app: Any, session: AsyncSession) -> None:
    secured_app.state.settings.session_idle_minutes = 5
    secured_app.state.settings.session_max_hours = 1
    account = await make_account(session, "viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        await _age(session, last_seen_at=timedelta(minutes=5))
        assert await _me(browser) == (401, "session_expired")
        await _age(session, last_seen_at=timedelta(0), created_at=timedelta(hours=1))
        assert await _me(browser) == (401, "session_expired")


async def test_reading_costs_no_write_until_a_minute_has_passed(
    secured_app: Any, session: AsyncSession, queries: QueryCounter
) -> None:
    account = await make_account(session, "viewer")
    cookie, _ = await signed_in(session, secured_app, account.id)
    async with _client(secured_app, cookie) as browser:
        queries.reset()
        assert (await _me(browser))[0] == 200
        assert not [s for s in queries.statements if s.lstrip().startswith("UPDATE")]
        assert len(queries.statements) == 1  # the session joined with its account
        await _age(session, last_seen_at=timedelta(seconds=61))
        queries.reset()
        assert (await _me(browser))[0] == 200
        assert [s.split()[1] for s in queries.statements if s.startswith("UPDATE")] == [
            "account_session"
        ]


async def test_signing_in_forgets_the_accounts_dead_sessions(
    anon: httpx.AsyncClient, secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    account_id, email = account.id, account.email
    await signed_in(session, secured_app, account_id)
    await _age(session, last_seen_at=timedelta(hours=3))
    body = {"email": email, "password": "correct-horse-1"}
    assert (await anon.post("/api/v1/auth/login", json=body)).status_code == 200
    assert await _sessions_of(session, account_id) == 1


async def test_a_bi_reader_changes_its_own_language_and_nothing_else_with_its_csrf_token(
    secured_app: Any, session: AsyncSession
) -> None:
    account = await make_account(session, "bi_reader")
    email = account.email
    cookie, csrf = await signed_in(session, secured_app, account.id)
    await session.commit()  # released, not committed: the refused requests roll back alone
    async with _client(secured_app, cookie) as browser:
        refused = await browser.patch("/api/v1/auth/me", json={"locale": "fr"})
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
        changed = await browser.patch(
            "/api/v1/auth/me", json={"locale": "fr"}, headers={"X-CSRF-Token": csrf}
        )
        assert (changed.status_code, changed.json()["locale"]) == (200, "fr")
        other = await browser.post(
            "/api/v1/auth/tokens", json={"name": "mine"}, headers={"X-CSRF-Token": csrf}
        )
        assert (other.status_code, other.json()["code"]) == (403, "forbidden")
        # In the account's language from the change on.
        assert other.json()["detail"] == f"{email} (bi_reader) est en lecture seule."
