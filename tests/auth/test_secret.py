"""The installation's secret: generated once per installation and kept in its database,
SECRET_KEY refused when guessable, and `rotate-secret` ending every session."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from typer.testing import CliRunner

from schema import AccountSession, InstallationSecret
from service import migrate
from service.auth import secret, sessions
from service.cli import app as cli
from service.config import Settings, get_settings
from service.main import create_app
from tests.dbutil import scratch_database
from tests.factories import make_account

EMAIL = "owner@example.com"


@pytest.fixture
def installation(database_url: str) -> Iterator[str]:
    """A migrated database of its own, as a new installation has."""
    with scratch_database(database_url, "install") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def other_installation(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "install") as url:
        migrate.upgrade(url)
        yield url


@asynccontextmanager
async def _serving(url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The application started on `url` without SECRET_KEY (a client of it)."""
    engine = create_async_engine(url)
    application = create_app(Settings(database_url=None, secret_key=None), engine=engine)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
    finally:
        await engine.dispose()


async def _with_owner(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            await make_account(session, "cdo_office", email=EMAIL, with_password=True)
            await session.commit()
    finally:
        await engine.dispose()


async def _sign_in(http: httpx.AsyncClient) -> tuple[str, str]:
    body = {"email": EMAIL, "password": "correct-horse-1"}
    response = await http.post("/api/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    return response.cookies[sessions.SESSION_COOKIE], response.json()["csrf_token"]


async def _status(http: httpx.AsyncClient, cookie: str, csrf: str | None = None) -> int:
    """What a cookie (and CSRF token) gets: the account, or a write when `csrf` is given."""
    http.cookies.set(sessions.SESSION_COOKIE, cookie)
    if csrf is None:
        return (await http.get("/api/v1/auth/me")).status_code
    body = {"code": "ops", "name": "Operations"}
    response = await http.post("/api/v1/departments", json=body, headers={"X-CSRF-Token": csrf})
    return response.status_code


async def test_two_installations_do_not_accept_each_others_sessions(
    installation: str, other_installation: str
) -> None:
    await _with_owner(installation)
    await _with_owner(other_installation)  # same email, same account id
    async with _serving(installation) as first, _serving(other_installation) as second:
        cookie, csrf = await _sign_in(first)
        other_cookie, _ = await _sign_in(second)
        assert await _status(second, cookie) == 401
        assert await _status(second, other_cookie, csrf) == 403  # CSRF of another key
    async with _serving(installation) as restarted:  # a restart keeps the key
        assert await _status(restarted, cookie) == 200
        assert await _status(restarted, cookie, csrf) == 201


async def test_the_stored_key_is_made_once_with_256_random_bits(installation: str) -> None:
    engine = create_async_engine(installation)
    try:
        async with AsyncSession(engine) as session:
            first = await secret.stored_key(session)
            await session.commit()
        async with AsyncSession(engine) as session:
            assert await secret.stored_key(session) == first
            assert await session.scalar(select(func.count()).select_from(InstallationSecret)) == 1
    finally:
        await engine.dispose()
    assert len(first) == 43  # 32 bytes, URL-safe base64


def test_a_configured_key_is_used_as_is() -> None:
    key = "k" * 32
    assert secret.configured_key(Settings(secret_key=f" {key} ")) == key
    assert secret.configured_key(Settings(secret_key="")) is None  # compose's empty value


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "change-me-in-production",
            "SECRET_KEY is the public placeholder 'change-me-in-production', which anyone can"
            " sign sessions with. Unset it (the installation then keeps its own key in the"
            " database) or set at least 32 random characters.",
        ),
        (
            "hunter2-but-longer",
            "SECRET_KEY has 18 characters; it needs at least 32. Unset it (the installation"
            " then keeps its own key in the database) or set e.g. the output of:"
            " python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        ),
    ],
)
def test_a_guessable_key_is_refused_at_start(key: str, message: str) -> None:
    with pytest.raises(secret.InsecureSecret) as refused:
        create_app(Settings(database_url=None, secret_key=key))
    assert str(refused.value) == message
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve"], env={"SECRET_KEY": key})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == message
    assert "Traceback" not in result.output
    if key != secret.PLACEHOLDER:
        assert key not in result.output


def test_rotate_secret_ends_every_session(installation: str) -> None:
    asyncio.run(_with_owner(installation))

    async def signed_in() -> tuple[str, str | None]:
        async with _serving(installation) as http:
            cookie, _ = await _sign_in(http)
            assert await _status(http, cookie) == 200
            return cookie, await _key(installation)

    cookie, key = asyncio.run(signed_in())
    get_settings.cache_clear()
    try:
        env = {"DATABASE_URL": installation, "SECRET_KEY": ""}
        result = CliRunner().invoke(cli, ["rotate-secret"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "New secret key stored; 1 session(s) ended." in result.output

    async def after() -> None:
        async with _serving(installation) as http:
            assert await _status(http, cookie) == 401
        assert await _key(installation) not in (None, key)
        assert await _count(installation) == 0

    asyncio.run(after())


async def _key(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            return await session.scalar(select(InstallationSecret.key))
    finally:
        await engine.dispose()


async def _count(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session:
            return int(await session.scalar(select(func.count()).select_from(AccountSession)) or 0)
    finally:
        await engine.dispose()
