"""One table of broken initiative rules, run through REST, GraphQL, the page forms and the import.

Each surface refuses the same change of the same initiative with the same status, the same
field and the same sentence (service/initiatives/rules.py), and stores nothing.
"""

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.pages.conftest import Browser, World
from tests.preconditions import if_match


@dataclass(frozen=True)
class Case:
    changes: dict[str, str]  # the fields changed on the web shop (client-facing, in progress)
    status: int
    field: str
    message: str
    page: str | None  # the page form that can send it (None: no form offers the field)


CASES = {
    "client share of client-facing work": Case(
        {"client_share": "0.5"},
        422,
        "client_share",
        "client_share is 1 for a client_facing initiative; only a hybrid initiative takes a"
        " share between 0 and 1.",
        None,
    ),
    "target before start": Case(
        {"start_date": "2026-05-01", "target_date": "2026-04-01"},
        422,
        "target_date",
        "target_date 2026-04-01 is before start_date 2026-05-01.",
        "edit",
    ),
    "stopped without lessons": Case(
        {"status": "stopped", "lessons_learned": ""},
        422,
        "lessons_learned",
        "A stopped initiative needs lessons learned: say what the attempt taught.",
        "status",
    ),
    "move off the lifecycle": Case(
        {"status": "proposed"},
        409,
        "status",
        "An initiative cannot go from in_progress to proposed; allowed from in_progress:"
        " on_hold, done, stopped.",
        "status",
    ),
}

Outcome = tuple[int, str | None, str]


@dataclass
class Env:
    client: httpx.AsyncClient  # the CDO office
    browser: Browser  # signed in as the CDO office
    world: World
    owner_email: str


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


async def rest(env: Env, case: Case) -> Outcome:
    url = f"/api/v1/initiatives/{env.world.shop.id}"
    headers = await if_match(env.client, url)
    response = await env.client.patch(url, json=case.changes, headers=headers)
    body = response.json()
    return response.status_code, body.get("field"), body["detail"]


UPDATE = """
mutation($id: ID!, $input: UpdateInitiativeInput!) {
  updateInitiative(id: $id, expectedVersion: 1, input: $input) { code }
}"""
TRANSITION = """
mutation($id: ID!, $status: InitiativeStatus!, $lessonsLearned: String) {
  transitionInitiative(id: $id, expectedVersion: 1, status: $status,
    lessonsLearned: $lessonsLearned) { code }
}"""


async def graphql(env: Env, case: Case) -> Outcome:
    """Status moves go through transitionInitiative, other fields through updateInitiative."""
    fields = {_camel(name): value for name, value in case.changes.items()}
    shop = str(env.world.shop.id)
    if "status" in fields:
        query, variables = TRANSITION, {"id": shop} | fields
    else:
        query, variables = UPDATE, {"id": shop, "input": fields}
    response = await env.client.post("/graphql", json={"query": query, "variables": variables})
    error = response.json()["errors"][0]
    field = error["extensions"].get("field")
    return error["extensions"]["status"], field, error["message"]


async def page(env: Env, case: Case) -> Outcome:
    shop = env.world.shop.id
    # Closing from the status form is confirmed (the words under test come after).
    form: dict[str, str] = {"version": "1", "confirm": "on"}
    if case.page == "edit":
        form |= {
            "code": "INI-001",
            "title": "Web shop redesign",
            "department_id": str(env.world.marketing.id),
            "owner_id": str(env.world.cmo.id),
            "orientation": "client_facing",
            "origin": "user_need",
            "user_need": "Teams lose time re-keying data.",
            "budget_planned": "300.00",
        }
    response = await env.browser.post(f"/initiatives/{shop}/{case.page}", form | case.changes)
    found = re.search(r'<p class="error" id="e-(\w+)">([^<]*)</p>', response.text)
    if found is not None:
        return response.status_code, found.group(1), html.unescape(found.group(2))
    summary = re.search(r'<div class="form-error"[^>]*>\s*<p>([^<]*)</p>', response.text)
    assert summary is not None, response.text
    return response.status_code, "status", html.unescape(summary.group(1))


async def spreadsheet(env: Env, case: Case) -> Outcome:
    fields = {
        "code": "INI-001",
        "title": "Web shop redesign",
        "department_code": "marketing",
        "owner_email": env.owner_email,
        "orientation": "client_facing",
    } | case.changes
    csv = ",".join(fields) + "\n" + ",".join(fields.values()) + "\n"
    files = {"file": ("initiatives.csv", csv.encode(), "text/csv")}
    response = await env.client.post("/api/v1/import", files=files)
    problem = response.json()["problems"][0]
    return response.status_code, problem["column"], problem["message"]


SURFACES: dict[str, Callable[[Env, Case], Awaitable[Outcome]]] = {
    "rest": rest,
    "graphql": graphql,
    "page": page,
    "import": spreadsheet,
}


@pytest.fixture
async def env(client: httpx.AsyncClient, cdo: Browser, world: World, session: AsyncSession) -> Env:
    email = await session.scalar(
        text("SELECT email FROM person WHERE id = :id"), {"id": world.cmo.id}
    )
    return Env(client, cdo, world, str(email))


async def _shop(session: AsyncSession, env: Env) -> Any:
    sql = "SELECT status, client_share, target_date, version FROM initiative WHERE id = :id"
    return (await session.execute(text(sql), {"id": env.world.shop.id})).one()


# Every case on every surface, but the page for a field no form offers (the edit form shows
# the client share only for hybrid work).
PAIRS = [
    (name, surface)
    for name, case in CASES.items()
    for surface in SURFACES
    if surface != "page" or case.page is not None
]


@pytest.mark.parametrize(("name", "surface"), PAIRS)
async def test_every_surface_refuses_a_broken_rule_with_the_same_words(
    env: Env, session: AsyncSession, name: str, surface: str
) -> None:
    case = CASES[name]
    before = await _shop(session, env)
    status, field, message = await SURFACES[surface](env, case)
    # The import answers 422 for every refused file, a status move included.
    expected_status = 422 if surface in ("import", "page") else case.status
    expected_field = _camel(case.field) if surface == "graphql" else case.field
    assert (status, field, message) == (expected_status, expected_field, case.message)
    assert await _shop(session, env) == before
