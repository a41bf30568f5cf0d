"""axe-core on every page, for every role that has pages: no serious or critical violation.

Each role signs in once (one browser context), opens every menu destination, then the first
detail page and form of each kind linked from what it has seen, a form sent back with its
errors, and the error pages. (A BI reader has no page: it reads through the APIs.)
"""

import re
from typing import Any

import pytest

from service.actor import Role
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import VIEWPORT, LiveSite, sign_in

# The detail pages and forms to reach: the first link of each kind found while crawling.
KINDS = {
    "initiative": r"/initiatives/\d+",
    "check-in form": r"/initiatives/\d+/checkins/new",
    "edit form": r"/initiatives/\d+/edit",
    "status form": r"/initiatives/\d+/status(\?.*)?",
    "new initiative form": r"/initiatives/new",
    "KPI": r"/kpis/\d+",
    "department": r"/departments/(\d+|mine)",
    "irritant": r"/irritants/\d+",
    "new irritant form": r"/irritants/new",
    "person": r"/people/\d+",
    "scenario": r"/scenarios/\d+",
}
# What each role must have reached (the crawl really went through the site).
EVERYONE = {"initiative", "KPI", "department", "irritant", "person"}
WRITERS = EVERYONE | {"check-in form", "edit form", "status form", "new initiative form"}
REACHED = {
    Role.cdo_office: WRITERS,
    Role.department_head: WRITERS,
    Role.contributor: EVERYONE,
    Role.viewer: EVERYONE,
}
NOT_FOUND = "/initiatives/987654321"
LINKS = "els => els.map(e => e.getAttribute('href'))"


async def _open(page: Any, site: LiveSite, path: str, status: int = 200) -> list[str]:
    """Open `path` (checking its status) and return the site links it shows."""
    response = await page.goto(f"{site.url}{path}")
    assert response is not None and response.status == status, f"{path}: {response}"
    return [h for h in await page.eval_on_selector_all("a[href^='/']", LINKS) if h]


async def _check(
    page: Any, site: LiveSite, path: str, who: str, problems: list[str], status: int = 200
) -> list[str]:
    """Open `path`, add its violations to `problems`, and return the site links it shows."""
    links = await _open(page, site, path, status)
    problems.extend(await serious_violations(page, f"{path} as {who}"))
    return links


async def _raise_irritant(page: Any, site: LiveSite, form: str) -> str:
    """Raise an irritant through `form` (when none is listed yet) and return its page."""
    await page.goto(f"{site.url}{form}")
    await page.get_by_label("What hurts").fill("Expense receipts are typed again in the ledger")
    await page.get_by_label("Where").select_option(index=1)
    await page.get_by_role("button", name="Raise it").click()
    await page.wait_for_url(re.compile(r".*/irritants/\d+$"))
    return str(page.url).removeprefix(site.url)


async def _refused_checkin(page: Any, site: LiveSite, form: str) -> None:
    """Send the check-in form without its summary: it comes back with its errors."""
    await page.goto(f"{site.url}{form}")
    await page.get_by_label("Summary").fill("")
    async with page.expect_response(lambda r: r.request.method == "POST") as answered:
        await page.get_by_role("button", name="Post check-in").click()
    assert (await answered.value).status == 422
    await page.wait_for_load_state()


@pytest.mark.parametrize(
    "role", [Role.cdo_office, Role.department_head, Role.contributor, Role.viewer]
)
async def test_every_page_of_a_role_has_no_serious_violation(
    chromium: Any, site: LiveSite, role: Role
) -> None:
    context = await chromium.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = await context.new_page()
        login = site.login(role, "operations" if role is Role.department_head else None)
        await sign_in(page, site, login)
        menu = await page.eval_on_selector_all('nav[aria-label="Main"] a', LINKS)
        queue, chosen, problems = list(menu), {}, []
        while queue:
            for href in await _check(page, site, queue.pop(0), role.value, problems):
                kind = next((k for k, p in KINDS.items() if re.fullmatch(p, href)), None)
                if kind is not None and kind not in chosen:
                    chosen[kind] = href
                    queue.append(href)
        if "irritant" not in chosen and "new irritant form" in chosen:
            chosen["irritant"] = await _raise_irritant(page, site, chosen["new irritant form"])
            problems.extend(await serious_violations(page, f"a raised irritant as {role.value}"))
        assert REACHED[role] <= set(chosen), f"{role.value} reached only {sorted(chosen)}"
        if "check-in form" in chosen:
            await _refused_checkin(page, site, chosen["check-in form"])
            problems.extend(await serious_violations(page, f"a refused check-in as {role.value}"))
        await _check(page, site, NOT_FOUND, role.value, problems, status=404)
        if role is not Role.cdo_office:
            await _check(page, site, "/settings", role.value, problems, status=403)
        assert problems == [], "\n".join(problems)
    finally:
        await context.close()


async def test_the_sign_in_page_and_errors_have_no_serious_violation(
    chromium: Any, site: LiveSite
) -> None:
    context = await chromium.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = await context.new_page()
        problems: list[str] = []
        await _check(page, site, "/login", "anonymous", problems)
        await _check(page, site, "/login?next=/kpis", "anonymous", problems)
        await page.get_by_label("Email").fill("nobody@example.com")
        await page.get_by_label("Password").fill("wrong password")
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_selector(".flash-error, .error")
        problems.extend(await serious_violations(page, "a refused sign-in"))
        assert problems == [], "\n".join(problems)
    finally:
        await context.close()
