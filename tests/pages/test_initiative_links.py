"""Pages: linking an initiative to KPIs and to other initiatives from its page."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import InitiativeKpi, InitiativeLink
from tests.factories import make_kpi
from tests.pages.conftest import Browser, World


async def test_forms_show_only_to_those_who_may_edit(
    viewer: Browser, head: Browser, world: World
) -> None:
    assert "Link a KPI" not in (await viewer.get(f"/initiatives/{world.shop.id}")).text
    page = (await head.get(f"/initiatives/{world.shop.id}")).text
    assert "<summary>Link a KPI</summary>" in page
    assert 'data-picker="kpis"' in page and "Net Promoter Score</option>" not in page
    assert "<summary>Link another initiative</summary>" in page
    assert 'data-picker="initiatives" data-picker-value="code"' in page


async def test_link_then_unlink_a_kpi(head: Browser, world: World, session: AsyncSession) -> None:
    kpi = await make_kpi(
        session, code="CONV", name="Conversion", department_ids=[world.marketing.id]
    )
    kpi_id = int(kpi.id)
    await session.commit()
    form = {"kpi_id": str(kpi_id), "weight": "40", "rationale": "Faster checkout."}
    response = await head.post(f"/initiatives/{world.idea.id}/kpis", form)
    assert response.status_code == 303
    stmt = select(InitiativeKpi).where(InitiativeKpi.initiative_id == world.idea.id)
    link = await session.scalar(stmt)
    assert link is not None
    assert (link.kpi_id, str(link.weight), link.rationale) == (kpi_id, "0.4000", "Faster checkout.")
    page = (await head.get(f"/initiatives/{world.idea.id}")).text
    assert "KPI linked." in page and '<td class="num">40.0%</td>' in page
    removed = await head.post(f"/initiatives/{world.idea.id}/kpis/{kpi_id}/delete")
    assert removed.status_code == 303
    assert await session.scalar(stmt.execution_options(populate_existing=True)) is None


async def test_kpi_link_errors_are_shown_on_the_page(head: Browser, world: World) -> None:
    response = await head.post(
        f"/initiatives/{world.idea.id}/kpis", {"kpi_id": "", "weight": "150"}
    )
    assert response.status_code == 422
    choose = "Choose a KPI from the suggestions (or enter its number)."
    assert f'<p class="error" id="e-kpi_id">{choose}</p>' in response.text
    assert (
        '<p class="error" id="e-weight">Enter a percentage between 0 and 100.</p>' in response.text
    )
    assert '<details class="inline-form" open>' in response.text


async def test_an_enabler_is_linked_by_code(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    form = {"direction": "enabled_by", "other_code": "ini-002"}
    response = await cdo.post(f"/initiatives/{world.idea.id}/links", form)
    assert response.status_code == 303
    link = await session.scalar(select(InitiativeLink).where(InitiativeLink.to_id == world.idea.id))
    assert link is not None and (link.from_id, link.kind) == (world.erp.id, "enables")
    page = (await cdo.get(f"/initiatives/{world.idea.id}")).text
    enabled_by = page.split("<h3>Enabled by</h3>")[1].split("</ul>")[0]
    assert "INI-002" in enabled_by
    link_id = int(link.id)
    removed = await cdo.post(f"/initiatives/{world.idea.id}/links/{link_id}/delete")
    assert removed.status_code == 303


async def test_link_errors_are_shown_next_to_the_code(
    cdo: Browser, head: Browser, world: World
) -> None:
    unknown = await cdo.post(
        f"/initiatives/{world.idea.id}/links", {"direction": "enables", "other_code": "INI-999"}
    )
    assert unknown.status_code == 422
    assert "No initiative has the code “INI-999”." in unknown.text
    itself = await cdo.post(
        f"/initiatives/{world.idea.id}/links", {"direction": "enables", "other_code": "INI-003"}
    )
    assert "An initiative cannot be linked to itself." in itself.text
    other_department = await head.post(
        f"/initiatives/{world.idea.id}/links", {"direction": "enabled_by", "other_code": "INI-002"}
    )
    assert other_department.status_code == 422
    assert "may not change this initiative" in other_department.text


async def test_viewer_cannot_link(viewer: Browser, world: World) -> None:
    response = await viewer.post(
        f"/initiatives/{world.idea.id}/kpis", {"kpi_id": str(world.nps.id)}
    )
    assert response.status_code == 403
