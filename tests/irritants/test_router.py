"""REST: raising, voting, closing and reopening irritants, linking the initiatives that
address them, and the list by votes or recency."""

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Initiative
from tests.irritants.conftest import API, COLLEAGUES, Company, patch, raise_one


async def _vote(
    http: httpx.AsyncClient, company: Company, actor: str, irritant_id: int
) -> httpx.Response:
    return await http.post(f"{API}/irritants/{irritant_id}/votes", headers=company.auth(actor))


async def _get(http: httpx.AsyncClient, company: Company, irritant_id: int) -> dict[str, object]:
    response = await http.get(f"{API}/irritants/{irritant_id}", headers=company.auth("cdo"))
    return dict(response.json())


# --- raising ----------------------------------------------------------------------------


async def test_an_employee_raises_an_irritant_and_their_vote_counts(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    raised = await raise_one(anon, company, process="expense claims", severity="high")
    assert {
        k: raised[k]
        for k in (
            "status",
            "votes",
            "initiative_ids",
            "raised_by",
            "process",
            "severity",
            "department_id",
        )
    } == {
        "status": "open",
        "votes": 1,
        "initiative_ids": [],
        "raised_by": company.accounts["employee"],
        "process": "expense claims",
        "severity": "high",
        "department_id": company.ids["hr"],
    }
    events = (
        await session.execute(
            sa.select(AuditEvent.action, AuditEvent.entity_type, AuditEvent.actor_account_id)
            .where(
                sa.or_(AuditEvent.entity_id == raised["id"], AuditEvent.parent_id == raised["id"])
            )
            .where(AuditEvent.entity_type.in_(["irritant", "irritant_vote"]))
            .order_by(AuditEvent.id)
        )
    ).all()
    employee = company.accounts["employee"]
    assert [tuple(e) for e in events] == [
        ("create", "irritant", employee),
        ("vote", "irritant_vote", employee),
    ]


async def test_read_only_accounts_without_a_person_may_not_raise_or_vote(
    anon: httpx.AsyncClient, company: Company
) -> None:
    body = {"title": "Slow laptops", "department_id": company.ids["hr"]}
    for actor in ("viewer", "bi"):
        refused = await anon.post(f"{API}/irritants", json=body, headers=company.auth(actor))
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden"), (
            actor,
            refused.text,
        )
    staff = await anon.post(f"{API}/irritants", json=body, headers=company.auth("staff_viewer"))
    assert (staff.status_code, staff.json()["votes"]) == (201, 1)
    refused = await _vote(anon, company, "viewer", staff.json()["id"])
    assert refused.status_code == 403


async def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    anon: httpx.AsyncClient, company: Company
) -> None:
    auth = company.auth("employee")
    blank = await anon.post(
        f"{API}/irritants", json={"title": "  ", "department_id": company.ids["hr"]}, headers=auth
    )
    assert blank.status_code == 422
    assert blank.headers["content-type"].startswith("application/problem+json")
    unknown = await anon.post(
        f"{API}/irritants", json={"title": "Slow", "department_id": 999999}, headers=auth
    )
    assert (unknown.status_code, unknown.json()["field"]) == (422, "department_id")
    too_long = await anon.post(
        f"{API}/irritants",
        json={"title": "x" * 301, "department_id": company.ids["hr"]},
        headers=auth,
    )
    assert too_long.status_code == 422
    listed = await anon.get(f"{API}/irritants", headers=auth)
    assert listed.json()["items"] == []
    bad_cursor = await anon.get(f"{API}/irritants?cursor=abc", headers=auth)
    assert (bad_cursor.status_code, bad_cursor.json()["field"]) == (422, "cursor")


# --- votes ------------------------------------------------------------------------------


async def test_ten_colleagues_vote_once_each_and_may_take_their_vote_back(
    anon: httpx.AsyncClient, company: Company
) -> None:
    raised = await raise_one(anon, company)
    for colleague in COLLEAGUES:
        assert (await _vote(anon, company, colleague, raised["id"])).status_code == 200
    again = await _vote(anon, company, "colleague1", raised["id"])
    assert again.json()["votes"] == 11
    mine = await _vote(anon, company, "employee", raised["id"])
    assert mine.json()["votes"] == 11
    url = f"{API}/irritants/{raised['id']}/votes"
    taken = await anon.delete(url, headers=company.auth("colleague2"))
    assert taken.status_code == 204
    twice = await anon.delete(url, headers=company.auth("colleague2"))
    assert twice.status_code == 204
    assert (await _get(anon, company, raised["id"]))["votes"] == 10


async def test_the_list_ranks_by_votes_or_recency_in_keyset_pages(
    anon: httpx.AsyncClient, company: Company
) -> None:
    first = await raise_one(anon, company, title="First")
    second = await raise_one(anon, company, title="Second", department_id=company.ids["it"])
    third = await raise_one(anon, company, title="Third")
    for colleague in COLLEAGUES[:3]:
        await _vote(anon, company, colleague, second["id"])
    await _vote(anon, company, "colleague9", first["id"])
    auth = company.auth("viewer")
    page = (await anon.get(f"{API}/irritants?limit=2", headers=auth)).json()
    assert [(i["title"], i["votes"]) for i in page["items"]] == [("Second", 4), ("First", 2)]
    rest = (
        await anon.get(f"{API}/irritants?limit=2&cursor={page['next_cursor']}", headers=auth)
    ).json()
    assert ([i["title"] for i in rest["items"]], rest["next_cursor"]) == (["Third"], None)
    recent = (await anon.get(f"{API}/irritants?sort=recent", headers=auth)).json()
    assert [i["id"] for i in recent["items"]] == [third["id"], second["id"], first["id"]]
    hr_only = (
        await anon.get(f"{API}/irritants?department_id={company.ids['hr']}", headers=auth)
    ).json()
    assert [i["title"] for i in hr_only["items"]] == ["First", "Third"]
    other_sort = await anon.get(
        f"{API}/irritants?sort=recent&limit=2&cursor={page['next_cursor']}", headers=auth
    )
    assert (other_sort.status_code, other_sort.json()["field"]) == (422, "cursor")


