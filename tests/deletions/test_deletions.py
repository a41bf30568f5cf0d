"""Deletions for BI: every delete leaves a tombstone that REST and GraphQL read alike."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Deletion
from schema.deletion import TRACKED_TABLES
from service.actor import SYSTEM
from service.deletions import service
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_account,
    make_initiative,
    make_kpi,
    make_measurement,
    make_token,
    make_update,
)

API = "/api/v1/deletions"

DELETIONS = """
query($since: DateTime!, $types: [String!], $first: Int, $after: String) {
  deletions(since: $since, entityTypes: $types, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { entityType entityId deletedAt }
  }
}
"""


@pytest.fixture
async def bi(session: AsyncSession) -> dict[str, str]:
    """The headers of a BI reader's API token."""
    account = await make_account(session, role="bi_reader")
    token = await make_token(session, account)
    await session.commit()  # kept when a refused request rolls back (the test still does)
    return {"Authorization": f"Bearer {token}"}


async def _now(session: AsyncSession) -> datetime:
    # The test's transaction began at this instant: every tombstone it writes carries it.
    return (await session.execute(sa.select(sa.func.now()))).scalar_one()


async def _rest(http: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await http.get(API, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _graphql(
    http: httpx.AsyncClient, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    body = {"query": DELETIONS, "variables": variables}
    response = await http.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _rest_items(page: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(i["entity_type"], i["entity_id"], i["deleted_at"]) for i in page["items"]]


def _graphql_items(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    nodes = body["data"]["deletions"]["nodes"]
    return [(n["entityType"], n["entityId"], n["deletedAt"]) for n in nodes]


def _same_instant(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


async def test_a_deleted_initiative_and_its_cascade_appear_in_rest_and_graphql_alike(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, session: AsyncSession, bi: dict[str, str]
) -> None:
    proposed = await make_initiative(session, status="proposed", orientation="client_facing")
    enabler = await make_initiative(session)
    link = await link_initiatives(session, enabler, proposed)
    kpi_link = await link_kpi(session, proposed, await make_kpi(session))
    check_in = await make_update(session, proposed)
    since = await _now(session)

    deleted = await client.delete(f"/api/v1/initiatives/{proposed.id}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.text

    rest = _rest_items(await _rest(anon, bi, since=since.isoformat()))
    assert sorted((kind, entity_id) for kind, entity_id, _ in rest) == sorted(
        [
            ("initiative", proposed.id),
            ("initiative_link", link.id),
            ("initiative_kpi", kpi_link.id),
            ("progress_update", check_in.id),
        ]
    )
    assert all(datetime.fromisoformat(at) == since for _, _, at in rest)
    graphql = _graphql_items(await _graphql(anon, bi, since=since.isoformat()))
    assert [(kind, entity_id) for kind, entity_id, _ in graphql] == [
        (kind, entity_id) for kind, entity_id, _ in rest
    ]
    assert all(_same_instant(g[2], r[2]) for g, r in zip(graphql, rest, strict=True))

    only = await _rest(anon, bi, since=since.isoformat(), entity_type="initiative")
    assert _rest_items(only) == [("initiative", proposed.id, rest_at(rest, proposed.id))]
    typed = await _graphql(anon, bi, since=since.isoformat(), types=["initiative"])
    assert [(n[0], n[1]) for n in _graphql_items(typed)] == [("initiative", proposed.id)]


def rest_at(rest: list[tuple[str, int, str]], initiative_id: int) -> str:
    return next(at for kind, i, at in rest if kind == "initiative" and i == initiative_id)


async def test_since_is_inclusive_to_the_microsecond(
    anon: httpx.AsyncClient, session: AsyncSession, bi: dict[str, str]
) -> None:
    kpi = await make_kpi(session)
    measurement = await make_measurement(session, kpi, date(2026, 11, 1), "12")
    await session.delete(measurement)
    await session.flush()
    at = await _now(session)

    exactly = await _rest(anon, bi, since=at.isoformat(), entity_type="kpi_measurement")
    assert _rest_items(exactly) == [("kpi_measurement", measurement.id, exactly_at(exactly))]
    later = (at + timedelta(microseconds=1)).isoformat()
    assert (await _rest(anon, bi, since=later, entity_type="kpi_measurement"))["items"] == []
    nodes = _graphql_items(await _graphql(anon, bi, since=at.isoformat()))
    assert ("kpi_measurement", measurement.id) in [(n[0], n[1]) for n in nodes]
    assert _graphql_items(await _graphql(anon, bi, since=later)) == []


def exactly_at(page: dict[str, Any]) -> str:
    return str(page["items"][0]["deleted_at"])


async def test_a_rolled_back_delete_leaves_no_tombstone(session: AsyncSession) -> None:
    initiative = await make_initiative(session, status="proposed")
    tombstones = sa.select(Deletion.entity_id).where(Deletion.entity_type == "initiative")  # type: ignore[arg-type]
    savepoint = await session.begin_nested()
    await session.execute(sa.delete(type(initiative)).where(sa.text(f"id = {initiative.id}")))
    assert (await session.scalars(tombstones)).all() == [initiative.id]
    await savepoint.rollback()
    assert (await session.scalars(tombstones)).all() == []


async def test_an_exactly_full_last_page_has_no_next_cursor(
    anon: httpx.AsyncClient, session: AsyncSession, bi: dict[str, str]
) -> None:
    kpi = await make_kpi(session)
    days = [date(2026, 10, d) for d in (1, 2, 3, 4)]
    made = [await make_measurement(session, kpi, day, "1") for day in days]
    await session.execute(sa.text(f"DELETE FROM kpi_measurement WHERE kpi_id = {kpi.id}"))
    since = (await _now(session)).isoformat()
    ids = [m.id for m in made]

    first = await _rest(anon, bi, since=since, entity_type="kpi_measurement", limit=2)
    assert [i["entity_id"] for i in first["items"]] == ids[:2]
    assert first["next_cursor"] is not None
    rest = await _rest(
        anon, bi, since=since, entity_type="kpi_measurement", limit=2, cursor=first["next_cursor"]
    )
    assert ([i["entity_id"] for i in rest["items"]], rest["next_cursor"]) == (ids[2:], None)
    whole = await _rest(anon, bi, since=since, entity_type="kpi_measurement", limit=4)
    assert ([i["entity_id"] for i in whole["items"]], whole["next_cursor"]) == (ids, None)

    page = (await _graphql(anon, bi, since=since, types=["kpi_measurement"], first=2))["data"]
    info = page["deletions"]["pageInfo"]
    assert [n["entityId"] for n in page["deletions"]["nodes"]] == ids[:2]
    assert info["hasNextPage"] is True
    after = info["endCursor"]
    last = await _graphql(anon, bi, since=since, types=["kpi_measurement"], first=2, after=after)
    tail = last["data"]["deletions"]
    assert [n["entityId"] for n in tail["nodes"]] == ids[2:]
    assert tail["pageInfo"] == {"hasNextPage": False, "endCursor": tail["pageInfo"]["endCursor"]}


async def test_purge_removes_only_tombstones_older_than_the_retention(
    session: AsyncSession,
) -> None:
    now = await _now(session)
    ages = {1: timedelta(days=401), 2: timedelta(days=400, minutes=-1), 3: timedelta(days=3)}
    await session.execute(
        sa.insert(Deletion),
        [
            {"entity_type": "kpi", "entity_id": 9_000_000 + n, "deleted_at": now - age}
            for n, age in ages.items()
        ],
    )
    assert await service.purge(session, SYSTEM, 400) == 1
    kept = sa.select(Deletion.entity_id).where(Deletion.entity_id >= 9_000_000)  # type: ignore[arg-type, operator]
    assert sorted((await session.scalars(kept)).all()) == [9_000_002, 9_000_003]
    assert await service.purge(session, SYSTEM, 5) == 1
    assert sorted((await session.scalars(kept)).all()) == [9_000_003]


async def test_a_reader_is_told_when_since_is_older_than_the_retention(
    anon: httpx.AsyncClient, bi: dict[str, str]
) -> None:
    old = (datetime.now(UTC) - timedelta(days=401)).isoformat()
    response = await anon.get(API, params={"since": old}, headers=bi)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (
        "since_before_retention",
        "since",
    )
    body = await _graphql(anon, bi, since=old)
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("since_before_retention", "since")


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "validation_error", "since"),
        ({"since": "yesterday"}, "validation_error", "since"),
        (
            {"since": "2026-12-01T00:00:00Z", "entity_type": "audit_event"},
            "unknown_entity_type",
            "entity_type",
        ),
        (
            {"since": "2026-12-01T00:00:00Z", "cursor": "bm90LWEtY3Vyc29y"},
            "invalid_cursor",
            "cursor",
        ),
        ({"since": "2026-12-01T00:00:00Z", "limit": 0}, "validation_error", "limit"),
    ],
)
async def test_bad_queries_get_a_422_naming_the_parameter(
    anon: httpx.AsyncClient,
    bi: dict[str, str],
    params: dict[str, Any],
    code: str,
    field: str,
) -> None:
    response = await anon.get(API, params=params, headers=bi)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (response.json()["code"], response.json()["field"]) == (code, field)


async def test_graphql_names_the_argument_at_fault(
    anon: httpx.AsyncClient, bi: dict[str, str]
) -> None:
    since = "2026-12-01T00:00:00Z"
    for variables, field in (
        ({"since": since, "types": ["account"]}, "entityTypes"),
        ({"since": since, "after": "bm90LWEtY3Vyc29y"}, "after"),
    ):
        body = await _graphql(anon, bi, **variables)
        extensions = body["errors"][0]["extensions"]
        assert (extensions["status"], extensions["field"]) == (422, field)


async def test_every_tracked_table_and_only_those_has_the_tombstone_trigger(
    session: AsyncSession,
) -> None:
    rows = await session.execute(
        sa.text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'record_deletion'"
        )
    )
    assert sorted(r.relname for r in rows) == sorted(TRACKED_TABLES)
