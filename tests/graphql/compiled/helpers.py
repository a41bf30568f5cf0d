"""Run a document on both read paths: compiled (over HTTP) and the resolvers."""

import json
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor
from service.graphql.context import Context
from service.graphql.schema import schema
from tests.conftest import TEST_ACTOR, QueryCounter


async def resolved(
    session: AsyncSession,
    query: str,
    variables: dict[str, Any] | None = None,
    actor: Actor = TEST_ACTOR,
) -> dict[str, Any]:
    """The response of the resolver path, as JSON would carry it."""
    result = await schema.execute(
        query, variable_values=variables or {}, context_value=Context(session, actor)
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return dict(json.loads(json.dumps(body)))


async def posted(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """The response of /graphql (compiled when the document compiles)."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}, **extra}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def compiled_once(
    client: httpx.AsyncClient,
    session: AsyncSession,
    queries: QueryCounter,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer of /graphql, asserted to be ONE compiled statement and the resolvers' JSON."""
    queries.reset()
    body = await posted(client, query, variables)
    assert len(queries.statements) == 1, queries.statements
    assert queries.statements[0].startswith("SELECT ("), queries.statements
    assert body == await resolved(session, query, variables)
    return body
