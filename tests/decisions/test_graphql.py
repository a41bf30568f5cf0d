"""GraphQL: pending changes on an initiative, the change request list, the decision, and
waivers on the initiative update."""

from typing import Any

import httpx

from service.graphql.ids import encode_id
from tests.decisions.conftest import API, Company, balance, patch


async def gql(
    http: httpx.AsyncClient, company: Company, actor: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=company.auth(actor)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


PENDING = """
query($id: ID!) {
  initiative(id: $id) { orientation pendingChanges { databaseId status changes } }
  changeRequests(status: pending, first: 10) { totalCount nodes { databaseId initiativeId } }
}
"""

DECIDE = """
mutation($id: ID!) {
  decideChangeRequest(id: $id, decision: approve, comment: "Agreed") {
    status comment initiative { orientation clientShare pendingChanges { databaseId } }
  }
}
"""


async def test_the_cdo_office_decides_a_pending_change_through_graphql(
    anon: httpx.AsyncClient, company: Company
) -> None:
    held = (await patch(anon, company, "head", "promise", {"orientation": "internal"})).json()
    initiative_id = encode_id("Initiative", company.ids["promise"])
    seen = (await gql(anon, company, "cdo", PENDING, {"id": initiative_id}))["data"]
    assert seen["initiative"] == {
        "orientation": "client_facing",
        "pendingChanges": [
            {
                "databaseId": held["id"],
                "status": "pending",
                "changes": {
                    "orientation": {"from": "client_facing", "to": "internal"},
                    "client_share": {"from": "1.0000", "to": "0"},
                },
            }
        ],
    }
    assert seen["changeRequests"] == {
        "totalCount": 1,
        "nodes": [{"databaseId": held["id"], "initiativeId": company.ids["promise"]}],
    }

    request_id = encode_id("ChangeRequest", held["id"])
    by_head = await gql(anon, company, "head", DECIDE, {"id": request_id})
    assert by_head["errors"][0]["extensions"]["code"] == "forbidden"
    decided = (await gql(anon, company, "cdo", DECIDE, {"id": request_id}))["data"]
    assert decided["decideChangeRequest"] == {
        "status": "approved",
        "comment": "Agreed",
        "initiative": {"orientation": "internal", "clientShare": "0.0000", "pendingChanges": []},
    }
    assert await balance(anon, company) == "0.0"


TRANSITION = """
mutation($id: ID!, $version: Int!, $waivers: [WaiverInput!]) {
  transitionInitiative(id: $id, expectedVersion: $version, status: approved, waivers: $waivers) {
    status waivers { check reason }
  }
}
"""


async def test_the_initiative_mutations_take_waivers(
    anon: httpx.AsyncClient, company: Company
) -> None:
    initiative_id = encode_id("Initiative", company.ids["proposal"])
    version = (
        await anon.get(f"{API}/initiatives/{company.ids['proposal']}", headers=company.auth("cdo"))
    ).json()["version"]
    variables: dict[str, Any] = {"id": initiative_id, "version": version, "waivers": None}
    refused = await gql(anon, company, "cdo", TRANSITION, variables)
    extensions = refused["errors"][0]["extensions"]
    assert (extensions["code"], [c["code"] for c in extensions["checks"]]) == (
        "approval_checks_failed",
        ["MISSING_ENABLER"],
    )
    waivers = [{"check": "MISSING_ENABLER", "reason": "Enabler bought in, not built."}]
    approved = await gql(anon, company, "cdo", TRANSITION, variables | {"waivers": waivers})
    assert approved["data"]["transitionInitiative"] == {
        "status": "approved",
        "waivers": [{"check": "MISSING_ENABLER", "reason": "Enabler bought in, not built."}],
    }
