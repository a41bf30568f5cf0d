"""The demo company tells the thrust story on first start: customer KPIs cleared by an
employee driver two steps away, promises whose enablers land late, credited movement."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative, Kpi
from service.demo.loader import load_company
from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagCode
from service.thrust import service

TODAY = date(2026, 11, 23)


async def test_the_demo_company_shows_the_chain_and_late_enablers(session: AsyncSession) -> None:
    await load_company(session, today=TODAY)
    codes = [FlagCode.CX_KPI_WITHOUT_EX_DRIVER, FlagCode.ENABLER_LATE]
    flags = await portfolio.list_flags(session, codes=codes, today=TODAY)
    raised = sorted((f.code.value, f.entity_code) for f in flags.items)
    assert raised == [
        ("CX_KPI_WITHOUT_EX_DRIVER", "LOYALTY-ACTIVE"),
        ("CX_KPI_WITHOUT_EX_DRIVER", "REPEAT-RATE"),
        ("ENABLER_LATE", "INI-016"),
        ("ENABLER_LATE", "INI-036"),
    ]
    shop = await session.scalar(select(Initiative.id).where(Initiative.code == "INI-012"))
    assert shop is not None
    thrust = await service.thrust(session, shop)
    paths = {
        (cx.kpi.code, d.kpi.code): (d.depth, d.path) for cx in thrust.cx_kpis for d in cx.drivers
    }
    assert paths[("CONVERSION", "STORE-TOOL-SAT")] == (
        2,
        ["STORE-TOOL-SAT", "STOCKOUT", "CONVERSION"],
    )
    # INI-001 lands the same day as INI-012: on time, so no ENABLER_LATE.
    assert [(e.code, e.late) for e in thrust.enablers] == [("INI-001", False)]
    nps = await session.scalar(select(Kpi.id).where(Kpi.code == "NPS"))
    assert nps is not None
    who = await service.contributions(session, nps, today=TODAY, limit=3)
    assert (who.links, who.credited_links, who.credited_total) == (6, 4, Decimal("5.4290"))
    assert [(i.initiative_code, i.credited) for i in who.items] == [
        ("INI-039", Decimal("2.2250")),
        ("INI-014", Decimal("1.4280")),
        ("INI-022", Decimal("1.0700")),
    ]
