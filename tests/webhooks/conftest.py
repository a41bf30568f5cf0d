"""A committed scratch database for the delivery tests: workers use their own connections."""

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from schema import WebhookDelivery
from service import migrate
from service.actor import SYSTEM
from service.db import make_sessionmaker
from service.webhooks import service
from service.webhooks.payloads import EndpointCreate
from tests.dbutil import scratch_database

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="package")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "webhooks") as url:
        migrate.upgrade(url)
        yield url


async def clear(maker: Maker) -> None:
    """Remove every endpoint and event (deliveries go with them)."""
    async with maker() as session, session.begin():
        await session.execute(sa.text("DELETE FROM webhook_endpoint"))
        await session.execute(sa.text("DELETE FROM webhook_event"))


@pytest.fixture
async def maker(committed_url: str) -> AsyncIterator[Maker]:
    """Sessions on the scratch database; the webhook tables are emptied before and after."""
    engine = create_async_engine(committed_url, pool_size=5, max_overflow=5)
    sessions = make_sessionmaker(engine)
    await clear(sessions)
    try:
        yield sessions
    finally:
        await clear(sessions)
        await engine.dispose()


async def endpoint(maker: Maker, url: str, types: list[str] | None = None) -> tuple[int, str]:
    """A committed endpoint: its id and secret."""
    data = EndpointCreate(url=url, event_types=types or ["initiative.created"])  # type: ignore[arg-type]
    async with maker() as session, session.begin():
        created = await service.create_endpoint(session, SYSTEM, data)
        assert created.id is not None
        return created.id, created.secret


async def queue_test_events(maker: Maker, endpoint_id: int, count: int = 1) -> list[int]:
    """Commit `count` test events to the endpoint; their delivery ids."""
    async with maker() as session, session.begin():
        return [
            (await service.send_test_event(session, SYSTEM, endpoint_id)).id for _ in range(count)
        ]


async def delivery(maker: Maker, delivery_id: int) -> WebhookDelivery:
    async with maker() as session:
        found = await session.get(WebhookDelivery, delivery_id)
        assert found is not None
        return found


class Clock:
    """A settable clock for the worker."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
