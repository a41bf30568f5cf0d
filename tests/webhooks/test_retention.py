"""The webhook log is kept WEBHOOK_LOG_RETENTION_DAYS: finished events past it go with their
deliveries, batch by batch; an event with a pending delivery is never removed."""

import asyncio
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from schema import AuditEvent
from service import migrate
from service.actor import SYSTEM
from service.cli import app
from service.config import Settings, get_settings
from service.webhooks import commands, retention
from tests.dbutil import scratch_database
from tests.webhooks.conftest import Maker

ENDPOINT = (
    "INSERT INTO webhook_endpoint (url, description, event_types, secret, active)"
    " VALUES ('http://127.0.0.1:9/hook', '', ARRAY['initiative.created'], 'whsec_x', true)"
    " RETURNING id"
)
EVENT = (
    "INSERT INTO webhook_event (event_type, payload, occurred_at)"
    " VALUES ('webhook.test', '{}', now() - CAST(:age AS interval)) RETURNING id"
)
DELIVERY = "INSERT INTO webhook_delivery (endpoint_id, event_id, status) VALUES (:e, :v, :s)"


async def _endpoint(session: Any) -> int:
    return int((await session.execute(sa.text(ENDPOINT))).scalar_one())


async def _event(session: Any, endpoint_id: int, age: str, *statuses: str) -> int:
    """An event `age` old (a PostgreSQL interval) with one delivery per status."""
    event_id = int((await session.execute(sa.text(EVENT), {"age": age})).scalar_one())
    for status in statuses:
        await session.execute(sa.text(DELIVERY), {"e": endpoint_id, "v": event_id, "s": status})
    return event_id


async def _left(session: Any) -> tuple[list[int], list[tuple[int, str]]]:
    events = await session.execute(sa.text("SELECT id FROM webhook_event ORDER BY id"))
    deliveries = await session.execute(
        sa.text("SELECT event_id, status FROM webhook_delivery ORDER BY id")
    )
    return [row[0] for row in events], [tuple(row) for row in deliveries]


async def _last_audit(session: Any) -> int:
    return int(
        (
            await session.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_event"))
        ).scalar_one()
    )


async def _purges(session: Any, since: int = 0) -> list[dict[str, Any] | None]:
    """The purges audited after the audit event `since` (the trail is append-only)."""
    stmt = sa.select(AuditEvent.after).where(  # type: ignore[call-overload]
        AuditEvent.action == "purge",
        AuditEvent.entity_type == "webhook_event",
        AuditEvent.id > since,
    )
    return list((await session.scalars(stmt.order_by(AuditEvent.id))).all())


class TestPurgeBatch:
    async def test_finished_events_past_the_retention_go_with_their_deliveries(
        self, session: AsyncSession
    ) -> None:
        hook = await _endpoint(session)
        await _event(session, hook, "31 days", "delivered", "failed")
        half = await _event(session, hook, "31 days", "delivered", "pending")
        waiting = await _event(session, hook, "400 days", "pending")
        recent = await _event(session, hook, "29 days", "delivered")
        await _event(session, hook, "31 days")  # its endpoint was deleted: no delivery left
        boundary = await _event(session, hook, "30 days", "failed")
        await _event(session, hook, "30 days 1 second", "failed")

        since = await _last_audit(session)
        removed = await retention.purge_batch(session, SYSTEM, 30)

        assert removed == 3
        events, deliveries = await _left(session)
        assert events == [half, waiting, recent, boundary]
        assert deliveries == [
            (half, "delivered"),
            (half, "pending"),
            (waiting, "pending"),
            (recent, "delivered"),
            (boundary, "failed"),
        ]
        assert await _purges(session, since) == [{"removed": 3, "retention_days": 30}]

    async def test_one_batch_removes_the_oldest_first(self, session: AsyncSession) -> None:
        hook = await _endpoint(session)
        ages = ["35 days", "33 days", "37 days", "34 days", "36 days"]
        ids = [await _event(session, hook, age, "delivered") for age in ages]

        assert await retention.purge_batch(session, SYSTEM, 30, limit=2) == 2

        assert (await _left(session))[0] == [ids[0], ids[1], ids[3]]

    async def test_nothing_to_remove_writes_no_audit(self, session: AsyncSession) -> None:
        since = await _last_audit(session)
        hook = await _endpoint(session)
        kept = await _event(session, hook, "23 hours", "delivered")

        assert await retention.purge_batch(session, SYSTEM, 1) == 0

        assert (await _left(session))[0] == [kept]
        assert await _purges(session, since) == []


async def test_the_command_purges_every_batch_in_its_own_transaction(
    maker: Maker, committed_url: str
) -> None:
    async with maker() as session, session.begin():
        since = await _last_audit(session)
        hook = await _endpoint(session)
        for _ in range(5):
            await _event(session, hook, "8 days", "failed")
        pending = await _event(session, hook, "8 days", "delivered", "pending")
    settings = Settings(database_url=None, webhook_log_retention_days=7)

    assert await commands.purge_expired(committed_url, settings, batch=2) == 5

    async with maker() as session:
        assert (await _left(session))[0] == [pending]
        assert await _purges(session, since) == [
            {"removed": 2, "retention_days": 7},
            {"removed": 2, "retention_days": 7},
            {"removed": 1, "retention_days": 7},
        ]


async def test_a_replay_committed_during_the_purge_keeps_its_event(maker: Maker) -> None:
    async with maker() as session, session.begin():
        event = await _event(session, await _endpoint(session), "40 days", "failed")
    async with maker() as replay, maker() as purge:
        await replay.begin()
        await replay.execute(
            sa.text("UPDATE webhook_delivery SET status = 'pending' WHERE event_id = :v"),
            {"v": event},
        )
        await purge.begin()
        purging = asyncio.create_task(retention.purge_batch(purge, SYSTEM, 30))
        await asyncio.sleep(0.3)  # the purge now waits for the replay's row lock
        await replay.commit()
        assert await purging == 0
        await purge.commit()
    async with maker() as session:
        assert await _left(session) == ([event], [(event, "pending")])


def test_the_daily_snapshot_purges_the_webhook_log(database_url: str) -> None:
    with scratch_database(database_url, "webhook_retention") as url:
        migrate.upgrade(url)
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as db:
            db.execute(ENDPOINT)
            db.execute(
                "INSERT INTO webhook_event (event_type, payload, occurred_at) VALUES"
                " ('webhook.test', '{}', now() - interval '8 days'),"
                " ('webhook.test', '{}', now() - interval '8 days'),"
                " ('webhook.test', '{}', now() - interval '6 days')"
            )
        get_settings.cache_clear()
        try:
            env = {"DATABASE_URL": url, "WEBHOOK_LOG_RETENTION_DAYS": "7"}
            result = CliRunner().invoke(app, ["snapshot"], env=env)
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert "webhook events purged: 2 (kept 7 days)" in result.output
        with psycopg.connect(libpq) as db:
            assert db.execute("SELECT count(*) FROM webhook_event").fetchone() == (1,)


def test_the_retention_is_30_days_by_default_and_at_least_one() -> None:
    assert Settings(database_url=None).webhook_log_retention_days == 30
    with pytest.raises(ValidationError, match="webhook_log_retention_days"):
        Settings(database_url=None, webhook_log_retention_days=0)
