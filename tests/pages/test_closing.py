"""Closing an initiative (done or stopped) from the pages: a confirmation form that asks
for the lessons learned and says it cannot be undone; no one-click close."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Initiative
from tests.pages.conftest import Browser, World
from tests.preconditions import if_match

UNDO = "Confirm that you understand closing the initiative cannot be undone."


async def _stored(session: AsyncSession, initiative_id: int) -> Initiative:
    stmt = (
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .execution_options(populate_existing=True)
    )
    found = await session.scalar(stmt)
    assert found is not None
    return found


async def test_the_initiative_page_has_no_one_click_close(cdo: Browser, world: World) -> None:
    page = (await cdo.get(f"/initiatives/{world.shop.id}")).text
    assert 'name="status" value="done"' not in page
    assert (
        f'<a class="button secondary" href="/initiatives/{world.shop.id}/status?to=done">' in page
    )
    assert ">Put on hold</button>" in page  # reversible moves stay one click


async def test_the_close_form_asks_for_lessons_and_warns(cdo: Browser, world: World) -> None:
    form = (await cdo.get(f"/initiatives/{world.shop.id}/status?to=done")).text
    assert 'Close as done <span class="code">INI-001</span>' in form
    assert "<strong>This cannot be undone.</strong>" in form
    assert '<textarea id="f-lessons_learned" name="lessons_learned"' in form
    assert (
        '<input type="checkbox" id="f-confirm" name="confirm">'
        " I understand that closing INI-001 cannot be undone.</label>" in form
    )
    assert 'data-show-when="status=done|stopped"' in form
    assert ">Close as done</button>" in form


async def test_done_without_confirmation_changes_nothing(
    cdo: Browser, client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    form = {"status": "done", "version": "1", "lessons_learned": "Ship smaller."}
    response = await cdo.post(f"/initiatives/{world.shop.id}/status", form)
    assert response.status_code == 422
    page = response.text
    assert f'<p class="error" id="e-confirm">{UNDO}</p>' in page
    assert f'<li><a href="#f-confirm">{UNDO}</a></li>' in page
    assert 'aria-describedby="e-confirm" aria-invalid="true"' in page
    assert "Ship smaller." in page  # what was typed stays
    assert (await _stored(session, world.shop.id)).status == "in_progress"
    # The API keeps its contract: done in one request, lessons optional.
    url = f"/api/v1/initiatives/{world.shop.id}"
    closed = await client.patch(url, json={"status": "done"}, headers=await if_match(client, url))
    assert closed.status_code == 200, closed.text
    stored = await _stored(session, world.shop.id)
    assert (stored.status, stored.lessons_learned) == ("done", "")


async def test_done_confirmed_records_the_lessons(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    form = {
        "status": "done",
        "version": "1",
        "lessons_learned": "Pilot in two stores before the full roll-out.",
        "confirm": "on",
    }
    response = await cdo.post(f"/initiatives/{world.shop.id}/status", form)
    assert response.status_code == 303
    stored = await _stored(session, world.shop.id)
    assert (stored.status, stored.lessons_learned) == (
        "done",
        "Pilot in two stores before the full roll-out.",
    )
    event = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "initiative", AuditEvent.entity_id == world.shop.id)
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
    )
    assert event is not None and event.after is not None
    assert event.after["status"] == "done"
    assert event.after["lessons_learned"] == "Pilot in two stores before the full roll-out."
    again = (await cdo.get(f"/initiatives/{world.shop.id}/status")).text
    assert "INI-001 is done: its status no longer changes." in again


async def test_stopping_needs_the_confirmation_too(
    cdo: Browser, world: World, session: AsyncSession
) -> None:
    form = {"status": "stopped", "version": "1", "lessons_learned": "Nobody asked for it."}
    response = await cdo.post(f"/initiatives/{world.idea.id}/status", form)
    assert response.status_code == 422
    assert f'<p class="error" id="e-confirm">{UNDO}</p>' in response.text
    assert (await _stored(session, world.idea.id)).status == "proposed"
