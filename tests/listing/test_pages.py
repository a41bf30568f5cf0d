"""Keyset pages end exactly: a full last page says no more rows follow, none repeats."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_initiative
from tests.listing.surfaces import graphql_page, rest_page

CODES = ["INI-P1", "INI-P2", "INI-P3", "INI-P4"]


async def _four(session: AsyncSession) -> None:
    for code in CODES:
        await make_initiative(session, code=code)


async def test_rest_an_exactly_full_last_page_has_no_next_cursor(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _four(session)
    whole = await rest_page(client, limit=4)
    assert [item["code"] for item in whole["items"]] == CODES
    assert whole["next_cursor"] is None
    first = await rest_page(client, limit=2)
    assert [item["code"] for item in first["items"]] == CODES[:2]
    assert first["next_cursor"] is not None
    last = await rest_page(client, limit=2, cursor=first["next_cursor"])
    assert [item["code"] for item in last["items"]] == CODES[2:]
    assert last["next_cursor"] is None


async def test_graphql_an_exactly_full_last_page_has_no_next_page(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await _four(session)
    whole = await graphql_page(client, first=4)
    assert [node["code"] for node in whole["nodes"]] == CODES
    assert whole["pageInfo"]["hasNextPage"] is False
    first = await graphql_page(client, first=2)
    assert [node["code"] for node in first["nodes"]] == CODES[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    last = await graphql_page(client, first=2, after=first["pageInfo"]["endCursor"])
    assert [node["code"] for node in last["nodes"]] == CODES[2:]
    assert last["pageInfo"]["hasNextPage"] is False
