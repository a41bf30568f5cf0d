"""Flags: for every code, one case that raises it and its nearest case that does not."""

from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department
from service.portfolio import service
from service.portfolio.payloads import FlagCode, FlagPublic
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_department,
    make_driver,
    make_initiative,
    make_kpi,
    make_measurement,
    make_person,
    make_update,
)

TODAY = date(2026, 11, 23)


async def flags_of(session: AsyncSession, code: FlagCode, **filters: object) -> list[FlagPublic]:
    result = await service.list_flags(session, codes=[code], today=TODAY, **filters)  # type: ignore[arg-type]
    assert result.counts[code.value] == len(result.items)
    return result.items


async def raised(session: AsyncSession, code: FlagCode) -> dict[str | None, str]:
    return {flag.entity_code: flag.message for flag in await flags_of(session, code)}


async def dept(session: AsyncSession, code: str) -> Department:
    return await make_department(session, code=code, name=code.upper())


# PORTFOLIO_CLIENT_SKEW


async def test_portfolio_skew_raised_above_band(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    await make_initiative(
        session, department_id=d.id, orientation="client_facing", budget_planned=300
    )
    await make_initiative(session, department_id=d.id, orientation="internal", budget_planned=100)
    await make_initiative(session, department_id=d.id, orientation="hybrid", budget_planned=200)
    [flag] = await flags_of(session, FlagCode.PORTFOLIO_CLIENT_SKEW)
    assert (flag.severity, flag.entity_type, flag.entity_id, flag.department_code) == (
        "high",
        "portfolio",
        None,
        None,
    )
    assert flag.message == (
        "Client-facing work is 66.7% of the active budget (band: at most 60.0%)."
    )


async def test_portfolio_share_equal_to_band_is_within(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    await make_initiative(
        session, department_id=d.id, orientation="client_facing", budget_planned=60
    )
    await make_initiative(session, department_id=d.id, orientation="internal", budget_planned=40)
    balance = await service.compute_balance(session)
    assert (balance.client_share, balance.within_band) == (Decimal("0.6000"), True)
    assert await flags_of(session, FlagCode.PORTFOLIO_CLIENT_SKEW) == []


async def test_zero_weights_give_null_share_and_no_skew(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    await make_initiative(
        session, department_id=d.id, orientation="client_facing", budget_planned=0
    )
    balance = await service.compute_balance(session)
    assert (balance.client_share, balance.internal_share, balance.within_band) == (None, None, None)
    assert balance.departments[0].client_share is None
    assert await flags_of(session, FlagCode.PORTFOLIO_CLIENT_SKEW) == []
    assert await flags_of(session, FlagCode.DEPARTMENT_CLIENT_SKEW) == []


# DEPARTMENT_CLIENT_SKEW


async def test_department_skew_raised_for_the_skewed_department_only(
    session: AsyncSession,
) -> None:
    skewed, balanced = await dept(session, "marketing"), await dept(session, "sales")
    await make_initiative(
        session, department_id=skewed.id, orientation="client_facing", budget_planned=100
    )
    await make_initiative(
        session, department_id=skewed.id, orientation="internal", budget_planned=50
    )
    await make_initiative(
        session, department_id=balanced.id, orientation="client_facing", budget_planned=60
    )
    await make_initiative(
        session, department_id=balanced.id, orientation="internal", budget_planned=40
    )
    [flag] = await flags_of(session, FlagCode.DEPARTMENT_CLIENT_SKEW)
    assert (flag.severity, flag.entity_type, flag.entity_id) == ("medium", "department", skewed.id)
    assert (flag.entity_code, flag.department_code) == ("marketing", "marketing")
    assert flag.message == (
        "Client-facing work is 66.7% of the active budget of MARKETING (band: at most 60.0%)."
    )


# DEPARTMENT_UNCOVERED


async def test_department_with_only_a_proposal_is_uncovered(session: AsyncSession) -> None:
    hr, ops = await dept(session, "hr"), await dept(session, "ops")
    await make_initiative(session, department_id=hr.id, status="proposed")
    await make_initiative(session, department_id=ops.id, status="on_hold")
    flags = await raised(session, FlagCode.DEPARTMENT_UNCOVERED)
    assert flags == {"hr": "HR leads no active initiative: its own work gets no digital support."}


# MISSING_ENABLER


async def test_client_facing_without_internal_enabler(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    alone = await make_initiative(
        session,
        department_id=d.id,
        code="INI-012",
        title="Customer chatbot",
        orientation="client_facing",
    )
    enabled = await make_initiative(
        session, department_id=d.id, code="INI-013", orientation="client_facing"
    )
    backed_by_stopped = await make_initiative(
        session, department_id=d.id, code="INI-014", orientation="client_facing"
    )
    backed_by_client = await make_initiative(
        session, department_id=d.id, code="INI-015", orientation="client_facing"
    )
    enabler = await make_initiative(session, department_id=d.id, orientation="hybrid")
    stopped = await make_initiative(
        session, department_id=d.id, orientation="internal", status="stopped", lessons_learned="x"
    )
    await link_initiatives(session, enabler, enabled)
    await link_initiatives(session, stopped, backed_by_stopped)
    await link_initiatives(session, alone, backed_by_client)
    await link_initiatives(session, enabler, alone, kind="depends_on")
    flags = await raised(session, FlagCode.MISSING_ENABLER)
    assert set(flags) == {"INI-012", "INI-014", "INI-015"}
    assert (
        flags["INI-012"]
        == "INI-012 Customer chatbot is client-facing and no internal initiative enables it."
    )


async def test_proposed_client_facing_needs_no_enabler_yet(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    await make_initiative(
        session, department_id=d.id, orientation="client_facing", status="proposed"
    )
    assert await flags_of(session, FlagCode.MISSING_ENABLER) == []


# NO_USER_NEED


async def test_blank_user_need_outside_regulation(session: AsyncSession) -> None:
    d = await dept(session, "it")
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-001",
        title="Data lake",
        origin="efficiency",
        user_need="  ",
    )
    await make_initiative(
        session, department_id=d.id, code="INI-002", origin="regulation", user_need=""
    )
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-003",
        status="stopped",
        lessons_learned="x",
        user_need="",
    )
    await make_initiative(session, department_id=d.id, code="INI-004", status="done", user_need="")
    flags = await raised(session, FlagCode.NO_USER_NEED)
    assert set(flags) == {"INI-001", "INI-004"}
    assert flags["INI-001"] == "INI-001 Data lake states no user need (origin: efficiency)."


# TECH_PUSH


async def test_technology_origin_is_tech_push_unless_stopped(session: AsyncSession) -> None:
    d = await dept(session, "it")
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-007",
        title="Blockchain loyalty",
        origin="technology",
        status="proposed",
    )
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-008",
        origin="technology",
        status="stopped",
        lessons_learned="x",
    )
    await make_initiative(session, department_id=d.id, code="INI-009", origin="efficiency")
    flags = await raised(session, FlagCode.TECH_PUSH)
    assert flags == {
        "INI-007": "INI-007 Blockchain loyalty starts from a technology, not from a user need."
    }


# NO_KPI and SILO_KPI


async def test_active_initiative_without_kpi(session: AsyncSession) -> None:
    d = await dept(session, "hr")
    await make_initiative(session, department_id=d.id, code="INI-020", title="Mobility portal")
    await make_initiative(session, department_id=d.id, code="INI-021", status="proposed")
    linked = await make_initiative(session, department_id=d.id, code="INI-022")
    await link_kpi(session, linked, await make_kpi(session, department_ids=[d.id]))
    assert await raised(session, FlagCode.NO_KPI) == {
        "INI-020": "INI-020 Mobility portal is active and linked to no KPI."
    }


async def test_silo_kpi_when_no_linked_kpi_is_shared(session: AsyncSession) -> None:
    hr, it = await dept(session, "hr"), await dept(session, "it")
    silo_a = await make_kpi(session, code="KPI-A", department_ids=[hr.id])
    silo_b = await make_kpi(session, code="KPI-B", department_ids=[hr.id])
    shared = await make_kpi(session, code="KPI-S", department_ids=[hr.id, it.id])
    siloed = await make_initiative(
        session, department_id=hr.id, code="INI-030", title="Payroll bot"
    )
    mixed = await make_initiative(session, department_id=hr.id, code="INI-031")
    await make_initiative(session, department_id=hr.id, code="INI-032")  # no KPI: NO_KPI instead
    await link_kpi(session, siloed, silo_a)
    await link_kpi(session, siloed, silo_b)
    await link_kpi(session, mixed, silo_a)
    await link_kpi(session, mixed, shared)
    assert await raised(session, FlagCode.SILO_KPI) == {
        "INI-030": "INI-030 Payroll bot is linked only to KPIs a single department is "
        "accountable for (KPI-A, KPI-B)."
    }


# STALE_UPDATE


async def test_stale_after_more_than_the_limit(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    stale = await make_initiative(session, department_id=d.id, code="INI-040", title="Traceability")
    fresh = await make_initiative(session, department_id=d.id, code="INI-041")
    paused = await make_initiative(session, department_id=d.id, code="INI-042", status="on_hold")
    await make_update(session, stale, reported_on=TODAY - timedelta(days=60))
    await make_update(session, stale, reported_on=TODAY - timedelta(days=31))
    await make_update(session, fresh, reported_on=TODAY - timedelta(days=30))
    await make_update(session, paused, reported_on=TODAY - timedelta(days=90))
    assert await raised(session, FlagCode.STALE_UPDATE) == {
        "INI-040": "No check-in on INI-040 Traceability for 31 days (limit: 30)."
    }


async def test_stale_without_checkin_counts_from_the_start(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-043",
        title="Stock app",
        start_date=TODAY - timedelta(days=45),
    )
    await make_initiative(
        session, department_id=d.id, code="INI-044", start_date=TODAY - timedelta(days=30)
    )
    assert await raised(session, FlagCode.STALE_UPDATE) == {
        "INI-043": "No check-in on INI-043 Stock app since it started 45 days ago (limit: 30)."
    }


async def test_stale_limit_follows_the_setting(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    initiative = await make_initiative(session, department_id=d.id, code="INI-045")
    await make_update(session, initiative, reported_on=TODAY - timedelta(days=31))
    setting = await service.get_settings(session)
    setting.stale_after_days = 31
    await session.flush()
    assert await flags_of(session, FlagCode.STALE_UPDATE) == []


# KPI_UNMEASURED


async def test_kpi_unmeasured_beyond_twice_the_cadence(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    late = await make_kpi(session, code="KPI-M63", name="NPS", department_ids=[d.id])
    on_time = await make_kpi(session, code="KPI-M62", department_ids=[d.id])
    quarterly_late = await make_kpi(session, code="KPI-Q185", name="Churn", cadence="quarterly")
    quarterly_ok = await make_kpi(session, code="KPI-Q184", cadence="quarterly")
    await make_kpi(session, code="KPI-NEVER", name="Reuse rate")
    await make_measurement(session, late, TODAY - timedelta(days=63), "1")
    await make_measurement(session, late, TODAY + timedelta(days=1), "1")  # after today: ignored
    await make_measurement(session, on_time, TODAY - timedelta(days=62), "1")
    await make_measurement(session, quarterly_late, TODAY - timedelta(days=185), "1")
    await make_measurement(session, quarterly_ok, TODAY - timedelta(days=184), "1")
    flags = await flags_of(session, FlagCode.KPI_UNMEASURED)
    assert {f.entity_code: (f.department_code, f.message) for f in flags} == {
        "KPI-M63": (
            "marketing",
            "KPI-M63 NPS was last measured 63 days ago (monthly cadence: at least every 62 days).",
        ),
        "KPI-NEVER": (
            None,
            "KPI-NEVER Reuse rate has never been measured"
            " (monthly cadence: at least every 62 days).",
        ),
        "KPI-Q185": (
            None,
            "KPI-Q185 Churn was last measured 185 days ago"
            " (quarterly cadence: at least every 184 days).",
        ),
    }


# CX_KPI_WITHOUT_EX_DRIVER


async def test_customer_kpi_needs_an_employee_driver(session: AsyncSession) -> None:
    nps = await make_kpi(session, code="KPI-NPS", name="NPS", perspective="customer")
    csat = await make_kpi(session, code="KPI-CSAT", perspective="customer")
    tooling = await make_kpi(session, code="KPI-TOOL", perspective="employee")
    delay = await make_kpi(session, code="KPI-DELAY", perspective="operations")
    await make_driver(session, delay, nps)
    await make_driver(session, tooling, csat)
    assert await raised(session, FlagCode.CX_KPI_WITHOUT_EX_DRIVER) == {
        "KPI-NPS": "KPI-NPS NPS is a customer KPI and no employee KPI drives it."
    }


# DONE_WITHOUT_KPI_MOVEMENT


async def test_done_without_movement_compares_to_the_start(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    kpi = await make_kpi(
        session, code="KPI-OTD", direction="increase", baseline_value=Decimal("10")
    )
    await make_measurement(session, kpi, date(2026, 1, 1), "38")
    await make_measurement(session, kpi, date(2026, 2, 1), "40")  # last on/before the start
    await make_measurement(session, kpi, date(2026, 6, 1), "45")
    await make_measurement(session, kpi, date(2026, 10, 1), "40")  # latest: back where it was
    flat = await make_initiative(
        session,
        department_id=d.id,
        code="INI-050",
        title="Route planner",
        status="done",
        start_date=date(2026, 2, 1),
    )
    earlier = await make_initiative(
        session, department_id=d.id, code="INI-051", status="done", start_date=date(2026, 1, 15)
    )
    await link_kpi(session, flat, kpi)
    await link_kpi(session, earlier, kpi)  # 38 -> 40: moved
    assert await raised(session, FlagCode.DONE_WITHOUT_KPI_MOVEMENT) == {
        "INI-050": "INI-050 Route planner is done but none of its KPIs moved toward target "
        "since it started (KPI-OTD: 40 → 40)."
    }


async def test_done_movement_follows_direction_and_baseline(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    falling = await make_kpi(
        session, code="KPI-DEC", direction="decrease", baseline_value=Decimal("12.5")
    )
    rising = await make_kpi(
        session, code="KPI-INC", direction="increase", baseline_value=Decimal("12.5")
    )
    await make_measurement(session, falling, date(2026, 9, 1), "11")
    await make_measurement(session, rising, date(2026, 9, 1), "11")
    good = await make_initiative(session, department_id=d.id, code="INI-060", status="done")
    bad = await make_initiative(
        session, department_id=d.id, code="INI-061", title="Kiosk", status="done"
    )
    await make_initiative(session, department_id=d.id, code="INI-062", status="done")  # no KPI
    await link_kpi(session, good, falling)  # baseline 12.5 -> 11, decrease wanted: moved
    await link_kpi(session, good, rising)
    await link_kpi(session, bad, rising)  # 12.5 -> 11, increase wanted: not moved
    assert await raised(session, FlagCode.DONE_WITHOUT_KPI_MOVEMENT) == {
        "INI-061": "INI-061 Kiosk is done but none of its KPIs moved toward target "
        "since it started (KPI-INC: 12.5 → 11)."
    }


async def test_done_movement_ignores_measurements_after_today(session: AsyncSession) -> None:
    d = await dept(session, "ops")
    kpi = await make_kpi(session, code="KPI-NPS", direction="increase")
    await make_measurement(session, kpi, date(2026, 1, 1), "30")
    await make_measurement(session, kpi, TODAY - timedelta(days=10), "30")
    await make_measurement(session, kpi, TODAY + timedelta(days=5), "35")  # not yet, as of today
    flat = await make_initiative(
        session,
        department_id=d.id,
        code="INI-055",
        title="Survey bot",
        status="done",
        start_date=date(2026, 2, 1),
    )
    await link_kpi(session, flat, kpi)
    assert await raised(session, FlagCode.DONE_WITHOUT_KPI_MOVEMENT) == {
        "INI-055": "INI-055 Survey bot is done but none of its KPIs moved toward target "
        "since it started (KPI-NPS: 30 → 30)."
    }
    after = await service.list_flags(
        session, codes=[FlagCode.DONE_WITHOUT_KPI_MOVEMENT], today=TODAY + timedelta(days=5)
    )
    assert after.items == []


# OWNER_INACTIVE


async def test_active_initiative_owned_by_an_inactive_person(session: AsyncSession) -> None:
    d = await dept(session, "finance")
    gone = await make_person(session, department_id=d.id, name="Jane Doe", is_active=False)
    await make_initiative(
        session, department_id=d.id, owner_id=gone.id, code="INI-070", title="Budget tool"
    )
    await make_initiative(
        session, department_id=d.id, owner_id=gone.id, code="INI-071", status="done"
    )
    assert await raised(session, FlagCode.OWNER_INACTIVE) == {
        "INI-070": "INI-070 Budget tool is active but its owner, Jane Doe, is no longer active."
    }


# The list: order, counts, filters, pages


async def _mixed(session: AsyncSession) -> None:
    d = await dept(session, "marketing")
    h = await dept(session, "hr")
    await make_initiative(
        session,
        department_id=d.id,
        code="INI-101",
        orientation="client_facing",
        origin="technology",
        start_date=TODAY - timedelta(days=5),
    )
    await make_initiative(
        session, department_id=h.id, code="INI-102", status="proposed", user_need=""
    )


async def test_sorted_by_severity_then_code_then_entity(session: AsyncSession) -> None:
    await _mixed(session)
    result = await service.list_flags(session, today=TODAY)
    keys = [(f.severity, f.code, f.entity_code) for f in result.items]
    assert keys == [
        ("high", "DEPARTMENT_UNCOVERED", "hr"),
        ("high", "MISSING_ENABLER", "INI-101"),
        ("high", "PORTFOLIO_CLIENT_SKEW", None),
        ("medium", "DEPARTMENT_CLIENT_SKEW", "marketing"),
        ("medium", "NO_KPI", "INI-101"),
        ("medium", "NO_USER_NEED", "INI-102"),
        ("medium", "TECH_PUSH", "INI-101"),
    ]
    assert result.counts == {
        "DEPARTMENT_UNCOVERED": 1,
        "MISSING_ENABLER": 1,
        "OWNER_INACTIVE": 0,
        "PORTFOLIO_CLIENT_SKEW": 1,
        "DEPARTMENT_CLIENT_SKEW": 1,
        "DONE_WITHOUT_KPI_MOVEMENT": 0,
        "ENABLER_LATE": 0,
        "IRRITANT_UNADDRESSED": 0,
        "KPI_OVERCLAIMED": 0,
        "NO_KPI": 1,
        "NO_USER_NEED": 1,
        "STALE_UPDATE": 0,
        "TECH_PUSH": 1,
        "CX_KPI_WITHOUT_EX_DRIVER": 0,
        "KPI_UNMEASURED": 0,
        "SILO_KPI": 0,
    }
    assert list(result.counts) == [
        "DEPARTMENT_UNCOVERED",
        "MISSING_ENABLER",
        "OWNER_INACTIVE",
        "PORTFOLIO_CLIENT_SKEW",
        "DEPARTMENT_CLIENT_SKEW",
        "DONE_WITHOUT_KPI_MOVEMENT",
        "ENABLER_LATE",
        "IRRITANT_UNADDRESSED",
        "KPI_OVERCLAIMED",
        "NO_KPI",
        "NO_USER_NEED",
        "STALE_UPDATE",
        "TECH_PUSH",
        "CX_KPI_WITHOUT_EX_DRIVER",
        "KPI_UNMEASURED",
        "SILO_KPI",
    ]


async def test_pages_follow_the_sort_order(session: AsyncSession) -> None:
    await _mixed(session)
    whole = [f.message for f in (await service.list_flags(session, today=TODAY)).items]
    seen: list[str] = []
    cursor = None
    while True:
        page = await service.list_flags(session, today=TODAY, limit=3, cursor=cursor)
        assert page.counts["NO_KPI"] == 1
        seen += [f.message for f in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == whole


async def test_filters_by_code_severity_and_department(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _mixed(session)
    url = "/api/v1/portfolio/flags"
    by_severity = (await client.get(url, params={"severity": ["high"]})).json()
    assert [f["code"] for f in by_severity["items"]] == [
        "DEPARTMENT_UNCOVERED",
        "MISSING_ENABLER",
        "PORTFOLIO_CLIENT_SKEW",
    ]
    assert by_severity["counts"]["NO_KPI"] == 0
    by_code = (await client.get(url, params={"code": ["NO_KPI", "TECH_PUSH"]})).json()
    assert [f["code"] for f in by_code["items"]] == ["NO_KPI", "TECH_PUSH"]
    by_department = (await client.get(url, params={"department": "hr"})).json()
    assert [(f["code"], f["entity_code"]) for f in by_department["items"]] == [
        ("DEPARTMENT_UNCOVERED", "hr"),
        ("NO_USER_NEED", "INI-102"),
    ]
    item = by_department["items"][1]
    assert set(item) == {
        "code",
        "severity",
        "entity_type",
        "entity_id",
        "entity_code",
        "department_code",
        "message",
        "stakes",
        "age_days",
        "state",
        "should_act",
        "assigned_to",
        "acknowledged_by",
        "acknowledged_at",
        "note",
        "snoozed_until",
    }


async def test_bad_filters_are_422(client: httpx.AsyncClient) -> None:
    url = "/api/v1/portfolio/flags"
    for params, field in (
        ({"code": "NOPE"}, "code.0"),
        ({"severity": "urgent"}, "severity.0"),
        ({"department": "nowhere"}, "department"),
        ({"owner_line": 424242}, "owner_line"),
        ({"cursor": "garbage!"}, "cursor"),
    ):
        response = await client.get(url, params=params)
        assert response.status_code == 422, params
        assert response.json()["field"] == field
