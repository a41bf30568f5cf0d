"""Engine, sessions and the request-scoped transaction."""

from collections.abc import AsyncIterator

from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from service.config import Settings


def make_engine(url: str, settings: Settings) -> AsyncEngine:
    """An async engine (psycopg 3) with a bounded pool."""
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )


def make_read_pool(url: URL, settings: Settings) -> AsyncConnectionPool:
    """Autocommit connections for single read statements (opened by the caller): one
    round trip each, no transaction around it. A connection found broken is dropped."""
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return AsyncConnectionPool(
        conninfo,
        min_size=1,
        max_size=settings.db_pool_size,
        kwargs={"autocommit": True, "application_name": "cdo-portfolio reads"},
        open=False,
        name="reads",
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def session_scope(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the caller finishes, roll back on any error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
