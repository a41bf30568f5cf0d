"""The pages in real headless Chromium, used as the people they are for would use them."""

from typing import Any

from service.actor import Role
from tests.browser.conftest import LiveSite, screenshot, sign_in


async def test_department_head_posts_a_checkin_and_sees_it(page: Any, site: LiveSite) -> None:
    head = site.login(Role.department_head, "operations")
    await sign_in(page, site, head)
    work = page.locator("section", has=page.get_by_role("heading", name="Your initiatives"))
    await work.get_by_role("link", name="Check in").first.click()
    await page.wait_for_selector("h1:has-text('Check in on')")
    assert await page.get_by_label("Percent complete").input_value() != ""
    await page.get_by_label("Percent complete").fill("72")
    await page.get_by_label("Amber — at risk").check()
    summary = "Carrier integration live in the north region; two warehouses still to go."
    await page.get_by_label("Summary").fill(summary)
    await screenshot(page, "checkin-form")
    await page.get_by_role("button", name="Post check-in").click()
    await page.wait_for_selector("text=Check-in posted")
    timeline = page.locator("#checkins")
    assert summary in await timeline.inner_text()
    assert "72.0% complete" in await timeline.inner_text()
    await screenshot(page, "checkin-posted")


async def test_cdo_dashboard_charts_render_with_data(page: Any, site: LiveSite) -> None:
    await sign_in(page, site, site.login(Role.cdo_office))
    await page.wait_for_selector("[data-drawn='true']")
    await page.wait_for_function("document.querySelectorAll(\"[data-drawn='true']\").length >= 2")
    charts = page.locator(".chart-canvas")
    assert await charts.count() == 2
    bars = page.locator(".chart-canvas svg.main-svg .trace.bars path")
    assert await bars.count() > 0
    gauge = page.locator("svg.bullet[role='img']")
    assert "% of the active budget" in str(await gauge.get_attribute("aria-label"))
    assert await gauge.locator("rect.bar").evaluate("e => e.getBBox().width") > 0
    trend = page.locator(".chart-canvas svg.main-svg .scatterlayer path.js-line")
    assert await trend.count() >= 2
    await page.get_by_role("link", name="By count").click()
    assert await page.get_by_role("link", name="By count").get_attribute("aria-current") == "true"
    assert page.url.endswith("/")  # switched in place, no reload
    await screenshot(page, "dashboard-cdo")


async def test_viewer_sees_no_edit_buttons(page: Any, site: LiveSite) -> None:
    await sign_in(page, site, site.login(Role.viewer))
    nav = page.get_by_role("navigation", name="Main")
    assert await nav.get_by_role("link", name="Settings").count() == 0
    await page.goto(f"{site.url}/initiatives")
    assert await page.get_by_role("link", name="New initiative").count() == 0
    await page.get_by_role("link", name="Supply-chain traceability").first.click()
    await page.wait_for_selector("h1")
    for name in ("Edit", "Post a check-in", "Stop…", "Put on hold", "Mark done"):
        assert await page.get_by_role("link", name=name).count() == 0, name
        assert await page.get_by_role("button", name=name).count() == 0, name
    assert "Supply-chain traceability" in await page.locator("h1").inner_text()
    await screenshot(page, "initiative-viewer")
