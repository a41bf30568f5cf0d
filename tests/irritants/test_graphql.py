"""GraphQL: the irritants connection, Initiative.irritants and Irritant.initiatives (batched:
the same statements at two sizes), and the raiseIrritant / voteIrritant mutations."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.ids import encode_id
from tests.conftest import QueryCounter
from tests.factories import make_initiative, make_person
from tests.irritants.conftest import API, Company, raise_one


async def gql(
    http: httpx.AsyncClient, company: Company, actor: str, query: str, **variables: Any
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=company.auth(actor)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


RAISE = """
mutation($dep: ID!) {
  raiseIrritant(input: {title: "Twelve apps to re-key", departmentId: $dep, severity: high}) {
    databaseId title status severity votes initiativeIds department { code }
  }
}
"""
VOTE = "mutation($id: ID!) { voteIrritant(id: $id) { databaseId votes } }"


async def test_an_employee_raises_and_colleagues_vote_through_graphql(
    anon: httpx.AsyncClient, company: Company
) -> None:
    dep = encode_id("Department", company.ids["hr"])
    raised = (await gql(anon, company, "employee", RAISE, dep=dep))["data"]["raiseIrritant"]
    assert {k: v for k, v in raised.items() if k != "databaseId"} == {
        "title": "Twelve apps to re-key",
        "status": "open",
        "severity": "high",
        "votes": 1,
        "initiativeIds": [],
        "department": {"code": "hr"},
    }
    for actor, votes in (("colleague1", 2), ("colleague1", 2), ("colleague2", 3)):
        voted = await gql(anon, company, actor, VOTE, id=str(raised["databaseId"]))
        assert voted["data"]["voteIrritant"]["votes"] == votes
    refused = await gql(anon, company, "bi", VOTE, id=str(raised["databaseId"]))
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    blank = await gql(
        anon,
        company,
        "employee",
        'mutation($d: ID!) { raiseIrritant(input: {title: " ", departmentId: $d}) { votes } }',
        d=dep,
    )
    assert blank["errors"][0]["extensions"]["code"] == "validation_error"


LIST = """
query($after: String) {
  irritants(first: 2, after: $after, status: open) {
    pageInfo { hasNextPage endCursor }
    nodes { title votes initiatives { code } }
  }
}
"""


async def test_the_connection_ranks_by_votes_and_pages_with_keyset_cursors(
    anon: httpx.AsyncClient, company: Company
) -> None:
    for title, voters in (("A", 0), ("B", 2), ("C", 1)):
        raised = await raise_one(anon, company, title=title)
        for n in range(voters):
            await anon.post(
                f"{API}/irritants/{raised['id']}/votes", headers=company.auth(f"colleague{n + 1}")
            )
        if title == "B":
            url = f"{API}/initiatives/{company.ids['fix']}/irritants/{raised['id']}"
            await anon.put(url, headers=company.auth("cdo"))
    first = (await gql(anon, company, "viewer", LIST))["data"]["irritants"]
    assert first["nodes"] == [
        {"title": "B", "votes": 3, "initiatives": [{"code": _code(company, "fix")}]},
        {"title": "C", "votes": 2, "initiatives": []},
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await gql(anon, company, "viewer", LIST, after=first["pageInfo"]["endCursor"])
    page = rest["data"]["irritants"]
    assert (page["nodes"], page["pageInfo"]["hasNextPage"]) == (
        [{"title": "A", "votes": 1, "initiatives": []}],
        False,
    )


def _code(company: Company, name: str) -> str:
    return company.codes[name]


NESTED = """
{ initiatives(first: 100) { nodes { code irritants { title votes initiatives { code } } } } }
"""


async def _nested(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company, queries: QueryCounter, n: int
) -> int:
    owner = await make_person(session, department_id=company.ids["it"])
    for i in range(n):
        initiative = await make_initiative(
            session, department_id=company.ids["it"], owner_id=owner.id, orientation="internal"
        )
        irritant = await raise_one(anon, company, title=f"Irritant {n}-{i}")
        url = f"{API}/initiatives/{initiative.id}/irritants/{irritant['id']}"
        assert (await anon.put(url, headers=company.auth("cdo"))).status_code == 201
    queries.reset()
    body = await gql(anon, company, "viewer", NESTED)
    assert "errors" not in body, body
    linked = [i for i in body["data"]["initiatives"]["nodes"] if i["irritants"]]
    assert len(linked) >= n
    return queries.count


async def test_nested_irritants_cost_the_same_statements_at_two_sizes(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company, queries: QueryCounter
) -> None:
    await gql(anon, company, "viewer", NESTED)  # the first request loads the installation key
    small = await _nested(anon, session, company, queries, 2)
    large = await _nested(anon, session, company, queries, 8)
    assert small == large
