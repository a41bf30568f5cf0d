"""Pages: an initiative's page."""

from sqlalchemy.ext.asyncio import AsyncSession

from service import audit
from service.actor import Actor, Role
from tests.pages.conftest import Browser, World


async def test_page_shows_need_fields_kpis_links_checkins_and_flags(
    viewer: Browser, world: World
) -> None:
    response = await viewer.get(f"/initiatives/{world.shop.id}")
    assert response.status_code == 200
    page = response.text
    assert '<span class="code">INI-001</span> Web shop redesign' in page
    assert "Teams lose time re-keying data." in page  # the user need
    assert "<dt>Target users</dt><dd>Online shoppers</dd>" in page
    assert (
        f'<a href="/kpis/{world.nps.id}"><span class="code">NPS</span> Net Promoter Score' in page
    )
    assert '<td class="num">60.0%</td>' in page  # the KPI's weight
    enabled_by = page.split("<h3>Enabled by</h3>")[1].split("</ul>")[0]
    assert f'href="/initiatives/{world.erp.id}"' in enabled_by
    assert "Checkout rebuilt." in page and "Design done." in page
    assert page.index("Checkout rebuilt.") < page.index("Design done.")  # newest first
    assert "2 check-ins; the latest" in page and "reports 45.0% complete and green health." in page
    assert '"type":"scatter"' in page
    assert "<dd>€120</dd>" in page  # spent to date from the latest check-in


async def test_page_lists_its_own_flags(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/initiatives/{world.idea.id}")).text
    flags = page.split("Flags on this initiative")[1].split("</section>")[0]
    assert "INI-003 Chatbot pilot starts from a technology, not from a user need." in flags
    assert "INI-003 Chatbot pilot states no user need (origin: technology)." in flags
    assert "No check-in yet — add the first one." in page
    assert "Linked to no KPI yet" in page
    assert "No internal initiative enables this client-facing promise yet." in page


async def test_page_shows_the_history(viewer: Browser, world: World, session: AsyncSession) -> None:
    actor = Actor(account_id=None, role=Role.cdo_office, label="nora@example.com")
    before, after = {"status": "proposed", "version": 1}, {"status": "approved", "version": 2}
    await audit.record(session, actor, "update", "initiative", world.idea.id, before, after)
    await session.commit()
    page = (await viewer.get(f"/initiatives/{world.idea.id}")).text
    history = page.split('id="history-title"')[1]
    assert "<td>nora@example.com</td>" in history
    assert "<td>Changed the initiative: status proposed → approved</td>" in history


async def test_viewer_sees_no_action(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/initiatives/{world.shop.id}")).text
    for action in ("/edit", "/checkins/new", "/status", ">Put on hold<", ">Mark done<"):
        assert action not in page, action


async def test_head_acts_on_own_department_only(head: Browser, world: World) -> None:
    own = (await head.get(f"/initiatives/{world.shop.id}")).text
    assert f'href="/initiatives/{world.shop.id}/edit"' in own
    assert f'href="/initiatives/{world.shop.id}/checkins/new"' in own
    assert ">Put on hold</button>" in own
    assert f'href="/initiatives/{world.shop.id}/status?to=done">Mark done…' in own
    assert f'href="/initiatives/{world.shop.id}/status?to=stopped">Stop…' in own
    other = (await head.get(f"/initiatives/{world.erp.id}")).text
    assert "/edit" not in other and "/checkins/new" not in other


async def test_unknown_initiative_is_a_404_page(viewer: Browser, world: World) -> None:
    for url in ("/initiatives/987654", "/initiatives/abc", "/initiatives/987654/edit"):
        response = await viewer.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text or "does not exist" in response.text
        assert "Traceback" not in response.text
