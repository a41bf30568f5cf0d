"""Pages: create, edit and status-change forms of initiatives."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from tests.factories import link_initiatives, link_kpi, make_kpi
from tests.pages.conftest import Browser, World


def _new(world: World, **changes: str) -> dict[str, str]:
    return {
        "origin": "user_need",
        "user_need": "Recruiters re-key every CV into three tools.",
        "target_users": "Recruiters, hiring managers",
        "code": "INI-050",
        "orientation": "internal",
        "title": "One recruiting pipeline",
        "description": "Connect the careers site to the HRIS.",
        "department_id": str(world.marketing.id),
        "owner_id": str(world.cmo.id),
        "sponsor_id": "",
        "start_date": "2027-01-01",
        "target_date": "",
        "budget_planned": "250",
        "status": "proposed",
    } | changes


async def _stored(session: AsyncSession, code: str) -> Initiative | None:
    stmt = (
        select(Initiative).where(Initiative.code == code).execution_options(populate_existing=True)
    )
    return await session.scalar(stmt)


async def test_new_form_asks_for_the_need_before_the_solution(head: Browser, world: World) -> None:
    response = await head.get("/initiatives/new")
    assert response.status_code == 200
    page = response.text
    assert (
        page.index('for="f-user_need"')
        < page.index('for="f-target_users"')
        < page.index('for="f-title"')
    )
    assert page.index('for="f-target_users"') < page.index('for="f-description"')
    department = page.split('id="f-department_id"')[1].split("</select>")[0]
    assert "Marketing" in department and "Information Technology" not in department
    owner = page.split('id="f-owner_id"')[1].split(">")[0]  # owner defaults to oneself
    assert f'value="{world.cmo.id}" data-picker-label="Julien Roche — CMO"' in owner


async def test_create_redirects_to_the_new_initiative(
    head: Browser, world: World, session: AsyncSession
) -> None:
    response = await head.post("/initiatives/new", _new(world))
    assert response.status_code == 303
    created = await _stored(session, "INI-050")
    assert created is not None
    assert response.headers["location"] == f"/initiatives/{created.id}"
    assert (created.user_need, created.budget_planned, created.client_share) == (
        "Recruiters re-key every CV into three tools.",
        Decimal("250.00"),
        Decimal("0"),
    )
    page = (await head.get(response.headers["location"])).text
    assert "Initiative INI-050 created." in page


async def test_invalid_fields_are_shown_next_to_them(head: Browser, world: World) -> None:
    response = await head.post(
        "/initiatives/new", _new(world, code="bad code", title=" ", budget_planned="-5")
    )
    assert response.status_code == 422
    page = response.text
    assert '<p class="error" id="e-code">Code is not in the expected format.</p>' in page
    assert '<p class="error" id="e-title">Title is required.</p>' in page
    assert (
        '<p class="error" id="e-budget_planned">Budget must be a number of at least 0.</p>' in page
    )
    assert 'aria-invalid="true"' in page
    assert "Please correct 3 fields" in page
    assert "Recruiters re-key every CV into three tools." in page  # what was typed stays


async def test_service_refusals_land_on_their_field(head: Browser, world: World) -> None:
    duplicate = await head.post("/initiatives/new", _new(world, code="INI-001"))
    assert duplicate.status_code == 422
    assert (
        '<p class="error" id="e-code">An initiative with code &#39;INI-001&#39; already exists.</p>'
        in duplicate.text
    )
    dates = await head.post("/initiatives/new", _new(world, target_date="2026-01-01"))
    assert (
        '<p class="error" id="e-target_date">'
        "target_date 2026-01-01 is before start_date 2027-01-01.</p>" in dates.text
    )
    hybrid = await head.post(
        "/initiatives/new", _new(world, orientation="hybrid", client_share="1.5")
    )
    assert '<p class="error" id="e-client_share">' in hybrid.text


async def test_head_cannot_create_for_another_department(head: Browser, world: World) -> None:
    response = await head.post("/initiatives/new", _new(world, department_id=str(world.it.id)))
    assert response.status_code == 422
    assert "You can only write initiatives of your own department." in response.text


async def test_viewer_gets_a_403_page_for_the_form(viewer: Browser, world: World) -> None:
    assert (await viewer.get("/initiatives/new")).status_code == 403
    response = await viewer.post("/initiatives/new", _new(world))
    assert response.status_code == 403
    assert "You cannot do this" in response.text


async def test_edit_form_holds_the_version(head: Browser, world: World) -> None:
    page = (await head.get(f"/initiatives/{world.shop.id}/edit")).text
    assert '<input type="hidden" name="version" value="1">' in page
    assert 'value="Web shop redesign"' in page


async def test_edit_saves_and_says_so(cdo: Browser, world: World, session: AsyncSession) -> None:
    form = _new(world, code="INI-001", orientation="hybrid", client_share="0.7", version="1")
    response = await cdo.post(f"/initiatives/{world.shop.id}/edit", form)
    assert response.status_code == 303
    stored = await _stored(session, "INI-001")
    assert stored is not None
    assert (stored.title, stored.client_share, stored.version) == (
        "One recruiting pipeline",
        Decimal("0.7000"),
        2,
    )
    assert "Changes saved." in (await cdo.get(response.headers["location"])).text


async def test_a_heads_relabel_is_sent_for_decision_and_the_rest_saved(
    head: Browser, world: World, session: AsyncSession
) -> None:
    form = _new(world, code="INI-001", orientation="hybrid", client_share="0.7", version="1")
    response = await head.post(f"/initiatives/{world.shop.id}/edit", form)
    assert response.status_code == 303
    stored = await _stored(session, "INI-001")
    assert stored is not None
    assert (stored.title, stored.orientation, stored.client_share) == (
        "One recruiting pipeline",
        "client_facing",
        Decimal("1.0000"),
    )
    page = (await head.get(response.headers["location"])).text
    assert "Sent to the CDO office for decision." in page


async def test_a_stale_edit_is_refused_with_a_clear_message(
    head: Browser, world: World, session: AsyncSession
) -> None:
    first = _new(world, code="INI-001", title="First edit", version="1")
    assert (await head.post(f"/initiatives/{world.shop.id}/edit", first)).status_code == 303
    second = _new(world, code="INI-001", title="Second edit", version="1")
    response = await head.post(f"/initiatives/{world.shop.id}/edit", second)
    assert response.status_code == 422
    assert "Someone else changed this initiative after you opened the form" in response.text
    assert 'value="Second edit"' in response.text
    assert '<input type="hidden" name="version" value="2">' in response.text
    stored = await _stored(session, "INI-001")
    assert stored is not None and stored.title == "First edit"


async def test_head_cannot_edit_another_departments_initiative(head: Browser, world: World) -> None:
    assert (await head.get(f"/initiatives/{world.erp.id}/edit")).status_code == 403
    form = _new(world, code="INI-002", department_id=str(world.it.id), version="1")
    assert (await head.post(f"/initiatives/{world.erp.id}/edit", form)).status_code == 403


async def test_approve_with_one_click(cdo: Browser, world: World, session: AsyncSession) -> None:
    response = await cdo.post(
        f"/initiatives/{world.erp.id}/status", {"status": "on_hold", "version": "1"}
    )
    assert response.status_code == 303
    idea = {"status": "approved", "version": "1"}
    refused = await cdo.post(f"/initiatives/{world.idea.id}/status", idea)
    assert refused.status_code == 422
    assert "Approval refused: NO_USER_NEED, NO_KPI, MISSING_ENABLER." in refused.text
    await link_kpi(session, await _stored(session, "INI-003"), await make_kpi(session))  # type: ignore[arg-type]
    await link_initiatives(
        session, await _stored(session, "INI-002"), await _stored(session, "INI-003")
    )  # type: ignore[arg-type]
    stored = await _stored(session, "INI-003")
    assert stored is not None
    stored.user_need = "Shoppers wait two days for an answer."
    await session.commit()
    response = await cdo.post(
        f"/initiatives/{world.idea.id}/status", {"status": "approved", "version": "2"}
    )
    assert response.status_code == 303
    stored = await _stored(session, "INI-003")
    assert stored is not None and stored.status == "approved"
    page = (await cdo.get(f"/initiatives/{world.idea.id}")).text
    assert "Status changed to approved." in page
    assert "<td>Moved the initiative: status proposed → approved</td>" in page


async def test_a_heads_approval_is_sent_for_decision(
    head: Browser, world: World, session: AsyncSession
) -> None:
    response = await head.post(
        f"/initiatives/{world.idea.id}/status", {"status": "approved", "version": "1"}
    )
    assert response.status_code == 303
    stored = await _stored(session, "INI-003")
    assert stored is not None and stored.status == "proposed"
    page = (await head.get(f"/initiatives/{world.idea.id}")).text
    assert "Sent to the CDO office for decision." in page


async def test_stopping_asks_for_lessons_learned(
    head: Browser, cdo: Browser, world: World, session: AsyncSession
) -> None:
    form = (await head.get(f"/initiatives/{world.shop.id}/status?to=stopped")).text
    assert 'Stop <span class="code">INI-001</span>' in form
    assert 'for="f-lessons_learned">Lessons learned (required to stop)' in form
    refused = await head.post(
        f"/initiatives/{world.shop.id}/status",
        {"status": "stopped", "version": "1", "confirm": "on"},
    )
    assert refused.status_code == 422
    assert (
        '<p class="error" id="e-lessons_learned">A stopped initiative needs lessons learned'
        in refused.text
    )
    done = await cdo.post(
        f"/initiatives/{world.shop.id}/status",
        {
            "status": "stopped",
            "version": "1",
            "lessons_learned": "Shoppers wanted delivery dates.",
            "confirm": "on",
        },
    )
    assert done.status_code == 303
    stored = await _stored(session, "INI-001")
    assert stored is not None
    assert (stored.status, stored.lessons_learned) == ("stopped", "Shoppers wanted delivery dates.")


async def test_a_refused_transition_is_explained(head: Browser, world: World) -> None:
    response = await head.post(
        f"/initiatives/{world.idea.id}/status", {"status": "done", "version": "1", "confirm": "on"}
    )
    assert response.status_code == 422
    assert (
        "An initiative cannot go from proposed to done; allowed from proposed: approved, stopped."
        in response.text
    )
