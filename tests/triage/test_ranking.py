"""The ranking: money at stake, then age, then severity; with who should act; snoozes end."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service.actor import Actor, Role
from service.portfolio import service as portfolio_service
from service.triage import service
from service.triage.payloads import AcknowledgeIn, FlagKey, SnoozeIn
from tests.factories import link_kpi, make_kpi
from tests.triage.conftest import CODES, TODAY, Portfolio


def _cdo(portfolio: Portfolio) -> Actor:
    return Actor(account_id=portfolio.accounts["cdo"], role=Role.cdo_office, label="cdo")


async def test_money_then_age_then_severity_each_with_who_should_act(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    ranked = await service.rank_flags(session, codes=CODES, today=TODAY)
    initiatives = ("big_spend", "big_budget", "old", "orphan", "recent")
    names = {portfolio.ids[name]: name for name in initiatives}
    assert [
        (
            names[f.entity_id or 0],
            f.code.value,
            f.stakes,
            f.age_days,
            f.should_act and f.should_act.name,
        )
        for f in ranked.items
    ] == [
        ("big_spend", "NO_KPI", Decimal("800.00"), 0, "Olga"),
        ("big_budget", "NO_KPI", Decimal("500.00"), 0, "Olga"),
        ("old", "NO_KPI", Decimal("300.00"), 10, "Olga"),
        ("orphan", "OWNER_INACTIVE", Decimal("300.00"), 2, "Hana"),
        ("recent", "NO_KPI", Decimal("300.00"), 2, "Olga"),
    ]
    assert ranked.states == {"to_act_on": 5, "acknowledged": 0, "snoozed": 0}
    assert ranked.to_act_on["NO_KPI"].model_dump() == {"count": 4, "stakes": Decimal("1900.00")}
    assert str(ranked.to_act_on["NO_KPI"].stakes) == "1900.00"  # exact money, not a float


async def test_pages_follow_the_ranking(session: AsyncSession, portfolio: Portfolio) -> None:
    seen, cursor = [], None
    while True:
        page = await service.rank_flags(session, codes=CODES, today=TODAY, limit=2, cursor=cursor)
        seen += [f.entity_id for f in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    whole = await service.rank_flags(session, codes=CODES, today=TODAY)
    assert seen == [f.entity_id for f in whole.items]
    assert len(seen) == 5


async def test_acknowledged_flags_leave_the_list_and_stay_counted(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    key = FlagKey(CODES[0], "initiative", portfolio.ids["big_spend"])
    done = await service.acknowledge(
        session, _cdo(portfolio), key, AcknowledgeIn(note="Budget review in January."), today=TODAY
    )
    assert (done.state, done.note) == ("acknowledged", "Budget review in January.")
    ranked = await service.rank_flags(session, codes=CODES, today=TODAY)
    assert portfolio.ids["big_spend"] not in [f.entity_id for f in ranked.items]
    assert ranked.counts["NO_KPI"] == 4
    assert ranked.states == {"to_act_on": 4, "acknowledged": 1, "snoozed": 0}
    acknowledged = await service.rank_flags(session, view="acknowledged", codes=CODES, today=TODAY)
    assert [f.entity_id for f in acknowledged.items] == [portfolio.ids["big_spend"]]


async def test_a_snooze_ends_on_its_day(session: AsyncSession, portfolio: Portfolio) -> None:
    key = FlagKey(CODES[0], "initiative", portfolio.ids["big_budget"])
    until = TODAY + timedelta(days=3)
    await service.snooze(session, _cdo(portfolio), key, SnoozeIn(until=until), today=TODAY)
    for day, listed in ((TODAY, False), (until - timedelta(days=1), False), (until, True)):
        ranked = await service.rank_flags(session, codes=CODES, today=day)
        assert (portfolio.ids["big_budget"] in [f.entity_id for f in ranked.items]) is listed
        assert ranked.states["snoozed"] == (0 if listed else 1)


async def test_the_refresh_records_first_sightings_and_forgets_cleared_flags(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    everything = await portfolio_service.list_flags(session, today=TODAY, limit=0)
    first = await service.refresh(session, today=TODAY)
    assert (first.raised, first.cleared) == (sum(everything.counts.values()) - 3, 0)
    assert first.counts == everything.counts
    later = await service.rank_flags(session, codes=CODES, today=TODAY + timedelta(days=4))
    ages = {f.entity_id: f.age_days for f in later.items}
    assert ages[portfolio.ids["old"]] == 14
    assert ages[portfolio.ids["big_spend"]] == 4
    recent = await session.get(Initiative, portfolio.ids["recent"])
    kpi = await make_kpi(session)
    assert recent is not None
    await link_kpi(session, recent, kpi)
    # NO_KPI clears; the new KPI raises KPI_UNMEASURED and, being single-department, SILO_KPI.
    again = await service.refresh(session, today=TODAY)
    assert (again.raised, again.cleared) == (2, 1)
