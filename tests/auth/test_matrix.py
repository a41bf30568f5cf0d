"""The authorization matrix: every API route and GraphQL mutation, for every role, own and
other department, answers exactly the expected status.

The routes come from the application's route table, so a new route without an expectation
fails `test_every_route_has_an_expectation`. Each call runs in a savepoint rolled back
afterwards: every call sees the same company.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.compiled.sdl import core_schema
from service.graphql.ids import encode_id
from service.graphql.schema import schema as graphql_schema
from tests.auth.world import ACTORS, PASSWORD, World, build_world

EVERYONE = frozenset(ACTORS)
READERS = EVERYONE - {"anonymous"}
SELF_SERVICE = READERS - {"bi_reader"}  # writes on one's own account
CDO = frozenset({"cdo"})
EDIT = frozenset({"cdo", "head_own"})  # initiatives of the own department
CHECK_IN = frozenset({"cdo", "head_own", "owner"})
MEASURE = frozenset({"cdo", "head_own"})  # KPIs the own department answers for

Params = dict[str, Any] | Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    ok: int
    params: Params = field(default_factory=dict)
    json: Any = None
    if_match: bool = False
    files: dict[str, Any] | None = None
    query: Params | None = None  # query string parameters


def _ids(**names: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, actor: {param: world.ids[name] for param, name in names.items()}


def _own(world: World, actor: str) -> dict[str, Any]:
    return {"department_id": world.ids["marketing"], "owner_id": world.ids["owner_person"]}


INITIATIVE = _ids(initiative_id="own")
KPI = _ids(kpi_id="kpi_own")
REQUEST = _ids(request_id="change_request")
REQUESTER = frozenset({"head_own"})  # the head who asked withdraws
SCENARIO = _ids(scenario_id="scenario")
SAVERS = frozenset({"cdo", "head_own", "head_other"})  # CDO office and department heads
SAVER = frozenset({"cdo", "head_own"})  # the CDO office and the head who saved it
READ = Case(READERS, 200)
# Every employee raises and votes: an account of a person or whose role writes.
RAISERS = frozenset({"cdo", "head_own", "head_other", "owner", "contributor"})
IRRITANT = _ids(irritant_id="irritant")
FLAG = lambda w, a: {  # noqa: E731 - own_second is in progress with no KPI: NO_KPI
    "code": "NO_KPI",
    "entity_type": "initiative",
    "entity_id": w.ids["own_second"],
}

V = "/api/v1"
EXPECTED: dict[tuple[str, str], Case] = {
    # Sign-in and sign-out are public.
    ("POST", f"{V}/auth/login"): Case(EVERYONE, 200, json="login"),
    ("POST", f"{V}/auth/logout"): Case(EVERYONE, 204),
    ("GET", f"{V}/auth/me"): READ,
    ("PATCH", f"{V}/auth/me"): Case(READERS, 200, json={"locale": "fr"}),
    ("DELETE", f"{V}/auth/sessions"): Case(SELF_SERVICE, 204),
    ("GET", f"{V}/auth/tokens"): READ,
    ("POST", f"{V}/auth/tokens"): Case(SELF_SERVICE, 201, json={"name": "mine"}),
    ("DELETE", f"{V}/auth/tokens/{{token_id}}"): Case(
        SELF_SERVICE, 204, lambda w, a: {"token_id": w.spare_tokens.get(a, 1)}
    ),
    ("GET", f"{V}/me/notifications"): READ,
    ("PATCH", f"{V}/me/notifications"): Case(SELF_SERVICE, 200, json={"reminders": False}),
    ("GET", f"{V}/accounts"): Case(CDO, 200),
    ("POST", f"{V}/accounts"): Case(CDO, 201, json={"email": "n@example.com", "role": "viewer"}),
    ("GET", f"{V}/accounts/{{account_id}}"): Case(
        CDO | {"viewer"}, 200, lambda w, a: {"account_id": w.accounts["viewer"]}
    ),
    ("PATCH", f"{V}/accounts/{{account_id}}"): Case(
        CDO, 200, lambda w, a: {"account_id": w.accounts["viewer"]}, {"is_disabled": True}, True
    ),
    ("GET", f"{V}/audit"): Case(CDO, 200),
    ("GET", f"{V}/deletions"): Case(
        READERS, 200, query=lambda w, a: {"since": datetime.now(UTC).isoformat()}
    ),
    ("GET", f"{V}/departments/{{entity_id}}/history"): Case(READERS, 200, _ids(entity_id="hr")),
    ("GET", f"{V}/people/{{entity_id}}/history"): Case(READERS, 200, _ids(entity_id="free_person")),
    ("GET", f"{V}/initiatives/{{entity_id}}/history"): Case(READERS, 200, _ids(entity_id="own")),
    ("GET", f"{V}/kpis/{{entity_id}}/history"): Case(READERS, 200, _ids(entity_id="kpi_own")),
    # Departments and people: the CDO office.
    ("GET", f"{V}/departments"): READ,
    ("POST", f"{V}/departments"): Case(CDO, 201, json={"code": "new", "name": "New"}),
    ("GET", f"{V}/departments/{{department_id}}"): Case(READERS, 200, _ids(department_id="hr")),
    ("PATCH", f"{V}/departments/{{department_id}}"): Case(
        CDO, 200, _ids(department_id="spare_department"), {"name": "Renamed"}, True
    ),
    ("DELETE", f"{V}/departments/{{department_id}}"): Case(
        CDO, 204, _ids(department_id="spare_department"), if_match=True
    ),
    ("GET", f"{V}/people"): READ,
    ("POST", f"{V}/people"): Case(CDO, 201, json={"name": "New", "email": "new@example.com"}),
    ("GET", f"{V}/people/{{person_id}}"): Case(READERS, 200, _ids(person_id="free_person")),
    ("PATCH", f"{V}/people/{{person_id}}"): Case(
        CDO, 200, _ids(person_id="free_person"), {"title": "Lead"}, True
    ),
    ("DELETE", f"{V}/people/{{person_id}}"): Case(
        CDO, 204, _ids(person_id="free_person"), if_match=True
    ),
    ("GET", f"{V}/people/{{person_id}}/reports"): Case(READERS, 200, _ids(person_id="free_person")),
    ("GET", f"{V}/people/{{person_id}}/chain"): Case(READERS, 200, _ids(person_id="free_person")),
    ("GET", f"{V}/people/{{person_id}}/portfolio"): Case(
        READERS, 200, _ids(person_id="owner_person")
    ),
    # Initiatives of the own (marketing) department.
    ("GET", f"{V}/initiatives"): READ,
    ("POST", f"{V}/initiatives"): Case(EDIT, 201, json="new_initiative"),
    ("GET", f"{V}/initiatives/{{initiative_id}}"): Case(READERS, 200, INITIATIVE),
    ("PATCH", f"{V}/initiatives/{{initiative_id}}"): Case(
        EDIT, 200, INITIATIVE, {"title": "Renamed"}, True
    ),
    ("DELETE", f"{V}/initiatives/{{initiative_id}}"): Case(EDIT, 204, INITIATIVE, if_match=True),
    ("GET", f"{V}/initiatives/{{initiative_id}}/kpis"): Case(READERS, 200, INITIATIVE),
    ("GET", f"{V}/initiatives/{{initiative_id}}/similar-lessons"): Case(READERS, 200, INITIATIVE),
    ("GET", f"{V}/lessons"): Case(READERS, 200, query=lambda w, a: {"q": "lessons"}),
    ("GET", f"{V}/initiatives/{{initiative_id}}/thrust"): Case(READERS, 200, INITIATIVE),
    ("GET", f"{V}/initiatives/{{initiative_id}}/outcomes"): Case(READERS, 200, INITIATIVE),
    ("GET", f"{V}/kpis/{{kpi_id}}/contributions"): Case(READERS, 200, _ids(kpi_id="kpi_own")),
    ("PUT", f"{V}/initiatives/{{initiative_id}}/kpis/{{kpi_id}}"): Case(
        EDIT, 201, _ids(initiative_id="own", kpi_id="kpi_other"), {"weight": "0.5"}
    ),
    ("DELETE", f"{V}/initiatives/{{initiative_id}}/kpis/{{kpi_id}}"): Case(
        EDIT, 204, _ids(initiative_id="own", kpi_id="kpi_own")
    ),
    ("GET", f"{V}/initiatives/{{initiative_id}}/links"): Case(READERS, 200, INITIATIVE),
    ("POST", f"{V}/initiatives/{{initiative_id}}/links"): Case(
        EDIT, 201, INITIATIVE, json="new_link"
    ),
    ("DELETE", f"{V}/initiatives/{{initiative_id}}/links/{{link_id}}"): Case(
        EDIT, 204, _ids(initiative_id="own", link_id="link")
    ),
    ("GET", f"{V}/initiatives/{{initiative_id}}/updates"): Case(READERS, 200, INITIATIVE),
    ("POST", f"{V}/initiatives/{{initiative_id}}/updates"): Case(
        CHECK_IN, 201, INITIATIVE, {"percent_complete": 10, "health": "green", "summary": "Go"}
    ),
    # Change requests: everyone reads, the CDO office decides, the requester withdraws.
    ("GET", f"{V}/change-requests"): READ,
    ("GET", f"{V}/change-requests/{{request_id}}"): Case(READERS, 200, REQUEST),
    ("POST", f"{V}/change-requests/{{request_id}}/decision"): Case(
        CDO, 200, REQUEST, {"decision": "reject", "comment": "Not now."}
    ),
    ("DELETE", f"{V}/change-requests/{{request_id}}"): Case(REQUESTER, 200, REQUEST),
    # Scenarios: everyone reads (a BI token sends no POST), heads save, the CDO office applies.
    ("POST", f"{V}/scenarios/evaluate"): Case(SELF_SERVICE, 200, json="scenario_moves"),
    ("POST", f"{V}/scenarios"): Case(SAVERS, 201, json="new_scenario"),
    ("GET", f"{V}/scenarios"): READ,
    ("GET", f"{V}/scenarios/compare"): Case(READERS, 200, query=_ids(a="scenario", b="scenario")),
    ("GET", f"{V}/scenarios/{{scenario_id}}"): Case(READERS, 200, SCENARIO),
    ("DELETE", f"{V}/scenarios/{{scenario_id}}"): Case(SAVER, 204, SCENARIO),
    ("POST", f"{V}/scenarios/{{scenario_id}}/apply"): Case(CDO, 200, SCENARIO),
    # Irritants: every employee raises and votes; the department's head closes; who edits
    # an initiative links it.
    ("POST", f"{V}/irritants"): Case(RAISERS, 201, json="new_irritant"),
    ("GET", f"{V}/irritants"): READ,
    ("GET", f"{V}/irritants/{{irritant_id}}"): Case(READERS, 200, IRRITANT),
    ("PATCH", f"{V}/irritants/{{irritant_id}}"): Case(
        EDIT, 200, IRRITANT, {"status": "closed", "reason": "Fixed"}, True
    ),
    ("POST", f"{V}/irritants/{{irritant_id}}/votes"): Case(RAISERS, 200, IRRITANT),
    ("DELETE", f"{V}/irritants/{{irritant_id}}/votes"): Case(RAISERS, 204, IRRITANT),
    ("PUT", f"{V}/initiatives/{{initiative_id}}/irritants/{{irritant_id}}"): Case(
        EDIT, 201, _ids(initiative_id="own", irritant_id="irritant")
    ),
    ("DELETE", f"{V}/initiatives/{{initiative_id}}/irritants/{{irritant_id}}"): Case(
        EDIT, 204, _ids(initiative_id="own_second", irritant_id="irritant")
    ),
    ("GET", f"{V}/portfolio/irritant-votes"): READ,
    # KPI definitions: the CDO office; measurements: the accountable department too.
    ("GET", f"{V}/kpis"): READ,
    ("POST", f"{V}/kpis"): Case(CDO, 201, json="new_kpi"),
    ("GET", f"{V}/kpis/{{kpi_id}}"): Case(READERS, 200, KPI),
    ("PATCH", f"{V}/kpis/{{kpi_id}}"): Case(CDO, 200, _ids(kpi_id="kpi_free"), {"name": "N"}, True),
    ("DELETE", f"{V}/kpis/{{kpi_id}}"): Case(CDO, 204, _ids(kpi_id="kpi_free"), if_match=True),
    ("GET", f"{V}/kpis/{{kpi_id}}/measurements"): Case(READERS, 200, KPI),
    ("POST", f"{V}/kpis/{{kpi_id}}/measurements"): Case(
        MEASURE, 201, KPI, {"measured_on": "2026-10-31", "value": "5"}
    ),
    ("POST", f"{V}/kpis/{{kpi_id}}/measurements/bulk"): Case(
        MEASURE, 200, KPI, {"items": [{"measured_on": "2026-10-31", "value": "5"}]}
    ),
    ("GET", f"{V}/kpis/{{kpi_id}}/drivers"): Case(READERS, 200, KPI),
    ("POST", f"{V}/kpis/{{kpi_id}}/drivers"): Case(CDO, 201, KPI, json="new_driver"),
    ("DELETE", f"{V}/kpis/{{kpi_id}}/drivers/{{driver_kpi_id}}"): Case(
        CDO, 204, _ids(kpi_id="kpi_own", driver_kpi_id="kpi_driver")
    ),
    # Portfolio analytics read; settings and snapshots are the CDO office's.
    ("GET", f"{V}/portfolio/balance"): READ,
    ("GET", f"{V}/portfolio/flags"): READ,
    # Flag triage: the CDO office, the department's head and whoever should act (the owner).
    ("GET", f"{V}/flags"): READ,
    **{
        ("POST", f"{V}/flags/{{code}}/{{entity_type}}/{{entity_id}}/{action}"): Case(
            CHECK_IN, 200, FLAG, json=body
        )
        for action, body in (
            ("acknowledge", {"note": "Seen."}),
            ("assign", "assignee"),
            ("snooze", "snooze"),
        )
    },
    ("GET", f"{V}/portfolio/alignment"): READ,
    ("GET", f"{V}/settings/portfolio"): READ,
    ("PUT", f"{V}/settings/portfolio"): Case(CDO, 200, json={"band_max": "0.5"}, if_match=True),
    ("POST", f"{V}/portfolio/snapshots"): Case(CDO, 201),
    ("GET", f"{V}/portfolio/snapshots"): READ,
    # Spreadsheets: anyone exports, the CDO office imports.
    ("GET", f"{V}/export"): READ,
    ("GET", f"{V}/import/template.xlsx"): READ,
    ("GET", f"{V}/import/templates/{{entity}}.csv"): Case(READERS, 200, {"entity": "people"}),
    ("POST", f"{V}/import"): Case(
        CDO, 200, files={"file": ("departments.csv", b"code,name,head_email\nops,Ops,\n")}
    ),
    # Webhooks: the CDO office.
    ("POST", f"{V}/webhooks"): Case(
        CDO, 201, json={"url": "https://example.com/hook", "event_types": ["checkin.recorded"]}
    ),
    ("GET", f"{V}/webhooks"): Case(CDO, 200),
    ("GET", f"{V}/webhooks/{{endpoint_id}}"): Case(CDO, 200, _ids(endpoint_id="webhook")),
    ("PATCH", f"{V}/webhooks/{{endpoint_id}}"): Case(
        CDO, 200, _ids(endpoint_id="webhook"), {"description": "CRM"}, True
    ),
    ("DELETE", f"{V}/webhooks/{{endpoint_id}}"): Case(
        CDO, 204, _ids(endpoint_id="webhook"), if_match=True
    ),
    ("GET", f"{V}/webhooks/{{endpoint_id}}/deliveries"): Case(
        CDO, 200, _ids(endpoint_id="webhook")
    ),
    ("POST", f"{V}/webhooks/{{endpoint_id}}/deliveries/{{delivery_id}}/replay"): Case(
        CDO, 202, _ids(endpoint_id="webhook", delivery_id="webhook_delivery")
    ),
    ("POST", f"{V}/webhooks/{{endpoint_id}}/test"): Case(CDO, 202, _ids(endpoint_id="webhook")),
    ("POST", f"{V}/webhooks/{{endpoint_id}}/secret"): Case(
        CDO, 200, _ids(endpoint_id="webhook"), if_match=True
    ),
    ("GET", "/graphql"): Case(READERS, 200, json="graphql_get"),
    ("POST", "/graphql"): Case(READERS, 200, json={"query": "{ __typename }"}),
}


def _bodies(world: World) -> dict[str, Any]:
    return {
        "login": {"email": world.login_email, "password": PASSWORD},
        "new_initiative": {
            "code": "INI-9000",
            "title": "New",
            "orientation": "internal",
            **_own(world, ""),
        },
        "new_link": {"kind": "depends_on", "to_id": world.ids["own_second"]},
        "new_kpi": {
            "code": "KPI-9000",
            "name": "New",
            "direction": "increase",
            "perspective": "employee",
            "department_ids": [world.ids["marketing"]],
        },
        "new_driver": {"driver_kpi_id": world.ids["kpi_other"]},
        "new_irritant": {"title": "Badge readers fail", "department_id": world.ids["hr"]},
        "assignee": {"person_id": world.ids["owner_person"]},
        "snooze": {"until": (date.today() + timedelta(days=7)).isoformat()},
        "scenario_moves": {"moves": [{"initiative_id": world.ids["own"], "budget_planned": "5"}]},
        "new_scenario": {
            "name": "Trim",
            "moves": [{"initiative_id": world.ids["own"], "budget_planned": "5"}],
        },
    }


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every API and GraphQL route of the application."""
    found = set()
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        path = route.path or ""
        if path.startswith("/api/") or path.startswith("/graphql"):
            found |= {(method, path) for method in route.methods or () if method != "HEAD"}
    return found


