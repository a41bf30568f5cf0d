"""A person signs in through the provider in the system Chromium: app -> provider login
and consent -> callback -> signed in with the role their group maps to."""

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from service import migrate
from service.main import create_app
from tests.browser.conftest import CHROMIUM_ARGS, VIEWPORT, chromium_path, screenshot
from tests.dbutil import scratch_database
from tests.sso.conftest import USERS, OpenIdProvider, sso_settings

__all__ = ["chromium_path"]  # the fixture, shared with the browser tests


@contextlib.contextmanager
def _serving(app: Any, provider: OpenIdProvider) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    sockets = [provider.live_socket]
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the single sign-on test server did not start")
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
async def live(database_url: str, openid_provider: OpenIdProvider) -> AsyncIterator[str]:
    """The app served on the provider's registered live callback port, on a scratch database
    holding the HR department; yields the database URL."""
    with scratch_database(database_url, prefix="sso") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.begin() as connection:
            await connection.execute(
                sa.text("INSERT INTO department (code, name) VALUES ('hr', 'HR')")
            )
        await engine.dispose()
        app = create_app(sso_settings(openid_provider, database_url=url, db_pool_size=2))
        with _serving(app, openid_provider):
            yield url


@pytest.fixture
async def tab(chromium_path: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        context = await browser.new_context(viewport=VIEWPORT)
        yield await context.new_page()
        await browser.close()


async def _through_provider(tab: Any, base: str, login: str) -> None:
    await tab.goto(f"{base}/login?next=/initiatives")
    await screenshot(tab, "sso-sign-in")
    await tab.get_by_role("link", name="Sign in with Example ID").click()
    await tab.locator('input[name="login"]').fill(login)
    await tab.locator('input[name="password"]').fill("any password")
    await tab.get_by_role("button", name="Sign-in").click()
    await tab.get_by_role("button", name="Continue").click()


async def _roles(url: str) -> list[tuple[str, str, str | None]]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            stmt = sa.text(
                "SELECT a.email, a.role, d.code FROM account a"
                " LEFT JOIN department d ON d.id = a.department_id ORDER BY a.email"
            )
            return [tuple(row) for row in (await connection.execute(stmt)).all()]  # type: ignore[misc]
    finally:
        await engine.dispose()


async def test_a_department_head_signs_in_through_the_provider(
    tab: Any, live: str, openid_provider: OpenIdProvider
) -> None:
    base = openid_provider.live_url
    await _through_provider(tab, base, "hana")
    await tab.wait_for_url(f"{base}/initiatives")
    assert await tab.locator(".who").inner_text() == USERS["hana"]["email"]
    assert await tab.locator(".role").inner_text() == "Department head"
    assert (USERS["hana"]["email"], "department_head", "hr") in await _roles(live)


async def test_an_unmapped_person_sees_why_and_gets_no_account(
    tab: Any, live: str, openid_provider: OpenIdProvider
) -> None:
    base = openid_provider.live_url
    await _through_provider(tab, base, "mallory")
    await tab.wait_for_url(f"{base}/auth/oidc/callback?*")
    assert await tab.get_by_role("heading").first.inner_text() == "Sign-in refused"
    assert "not in a group that may use this portfolio" in await tab.content()
    await screenshot(tab, "sso-refused")
    assert [row for row in await _roles(live) if row[0] == USERS["mallory"]["email"]] == []
