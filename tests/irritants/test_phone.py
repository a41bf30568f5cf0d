"""The irritant pages on a phone (390 px wide) in real headless Chromium: a contributor
raises an irritant with the form and finds it in the ranked list; a colleague votes
"me too" from the list."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from service.actor import Role
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    LiveSite,
    chromium,
    chromium_path,
    screenshot,
    sign_in,
    site,
)

PHONE = {"width": 390, "height": 844}
TITLE = "The shared printer jams on every payslip run"


@pytest.fixture
async def phone(chromium: Any) -> AsyncIterator[Any]:  # noqa: F811 (the imported fixture)
    """Opens phone-sized tabs, each with its own cookies; fails on any JavaScript error."""
    contexts: list[Any] = []
    errors: list[str] = []

    async def open_tab() -> Any:
        context = await chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        tab = await context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        return tab

    yield open_tab
    for context in contexts:
        await context.close()
    assert errors == []


async def _fits(page: Any) -> bool:
    """Whether the page fits the phone's width (no sideways scrolling)."""
    return bool(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


async def test_raise_an_irritant_and_vote_for_it_on_a_phone(
    phone: Any,
    site: LiveSite,  # noqa: F811 (the imported fixture)
) -> None:
    raiser = await phone()
    await sign_in(raiser, site, site.login(Role.contributor))
    await raiser.goto(f"{site.url}/irritants/new")
    await raiser.get_by_label("What hurts").fill(TITLE)
    await raiser.get_by_label("Where").select_option(label="Human Resources")
    await raiser.get_by_label("In one line (optional)").fill("Forty minutes lost each month.")
    assert await _fits(raiser)
    await raiser.get_by_role("button", name="Raise it").click()
    await raiser.wait_for_selector("text=your irritant is raised")
    await raiser.goto(f"{site.url}/irritants")
    mine = raiser.locator("li.irritant", has=raiser.get_by_role("link", name=TITLE))
    assert await mine.locator(".votes strong").inner_text() == "1"
    assert await _fits(raiser)

    colleague = await phone()
    await sign_in(colleague, site, site.login(Role.department_head, "hr"))
    await colleague.goto(f"{site.url}/irritants")
    row = colleague.locator("li.irritant", has=colleague.get_by_role("link", name=TITLE))
    await row.get_by_role("button", name="Me too").click()
    await colleague.wait_for_selector("text=Your vote counts.")
    row = colleague.locator("li.irritant", has=colleague.get_by_role("link", name=TITLE))
    assert await row.locator(".votes strong").inner_text() == "2"
    assert await row.get_by_role("button", name="Voted ✓").get_attribute("aria-pressed") == "true"
    await screenshot(colleague, "irritants-phone")
