"""`updated_since` means the same on every surface: the row, or a figure shown on it,
changed at or after the instant (inclusive)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schema import KpiMeasurement
from tests.factories import (
    make_department,
    make_initiative,
    make_kpi,
    make_person,
    make_update,
)
from tests.listing.surfaces import export_codes, graphql_codes, rest_codes

SINCE = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BEFORE = SINCE - timedelta(microseconds=1)
OLD = datetime(2026, 1, 1, tzinfo=UTC)


async def _codes_everywhere(client: httpx.AsyncClient, **filters: object) -> list[list[str]]:
    return [
        sorted(await rest_codes(client, **filters)),
        sorted(await graphql_codes(client, **filters)),
        sorted(await export_codes(client, **filters)),
    ]


async def test_the_back_dated_check_in_of_the_issue_counts_on_every_surface(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_initiative(session, code="INI-0001", updated_at=OLD)
    backdated = await make_initiative(session, code="INI-0003", updated_at=OLD)
    await make_update(session, backdated, reported_on=date(2026, 5, 1), created_at=OLD)
    # Recorded after `since`, but reported on an earlier day than the latest check-in.
    await make_update(
        session,
        backdated,
        reported_on=date(2026, 4, 1),
        created_at=datetime(2026, 6, 2, tzinfo=UTC),
    )
    since = SINCE.isoformat()
    assert await _codes_everywhere(client, updated_since=since) == [["INI-0003"]] * 3


async def test_a_change_at_exactly_the_instant_is_included_on_every_surface(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_initiative(session, code="INI-A", updated_at=SINCE)
    await make_initiative(session, code="INI-B", updated_at=BEFORE)
    checked_in = await make_initiative(session, code="INI-C", updated_at=OLD)
    await make_update(session, checked_in, created_at=SINCE)
    late = await make_initiative(session, code="INI-D", updated_at=OLD)
    await make_update(session, late, created_at=BEFORE)
    since = SINCE.isoformat()
    assert await _codes_everywhere(client, updated_since=since) == [["INI-A", "INI-C"]] * 3


async def _rest_ids(client: httpx.AsyncClient, path: str) -> list[int]:
    response = await client.get(path, params={"updated_since": SINCE.isoformat(), "limit": 100})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _graphql_ids(client: httpx.AsyncClient, field: str, arguments: str = "") -> list[int]:
    query = (
        "query($since: DateTime) { "
        f"{field}(first: 100, updatedSince: $since{arguments}) {{ nodes {{ databaseId }} }} }}"
    )
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"since": SINCE.isoformat()}}
    )
    body = response.json()
    assert "errors" not in body, body
    return [node["databaseId"] for node in body["data"][field]["nodes"]]


async def test_departments_and_people_changed_at_the_instant_are_included(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    at = await make_department(session, updated_at=SINCE)
    await make_department(session, updated_at=BEFORE)
    person = await make_person(session, department_id=at.id, updated_at=SINCE)
    await make_person(session, department_id=at.id, updated_at=BEFORE)
    assert await _rest_ids(client, "/api/v1/departments") == [at.id]
    assert await _graphql_ids(client, "departments") == [at.id]
    assert await _rest_ids(client, "/api/v1/people") == [person.id]
    assert await _graphql_ids(client, "people") == [person.id]


async def test_a_kpi_counts_as_changed_when_a_measurement_is_written(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    edited = await make_kpi(session, updated_at=SINCE)
    measured = await make_kpi(session, updated_at=OLD)
    quiet = await make_kpi(session, updated_at=OLD)
    for kpi, written in ((measured, SINCE), (quiet, BEFORE)):
        session.add(
            KpiMeasurement(
                kpi_id=kpi.id, measured_on=date(2026, 3, 1), value=Decimal("12"), updated_at=written
            )
        )
    await session.flush()
    assert await _rest_ids(client, "/api/v1/kpis") == [edited.id, measured.id]
    assert await _graphql_ids(client, "kpis") == [edited.id, measured.id]
    assert await _rest_ids(client, f"/api/v1/kpis/{measured.id}/measurements") != []
    assert await _rest_ids(client, f"/api/v1/kpis/{quiet.id}/measurements") == []
    measurements = await _graphql_ids(client, "kpiMeasurements")
    assert len(measurements) == 1


async def test_check_ins_recorded_at_the_instant_are_included(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    at = await make_update(session, initiative, created_at=SINCE)
    await make_update(session, initiative, created_at=BEFORE)
    assert await _rest_ids(client, f"/api/v1/initiatives/{initiative.id}/updates") == [at.id]
    assert await _graphql_ids(client, "progressUpdates") == [at.id]
