"""The compiled lane: a served application answers a repeated read, from a token it holds,
with one statement on its read pool — and exactly what the full path answers."""

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from schema import ApiToken
from service.config import Settings
from service.main import create_app
from tests.factories import make_account, make_token
from tests.graphql.builders import build_company
from tests.graphql.live import dedicated_database

SMALL = "{ initiatives(first: 3) { nodes { code department { name } } pageInfo { hasNextPage } } }"
FILTERED = """query Pull($first: Int!, $since: DateTime, $after: String) {
  initiatives(first: $first, updatedSince: $since, after: $after) {
    totalCount nodes { code spentToDate latestUpdate { health } } pageInfo { endCursor }
  }
}"""
PULL = {"first": 2, "since": "2020-01-01T00:00:00+00:00"}
FLAGS = "{ initiatives(first: 2) { nodes { code } } kpiAlignment { initiativeCount } }"  # resolvers


@pytest.fixture(scope="module")
def served_url(database_url: str) -> Iterator[str]:
    with dedicated_database(database_url) as url:
        yield url


class Lane:
    """A served application (its lifespan running) and what its ORM engine sends."""

    def __init__(self, app: Any, client: httpx.AsyncClient, token: str, token_id: int) -> None:
        self.app, self.client, self.token, self.token_id = app, client, token, token_id
        self.orm_statements = 0
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.orm_statements += 1

    async def post(self, body: dict[str, Any], token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return await self.client.post("/graphql", json=body, headers=headers)

    async def twice(self, body: dict[str, Any]) -> tuple[httpx.Response, httpx.Response, int]:
        """The first answer, the second, and the ORM statements the second sent."""
        first = await self.post(body)
        self.orm_statements = 0
        second = await self.post(body)
        return first, second, self.orm_statements


@pytest.fixture
async def lane(served_url: str) -> AsyncIterator[Lane]:
    engine = create_async_engine(served_url)
    async with engine.connect() as connection, AsyncSession(bind=connection) as session:
        if not await session.scalar(sa.text("SELECT count(*) FROM initiative")):
            await build_company(session, 5, tag="lane")
        account = await make_account(session, "bi_reader")
        token = await make_token(session, account)
        token_id = await session.scalar(
            sa.select(ApiToken.id).where(ApiToken.account_id == account.id)
        )
        await session.commit()
    await engine.dispose()
    # No webhook worker: its polling would be counted with the requests' statements.
    settings = Settings(database_url=served_url, db_pool_size=2, webhook_worker=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for _ in range(250):  # tokens are held once the revocation listener is up
            if app.state.credential_cache.listening:
                break
            await asyncio.sleep(0.02)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Lane(app, client, token, int(token_id or 0))


@pytest.mark.parametrize(
    "body",
    [
        {"query": SMALL},
        {"query": FILTERED, "variables": PULL, "operationName": "Pull"},
        {"query": FILTERED, "variables": PULL | {"first": 1, "since": None}},
    ],
    ids=["small", "variables", "other values"],
)
async def test_a_repeated_read_is_answered_by_the_lane_as_the_full_path_answers(
    lane: Lane, body: dict[str, Any]
) -> None:
    before = _counted(lane)
    first, second, orm = await lane.twice(body)
    assert _counted(lane) == before + 2  # both counted under /graphql's route template
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert _headers(second) == _headers(first)
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert orm == 0  # one statement, on the read pool: nothing through the ORM
    assert "errors" not in second.json()


async def test_the_lane_answers_a_persisted_query_and_a_get(lane: Lane) -> None:
    digest = hashlib.sha256(SMALL.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    first = await lane.post({"query": SMALL, "extensions": persisted})
    lane.orm_statements = 0
    by_hash = await lane.post({"extensions": persisted})
    got = await lane.client.get(
        "/graphql",
        params={"query": SMALL},
        headers={"Authorization": f"Bearer {lane.token}"},
    )
    assert by_hash.content == got.content == first.content
    assert lane.orm_statements == 0
    names = [node["code"] for node in first.json()["data"]["initiatives"]["nodes"]]
    assert names == sorted(names) and len(names) == 3


async def test_what_the_lane_cannot_answer_goes_on_to_the_full_path(lane: Lane) -> None:
    first, second, orm = await lane.twice({"query": FLAGS})
    assert second.content == first.content
    assert orm > 0  # the flags are the resolvers'
    assert [n["code"] for n in second.json()["data"]["initiatives"]["nodes"]] == sorted(
        n["code"] for n in second.json()["data"]["initiatives"]["nodes"]
    )
    bad = {"query": FILTERED, "variables": PULL | {"after": "not-a-cursor"}}
    first, second, _ = await lane.twice(bad)
    assert second.content == first.content
    assert second.json()["errors"][0]["extensions"]["code"] == "invalid_cursor"


async def test_an_unknown_token_is_refused_and_a_revoked_one_at_once(lane: Lane) -> None:
    refused = await lane.post({"query": SMALL}, token="cdo_not-a-token")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    await lane.twice({"query": SMALL})  # held, on the lane
    async with await psycopg.AsyncConnection.connect(_libpq(lane), autocommit=True) as db:
        await db.execute("UPDATE api_token SET revoked_at = now() WHERE id = %s", [lane.token_id])
    for _ in range(50):  # the notification reaches the process's listener
        answer = await lane.post({"query": SMALL})
        if answer.status_code == 401:
            break
        await asyncio.sleep(0.02)
    assert answer.status_code == 401
    assert json.loads(answer.content)["code"] == "token_revoked"


async def test_a_dropped_read_connection_costs_the_client_nothing(lane: Lane) -> None:
    first, _, _ = await lane.twice({"query": SMALL})
    async with await psycopg.AsyncConnection.connect(_libpq(lane), autocommit=True) as db:
        await db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'cdo-portfolio reads'"
        )
    again = await lane.post({"query": SMALL})
    assert again.status_code == 200
    assert again.content == first.content
    lane.orm_statements = 0
    assert (await lane.post({"query": SMALL})).content == first.content
    assert lane.orm_statements == 0  # the pool has a working connection again


def _libpq(lane: Lane) -> str:
    url = make_url(str(lane.app.state.engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _headers(response: httpx.Response) -> dict[str, str]:
    """Every response header but the request's own id."""
    return {name: value for name, value in response.headers.items() if name != "x-request-id"}


def _counted(lane: Lane) -> float:
    """POST /graphql requests answered 200, as the metrics count them."""
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    value = lane.app.state.metrics.registry.get_sample_value("http_requests_total", labels)
    return float(value or 0)
