"""Idempotency-Key: replays answer the first response; a reused key with another body is 422."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, IdempotencyKey
from service.departments import service as departments_service
from service.departments.payloads import DepartmentCreate, DepartmentPublic
from service.deps import ActorDep, SessionDep
from service.idempotency import IdempotencyDep

URL = "/test-only/departments"


@pytest.fixture
def idempotent_route(app: FastAPI) -> None:
    @app.post(URL, status_code=status.HTTP_201_CREATED)
    async def create(
        session: SessionDep, actor: ActorDep, idem: IdempotencyDep, data: DepartmentCreate
    ) -> DepartmentPublic:
        async def make() -> DepartmentPublic:
            created = await departments_service.create_department(session, actor, data)
            return DepartmentPublic.model_validate(created)

        return await idem.run(session, actor, make)


async def _count(session: AsyncSession, code: str) -> Any:
    return await session.scalar(
        select(func.count()).select_from(Department).where(Department.code == code)
    )


@pytest.mark.usefixtures("idempotent_route")
async def test_a_replay_returns_the_first_response(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "abc"}
    first = await client.post(URL, json={"code": "once", "name": "Once"}, headers=headers)
    same_json = b'{ "name": "Once", "code": "once" }'  # other spacing and key order
    json_type = {"Content-Type": "application/json"}
    again = await client.post(URL, content=same_json, headers=headers | json_type)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _count(session, "once") == 1


@pytest.mark.usefixtures("idempotent_route")
async def test_the_same_key_with_another_body_is_refused(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "abc"}
    await client.post(URL, json={"code": "one", "name": "One"}, headers=headers)
    other = await client.post(URL, json={"code": "two", "name": "Two"}, headers=headers)
    assert other.status_code == 422
    assert (other.json()["code"], other.json()["field"]) == (
        "idempotency_key_reused",
        "Idempotency-Key",
    )


@pytest.mark.usefixtures("idempotent_route")
async def test_without_a_key_every_post_creates(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await client.post(URL, json={"code": "a", "name": "A"})
    await client.post(URL, json={"code": "b", "name": "B"})
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


@pytest.mark.usefixtures("idempotent_route")
async def test_a_failed_request_releases_its_key(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    bad = await client.post(
        URL, json={"code": "x", "name": "X", "head_id": 999999}, headers=headers
    )
    assert bad.status_code == 422
    good = await client.post(URL, json={"code": "x", "name": "X"}, headers=headers)
    assert good.status_code == 201
    assert await _count(session, "x") == 1
