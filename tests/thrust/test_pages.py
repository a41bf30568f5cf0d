"""Pages: the chain view and the credited movement on the initiative page, and who moved a
KPI on the KPI page."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    link_initiatives,
    link_kpi,
    make_driver,
    make_initiative,
    make_kpi,
    make_measurement,
    make_update,
)
from tests.pages.conftest import SignIn


async def test_the_pages_draw_the_chain_and_the_credits(
    session: AsyncSession, sign_in: SignIn
) -> None:
    cx = await make_kpi(session, code="NPS", name="Net Promoter Score", perspective="customer")
    ops = await make_kpi(session, code="AHT", name="Handling time", perspective="operations")
    ex = await make_kpi(session, code="ESAT", name="Agent tooling", perspective="employee")
    await make_driver(session, ex, ops)
    await make_driver(session, ops, cx)
    await make_measurement(session, cx, date(2025, 12, 1), "20")
    await make_measurement(session, cx, date(2026, 6, 1), "26")
    promise = await make_initiative(
        session,
        code="P-1",
        title="Self-service returns",
        orientation="client_facing",
        target_date=date(2027, 3, 1),
    )
    tool = await make_initiative(
        session, code="E-1", title="Agent console", target_date=date(2027, 4, 1)
    )
    await make_update(session, tool, health="red")
    await link_initiatives(session, tool, promise)
    await link_kpi(session, promise, cx, "0.5")
    await link_kpi(session, tool, ex)
    await session.commit()
    viewer = await sign_in("viewer")

    page = (await viewer.get(f"/initiatives/{promise.id}")).text
    chain = page.split('id="thrust-title"')[1].split("</section>")[0]
    assert "Every live enabler lands after this initiative's target date (1 Mar 2027)." in chain
    assert '<span class="code">E-1</span> Agent console' in chain
    assert "target 1 Apr 2027 (after the promise)" in chain
    assert "ESAT → AHT → NPS" in chain
    assert chain.index("1. Enablers") < chain.index("ESAT") < chain.index("4. The promise")
    credits = page.split('id="outcomes-title"')[1].split("</section>")[0]
    assert "20.00 (1 Dec 2025)" in credits and "26.00 (1 Jun 2026)" in credits
    assert '<td class="num">6.00</td><td class="num">50.0%</td><td class="num">3.00</td>' in credits

    internal = (await viewer.get(f"/initiatives/{tool.id}")).text
    assert "An internal initiative is the thrust behind promises" in internal
    assert "Promises it enables" in internal

    kpi_page = (await viewer.get(f"/kpis/{cx.id}")).text
    who = kpi_page.split('id="contrib-title"')[1].split("</section>")[0]
    assert '<span class="code">P-1</span> Self-service returns' in who
    assert "1 of 1 links credited, 3.00 in total." in who
