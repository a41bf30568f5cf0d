"""ENABLER_LATE: a client-facing promise whose every live enabler lands after it."""

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagCode
from service.scenarios import evaluation
from service.scenarios.payloads import ScenarioMove
from tests.factories import link_initiatives, make_initiative

TODAY = date(2026, 11, 23)
DUE = date(2027, 3, 1)


async def late_flags(session: AsyncSession) -> dict[str | None, str]:
    flags = await portfolio.list_flags(session, codes=[FlagCode.ENABLER_LATE], today=TODAY)
    assert flags.counts[FlagCode.ENABLER_LATE.value] == len(flags.items)
    assert {f.severity for f in flags.items} <= {"medium"}
    return {f.entity_code: f.message for f in flags.items}


async def promise(session: AsyncSession, **fields: Any) -> Any:
    values = {"code": "P-1", "orientation": "client_facing", "target_date": DUE} | fields
    return await make_initiative(session, **values)


async def enabler(session: AsyncSession, target: Any, code: str, **fields: Any) -> Any:
    row = await make_initiative(session, code=code, title=f"Enabler {code}", **fields)
    await link_initiatives(session, row, target)
    return row


async def test_raised_when_every_live_enabler_lands_after_the_promise(
    session: AsyncSession,
) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=date(2027, 3, 2))
    await enabler(session, p, "E-2", target_date=date(2027, 5, 1))
    assert await late_flags(session) == {
        "P-1": f"P-1 {p.title} is client-facing and every live enabler lands after its target date:"
        " the earliest, E-1 on 2 Mar 2027, 1 day later."
    }


async def test_the_same_day_is_not_late(session: AsyncSession) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=DUE)
    assert await late_flags(session) == {}


async def test_one_enabler_on_time_is_enough(session: AsyncSession) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=date(2027, 6, 1))
    await enabler(session, p, "E-2", target_date=date(2027, 1, 1))
    assert await late_flags(session) == {}


async def test_a_done_enabler_has_landed_and_a_dead_one_does_not_count(
    session: AsyncSession,
) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=date(2027, 6, 1))
    # Proposed: not a live enabler, so its earlier date does not save the promise.
    await enabler(session, p, "E-2", target_date=date(2027, 1, 1), status="proposed")
    assert list(await late_flags(session)) == ["P-1"]
    done = await promise(session, code="P-2")
    await enabler(session, done, "E-3", target_date=date(2027, 6, 1), status="done")
    assert list(await late_flags(session)) == ["P-1"]


async def test_depends_on_links_and_hybrid_enablers_count(session: AsyncSession) -> None:
    p = await promise(session)
    hybrid = await make_initiative(
        session, code="E-1", orientation="hybrid", target_date=date(2027, 4, 1)
    )
    await link_initiatives(session, p, hybrid, kind="depends_on")
    [message] = (await late_flags(session)).values()
    assert message.endswith("the earliest, E-1 on 1 Apr 2027, 31 days later.")


async def test_not_raised_without_dates_enablers_or_outside_client_facing_active_work(
    session: AsyncSession,
) -> None:
    undated = await promise(session, code="P-1", target_date=None)
    await enabler(session, undated, "E-1", target_date=date(2027, 6, 1))
    open_ended = await promise(session, code="P-2")
    await enabler(session, open_ended, "E-2", target_date=None)
    await promise(session, code="P-3")  # no enabler: MISSING_ENABLER says so
    hybrid = await promise(session, code="P-4", orientation="hybrid")
    await enabler(session, hybrid, "E-4", target_date=date(2027, 6, 1))
    proposed = await promise(session, code="P-5", status="proposed")
    await enabler(session, proposed, "E-5", target_date=date(2027, 6, 1))
    assert await late_flags(session) == {}


async def test_a_scenario_that_stops_the_on_time_enabler_raises_it(
    session: AsyncSession,
) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=date(2027, 6, 1))
    on_time = await enabler(session, p, "E-2", target_date=date(2027, 1, 1))
    assert await late_flags(session) == {}
    stop = ScenarioMove(initiative_id=on_time.id, status="stopped", lessons_learned="Cut.")
    result = await evaluation.evaluate(session, [stop], today=TODAY)
    late = [f.entity_code for f in result.appearing if f.code == "ENABLER_LATE"]
    assert late == ["P-1"]
    assert result.after.flag_counts["ENABLER_LATE"] == 1
    assert result.before.flag_counts["ENABLER_LATE"] == 0


async def test_raised_within_a_reporting_line(session: AsyncSession) -> None:
    p = await promise(session)
    await enabler(session, p, "E-1", target_date=date(2027, 4, 1))
    flags = await portfolio.list_flags(
        session, codes=[FlagCode.ENABLER_LATE], owner_line=p.owner_id, today=TODAY
    )
    assert [(f.entity_code, f.department_code is not None) for f in flags.items] == [("P-1", True)]
