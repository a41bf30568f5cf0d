"""REST: GET /api/v1/initiatives (filters, pages, latest check-in, statement count)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative, ProgressUpdate
from tests.conftest import QueryCounter
from tests.factories import make_department, make_initiative, make_person, make_update
from tests.initiatives.helpers import API, problem

# --- latest check-in figures ----------------------------------------------------------


async def test_latest_checkin_is_by_reported_on_then_id(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    await make_update(
        session,
        initiative,
        reported_on=date(2026, 10, 15),
        percent_complete=40,
        health="amber",
        spent_to_date=Decimal("900.00"),
    )
    await make_update(session, initiative, reported_on=date(2026, 10, 1), health="red")
    await make_update(session, initiative, reported_on=date(2026, 10, 15), percent_complete=45)
    body = (await client.get(f"{API}/{initiative.id}")).json()
    latest = {k: body[k] for k in ("health", "percent_complete", "spent_to_date", "last_update_on")}
    assert latest == {
        "health": "green",
        "percent_complete": 45,
        "spent_to_date": "10.00",
        "last_update_on": "2026-10-15",
    }
    listed = (await client.get(API)).json()["items"]
    assert [{k: item[k] for k in latest} for item in listed] == [latest]


async def test_list_mixes_initiatives_with_and_without_checkins(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    quiet = await make_initiative(session)
    busy = await make_initiative(session)
    await make_update(session, busy, percent_complete=70, health="red")
    items = (await client.get(API)).json()["items"]
    assert [(i["id"], i["health"], i["percent_complete"]) for i in items] == [
        (quiet.id, None, None),
        (busy.id, "red", 70),
    ]


# --- list -----------------------------------------------------------------------------


async def ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await client.get(API, params=params)
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


async def test_list_filters(client: httpx.AsyncClient, session: AsyncSession) -> None:
    owner = await make_person(session)
    sponsor = await make_person(session)
    hr = await make_department(session)
    a = await make_initiative(
        session,
        code="INI-100",
        title="Internal mobility portal",
        department_id=hr.id,
        status="proposed",
        origin="efficiency",
    )
    b = await make_initiative(
        session,
        code="CX-7",
        title="Self-service returns",
        orientation="client_facing",
        owner_id=owner.id,
        sponsor_id=sponsor.id,
        is_experiment=True,
    )
    c = await make_initiative(
        session, code="INI-300", title="Budget tool 100%", orientation="hybrid", status="on_hold"
    )
    assert await ids(client, department_id=hr.id) == [a.id]
    assert await ids(client, status=["proposed", "on_hold"]) == [a.id, c.id]
    assert await ids(client, status="in_progress") == [b.id]
    assert await ids(client, orientation="client_facing") == [b.id]
    assert await ids(client, origin="efficiency") == [a.id]
    assert await ids(client, owner_id=owner.id) == [b.id]
    assert await ids(client, sponsor_id=sponsor.id) == [b.id]
    assert await ids(client, is_experiment="true") == [b.id]
    assert await ids(client, is_experiment="false") == [a.id, c.id]
    assert await ids(client, q="ini-") == [a.id, c.id]
    assert await ids(client, q="RETURNS") == [b.id]
    assert await ids(client, q="100%") == [c.id]
    assert await ids(client, q="_") == []
    assert await ids(client, q="INI", status="proposed") == [a.id]


async def test_list_updated_since_counts_new_checkins(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    since = datetime(2026, 6, 1, tzinfo=UTC)
    changed = await make_initiative(session, updated_at=datetime(2026, 7, 1, tzinfo=UTC))
    unchanged = await make_initiative(session, updated_at=old)
    checked_in = await make_initiative(session, updated_at=old)
    backdated = await make_initiative(session, updated_at=old)
    await make_update(session, unchanged, created_at=old)
    await make_update(session, checked_in, created_at=datetime(2026, 6, 2, tzinfo=UTC))
    # A late but back-dated check-in counts too (the same meaning on every surface).
    await make_update(session, backdated, reported_on=date(2026, 11, 1), created_at=old)
    await make_update(
        session,
        backdated,
        reported_on=date(2026, 1, 1),
        created_at=datetime(2026, 6, 2, tzinfo=UTC),
    )
    assert await ids(client, updated_since=since.isoformat()) == [
        changed.id,
        checked_in.id,
        backdated.id,
    ]
    assert len(await ids(client)) == 4
    assert unchanged.id


async def test_list_pages_without_skipping(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    made = [(await make_initiative(session)).id for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(API, params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "garbage!"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"status": "started"}, "status.0"),
        ({"orientation": "up"}, "orientation"),
        ({"department_id": "hr"}, "department_id"),
        ({"updated_since": "yesterday"}, "updated_since"),
    ],
)
async def test_list_bad_params_are_422(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    assert problem(await client.get(API, params=params))[::2] == (422, field)


async def bulk_initiatives(session: AsyncSession, count: int) -> list[int]:
    """Insert `count` initiatives (two check-ins each) in three statements."""
    department = await make_department(session)
    owner = await make_person(session, department_id=department.id)
    table: Any = Initiative.__table__  # type: ignore[attr-defined]
    rows = [
        {
            "code": f"BULK-{n}",
            "title": f"Bulk {n}",
            "department_id": department.id,
            "owner_id": owner.id,
            "orientation": "internal",
            "client_share": Decimal("0"),
            "status": "in_progress",
            "origin": "efficiency",
            "budget_planned": Decimal("10.00"),
        }
        for n in range(count)
    ]
    made = list((await session.scalars(sa.insert(table).returning(table.c.id), rows)).all())
    updates = [
        {
            "initiative_id": initiative_id,
            "reported_on": date(2026, 10, day),
            "percent_complete": day,
            "health": "green",
            "spent_to_date": Decimal("1.00"),
            "summary": "Steady.",
        }
        for initiative_id in made
        for day in (1, 2)
    ]
    await session.execute(sa.insert(ProgressUpdate.__table__), updates)  # type: ignore[attr-defined]
    return made


async def test_list_runs_the_same_statements_for_any_page_size(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    made = await bulk_initiatives(session, 1005)
    counts = {}
    for limit in (10, 1000):
        queries.reset()
        page = (await client.get(API, params={"limit": limit})).json()
        counts[limit] = queries.count
        assert len(page["items"]) == limit
        assert page["items"][-1]["id"] == made[limit - 1]
        assert {item["percent_complete"] for item in page["items"]} == {2}
    assert counts == {10: 1, 1000: 1}
