"""Pages: an employee raises an irritant with the short form, a colleague votes from the
list, the head of the department closes it with a reason, the CDO office links it from an
initiative's page; the departments page and the dashboard show the votes addressed."""

import re

from tests.pages.conftest import Browser, SignIn, World


def _irritant_id(location: str) -> int:
    match = re.fullmatch(r"/irritants/(\d+)", location)
    assert match, location
    return int(match.group(1))


async def _raise(employee: Browser, world: World, title: str = "Expense claims re-keyed") -> int:
    form = await employee.get("/irritants/new")
    assert form.status_code == 200
    assert 'name="title"' in form.text and 'name="department_id"' in form.text
    raised = await employee.post(
        "/irritants/new",
        {"title": title, "department_id": str(world.hr.id), "description": "Three times a month"},
    )
    assert raised.status_code == 303
    return _irritant_id(raised.headers["location"])


async def test_raise_vote_close_and_link_through_the_pages(
    sign_in: SignIn, world: World, cdo: Browser
) -> None:
    employee = await sign_in("contributor", person_id=world.dev.id)
    colleague = await sign_in("viewer", person_id=world.cio.id)
    irritant_id = await _raise(employee, world)

    page = await colleague.get("/irritants")
    assert page.status_code == 200
    assert "Expense claims re-keyed" in page.text and "Me too" in page.text
    voted = await colleague.post(f"/irritants/{irritant_id}/vote", {"next": "/irritants"})
    assert (voted.status_code, voted.headers["location"]) == (303, "/irritants")
    detail = await colleague.get(f"/irritants/{irritant_id}")
    assert "<strong>2</strong> votes" in detail.text and "Voted ✓" in detail.text

    linked = await cdo.post(
        f"/initiatives/{world.erp.id}/irritants", {"irritant_id": str(irritant_id)}
    )
    assert linked.status_code == 303
    initiative = await cdo.get(f"/initiatives/{world.erp.id}")
    assert 'id="irritants"' in initiative.text and "Expense claims re-keyed" in initiative.text

    no_reason = await cdo.post(
        f"/irritants/{irritant_id}/status", {"status": "closed", "reason": " "}
    )
    assert no_reason.status_code == 422
    closed = await cdo.post(
        f"/irritants/{irritant_id}/status", {"status": "closed", "reason": "Done by ERP"}
    )
    assert closed.status_code == 303
    assert "Closed: Done by ERP" in (await cdo.get(f"/irritants/{irritant_id}")).text


async def test_a_blank_title_shows_the_error_next_to_the_field_and_raises_nothing(
    sign_in: SignIn, world: World
) -> None:
    employee = await sign_in("contributor", person_id=world.dev.id)
    refused = await employee.post(
        "/irritants/new", {"title": "  ", "department_id": str(world.hr.id)}
    )
    assert refused.status_code == 422
    assert "has-error" in refused.text
    assert "No irritant here yet." in (await employee.get("/irritants")).text


async def test_a_reader_without_a_person_sees_the_list_but_no_vote_button(
    sign_in: SignIn, world: World, viewer: Browser
) -> None:
    employee = await sign_in("contributor", person_id=world.dev.id)
    await _raise(employee, world)
    page = await viewer.get("/irritants")
    assert "Expense claims re-keyed" in page.text
    assert "Me too" not in page.text and "Raise an irritant" not in page.text


async def test_departments_and_dashboard_show_the_votes_active_work_addresses(
    sign_in: SignIn, world: World, cdo: Browser
) -> None:
    employee = await sign_in("contributor", person_id=world.dev.id)
    irritant_id = await _raise(employee, world)
    await cdo.post(f"/initiatives/{world.erp.id}/irritants", {"irritant_id": str(irritant_id)})
    await _raise(employee, world, "Badge readers fail")
    departments = await cdo.get("/departments")
    assert "Employee irritants by department" in departments.text
    assert re.search(
        r"<th scope=\"row\">hr</th><td class=\"num\">2</td><td class=\"num\">50.0%</td>",
        departments.text,
    )
    dashboard = await cdo.get("/")
    assert "of the 2 votes on open irritants" in dashboard.text
