"""Pages: the portfolio settings (CDO office)."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from schema import PortfolioSetting
from tests.pages.conftest import Browser, World


async def _setting(session: AsyncSession) -> PortfolioSetting:
    setting = await session.get(PortfolioSetting, 1, populate_existing=True)
    assert setting is not None
    return setting


async def test_form_shows_the_band_as_a_percentage(cdo: Browser, world: World) -> None:
    response = await cdo.get("/settings")
    assert response.status_code == 200
    assert 'name="band_percent" type="number" value="60"' in response.text
    assert 'name="stale_after_days" type="number" value="30"' in response.text


async def test_saving_changes_the_band_and_the_flags(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    version = (await _setting(session)).version
    response = await cdo.post(
        "/settings", {"band_percent": "80", "stale_after_days": "45", "version": str(version)}
    )
    assert response.status_code == 303
    setting = await _setting(session)
    assert (setting.band_max, setting.stale_after_days) == (Decimal("0.8000"), 45)
    assert "Settings saved." in (await cdo.get("/settings")).text
    assert "Within the band (at most 80.0%)" in (await cdo.get("/")).text


async def test_invalid_values_are_shown_next_to_their_field(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    version = str((await _setting(session)).version)
    response = await cdo.post(
        "/settings", {"band_percent": "150", "stale_after_days": "0", "version": version}
    )
    assert response.status_code == 422
    assert (
        '<p class="error" id="e-band_percent">Enter a percentage between 0 and 100.</p>'
        in response.text
    )
    assert (
        '<p class="error" id="e-stale_after_days">Days without check-in must be a number of at'
        " least 1.</p>" in response.text
    )
    words = await cdo.post(
        "/settings", {"band_percent": "lots", "stale_after_days": "5", "version": version}
    )
    assert (
        '<p class="error" id="e-band_percent">Enter a percentage between 0 and 100.</p>'
        in words.text
    )


async def test_a_stale_form_is_refused(cdo: Browser, world: World, session: AsyncSession) -> None:
    version = str((await _setting(session)).version)
    form = {"band_percent": "70", "stale_after_days": "30", "version": version}
    assert (await cdo.post("/settings", form)).status_code == 303
    response = await cdo.post("/settings", form | {"band_percent": "50"})
    assert response.status_code == 422
    assert "Someone changed the settings meanwhile." in response.text
    assert (await _setting(session)).band_max == Decimal("0.7000")


async def test_only_the_cdo_office_sees_settings(head: Browser, world: World) -> None:
    assert (await head.get("/settings")).status_code == 403
    form = {"band_percent": "90", "stale_after_days": "30", "version": "1"}
    response = await head.post("/settings", form)
    assert response.status_code == 403
    assert "may not change portfolio settings or snapshots" in response.text
