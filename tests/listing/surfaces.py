"""The initiative list as each surface answers it: REST, GraphQL and the export."""

import csv
import io
from typing import Any

import httpx

GRAPHQL_PAGE = """
query Page($first: Int, $after: String, $departmentId: ID, $status: [InitiativeStatus!],
           $orientation: Orientation, $origin: Origin, $ownerId: ID, $sponsorId: ID,
           $isExperiment: Boolean, $q: String, $updatedSince: DateTime) {
  initiatives(first: $first, after: $after, departmentId: $departmentId, status: $status,
              orientation: $orientation, origin: $origin, ownerId: $ownerId,
              sponsorId: $sponsorId, isExperiment: $isExperiment, q: $q,
              updatedSince: $updatedSince) {
    pageInfo { hasNextPage endCursor }
    nodes { code }
  }
}
"""
# REST and export query parameter -> GraphQL variable
GRAPHQL_NAMES = {
    "department_id": "departmentId",
    "status": "status",
    "orientation": "orientation",
    "origin": "origin",
    "owner_id": "ownerId",
    "sponsor_id": "sponsorId",
    "is_experiment": "isExperiment",
    "q": "q",
    "updated_since": "updatedSince",
}


async def rest_page(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    """One page of GET /api/v1/initiatives."""
    response = await client.get("/api/v1/initiatives", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def rest_codes(client: httpx.AsyncClient, limit: int = 1000, **filters: Any) -> list[str]:
    """Every initiative code the REST list returns, page after page."""
    codes: list[str] = []
    cursor = None
    while True:
        extra = {} if cursor is None else {"cursor": cursor}
        page = await rest_page(client, limit=limit, **filters, **extra)
        codes += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return codes


async def graphql_page(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    """One page of the `initiatives` root connection."""
    response = await client.post("/graphql", json={"query": GRAPHQL_PAGE, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["initiatives"]


async def graphql_codes(client: httpx.AsyncClient, first: int = 100, **filters: Any) -> list[str]:
    """Every initiative code the GraphQL connection returns, given REST-named filters."""
    variables = {GRAPHQL_NAMES[name]: value for name, value in filters.items()}
    codes: list[str] = []
    after = None
    while True:
        page = await graphql_page(client, first=first, after=after, **variables)
        codes += [node["code"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return codes
        after = page["pageInfo"]["endCursor"]


async def export_codes(client: httpx.AsyncClient, **filters: Any) -> list[str]:
    """The codes of the exported initiatives sheet (CSV), given the same filters."""
    params = {"format": "csv", "entity": "initiatives", **filters}
    response = await client.get("/api/v1/export", params=params)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "code"
    return [row[0] for row in rows[1:]]
