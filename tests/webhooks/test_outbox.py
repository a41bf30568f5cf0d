"""The outbox: every audited change an active endpoint subscribes to becomes one event and
one delivery per subscribed endpoint, in the write's own transaction; nothing otherwise."""

import re
from datetime import UTC, date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, WebhookDelivery, WebhookEndpoint, WebhookEvent
from schema.webhook import WebhookEventType
from service.actor import SYSTEM, Actor, Role
from service.decisions import service as decisions_service
from service.decisions.payloads import DecisionIn
from service.initiatives import checkins
from service.initiatives import service as initiatives_service
from service.initiatives.payloads import CheckInCreate, InitiativeCreate, InitiativeUpdate
from service.kpis import measurements
from service.kpis.payloads import MeasurementCreate
from tests.factories import make_account, make_department, make_initiative, make_kpi, make_person
from tests.transfer.helpers import FILES, run, zipped

ALL_TYPES = [t.value for t in WebhookEventType]


async def subscribe(
    session: AsyncSession, types: list[str] | None = None, *, active: bool = True
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        url="http://127.0.0.1:9/hook",
        event_types=types or ALL_TYPES,
        secret="whsec_" + "A" * 44,
        active=active,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint


async def events(session: AsyncSession) -> list[WebhookEvent]:
    rows = await session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id))  # type: ignore[arg-type]
    return list(rows.all())


async def deliveries(session: AsyncSession) -> list[tuple[int, int, str, int]]:
    rows = await session.execute(
        sa.select(
            WebhookDelivery.endpoint_id,  # type: ignore[arg-type]
            WebhookDelivery.event_id,  # type: ignore[arg-type]
            WebhookDelivery.status,  # type: ignore[arg-type]
            WebhookDelivery.attempts,  # type: ignore[arg-type]
        ).order_by(WebhookDelivery.id)  # type: ignore[arg-type]
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def new_events(session: AsyncSession, since: int) -> list[WebhookEvent]:
    return [e for e in await events(session) if e.id is not None and e.id > since]


async def last_event_id(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.coalesce(sa.func.max(WebhookEvent.id), 0))))  # type: ignore[arg-type]


async def proposal(session: AsyncSession) -> Any:
    department = await make_department(session)
    owner = await make_person(session, department_id=department.id)
    data = InitiativeCreate(
        code=f"INI-W{department.id}",
        title="Supplier portal",
        department_id=department.id,
        owner_id=owner.id,
        orientation="internal",
        user_need="Buyers re-key orders.",
    )
    return await initiatives_service.create_initiative(session, SYSTEM, data)


class TestNobodyListens:
    async def test_a_write_with_no_endpoint_writes_no_event(self, session: AsyncSession) -> None:
        before = await last_event_id(session)
        await proposal(session)
        assert await new_events(session, before) == []

    async def test_an_inactive_endpoint_gets_nothing(self, session: AsyncSession) -> None:
        await subscribe(session, active=False)
        before = await last_event_id(session)
        await proposal(session)
        assert await new_events(session, before) == []

    async def test_an_endpoint_gets_only_its_types(self, session: AsyncSession) -> None:
        await subscribe(session, ["checkin.recorded"])
        before = await last_event_id(session)
        await proposal(session)
        assert await new_events(session, before) == []


