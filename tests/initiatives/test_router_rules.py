"""REST: the client-share rules and the status lifecycle of initiatives."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import TRANSITIONS, InitiativeStatus
from tests.factories import link_kpi, make_initiative, make_kpi
from tests.initiatives.helpers import API, LESSONS, initiative_body, problem
from tests.preconditions import if_match

# --- client share -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "given", "expected"),
    [
        ("client_facing", None, "1.0000"),
        ("internal", None, "0.0000"),
        ("hybrid", None, "0.5000"),
        ("hybrid", "0.3", "0.3000"),
        ("hybrid", 0, "0.0000"),
        ("hybrid", 1, "1.0000"),
        ("client_facing", 1, "1.0000"),
        ("internal", "0.0", "0.0000"),
    ],
)
async def test_client_share_on_create(
    client: httpx.AsyncClient,
    session: AsyncSession,
    orientation: str,
    given: object,
    expected: str,
) -> None:
    extra = {} if given is None else {"client_share": given}
    body = await initiative_body(session, orientation=orientation, **extra)
    response = await client.post(API, json=body)
    assert (response.status_code, response.json()["client_share"]) == (201, expected)


@pytest.mark.parametrize(("orientation", "given"), [("client_facing", "0.8"), ("internal", "0.2")])
async def test_client_share_not_settable_unless_hybrid(
    client: httpx.AsyncClient, session: AsyncSession, orientation: str, given: str
) -> None:
    body = await initiative_body(session, orientation=orientation, client_share=given)
    response = await client.post(API, json=body)
    assert problem(response) == (422, "client_share_not_settable", "client_share")


@pytest.mark.parametrize("given", ["1.01", "-0.1", "0.12345"])
async def test_client_share_out_of_range_is_422(
    client: httpx.AsyncClient, session: AsyncSession, given: str
) -> None:
    body = await initiative_body(session, orientation="hybrid", client_share=given)
    assert problem(await client.post(API, json=body)) == (
        422,
        "validation_error",
        "client_share",
    )


@pytest.mark.parametrize(
    ("start", "change", "expected"),
    [
        (("hybrid", "0.3"), {"orientation": "internal"}, "0.0000"),
        (("hybrid", "0.3"), {"orientation": "client_facing"}, "1.0000"),
        (("internal", "0"), {"orientation": "hybrid"}, "0.5000"),
        (("internal", "0"), {"orientation": "hybrid", "client_share": "0.8"}, "0.8000"),
        (("hybrid", "0.3"), {"client_share": "0.7"}, "0.7000"),
        (("hybrid", "0.3"), {"orientation": "hybrid"}, "0.3000"),
        (("hybrid", "0.3"), {"title": "Renamed"}, "0.3000"),
        (("client_facing", "1"), {"client_share": 1}, "1.0000"),
    ],
)
async def test_client_share_on_update(
    client: httpx.AsyncClient,
    session: AsyncSession,
    start: tuple[str, str],
    change: dict[str, Any],
    expected: str,
) -> None:
    orientation, share = start
    initiative = await make_initiative(
        session, orientation=orientation, client_share=Decimal(share)
    )
    response = await client.patch(
        f"{API}/{initiative.id}",
        json=change,
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert (response.status_code, response.json()["client_share"]) == (200, expected)


@pytest.mark.parametrize(
    ("orientation", "change"),
    [
        ("internal", {"client_share": "0.5"}),
        ("client_facing", {"client_share": "0.5"}),
        ("hybrid", {"orientation": "internal", "client_share": "0.4"}),
    ],
)
async def test_client_share_not_settable_on_update(
    client: httpx.AsyncClient, session: AsyncSession, orientation: str, change: dict[str, Any]
) -> None:
    initiative = await make_initiative(session, orientation=orientation)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json=change,
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "client_share_not_settable", "client_share")


# --- status transitions ---------------------------------------------------------------

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
REFUSED = [
    ("proposed", "in_progress", "approved, stopped"),
    ("approved", "done", "in_progress, stopped"),
    ("in_progress", "approved", "on_hold, done, stopped"),
    ("on_hold", "proposed", "in_progress, done, stopped"),
    ("done", "in_progress", "none"),
    ("stopped", "proposed", "none"),
]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
async def test_every_allowed_transition(
    client: httpx.AsyncClient,
    session: AsyncSession,
    source: InitiativeStatus,
    target: InitiativeStatus,
) -> None:
    initiative = await make_initiative(session, status=source)
    if target == InitiativeStatus.approved:  # the approval gate wants a KPI link
        await link_kpi(session, initiative, await make_kpi(session))
    change: dict[str, str] = {"status": target}
    if target == InitiativeStatus.stopped:
        change["lessons_learned"] = LESSONS
    response = await client.patch(
        f"{API}/{initiative.id}",
        json=change,
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert (response.status_code, response.json()["status"]) == (200, target)


@pytest.mark.parametrize(("source", "target", "allowed"), REFUSED)
async def test_a_refused_transition_from_each_status(
    client: httpx.AsyncClient, session: AsyncSession, source: str, target: str, allowed: str
) -> None:
    lessons = LESSONS if source == "stopped" else ""
    initiative = await make_initiative(session, status=source, lessons_learned=lessons)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"status": target},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (409, "invalid_transition", "status")
    assert response.json()["detail"] == (
        f"An initiative cannot go from {source} to {target}; allowed from {source}: {allowed}."
    )


async def test_refused_transition_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="done")
    url, title = f"{API}/{initiative.id}", initiative.title  # the refused request expires it
    await session.commit()  # keep the row when the refused request rolls back
    await client.patch(
        url, json={"status": "in_progress", "title": "X"}, headers=await if_match(client, url)
    )
    body = (await client.get(url)).json()
    assert (body["status"], body["title"], body["version"]) == ("done", title, 1)


async def test_stopping_requires_lessons_learned(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="in_progress")
    url = f"{API}/{initiative.id}"  # the refused request expires the loaded row
    await session.commit()  # keep the row when the refused request rolls back
    response = await client.patch(
        url,
        json={"status": "stopped", "lessons_learned": "  "},
        headers=await if_match(client, url),
    )
    assert problem(response) == (422, "lessons_learned_required", "lessons_learned")
    response = await client.patch(
        url, json={"status": "stopped"}, headers=await if_match(client, url)
    )
    assert problem(response) == (422, "lessons_learned_required", "lessons_learned")


async def test_stopping_uses_stored_lessons_learned(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="on_hold", lessons_learned=LESSONS)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"status": "stopped"},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["lessons_learned"]) == ("stopped", LESSONS)


async def test_stopped_initiative_keeps_its_lessons(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="stopped", lessons_learned=LESSONS)
    response = await client.patch(
        f"{API}/{initiative.id}",
        json={"lessons_learned": ""},
        headers=await if_match(client, f"{API}/{initiative.id}"),
    )
    assert problem(response) == (422, "lessons_learned_required", "lessons_learned")
