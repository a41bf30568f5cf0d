"""REST: /api/v1/initiatives (create, read, update, delete)."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent
from tests.factories import (
    link_initiatives,
    make_department,
    make_initiative,
    make_person,
    make_update,
)
from tests.initiatives.helpers import API, LESSONS, initiative_body, problem
from tests.preconditions import if_match

# --- create -------------------------------------------------------------------------


async def test_create_returns_every_field(client: httpx.AsyncClient, session: AsyncSession) -> None:
    body = await initiative_body(
        session,
        description="Track every pallet.",
        origin="efficiency",
        user_need="Planners cannot see stock in transit.",
        target_users="Supply planners",
        is_experiment=True,
        hypothesis="Visibility cuts stock-outs by 20%.",
        start_date="2026-01-01",
        target_date="2026-06-30",
        budget_planned="125000.50",
    )
    sponsor = await make_person(session)
    response = await client.post(API, json=body | {"sponsor_id": sponsor.id})
    assert response.status_code == 201
    created = response.json()
    assert isinstance(created.pop("id"), int)
    assert isinstance(created.pop("created_at"), str)
    assert isinstance(created.pop("updated_at"), str)
    assert created == {
        "code": "INI-042",
        "title": "Supply-chain traceability",
        "description": "Track every pallet.",
        "department_id": body["department_id"],
        "owner_id": body["owner_id"],
        "sponsor_id": sponsor.id,
        "status": "proposed",
        "orientation": "internal",
        "client_share": "0.0000",
        "origin": "efficiency",
        "user_need": "Planners cannot see stock in transit.",
        "target_users": "Supply planners",
        "is_experiment": True,
        "hypothesis": "Visibility cuts stock-outs by 20%.",
        "lessons_learned": "",
        "start_date": "2026-01-01",
        "target_date": "2026-06-30",
        "budget_planned": "125000.50",
        "version": 1,
        "health": None,
        "percent_complete": None,
        "spent_to_date": None,
        "last_update_on": None,
    }


async def test_create_then_get(client: httpx.AsyncClient, session: AsyncSession) -> None:
    created = (await client.post(API, json=await initiative_body(session))).json()
    fetched = await client.get(f"{API}/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created | {"waivers": []}  # the detail adds the waived checks


async def test_create_as_approved_goes_through_the_approval_gate(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = await initiative_body(session, status="approved")
    refused = await client.post(API, json=body)
    assert refused.status_code == 409
    assert [check["code"] for check in refused.json()["checks"]] == ["NO_USER_NEED", "NO_KPI"]
    assert (await client.get(API, params={"q": "INI-042"})).json()["items"] == []

    # The refusal rolled the test's rows back with the request: build the company again.
    waiver = {"check": "NO_KPI", "reason": "Its KPI is defined next month."}
    body = await initiative_body(
        session, status="approved", user_need="Buyers cannot trace a batch.", waivers=[waiver]
    )
    created = await client.post(API, json=body)
    assert (created.status_code, created.json()["status"]) == (201, "approved")
    detail = (await client.get(f"{API}/{created.json()['id']}")).json()
    assert [(w["check"], w["reason"]) for w in detail["waivers"]] == [
        ("NO_KPI", "Its KPI is defined next month.")
    ]


@pytest.mark.parametrize("status", ["in_progress", "on_hold", "done", "stopped"])
async def test_create_refuses_other_starting_statuses(
    client: httpx.AsyncClient, session: AsyncSession, status: str
) -> None:
    body = await initiative_body(session, status=status, lessons_learned=LESSONS)
    response = await client.post(API, json=body)
    assert problem(response) == (422, "invalid_initial_status", "status")


async def test_duplicate_code_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_initiative(session, code="INI-042")
    response = await client.post(API, json=await initiative_body(session))
    assert problem(response) == (409, "duplicate_code", "code")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("code", ["ini-042", "INI 042", "-INI", "INI-", "INI--042", "", "A" * 41])
async def test_bad_code_is_422(client: httpx.AsyncClient, session: AsyncSession, code: str) -> None:
    response = await client.post(API, json=await initiative_body(session, code=code))
    assert problem(response) == (422, "validation_error", "code")


@pytest.mark.parametrize("field", ["department_id", "owner_id", "sponsor_id"])
async def test_unknown_reference_is_422(
    client: httpx.AsyncClient, session: AsyncSession, field: str
) -> None:
    response = await client.post(API, json=await initiative_body(session, **{field: 987654}))
    assert problem(response) == (422, "unknown_reference", field)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget_planned": "-0.01"}, "budget_planned"),
        ({"budget_planned": "10.005"}, "budget_planned"),
        ({"budget_planned": "1000000000000.00"}, "budget_planned"),
        ({"title": "   "}, "title"),
        ({"title": ""}, "title"),
        ({"orientation": "sideways"}, "orientation"),
        ({"origin": "hype"}, "origin"),
        ({"status": "started"}, "status"),
        ({"start_date": "not-a-date"}, "start_date"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_bad_input_is_422(
    client: httpx.AsyncClient, session: AsyncSession, fields: dict[str, Any], field: str
) -> None:
    response = await client.post(API, json=await initiative_body(session, **fields))
    assert problem(response) == (422, "validation_error", field)


async def test_missing_required_field_is_422(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = await initiative_body(session)
    del body["orientation"]
    assert problem(await client.post(API, json=body)) == (422, "validation_error", "orientation")


async def test_target_before_start_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    body = await initiative_body(session, start_date="2026-03-01", target_date="2026-02-28")
    response = await client.post(API, json=body)
    assert problem(response) == (422, "target_before_start", "target_date")


async def test_target_equal_to_start_is_fine(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = await initiative_body(session, start_date="2026-03-01", target_date="2026-03-01")
    assert (await client.post(API, json=body)).status_code == 201


# --- update -------------------------------------------------------------------------


async def test_update_changes_fields_and_bumps_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    sponsor = await make_person(session)
    department = await make_department(session)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={
            "title": "HR internal-mobility portal",
            "sponsor_id": sponsor.id,
            "department_id": department.id,
            "budget_planned": "5000",
            "code": "INI-777",
        },
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["sponsor_id"], body["department_id"]) == (
        "HR internal-mobility portal",
        sponsor.id,
        department.id,
    )
    assert (body["budget_planned"], body["code"], body["version"]) == ("5000.00", "INI-777", 2)


async def test_update_without_change_keeps_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="approved")
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"status": "approved", "title": initiative.title},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert (response.status_code, response.json()["version"]) == (200, 1)


async def test_update_clears_nullable_fields(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    sponsor = await make_person(session)
    initiative = await make_initiative(session, sponsor_id=sponsor.id)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"sponsor_id": None, "start_date": None},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert response.status_code == 200
    assert (response.json()["sponsor_id"], response.json()["start_date"]) == (None, None)


@pytest.mark.parametrize(
    "field",
    ["title", "code", "status", "orientation", "client_share", "budget_planned", "owner_id"],
)
async def test_update_refuses_null_for_required_fields(
    client: httpx.AsyncClient, session: AsyncSession, field: str
) -> None:
    initiative = await make_initiative(session)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={field: None},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "validation_error", field)


async def test_update_to_taken_code_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_initiative(session, code="INI-001")
    initiative = await make_initiative(session, code="INI-002")
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"code": "INI-001"},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (409, "duplicate_code", "code")


@pytest.mark.parametrize("field", ["department_id", "owner_id", "sponsor_id"])
async def test_update_unknown_reference_is_422(
    client: httpx.AsyncClient, session: AsyncSession, field: str
) -> None:
    initiative = await make_initiative(session)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={field: 987654},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "unknown_reference", field)


async def test_update_checks_dates_against_stored_ones(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(
        session, start_date=date(2026, 1, 1), target_date=date(2026, 6, 30)
    )
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"start_date": "2026-07-01"},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "target_before_start", "target_date")


async def test_update_unknown_field_is_422(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"health": "green"},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "validation_error", "health")


# --- get / delete ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_missing_is_404(client: httpx.AsyncClient, method: str) -> None:
    kwargs: dict[str, Any] = {"json": {"title": "X"}} if method == "PATCH" else {}
    headers = {"If-Match": '"1"'}
    response = await client.request(method, f"{API}/424242", headers=headers, **kwargs)
    assert problem(response) == (404, "initiative_not_found", None)


async def test_delete_proposed(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session, status="proposed")
    other = await make_initiative(session)
    await link_initiatives(session, initiative, other)
    await make_update(session, initiative)
    initiative_id, other_id, code = initiative.id, other.id, initiative.code
    response = await client.delete(
        f"{API}/{initiative_id}", headers=await if_match(client, f"{API}/{initiative_id}")
    )
    assert response.status_code == 204
    assert (await client.get(f"{API}/{initiative_id}")).status_code == 404
    links = (await client.get(f"{API}/{other_id}/links")).json()["items"]
    assert links == []
    stmt = select(AuditEvent).where(
        AuditEvent.entity_type == "initiative", AuditEvent.entity_id == initiative_id
    )
    (event,) = (await session.scalars(stmt)).all()
    assert (event.action, event.actor_label, event.parent_type, event.after) == (
        "delete",
        "system",
        None,
        None,
    )
    before = event.before or {}
    assert (before["id"], before["code"], before["status"], before["version"]) == (
        initiative_id,
        code,
        "proposed",
        1,
    )
    assert (before["budget_planned"], before["start_date"]) == ("100.00", "2026-01-01")


@pytest.mark.parametrize("status", ["approved", "in_progress", "on_hold", "done", "stopped"])
async def test_delete_other_status_is_409(
    client: httpx.AsyncClient, session: AsyncSession, status: str
) -> None:
    initiative = await make_initiative(session, status=status, lessons_learned=LESSONS)
    initiative_id, code = initiative.id, initiative.code  # the refused request expires the row
    await session.commit()  # keep the row when the refused request rolls back
    response = await client.delete(
        f"{API}/{initiative_id}", headers=await if_match(client, f"{API}/{initiative_id}")
    )
    assert problem(response) == (409, "not_deletable", None)
    assert response.json()["detail"] == (
        f"Only a proposed initiative can be deleted; {code} is {status}. "
        "Stop it with lessons learned instead."
    )
    assert (await client.get(f"{API}/{initiative_id}")).status_code == 200
