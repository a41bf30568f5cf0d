"""GraphQL mutations: the REST services' rules, failures with `extensions.code`."""

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from schema import AuditEvent, Initiative, KpiMeasurement, ProgressUpdate
from service.actor import Actor, Role
from service.deps import current_actor
from service.graphql.ids import encode_id
from tests.factories import link_kpi, make_department, make_initiative, make_kpi, make_person
from tests.graphql.conftest import Run


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return {"message": error["message"], **error["extensions"]}


CHECK_IN = """
mutation($input: RecordProgressUpdateInput!) {
  recordProgressUpdate(input: $input) {
    databaseId initiativeId initiativeCode health percentComplete spentToDate summary reportedOn
    initiative { code health percentComplete }
  }
}
"""


async def test_record_progress_update(session: AsyncSession, graphql: Run) -> None:
    initiative = await make_initiative(session, code="INI-0100")
    global_id = encode_id("Initiative", initiative.id or 0)
    body = await graphql(
        CHECK_IN,
        {
            "input": {
                "initiativeId": global_id,
                "percentComplete": 40,
                "health": "amber",
                "summary": "Pilot site live.",
                "reportedOn": "2026-11-02",
                "spentToDate": "1200.50",
            }
        },
    )
    node = body["data"]["recordProgressUpdate"]
    assert {k: v for k, v in node.items() if k != "databaseId"} == {
        "initiativeId": initiative.id,
        "initiativeCode": "INI-0100",
        "health": "amber",
        "percentComplete": 40,
        "spentToDate": "1200.50",
        "summary": "Pilot site live.",
        "reportedOn": "2026-11-02",
        "initiative": {"code": "INI-0100", "health": "amber", "percentComplete": 40},
    }


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"percentComplete": 150}, "validation_error", "percentComplete"),
        ({"summary": "  "}, "validation_error", "summary"),
        ({"initiativeId": "999999"}, "initiative_not_found", None),
        ({"initiativeId": "bm90LWFuLWlk"}, "invalid_id", "initiativeId"),
        ({"authorId": "999999"}, "unknown_reference", "authorId"),
    ],
)
async def test_record_progress_update_refusals(
    session: AsyncSession, graphql: Run, change: dict[str, Any], code: str, field: str | None
) -> None:
    initiative = await make_initiative(session)
    given = {"initiativeId": str(initiative.id), "percentComplete": 10, "health": "green"}
    body = await graphql(CHECK_IN, {"input": given | {"summary": "ok"} | change})
    error = _error(body)
    assert (error["code"], error.get("field")) == (code, field)


async def test_check_in_on_a_closed_initiative_is_refused(
    session: AsyncSession, graphql: Run
) -> None:
    initiative = await make_initiative(session, status="done")
    given = {"initiativeId": str(initiative.id), "percentComplete": 10, "health": "green"}
    error = _error(await graphql(CHECK_IN, {"input": given | {"summary": "late"}}))
    assert (error["code"], error["status"]) == ("initiative_closed", 409)


MEASURE = """
mutation($items: [KpiMeasurementInput!]!) {
  recordKpiMeasurements(measurements: $items) {
    created updated unchanged
    measurements { kpiCode measuredOn value source }
  }
}
"""


async def test_record_kpi_measurements_in_bulk(session: AsyncSession, graphql: Run) -> None:
    nps = await make_kpi(session, code="NPS")
    cost = await make_kpi(session, code="COST")
    items = [
        {"kpiId": str(nps.id), "measuredOn": "2026-01-01", "value": "31", "source": "survey"},
        {"kpiId": encode_id("Kpi", nps.id or 0), "measuredOn": "2026-02-01", "value": "33"},
        {"kpiId": str(cost.id), "measuredOn": "2026-01-01", "value": "12.5"},
    ]
    first = (await graphql(MEASURE, {"items": items}))["data"]["recordKpiMeasurements"]
    assert (first["created"], first["updated"], first["unchanged"]) == (3, 0, 0)
    again = [*items[:2], items[2] | {"value": "13"}]
    second = (await graphql(MEASURE, {"items": again}))["data"]["recordKpiMeasurements"]
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 1, 2)
    assert second["measurements"] == [
        {"kpiCode": "NPS", "measuredOn": "2026-01-01", "value": "31.0000", "source": "survey"},
        {"kpiCode": "NPS", "measuredOn": "2026-02-01", "value": "33.0000", "source": ""},
        {"kpiCode": "COST", "measuredOn": "2026-01-01", "value": "13.0000", "source": ""},
    ]


