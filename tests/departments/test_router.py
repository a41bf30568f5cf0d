"""REST: /api/v1/departments."""

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department
from service.deps import SessionDep
from tests.factories import make_department, make_person


async def test_create_then_get(client: httpx.AsyncClient) -> None:
    created = await client.post("/api/v1/departments", json={"code": "hr", "name": "HR"})
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["name"], body["head_id"], body["version"]) == ("hr", "HR", None, 1)
    fetched = await client.get(f"/api/v1/departments/{body['id']}")
    assert fetched.json()["code"] == "hr"


async def test_duplicate_code_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_department(session, code="it")
    response = await client.post("/api/v1/departments", json={"code": "it", "name": "IT"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "duplicate_code"
    assert response.json()["field"] == "code"


async def test_bad_slug_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/departments", json={"code": "Not A Slug", "name": "X"})
    assert response.status_code == 422
    assert response.json()["field"] == "code"


async def test_unknown_head_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/departments", json={"code": "ops", "name": "Ops", "head_id": 999999}
    )
    assert response.status_code == 422
    assert response.json() | {"detail": None} == response.json() | {"detail": None}
    assert response.json()["code"] == "unknown_reference"
    assert response.json()["field"] == "head_id"


async def test_update_bumps_version(client: httpx.AsyncClient, session: AsyncSession) -> None:
    department = await make_department(session)
    head = await make_person(session, department_id=department.id)
    response = await client.patch(
        f"/api/v1/departments/{department.id}",
        json={"name": "Finance", "head_id": head.id},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["head_id"]) == ("Finance", head.id)
    assert response.json()["version"] == 2


async def test_missing_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/departments/424242")
    assert response.status_code == 404
    assert response.json()["code"] == "department_not_found"


async def test_delete_in_use_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    department = await make_department(session)
    await make_person(session, department_id=department.id)
    response = await client.delete(
        f"/api/v1/departments/{department.id}", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


async def test_list_pages_without_skipping(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    made = [await make_department(session) for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/departments", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [d.id for d in made] == [i for i in seen if i in {d.id for d in made}]
    assert len(seen) == len(set(seen))


async def test_bad_cursor_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/departments", params={"cursor": "garbage!"})
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


async def test_failing_commit_never_answers_2xx(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_department(session, code="dup")

    @app.post("/test-only/unflushed-duplicate")
    async def add_without_flush(db: SessionDep) -> dict[str, str]:
        db.add(Department(code="dup", name="Duplicate"))  # fails only at commit
        return {"status": "ok"}

    response = await client.post("/test-only/unflushed-duplicate")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
