"""The EX → CX chain: drivers at every depth clear CX_KPI_WITHOUT_EX_DRIVER, and the thrust
of a promise lists its customer KPIs, their employee drivers and who moves them."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.errors import Conflict
from service.kpis import drivers
from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagCode
from service.thrust import service
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_driver,
    make_initiative,
    make_kpi,
    make_update,
)

TODAY = date(2026, 11, 23)


async def chain_portfolio(session: AsyncSession) -> dict[str, Any]:
    """CX-1 driven by EX-1 directly; CX-2 by EX-2 two steps away (through OPS-2); CX-3 by
    EX-3 three steps away; CX-4 by an operations KPI only."""
    k: dict[str, Any] = {}
    for code, perspective in [
        ("CX-1", "customer"),
        ("CX-2", "customer"),
        ("CX-3", "customer"),
        ("CX-4", "customer"),
        ("EX-1", "employee"),
        ("EX-2", "employee"),
        ("EX-3", "employee"),
        ("OPS-2", "operations"),
        ("OPS-3A", "operations"),
        ("OPS-3B", "operations"),
        ("OPS-4", "operations"),
    ]:
        k[code] = await make_kpi(session, code=code, name=code.title(), perspective=perspective)
    for driver, driven in [
        ("EX-1", "CX-1"),
        ("EX-2", "OPS-2"),
        ("OPS-2", "CX-2"),
        ("EX-3", "OPS-3A"),
        ("OPS-3A", "OPS-3B"),
        ("OPS-3B", "CX-3"),
        ("OPS-4", "CX-4"),
        # EX-1 also reaches CX-2 through OPS-2: the shortest path (depth 2) is kept.
        ("EX-1", "OPS-2"),
    ]:
        await make_driver(session, k[driver], k[driven])
    return k


async def test_a_customer_kpi_with_an_employee_driver_at_any_depth_is_not_flagged(
    session: AsyncSession,
) -> None:
    await chain_portfolio(session)
    flags = await portfolio.list_flags(
        session, codes=[FlagCode.CX_KPI_WITHOUT_EX_DRIVER], today=TODAY
    )
    assert [f.entity_code for f in flags.items] == ["CX-4"]
    assert flags.items[0].message == "CX-4 Cx-4 is a customer KPI and no employee KPI drives it."


async def test_a_customer_kpi_driven_only_by_customer_and_operations_kpis_stays_flagged(
    session: AsyncSession,
) -> None:
    cx = await make_kpi(session, code="CX-A", perspective="customer")
    other = await make_kpi(session, code="CX-B", perspective="customer")
    ops = await make_kpi(session, code="OPS-A", perspective="operations")
    await make_driver(session, other, cx)
    await make_driver(session, ops, other)
    flags = await portfolio.list_flags(
        session, codes=[FlagCode.CX_KPI_WITHOUT_EX_DRIVER], today=TODAY
    )
    assert sorted(f.entity_code or "" for f in flags.items) == ["CX-A", "CX-B"]


async def promise_with_chain(session: AsyncSession) -> dict[str, Any]:
    k = await chain_portfolio(session)
    promise = await make_initiative(
        session, code="P-1", orientation="client_facing", target_date=date(2027, 3, 1)
    )
    for code in ["CX-1", "CX-2", "CX-3", "CX-4", "OPS-2"]:
        await link_kpi(session, promise, k[code])
    tool = await make_initiative(
        session, code="E-1", title="Agent tooling", target_date=date(2027, 2, 1)
    )
    await make_update(session, tool, health="amber")
    portal = await make_initiative(
        session, code="E-2", title="Mobility portal", status="proposed", orientation="hybrid"
    )
    late = await make_initiative(session, code="E-3", target_date=date(2027, 6, 1))
    await make_initiative(session, code="C-9", orientation="client_facing")
    await link_kpi(session, tool, k["EX-1"])
    await link_kpi(session, portal, k["EX-1"])
    await link_kpi(session, late, k["EX-3"])
    await link_initiatives(session, late, promise)
    return {"kpis": k, "promise": promise, "tool": tool, "portal": portal, "late": late}


async def test_the_thrust_of_a_promise_follows_drivers_at_depth_1_2_and_3(
    session: AsyncSession,
) -> None:
    built = await promise_with_chain(session)
    thrust = await service.thrust(session, built["promise"].id)
    assert (thrust.role, thrust.reason, thrust.late) == ("promise", None, True)
    drivers = {
        cx.kpi.code: [(d.kpi.code, d.depth, d.path, d.initiative_count) for d in cx.drivers]
        for cx in thrust.cx_kpis
    }
    assert drivers == {
        "CX-1": [("EX-1", 1, ["EX-1", "CX-1"], 2)],
        "CX-2": [
            ("EX-1", 2, ["EX-1", "OPS-2", "CX-2"], 2),
            ("EX-2", 2, ["EX-2", "OPS-2", "CX-2"], 0),
        ],
        "CX-3": [("EX-3", 3, ["EX-3", "OPS-3A", "OPS-3B", "CX-3"], 1)],
        "CX-4": [],
    }
    movers = thrust.cx_kpis[0].drivers[0].initiatives
    assert [
        (m.code, m.status, m.health, m.target_date, m.live, m.late, m.declared) for m in movers
    ] == [
        ("E-1", "in_progress", "amber", date(2027, 2, 1), True, False, False),
        ("E-2", "proposed", None, None, False, False, False),
    ]
    [ex3] = thrust.cx_kpis[2].drivers
    assert [(m.code, m.late, m.declared) for m in ex3.initiatives] == [("E-3", True, True)]
    assert [(e.code, e.live, e.late) for e in thrust.enablers] == [("E-3", True, True)]
    assert thrust.enables == []


async def test_an_internal_initiative_answers_with_what_it_enables(session: AsyncSession) -> None:
    built = await promise_with_chain(session)
    thrust = await service.thrust(session, built["late"].id)
    assert thrust.role == "enabler"
    assert thrust.reason is not None and thrust.reason.startswith("An internal initiative")
    assert thrust.cx_kpis == []
    assert [(e.code, e.late) for e in thrust.enables] == [("P-1", True)]


async def test_a_hybrid_initiative_is_a_promise_and_an_enabler(session: AsyncSession) -> None:
    cx = await make_kpi(session, code="CX-H", perspective="customer")
    ex = await make_kpi(session, code="EX-H", perspective="employee")
    await make_driver(session, ex, cx)
    hybrid = await make_initiative(session, code="H-1", orientation="hybrid")
    promise = await make_initiative(session, code="P-H", orientation="client_facing")
    await link_kpi(session, hybrid, cx)
    await link_initiatives(session, hybrid, promise)
    thrust = await service.thrust(session, hybrid.id)
    assert thrust.role == "promise"
    assert [(c.kpi.code, [d.kpi.code for d in c.drivers]) for c in thrust.cx_kpis] == [
        ("CX-H", ["EX-H"])
    ]
    assert [e.code for e in thrust.enables] == ["P-H"]
    # The promise lists the hybrid as its enabler.
    seen = await service.thrust(session, promise.id)
    assert [(e.code, e.live) for e in seen.enablers] == [("H-1", True)]
    assert seen.reason == "It is linked to no customer KPI: there is no EX → CX chain to draw."


async def test_the_thrust_takes_three_statements_and_limits_the_listed_movers(
    session: AsyncSession, queries: Any
) -> None:
    built = await promise_with_chain(session)
    for n in range(3):
        extra = await make_initiative(session, code=f"E-X{n}")
        await link_kpi(session, extra, built["kpis"]["EX-1"])
    queries.reset()
    thrust = await service.thrust(session, built["promise"].id, per_driver=1)
    assert queries.count == 4  # header, declared links, chain, movers
    [ex1] = thrust.cx_kpis[0].drivers
    assert (ex1.initiative_count, [m.code for m in ex1.initiatives]) == (5, ["E-1"])
    counted_only = await service.thrust(session, built["promise"].id, per_driver=0)
    [ex1] = counted_only.cx_kpis[0].drivers
    assert (ex1.initiative_count, ex1.initiatives) == (5, [])


async def test_rest_and_graphql_give_the_same_thrust(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    built = await promise_with_chain(session)
    promise_id = built["promise"].id
    rest = (await client.get(f"/api/v1/initiatives/{promise_id}/thrust")).json()
    query = """query($id: ID!) { initiative(id: $id) { thrust {
        role late cxKpis { kpi { code } drivers { kpi { code } depth path initiativeCount
            initiatives { code status health targetDate live late declared } } }
        enablers { code late } } } }"""
    from service.graphql.ids import encode_id

    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"id": encode_id("Initiative", promise_id)}},
    )
    graph = response.json()["data"]["initiative"]["thrust"]
    assert graph["role"] == rest["role"] == "promise"
    assert graph["late"] is rest["late"] is True
    assert [
        (c["kpi"]["code"], [(d["kpi"]["code"], d["depth"], d["path"]) for d in c["drivers"]])
        for c in graph["cxKpis"]
    ] == [
        (c["kpi"]["code"], [(d["kpi"]["code"], d["depth"], d["path"]) for d in c["drivers"]])
        for c in rest["cx_kpis"]
    ]
    first = graph["cxKpis"][0]["drivers"][0]["initiatives"][0]
    assert first == {
        "code": "E-1",
        "status": "in_progress",
        "health": "amber",
        "targetDate": "2027-02-01",
        "live": True,
        "late": False,
        "declared": False,
    }
    assert rest["cx_kpis"][0]["drivers"][0]["initiatives"][0]["health"] == "amber"


async def test_the_thrust_of_a_missing_initiative_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/initiatives/999999/thrust")
    assert response.status_code == 404
    assert response.json()["code"] == "initiative_not_found"
    response = await client.get("/api/v1/initiatives/1/thrust?per_driver=101")
    assert response.status_code == 422


async def test_a_driver_closing_a_cycle_is_refused_so_the_walk_stays_finite(
    session: AsyncSession,
) -> None:
    cx = await make_kpi(session, code="CX-C", perspective="customer")
    ops = await make_kpi(session, code="OPS-C", perspective="operations")
    ex = await make_kpi(session, code="EX-C", perspective="employee")
    await make_driver(session, ex, ops)
    await make_driver(session, ops, cx)
    with pytest.raises(Conflict) as refused:
        await drivers.refuse_cycle(session, cx.id, ex.id)
    assert refused.value.extra == {"cycle": ["CX-C", "EX-C", "OPS-C", "CX-C"]}
    promise = await make_initiative(session, code="P-C", orientation="client_facing")
    await link_kpi(session, promise, cx)
    thrust = await service.thrust(session, promise.id)
    assert [(d.kpi.code, d.depth) for d in thrust.cx_kpis[0].drivers] == [("EX-C", 2)]