async def test_record_kpi_measurements_refusals(session: AsyncSession, graphql: Run) -> None:
    kpi_id = (await make_kpi(session)).id or 0
    await session.commit()
    twice = [{"kpiId": str(kpi_id), "measuredOn": "2026-01-01", "value": v} for v in "12"]
    error = _error(await graphql(MEASURE, {"items": twice}))
    assert (error["code"], error["field"]) == ("duplicate_date", "items.1.measuredOn")
    unknown = [{"kpiId": "999999", "measuredOn": "2026-01-01", "value": "1"}]
    assert _error(await graphql(MEASURE, {"items": unknown}))["code"] == "kpi_not_found"
    # The valid first KPI's values are not kept when a later one fails: one transaction.
    mixed = [{"kpiId": str(kpi_id), "measuredOn": "2026-03-01", "value": "1"}, *unknown]
    assert _error(await graphql(MEASURE, {"items": mixed}))["code"] == "kpi_not_found"
    kept = await session.scalars(select(KpiMeasurement).where(col(KpiMeasurement.kpi_id) == kpi_id))
    assert kept.all() == []


CREATE = """
mutation($input: CreateInitiativeInput!) {
  createInitiative(input: $input) {
    code status orientation clientShare version budgetPlanned
    department { code } owner { name }
  }
}
"""


async def _refs(session: AsyncSession) -> dict[str, Any]:
    department = await make_department(session, code="ops")
    owner = await make_person(session, department_id=department.id, name="Ada")
    return {"departmentId": encode_id("Department", department.id or 0), "ownerId": owner.id}


async def test_create_initiative(session: AsyncSession, graphql: Run) -> None:
    given = await _refs(session) | {
        "code": "INI-0042",
        "title": "Shared budget tool",
        "orientation": "hybrid",
        "clientShare": "0.25",
        "budgetPlanned": "50000",
    }
    body = await graphql(CREATE, {"input": given})
    assert body["data"]["createInitiative"] == {
        "code": "INI-0042",
        "status": "proposed",
        "orientation": "hybrid",
        "clientShare": "0.2500",
        "version": 1,
        "budgetPlanned": "50000.00",
        "department": {"code": "ops"},
        "owner": {"name": "Ada"},
    }


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"code": "not a code"}, "validation_error", "code"),
        ({"status": "done"}, "invalid_initial_status", "status"),
        ({"orientation": "internal", "clientShare": "0.5"}, "client_share_not_settable", None),
        ({"ownerId": "999999"}, "unknown_reference", "ownerId"),
        ({"code": "INI-0001"}, "duplicate_code", "code"),
    ],
)
async def test_create_initiative_refusals(
    session: AsyncSession, graphql: Run, change: dict[str, Any], code: str, field: str | None
) -> None:
    await make_initiative(session, code="INI-0001")
    given = await _refs(session) | {"code": "INI-0777", "title": "T", "orientation": "internal"}
    error = _error(await graphql(CREATE, {"input": given | change}))
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field


UPDATE = """
mutation($id: ID!, $version: Int!, $input: UpdateInitiativeInput!) {
  updateInitiative(id: $id, expectedVersion: $version, input: $input) {
    title sponsorId version
  }
}
"""


async def test_update_initiative(session: AsyncSession, graphql: Run) -> None:
    initiative = await make_initiative(session, title="Old")
    body = await graphql(
        UPDATE,
        {"id": str(initiative.id), "version": 1, "input": {"title": "New", "sponsorId": None}},
    )
    assert body["data"]["updateInitiative"] == {"title": "New", "sponsorId": None, "version": 2}


