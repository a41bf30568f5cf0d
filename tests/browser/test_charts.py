"""The plotly.js bundle in real Chromium: loaded only by pages that draw a chart, and
enough for every figure they draw."""

from typing import Any

from service.actor import Role
from service.pages.static_files import PLOTLY_PATH
from tests.browser.conftest import LiveSite, sign_in

# The trace types each page's figures use, and those the loaded bundle knows.
TRACES = """() => [
  [...document.querySelectorAll('script[type="application/json"][id$="-data"]')]
    .flatMap(s => JSON.parse(s.textContent).data.map(t => t.type || 'scatter')),
  Object.keys(Plotly.PlotSchema.get().traces),
]"""


async def _visit(page: Any, url: str, loaded: list[str]) -> bool:
    """Open `url`; whether it fetched the bundle."""
    loaded.clear()
    await page.goto(url)
    return any(PLOTLY_PATH in u for u in loaded)


async def test_only_chart_pages_load_the_bundle_and_draw_every_figure(
    page: Any, site: LiveSite
) -> None:
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    await sign_in(page, site, site.login(Role.cdo_office))
    for path in ("/initiatives", "/flags", "/lessons", "/decisions", "/org"):
        assert not await _visit(page, f"{site.url}{path}", loaded), path
    hrefs = await page.eval_on_selector_all(
        "main a[href^='/people/']", "els => els.map(e => e.getAttribute('href'))"
    )
    assert not await _visit(page, f"{site.url}{hrefs[0]}", loaded), "the person's bullet"
    assert await page.locator("svg.bullet[role='img']").count() == 1
    await page.goto(f"{site.url}/kpis")
    kpi = await page.eval_on_selector_all(
        "main a[href^='/kpis/']", "els => els.map(e => e.getAttribute('href'))"
    )
    for path in ("/", kpi[0]):
        assert await _visit(page, f"{site.url}{path}", loaded), path
        canvases = page.locator(".chart-canvas")
        await page.wait_for_function(
            "[...document.querySelectorAll('.chart-canvas')]"
            ".every(e => e.getAttribute('data-drawn') === 'true')"
        )
        drawn = page.locator(".chart-canvas:has(svg.main-svg)")
        assert await canvases.count() == await drawn.count() > 0
        used, known = await page.evaluate(TRACES)
        assert used and set(used) <= set(known) == {"bar", "pie", "scatter"}, path
