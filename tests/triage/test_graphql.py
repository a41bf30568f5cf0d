"""GraphQL: the triage fields on Flag, on an initiative's flags, and the triage mutations."""

from datetime import date, timedelta
from typing import Any

import httpx

from service.graphql.ids import encode_id
from tests.triage.conftest import Portfolio

FLAGS = """
query($id: ID!) {
  initiative(id: $id) {
    flags { code state stakes ageDays note acknowledgedBy acknowledgedAt snoozedUntil
            assignedTo { name } shouldAct { name } }
  }
}
"""

ACKNOWLEDGE = """
mutation($f: FlagKeyInput!) {
  acknowledgeFlag(flag: $f, note: "Known.") { state note acknowledgedBy }
}
"""

ASSIGN = """
mutation($f: FlagKeyInput!, $p: ID!) {
  assignFlag(flag: $f, personId: $p) { assignedTo { name } shouldAct { name } }
}
"""

SNOOZE = """
mutation($f: FlagKeyInput!, $u: Date!) { snoozeFlag(flag: $f, until: $u) { state snoozedUntil } }
"""


async def gql(
    http: httpx.AsyncClient, portfolio: Portfolio, actor: str, query: str, variables: Any
) -> dict[str, Any]:
    body = {"query": query, "variables": variables}
    response = await http.post("/graphql", json=body, headers=portfolio.auth(actor))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_triage_through_graphql(anon: httpx.AsyncClient, portfolio: Portfolio) -> None:
    node = {"id": encode_id("Initiative", portfolio.ids["big_budget"])}
    before = await gql(anon, portfolio, "bi", FLAGS, node)
    flags = before["data"]["initiative"]["flags"]
    assert [f["code"] for f in flags] == ["NO_KPI", "STALE_UPDATE"]  # never checked in
    assert flags[:1] == [
        {
            "code": "NO_KPI",
            "state": "to_act_on",
            "stakes": "500.00",
            "ageDays": 0,
            "note": "",
            "acknowledgedBy": None,
            "acknowledgedAt": None,
            "snoozedUntil": None,
            "assignedTo": None,
            "shouldAct": {"name": "Olga"},
        }
    ]
    subject = portfolio.ids["big_budget"]
    key = {"f": {"code": "NO_KPI", "entityType": "initiative", "entityId": subject}}
    helper = encode_id("Person", portfolio.ids["helper"])
    assigned = await gql(anon, portfolio, "head", ASSIGN, key | {"p": helper})
    assert assigned["data"]["assignFlag"] == {
        "assignedTo": {"name": "Pia"},
        "shouldAct": {"name": "Pia"},
    }
    later = (date.today() + timedelta(days=3)).isoformat()
    snoozed = await gql(anon, portfolio, "helper", SNOOZE, key | {"u": later})
    assert snoozed["data"]["snoozeFlag"] == {"state": "snoozed", "snoozedUntil": later}
    done = await gql(anon, portfolio, "cdo", ACKNOWLEDGE, key)
    assert done["data"]["acknowledgeFlag"]["state"] == "acknowledged"
    assert done["data"]["acknowledgeFlag"]["note"] == "Known."
    refused = await gql(anon, portfolio, "other_head", ACKNOWLEDGE, key)
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    past = await gql(anon, portfolio, "cdo", SNOOZE, key | {"u": "2020-01-01"})
    assert past["errors"][0]["extensions"]["code"] == "snooze_not_in_future"
