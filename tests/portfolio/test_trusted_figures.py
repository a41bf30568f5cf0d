"""Figures you can trust: snapshots equal live, the band's floor, KPI_OVERCLAIMED."""

from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.portfolio import service, snapshots
from service.portfolio.payloads import FlagCode
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_department,
    make_initiative,
    make_kpi,
    make_person,
)

TODAY = date(2026, 11, 23)
SETTINGS = "/api/v1/settings/portfolio"


async def _varied_portfolio(session: AsyncSession) -> None:
    """Work raising many flag codes, approved work starting later, a KPI claimed twice."""
    mkt = await make_department(session, code="marketing", name="Marketing")
    it = await make_department(session, code="it", name="IT")
    await make_department(session, code="hr", name="HR")
    shared = await make_kpi(session, code="NPS", department_ids=[mkt.id, it.id])
    silo = await make_kpi(session, code="LEADS", department_ids=[mkt.id])
    gone = await make_person(session, department_id=mkt.id, is_active=False)
    shop = await make_initiative(
        session, department_id=mkt.id, orientation="client_facing", budget_planned=500
    )
    await link_kpi(session, shop, shared, "0.7")
    app = await make_initiative(
        session,
        department_id=mkt.id,
        orientation="client_facing",
        status="approved",
        budget_planned=250,
        start_date=date.today() + timedelta(days=90),
        owner_id=gone.id,
        origin="technology",
    )
    await link_kpi(session, app, shared, "0.6")
    await link_kpi(session, app, silo)
    portal = await make_initiative(
        session, department_id=it.id, orientation="internal", budget_planned=150, user_need=""
    )
    await link_initiatives(session, portal, shop)
    await make_initiative(
        session, department_id=it.id, orientation="hybrid", status="proposed", budget_planned=900
    )