async def test_update_initiative_from_a_stale_version_is_refused(
    session: AsyncSession, graphql: Run
) -> None:
    initiative = await make_initiative(session, title="Old")
    await session.commit()
    body = await graphql(
        UPDATE, {"id": str(initiative.id), "version": 7, "input": {"title": "New"}}
    )
    error = _error(body)
    assert (error["code"], error["status"], error["current_version"]) == ("stale_version", 412, 1)
    await session.refresh(initiative)
    assert (initiative.title, initiative.version) == ("Old", 1)


TRANSITION = """
mutation($id: ID!, $version: Int!, $status: InitiativeStatus!, $lessons: String) {
  transitionInitiative(
    id: $id, expectedVersion: $version, status: $status, lessonsLearned: $lessons
  ) { status lessonsLearned version }
}
"""


async def test_transition_initiative(session: AsyncSession, graphql: Run) -> None:
    initiative = await make_initiative(session, status="proposed")
    await link_kpi(session, initiative, await make_kpi(session))  # for the approval gate
    variables = {"id": str(initiative.id), "version": 1, "status": "approved"}
    body = await graphql(TRANSITION, variables)
    assert body["data"]["transitionInitiative"] == {
        "status": "approved",
        "lessonsLearned": "",
        "version": 2,
    }
    stop = {"id": str(initiative.id), "version": 2, "status": "stopped", "lessons": "No demand."}
    stopped = (await graphql(TRANSITION, stop))["data"]["transitionInitiative"]
    assert stopped == {"status": "stopped", "lessonsLearned": "No demand.", "version": 3}


async def test_transition_refusals(session: AsyncSession, graphql: Run) -> None:
    initiative = await make_initiative(session, status="proposed")
    initiative_id = initiative.id
    await session.commit()
    jump = {"id": str(initiative_id), "version": 1, "status": "done"}
    error = _error(await graphql(TRANSITION, jump))
    assert (error["code"], error["status"], error["allowed"]) == (
        "invalid_transition",
        409,
        ["approved", "stopped"],
    )
    stop = {"id": str(initiative_id), "version": 1, "status": "stopped"}
    error = _error(await graphql(TRANSITION, stop))
    assert (error["code"], error["field"]) == ("lessons_learned_required", "lessonsLearned")
    stored = await session.get(Initiative, initiative_id)
    assert stored is not None and stored.status == "proposed"


LINK = """
mutation($initiative: ID!, $kpi: ID!, $weight: Decimal) {
  linkInitiativeKpi(
    initiativeId: $initiative, kpiId: $kpi, weight: $weight, rationale: "Fewer calls"
  ) {
    created link { weight rationale kpi { code } initiative { kpis { kpi { code } } } }
  }
}
"""


async def test_link_initiative_kpi(session: AsyncSession, graphql: Run) -> None:
    initiative = await make_initiative(session)
    kpi = await make_kpi(session, code="CSAT")
    variables = {"initiative": str(initiative.id), "kpi": str(kpi.id), "weight": "0.3"}
    first = (await graphql(LINK, variables))["data"]["linkInitiativeKpi"]
    assert first == {
        "created": True,
        "link": {
            "weight": "0.3000",
            "rationale": "Fewer calls",
            "kpi": {"code": "CSAT"},
            "initiative": {"kpis": [{"kpi": {"code": "CSAT"}}]},
        },
    }
    again = (await graphql(LINK, variables | {"weight": "0.6"}))["data"]["linkInitiativeKpi"]
    assert (again["created"], again["link"]["weight"]) == (False, "0.6000")


async def test_link_initiative_kpi_refusals(session: AsyncSession, graphql: Run) -> None:
    initiative = str((await make_initiative(session)).id)
    kpi = str((await make_kpi(session)).id)
    await session.commit()
    heavy = {"initiative": initiative, "kpi": kpi, "weight": "2"}
    error = _error(await graphql(LINK, heavy))
    assert (error["code"], error["field"]) == ("validation_error", "weight")
    unknown = {"initiative": initiative, "kpi": "999999", "weight": "1"}
    assert _error(await graphql(LINK, unknown))["code"] == "kpi_not_found"
    wrong_type = {"initiative": initiative, "kpi": encode_id("Person", 1), "weight": "1"}
    assert _error(await graphql(LINK, wrong_type))["code"] == "invalid_id"


