"""The audit trail: what `record` stores, and that the database keeps it append-only."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent
from service import audit
from service.actor import Actor, Role
from service.audit import service
from service.errors import Forbidden
from tests.factories import make_account

ACTOR = Actor(None, Role.cdo_office, request_id="req-1", label="someone@example.com")


def test_jsonable_keeps_money_exact_and_dates_readable() -> None:
    value = {
        "budget": Decimal("1234.50"),
        "on": date(2026, 3, 1),
        "at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "role": Role.viewer,
        "ids": (1, 2),
    }
    assert audit.jsonable(value) == {
        "budget": "1234.50",
        "on": "2026-03-01",
        "at": "2026-03-01T09:30:00+00:00",
        "role": "viewer",
        "ids": [1, 2],
    }


def test_changes_split_before_and_after_without_secrets() -> None:
    changed = {"name": ("Old", "New"), "password_hash": ("x", "y"), "budget": (Decimal(1), None)}
    assert audit.changes(changed) == (
        {"name": "Old", "budget": "1"},
        {"name": "New", "budget": None},
    )


async def test_record_appends_in_the_callers_transaction(session: AsyncSession) -> None:
    account = await make_account(session, "cdo_office")
    actor = Actor(account.id, Role.cdo_office, request_id="req-9", label=account.email)
    await audit.record(
        session,
        actor,
        "update",
        "initiative",
        7,
        {"title": "A"},
        {"title": "B"},
        parent=("department", 3),
    )
    event = await session.scalar(select(AuditEvent).where(AuditEvent.entity_id == 7))
    assert event is not None
    assert (event.actor_account_id, event.actor_label, event.action) == (
        account.id,
        account.email,
        "update",
    )
    assert (event.entity_type, event.parent_type, event.parent_id) == (
        "initiative",
        "department",
        3,
    )
    assert (event.before, event.after, event.request_id) == (
        {"title": "A"},
        {"title": "B"},
        "req-9",
    )
    assert event.occurred_at is not None


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event", "TRUNCATE audit_event"],
)
async def test_the_database_refuses_to_alter_the_trail(
    session: AsyncSession, statement: str
) -> None:
    await audit.record(session, ACTOR, "create", "department", 1, after={"code": "hr"})
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
    count = await session.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'create'"))
    assert count == 1


async def test_list_filters_and_pages(session: AsyncSession) -> None:
    for entity_id in (1, 2, 1):
        await audit.record(session, ACTOR, "update", "kpi", entity_id)
    await audit.record(session, ACTOR, "update", "person", 1)
    rows = await service.list_events(session, ACTOR, limit=10, entity_type="kpi", entity_id=1)
    assert [(r.entity_type, r.entity_id) for r in rows] == [("kpi", 1), ("kpi", 1)]
    first = await service.list_events(session, ACTOR, limit=1, entity_type="kpi")
    assert len(first) == 2  # one extra row: there is a next page


async def test_only_the_cdo_office_lists_the_trail(session: AsyncSession) -> None:
    with pytest.raises(Forbidden):
        await service.list_events(session, Actor(1, Role.viewer), limit=10)


async def test_history_includes_the_parts(session: AsyncSession) -> None:
    await audit.record(session, ACTOR, "create", "initiative", 5)
    await audit.record(session, ACTOR, "create", "progress_update", 80, parent=("initiative", 5))
    await audit.record(session, ACTOR, "create", "initiative", 6)
    rows = await service.history(session, "initiative", 5, limit=10, cursor=None)
    assert [(r.entity_type, r.entity_id) for r in rows] == [
        ("initiative", 5),
        ("progress_update", 80),
    ]