async def test_a_snapshot_taken_today_equals_the_live_dashboard(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _varied_portfolio(session)
    taken = await client.post("/api/v1/portfolio/snapshots")
    assert taken.status_code == 201, taken.text
    snapshot = taken.json()
    balance = (await client.get("/api/v1/portfolio/balance")).json()
    alignment = (await client.get("/api/v1/portfolio/alignment")).json()
    flags = (await client.get("/api/v1/portfolio/flags")).json()
    assert snapshot["client_share"] == balance["client_share"] == 0.8333
    assert snapshot["total_weight"] == balance["total_weight"] == "900.00"
    assert snapshot["initiative_count"] == balance["initiative_count"] == 3
    assert snapshot["departments"] == [
        {key: value for key, value in row.items() if key != "within_band"}
        for row in balance["departments"]
    ]
    assert snapshot["alignment_score"] == alignment["alignment_score"] == 0.8333
    assert snapshot["flag_counts"] == flags["counts"]
    assert snapshot["flag_counts"] == {
        "DEPARTMENT_UNCOVERED": 1,
        "MISSING_ENABLER": 1,
        "OWNER_INACTIVE": 1,
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "DONE_WITHOUT_KPI_MOVEMENT": 0,
        "ENABLER_LATE": 0,
        "IRRITANT_UNADDRESSED": 0,
        "KPI_OVERCLAIMED": 1,
        "NO_KPI": 1,
        "NO_USER_NEED": 1,
        "STALE_UPDATE": 2,  # in progress since 2026-01-01, never checked in
        "TECH_PUSH": 1,
        "CX_KPI_WITHOUT_EX_DRIVER": 0,
        "KPI_UNMEASURED": 2,
        "SILO_KPI": 0,
    }


async def test_backfill_counts_approved_work_starting_later_in_the_last_month(
    session: AsyncSession,
) -> None:
    d = await make_department(session, code="ops")
    await make_initiative(
        session, department_id=d.id, orientation="internal", budget_planned=100,
        start_date=date(2026, 3, 1),
    )  # fmt: skip
    await make_initiative(
        session, department_id=d.id, orientation="client_facing", status="approved",
        budget_planned=300, start_date=date(2027, 2, 1),
    )  # fmt: skip
    await make_initiative(
        session, department_id=d.id, orientation="hybrid", status="on_hold",
        budget_planned=200, start_date=None,
    )  # fmt: skip
    assert await snapshots.backfill_snapshots(session, SYSTEM, months=3, today=TODAY) == 3
    rows, _ = await snapshots.list_snapshots(session, limit=10)
    history = {row.taken_on: row for row in rows}
    last = history[date(2026, 10, 31)]
    live = await service.compute_balance(session)
    assert (last.initiative_count, last.total_weight, last.client_share) == (
        live.initiative_count,
        live.total_weight,
        live.client_share,
    )
    assert (last.initiative_count, last.total_weight, last.client_share) == (
        3,
        Decimal("600.00"),
        Decimal("0.6667"),
    )
    # Before the last month end, only what had started counts.
    earlier = history[date(2026, 9, 30)]
    assert (earlier.initiative_count, earlier.total_weight) == (1, Decimal("100.00"))
    # Flags a past month cannot be judged on are absent, not 0.
    assert last.flag_counts == {
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "DEPARTMENT_UNCOVERED": 0,
    }


async def _band_portfolio(session: AsyncSession) -> None:
    """Overall 30% client-facing: marketing at 75%, IT at 0%."""
    mkt = await make_department(session, code="marketing", name="Marketing")
    it = await make_department(session, code="it", name="IT")
    await make_initiative(
        session, department_id=mkt.id, orientation="client_facing", budget_planned=300
    )
    await make_initiative(session, department_id=mkt.id, orientation="internal", budget_planned=100)
    await make_initiative(session, department_id=it.id, orientation="internal", budget_planned=600)


async def test_the_band_floor_flags_too_little_client_work(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _band_portfolio(session)
    before = (await client.get("/api/v1/portfolio/balance")).json()
    assert (before["band_min"], before["within_band"]) == (0.0, True)
    put = await client.put(SETTINGS, json={"band_min": "0.35"}, headers={"If-Match": '"1"'})
    assert put.status_code == 200, put.text
    assert (put.json()["band_min"], put.json()["band_max"]) == (0.35, 0.6)
    balance = (await client.get("/api/v1/portfolio/balance")).json()
    assert (balance["client_share"], balance["band_min"], balance["within_band"]) == (
        0.3,
        0.35,
        False,
    )
    flags = await service.list_flags(
        session, codes=[FlagCode.PORTFOLIO_CLIENT_SKEW, FlagCode.DEPARTMENT_CLIENT_SKEW]
    )
    assert {(f.code.value, f.entity_code): f.message for f in flags.items} == {
        ("PORTFOLIO_CLIENT_SKEW", None): (
            "Client-facing work is 30.0% of the active budget"
            " (below the band's floor: at least 35.0%)."
        ),
        ("DEPARTMENT_CLIENT_SKEW", "marketing"): (
            "Client-facing work is 75.0% of the active budget of Marketing (band: at most 60.0%)."
        ),
        ("DEPARTMENT_CLIENT_SKEW", "it"): (
            "Client-facing work is 0.0% of the active budget of IT"
            " (below the band's floor: at least 35.0%)."
        ),
    }
    on_the_floor = await client.put(SETTINGS, json={"band_min": "0.3"}, headers={"If-Match": '"2"'})
    assert on_the_floor.status_code == 200
    balance = (await client.get("/api/v1/portfolio/balance")).json()
    assert balance["within_band"] is True


async def test_a_floor_above_the_ceiling_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await client.put(SETTINGS, json={"band_min": "0.7"}, headers={"If-Match": '"1"'})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["field"]) == ("band_order", "band_min")
    lowered = await client.put(
        SETTINGS, json={"band_min": "0.2", "band_max": "0.1"}, headers={"If-Match": '"1"'}
    )
    assert (lowered.status_code, lowered.json()["field"]) == (422, "band_min")
    settings = (await client.get(SETTINGS)).json()
    assert (settings["band_min"], settings["band_max"], settings["version"]) == (0.0, 0.6, 1)
    stored = await session.execute(text("SELECT band_min, band_max FROM portfolio_setting"))
    assert stored.one() == (Decimal("0.0000"), Decimal("0.6000"))


async def test_kpi_overclaimed_sums_the_active_weights(session: AsyncSession) -> None:
    d = await make_department(session)
    claimed = await make_kpi(session, code="CSAT", name="Customer satisfaction")
    exact = await make_kpi(session, code="NPS")
    first = await make_initiative(session, department_id=d.id)
    second = await make_initiative(session, department_id=d.id, status="approved")
    proposal = await make_initiative(session, department_id=d.id, status="proposed")
    await link_kpi(session, first, claimed, "0.6")
    await link_kpi(session, second, claimed, "0.75")
    await link_kpi(session, proposal, claimed, "0.5")  # not active: not counted
    await link_kpi(session, first, exact, "0.5")
    await link_kpi(session, second, exact, "0.5")  # exactly 1 is not over
    flags = await service.list_flags(session, codes=[FlagCode.KPI_OVERCLAIMED], today=TODAY)
    assert [(f.entity_code, f.severity.value, f.message) for f in flags.items] == [
        (
            "CSAT",
            "medium",
            "CSAT Customer satisfaction is claimed by active initiatives whose weights add up"
            " to 1.35 (at most 1).",
        )
    ]
    assert flags.counts["KPI_OVERCLAIMED"] == 1


async def test_claimed_weights_follow_links_statuses_and_deletions(session: AsyncSession) -> None:
    d = await make_department(session)
    kpi = await make_kpi(session, code="CSAT")

    async def claimed() -> Decimal:
        sql = "SELECT claimed_weight FROM kpi WHERE id = :id"
        value: Decimal = (await session.execute(text(sql), {"id": kpi.id})).scalar_one()
        return value

    first = await make_initiative(session, department_id=d.id)
    proposal = await make_initiative(session, department_id=d.id, status="proposed")
    link = await link_kpi(session, first, kpi, "0.6")
    await link_kpi(session, proposal, kpi, "0.7")
    assert await claimed() == Decimal("0.6")
    proposal.status = "approved"  # type: ignore[assignment]
    await session.flush()
    assert await claimed() == Decimal("1.3")
    link.weight = Decimal("0.2")
    await session.flush()
    assert await claimed() == Decimal("0.9")
    first.status, first.lessons_learned = "stopped", "Merged into the CRM."  # type: ignore[assignment]
    await session.flush()
    assert await claimed() == Decimal("0.7")
    await session.delete(proposal)
    await session.flush()
    assert await claimed() == Decimal("0")
