"""Limits checked before execution, and what a BI tool needs still accepted."""

from typing import Any

from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.graphql.builders import build_company
from tests.graphql.conftest import Run


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return {"message": error["message"], **error["extensions"]}


async def test_too_deep(graphql: Run, queries: QueryCounter) -> None:
    chain = "manager { " * 9 + "name" + " }" * 9
    queries.reset()
    error = _refusal(await graphql(f"{{ people(first: 1) {{ nodes {{ {chain} }} }} }}"))
    assert error == {
        "message": "The query is 12 levels deep; the limit is 10.",
        "code": "too_deep",
        "limit": 10,
        "depth": 12,
    }
    assert queries.count == 0  # refused before any SQL


async def test_too_many_aliases(graphql: Run) -> None:
    fields = " ".join(f"a{n}: serverTime" for n in range(31))
    error = _refusal(await graphql(f"{{ {fields} }}"))
    assert (error["code"], error["aliases"], error["limit"]) == ("too_many_aliases", 31, 30)


async def test_too_many_tokens(graphql: Run) -> None:
    error = _refusal(await graphql("{ " + "serverTime " * 5001 + "}"))
    assert error == {
        "message": "The document has more than 5000 tokens; the limit is 5000.",
        "code": "too_many_tokens",
        "limit": 5000,
    }


async def test_too_costly_names_the_limit_and_the_cost(graphql: Run) -> None:
    query = """
    query($n: Int!) {
      initiatives(first: 1000) { nodes { updates(first: $n) { nodes { summary } } } }
    }
    """
    error = _refusal(await graphql(query, {"n": 200}))
    assert error["code"] == "too_costly"
    assert (error["cost"], error["limit"]) == (201_000, 100_000)
    assert "201000" in error["message"] and "100000" in error["message"]


async def test_page_above_1000_is_refused(graphql: Run) -> None:
    error = _refusal(await graphql("{ initiatives(first: 1001) { nodes { code } } }"))
    assert (error["code"], error["field"], error["limit"]) == (
        "page_size_exceeded",
        "initiatives",
        1000,
    )
    nested = (
        "query($n: Int) { kpis(first: 1) { nodes { measurements(first: $n) { totalCount } } } }"
    )
    error = _refusal(await graphql(nested, {"n": 5000}))
    assert (error["code"], error["field"]) == ("page_size_exceeded", "measurements")


async def test_introspection_stays_on(graphql: Run) -> None:
    body = await graphql(get_introspection_query(descriptions=True))
    assert "errors" not in body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Initiative", "KpiMeasurementConnection", "Node"} <= names


BI_QUERY = """
query($after: String) {
  initiatives(first: 1000, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code status budgetPlanned health
      department { code name }
      owner { name manager { name } }
      kpis { weight kpi { code latestMeasurement { measuredOn value } } }
      updates(first: 3) { nodes { reportedOn percentComplete } }
    }
  }
}
"""


async def test_the_bi_query_of_1000_rows_is_accepted(session: AsyncSession, graphql: Run) -> None:
    await build_company(session, 1001)
    body = await graphql(BI_QUERY)
    assert "errors" not in body, body["errors"]
    page = body["data"]["initiatives"]
    assert (len(page["nodes"]), page["pageInfo"]["hasNextPage"]) == (1000, True)
    rest = await graphql(BI_QUERY, {"after": page["pageInfo"]["endCursor"]})
    last = rest["data"]["initiatives"]
    assert ([n["code"] for n in last["nodes"]], last["pageInfo"]["hasNextPage"]) == (
        ["T-01000"],
        False,
    )
