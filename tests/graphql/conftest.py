"""Helpers for GraphQL tests: post a query through the ASGI app (acting as the CDO office)."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.helpers import bearer
from tests.factories import make_account, make_token

Run = Callable[..., Awaitable[dict[str, Any]]]
SignIn = Callable[..., Awaitable[tuple[Any, Run]]]


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


@pytest.fixture
def signed_in(anon: httpx.AsyncClient, session: AsyncSession) -> SignIn:
    """Create an account of a role with an API token; return it and a poster of queries
    that authenticates with the token (the real credential check, no override)."""

    async def sign_in(role: str, **fields: Any) -> tuple[Any, Run]:
        account = await make_account(session, role, **fields)
        headers = bearer(await make_token(session, account))

        async def run(
            query: str, variables: dict[str, Any] | None = None, request_id: str | None = None
        ) -> dict[str, Any]:
            extra = {} if request_id is None else {"X-Request-ID": request_id}
            response = await anon.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers=headers | extra,
            )
            assert response.status_code == 200, response.text
            return response.json()

        return account, run

    return sign_in
