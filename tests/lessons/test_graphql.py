"""GraphQL `lessons(q:)`: the same search, hits and cursors as REST."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.lessons.conftest import Library

Run = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> Run:
    """Post a query to /graphql as the CDO office; the JSON body."""

    async def run(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return dict(response.json())

    return run


LESSONS = """
query($q: String!, $after: String) {
  lessons(q: $q, first: 1, after: $after) {
    edges { cursor node { code title status departmentCode lessonsHtml initiative { databaseId } } }
    nodes { initiativeId }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def test_lessons_pages_through_the_ranked_hits(graphql: Run, library: Library) -> None:
    first = await graphql(LESSONS, {"q": "HRIS"})
    page = first["data"]["lessons"]
    node = page["edges"][0]["node"]
    assert (node["title"], node["status"], node["departmentCode"]) == (
        "Self-service chatbot",
        "stopped",
        "marketing",
    )
    assert node["initiative"] == {"databaseId": library.chatbot}
    assert page["nodes"] == [{"initiativeId": library.chatbot}]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["endCursor"] == page["edges"][0]["cursor"]
    second = await graphql(LESSONS, {"q": "HRIS", "after": page["pageInfo"]["endCursor"]})
    rest = second["data"]["lessons"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["HRIS export to the CRM"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True


async def test_an_empty_query_is_refused_naming_q(graphql: Run, library: Library) -> None:
    body = await graphql(LESSONS, {"q": " "})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "query_empty"
    assert body["errors"][0]["extensions"]["field"] == "q"
