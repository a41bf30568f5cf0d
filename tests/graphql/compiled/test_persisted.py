"""Automatic persisted queries: hash alone once known, both the first time."""

import hashlib
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.graphql.compiled.helpers import resolved
from tests.graphql.compiled.portfolio import build_portfolio

PAGE = "{ initiatives(first: 2) { nodes { code } } }"
RESOLVED_ONLY = "{ portfolioBalance { totalWeight } }"


def _hash(query: str) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def _post(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_an_unknown_hash_asks_for_the_document(client: httpx.AsyncClient) -> None:
    assert await _post(client, extensions=_hash(PAGE)) == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }


async def test_a_hash_sent_with_its_document_then_runs_alone(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await build_portfolio(session)
    answers = []
    for query in (PAGE, RESOLVED_ONLY):  # compiled, then answered by the resolvers
        first = await _post(client, query=query, extensions=_hash(query))
        again = await _post(client, extensions=_hash(query))
        assert first == again == await resolved(session, query)
        answers.append(again["data"])
    assert [node["code"] for node in answers[0]["initiatives"]["nodes"]] == [
        "Tc-00000",
        "Tc-00001",
    ]
    assert list(answers[1]["portfolioBalance"]) == ["totalWeight"]


async def test_a_hash_that_is_not_the_documents_is_refused(client: httpx.AsyncClient) -> None:
    body = await _post(client, query=PAGE, extensions=_hash(PAGE + " "))
    assert body["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert (await _post(client, extensions=_hash(PAGE + " ")))["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )
