"""The pages, /docs and GraphiQL under the Content-Security-Policy, in real Chromium:
everything renders (charts drawn, consoles started) and nothing is refused."""

from typing import Any

from service.actor import Role
from tests.browser.conftest import LiveSite, sign_in

# Every CSP refusal as the page sees it, echoed to the console (kept across navigations).
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.warn("Content Security Policy violation: " + e.violatedDirective + " "
    + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


async def _watched(page: Any) -> list[str]:
    """Record CSP violations and console messages about the policy on `page`."""
    await page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return console


async def _charts_drawn(page: Any, count: int) -> int:
    await page.wait_for_function(
        f"document.querySelectorAll(\"[data-drawn='true']\").length >= {count}"
    )
    drawn = page.locator(".chart-canvas[data-drawn='true']")
    assert await drawn.count() == await drawn.filter(has=page.locator("svg.main-svg")).count()
    return await drawn.count()


async def _first_link(page: Any, site: LiveSite, listing: str, pattern: str) -> str:
    await page.goto(f"{site.url}{listing}")
    hrefs = await page.eval_on_selector_all(
        f"main a[href^='{pattern}']", "els => els.map(e => e.getAttribute('href'))"
    )
    return next(h for h in hrefs if h.removeprefix(pattern).isdigit())


async def test_pages_render_charts_without_csp_violations(page: Any, site: LiveSite) -> None:
    console = await _watched(page)
    await sign_in(page, site, site.login(Role.cdo_office))
    assert await _charts_drawn(page, 2) == 2  # the bullet gauge is SVG drawn by the page
    fill = page.locator(".sharebar .fill").first
    width, share = await fill.evaluate("e => [e.style.width, e.getAttribute('data-fill')]")
    assert float(width.removesuffix("%")) == float(share) > 0
    assert await fill.evaluate("e => e.getBoundingClientRect().width") > 0
    # plotly.js took its styles from the stylesheet: it inserted no <style> element.
    assert await page.locator("style").count() == 0
    plot = "document.querySelector('.js-plotly-plot .plotly')"
    assert await page.evaluate(f"getComputedStyle({plot}).direction") == "ltr"
    kpi = await _first_link(page, site, "/kpis", "/kpis/")
    await page.goto(f"{site.url}{kpi}")
    assert await _charts_drawn(page, 1) == 1
    await page.goto(f"{site.url}/initiatives")
    await page.get_by_role("link", name="Supply-chain traceability").first.click()
    await page.wait_for_selector("h1")
    assert await _charts_drawn(page, 1) == 1
    assert console == []


async def test_swagger_ui_runs_from_own_files_without_csp_violations(
    page: Any, site: LiveSite
) -> None:
    console = await _watched(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site.url) else None)
    await page.goto(f"{site.url}/docs")
    await page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    assert await page.title() == "cdo-portfolio - Swagger UI"
    assert "cdo-portfolio" in await page.locator(".swagger-ui .info .title").inner_text()
    assert await page.locator(".swagger-ui .opblock").count() > 20
    assert outside == []
    assert console == []


async def test_graphiql_runs_a_query_without_csp_violations(page: Any, site: LiveSite) -> None:
    console = await _watched(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site.url) else None)
    await sign_in(page, site, site.login(Role.cdo_office))
    await page.goto(f"{site.url}/graphql")
    await page.wait_for_selector(".graphiql-container .graphiql-query-editor", timeout=20_000)
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    await editor.evaluate("e => e.CodeMirror.setValue('{ __typename }')")
    await page.locator("button.graphiql-execute-button").click()
    result = page.locator(".graphiql-response .CodeMirror-code")
    await result.filter(has_text="__typename").wait_for(timeout=20_000)
    assert '"__typename": "Query"' in await result.inner_text()
    assert outside == []
    assert console == []
