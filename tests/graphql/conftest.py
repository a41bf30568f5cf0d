"""Helpers for GraphQL tests: post a query through the ASGI app (acting as the CDO office)."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> Run:
    """Post a query (and variables) to /graphql; return the JSON body."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        assert response.status_code == 200, response.text
        return response.json()

    return run