# --- closing and reopening ----------------------------------------------------------------


async def test_the_head_of_its_department_closes_and_reopens_with_a_reason(
    anon: httpx.AsyncClient, company: Company
) -> None:
    raised = await raise_one(anon, company)
    by_employee = await patch(
        anon, company, "employee", raised["id"], {"status": "closed", "reason": "x"}
    )
    assert by_employee.status_code == 403
    by_other_head = await patch(
        anon, company, "it_head", raised["id"], {"status": "closed", "reason": "x"}
    )
    assert by_other_head.status_code == 403
    no_reason = await patch(anon, company, "hr_head", raised["id"], {"status": "closed"})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    closed = await patch(
        anon, company, "hr_head", raised["id"], {"status": "closed", "reason": "Duplicate of #2"}
    )
    assert (closed.status_code, closed.json()["status"], closed.json()["status_reason"]) == (
        200,
        "closed",
        "Duplicate of #2",
    )
    refused = await _vote(anon, company, "colleague1", raised["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "irritant_closed")
    reopened = await patch(
        anon, company, "cdo", raised["id"], {"status": "open", "reason": "Not a duplicate"}
    )
    assert (reopened.json()["status"], reopened.json()["status_reason"]) == (
        "open",
        "Not a duplicate",
    )


async def test_the_raiser_rewords_their_own_irritant_only(
    anon: httpx.AsyncClient, company: Company
) -> None:
    raised = await raise_one(anon, company)
    reworded = await patch(anon, company, "employee", raised["id"], {"title": "Claims re-keyed"})
    assert (reworded.status_code, reworded.json()["title"]) == (200, "Claims re-keyed")
    moved = await patch(
        anon, company, "employee", raised["id"], {"department_id": company.ids["it"]}
    )
    assert moved.status_code == 403
    other = await patch(anon, company, "colleague1", raised["id"], {"title": "Mine now"})
    assert other.status_code == 403
    stale = await anon.patch(
        f"{API}/irritants/{raised['id']}",
        json={"title": "Late"},
        headers=company.auth("employee") | {"If-Match": '"1"'},
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "stale_version")


# --- linking initiatives ----------------------------------------------------------------


async def _set_status(session: AsyncSession, initiative_id: int, status: str) -> None:
    await session.execute(
        sa.update(Initiative).where(Initiative.id == initiative_id).values(status=status)  # type: ignore[arg-type]
    )


async def test_a_done_linked_initiative_addresses_it_and_unlinking_reopens_it(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    raised = await raise_one(anon, company)
    url = f"{API}/initiatives/{company.ids['fix']}/irritants/{raised['id']}"
    refused = await anon.put(url, headers=company.auth("hr_head"))
    assert refused.status_code == 403
    linked = await anon.put(url, headers=company.auth("it_head"))
    assert (linked.status_code, linked.json()["initiative_ids"], linked.json()["status"]) == (
        201,
        [company.ids["fix"]],
        "open",
    )
    assert (await anon.put(url, headers=company.auth("it_head"))).status_code == 200
    await _set_status(session, company.ids["fix"], "done")
    assert (await _get(anon, company, raised["id"]))["status"] == "addressed"
    closed = await patch(
        anon, company, "hr_head", raised["id"], {"status": "closed", "reason": "Done"}
    )
    assert closed.json()["status"] == "closed"
    reopened = await patch(
        anon, company, "hr_head", raised["id"], {"status": "open", "reason": "Back"}
    )
    assert reopened.json()["status"] == "addressed"
    assert (await anon.delete(url, headers=company.auth("it_head"))).status_code == 204
    after = await _get(anon, company, raised["id"])
    assert (after["status"], after["initiative_ids"]) == ("open", [])
    missing = await anon.delete(url, headers=company.auth("it_head"))
    assert (missing.status_code, missing.json()["code"]) == (404, "link_not_found")


async def test_an_initiative_leaving_done_reopens_it_but_a_closed_one_stays_closed(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    kept = await raise_one(anon, company, title="Kept")
    shut = await raise_one(anon, company, title="Shut")
    for irritant in (kept, shut):
        url = f"{API}/initiatives/{company.ids['fix']}/irritants/{irritant['id']}"
        await anon.put(url, headers=company.auth("cdo"))
    await _set_status(session, company.ids["fix"], "done")
    await patch(anon, company, "cdo", shut["id"], {"status": "closed", "reason": "Fixed"})
    await _set_status(session, company.ids["fix"], "in_progress")
    assert (await _get(anon, company, kept["id"]))["status"] == "open"
    assert (await _get(anon, company, shut["id"]))["status"] == "closed"
