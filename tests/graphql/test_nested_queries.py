"""GraphQL reads: no N+1, whatever the number of rows."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.graphql.builders import build_company
from tests.graphql.conftest import Run

BI_QUERY = """
query Portfolio($first: Int!) {
  initiatives(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code health percentComplete spentToDate
      department { code name }
      owner { name manager { name } }
      kpis { weight kpi { code isShared latestMeasurement { measuredOn value } } }
      updates(first: 3) { nodes { reportedOn summary } }
    }
  }
}
"""


async def _statements(graphql: Run, queries: QueryCounter, first: int) -> tuple[int, Any]:
    queries.reset()
    body = await graphql(BI_QUERY, {"first": first})
    assert "errors" not in body, body
    return queries.count, body["data"]["initiatives"]


async def test_statement_count_does_not_grow_with_rows(
    session: AsyncSession, graphql: Run, queries: QueryCounter
) -> None:
    await build_company(session, 10, tag="a")
    small_count, small = await _statements(graphql, queries, 10)
    await build_company(session, 490, tag="b")
    large_count, large = await _statements(graphql, queries, 500)
    assert (len(small["nodes"]), len(large["nodes"])) == (10, 500)
    assert (small_count, large_count) == (1, 1)  # compiled: one statement, check-ins included
    first = large["nodes"][0]
    assert first["owner"]["manager"]["name"] == "Boss 0"
    assert [u["summary"] for u in first["updates"]["nodes"]] == ["Week 1", "Week 2", "Week 3"]
    assert (first["health"], first["percentComplete"], first["spentToDate"]) == (
        "green",
        40,
        "4.00",
    )
    assert [link["kpi"]["latestMeasurement"]["value"] for link in first["kpis"]] == [
        "3.0000",
        "13.0000",
    ]
