"""Concurrent writers on a real, committing database: If-Match and Idempotency-Key hold."""

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from schema import AuditEvent, Department, Initiative, ProgressUpdate
from service import migrate
from service.actor import SYSTEM
from service.auth import accounts, tokens
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.departments import service as departments_service
from service.departments.payloads import DepartmentCreate, DepartmentPublic
from service.deps import ActorDep, SessionDep
from service.idempotency import IdempotencyDep
from service.main import create_app
from tests.auth.helpers import bearer
from tests.dbutil import scratch_database


@pytest.fixture(scope="module")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "concurrency") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def live(committed_url: str) -> AsyncIterator[tuple[FastAPI, AsyncEngine, dict[str, str]]]:
    """An app on the scratch database (every request commits), and a CDO office token."""
    settings = Settings(database_url=committed_url, db_pool_size=10)
    engine = make_engine(committed_url, settings)
    app = create_app(settings, engine=engine)
    async with make_sessionmaker(engine)() as session:
        email = f"cdo-{random.randrange(10**9)}@example.com"
        account = await accounts.create_account(
            session, SYSTEM, AccountCreate(email=email, role="cdo_office")
        )
        _, token = await tokens.create_token(session, SYSTEM, accounts.account_id(account))
        await session.commit()
    yield app, engine, bearer(token)
    await engine.dispose()


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def _department(http: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, Any]:
    code = f"c{random.randrange(10**9)}"
    response = await http.post(
        "/api/v1/departments", json={"code": code, "name": "Start"}, headers=auth
    )
    assert response.status_code == 201
    return dict(response.json())


async def test_two_writers_with_the_same_version_one_wins(live: Any) -> None:
    app, _, auth = live
    async with _client(app) as http:
        department = await _department(http, auth)
        url = f"/api/v1/departments/{department['id']}"
        answers = await asyncio.gather(
            *(
                http.patch(url, json={"name": name}, headers=auth | {"If-Match": '"1"'})
                for name in ("Alpha", "Beta")
            )
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 412]
        loser = next(a for a in answers if a.status_code == 412).json()
        assert (loser["code"], loser["current_version"]) == ("stale_version", 2)
        winner = next(a for a in answers if a.status_code == 200).json()
        final = (await http.get(url, headers=auth)).json()
        assert (final["name"], final["version"]) == (winner["name"], 2)


async def test_interleaved_updates_lose_nothing(live: Any) -> None:
    app, engine, auth = live
    rng = random.Random(7)
    accepted: list[str] = []
    async with _client(app) as http:
        department = await _department(http, auth)
        url = f"/api/v1/departments/{department['id']}"

        async def writer(n: int) -> None:
            for k in range(6):
                while True:
                    current = await http.get(url, headers=auth)
                    await asyncio.sleep(rng.random() / 200)
                    name = f"w{n}-{k}"
                    response = await http.patch(
                        url,
                        json={"name": name},
                        headers=auth | {"If-Match": current.headers["etag"]},
                    )
                    if response.status_code == 200:
                        accepted.append(name)
                        break
                    assert response.status_code == 412, response.text

        await asyncio.gather(*(writer(n) for n in range(6)))
    async with AsyncSession(engine) as session:
        row = await session.get(Department, department["id"])
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entity_type == "department", AuditEvent.entity_id == department["id"]
                )
                .where(AuditEvent.action == "update")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert len(accepted) == 36
    assert row is not None and (row.version, row.name) == (37, accepted[-1])
    # Each accepted write is one event, and each one starts from its predecessor's result.
    assert [e.after["name"] for e in events] == accepted  # type: ignore[index]
    assert [e.before["version"] for e in events] == list(range(1, 37))  # type: ignore[index]
    assert [e.before["name"] for e in events[1:]] == accepted[:-1]  # type: ignore[index]


def _idempotent_app(app: FastAPI) -> None:
    @app.post("/test-only/departments", status_code=status.HTTP_201_CREATED)
    async def create(
        session: SessionDep, actor: ActorDep, idem: IdempotencyDep, data: DepartmentCreate
    ) -> DepartmentPublic:
        async def make() -> DepartmentPublic:
            await asyncio.sleep(0.05)  # widen the window in which the duplicate arrives
            created = await departments_service.create_department(session, actor, data)
            return DepartmentPublic.model_validate(created)

        return await idem.run(session, actor, make)


