"""A BI pull through a real GraphQL client while the portfolio changes underneath it."""

import asyncio
import random
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from schema import Initiative
from tests.graphql.builders import build_company
from tests.graphql.live import dedicated_database, running_server

PAGE = gql(
    """
    query Page($after: String, $since: DateTime) {
      initiatives(first: 100, after: $after, updatedSince: $since) {
        pageInfo { hasNextPage endCursor }
        nodes { databaseId title version }
      }
    }
    """
)
NOW = gql("{ serverTime }")


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[tuple[str, AsyncEngine]]:
    with dedicated_database(database_url) as url, running_server(url) as base:
        engine = create_async_engine(url)
        try:
            yield base, engine
        finally:
            await engine.dispose()


async def _pull(session: Any, since: Any = None) -> list[dict[str, Any]]:
    """Every initiative, 100 per page, as a BI tool pages through them."""
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        request = GraphQLRequest(PAGE, variable_values={"after": after, "since": since})
        result = await session.execute(request)
        page = result["initiatives"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]
        await asyncio.sleep(0.01)  # let the writer interleave between pages


async def _write_meanwhile(engine: AsyncEngine, company_ids: list[int], rounds: int) -> None:
    """Insert new initiatives and edit existing ones, each change committed on its own."""
    chooser = random.Random(7)
    async with AsyncSession(engine) as session:
        template = await session.get(Initiative, company_ids[0])
        assert template is not None
        department_id, owner_id = template.department_id, template.owner_id
        for n in range(rounds):
            session.add(
                Initiative(
                    code=f"NEW-{n:04d}",
                    title=f"Added {n}",
                    department_id=department_id,
                    owner_id=owner_id,
                    orientation="internal",
                    client_share=Decimal("0"),
                )
            )
            edited = await session.get(Initiative, chooser.choice(company_ids))
            assert edited is not None
            edited.title = f"Edited in round {n}"
            await session.commit()
            await asyncio.sleep(0.005)


async def test_paging_while_writing_then_updated_since_loses_and_repeats_nothing(
    live: tuple[str, AsyncEngine],
) -> None:
    base, engine = live
    async with AsyncSession(engine) as session:
        company = await build_company(session, 450)
        await session.commit()
    transport = HTTPXAsyncTransport(url=f"{base}/graphql", timeout=60)
    async with Client(transport=transport) as client:
        watermark = (await client.execute(NOW))["serverTime"]
        first_pass, _ = await asyncio.gather(
            _pull(client), _write_meanwhile(engine, company.initiative_ids, 60)
        )
        ids = [row["databaseId"] for row in first_pass]
        assert len(ids) == len(set(ids)), "a row was repeated within one pass"
        changes = await _pull(client, since=watermark)
    merged = {row["databaseId"]: row for row in first_pass}
    merged.update({row["databaseId"]: row for row in changes})
    async with engine.connect() as connection:
        stored = {
            row.id: {"databaseId": row.id, "title": row.title, "version": row.version}
            for row in await connection.execute(sa.select(Initiative.__table__))  # type: ignore[attr-defined]
        }
    assert len(stored) == 450 + 60
    assert merged == stored
    assert 60 <= len(changes) <= 120  # the new rows and the edited ones, nothing more
