"""The audit trail in GraphQL: `auditEvents` (CDO office only) and `history` on the
departments, people, initiatives and KPIs, with the REST rules and no N+1."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service import audit
from service.actor import SYSTEM, Actor, Role
from service.graphql.ids import encode_id
from tests.auth.helpers import bearer
from tests.conftest import QueryCounter
from tests.factories import make_department, make_kpi, make_person, make_token
from tests.graphql.builders import build_company
from tests.graphql.conftest import Run, SignIn

EVENT = """
  id databaseId occurredAt actorAccountId actorLabel action entityType entityId
  parentType parentId before after requestId
"""

TRAIL = """
query($type: String, $id: Int, $actor: Int, $from: DateTime, $to: DateTime,
      $first: Int, $after: String) {
  auditEvents(entityType: $type, entityId: $id, actorAccountId: $actor,
              occurredFrom: $from, occurredTo: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { databaseId } }
    nodes { EVENT }
  }
}
""".replace("EVENT", EVENT)

CREATE = """
mutation($input: CreateInitiativeInput!) { createInitiative(input: $input) { databaseId } }
"""
RENAME = """
mutation($id: ID!) {
  updateInitiative(id: $id, expectedVersion: 1, input: {title: "Loyalty app, phase 2"}) { version }
}
"""
# The scripted initiative states no need, KPI or enabler: the CDO office waives the checks.
APPROVE = """
mutation($id: ID!) {
  transitionInitiative(id: $id, expectedVersion: 2, status: approved, waivers: [
    {check: NO_USER_NEED, reason: "Scripted"}, {check: NO_KPI, reason: "Scripted"},
    {check: MISSING_ENABLER, reason: "Scripted"}
  ]) { version }
}
"""
CHECK_IN = """
mutation($id: ID!) {
  recordProgressUpdate(input: {initiativeId: $id, percentComplete: 5, health: green,
                               summary: "Kick-off", reportedOn: "2026-11-02"}) { databaseId }
}
"""


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return {"message": error["message"], "path": error.get("path"), **error["extensions"]}


async def _script(session: AsyncSession, run: Run) -> dict[str, int]:
    """Create an initiative, rename it, approve it and check in on it, as four requests."""
    department = await make_department(session, code="loyalty")
    owner = await make_person(session, department_id=department.id)
    given = {
        "code": "INI-7001",
        "title": "Loyalty app",
        "orientation": "client_facing",
        "departmentId": str(department.id),
        "ownerId": str(owner.id),
    }
    created = await run(CREATE, {"input": given}, request_id="req-create")
    initiative_id = created["data"]["createInitiative"]["databaseId"]
    global_id = encode_id("Initiative", initiative_id)
    for number, mutation in enumerate((RENAME, APPROVE, CHECK_IN), start=2):
        body = await run(mutation, {"id": global_id}, request_id=f"req-{number}")
        assert "errors" not in body, body
    return {"initiative": initiative_id, "department": department.id or 0, "owner": owner.id or 0}


async def test_audit_events_are_the_scripted_writes_in_order(
    session: AsyncSession, signed_in: SignIn, anon: httpx.AsyncClient
) -> None:
    account, run = await signed_in("cdo_office")
    ids = await _script(session, run)
    body = await run(TRAIL, {"type": "initiative", "id": ids["initiative"]})
    assert "errors" not in body, body
    page = body["data"]["auditEvents"]
    events = page["nodes"]
    assert [(e["action"], e["before"], e["requestId"]) for e in events] == [
        ("create", None, "req-create"),
        ("update", {"title": "Loyalty app", "version": 1}, "req-2"),
        ("transition", {"status": "proposed", "version": 2}, "req-3"),
    ]
    assert [e["after"] for e in events[1:]] == [
        {"title": "Loyalty app, phase 2", "version": 2},
        {"status": "approved", "version": 3},
    ]
    created = events[0]["after"]
    assert {k: created[k] for k in ("id", "code", "title", "status", "orientation")} == {
        "id": ids["initiative"],
        "code": "INI-7001",
        "title": "Loyalty app",
        "status": "proposed",
        "orientation": "client_facing",
    }
    assert (created["department_id"], created["owner_id"], created["version"]) == (
        ids["department"],
        ids["owner"],
        1,
    )
    same = {
        "actorAccountId": account.id,
        "actorLabel": account.email,
        "entityType": "initiative",
        "entityId": ids["initiative"],
        "parentType": None,
        "parentId": None,
    }
    assert [{k: e[k] for k in same} for e in events] == [same] * 3
    database_ids = [e["databaseId"] for e in events]
    assert database_ids == sorted(database_ids)
    assert [e["id"] for e in events] == [encode_id("AuditEvent", n) for n in database_ids]
    assert [edge["node"]["databaseId"] for edge in page["edges"]] == database_ids
    assert page["totalCount"] == 3
    assert (page["pageInfo"]["hasNextPage"], page["pageInfo"]["hasPreviousPage"]) == (False, False)
    # The same events, field for field, as REST's trail.
    rest = await anon.get(
        "/api/v1/audit",
        params={"entity_type": "initiative", "entity_id": ids["initiative"]},
        headers=bearer(await make_token(session, account)),
    )
    assert [_snake(e) for e in events] == [_parsed(e) for e in rest.json()["items"]]


def _snake(event: dict[str, Any]) -> dict[str, Any]:
    """The GraphQL event under REST's field names."""
    names = {
        "databaseId": "id",
        "occurredAt": "occurred_at",
        "actorAccountId": "actor_account_id",
        "actorLabel": "actor_label",
        "action": "action",
        "entityType": "entity_type",
        "entityId": "entity_id",
        "parentType": "parent_type",
        "parentId": "parent_id",
        "before": "before",
        "after": "after",
        "requestId": "request_id",
    }
    return _parsed({snake: event[camel] for camel, snake in names.items()})


