"""MISSING_ENABLER counts live internal enablers only, linked either way (migration 0009)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service.portfolio import service
from service.portfolio.payloads import FlagCode
from tests.factories import link_initiatives, make_department, make_initiative

TODAY = date(2026, 11, 23)


async def _missing(session: AsyncSession) -> list[str | None]:
    flags = await service.list_flags(session, codes=[FlagCode.MISSING_ENABLER], today=TODAY)
    return [flag.entity_code for flag in flags.items]


async def _promise(session: AsyncSession) -> tuple[int, Initiative]:
    d = await make_department(session)
    promise = await make_initiative(
        session, department_id=d.id, orientation="client_facing", code="INI-PROMISE"
    )
    return d.id, promise


async def test_a_proposed_enabler_does_not_count(session: AsyncSession) -> None:
    department_id, promise = await _promise(session)
    proposal = await make_initiative(session, department_id=department_id, status="proposed")
    await link_initiatives(session, proposal, promise)
    assert await _missing(session) == ["INI-PROMISE"]
    proposal.status = "approved"  # type: ignore[assignment]
    await session.flush()
    assert await _missing(session) == []


async def test_depending_on_an_approved_internal_initiative_counts(
    session: AsyncSession,
) -> None:
    department_id, promise = await _promise(session)
    platform = await make_initiative(session, department_id=department_id, status="approved")
    await link_initiatives(session, promise, platform, kind="depends_on")
    assert await _missing(session) == []
    # The other way round, the platform depending on the promise, enables nothing.
    other = await make_initiative(
        session, department_id=department_id, orientation="client_facing", code="INI-OTHER"
    )
    await link_initiatives(session, platform, other, kind="depends_on")
    assert await _missing(session) == ["INI-OTHER"]


async def test_stopping_the_enabler_raises_the_flag_again(session: AsyncSession) -> None:
    department_id, promise = await _promise(session)
    enabler = await make_initiative(session, department_id=department_id, orientation="hybrid")
    await link_initiatives(session, promise, enabler, kind="depends_on")
    assert await _missing(session) == []
    enabler.status, enabler.lessons_learned = "stopped", "A vendor tool does it."  # type: ignore[assignment]
    await session.flush()
    assert await _missing(session) == ["INI-PROMISE"]


async def test_a_done_enabler_still_counts(session: AsyncSession) -> None:
    department_id, promise = await _promise(session)
    enabler = await make_initiative(session, department_id=department_id, status="done")
    await link_initiatives(session, promise, enabler, kind="depends_on")
    assert await _missing(session) == []
