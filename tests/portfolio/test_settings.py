"""GET/PUT /api/v1/settings/portfolio."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_initiative

URL = "/api/v1/settings/portfolio"


async def test_defaults(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    body = response.json()
    assert (body["band_max"], body["stale_after_days"], body["version"]) == (0.6, 30, 1)
    assert response.headers["ETag"] == '"1"'


async def test_update_changes_the_band_used_by_balance(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_initiative(session, orientation="client_facing", budget_planned=55)
    await make_initiative(session, orientation="internal", budget_planned=45)
    response = await client.put(URL, json={"band_max": 0.55}, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert (response.json()["band_max"], response.json()["stale_after_days"]) == (0.55, 30)
    assert response.json()["version"] == 2
    balance = (await client.get("/api/v1/portfolio/balance")).json()
    assert (balance["client_share"], balance["band_max"], balance["within_band"]) == (
        0.55,
        0.55,
        True,
    )
    changed = await client.put(
        URL, json={"band_max": "0.5499", "stale_after_days": 14}, headers={"If-Match": '"2"'}
    )
    assert changed.status_code == 200
    balance = (await client.get("/api/v1/portfolio/balance")).json()
    assert balance["within_band"] is False
    assert (await client.get(URL)).json()["stale_after_days"] == 14


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"band_max": 1.5}, "band_max"),
        ({"band_max": -0.1}, "band_max"),
        ({"band_max": "0.12345"}, "band_max"),
        ({"band_max": None}, "band_max"),
        ({"stale_after_days": 0}, "stale_after_days"),
        ({"stale_after_days": "often"}, "stale_after_days"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_values_are_422(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.put(URL, json=body, headers={"If-Match": '"1"'})
    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_update_needs_the_current_version(client: httpx.AsyncClient) -> None:
    missing = await client.put(URL, json={"band_max": 0.5})
    assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
    stale = await client.put(URL, json={"band_max": 0.5}, headers={"If-Match": '"7"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")
    assert (await client.get(URL)).json()["band_max"] == 0.6
