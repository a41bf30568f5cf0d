"""Outcome attribution: a KPI's movement since each linked initiative started, credited by
the link's weight and signed by the KPI's direction."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.ids import encode_id
from service.thrust import service
from tests.factories import link_kpi, make_initiative, make_kpi, make_measurement

D = Decimal


async def measured(session: AsyncSession, direction: str, values: list[tuple[date, str]]) -> Any:
    kpi = await make_kpi(session, code=f"K-{direction}", direction=direction)
    for day, value in values:
        await make_measurement(session, kpi, day, value)
    return kpi


async def up_portfolio(session: AsyncSession) -> dict[str, Any]:
    """An `increase` KPI at 40 (Dec), 50 (Mar), 55 (Jun) and four initiatives on it."""
    kpi = await measured(
        session,
        "increase",
        [(date(2025, 12, 1), "40"), (date(2026, 3, 1), "50"), (date(2026, 6, 1), "55")],
    )
    a = await make_initiative(session, code="A", start_date=date(2026, 1, 1))
    b = await make_initiative(session, code="B", start_date=date(2026, 3, 1))
    early = await make_initiative(session, code="C", start_date=date(2025, 6, 1))
    unstarted = await make_initiative(session, code="D", start_date=None, status="proposed")
    future = await make_initiative(session, code="F", start_date=date(2099, 1, 1))
    await link_kpi(session, a, kpi, "0.5")
    await link_kpi(session, b, kpi, "0.25")
    await link_kpi(session, early, kpi, "0.1")
    await link_kpi(session, unstarted, kpi, "0.1")
    await link_kpi(session, future, kpi, "0.1")
    return {"kpi": kpi, "a": a, "b": b}


def figures(item: Any) -> tuple[Any, ...]:
    return (
        item.initiative_code,
        item.started,
        item.start_on,
        item.start_value,
        item.movement,
        item.improvement,
        item.credited,
    )


async def test_contributions_credit_the_movement_since_each_start_by_weight(
    session: AsyncSession,
) -> None:
    built = await up_portfolio(session)
    result = await service.contributions(session, built["kpi"].id)
    assert [figures(i) for i in result.items] == [
        ("A", True, date(2025, 12, 1), D("40"), D("15"), D("15"), D("7.5")),
        # The measurement on the start day counts as the value at the start.
        ("B", True, date(2026, 3, 1), D("50"), D("5"), D("5"), D("1.25")),
        # No measurement on or before the start, no start, a start after today: no credit.
        ("C", True, None, None, None, None, None),
        ("D", False, None, None, None, None, None),
        ("F", False, None, None, None, None, None),
    ]
    assert (result.links, result.credited_links) == (5, 2)
    assert (result.credited_total, result.weight_total) == (D("8.75"), D("1.05"))
    assert (result.latest_on, result.latest_value) == (date(2026, 6, 1), D("55"))
    assert result.next_cursor is None


async def test_a_lower_is_better_kpi_credits_a_fall(session: AsyncSession) -> None:
    kpi = await measured(session, "decrease", [(date(2025, 12, 1), "30"), (date(2026, 6, 1), "24")])
    fixer = await make_initiative(session, code="A", start_date=date(2026, 1, 1))
    await link_kpi(session, fixer, kpi, "0.5")
    [item] = (await service.outcomes(session, fixer.id)).items
    assert (item.kpi_code, item.direction, item.movement, item.improvement, item.credited) == (
        "K-decrease",
        "decrease",
        D("-6"),
        D("6"),
        D("3"),
    )


async def test_a_kpi_moving_the_wrong_way_gives_a_negative_credit(session: AsyncSession) -> None:
    kpi = await measured(session, "decrease", [(date(2025, 12, 1), "30"), (date(2026, 6, 1), "33")])
    initiative = await make_initiative(session, code="A", start_date=date(2026, 1, 1))
    await link_kpi(session, initiative, kpi, "1")
    [item] = (await service.outcomes(session, initiative.id)).items
    assert (item.movement, item.improvement, item.credited) == (D("3"), D("-3"), D("-3"))


async def test_an_unmeasured_kpi_gives_null_figures(session: AsyncSession) -> None:
    kpi = await make_kpi(session, code="K-NONE")
    initiative = await make_initiative(session, code="A")
    await link_kpi(session, initiative, kpi, "0.3")
    [item] = (await service.outcomes(session, initiative.id)).items
    assert (item.weight, item.started, item.latest_value, item.movement, item.credited) == (
        D("0.3"),
        True,
        None,
        None,
        None,
    )


async def test_contributions_page_by_credit_with_a_cursor(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    built = await up_portfolio(session)
    url = f"/api/v1/kpis/{built['kpi'].id}/contributions"
    codes: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(url, params=params)).json()
        codes += [i["initiative_code"] for i in page["items"]]
        assert page["links"] == 5
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == ["A", "B", "C", "D", "F"]
    bad = await client.get(url, params={"cursor": "nonsense"})
    assert (bad.status_code, bad.json()["code"]) == (422, "validation_error")
    missing = await client.get("/api/v1/kpis/999999/contributions")
    assert (missing.status_code, missing.json()["code"]) == (404, "kpi_not_found")


async def test_rest_and_graphql_give_the_same_outcomes_and_contributions(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    built = await up_portfolio(session)
    rest = (await client.get(f"/api/v1/initiatives/{built['a'].id}/outcomes")).json()
    assert [(o["kpi_code"], o["credited"]) for o in rest["items"]] == [("K-increase", "7.5000")]
    query = """query($i: ID!, $k: ID!) {
        initiative(id: $i) { outcomes { kpiCode weight startOn movement improvement credited } }
        kpi(id: $k) { contributions(first: 2) { links creditedTotal nextCursor
            items { initiativeCode credited } } } }"""
    variables = {
        "i": encode_id("Initiative", built["a"].id),
        "k": encode_id("Kpi", built["kpi"].id),
    }
    data = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
    [outcome] = data["data"]["initiative"]["outcomes"]
    assert outcome == {
        "kpiCode": "K-increase",
        "weight": rest["items"][0]["weight"],
        "startOn": "2025-12-01",
        "movement": rest["items"][0]["movement"],
        "improvement": rest["items"][0]["improvement"],
        "credited": rest["items"][0]["credited"],
    }
    graph = data["data"]["kpi"]["contributions"]
    page = (
        await client.get(f"/api/v1/kpis/{built['kpi'].id}/contributions", params={"limit": 2})
    ).json()
    assert graph["links"] == page["links"] == 5
    assert graph["creditedTotal"] == page["credited_total"]
    assert graph["nextCursor"] == page["next_cursor"]
    assert [(i["initiativeCode"], i["credited"]) for i in graph["items"]] == [
        (i["initiative_code"], i["credited"]) for i in page["items"]
    ]


async def test_outcomes_of_a_missing_initiative_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/initiatives/999999/outcomes")
    assert (response.status_code, response.json()["code"]) == (404, "initiative_not_found")


OUTCOMES_PAGE = """query($first: Int!) { initiatives(first: $first) {
    nodes { code outcomes { kpiCode credited } } } }"""


async def test_graphql_reads_the_outcomes_of_a_page_in_one_statement(
    session: AsyncSession, client: httpx.AsyncClient, queries: Any
) -> None:
    kpi = await measured(session, "increase", [(date(2025, 12, 1), "40"), (date(2026, 6, 1), "44")])
    statements = []
    for size in (2, 12):
        for n in range(size - len(statements) * 2 if statements else size):
            initiative = await make_initiative(
                session, code=f"O-{size}-{n:02d}", start_date=date(2026, 1, 1)
            )
            await link_kpi(session, initiative, kpi, "0.5")
        queries.reset()
        response = await client.post(
            "/graphql", json={"query": OUTCOMES_PAGE, "variables": {"first": size}}
        )
        nodes = response.json()["data"]["initiatives"]["nodes"]
        assert [n["outcomes"] for n in nodes] == [
            [{"kpiCode": "K-increase", "credited": "2.0000"}]
        ] * size
        statements.append(queries.count)
    assert statements[0] == statements[1]
