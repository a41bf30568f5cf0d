"""Pages: the "What if" page (build, evaluate, save, compare, apply scenarios)."""

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative, Scenario
from tests.pages.conftest import Browser, World

# Stop the ERP enabler: the web shop is left without one and the balance tips to 100%.
STOP_ERP = {"m0_code": "INI-002", "m0_status": "stopped", "m0_lessons": "Bought it instead."}


def saved_id(location: str) -> int:
    found = re.fullmatch(r"/scenarios/(\d+)", location)
    assert found is not None, location
    return int(found.group(1))


async def test_everyone_reads_the_page_and_only_deciders_save(
    viewer: Browser, head: Browser, world: World
) -> None:
    page = await viewer.get("/scenarios")
    assert page.status_code == 200
    assert '<a href="/scenarios"' in page.text
    assert 'value="save"' not in page.text
    assert 'value="save"' in (await head.get("/scenarios")).text


async def test_evaluate_shows_before_and_after(cdo: Browser, world: World) -> None:
    response = await cdo.post("/scenarios", {"action": "evaluate"} | STOP_ERP)
    assert response.status_code == 200, response.text
    text = response.text
    assert (
        '<tr><th scope="row">Client-facing share of the active budget</th>'
        '<td class="num">75.0%</td><td class="num">100.0%</td></tr>'
    ) in text
    appearing = text.split("Flags that would appear")[1].split("Flags that would disappear")[0]
    assert "INI-001 Web shop redesign" in appearing
    disappearing = text.split("Flags that would disappear")[1]
    assert "INI-002" in disappearing  # no longer active, so no longer without a KPI
    assert 'value="INI-002"' in text  # the form keeps the moves


async def test_bad_moves_are_shown_next_to_their_row(cdo: Browser, world: World) -> None:
    response = await cdo.post(
        "/scenarios",
        {"action": "evaluate", "m0_code": "INI-404", "m2_code": "INI-001", "m2_status": "stopped"},
    )
    assert response.status_code == 422
    assert "No initiative has the code INI-404." in response.text
    response = await cdo.post(
        "/scenarios", {"action": "evaluate", "m2_code": "INI-001", "m2_status": "stopped"}
    )
    assert response.status_code == 422
    assert 'href="#f-m2_lessons"' in response.text
    assert "A stopped initiative needs lessons learned" in response.text


async def test_save_view_compare_and_apply(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    saved = await cdo.post("/scenarios", {"action": "save", "name": "Drop the ERP"} | STOP_ERP)
    assert saved.status_code == 303, saved.text
    first = saved_id(saved.headers["location"])
    other = await cdo.post(
        "/scenarios",
        {"action": "save", "name": "Bigger shop", "m0_code": "INI-001", "m0_budget": "900"},
    )
    second = saved_id(other.headers["location"])

    detail = await cdo.get(f"/scenarios/{first}")
    assert detail.status_code == 200
    assert "Drop the ERP" in detail.text and "Apply these moves" in detail.text
    compared = await cdo.get(f"/scenarios/compare?a={first}&b={second}")
    assert compared.status_code == 200
    assert "Drop the ERP" in compared.text and "Bigger shop" in compared.text

    applied = await cdo.post(f"/scenarios/{first}/apply")
    assert (applied.status_code, applied.headers["location"]) == (303, "/")
    status = await session.scalar(
        select(Initiative.status)
        .where(Initiative.id == world.erp.id)
        .execution_options(populate_existing=True)
    )
    assert status == "stopped"


async def test_heads_save_but_do_not_apply(
    head: Browser, viewer: Browser, world: World, session: AsyncSession
) -> None:
    saved = await head.post("/scenarios", {"action": "save", "name": "Head's idea"} | STOP_ERP)
    assert saved.status_code == 303
    scenario_id = saved_id(saved.headers["location"])
    assert "Apply these moves" not in (await head.get(f"/scenarios/{scenario_id}")).text
    refused = await head.post(f"/scenarios/{scenario_id}/apply")
    assert refused.status_code == 303
    status = await session.scalar(select(Initiative.status).where(Initiative.id == world.erp.id))
    assert status == "in_progress"
    denied = await viewer.post("/scenarios", {"action": "save", "name": "Viewer's"} | STOP_ERP)
    assert denied.status_code == 422
    assert await session.scalar(select(Scenario.id).where(Scenario.name == "Viewer's")) is None


async def test_forms_need_the_csrf_token(cdo: Browser, world: World) -> None:
    response = await cdo.http.post("/scenarios", data={"action": "evaluate"} | STOP_ERP)
    assert response.status_code == 403
