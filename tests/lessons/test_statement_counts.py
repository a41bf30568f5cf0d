"""A search is one SQL statement however many lessons match; GraphQL adds one batch."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import make_initiative
from tests.lessons.conftest import Library

GRAPHQL = '{ lessons(q: "HRIS", first: 50) { nodes { code initiative { databaseId } } } }'


async def more_lessons(session: AsyncSession, library: Library, n: int) -> None:
    for index in range(n):
        await make_initiative(
            session,
            department_id=library.hr,
            status="done",
            lessons_learned=f"HRIS feed number {index} came late.",
        )


async def test_rest_and_graphql_statements_do_not_grow_with_the_hits(
    client: httpx.AsyncClient, session: AsyncSession, library: Library, queries: QueryCounter
) -> None:
    counts = []
    for extra in (0, 20):
        await more_lessons(session, library, extra)
        queries.reset()
        rest = await client.get("/api/v1/lessons", params={"q": "HRIS", "limit": 50})
        assert len(rest.json()["items"]) == 2 + extra
        rest_count = queries.count
        queries.reset()
        body = (await client.post("/graphql", json={"query": GRAPHQL})).json()
        assert len(body["data"]["lessons"]["nodes"]) == 2 + extra
        counts.append((rest_count, queries.count))
    assert counts == [(1, 2), (1, 2)]
