"""Flags without building them all: counts from one aggregate per code, and the flags of a
set of initiatives computed for that set, both equal to the full computation on the demo."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service.demo.loader import load_company
from service.portfolio import service

TODAY = date(2026, 11, 23)


async def test_counts_by_code_equal_the_counts_of_the_full_list(session: AsyncSession) -> None:
    await load_company(session, today=TODAY)
    full = await service.list_flags(session, today=TODAY, limit=1000)
    assert full.next_cursor is None
    counted = await service.list_flags(session, today=TODAY, limit=0)
    assert counted.items == []
    assert counted.counts == full.counts
    assert sum(counted.counts.values()) == len(full.items)
    for department in ("marketing", "it", "hr"):
        scoped = await service.list_flags(session, department=department, today=TODAY, limit=1000)
        only = await service.list_flags(session, department=department, today=TODAY, limit=0)
        assert only.counts == scoped.counts


async def test_each_initiatives_flags_equal_the_portfolios_filtered_to_it(
    session: AsyncSession,
) -> None:
    await load_company(session, today=TODAY)
    full = await service.list_flags(session, today=TODAY, limit=1000)
    ids = list((await session.scalars(select(Initiative.id).order_by(Initiative.id))).all())
    assert len(ids) == 40
    for initiative_id in ids:
        own = await service.list_flags(
            session, initiatives=[initiative_id], today=TODAY, limit=1000
        )
        expected = [
            f for f in full.items if f.entity_type == "initiative" and f.entity_id == initiative_id
        ]
        assert own.items == expected
    together = await service.list_flags(session, initiatives=ids, today=TODAY, limit=1000)
    assert together.items == [f for f in full.items if f.entity_type == "initiative"]
    assert len(together.items) > 10
