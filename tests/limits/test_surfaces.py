"""One table of text limits, run through every surface: REST, GraphQL, page forms, import.

A text at its column's limit is stored; one character more is refused with 422 naming
the field, and nothing is written.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.text import LONG_TEXT_MAX, NOTE_MAX
from tests.pages.conftest import TODAY, Browser, World


@dataclass(frozen=True)
class Case:
    entity: str  # checkins, initiatives or measurements
    table: str
    field: str
    limit: int


CASES = {
    "checkin summary": Case("checkins", "progress_update", "summary", NOTE_MAX),
    "checkin blockers": Case("checkins", "progress_update", "blockers", NOTE_MAX),
    "checkin next steps": Case("checkins", "progress_update", "next_steps", NOTE_MAX),
    "initiative description": Case("initiatives", "initiative", "description", LONG_TEXT_MAX),
    "initiative user need": Case("initiatives", "initiative", "user_need", LONG_TEXT_MAX),
    "initiative hypothesis": Case("initiatives", "initiative", "hypothesis", LONG_TEXT_MAX),
}


@dataclass
class Env:
    client: httpx.AsyncClient  # acts as the CDO office
    browser: Browser  # signed in as the CDO office
    world: World
    owner_email: str


# (status, field named by the refusal, its message); field and message None on success.
Outcome = tuple[int, str | None, str | None]
Surface = Callable[[Env, Case, str], Awaitable[Outcome]]


def _fields(env: Env, case: Case, value: str) -> dict[str, Any]:
    """The fields of a valid new row of the case's entity, with `value` in the field."""
    w = env.world
    bases: dict[str, dict[str, Any]] = {
        "checkins": {"percent_complete": 50, "health": "green", "summary": "On track."},
        "initiatives": {
            "code": "INI-900",
            "title": "Limits",
            "department_id": w.marketing.id,
            "owner_id": w.cmo.id,
            "orientation": "internal",
        },
        "measurements": {"measured_on": "2026-01-31", "value": "1"},
    }
    return bases[case.entity] | {case.field: value}


