"""REST: /api/v1/people."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Person
from tests.conftest import QueryCounter
from tests.factories import make_department, make_initiative, make_person
from tests.preconditions import if_match

PEOPLE = "/api/v1/people"


def _problem(response: httpx.Response) -> tuple[int, str, str | None]:
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    return response.status_code, body["code"], body.get("field")


async def _ids(client: httpx.AsyncClient, path: str, **params: Any) -> list[int]:
    response = await client.get(path, params=params)
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


async def _line(session: AsyncSession, *names: str) -> list[Person]:
    """People where each one reports to the next (the last is the top)."""
    department = await make_department(session)
    line: list[Person] = []
    for name in reversed(names):
        manager_id = line[0].id if line else None
        person = await make_person(
            session, name=name, department_id=department.id, manager_id=manager_id
        )
        line.insert(0, person)
    return line


# POST /people


async def test_create_then_get(client: httpx.AsyncClient, session: AsyncSession) -> None:
    department = await make_department(session)
    boss = await make_person(session, department_id=department.id)
    payload = {
        "name": "Grace Hopper",
        "email": "Grace.Hopper@Example.com",
        "title": "CIO",
        "department_id": department.id,
        "manager_id": boss.id,
    }
    created = await client.post(PEOPLE, json=payload)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {
        "id",
        "name",
        "email",
        "title",
        "department_id",
        "manager_id",
        "is_active",
        "created_at",
        "updated_at",
        "version",
    }
    assert {k: body[k] for k in ("name", "email", "title", "is_active", "version")} == {
        "name": "Grace Hopper",
        "email": "grace.hopper@example.com",
        "title": "CIO",
        "is_active": True,
        "version": 1,
    }
    assert (body["department_id"], body["manager_id"]) == (department.id, boss.id)
    fetched = await client.get(f"{PEOPLE}/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_create_minimal(client: httpx.AsyncClient) -> None:
    response = await client.post(PEOPLE, json={"name": "Solo", "email": "solo@example.com"})
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["department_id"], body["manager_id"]) == ("", None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "email": "not-an-email"}, "email"),
        ({"name": "X", "email": "two@@example.com"}, "email"),
        ({"name": "X", "email": "no-dot@example"}, "email"),
        ({"name": "X"}, "email"),
        ({"email": "x@example.com"}, "name"),
        ({"name": "   ", "email": "x@example.com"}, "name"),
        ({"name": "X", "email": "x@example.com", "is_active": "maybe"}, "is_active"),
        ({"name": "X", "email": "x@example.com", "nickname": "x"}, "nickname"),
        ({"name": "X", "email": "x@example.com", "id": 5}, "id"),
    ],
)
async def test_create_invalid_is_422(
    client: httpx.AsyncClient, payload: dict[str, Any], field: str
) -> None:
    response = await client.post(PEOPLE, json=payload)
    assert _problem(response) == (422, "validation_error", field)


async def test_create_duplicate_email_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_person(session, email="taken@example.com")
    response = await client.post(PEOPLE, json={"name": "X", "email": "TAKEN@example.com"})
    assert _problem(response) == (409, "duplicate_email", "email")


@pytest.mark.parametrize("field", ["department_id", "manager_id"])
async def test_create_unknown_reference_is_422(client: httpx.AsyncClient, field: str) -> None:
    response = await client.post(
        PEOPLE, json={"name": "X", "email": "x@example.com", field: 987654321}
    )
    assert _problem(response) == (422, "unknown_reference", field)


# GET /people/{id}


async def test_get_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{PEOPLE}/987654321")
    assert _problem(response) == (404, "person_not_found", None)


async def test_get_non_integer_id_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{PEOPLE}/abc")
    assert _problem(response) == (422, "validation_error", "person_id")


# PATCH /people/{id}


async def test_update_bumps_version(client: httpx.AsyncClient, session: AsyncSession) -> None:
    person = await make_person(session, name="Old", title="Analyst")
    boss = await make_person(session)
    response = await client.patch(
        f"{PEOPLE}/{person.id}",
        json={"name": "New", "manager_id": boss.id, "is_active": False, "email": "NEW@x.io"},
        headers=await if_match(client, f"{PEOPLE}/{person.id}"),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["title"], body["manager_id"], body["is_active"]) == (
        "New",
        "Analyst",
        boss.id,
        False,
    )
    assert (body["email"], body["version"]) == ("new@x.io", 2)


async def test_update_clears_references_with_null(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    boss = await make_person(session)
    person = await make_person(session, manager_id=boss.id)
    response = await client.patch(
        f"{PEOPLE}/{person.id}",
        json={"manager_id": None, "department_id": None},
        headers=await if_match(client, f"{PEOPLE}/{person.id}"),
    )
    assert response.status_code == 200
    assert (response.json()["manager_id"], response.json()["department_id"]) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": None}, "name"),
        ({"email": None}, "email"),
        ({"title": None}, "title"),
        ({"is_active": None}, "is_active"),
        ({"email": "nope"}, "email"),
        ({"version": 3}, "version"),
    ],
)
async def test_update_invalid_is_422(
    client: httpx.AsyncClient, session: AsyncSession, payload: dict[str, Any], field: str
) -> None:
    person = await make_person(session)
    response = await client.patch(
        f"{PEOPLE}/{person.id}",
        json=payload,
        headers=await if_match(client, f"{PEOPLE}/{person.id}"),
    )
    assert _problem(response) == (422, "validation_error", field)


async def test_update_unknown_manager_is_422(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    person = await make_person(session)
    response = await client.patch(
        f"{PEOPLE}/{person.id}",
        json={"manager_id": 987654321},
        headers=await if_match(client, f"{PEOPLE}/{person.id}"),
    )
    assert _problem(response) == (422, "unknown_reference", "manager_id")


async def test_update_duplicate_email_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_person(session, email="first@example.com")
    second = await make_person(session)
    response = await client.patch(
        f"{PEOPLE}/{second.id}",
        json={"email": "first@example.com"},
        headers=await if_match(client, f"{PEOPLE}/{second.id}"),
    )
    assert _problem(response) == (409, "duplicate_email", "email")


async def test_update_self_management_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    person = await make_person(session, name="Solo")
    response = await client.patch(
        f"{PEOPLE}/{person.id}",
        json={"manager_id": person.id},
        headers=await if_match(client, f"{PEOPLE}/{person.id}"),
    )
    assert _problem(response) == (409, "cycle", "manager_id")
    assert response.json()["detail"] == "Solo cannot be their own manager."


async def test_update_closing_a_loop_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    alice, bob, carol = [p.id for p in await _line(session, "Alice", "Bob", "Carol")]
    await session.commit()  # keep the rows when the refused request rolls back
    response = await client.patch(
        f"{PEOPLE}/{carol}",
        json={"manager_id": alice},
        headers=await if_match(client, f"{PEOPLE}/{carol}"),
    )
    assert _problem(response) == (409, "cycle", "manager_id")
    assert response.json()["detail"] == (
        "Carol cannot report to Alice: Alice already reports to Carol (Alice → Bob → Carol)."
    )
    assert response.json()["chain"] == [alice, bob, carol]
    unchanged = await client.get(f"{PEOPLE}/{carol}")
    assert (unchanged.json()["manager_id"], unchanged.json()["version"]) == (None, 1)


async def test_update_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        f"{PEOPLE}/987654321",
        json={"title": "x"},
        headers=await if_match(client, f"{PEOPLE}/987654321"),
    )
    assert _problem(response) == (404, "person_not_found", None)


# DELETE /people/{id}


async def test_delete_then_get_is_404(client: httpx.AsyncClient, session: AsyncSession) -> None:
    person = await make_person(session)
    response = await client.delete(
        f"{PEOPLE}/{person.id}", headers=await if_match(client, f"{PEOPLE}/{person.id}")
    )
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"{PEOPLE}/{person.id}")).status_code == 404


async def test_delete_manager_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    _, boss = await _line(session, "Report", "Boss")
    response = await client.delete(
        f"{PEOPLE}/{boss.id}", headers=await if_match(client, f"{PEOPLE}/{boss.id}")
    )
    assert _problem(response) == (409, "in_use", None)
    assert response.json()["detail"] == (
        "Boss still manages 1 person and owns 0 initiatives; reassign them first."
    )


async def test_delete_initiative_owner_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    response = await client.delete(
        f"{PEOPLE}/{initiative.owner_id}",
        headers=await if_match(client, f"{PEOPLE}/{initiative.owner_id}"),
    )
    assert _problem(response) == (409, "in_use", None)
    assert (response.json()["reports"], response.json()["initiatives"]) == (0, 1)


async def test_delete_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.delete(
        f"{PEOPLE}/987654321", headers=await if_match(client, f"{PEOPLE}/987654321")
    )
    assert _problem(response) == (404, "person_not_found", None)


# GET /people


async def test_list_filters(client: httpx.AsyncClient, session: AsyncSession) -> None:
    department = await make_department(session)
    dept = {"department_id": department.id}
    boss = await make_person(session, name="Boss", email="boss@acme.test", **dept)
    ann = await make_person(
        session, name="Ann Smith", email="ann@acme.test", manager_id=boss.id, **dept
    )
    ben = await make_person(
        session, name="Ben", email="ben.smith@acme.test", is_active=False, **dept
    )
    await make_person(session, name="Elsewhere Smith", manager_id=boss.id)
    assert await _ids(client, PEOPLE, **dept) == [boss.id, ann.id, ben.id]
    assert await _ids(client, PEOPLE, manager_id=boss.id, **dept) == [ann.id]
    assert await _ids(client, PEOPLE, is_active="false", **dept) == [ben.id]
    assert await _ids(client, PEOPLE, is_active="true", **dept) == [boss.id, ann.id]
    assert await _ids(client, PEOPLE, q="SMITH", **dept) == [ann.id, ben.id]
    assert await _ids(client, PEOPLE, q="smith", is_active="true", **dept) == [ann.id]


async def test_list_updated_since(client: httpx.AsyncClient, session: AsyncSession) -> None:
    department = await make_department(session)
    person = await make_person(session, department_id=department.id)
    since = person.updated_at.isoformat()
    assert await _ids(client, PEOPLE, department_id=department.id, updated_since=since) == [
        person.id
    ]
    future = "2999-01-01T00:00:00+00:00"
    assert await _ids(client, PEOPLE, department_id=department.id, updated_since=future) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department_id": "abc"}, "department_id"),
        ({"manager_id": "1.5"}, "manager_id"),
        ({"is_active": "maybe"}, "is_active"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"q": ""}, "q"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
    ],
)
async def test_list_bad_filter_is_422(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get(PEOPLE, params=params)
    assert _problem(response) == (422, "validation_error", field)


async def test_list_bad_cursor_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get(PEOPLE, params={"cursor": "garbage!"})
    assert _problem(response) == (422, "validation_error", "cursor")


async def test_list_pages_without_skipping(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    department = await make_department(session)
    made = [await make_person(session, department_id=department.id) for _ in range(5)]
    seen: list[int] = []
    cursors: list[str | None] = []
    cursor = None
    while True:
        params = {"limit": 2, "department_id": department.id} | (
            {"cursor": cursor} if cursor else {}
        )
        page = (await client.get(PEOPLE, params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        cursors.append(cursor)
        if cursor is None:
            break
    assert seen == [p.id for p in made]
    assert len(cursors) == 3


async def test_list_runs_the_same_statements_for_any_page_size(
    client: httpx.AsyncClient, session: AsyncSession, queries: QueryCounter
) -> None:
    department = await make_department(session)
    for _ in range(30):
        await make_person(session, department_id=department.id)
    counts = []
    for limit in (5, 30):
        queries.reset()
        response = await client.get(PEOPLE, params={"limit": limit, "department_id": department.id})
        assert len(response.json()["items"]) == limit
        counts.append(queries.count)
    assert counts == [1, 1]


# GET /people/{id}/reports


async def test_reports(client: httpx.AsyncClient, session: AsyncSession) -> None:
    boss = await make_person(session)
    first = await make_person(session, manager_id=boss.id)
    second = await make_person(session, manager_id=boss.id)
    third = await make_person(session, manager_id=boss.id)
    await make_person(session, manager_id=first.id)  # indirect report
    path = f"{PEOPLE}/{boss.id}/reports"
    assert await _ids(client, path) == [first.id, second.id, third.id]
    page = (await client.get(path, params={"limit": 2})).json()
    assert [item["id"] for item in page["items"]] == [first.id, second.id]
    assert await _ids(client, path, cursor=page["next_cursor"]) == [third.id]
    assert await _ids(client, f"{PEOPLE}/{third.id}/reports") == []


async def test_reports_updated_since(client: httpx.AsyncClient, session: AsyncSession) -> None:
    boss = await make_person(session)
    await make_person(session, manager_id=boss.id)
    path = f"{PEOPLE}/{boss.id}/reports"
    assert await _ids(client, path, updated_since="2999-01-01T00:00:00Z") == []


async def test_reports_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{PEOPLE}/987654321/reports")
    assert _problem(response) == (404, "person_not_found", None)


async def test_reports_bad_cursor_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    boss = await make_person(session)
    response = await client.get(f"{PEOPLE}/{boss.id}/reports", params={"cursor": "x"})
    assert _problem(response) == (422, "validation_error", "cursor")


# GET /people/{id}/chain


async def test_chain_four_levels_nearest_first(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    analyst, lead, director, ceo = await _line(session, "Analyst", "Lead", "Director", "CEO")
    response = await client.get(f"{PEOPLE}/{analyst.id}/chain")
    assert response.status_code == 200
    assert set(response.json()) == {"items"}
    assert [(p["id"], p["name"]) for p in response.json()["items"]] == [
        (lead.id, "Lead"),
        (director.id, "Director"),
        (ceo.id, "CEO"),
    ]
    top = await client.get(f"{PEOPLE}/{ceo.id}/chain")
    assert top.json() == {"items": []}


async def test_chain_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{PEOPLE}/987654321/chain")
    assert _problem(response) == (404, "person_not_found", None)


async def test_openapi_lists_people_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths[PEOPLE]) == {"get", "post"}
    assert set(paths[PEOPLE + "/{person_id}"]) == {"get", "patch", "delete"}
    assert paths[PEOPLE + "/{person_id}/chain"]["get"]["tags"] == ["people"]
    assert PEOPLE + "/{person_id}/reports" in paths