class TestEvents:
    async def test_creation_is_one_event_with_one_delivery_per_endpoint(
        self, session: AsyncSession
    ) -> None:
        first = await subscribe(session, ["initiative.created"])
        second = await subscribe(session, ["initiative.created", "initiative.deleted"])
        await subscribe(session, ["initiative.deleted"])
        before = await last_event_id(session)
        row = await proposal(session)
        [event] = await new_events(session, before)
        audit = await session.scalar(
            sa.select(AuditEvent).where(AuditEvent.id == event.audit_event_id)  # type: ignore[arg-type]
        )
        assert audit is not None and (audit.action, audit.entity_id) == ("create", row.id)
        assert event.event_type == "initiative.created"
        stamp = audit.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert (event.payload["type"], event.payload["timestamp"]) == ("initiative.created", stamp)
        data = event.payload["data"]
        assert {k: data[k] for k in ("id", "code", "title", "status", "orientation")} == {
            "id": row.id,
            "code": row.code,
            "title": "Supplier portal",
            "status": "proposed",
            "orientation": "internal",
        }
        assert data["client_share"] == "0"  # as the audit trail recorded it
        assert "previous" not in data
        mine = [d for d in await deliveries(session) if d[1] == event.id]
        assert mine == [(first.id, event.id, "pending", 0), (second.id, event.id, "pending", 0)]

    async def test_update_carries_changed_values_and_previous(self, session: AsyncSession) -> None:
        row = await proposal(session)
        await subscribe(session)
        before = await last_event_id(session)
        change = InitiativeUpdate(title="Supplier self-service portal")
        await initiatives_service.update_initiative(session, SYSTEM, row.id, change)
        [event] = await new_events(session, before)
        assert event.event_type == "initiative.updated"
        assert event.payload["data"] == {
            "id": row.id,
            "code": row.code,
            "title": "Supplier self-service portal",
            "version": 2,
            "previous": {"title": "Supplier portal", "version": 1},
        }

    async def test_status_change_is_its_own_event(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session, status="in_progress")
        await subscribe(session)
        before = await last_event_id(session)
        change = InitiativeUpdate(status="on_hold")
        await initiatives_service.update_initiative(session, SYSTEM, initiative.id, change)
        [event] = await new_events(session, before)
        assert (event.event_type, event.payload["data"]) == (
            "initiative.status_changed",
            {
                "id": initiative.id,
                "code": initiative.code,
                "status": "on_hold",
                "version": 2,
                "previous": {"status": "in_progress", "version": 1},
            },
        )

    async def test_deletion_carries_the_values_deleted(self, session: AsyncSession) -> None:
        row = await proposal(session)
        await subscribe(session)
        before = await last_event_id(session)
        await initiatives_service.delete_initiative(session, SYSTEM, row.id)
        [event] = await new_events(session, before)
        assert event.event_type == "initiative.deleted"
        data = event.payload["data"]
        assert (data["id"], data["code"], data["title"]) == (row.id, row.code, "Supplier portal")

    async def test_checkin(self, session: AsyncSession) -> None:
        initiative = await make_initiative(session)
        await subscribe(session, ["checkin.recorded"])
        before = await last_event_id(session)
        data = CheckInCreate(
            reported_on=date(2026, 11, 2),
            percent_complete=40,
            health="amber",
            summary="Pilot slipped a week.",
            spent_to_date=Decimal("120.50"),
        )
        checkin = await checkins.create_checkin(session, SYSTEM, initiative.id, data)
        [event] = await new_events(session, before)
        assert event.event_type == "checkin.recorded"
        got = event.payload["data"]
        assert {
            k: got[k]
            for k in (
                "id",
                "initiative_id",
                "initiative_code",
                "reported_on",
                "health",
                "percent_complete",
                "spent_to_date",
                "summary",
            )
        } == {
            "id": checkin.id,
            "initiative_id": initiative.id,
            "initiative_code": initiative.code,
            "reported_on": "2026-11-02",
            "health": "amber",
            "percent_complete": 40,
            "spent_to_date": "120.50",
            "summary": "Pilot slipped a week.",
        }

    async def test_measurements_one_and_many(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        await subscribe(session, ["measurement.recorded"])
        before = await last_event_id(session)
        one = MeasurementCreate(measured_on=date(2026, 1, 5), value=Decimal("12.5"))
        written, _ = await measurements.record_measurement(session, SYSTEM, kpi.id, one)
        many = [
            MeasurementCreate(measured_on=date(2026, 2, 5), value=Decimal("13")),
            MeasurementCreate(measured_on=date(2026, 3, 5), value=Decimal("14")),
        ]
        await measurements.record_measurements(session, SYSTEM, kpi.id, many)
        single, bulk = await new_events(session, before)
        assert [single.event_type, bulk.event_type] == ["measurement.recorded"] * 2
        got = single.payload["data"]
        assert (got["id"], got["kpi_id"], got["kpi_code"], got["measured_on"], got["value"]) == (
            written.id,
            kpi.id,
            kpi.code,
            "2026-01-05",
            "12.5000",
        )
        assert bulk.payload["data"] == {
            "kpi_id": kpi.id,
            "kpi_code": kpi.code,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "written": {"2026-02-05": "13.0000", "2026-03-05": "14.0000"},
        }

    async def test_change_request_requested_then_decided(self, session: AsyncSession) -> None:
        department = await make_department(session)
        initiative = await make_initiative(session, department_id=department.id)
        account = await make_account(session, "department_head", department_id=department.id)
        head = Actor(account_id=account.id, role=Role.department_head, department_id=department.id)
        await subscribe(session, ["change_request.requested", "change_request.decided"])
        before = await last_event_id(session)
        change = InitiativeUpdate(orientation="client_facing")
        edit = await initiatives_service.edit_initiative(session, head, initiative.id, change)
        assert edit.change_request is not None
        decision = DecisionIn(decision="reject", comment="Not this quarter.")
        await decisions_service.decide_change_request(
            session, SYSTEM, edit.change_request.id, decision
        )
        requested, decided = await new_events(session, before)
        assert [requested.event_type, decided.event_type] == [
            "change_request.requested",
            "change_request.decided",
        ]
        got = decided.payload["data"]
        assert (got["id"], got["status"], got["comment"], got["initiative_code"]) == (
            edit.change_request.id,
            "rejected",
            "Not this quarter.",
            initiative.code,
        )
        assert got["previous"]["status"] == "pending"


class TestRollback:
    async def test_a_write_rolled_back_leaves_no_event(self, session: AsyncSession) -> None:
        await subscribe(session)
        before = await last_event_id(session)
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                await proposal(session)
                assert len(await new_events(session, before)) == 1  # written, not committed
                raise RuntimeError("the request fails after its write")
        assert await new_events(session, before) == []
        assert [d for d in await deliveries(session) if d[1] > before] == []

    async def test_a_refused_request_leaves_no_event(
        self, session: AsyncSession, client: Any
    ) -> None:
        """The approval gate refuses after the initiative's row and audit event are written:
        the request answers 422 and its event goes with the rollback."""
        await subscribe(session)
        department = await make_department(session)
        owner = await make_person(session, department_id=department.id)
        before = await last_event_id(session)
        body = {
            "code": "INI-GATE",
            "title": "Chatbot",
            "department_id": department.id,
            "owner_id": owner.id,
            "orientation": "client_facing",
            "status": "approved",
        }
        answer = await client.post("/api/v1/initiatives", json=body)
        assert answer.status_code in (409, 422), answer.text
        assert await new_events(session, before) == []


async def test_every_event_type_is_one_the_outbox_writes(session: AsyncSession) -> None:
    """The types endpoints subscribe to are exactly those the trigger's mapping produces."""
    source = await session.scalar(
        sa.text("SELECT prosrc FROM pg_proc WHERE proname = 'webhook_event_type'")
    )
    assert source is not None
    produced = set(re.findall(r"THEN '([a-z_]+\.[a-z_]+)'", source))
    assert produced == set(ALL_TYPES)


async def test_a_withdrawn_change_request(session: AsyncSession) -> None:
    department = await make_department(session)
    initiative = await make_initiative(session, department_id=department.id)
    account = await make_account(session, "department_head", department_id=department.id)
    head = Actor(account_id=account.id, role=Role.department_head, department_id=department.id)
    change = InitiativeUpdate(orientation="client_facing")
    edit = await initiatives_service.edit_initiative(session, head, initiative.id, change)
    assert edit.change_request is not None
    await subscribe(session, ["change_request.withdrawn"])
    before = await last_event_id(session)
    await decisions_service.withdraw_change_request(session, head, edit.change_request.id)
    [event] = await new_events(session, before)
    assert (event.event_type, event.payload["data"]["status"]) == (
        "change_request.withdrawn",
        "withdrawn",
    )


async def test_an_import_writes_the_events_of_its_rows(session: AsyncSession) -> None:
    """Imports write their rows and audit events in set-based SQL, not through the services:
    the outbox sees them all the same."""
    await subscribe(session, ["initiative.created", "checkin.recorded", "measurement.recorded"])
    before = await last_event_id(session)
    await run(session, zipped(FILES), "portfolio.zip")
    found = sorted(
        (e.event_type, e.payload["data"].get("code") or e.payload["data"].get("initiative_code"))
        for e in await new_events(session, before)
    )
    assert found == [
        ("checkin.recorded", "INI-1"),
        ("initiative.created", "INI-1"),
        ("initiative.created", "INI-2"),
        ("measurement.recorded", None),
    ]