# The label each field's refusal names it by.
LABELS = {
    "summary": "Summary",
    "blockers": "Blockers",
    "next_steps": "Next steps",
    "description": "Description",
    "user_need": "User need",
    "hypothesis": "Hypothesis",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


async def rest(env: Env, case: Case, value: str) -> Outcome:
    w = env.world
    url = {
        "checkins": f"/api/v1/initiatives/{w.shop.id}/updates",
        "initiatives": "/api/v1/initiatives",
        "measurements": f"/api/v1/kpis/{w.nps.id}/measurements",
    }[case.entity]
    response = await env.client.post(url, json=_fields(env, case, value))
    if response.status_code >= 400:
        body = response.json()
        return response.status_code, body.get("field"), body["detail"]
    return response.status_code, None, None


GRAPHQL = {
    "checkins": "mutation($input: RecordProgressUpdateInput!) {"
    " recordProgressUpdate(input: $input) { databaseId } }",
    "initiatives": "mutation($input: CreateInitiativeInput!) {"
    " createInitiative(input: $input) { code } }",
    "measurements": "mutation($input: [KpiMeasurementInput!]!) {"
    " recordKpiMeasurements(measurements: $input) { created } }",
}


async def graphql(env: Env, case: Case, value: str) -> Outcome:
    fields = {_camel(k): v for k, v in _fields(env, case, value).items()}
    for name in ("departmentId", "ownerId"):
        if name in fields:
            fields[name] = str(fields[name])
    if case.entity == "checkins":
        fields["initiativeId"] = str(env.world.shop.id)
    variables: dict[str, Any] = {"input": fields}
    if case.entity == "measurements":
        variables = {"input": [fields | {"kpiId": str(env.world.nps.id)}]}
    response = await env.client.post(
        "/graphql", json={"query": GRAPHQL[case.entity], "variables": variables}
    )
    body = response.json()
    if body.get("errors"):
        error = body["errors"][0]
        return error["extensions"]["status"], error["extensions"].get("field"), error["message"]
    return response.status_code, None, None


async def page(env: Env, case: Case, value: str) -> Outcome:
    w = env.world
    form = {k: str(v) for k, v in _fields(env, case, value).items()}
    url = {
        "checkins": f"/initiatives/{w.shop.id}/checkins/new",
        "initiatives": "/initiatives/new",
        "measurements": f"/kpis/{w.nps.id}/measurements",
    }[case.entity]
    if case.entity == "checkins":
        form["reported_on"] = TODAY.isoformat()
    response = await env.browser.post(url, form)
    if response.status_code == 422:
        found = re.search(r'<p class="error" id="e-(\w+)">([^<]*)</p>', response.text)
        assert found is not None, response.text
        return 422, found.group(1), found.group(2)
    return response.status_code, None, None


async def spreadsheet(env: Env, case: Case, value: str) -> Outcome:
    fields = _fields(env, case, value)
    if case.entity == "checkins":
        fields = {"initiative_code": "INI-001", "reported_on": "2026-02-01"} | fields
    elif case.entity == "initiatives":
        fields.pop("department_id"), fields.pop("owner_id")
        fields |= {"department_code": "marketing", "owner_email": env.owner_email}
    else:
        fields = {"kpi_code": "NPS"} | fields
    csv = ",".join(fields) + "\n" + ",".join(str(v) for v in fields.values()) + "\n"
    files = {"file": (f"{case.entity}.csv", csv.encode(), "text/csv")}
    response = await env.client.post("/api/v1/import", files=files)
    if response.status_code >= 400:
        problem = response.json()["problems"][0]
        return response.status_code, problem["column"], problem["message"]
    return response.status_code, None, None


SURFACES: dict[str, Surface] = {
    "rest": rest,
    "graphql": graphql,
    "page": page,
    "import": spreadsheet,
}

# What each surface says about a text one character too long.
REFUSAL = {
    "rest": lambda c: (422, c.field, f"{LABELS[c.field]} must be at most {c.limit} characters."),
    "graphql": lambda c: (
        422,
        _camel(c.field),
        f"{LABELS[c.field]} must be at most {c.limit} characters.",
    ),
    "page": lambda c: (422, c.field, f"{LABELS[c.field]} must be at most {c.limit} characters."),
    "import": lambda c: (422, c.field, f"Longer than {c.limit} characters."),
}
SUCCESS = {"rest": 201, "graphql": 200, "page": 303, "import": 200}


@pytest.fixture
async def env(client: httpx.AsyncClient, cdo: Browser, world: World, session: AsyncSession) -> Env:
    email = await session.scalar(
        text("SELECT email FROM person WHERE id = :id"), {"id": world.cmo.id}
    )
    return Env(client, cdo, world, str(email))


async def _rows(session: AsyncSession, case: Case, length: int) -> int:
    sql = f"SELECT count(*) FROM {case.table} WHERE char_length({case.field}) = :n"
    return int(await session.scalar(text(sql), {"n": length}) or 0)


async def _total(session: AsyncSession, case: Case) -> int:
    return int(await session.scalar(text(f"SELECT count(*) FROM {case.table}")) or 0)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("name", CASES)
async def test_a_text_is_stored_up_to_its_limit_and_refused_beyond_it(
    env: Env, session: AsyncSession, name: str, surface: str
) -> None:
    case = CASES[name]
    before = await _total(session, case)
    outcome = await SURFACES[surface](env, case, "x" * (case.limit + 1))
    assert outcome == REFUSAL[surface](case)
    assert await _total(session, case) == before
    outcome = await SURFACES[surface](env, case, "x" * case.limit)
    assert outcome == (SUCCESS[surface], None, None)
    assert await _rows(session, case, case.limit) == 1