async def test_duplicate_idempotent_posts_in_parallel_make_one_row(live: Any) -> None:
    app, engine, auth = live
    _idempotent_app(app)
    code = f"i{random.randrange(10**9)}"
    headers = auth | {"Idempotency-Key": f"key-{code}"}
    async with _client(app) as http:
        answers = await asyncio.gather(
            *(
                http.post(
                    "/test-only/departments", json={"code": code, "name": "Once"}, headers=headers
                )
                for _ in range(5)
            )
        )
    assert [a.status_code for a in answers] == [201] * 5
    assert len({a.json()["id"] for a in answers}) == 1
    assert sorted(a.headers.get("idempotent-replayed", "") for a in answers) == [""] + ["true"] * 4
    async with AsyncSession(engine) as session:
        count = await session.scalar(
            select(func.count()).select_from(Department).where(Department.code == code)
        )
    assert count == 1


async def _initiative(http: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, Any]:
    department = await _department(http, auth)
    n = random.randrange(10**9)
    person = await http.post(
        "/api/v1/people",
        json={"name": "Owner", "email": f"o{n}@example.com", "department_id": department["id"]},
        headers=auth,
    )
    body = {
        "code": f"INI-{n}",
        "title": "Start",
        "orientation": "internal",
        "department_id": department["id"],
        "owner_id": person.json()["id"],
    }
    created = await http.post("/api/v1/initiatives", json=body, headers=auth)
    assert created.status_code == 201
    return dict(created.json()) | {"body": body}


STOP = {"status": "stopped", "lessons_learned": "The need went away."}


async def test_two_initiative_writers_one_wins_and_the_trail_has_one_change(live: Any) -> None:
    app, engine, auth = live
    async with _client(app) as http:
        initiative = await _initiative(http, auth)
        url = f"/api/v1/initiatives/{initiative['id']}"
        answers = await asyncio.gather(
            http.patch(url, json={"title": "Alpha"}, headers=auth | {"If-Match": '"1"'}),
            http.patch(url, json=STOP, headers=auth | {"If-Match": '"1"'}),
        )
    assert sorted(a.status_code for a in answers) == [200, 412]
    async with AsyncSession(engine) as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "initiative")
                .where(AuditEvent.entity_id == initiative["id"])
                .order_by(AuditEvent.id)
            )
        ).all()
    winner = next(a for a in answers if a.status_code == 200).json()
    assert list(actions) == ["create", "update" if winner["title"] == "Alpha" else "transition"]


async def test_duplicate_idempotent_creates_in_parallel_make_one_row_each(live: Any) -> None:
    app, engine, auth = live
    async with _client(app) as http:
        initiative = await _initiative(http, auth)
        body = initiative["body"] | {"code": f"INI-{random.randrange(10**9)}"}
        key = {"Idempotency-Key": f"create-{body['code']}"}
        created = await asyncio.gather(
            *(http.post("/api/v1/initiatives", json=body, headers=auth | key) for _ in range(4))
        )
        checkin = {"percent_complete": 20, "health": "amber", "summary": "Once"}
        url = f"/api/v1/initiatives/{initiative['id']}/updates"
        posted = await asyncio.gather(
            *(
                http.post(url, json=checkin, headers=auth | {"Idempotency-Key": "checkin-1"})
                for _ in range(4)
            )
        )
    assert [a.status_code for a in created + posted] == [201] * 8
    assert len({a.json()["id"] for a in created}) == 1
    assert len({a.json()["id"] for a in posted}) == 1
    async with AsyncSession(engine) as session:
        code_count = await session.scalar(
            select(func.count()).select_from(Initiative).where(Initiative.code == body["code"])
        )
        checkin_count = await session.scalar(
            select(func.count())
            .select_from(ProgressUpdate)
            .where(ProgressUpdate.initiative_id == initiative["id"])
        )
    assert (code_count, checkin_count) == (1, 1)
