"""REST: /api/v1/initiatives/{id}/updates (check-ins)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, ProgressUpdate
from service.deps import current_actor
from tests.auth.helpers import bearer
from tests.factories import make_account, make_initiative, make_person, make_token, make_update
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
    created = response.json()
    assert (created["initiative_id"], created["percent_complete"], created["health"]) == (
        initiative.id,
        30,
        "amber",
    )
    fetched = (await client.get(f"{API}/{initiative.id}")).json()
    assert (fetched["status"], fetched["health"], fetched["percent_complete"]) == (
        status,
        "amber",
        30,
    )


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


# The author is the signed-in person; only the CDO office records for someone else.


async def _checkin_events(session: AsyncSession, initiative_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(AuditEvent.after)
        .where(AuditEvent.entity_type == "progress_update", AuditEvent.parent_id == initiative_id)
        .order_by(AuditEvent.id)
    )
    return [after or {} for after in (await session.scalars(stmt)).all()]


@pytest.mark.parametrize("role", ["contributor", "department_head"])
async def test_only_the_cdo_office_names_another_author(
    anon: httpx.AsyncClient, session: AsyncSession, secured_app: Any, role: str
) -> None:
    secured_app.dependency_overrides.pop(current_actor)  # the token's account acts
    owner = await make_person(session)
    colleague = await make_person(session, department_id=owner.department_id)
    initiative = await make_initiative(
        session, department_id=owner.department_id, owner_id=owner.id
    )
    account = await make_account(
        session, role, person_id=owner.id, department_id=owner.department_id
    )
    auth = bearer(await make_token(session, account))
    ids = {"owner": owner.id, "colleague": colleague.id, "initiative": initiative.id}
    label = account.email
    await session.commit()  # keep the setup when the refused request rolls back
    at = f"{API}/{ids['initiative']}/updates"
    refused = await anon.post(at, json=CHECKIN | {"author_id": ids["colleague"]}, headers=auth)
    assert problem(refused) == (403, "author_not_allowed", "author_id")
    assert refused.json()["detail"] == (
        f"{label} ({role}) records check-ins as themselves only; "
        "only the CDO office records one on behalf of someone else."
    )
    count = select(func.count()).where(ProgressUpdate.initiative_id == ids["initiative"])
    assert await session.scalar(count) == 0
    own = await anon.post(at, json=CHECKIN | {"author_id": ids["owner"]}, headers=auth)
    implied = await anon.post(at, json=CHECKIN | {"summary": "Again."}, headers=auth)
    assert [r.json()["author_id"] for r in (own, implied)] == [ids["owner"], ids["owner"]]
    events = await _checkin_events(session, ids["initiative"])
    assert [("on_behalf_of" in e, e["author_id"]) for e in events] == [
        (False, ids["owner"]),
        (False, ids["owner"]),
    ]


async def test_the_cdo_office_records_on_behalf_and_the_audit_says_so(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session)
    author = await make_person(session)
    response = await client.post(
        f"{API}/{initiative.id}/updates", json=CHECKIN | {"author_id": author.id}
    )
    assert (response.status_code, response.json()["author_id"]) == (201, author.id)
    (event,) = await _checkin_events(session, initiative.id or 0)
    assert (event["id"], event["author_id"], event["on_behalf_of"]) == (
        response.json()["id"],
        author.id,
        author.id,
    )


# One natural key, as in the import: (initiative, reported_on, summary).


async def test_a_second_checkin_with_the_same_natural_key_is_409(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, code="INI-0777")
    initiative_id = initiative.id
    await session.commit()  # keep the setup when the refused request rolls back
    at = f"{API}/{initiative_id}/updates"
    body = CHECKIN | {"reported_on": "2026-11-02"}
    first = await client.post(at, json=body)
    assert first.status_code == 201
    again = await client.post(at, json=body | {"percent_complete": 35})
    assert problem(again) == (409, "duplicate_check_in", "summary")
    assert again.json()["detail"] == (
        f"Initiative INI-0777 already has check-in {first.json()['id']} reported on "
        "2026-11-02 with the same summary."
    )
    next_day = await client.post(at, json=body | {"reported_on": "2026-11-03"})
    other_summary = await client.post(at, json=body | {"summary": "Vendor back on track."})
    assert (next_day.status_code, other_summary.status_code) == (201, 201)
    listed = (await client.get(at)).json()["items"]
    assert [(c["reported_on"], c["percent_complete"]) for c in listed] == [
        ("2026-11-03", 30),
        ("2026-11-02", 30),
        ("2026-11-02", 30),
    ]


async def test_the_database_holds_the_natural_key(session: AsyncSession) -> None:
    initiative = await make_initiative(session)
    long_summary = "Long. " * 600  # 3,600 characters: more than an index entry holds
    await make_update(session, initiative, reported_on=date(2026, 11, 2), summary=long_summary)
    with pytest.raises(IntegrityError) as raised:
        await make_update(session, initiative, reported_on=date(2026, 11, 2), summary=long_summary)
    assert "uq_progress_update_natural_key" in str(raised.value)
