"""Browser tests: real headless Chromium against the app served by uvicorn on a free port,
on a scratch database holding the demo company, its demo accounts and a snapshot history.

Chromium is the system package (/usr/bin/chromium), never a downloaded build. Without it
these tests skip locally and fail in CI (CI=true), where .ci/run installs it.
"""

import asyncio
import contextlib
import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service import migrate
from service.actor import SYSTEM, Role
from service.auth.demo_accounts import DemoLogin, ensure_demo_accounts
from service.config import Settings
from service.demo.loader import load_company
from service.main import create_app
from service.portfolio import snapshots
from tests.dbutil import scratch_database

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class LiveSite:
    """The served app's address and the demo logins."""

    url: str
    logins: list[DemoLogin]

    def login(self, role: Role, department: str | None = None) -> DemoLogin:
        """The demo login of `role` (of `department` for a department head)."""
        return next(
            x
            for x in self.logins
            if x.role is role and (department is None or x.department == department)
        )


async def _seed(url: str) -> list[DemoLogin]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            await load_company(session)
            logins = await ensure_demo_accounts(session)
            await snapshots.backfill_snapshots(session, SYSTEM)
            await snapshots.take_snapshot(session, SYSTEM)
        return logins
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _serving(url: str) -> Iterator[str]:
    settings = Settings(database_url=url, db_pool_size=4)
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the browser-test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; a skip locally, a failure in CI, when it is missing."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if found is None:
        message = f"Chromium not found at {CHROMIUM} (Debian package `chromium`)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " CI must install it (.ci/run does).")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
async def site(database_url: str, chromium_path: str) -> AsyncIterator[LiveSite]:
    with scratch_database(database_url, prefix="browser") as url:
        await asyncio.to_thread(migrate.upgrade, url)
        logins = await _seed(url)
        with _serving(url) as base:
            yield LiveSite(base, logins)


@pytest.fixture(scope="session")
async def chromium(chromium_path: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium: Any, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A fresh browser tab (own cookies) that fails the test on any JavaScript error."""
    context = await chromium.new_context(viewport=VIEWPORT)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    await context.close()
    assert errors == [], f"JavaScript errors in {request.node.name}: {errors}"


async def sign_in(page: Any, site: LiveSite, login: DemoLogin) -> None:
    """Sign in through the form, as a person would."""
    await page.goto(f"{site.url}/login")
    await page.get_by_label("Email").fill(login.email)
    await page.get_by_label("Password").fill(login.secret)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{site.url}/")


async def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path
