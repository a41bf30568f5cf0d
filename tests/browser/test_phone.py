"""A department head on a 390 px phone, one-handed: their initiatives as cards, Check in in
reach, nothing wider than the screen, charts without a tool bar and with readable axes."""

from typing import Any

from service.actor import Role
from tests.browser.conftest import LiveSite, screenshot, sign_in

PHONE = {"width": 390, "height": 844}

# The element's box, as [left, top, right, bottom].
BOX = "e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }"
# The boxes of every visible tick label of one axis of each drawn chart.
TICKS = """(els, axis) => els.map(chart => [...chart.querySelectorAll(`g.${axis}tick text`)]
  .map(t => t.getBoundingClientRect()).filter(b => b.width > 0)
  .map(b => [b.left, b.top, b.right, b.bottom]))"""


async def phone(chromium: Any) -> tuple[Any, Any, list[str]]:
    """A touch phone's context and tab, failing on any JavaScript error."""
    context = await chromium.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, tab, errors


async def assert_fits(page: Any, what: str) -> None:
    """Nothing on the page is wider than the phone: no sideways scroll."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width} px wide at {PHONE['width']} px"


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    """The pairs of boxes that overlap (touching edges do not)."""
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], i + 1)
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]


async def test_a_head_checks_in_from_a_card_on_a_phone(chromium: Any, site: LiveSite) -> None:
    context, page, errors = await phone(chromium)
    try:
        await sign_in(page, site, site.login(Role.department_head, "operations"))
        work = page.locator("section", has=page.get_by_role("heading", name="Your initiatives"))
        cards = work.locator("tbody > tr")
        assert await cards.count() > 0
        assert await work.locator("thead").is_hidden()
        for card in await cards.all():
            assert await card.evaluate("e => getComputedStyle(e).display") == "flex"
            left, _, right, _ = await card.evaluate(BOX)
            assert left >= 0 and right <= PHONE["width"]
        button = work.get_by_role("link", name="Check in").first
        left, top, right, bottom = await button.evaluate(BOX)
        assert left >= 0 and right <= PHONE["width"], (left, right)
        assert right - left >= 300 and bottom - top >= 40  # a thumb-sized, full-width target
        await assert_fits(page, "the dashboard")
        await screenshot(page, "phone-dashboard-head")
        await button.tap()
        await page.wait_for_selector("h1:has-text('Check in on')")
        await assert_fits(page, "the check-in form")
        await page.get_by_label("Percent complete").fill("64")
        await page.get_by_label("Green — on track").check()
        summary = "Checked in from a phone: the pilot warehouse runs on the new scanners."
        await page.get_by_label("Summary").fill(summary)
        await page.get_by_role("button", name="Post check-in").tap()
        await page.wait_for_selector("text=Check-in posted")
        timeline = await page.locator("#checkins").inner_text()
        assert summary in timeline and "64.0% complete" in timeline
        await assert_fits(page, "the initiative page")
        await screenshot(page, "phone-checkin-posted")
        await page.goto(f"{site.url}/initiatives")
        rows = page.locator("main table.cards tbody > tr")
        assert await rows.first.evaluate("e => getComputedStyle(e).display") == "flex"
        await assert_fits(page, "the initiatives list")
        await screenshot(page, "phone-initiatives", full_page=False)
        await page.goto(f"{site.url}/flags")
        await assert_fits(page, "the flags page")
    finally:
        await context.close()
    assert errors == []


async def test_charts_on_a_phone_have_no_tool_bar_and_readable_axes(
    chromium: Any, site: LiveSite
) -> None:
    context, page, errors = await phone(chromium)
    try:
        await sign_in(page, site, site.login(Role.cdo_office))
        await page.wait_for_function(
            "document.querySelectorAll(\"[data-drawn='true']\").length >= 2"
        )
        await assert_fits(page, "the dashboard")
        charts = page.locator(".chart-canvas")
        assert await page.locator(".modebar-btn").count() == 0  # no tool bar
        for chart in await charts.all():
            plot = await chart.locator(".nsewdrag").first.evaluate(BOX)
            legend = await chart.locator("g.legend").evaluate(BOX)
            assert legend[3] <= plot[1] + 0.5, "the legend covers the plot"
            left, _, right, _ = await chart.evaluate(BOX)
            assert left >= 0 and right <= PHONE["width"]
        for axis in ("x", "y"):
            for boxes in await charts.evaluate_all(TICKS, axis):
                assert boxes and overlapping(boxes) == [], f"{axis} tick labels overlap"
        await screenshot(page, "phone-dashboard-cdo")
    finally:
        await context.close()
    assert errors == []
