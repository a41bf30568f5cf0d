"""ETag on every mutable resource; If-Match required (428) and checked (412) on changes."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_department, make_initiative, make_kpi, make_person

CHANGES = {
    "departments": {"name": "Renamed"},
    "people": {"title": "Lead"},
    "initiatives": {"title": "Renamed"},
    "kpis": {"name": "Renamed"},
}


async def _urls(session: AsyncSession) -> dict[str, str]:
    department = await make_department(session)
    person = await make_person(session)
    initiative = await make_initiative(session)
    kpi = await make_kpi(session)
    await session.commit()  # keep the rows when a refused request rolls back
    return {
        "departments": f"/api/v1/departments/{department.id}",
        "people": f"/api/v1/people/{person.id}",
        "initiatives": f"/api/v1/initiatives/{initiative.id}",
        "kpis": f"/api/v1/kpis/{kpi.id}",
    }


@pytest.mark.parametrize("resource", list(CHANGES))
async def test_get_answers_the_etag_of_the_version(
    client: httpx.AsyncClient, session: AsyncSession, resource: str
) -> None:
    url = (await _urls(session))[resource]
    response = await client.get(url)
    assert response.headers["etag"] == '"1"'
    changed = await client.patch(url, json=CHANGES[resource], headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert (await client.get(url)).headers["etag"] == '"2"'


@pytest.mark.parametrize("resource", list(CHANGES))
async def test_changes_without_if_match_are_428(
    client: httpx.AsyncClient, session: AsyncSession, resource: str
) -> None:
    url = (await _urls(session))[resource]
    for response in (
        await client.patch(url, json=CHANGES[resource]),
        await client.delete(url),
        await client.patch(url, json=CHANGES[resource], headers={"If-Match": "*"}),
    ):
        assert response.status_code == 428
        assert (response.json()["code"], response.json()["field"]) == (
            "precondition_required",
            "If-Match",
        )


@pytest.mark.parametrize("resource", list(CHANGES))
async def test_a_stale_or_foreign_version_is_412_with_the_current_one(
    client: httpx.AsyncClient, session: AsyncSession, resource: str
) -> None:
    url = (await _urls(session))[resource]
    for etag in ('"2"', 'W/"0"', "not-an-etag"):
        response = await client.patch(url, json=CHANGES[resource], headers={"If-Match": etag})
        assert response.status_code == 412
        assert (response.json()["code"], response.json()["current_version"]) == (
            "stale_version",
            1,
        )
    deleted = await client.delete(url, headers={"If-Match": '"5"'})
    assert (deleted.status_code, deleted.json()["current_version"]) == (412, 1)
    assert (await client.get(url)).status_code == 200


async def test_a_weak_etag_names_the_version_too(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    url = (await _urls(session))["departments"]
    response = await client.patch(url, json={"name": "Weak"}, headers={"If-Match": 'W/"1"'})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Weak", 2)
    assert response.headers["etag"] == '"2"'
    assert (await client.get(url)).json()["name"] == "Weak"


async def test_settings_carry_an_etag(client: httpx.AsyncClient) -> None:
    url = "/api/v1/settings/portfolio"
    etag = (await client.get(url)).headers["etag"]
    assert (await client.put(url, json={"band_max": "0.5"})).status_code == 428
    changed = await client.put(url, json={"band_max": "0.5"}, headers={"If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] == f'"{int(etag.strip(chr(34))) + 1}"'
