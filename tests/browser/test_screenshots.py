"""Every main page opens in a real browser without a script error; screenshots of each.

Set DOCS_SCREENSHOTS=1 to write the README's screenshots (docs/screenshots/) as well.
"""

import os
from pathlib import Path
from typing import Any

from service.actor import Role
from tests.browser.conftest import LiveSite, screenshot, sign_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The README's screenshots: 1280 px wide, cut at this height to stay small.
DOCS_HEIGHT = 1200
DOCS_PAGES = ("dashboard", "initiatives", "initiative", "checkin", "kpi", "org")


async def _initiative_id(page: Any, site: LiveSite, title: str) -> str:
    await page.goto(f"{site.url}/initiatives?q={title}")
    href = await page.get_by_role("link", name=title).first.get_attribute("href")
    assert href is not None
    return href


async def _capture(page: Any, name: str) -> None:
    await page.wait_for_load_state("networkidle")
    drawn = await page.locator("[data-figure]").count()
    if drawn:
        await page.wait_for_function(
            f"document.querySelectorAll(\"[data-drawn='true']\").length >= {drawn}"
        )
    await screenshot(page, name)
    if os.environ.get("DOCS_SCREENSHOTS") and name in DOCS_PAGES:
        DOCS.mkdir(parents=True, exist_ok=True)
        height = min(DOCS_HEIGHT, await page.evaluate("document.body.scrollHeight"))
        clip = {"x": 0, "y": 0, "width": 1280, "height": height}
        await page.screenshot(path=str(DOCS / f"{name}.png"), clip=clip, full_page=True)


async def test_main_pages_render_in_a_browser(page: Any, site: LiveSite) -> None:
    await sign_in(page, site, site.login(Role.cdo_office))
    await _capture(page, "dashboard")
    await page.goto(f"{site.url}/initiatives")
    await _capture(page, "initiatives")
    detail = await _initiative_id(page, site, "Supply-chain traceability to cut stock-outs")
    await page.goto(f"{site.url}{detail}")
    await _capture(page, "initiative")
    await page.goto(f"{site.url}{detail}/checkins/new")
    await _capture(page, "checkin")
    await page.goto(f"{site.url}/kpis")
    await _capture(page, "kpis")
    await page.get_by_role("link", name="Net Promoter Score").first.click()
    await _capture(page, "kpi")
    await page.goto(f"{site.url}/org")
    await _capture(page, "org")
    for name in ("departments", "flags", "decisions", "settings", "tokens"):
        await page.goto(f"{site.url}/{name}")
        await _capture(page, name)


async def test_pages_fit_a_phone(chromium: Any, site: LiveSite) -> None:
    context = await chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = await context.new_page()
    try:
        await sign_in(phone, site, site.login(Role.department_head, "operations"))
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        await screenshot(phone, "phone-dashboard")
        await phone.goto(f"{site.url}/initiatives")
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        await screenshot(phone, "phone-initiatives")
        await phone.context.clear_cookies()
        await sign_in(phone, site, site.login(Role.cdo_office))
        await phone.goto(f"{site.url}/decisions")
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        await screenshot(phone, "phone-decisions")
    finally:
        await context.close()


async def test_keyboard_reaches_the_content_first(page: Any, site: LiveSite) -> None:
    # A page without autofocus (the sign-in page starts in its email field).
    await sign_in(page, site, site.login(Role.cdo_office))
    await page.goto(f"{site.url}/initiatives")
    await page.keyboard.press("Tab")
    focused = await page.evaluate(
        "[document.activeElement.textContent, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["Skip to content", "#main"]
    await page.keyboard.press("Enter")
    assert await page.evaluate("location.hash") == "#main"
