"""REST: /api/v1/initiatives/{id}/updates (check-ins)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_initiative, make_person, make_update
from tests.initiatives.helpers import API, problem

CHECKIN = {"percent_complete": 30, "health": "amber", "summary": "Vendor late by two weeks."}


async def test_post_checkin_with_every_field(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    author = await make_person(session)
    body = CHECKIN | {
        "reported_on": "2026-11-02",
        "confidence": 6,
        "spent_to_date": "1250.5",
        "blockers": "Vendor contract.",
        "next_steps": "Escalate to procurement.",
        "author_id": author.id,
    }
    response = await client.post(f"{API}/{initiative.id}/updates", json=body)
    assert response.status_code == 201
    created = response.json()
    assert isinstance(created.pop("id"), int)
    assert isinstance(created.pop("created_at"), str)
    assert created == {
        "initiative_id": initiative.id,
        "author_id": author.id,
        "reported_on": "2026-11-02",
        "percent_complete": 30,
        "health": "amber",
        "confidence": 6,
        "spent_to_date": "1250.50",
        "summary": "Vendor late by two weeks.",
        "blockers": "Vendor contract.",
        "next_steps": "Escalate to procurement.",
    }


async def test_post_checkin_defaults(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    response = await client.post(f"{API}/{initiative.id}/updates", json=CHECKIN)
    assert response.status_code == 201
    body = response.json()
    assert (body["reported_on"], body["spent_to_date"], body["confidence"]) == (
        date.today().isoformat(),
        "0.00",
        None,
    )
    assert (body["author_id"], body["blockers"], body["next_steps"]) == (None, "", "")


async def test_omitted_spending_keeps_the_latest_figure(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    await make_update(session, initiative, reported_on=date(2026, 9, 1), spent_to_date=Decimal(5))
    await make_update(session, initiative, reported_on=date(2026, 10, 1), spent_to_date=Decimal(8))
    await make_update(session, initiative, reported_on=date(2026, 8, 1), spent_to_date=Decimal(2))
    response = await client.post(f"{API}/{initiative.id}/updates", json=CHECKIN)
    assert response.json()["spent_to_date"] == "8.00"


async def test_checkin_becomes_the_initiatives_latest(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    body = CHECKIN | {"reported_on": "2026-11-20", "spent_to_date": 40}
    await client.post(f"{API}/{initiative.id}/updates", json=body)
    fetched = (await client.get(f"{API}/{initiative.id}")).json()
    assert [fetched[k] for k in ("health", "percent_complete", "spent_to_date")] == [
        "amber",
        30,
        "40.00",
    ]
    assert fetched["last_update_on"] == "2026-11-20"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"percent_complete": 101}, "percent_complete"),
        ({"percent_complete": -1}, "percent_complete"),
        ({"percent_complete": None}, "percent_complete"),
        ({"health": "blue"}, "health"),
        ({"confidence": 11}, "confidence"),
        ({"confidence": -1}, "confidence"),
        ({"spent_to_date": "-0.01"}, "spent_to_date"),
        ({"spent_to_date": "1.001"}, "spent_to_date"),
        ({"summary": "   "}, "summary"),
        ({"summary": ""}, "summary"),
        ({"reported_on": "last week"}, "reported_on"),
        ({"initiative_id": 3}, "initiative_id"),
    ],
)
async def test_bad_checkin_is_422(
    client: httpx.AsyncClient, session: AsyncSession, change: dict[str, Any], field: str
) -> None:
    initiative = await make_initiative(session)
    response = await client.post(f"{API}/{initiative.id}/updates", json=CHECKIN | change)
    assert problem(response) == (422, "validation_error", field)


@pytest.mark.parametrize("field", ["summary", "health", "percent_complete"])
async def test_checkin_without_required_field_is_422(
    client: httpx.AsyncClient, session: AsyncSession, field: str
) -> None:
    initiative = await make_initiative(session)
    body = {k: v for k, v in CHECKIN.items() if k != field}
    response = await client.post(f"{API}/{initiative.id}/updates", json=body)
    assert problem(response) == (422, "validation_error", field)


async def test_unknown_author_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    response = await client.post(
        f"{API}/{initiative.id}/updates", json=CHECKIN | {"author_id": 987654}
    )
    assert problem(response) == (422, "unknown_reference", "author_id")


@pytest.mark.parametrize("status", ["done", "stopped"])
async def test_closed_initiative_takes_no_checkin(
    client: httpx.AsyncClient, session: AsyncSession, status: str
) -> None:
    initiative = await make_initiative(session, status=status, lessons_learned="Learned.")
    response = await client.post(f"{API}/{initiative.id}/updates", json=CHECKIN)
    assert problem(response) == (409, "initiative_closed", None)


@pytest.mark.parametrize("status", ["proposed", "approved", "in_progress", "on_hold"])
async def test_open_initiative_takes_checkins(
    client: httpx.AsyncClient, session: AsyncSession, status: str
) -> None:
    initiative = await make_initiative(session, status=status)
    response = await client.post(f"{API}/{initiative.id}/updates", json=CHECKIN)
    assert response.status_code == 201


async def test_checkin_on_missing_initiative_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(f"{API}/987654/updates", json=CHECKIN)
    assert problem(response) == (404, "initiative_not_found", None)
    assert problem(await client.get(f"{API}/987654/updates")) == (
        404,
        "initiative_not_found",
        None,
    )


async def test_checkins_are_append_only(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    update = await make_update(session, initiative)
    update_id = update.id
    await session.commit()  # keep the rows when the refused requests roll back
    base = f"{API}/{initiative.id}/updates"
    assert problem(await client.delete(base)) == (405, "method_not_allowed", None)
    assert problem(await client.patch(f"{base}/{update_id}", json={})) == (404, "not_found", None)
    assert problem(await client.delete(f"{base}/{update_id}")) == (404, "not_found", None)


async def test_list_newest_first_across_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    other = await make_initiative(session)
    await make_update(session, other, reported_on=date(2026, 12, 1))
    oct1 = await make_update(session, initiative, reported_on=date(2026, 10, 1))
    nov1 = await make_update(session, initiative, reported_on=date(2026, 11, 1))
    sep1 = await make_update(session, initiative, reported_on=date(2026, 9, 1))
    oct1b = await make_update(session, initiative, reported_on=date(2026, 10, 1))
    oct1c = await make_update(session, initiative, reported_on=date(2026, 10, 1))
    expected = [nov1.id, oct1c.id, oct1b.id, oct1.id, sep1.id]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await client.get(f"{API}/{initiative.id}/updates", params=params)
        assert response.status_code == 200
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    everything = (await client.get(f"{API}/{initiative.id}/updates")).json()
    assert [item["id"] for item in everything["items"]] == expected


async def test_list_updated_since(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    await make_update(session, initiative, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    recent = await make_update(session, initiative, created_at=datetime(2026, 7, 1, tzinfo=UTC))
    response = await client.get(
        f"{API}/{initiative.id}/updates", params={"updated_since": "2026-06-01T00:00:00Z"}
    )
    assert [item["id"] for item in response.json()["items"]] == [recent.id]


async def test_list_bad_cursor_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    response = await client.get(f"{API}/{initiative.id}/updates", params={"cursor": "nope"})
    assert problem(response) == (422, "validation_error", "cursor")
