"""Type-ahead pickers in real headless Chromium: the keyboard chooses a person and a KPI on
the new-initiative form, and the created initiative has them."""

from typing import Any

from playwright.async_api import expect

from service.actor import Role
from tests.browser.conftest import LiveSite, screenshot, sign_in


async def test_keyboard_picks_the_owner_and_a_kpi(page: Any, site: LiveSite) -> None:
    await sign_in(page, site, site.login(Role.department_head, "operations"))
    await page.goto(f"{site.url}/initiatives/new")
    assert await page.locator("#f-owner_id option, #f-sponsor_id option").count() == 0
    await page.get_by_label("User need").fill("Buyers cannot see a supplier's quality history.")
    await page.get_by_label("Code").fill("INI-901")
    await page.get_by_label("Orientation").select_option("internal")
    await page.get_by_label("Title").fill("Supplier quality history")

    owner = page.get_by_role("combobox", name="Owner (accountable)")
    await owner.fill("")
    await owner.press_sequentially("hanna", delay=30)
    listbox = page.locator(f"#{await owner.get_attribute('aria-controls')}")
    option = listbox.get_by_role("option", name="Hanna Berg — Quality & Supplier Manager")
    await expect(option).to_be_visible()
    await expect(owner).to_have_attribute("aria-expanded", "true")
    await owner.press("ArrowDown")
    await expect(owner).to_have_attribute(
        "aria-activedescendant", str(await option.get_attribute("id"))
    )
    await expect(option).to_have_attribute("aria-selected", "true")
    await owner.press("Enter")  # chooses; the form is not sent
    await expect(owner).to_have_attribute("aria-expanded", "false")
    await expect(owner).to_have_value("Hanna Berg — Quality & Supplier Manager")
    assert page.url.endswith("/initiatives/new")
    hanna = await page.locator("input[type=hidden][name=owner_id]").input_value()
    assert hanna.isdigit()

    sponsor = page.get_by_role("combobox", name="Sponsor")
    await sponsor.press_sequentially("luis", delay=30)
    await expect(
        page.get_by_role("option", name="Luis Romero — Store Operations Manager")
    ).to_be_visible()
    await sponsor.press("Escape")  # closes the suggestions, chooses nothing
    await expect(sponsor).to_have_attribute("aria-expanded", "false")
    await sponsor.fill("")

    kpi = page.get_by_role("combobox", name="KPI 1")
    await kpi.press_sequentially("conversion", delay=30)
    await expect(
        page.get_by_role("option", name="CONVERSION — E-commerce conversion rate")
    ).to_be_visible()
    await kpi.press("ArrowDown")
    await kpi.press("Enter")
    await page.get_by_label("Weight of KPI 1 (%)").fill("30")
    await screenshot(page, "picker-new-initiative")
    await page.get_by_role("button", name="Create initiative").click()
    await page.wait_for_url(f"{site.url}/initiatives/*")
    facts = page.locator("dl")
    await expect(facts.get_by_role("link", name="Hanna Berg")).to_have_attribute(
        "href", f"/people/{hanna}"
    )
    kpi_row = page.locator("tr", has=page.locator("a[href^='/kpis/']", has_text="CONVERSION"))
    await expect(kpi_row.first).to_contain_text("30.0%")
