"""Pages: the dashboard and today's snapshot."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import PortfolioSnapshot
from tests.conftest import QueryCounter
from tests.pages.conftest import Browser, World, grow


async def test_dashboard_shows_the_balance_against_the_band(cdo: Browser, world: World) -> None:
    response = await cdo.get("/")
    assert response.status_code == 200
    page = response.text
    assert "2 active initiatives, €400 planned." in page
    assert '<span class="value">75.0%</span>' in page
    assert "Above the band (at most 60.0%)" in page
    assert (
        "Client-facing work is 75.0% of the active budget, above the band (at most 60.0%)." in page
    )


async def test_dashboard_charts_carry_their_data_and_a_table(cdo: Browser, world: World) -> None:
    page = (await cdo.get("/")).text
    assert page.count('class="chart-canvas"') == 1  # departments; no snapshot yet
    assert '"type":"bar"' in page
    assert '<svg class="bullet outside" id="chart-' in page  # the gauge needs no plotly.js
    assert '<rect class="bar" x="0" y="9" width="75.0%" height="10"/>' in page
    assert "Show the figures as a table" in page
    assert '<th scope="row"><a href="/initiatives?department=' in page
    assert "No snapshot yet: the trend starts with the first one" in page
    assert '<script src="/static/vendor/plotly/plotly-basic.min.js?v=4.1.1" defer>' in page


async def test_dashboard_lists_top_flags_and_dark_departments(cdo: Browser, world: World) -> None:
    page = (await cdo.get("/")).text
    assert '<span class="value">7</span>' in page  # flags raised
    assert f'<a href="/initiatives?department={world.hr.id}">Human Resources</a>' in page
    assert (
        f'<a href="/initiatives/{world.erp.id}">INI-002 Stock data in the ERP is active and'
        " linked to no KPI.</a>" in page
    )
    assert (
        f'<a href="/initiatives/{world.idea.id}">INI-003 Chatbot pilot states no user need' in page
    )


async def test_department_head_sees_their_initiatives_to_check_in_on(
    head: Browser, world: World
) -> None:
    page = (await head.get("/")).text
    assert "Your initiatives to check in on" in page
    assert f'href="/initiatives/{world.shop.id}/checkins/new">Check in' in page
    assert "INI-002" not in page.split("Your initiatives to check in on")[1].split("</section>")[0]
    assert "Take today's snapshot</button>" not in page


async def test_viewer_sees_no_snapshot_button_and_no_settings(
    viewer: Browser, world: World
) -> None:
    page = (await viewer.get("/")).text
    assert "Take today's snapshot</button>" not in page
    assert 'href="/settings"' not in page
    assert "Your initiatives to check in on" not in page


async def test_cdo_takes_todays_snapshot(cdo: Browser, world: World, session: AsyncSession) -> None:
    response = await cdo.post("/snapshots")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert await session.scalar(select(func.count()).select_from(PortfolioSnapshot)) == 1
    page = (await cdo.get("/")).text
    assert "Snapshot of" in page and "taken." in page
    assert page.count('class="chart-canvas"') == 2  # departments and trend


async def test_viewer_cannot_take_a_snapshot(viewer: Browser, world: World) -> None:
    response = await viewer.post("/snapshots")
    assert response.status_code == 403
    assert "may not change portfolio settings or snapshots" in response.text


async def test_dashboard_statements_do_not_grow_with_the_data(
    cdo: Browser, head: Browser, world: World, session: AsyncSession, queries: QueryCounter
) -> None:
    counts = []
    for size in (0, 12):
        await grow(session, world, size)
        for browser in (cdo, head):
            queries.reset()
            assert (await browser.get("/")).status_code == 200
            counts.append(queries.count)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[0] <= 12, counts
