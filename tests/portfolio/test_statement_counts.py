"""Each endpoint runs the same number of SQL statements with 5 and with 50 initiatives."""

from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_department,
    make_initiative,
    make_kpi,
    make_measurement,
    make_person,
    make_update,
)

ORIENTATIONS = ("client_facing", "internal", "hybrid")
STATUSES = ("approved", "in_progress", "on_hold", "done", "proposed")


async def populate(session: AsyncSession, n: int) -> int:
    """`n` initiatives of every kind, owned along a reporting chain; returns the chain's head."""
    departments = [await make_department(session) for _ in range(3)]
    head = await make_person(session, department_id=departments[0].id)
    manager = head
    kpi = await make_kpi(session, department_ids=[d.id for d in departments[:2]])
    await make_measurement(session, kpi, date(2026, 1, 1), "5")
    previous = None
    for i in range(n):
        if i % 5 == 0:
            manager = await make_person(
                session, department_id=departments[0].id, manager_id=manager.id
            )
        initiative = await make_initiative(
            session,
            department_id=departments[i % 3].id,
            owner_id=manager.id,
            orientation=ORIENTATIONS[i % 3],
            status=STATUSES[i % 5],
            origin="technology" if i % 4 == 0 else "user_need",
            user_need="" if i % 6 == 0 else "A need.",
        )
        await make_update(session, initiative, reported_on=date(2026, 1, 1) + timedelta(days=i))
        if i % 2:
            await link_kpi(session, initiative, kpi)
        if previous is not None:
            await link_initiatives(session, previous, initiative)
        previous = initiative
    return head.id


async def counts_for(client: httpx.AsyncClient, queries: QueryCounter, head: int) -> list[int]:
    requests = [
        ("GET", "/api/v1/portfolio/balance", {}),
        ("GET", "/api/v1/portfolio/balance", {"weight": "spent", "owner_line": head}),
        ("GET", "/api/v1/portfolio/flags", {}),
        ("GET", "/api/v1/portfolio/flags", {"owner_line": head, "limit": 3}),
        ("GET", "/api/v1/portfolio/alignment", {}),
        ("GET", f"/api/v1/people/{head}/portfolio", {"limit": 10}),
        ("GET", "/api/v1/settings/portfolio", {}),
        ("POST", "/api/v1/portfolio/snapshots", {}),
        ("GET", "/api/v1/portfolio/snapshots", {}),
    ]
    counts = []
    for method, url, params in requests:
        queries.reset()
        response = await client.request(method, url, params=params)
        assert response.status_code in (200, 201), (url, response.text)
        counts.append(queries.count)
    return counts


async def test_statement_counts_do_not_grow(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    small = await counts_for(client, queries, await populate(session, 5))
    large = await counts_for(client, queries, await populate(session, 50))
    assert small == large
    assert small == [1, 2, 2, 3, 1, 5, 1, 7, 1]
