"""One real PostgreSQL per test session, migrated once; every test rolls back."""

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from service import migrate
from service.actor import Actor, Role
from service.config import Settings
from service.deps import current_actor, get_session
from service.embedded_db import EmbeddedPostgres
from service.main import create_app


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Name the random order's seed (pytest-randomly), so a failing order can be replayed."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and getattr(config.option, "randomly_reorganize", True):
        terminalreporter.write_line(f"Random order: replay it with --randomly-seed={seed}")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """TEST_DATABASE_URL when set (e.g. a PostgreSQL 15), else a fresh embedded server."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        migrate.upgrade(external)
        yield external
        return
    folder = Path(tempfile.mkdtemp(prefix="cdo-test-"))
    server = EmbeddedPostgres(folder / "pgdata", cleanup="delete")
    try:
        server.start()
        # Tests create scratch databases beside this one: they connect as the superuser.
        url = server.admin_url()
        migrate.upgrade(url)
        yield url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=5, max_overflow=10)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None)


# The actor of the `app` fixture: the CDO office, which may do everything. Tests of
# authentication itself use `secured_app`, which keeps the real credential check.
TEST_ACTOR = Actor(account_id=None, role=Role.cdo_office, label="test")


@pytest.fixture
def app(secured_app: Any) -> Any:
    """The application acting as the CDO office (no credentials needed)."""
    secured_app.dependency_overrides[current_actor] = lambda: TEST_ACTOR
    return secured_app


@pytest.fixture
def secured_app(engine: AsyncEngine, session: AsyncSession, settings: Settings) -> Any:
    """The application with real authentication, its transaction nested in the test's."""
    application = create_app(settings, engine=engine)

    async def test_session() -> AsyncIterator[AsyncSession]:
        try:
            yield session
            await session.commit()  # releases the savepoint; the test still rolls back
        except BaseException:
            await session.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    return application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def anon(secured_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `secured_app` with no credentials; tests add a token or a cookie."""
    transport = httpx.ASGITransport(app=secured_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class QueryCounter:
    """Counts the SQL statements sent to the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    counter = QueryCounter()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", before)
