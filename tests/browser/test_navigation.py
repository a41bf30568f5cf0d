"""The menu in real headless Chromium: every destination reachable, not clipped, at phone,
laptop and desktop widths, with the keyboard and without JavaScript."""

from typing import Any

import pytest
from playwright.async_api import expect

from service.actor import Actor, Role
from service.auth import policy
from service.pages.render import ACCOUNT_PAGES, MORE, NAVIGATION
from tests.browser.conftest import LiveSite, screenshot, sign_in

HEIGHT = 844
ROLES = {"cdo": (Role.cdo_office, None), "head": (Role.department_head, "operations")}
ROLE_LABELS = {"cdo": "CDO office", "head": "Department head"}

# True when the element's box lies inside the viewport and its centre is not covered.
UNCLIPPED = """el => {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return false;
  const { left, top, right, bottom } = box;
  if (left < 0 || top < 0 || right > innerWidth || bottom > innerHeight) return false;
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit !== null && el.contains(hit);
}"""


def destinations(role: Role) -> list[tuple[str, str]]:
    """The (path, label) of every menu entry `role` may open, the dashboard last."""
    actor = Actor(account_id=1, role=role, department_id=1)
    allowed = [(p, text) for p, text, needed in NAVIGATION if policy.allowed(actor, needed)]
    return allowed[1:] + list(ACCOUNT_PAGES) + allowed[:1]


async def reveal(page: Any, path: str) -> Any:
    """The menu link to `path`, after opening the Menu button and "More" when they hide it."""
    link = page.locator(f'nav[aria-label="Main"] a[href="{path}"]')
    toggle = page.get_by_role("button", name="Menu")
    if (
        not await link.is_visible()
        and await toggle.is_visible()
        and await toggle.get_attribute("aria-expanded") == "false"
    ):
        await toggle.click()
    summary = page.locator(".more-menu summary")
    if not await link.is_visible() and await summary.is_visible():
        await summary.click()
    return link


async def check_width(page: Any, site: LiveSite, who: str, width: int) -> None:
    """At `width`: the account and every entry are shown unclipped, and each link lands."""
    await page.set_viewport_size({"width": width, "height": HEIGHT})
    await page.goto(f"{site.url}/lessons")
    account = page.locator(".account")
    assert await account.locator(".role").inner_text() == ROLE_LABELS[who]
    for part in (".role", ".who", "button"):
        assert await account.locator(part).evaluate(UNCLIPPED), f"{part} at {width} px"
    entries = destinations(ROLES[who][0])
    links = page.locator('nav[aria-label="Main"] a')
    shown = await links.evaluate_all("all => all.map(a => a.getAttribute('href'))")
    assert sorted(shown) == sorted(path for path, _ in entries)
    for path, text in entries:
        link = await reveal(page, path)
        assert (await link.inner_text()).startswith(text), path
        assert await link.evaluate(UNCLIPPED), f"{text} is clipped or covered at {width} px"
    await screenshot(page, f"navigation-{who}-{width}", full_page=False)
    for path, text in entries:
        link = await reveal(page, path)
        async with page.expect_response(f"{site.url}{path}") as answered:
            await link.click()
        assert (await answered.value).status == 200, f"{text} at {width} px"
        await page.wait_for_url(f"{site.url}{path}", wait_until="commit")
        current = page.locator(f'nav[aria-label="Main"] a[href="{path}"][aria-current="page"]')
        await expect(current).to_have_count(1)
        under_more = path in MORE or path in dict(ACCOUNT_PAGES)
        assert await page.locator(".more-menu summary.current").count() == under_more, path


@pytest.mark.parametrize("who", ["cdo", "head"])
async def test_every_destination_is_reachable_and_not_clipped(
    page: Any, site: LiveSite, who: str
) -> None:
    role, department = ROLES[who]
    await sign_in(page, site, site.login(role, department))
    for width in (390, 1024, 1440):
        await check_width(page, site, who, width)


async def test_the_phone_menu_opens_and_closes_with_the_keyboard(page: Any, site: LiveSite) -> None:
    await page.set_viewport_size({"width": 390, "height": HEIGHT})
    await sign_in(page, site, site.login(Role.department_head, "operations"))
    toggle = page.get_by_role("button", name="Menu")
    menu = page.locator("#" + str(await toggle.get_attribute("aria-controls")))
    assert await toggle.get_attribute("aria-expanded") == "false"
    assert not await menu.is_visible()
    await screenshot(page, "navigation-phone-closed", full_page=False)
    await page.keyboard.press("Tab")  # the skip link
    await page.keyboard.press("Tab")  # the brand
    await page.keyboard.press("Tab")
    assert await toggle.evaluate("el => el === document.activeElement")
    await page.keyboard.press("Enter")
    assert await toggle.get_attribute("aria-expanded") == "true"
    assert await menu.is_visible()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.getAttribute('href')") == "/"
    await page.keyboard.press("Escape")
    assert await toggle.get_attribute("aria-expanded") == "false"
    assert not await menu.is_visible()
    assert await toggle.evaluate("el => el === document.activeElement")
    await page.keyboard.press("Space")
    assert await toggle.get_attribute("aria-expanded") == "true"
    assert await page.get_by_role("link", name="API tokens").evaluate(UNCLIPPED)
    await page.keyboard.press("Escape")
    assert not await menu.is_visible()


async def test_more_opens_and_closes_with_the_keyboard_on_a_wide_screen(
    page: Any, site: LiveSite
) -> None:
    await page.set_viewport_size({"width": 1440, "height": HEIGHT})
    await sign_in(page, site, site.login(Role.cdo_office))
    assert not await page.get_by_role("button", name="Menu").is_visible()
    summary = page.locator(".more-menu summary")
    settings = page.locator('nav[aria-label="Main"] a[href="/settings"]')
    await summary.focus()
    await page.keyboard.press("Enter")
    assert await settings.evaluate(UNCLIPPED)
    await page.keyboard.press("Escape")
    assert not await settings.is_visible()
    assert await summary.evaluate("el => el === document.activeElement")


async def test_the_menu_works_without_javascript_on_a_phone(chromium: Any, site: LiveSite) -> None:
    context = await chromium.new_context(
        viewport={"width": 390, "height": HEIGHT}, java_script_enabled=False
    )
    try:
        page = await context.new_page()
        await sign_in(page, site, site.login(Role.cdo_office))
        assert not await page.get_by_role("button", name="Menu").is_visible()
        for path, text in destinations(Role.cdo_office):
            link = await reveal(page, path)
            assert await link.is_visible(), text
        await screenshot(page, "navigation-phone-without-javascript", full_page=False)
        await page.locator('nav[aria-label="Main"] a[href="/transfer"]').click()
        await page.wait_for_url(f"{site.url}/transfer")
    finally:
        await context.close()