def _parsed(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its instant parsed (GraphQL writes +00:00 where JSON Schema writes Z)."""
    return event | {"occurred_at": datetime.fromisoformat(event["occurred_at"])}


INITIATIVE_HISTORY = """
query($id: ID!) {
  initiative(id: $id) {
    history { totalCount nodes { action entityType parentType parentId requestId } }
  }
}
"""


async def test_initiative_history_holds_its_own_events_and_its_check_ins(
    session: AsyncSession, signed_in: SignIn
) -> None:
    _, run = await signed_in("cdo_office")
    ids = await _script(session, run)
    _, viewer = await signed_in("viewer")
    body = await viewer(INITIATIVE_HISTORY, {"id": str(ids["initiative"])})
    assert "errors" not in body, body
    history = body["data"]["initiative"]["history"]
    own = {"entityType": "initiative", "parentType": None, "parentId": None}
    part = {"entityType": "progress_update", "parentType": "initiative"}
    waiver = {"entityType": "approval_waiver", "parentType": "initiative"}
    waived = {"action": "waive", "requestId": "req-3", "parentId": ids["initiative"]} | waiver
    assert history == {
        "totalCount": 7,
        "nodes": [
            {"action": "create", "requestId": "req-create"} | own,
            {"action": "update", "requestId": "req-2"} | own,
            *[waived] * 3,
            {"action": "transition", "requestId": "req-3"} | own,
            {"action": "create", "requestId": "req-4", "parentId": ids["initiative"]} | part,
        ],
    }


HISTORIES = """
query($department: ID!, $person: ID!, $kpi: ID!) {
  department(id: $department) { history { totalCount nodes { action entityType entityId } } }
  person(id: $person) { history { totalCount nodes { action entityType entityId } } }
  kpi(id: $kpi) { history { totalCount nodes { action entityType entityId } } }
}
"""


async def test_history_of_a_department_a_person_and_a_kpi(
    session: AsyncSession, graphql: Run
) -> None:
    department = await make_department(session)
    person = await make_person(session, department_id=department.id)
    kpi = await make_kpi(session)
    d, p, k = department.id or 0, person.id or 0, kpi.id or 0
    await audit.record(session, SYSTEM, "create", "department", d, after={"code": "x"})
    await audit.record(session, SYSTEM, "create", "person", p, after={"name": "P"})
    await audit.record(session, SYSTEM, "create", "kpi", k, after={"code": "NPS"})
    await audit.record(session, SYSTEM, "create", "kpi_measurement", 91, parent=("kpi", k))
    await audit.record(session, SYSTEM, "update", "department", d, {"name": "A"}, {"name": "B"})
    # The same ids of other types: in no history here.
    await audit.record(session, SYSTEM, "create", "initiative", d)
    await audit.record(session, SYSTEM, "create", "account", p)
    await audit.record(session, SYSTEM, "create", "progress_update", 7, parent=("initiative", k))
    body = await graphql(HISTORIES, {"department": str(d), "person": str(p), "kpi": str(k)})
    assert "errors" not in body, body
    assert body["data"] == {
        "department": {
            "history": {
                "totalCount": 2,
                "nodes": [
                    {"action": "create", "entityType": "department", "entityId": d},
                    {"action": "update", "entityType": "department", "entityId": d},
                ],
            }
        },
        "person": {
            "history": {
                "totalCount": 1,
                "nodes": [{"action": "create", "entityType": "person", "entityId": p}],
            }
        },
        "kpi": {
            "history": {
                "totalCount": 2,
                "nodes": [
                    {"action": "create", "entityType": "kpi", "entityId": k},
                    {"action": "create", "entityType": "kpi_measurement", "entityId": 91},
                ],
            }
        },
    }


HISTORY_PAGE = """
query($id: ID!, $first: Int, $after: String) {
  department(id: $id) {
    history(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { databaseId after }
    }
  }
}
"""


async def _pages(fetch: Any, first: int) -> tuple[list[int], list[tuple[bool, bool]]]:
    """Every page of a connection, `first` rows at a time: the ids and the page flags."""
    seen: list[int] = []
    flags: list[tuple[bool, bool]] = []
    after = None
    while True:
        page = await fetch(first, after)
        seen += [node["databaseId"] for node in page["nodes"]]
        info = page["pageInfo"]
        flags.append((info["hasPreviousPage"], info["hasNextPage"]))
        if not info["hasNextPage"]:
            return seen, flags
        after = info["endCursor"]


async def test_paging_repeats_and_skips_nothing(session: AsyncSession, graphql: Run) -> None:
    department = await make_department(session)
    other = await make_department(session)
    d = department.id or 0
    for n in range(8):
        await audit.record(session, SYSTEM, "update", "department", d, after={"n": n})
        await audit.record(session, SYSTEM, "update", "department", other.id or 0)

    async def trail(first: int, after: str | None) -> Any:
        body = await graphql(TRAIL, {"type": "department", "id": d, "first": first, "after": after})
        assert body["data"]["auditEvents"]["totalCount"] == 8
        return body["data"]["auditEvents"]

    async def history(first: int, after: str | None) -> Any:
        body = await graphql(HISTORY_PAGE, {"id": str(d), "first": first, "after": after})
        assert body["data"]["department"]["history"]["totalCount"] == 8
        return body["data"]["department"]["history"]

    everything = (await trail(100, None))["nodes"]
    assert [event["after"] for event in everything] == [{"n": n} for n in range(8)]
    expected = [event["databaseId"] for event in everything]
    for fetch in (trail, history):
        seen, flags = await _pages(fetch, 3)
        assert seen == expected
        assert flags == [(False, True), (True, True), (True, False)]
        seen, flags = await _pages(fetch, 4)  # the last page is full: one empty page follows
        assert (seen, flags) == (expected, [(False, True), (True, False)])


async def test_the_trail_filters_by_actor_and_time(
    session: AsyncSession, signed_in: SignIn
) -> None:
    first, run = await signed_in("cdo_office")
    second, _ = await signed_in("cdo_office")
    for n, account in enumerate((first, second, first)):
        actor = Actor(account.id, Role.cdo_office, label=account.email)
        await audit.record(session, actor, "create", "department", 100 + n, after={"n": n})
    mine = (await run(TRAIL, {"actor": first.id}))["data"]["auditEvents"]
    assert [(e["entityId"], e["after"], e["actorLabel"]) for e in mine["nodes"]] == [
        (100, {"n": 0}, first.email),
        (102, {"n": 2}, first.email),
    ]
    assert mine["totalCount"] == 2
    # Every event of one transaction carries its start time: `from` is inclusive, `to` not.
    at = datetime.fromisoformat(mine["nodes"][0]["occurredAt"])
    before = (at - timedelta(seconds=1)).isoformat()
    counts = [
        (await run(TRAIL, {"type": "department", **bounds}))["data"]["auditEvents"]["totalCount"]
        for bounds in ({"from": at.isoformat()}, {"from": before, "to": at.isoformat()})
    ]
    assert counts == [3, 0]
    later = await run(TRAIL, {"from": datetime(2999, 1, 1, tzinfo=UTC).isoformat()})
    assert later["data"]["auditEvents"] == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
        "nodes": [],
    }


@pytest.mark.parametrize("role", ["department_head", "viewer", "contributor", "bi_reader"])
async def test_only_the_cdo_office_reads_the_trail(
    session: AsyncSession, signed_in: SignIn, role: str
) -> None:
    department = await make_department(session)
    fields = {"department_id": department.id} if role == "department_head" else {}
    account, run = await signed_in(role, **fields)
    await audit.record(session, SYSTEM, "create", "department", department.id or 0)
    error = _error(await run("{ auditEvents { totalCount nodes { action } } }"))
    assert error == {
        "message": f"{account.email} ({role}) may not read the audit trail." + _WHY[role],
        "path": ["auditEvents"],
        "code": "forbidden",
        "status": 403,
    }
    # Anyone who reads reads the history of an object, as in REST.
    history = await run(
        "query($id: ID!) { department(id: $id) { history { nodes { action } } } }",
        {"id": str(department.id)},
    )
    assert history == {"data": {"department": {"history": {"nodes": [{"action": "create"}]}}}}


_WHY = {
    "department_head": " A department head writes only for their own department.",
    "viewer": " This account reads only.",
    "contributor": " A contributor posts check-ins on the initiatives they own.",
    "bi_reader": " This account reads only.",
}


NODE = "query($id: ID!) { node(id: $id) { id ... on AuditEvent { action entityType } } }"


async def test_an_audit_event_by_global_id_is_the_cdo_offices_too(
    session: AsyncSession, signed_in: SignIn
) -> None:
    _, cdo = await signed_in("cdo_office")
    _, viewer = await signed_in("viewer")
    await audit.record(session, SYSTEM, "delete", "kpi", 5, before={"code": "OLD"})
    listed = await cdo("{ auditEvents { nodes { id } } }")
    (global_id,) = [node["id"] for node in listed["data"]["auditEvents"]["nodes"]]
    found = await cdo(NODE, {"id": global_id})
    assert found == {"data": {"node": {"id": global_id, "action": "delete", "entityType": "kpi"}}}
    refused = await viewer(NODE, {"id": global_id})
    assert refused["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["forbidden"]


async def test_a_malformed_cursor_is_refused_on_after(graphql: Run) -> None:
    error = _error(await graphql('{ auditEvents(after: "nope") { totalCount } }'))
    assert (error["code"], error["field"], error["path"]) == (
        "invalid_cursor",
        "after",
        ["auditEvents"],
    )


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return dict(error["extensions"])


async def test_history_counts_in_the_cost_like_every_connection(graphql: Run) -> None:
    query = "{ initiatives(first: 1000) { nodes { history(first: 100) { nodes { action } } } } }"
    error = _refusal(await graphql(query))
    assert (error["code"], error["cost"], error["limit"]) == ("too_costly", 101_000, 100_000)
    nested = "{ kpis(first: 10) { nodes { history(first: 1001) { totalCount } } } }"
    error = _refusal(await graphql(nested))
    assert (error["code"], error["field"]) == ("page_size_exceeded", "history")
    error = _refusal(await graphql("{ auditEvents(first: 5000) { totalCount } }"))
    assert (error["code"], error["field"]) == ("page_size_exceeded", "auditEvents")


BI_HISTORY = """
query($first: Int!) {
  initiatives(first: $first) {
    nodes {
      code
      history(first: 2) { totalCount nodes { action after } }
      department { code history(first: 2) { nodes { action } } }
      owner { name history(first: 2) { nodes { action } } }
      kpis { kpi { code history(first: 2) { totalCount nodes { action } } } }
    }
  }
}
"""


async def _seed_histories(session: AsyncSession, company: Any) -> None:
    """Three events for every initiative, department, person and KPI of the company."""
    for entity_type, ids in (
        ("initiative", company.initiative_ids),
        ("department", company.department_ids),
        ("person", company.person_ids),
        ("kpi", company.kpi_ids),
    ):
        for action in ("create", "update", "update"):
            events = [(entity_id, None, {"id": entity_id}) for entity_id in ids]
            await audit.record_many(session, SYSTEM, action, entity_type, events)


async def test_history_statement_count_does_not_grow_with_rows(
    session: AsyncSession, graphql: Run, queries: QueryCounter
) -> None:
    counts = []
    for size, tag in ((10, "a"), (200, "b")):
        company = await build_company(session, size, tag=tag)
        await _seed_histories(session, company)
        queries.reset()
        body = await graphql(BI_HISTORY, {"first": 1000})
        assert "errors" not in body, body
        counts.append(queries.count)
    # The page; per type (initiatives, departments, owners, KPIs via the links): the rows
    # and one page of history each; the history counts of the initiatives and the KPIs.
    assert counts == [10, 10]
    nodes = body["data"]["initiatives"]["nodes"]
    assert len(nodes) == 210
    last = nodes[-1]
    assert last["history"]["totalCount"] == 3
    assert [event["action"] for event in last["history"]["nodes"]] == ["create", "update"]
    assert [event["action"] for event in last["department"]["history"]["nodes"]] == [
        "create",
        "update",
    ]
    assert {link["kpi"]["history"]["totalCount"] for link in last["kpis"]} == {3}


async def test_trail_statement_count_is_the_page_and_its_count(
    session: AsyncSession, graphql: Run, queries: QueryCounter
) -> None:
    counts = []
    for size in (5, 500):
        await audit.record_many(
            session, SYSTEM, "update", "initiative", [(n, None, None) for n in range(size)]
        )
        queries.reset()
        body = await graphql("{ auditEvents(first: 1000) { totalCount nodes { action } } }")
        counts.append((queries.count, body["data"]["auditEvents"]["totalCount"]))
    assert counts == [(2, 5), (2, 505)]
