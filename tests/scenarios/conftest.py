"""A hand-built portfolio the scenario tests move around.

marketing: A client-facing in progress (300), B internal in progress (100) enabling A.
it: C client-facing approved (200, on a KPI shared with marketing), D internal done (100)
enabling nothing, E internal proposed (50, on an IT-only KPI).
Active today: A, B, C — 600, of which 500 client-facing.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, Initiative, Kpi
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_department,
    make_initiative,
    make_kpi,
)


@dataclass
class Portfolio:
    marketing: Department
    it: Department
    a: Initiative
    b: Initiative
    c: Initiative
    d: Initiative
    e: Initiative
    shared: Kpi
    it_only: Kpi
    # Plain ids, readable after a failed request expired the rows.
    ids: dict[str, int]


@pytest.fixture
async def portfolio(session: AsyncSession) -> Portfolio:
    marketing = await make_department(session, code="marketing", name="Marketing")
    it = await make_department(session, code="it", name="IT")

    async def initiative(code: str, department: Department, **fields: object) -> Initiative:
        return await make_initiative(
            session,
            code=code,
            title=f"Initiative {code}",
            department_id=department.id,
            start_date=date(2026, 1, 1),
            **fields,
        )

    a = await initiative("INI-A", marketing, orientation="client_facing", budget_planned=300)
    b = await initiative("INI-B", marketing, orientation="internal", budget_planned=100)
    c = await initiative(
        "INI-C", it, orientation="client_facing", status="approved", budget_planned=200
    )
    d = await initiative("INI-D", it, orientation="internal", status="done", budget_planned=100)
    e = await initiative("INI-E", it, orientation="internal", status="proposed", budget_planned=50)
    await link_initiatives(session, b, a)
    shared = await make_kpi(session, code="KPI-SHARED", department_ids=[marketing.id, it.id])
    it_only = await make_kpi(session, code="KPI-IT", department_ids=[it.id])
    await link_kpi(session, c, shared)
    await link_kpi(session, e, it_only)
    for row in (a, b, c, d, e):
        await session.refresh(row)
    await session.commit()  # keep the portfolio when a refused request rolls back
    rows = {"a": a, "b": b, "c": c, "d": d, "e": e, "marketing": marketing, "it": it}
    ids = {name: row.id for name, row in rows.items() if row.id is not None}
    return Portfolio(marketing, it, a, b, c, d, e, shared, it_only, ids)


Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> Run:
    """Post a query (and variables) to /graphql as the CDO office; return the JSON body."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return run
