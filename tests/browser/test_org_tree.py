"""The org tree in real headless Chromium: collapsed, a person's reports fetched when
opened, and the search opening the tree down to someone."""

from typing import Any

from playwright.async_api import expect

from service.actor import Role
from tests.browser.conftest import LiveSite, screenshot, sign_in


async def test_tree_opens_lazily_and_search_opens_the_path(page: Any, site: LiveSite) -> None:
    await sign_in(page, site, site.login(Role.viewer))
    await page.goto(f"{site.url}/org")
    tree = page.locator("[data-tree]")
    assert await tree.locator(".person").count() == 9  # the top and their direct reports
    assert await tree.get_by_role("link", name="Marc Lefebvre", exact=True).count() == 0

    thomas = tree.get_by_role("button", name="direct reports of Thomas Berger")
    await expect(thomas).to_have_attribute("aria-expanded", "false")
    async with page.expect_response(lambda r: "/org/branch/" in r.url) as fetched:
        await thomas.click()
    assert (await fetched.value).status == 200
    await expect(thomas).to_have_attribute("aria-expanded", "true")
    marc = tree.get_by_role("link", name="Marc Lefebvre", exact=True)
    await expect(marc).to_be_visible()
    await expect(
        tree.get_by_role("button", name="direct reports of Marc Lefebvre")
    ).to_have_attribute("aria-expanded", "false")
    await thomas.press("Enter")  # closes in place, no second request
    await expect(thomas).to_have_attribute("aria-expanded", "false")
    await expect(marc).to_be_hidden()

    search = page.get_by_role("combobox", name="Find a person")
    await search.press_sequentially("gauthier", delay=30)
    await expect(page.get_by_role("option", name="Félix Gauthier — Demand Planner")).to_be_visible()
    await search.press("ArrowDown")
    async with page.expect_navigation():
        await search.press("Enter")
    assert "open=" in page.url
    found = page.locator("li.found")
    await expect(found.get_by_role("link", name="Félix Gauthier", exact=True)).to_be_visible()
    for name in ("Thomas Berger", "Marc Lefebvre"):
        await expect(tree.get_by_role("link", name=name, exact=True)).to_be_visible()
    await screenshot(page, "org-tree-found")
