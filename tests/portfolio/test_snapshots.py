"""Snapshots: today's figures (one per day), the list, and the monthly history."""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.portfolio import snapshots
from service.portfolio.payloads import FlagCode
from tests.factories import link_kpi, make_department, make_initiative, make_kpi

URL = "/api/v1/portfolio/snapshots"
TODAY = date(2026, 11, 23)


async def _portfolio(session: AsyncSession) -> None:
    mkt = await make_department(session, code="marketing")
    it = await make_department(session, code="it")
    kpi = await make_kpi(session, department_ids=[mkt.id, it.id])
    client_facing = await make_initiative(
        session, department_id=mkt.id, orientation="client_facing", budget_planned=300
    )
    await make_initiative(session, department_id=it.id, orientation="internal", budget_planned=100)
    await link_kpi(session, client_facing, kpi)


async def test_take_then_replace_the_same_day(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _portfolio(session)
    created = await client.post(URL)
    assert created.status_code == 201
    body = created.json()
    assert (body["client_share"], body["total_weight"], body["initiative_count"]) == (
        0.75,
        "400.00",
        2,
    )
    assert body["alignment_score"] == 0.75
    assert body["flag_counts"]["PORTFOLIO_CLIENT_SKEW"] == 1
    assert len(body["flag_counts"]) == len(FlagCode)
    assert body["departments"] == [
        {
            "department_code": "it",
            "client_share": 0.0,
            "total_weight": "100.00",
            "initiative_count": 1,
        },
        {
            "department_code": "marketing",
            "client_share": 1.0,
            "total_weight": "300.00",
            "initiative_count": 1,
        },
    ]
    await make_initiative(session, orientation="internal", budget_planned=200)
    replaced = await client.post(URL)
    assert replaced.status_code == 200
    assert (replaced.json()["id"], replaced.json()["version"]) == (body["id"], 2)
    assert replaced.json()["client_share"] == 0.5
    listed = (await client.get(URL)).json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]


async def test_backfill_tells_the_history(session: AsyncSession) -> None:
    mkt = await make_department(session, code="marketing")
    it = await make_department(session, code="it")
    await make_initiative(
        session,
        department_id=mkt.id,
        orientation="client_facing",
        budget_planned=100,
        start_date=date(2025, 1, 1),
    )
    await make_initiative(
        session,
        department_id=it.id,
        orientation="internal",
        budget_planned=100,
        start_date=date(2026, 3, 15),
    )
    await make_initiative(
        session,
        department_id=it.id,
        orientation="internal",
        budget_planned=100,
        status="done",
        start_date=date(2025, 6, 10),
        target_date=date(2025, 12, 31),
    )
    await make_initiative(
        session,
        department_id=mkt.id,
        orientation="client_facing",
        budget_planned=500,
        status="proposed",
        start_date=date(2025, 1, 1),
    )
    written = await snapshots.backfill_snapshots(session, SYSTEM, months=18, today=TODAY)
    assert written == 18
    rows, _ = await snapshots.list_snapshots(session, limit=100)
    history = {row.taken_on: row for row in rows}
    assert sorted(history) == [
        date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31),
        date(2025, 9, 30), date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31),
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
        date(2026, 9, 30), date(2026, 10, 31),
    ]  # fmt: skip
    share = {day: row.client_share for day, row in history.items()}
    assert share[date(2025, 5, 31)] == Decimal("1.0000")
    assert share[date(2025, 12, 31)] == Decimal("0.5000")  # the done one, until its target
    assert share[date(2026, 2, 28)] == Decimal("1.0000")
    assert share[date(2026, 3, 31)] == Decimal("0.5000")  # internal work added
    first = history[date(2025, 5, 31)]
    assert first.flag_counts == {
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "DEPARTMENT_UNCOVERED": 1,
    }
    assert history[date(2026, 10, 31)].flag_counts == {
        "PORTFOLIO_CLIENT_SKEW": 0,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "DEPARTMENT_UNCOVERED": 0,
    }
    assert history[date(2026, 10, 31)].departments == [
        {
            "department_code": "it",
            "client_share": 0.0,
            "total_weight": "100.00",
            "initiative_count": 1,
        },
        {
            "department_code": "marketing",
            "client_share": 1.0,
            "total_weight": "100.00",
            "initiative_count": 1,
        },
    ]
    assert history[date(2026, 10, 31)].total_weight == Decimal("200.00")
    assert history[date(2026, 10, 31)].alignment_score == Decimal("0.0000")


async def test_list_filters_by_date_and_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await snapshots.backfill_snapshots(session, SYSTEM, months=6, today=TODAY)
    body = (await client.get(URL, params={"from": "2026-07-01", "to": "2026-09-30"})).json()
    assert [s["taken_on"] for s in body["items"]] == ["2026-07-31", "2026-08-31", "2026-09-30"]
    first = (await client.get(URL, params={"limit": 4})).json()
    second = (await client.get(URL, params={"limit": 4, "cursor": first["next_cursor"]})).json()
    assert [s["taken_on"] for s in first["items"] + second["items"]] == [
        "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31",
    ]  # fmt: skip
    assert second["next_cursor"] is None
    empty = (await client.get(URL, params={"cursor": "eyJhZnRlciI6OTk5OTk5OTk5fQ"})).json()
    assert empty["field"] == "cursor"