def test_every_route_has_an_expectation(secured_app: FastAPI) -> None:
    assert api_routes(secured_app) == set(EXPECTED)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    built = await build_world(session)
    await session.commit()  # the company stays; each call below is rolled back
    return built


@pytest.fixture
async def isolated(
    anon: httpx.AsyncClient, session: AsyncSession
) -> AsyncIterator[Callable[..., Any]]:
    """Send one request inside a savepoint that is rolled back afterwards."""
    connection: Any = session.bind

    async def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
        savepoint = await connection.begin_nested()
        try:
            return await anon.request(method, path, **kwargs)
        finally:
            await savepoint.rollback()
            session.expunge_all()
            anon.cookies.clear()

    yield send


def _request(world: World, key: tuple[str, str], case: Case, actor: str) -> dict[str, Any]:
    method, template = key
    params = case.params(world, actor) if callable(case.params) else case.params
    kwargs: dict[str, Any] = {"headers": world.headers(actor)}
    if case.if_match:
        kwargs["headers"] = kwargs["headers"] | {"If-Match": '"1"'}
    if case.json == "graphql_get":
        kwargs["params"] = {"query": "{ __typename }"}
    elif isinstance(case.json, str):
        kwargs["json"] = _bodies(world)[case.json]
    elif case.json is not None:
        kwargs["json"] = case.json
    if case.files is not None:
        kwargs["files"] = case.files
    if case.query is not None:
        kwargs["params"] = case.query(world, actor) if callable(case.query) else case.query
    return {"method": method, "path": template.format(**params), **kwargs}


