"""Pages: the band's floor on the settings form and the dashboard."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from schema import PortfolioSetting
from tests.pages.conftest import Browser, World


async def _version(session: AsyncSession) -> str:
    setting = await session.get(PortfolioSetting, 1, populate_existing=True)
    assert setting is not None
    return str(setting.version)


async def test_the_floor_is_set_on_the_form_and_read_on_the_dashboard(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    form = (await cdo.get("/settings")).text
    assert 'name="band_min_percent" type="number" value="0"' in form
    version = await _version(session)
    saved = await cdo.post(
        "/settings",
        {
            "band_percent": "90",
            "band_min_percent": "80",
            "stale_after_days": "30",
            "version": version,
        },
    )
    assert saved.status_code == 303
    setting = await session.get(PortfolioSetting, 1, populate_existing=True)
    assert setting is not None
    assert (setting.band_min, setting.band_max) == (Decimal("0.8000"), Decimal("0.9000"))
    page = (await cdo.get("/")).text
    assert "Below the band (at least 80.0%)" in page  # the world is 75% client-facing
    assert (
        "Client-facing work is 75.0% of the active budget, below the band (at least 80.0%)." in page
    )


async def test_a_floor_above_the_ceiling_is_shown_next_to_the_floor(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    version = await _version(session)
    response = await cdo.post(
        "/settings",
        {
            "band_percent": "60",
            "band_min_percent": "70",
            "stale_after_days": "30",
            "version": version,
        },
    )
    assert response.status_code == 422
    assert (
        '<p class="error" id="e-band_min_percent">band_min: the band&#39;s floor (70.0%) is above'
        " its ceiling (60.0%).</p>" in response.text
    )
    assert await _version(session) == version
