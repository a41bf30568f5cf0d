"""The department page (GET /departments/{id}) and a head's "My department"."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.irritants import service as irritants
from service.irritants.payloads import IrritantCreate
from tests.pages.conftest import TODAY, Browser, World


def _section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


async def test_a_head_reaches_their_department_from_the_menu(head: Browser, world: World) -> None:
    dashboard = (await head.get("/")).text
    assert '<a href="/departments/mine"' in dashboard and "My department" in dashboard
    mine = await head.get("/departments/mine")
    assert mine.status_code == 200
    assert "<h1>Marketing" in mine.text
    assert '<a href="/departments/mine" aria-current="page">My department</a>' in mine.text
    # The more specific entry is the current one, not both.
    assert mine.text.count('aria-current="page"') == 1
    assert f'href="/initiatives?department={world.marketing.id}">Every initiative' in mine.text


async def test_only_a_head_has_a_department_of_their_own(cdo: Browser, viewer: Browser) -> None:
    for other in (cdo, viewer):
        assert "/departments/mine" not in (await other.get("/")).text
        refused = await other.get("/departments/mine")
        assert refused.status_code == 403


async def test_the_page_shows_open_work_kpis_flags_and_irritants(
    head: Browser, world: World, session: AsyncSession
) -> None:
    await irritants.raise_irritant(
        session,
        SYSTEM,
        IrritantCreate(title="Coupons are typed twice", department_id=world.marketing.id),
    )
    await session.commit()
    response = await head.get(f"/departments/{world.marketing.id}")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Marketing" in page
    assert 'Head: <a href="/people/' in page and "Julien Roche</a>" in page
    work = _section(page, "initiatives-title")
    # Worst health first: the shop has a check-in (green), the idea none yet.
    assert work.index("INI-001") < work.index("INI-003")
    assert "INI-002" not in work  # an IT initiative
    shop = work.split("INI-001", 1)[1].split("</tr>")[0]
    assert "Green" in shop and ">45.0%<" in shop
    checked_in = TODAY - timedelta(days=10)
    assert f"{checked_in.day} {checked_in:%b %Y}" in shop
    assert f'href="/initiatives/{world.shop.id}/checkins/new">Check in' in shop
    kpis = _section(page, "kpis-title")
    assert f'href="/kpis/{world.nps.id}"><span class="code">NPS</span>' in kpis
    assert "Shared" in kpis
    flags = _section(page, "flags-title")
    assert f'<a href="/initiatives/{world.idea.id}">' in flags  # its tech push
    assert "starts from a technology, not from a user need." in flags
    irritant_list = _section(page, "irritants-title")
    assert "Coupons are typed twice" in irritant_list and "not addressed yet" in irritant_list


async def test_every_reader_may_open_a_department(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/departments/{world.hr.id}")).text
    assert "No open initiative: the department is left dark." in page
    assert "No KPI names this department as accountable." in page
    assert "Check in" not in page and "New initiative" not in page
    assert (await viewer.get("/departments/987654")).status_code == 404


async def test_the_departments_list_links_each_department_page(
    viewer: Browser, world: World
) -> None:
    page = (await viewer.get("/departments")).text
    assert f'<a href="/departments/{world.hr.id}">Human Resources</a>' in page