def _expected(case: Case, actor: str) -> int:
    if actor in case.allowed:
        return case.ok
    return 401 if actor == "anonymous" else 403


async def test_each_role_gets_exactly_the_expected_status(
    world: World, isolated: Callable[..., Any]
) -> None:
    wrong = []
    for key, case in sorted(EXPECTED.items()):
        for actor in ACTORS:
            request = _request(world, key, case, actor)
            response = await isolated(request.pop("method"), request.pop("path"), **request)
            if response.status_code != _expected(case, actor):
                wrong.append(
                    (key, actor, _expected(case, actor), response.status_code, response.text[:200])
                )
    assert wrong == []


MUTATIONS: dict[str, tuple[frozenset[str], str, Callable[[World], dict[str, Any]]]] = {
    "createInitiative": (
        EDIT,
        "mutation($input: CreateInitiativeInput!) { createInitiative(input: $input) { id } }",
        lambda w: {
            "input": {
                "code": "INI-9001",
                "title": "New",
                "orientation": "internal",
                "departmentId": encode_id("Department", w.ids["marketing"]),
                "ownerId": encode_id("Person", w.ids["owner_person"]),
            }
        },
    ),
    "updateInitiative": (
        EDIT,
        "mutation($id: ID!) { updateInitiative(id: $id, expectedVersion: 1,"
        ' input: {title: "Renamed"}) { id } }',
        lambda w: {"id": encode_id("Initiative", w.ids["own"])},
    ),
    "transitionInitiative": (
        EDIT,
        "mutation($id: ID!) { transitionInitiative(id: $id, expectedVersion: 1,"
        " status: approved) { id } }",
        lambda w: {"id": encode_id("Initiative", w.ids["own"])},
    ),
    "decideChangeRequest": (
        CDO,
        "mutation($id: ID!) { decideChangeRequest(id: $id, decision: reject) { id } }",
        lambda w: {"id": encode_id("ChangeRequest", w.ids["change_request"])},
    ),
    "linkInitiativeKpi": (
        EDIT,
        "mutation($i: ID!, $k: ID!) { linkInitiativeKpi(initiativeId: $i, kpiId: $k) { created } }",
        lambda w: {
            "i": encode_id("Initiative", w.ids["own"]),
            "k": encode_id("Kpi", w.ids["kpi_other"]),
        },
    ),
    "recordProgressUpdate": (
        CHECK_IN,
        "mutation($i: ID!) { recordProgressUpdate(input: {initiativeId: $i, percentComplete: 5,"
        ' health: green, summary: "Go"}) { id } }',
        lambda w: {"i": encode_id("Initiative", w.ids["own"])},
    ),
    "raiseIrritant": (
        RAISERS,
        'mutation($d: ID!) { raiseIrritant(input: {title: "Slow", departmentId: $d}) { votes } }',
        lambda w: {"d": encode_id("Department", w.ids["hr"])},
    ),
    "voteIrritant": (
        RAISERS,
        "mutation($id: ID!) { voteIrritant(id: $id) { votes } }",
        lambda w: {"id": str(w.ids["irritant"])},
    ),
    **{
        name: (
            CHECK_IN,
            f"mutation($f: FlagKeyInput!{params}) {{ {name}(flag: $f{args}) {{ state }} }}",
            lambda w, extra=extra: (
                {
                    "f": {
                        "code": "NO_KPI",
                        "entityType": "initiative",
                        "entityId": w.ids["own_second"],
                    }
                }
                | extra(w)
            ),
        )
        for name, params, args, extra in (
            ("acknowledgeFlag", "", ', note: "Seen."', lambda w: {}),
            (
                "assignFlag",
                ", $p: ID!",
                ", personId: $p",
                lambda w: {"p": encode_id("Person", w.ids["owner_person"])},
            ),
            (
                "snoozeFlag",
                ", $u: Date!",
                ", until: $u",
                lambda w: {"u": (date.today() + timedelta(days=7)).isoformat()},
            ),
        )
    },
    "recordKpiMeasurements": (
        MEASURE,
        "mutation($k: ID!) { recordKpiMeasurements(measurements: [{kpiId: $k,"
        ' measuredOn: "2026-10-31", value: "5"}]) { created } }',
        lambda w: {"k": encode_id("Kpi", w.ids["kpi_own"])},
    ),
}


def test_every_mutation_has_an_expectation() -> None:
    mutation_type = core_schema(graphql_schema).mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields) == set(MUTATIONS)


async def test_each_role_gets_exactly_the_expected_mutation_result(
    world: World, isolated: Callable[..., Any]
) -> None:
    wrong = []
    for name, (allowed, query, variables) in sorted(MUTATIONS.items()):
        for actor in ACTORS:
            body = {"query": query, "variables": variables(world)}
            response = await isolated("POST", "/graphql", json=body, headers=world.headers(actor))
            if actor == "anonymous":
                outcome = str(response.status_code)
            elif "errors" in response.json():
                outcome = response.json()["errors"][0]["extensions"]["code"]
            else:
                outcome = "ok"
            expected = "ok" if actor in allowed else "401" if actor == "anonymous" else "forbidden"
            if outcome != expected:
                wrong.append((name, actor, expected, outcome, response.text[:200]))
    assert wrong == []