async def test_bi_reader_cannot_write(session: AsyncSession, graphql: Run, app: FastAPI) -> None:
    initiative = await make_initiative(session)
    await session.commit()
    reader = Actor(account_id=7, role=Role.bi_reader, label="powerbi")
    app.dependency_overrides[current_actor] = lambda: reader
    given = {"initiativeId": str(initiative.id), "percentComplete": 1, "health": "green"}
    error = _error(await graphql(CHECK_IN, {"input": given | {"summary": "x"}}))
    assert (error["code"], error["status"]) == ("forbidden", 403)
    read = await graphql("{ initiatives(first: 1) { nodes { code } } }")
    assert read["data"]["initiatives"]["nodes"] == [{"code": initiative.code}]


async def test_unexpected_errors_are_masked(
    session: AsyncSession, graphql: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    initiative = await make_initiative(session)

    async def broken(*args: Any) -> None:
        raise RuntimeError("secret connection string")

    from service.initiatives import checkins

    monkeypatch.setattr(checkins, "create_checkin", broken)
    given = {"initiativeId": str(initiative.id), "percentComplete": 1, "health": "green"}
    error = _error(await graphql(CHECK_IN, {"input": given | {"summary": "x"}}))
    assert error == {"message": "Unexpected error; it has been logged.", "code": "internal_error"}


async def test_a_failing_mutation_request_keeps_nothing(
    session: AsyncSession, graphql: Run
) -> None:
    initiative = await make_initiative(session, code="INI-0500", status="proposed")
    await link_kpi(session, initiative, await make_kpi(session))  # for the approval gate
    await session.commit()
    two = """
    mutation($id: ID!) {
      a: transitionInitiative(id: $id, expectedVersion: 1, status: approved) { version }
      b: transitionInitiative(id: $id, expectedVersion: 2, status: done) { version }
    }
    """
    body = await graphql(two, {"id": str(initiative.id)})
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["invalid_transition"]
    await session.refresh(initiative)  # the test's own row is still there, unchanged
    assert (initiative.code, initiative.status, initiative.version) == ("INI-0500", "proposed", 1)
    # The first transition's audit event went with it.
    trail = select(AuditEvent).where(
        col(AuditEvent.entity_type) == "initiative", col(AuditEvent.entity_id) == initiative.id
    )
    assert (await session.scalars(trail)).all() == []


async def test_only_the_cdo_office_names_another_author(
    session: AsyncSession, graphql: Run, app: FastAPI
) -> None:
    owner = await make_person(session)
    colleague = await make_person(session, department_id=owner.department_id)
    initiative = await make_initiative(
        session, department_id=owner.department_id, owner_id=owner.id
    )
    await session.commit()  # keep the setup when the refused request rolls back
    contributor = Actor(account_id=None, role=Role.contributor, person_id=owner.id, label="owner")
    app.dependency_overrides[current_actor] = lambda: contributor
    given = {"initiativeId": str(initiative.id), "percentComplete": 20, "health": "green"}
    other = given | {"summary": "For a colleague", "authorId": str(colleague.id)}
    error = _error(await graphql(CHECK_IN, {"input": other}))
    assert error == {
        "message": "owner (contributor) records check-ins as themselves only; only the CDO "
        "office records one on behalf of someone else.",
        "code": "author_not_allowed",
        "status": 403,
        "field": "authorId",
    }
    own = given | {"summary": "Mine", "authorId": str(owner.id)}
    body = await graphql(CHECK_IN, {"input": own})
    assert body["data"]["recordProgressUpdate"]["summary"] == "Mine"
    authors = select(ProgressUpdate.author_id).where(
        col(ProgressUpdate.initiative_id) == initiative.id
    )
    assert (await session.scalars(authors)).all() == [owner.id]
