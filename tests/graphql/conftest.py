"""Helpers for GraphQL tests: post a query through the ASGI app."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from service.actor import SYSTEM
from service.deps import current_actor

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(autouse=True)
def signed_in(app: Any) -> None:
    """Requests act as the CDO office (authentication is tested where it lives)."""
    app.dependency_overrides[current_actor] = lambda: SYSTEM


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> Run:
    """Post a query (and variables) to /graphql; return the JSON body."""

    async def run(query: str, variables: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        assert response.status_code == 200, response.text
        return response.json()

    return run
