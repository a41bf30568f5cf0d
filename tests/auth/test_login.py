"""Sign-in: the session cookie, CSRF on cookie writes, and the delays kept in PostgreSQL."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from schema import LoginAttempt
from service.auth import login, proxies, sessions
from service.cli import app as cli
from service.config import get_settings
from tests.dbutil import scratch_database
from tests.factories import make_account


async def _login(
    http: httpx.AsyncClient,
    email: str,
    password: str = "correct-horse-1",
    headers: dict[str, str] | None = None,
) -> Any:
    body = {"email": email, "password": password}
    return await http.post("/api/v1/auth/login", json=body, headers=headers)


def _client(app: Any, address: str) -> httpx.AsyncClient:
    """A client of `app` connecting from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


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


async def test_five_failures_slow_this_account_from_this_address(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    for _ in range(5):
        assert (await _login(anon, account.email, "wrong")).status_code == 401
    paused = await _login(anon, account.email)  # even the right password waits
    assert paused.status_code == 429
    assert paused.json()["code"] == "too_many_login_attempts"
    assert paused.json()["detail"] == "Too many failed sign-ins; try again in 1 second."
    assert (paused.headers["retry-after"], paused.json()["retry_after"]) == ("1", 1)


async def test_the_delay_doubles_with_each_failure_up_to_five_minutes(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    key = f"account:{account.email}|address:127.0.0.1"
    session.add_all([LoginAttempt(key=key) for _ in range(8)])
    await session.flush()
    assert (await _login(anon, account.email)).headers["retry-after"] == "8"
    assert [login.delay_after(n) for n in (4, 5, 6, 7, 13, 14, 40)] == [0, 1, 2, 4, 256, 300, 300]


async def test_the_pause_ends_once_the_delay_has_passed(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = (await make_account(session, "viewer", with_password=True)).email
    for _ in range(6):
        await _login(anon, email, "wrong")  # 5 failures, then one refused
    await session.execute(
        update(LoginAttempt).values(attempted_at=func.now() - timedelta(seconds=2))
    )
    assert (await _login(anon, email)).status_code == 200


async def test_the_address_limit_spans_accounts(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    session.add_all([LoginAttempt(key="address:127.0.0.1") for _ in range(30)])
    await session.flush()
    account = await make_account(session, "viewer", with_password=True)
    paused = await _login(anon, account.email)
    assert (paused.status_code, paused.headers["retry-after"]) == (429, "900")


async def test_a_stranger_elsewhere_cannot_lock_the_owner_out(
    secured_app: Any, session: AsyncSession
) -> None:
    email = (await make_account(session, "viewer", with_password=True)).email
    async with _client(secured_app, "203.0.113.9") as attacker:
        for _ in range(7):
            await _login(attacker, email, "guess")
        assert (await _login(attacker, email)).status_code == 429
    async with _client(secured_app, "198.51.100.4") as owner:
        assert (await _login(owner, email)).status_code == 200


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = (await make_account(session, "viewer", with_password=True)).email
    for n in range(5):
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert (await _login(anon, email, "guess", forged)).status_code == 401
    rotated = await _login(anon, email, headers={"X-Forwarded-For": "192.0.2.99"})
    assert rotated.status_code == 429
    keys = set((await session.scalars(select(LoginAttempt.key))).all())
    assert keys == {f"account:{email}|address:127.0.0.1", "address:127.0.0.1"}


async def test_a_trusted_proxy_forwards_the_client_address(
    anon: httpx.AsyncClient, secured_app: Any, session: AsyncSession
) -> None:
    secured_app.state.settings.trusted_proxies = "127.0.0.1"
    email = (await make_account(session, "viewer", with_password=True)).email
    attacker = {"X-Forwarded-For": "192.0.2.7"}
    for _ in range(5):
        assert (await _login(anon, email, "guess", attacker)).status_code == 401
    assert (await _login(anon, email, headers=attacker)).status_code == 429
    owner = {"X-Forwarded-For": "192.0.2.8, 127.0.0.1"}
    assert (await _login(anon, email, headers=owner)).status_code == 200
    keys = set((await session.scalars(select(LoginAttempt.key))).all())
    assert keys == {f"account:{email}|address:192.0.2.7", "address:192.0.2.7"}


async def test_success_clears_the_account_failures(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    account = await make_account(session, "viewer", with_password=True)
    for _ in range(3):
        await _login(anon, account.email, "wrong")
    assert (await _login(anon, account.email)).status_code == 200
    keys = (await session.scalars(select(LoginAttempt.key))).all()
    assert keys == ["address:127.0.0.1"] * 3


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
    assert sessions.csrf_token("session-a", None) == ""  # no key yet: no form can pass
    assert not sessions.verify_csrf("session-a", "", None)


@pytest.mark.parametrize(
    ("peer", "forwarded", "setting", "client"),
    [
        ("10.0.0.5", "192.0.2.1", "", "10.0.0.5"),
        ("10.0.0.5", "192.0.2.1", "10.0.0.0/8", "192.0.2.1"),
        ("10.0.0.5", "192.0.2.9, 192.0.2.1, 10.0.0.7", "10.0.0.0/8", "192.0.2.1"),
        ("10.0.0.5", "10.0.0.9, 10.0.0.7", "10.0.0.0/8", "10.0.0.9"),
        ("172.16.0.1", "192.0.2.1", "10.0.0.0/8", "172.16.0.1"),
        ("172.16.0.1", "192.0.2.1", "*", "192.0.2.1"),
        ("10.0.0.5", None, "10.0.0.0/8", "10.0.0.5"),
        (None, "192.0.2.1", "*", None),
    ],
)
def test_client_address(
    peer: str | None, forwarded: str | None, setting: str, client: str | None
) -> None:
    assert proxies.client_address_of(peer, forwarded, setting) == client


def test_a_malformed_trusted_proxy_is_named() -> None:
    with pytest.raises(proxies.InvalidProxySetting) as refused:
        proxies.trusted_networks("10.0.0.1, proxy.internal")
    assert str(refused.value) == (
        "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network (CIDR)."
    )


def _served_with(database_url: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    """The uvicorn options `cdo-portfolio serve` runs with, in the environment `env`."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    with scratch_database(database_url, "serve") as url:
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["serve"], env={"DATABASE_URL": url} | env)
        finally:
            get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    logging_options = ("log_level", "log_config", "access_log")
    return {k: v for k, v in seen.items() if k not in ("host", "port", *logging_options)}


@pytest.fixture
def default_serve(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    return _served_with(database_url, monkeypatch)


@pytest.fixture
def proxied_serve(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    return _served_with(database_url, monkeypatch, TRUSTED_PROXIES="10.0.0.0/8")


def _as_uvicorn_serves(app: Any, options: dict[str, Any], address: str) -> httpx.AsyncClient:
    """A client of `app` wrapped as uvicorn wraps it with `options`, from `address`."""
    config = uvicorn.Config(app, **options)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_serve_believes_no_forwarded_for_by_default(
    secured_app: Any, session: AsyncSession, default_serve: dict[str, Any]
) -> None:
    email = (await make_account(session, "viewer", with_password=True)).email
    async with _as_uvicorn_serves(secured_app, default_serve, "127.0.0.1") as local:
        for n in range(5):
            await _login(local, email, "guess", {"X-Forwarded-For": f"192.0.2.{n}"})
        rotated = await _login(local, email, headers={"X-Forwarded-For": "192.0.2.99"})
        assert rotated.status_code == 429
    addresses = set((await session.scalars(select(LoginAttempt.key))).all())
    assert addresses == {f"account:{email}|address:127.0.0.1", "address:127.0.0.1"}
    assert default_serve == {"proxy_headers": False, "forwarded_allow_ips": []}


async def test_serve_believes_the_trusted_proxies(
    secured_app: Any, session: AsyncSession, proxied_serve: dict[str, Any]
) -> None:
    options = proxied_serve
    assert options == {"proxy_headers": True, "forwarded_allow_ips": ["10.0.0.0/8"]}
    account = await make_account(session, "viewer", with_password=True)
    body = {"email": account.email, "password": "correct-horse-1"}
    async with _as_uvicorn_serves(secured_app, options, "10.1.2.3") as proxied:
        headers = {"X-Forwarded-For": "192.0.2.1", "X-Forwarded-Proto": "https"}
        response = await proxied.post("/api/v1/auth/login", json=body, headers=headers)
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]
