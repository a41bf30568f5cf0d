"""REST: a department head's governed changes wait for the CDO office; the approval gate."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import AuditEvent, Initiative
from tests.decisions.conftest import API, Company, balance, patch
from tests.factories import link_initiatives, make_initiative


async def decide(
    http: httpx.AsyncClient, company: Company, request_id: int, body: dict[str, object]
) -> httpx.Response:
    url = f"{API}/change-requests/{request_id}/decision"
    return await http.post(url, json=body, headers=company.auth("cdo"))


async def initiative(http: httpx.AsyncClient, company: Company, name: str) -> dict[str, object]:
    url = f"{API}/initiatives/{company.ids[name]}"
    return dict((await http.get(url, headers=company.auth("cdo"))).json())


# --- a head's governed change is a change request until the CDO office approves ------


async def test_a_heads_relabel_changes_no_figure_until_the_cdo_office_approves(
    anon: httpx.AsyncClient, company: Company
) -> None:
    response = await patch(
        anon, company, "head", "promise", {"orientation": "internal", "title": "Renamed"}
    )
    assert response.status_code == 202
    held = response.json()
    assert response.headers["location"] == f"/api/v1/change-requests/{held['id']}"
    assert (held["status"], held["requested_by"], held["initiative_id"]) == (
        "pending",
        company.accounts["head"],
        company.ids["promise"],
    )
    assert held["changes"] == {
        "orientation": {"from": "client_facing", "to": "internal"},
        "client_share": {"from": "1.0000", "to": "0"},
    }
    now = await initiative(anon, company, "promise")
    assert (now["title"], now["orientation"]) == ("Renamed", "client_facing")
    assert await balance(anon, company) == "0.5"

    decided = await decide(anon, company, held["id"], {"decision": "approve", "comment": "OK"})
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decided_by"]) == (
        "approved",
        company.accounts["cdo"],
    )
    assert (await initiative(anon, company, "promise"))["orientation"] == "internal"
    assert await balance(anon, company) == "0.0"


async def test_a_heads_budget_jump_waits_and_a_raise_within_tolerance_applies(
    anon: httpx.AsyncClient, company: Company
) -> None:
    within = await patch(anon, company, "head", "promise", {"budget_planned": "1100"})
    assert (within.status_code, within.json()["budget_planned"]) == (200, "1100.00")
    jump = await patch(anon, company, "head", "promise", {"budget_planned": "9000"})
    assert jump.status_code == 202
    assert jump.json()["changes"] == {"budget_planned": {"from": "1100.00", "to": "9000"}}
    assert await balance(anon, company) == "0.5238"  # 1100 / 2100

    rejected = await decide(anon, company, jump.json()["id"], {"decision": "reject"})
    assert rejected.json()["status"] == "rejected"
    assert (await initiative(anon, company, "promise"))["budget_planned"] == "1100.00"
    assert await balance(anon, company) == "0.5238"


async def test_a_heads_self_approval_waits_for_the_cdo_office(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    proposal = await session.get(Initiative, company.ids["proposal"])
    enabler = await session.get(Initiative, company.ids["enabler"])
    await link_initiatives(session, enabler, proposal, "enables")  # type: ignore[arg-type]
    response = await patch(anon, company, "head", "proposal", {"status": "approved"})
    assert response.status_code == 202
    assert response.json()["changes"] == {"status": {"from": "proposed", "to": "approved"}}
    assert (await initiative(anon, company, "proposal"))["status"] == "proposed"
    assert await balance(anon, company) == "0.5"

    review = await anon.get(
        f"{API}/change-requests/{response.json()['id']}", headers=company.auth("cdo")
    )
    assert review.json()["checks"] == []
    decided = await decide(anon, company, response.json()["id"], {"decision": "approve"})
    assert decided.status_code == 200
    assert (await initiative(anon, company, "proposal"))["status"] == "approved"
    assert await balance(anon, company) == "0.6667"


async def test_a_head_creating_an_approved_initiative_is_refused(
    anon: httpx.AsyncClient, company: Company
) -> None:
    body = {
        "code": "INI-NEW",
        "title": "New",
        "orientation": "internal",
        "status": "approved",
        "department_id": company.ids["marketing"],
        "owner_id": company.ids["owner"],
    }
    response = await anon.post(f"{API}/initiatives", json=body, headers=company.auth("head"))
    assert (response.status_code, response.json()["code"]) == (403, "approval_reserved")
    assert "Create it as proposed" in response.json()["detail"]


# --- the approval gate --------------------------------------------------------------


async def test_approving_a_client_facing_proposal_without_a_live_enabler_names_the_check(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    refused = await patch(anon, company, "cdo", "proposal", {"status": "approved"})
    assert (refused.status_code, refused.json()["code"]) == (409, "approval_checks_failed")
    code = (await initiative(anon, company, "proposal"))["code"]
    assert refused.json()["checks"] == [
        {
            "code": "MISSING_ENABLER",
            "message": f"{code} is client-facing and no internal enabler that is approved, in"
            " progress, on hold or done stands behind it: link one (it `enables`"
            f" {code}, or {code} `depends_on` it).",
        }
    ]
    assert (await initiative(anon, company, "proposal"))["status"] == "proposed"

    reason = "Pilot with a partner's back office; our enabler starts next quarter."
    waiver = {"check": "MISSING_ENABLER", "reason": reason}
    approved = await patch(
        anon, company, "cdo", "proposal", {"status": "approved", "waivers": [waiver]}
    )
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    detail = await initiative(anon, company, "proposal")
    assert [(w["check"], w["reason"]) for w in detail["waivers"]] == [  # type: ignore[attr-defined]
        ("MISSING_ENABLER", reason)
    ]
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "approval_waiver"))
    ).all()
    assert [(e.action, e.parent_id, e.after["check"], e.after["reason"]) for e in events] == [  # type: ignore[index]
        ("waive", company.ids["proposal"], "MISSING_ENABLER", reason)
    ]


async def test_every_unmet_check_is_listed(
    anon: httpx.AsyncClient, session: AsyncSession, company: Company
) -> None:
    bare = await make_initiative(
        session,
        status="proposed",
        orientation="hybrid",
        user_need="",
        department_id=company.ids["marketing"],
        owner_id=company.ids["owner"],
    )
    company.ids["bare"] = bare.id  # type: ignore[assignment]
    refused = await patch(anon, company, "cdo", "bare", {"status": "approved"})
    assert [c["code"] for c in refused.json()["checks"]] == [
        "NO_USER_NEED",
        "NO_KPI",
        "MISSING_ENABLER",
    ]


async def test_a_waiver_of_a_passing_check_or_without_reason_is_refused(
    anon: httpx.AsyncClient, company: Company
) -> None:
    passing = {"check": "NO_KPI", "reason": "No KPI yet."}
    body = {"status": "approved", "waivers": [passing]}
    response = await patch(anon, company, "cdo", "proposal", body)
    assert (response.status_code, response.json()["field"]) == (422, "waivers.0.check")
    blank = {"status": "approved", "waivers": [{"check": "MISSING_ENABLER", "reason": "  "}]}
    response = await patch(anon, company, "cdo", "proposal", blank)
    assert response.status_code == 422
    assert "reason" in response.json()["field"]
    assert (await initiative(anon, company, "proposal"))["status"] == "proposed"


# --- deciding, staleness, withdrawal, who may -----------------------------------------


async def test_a_stale_change_request_is_refused(anon: httpx.AsyncClient, company: Company) -> None:
    held = (await patch(anon, company, "head", "promise", {"orientation": "internal"})).json()
    direct = await patch(anon, company, "cdo", "promise", {"orientation": "hybrid"})
    assert direct.status_code == 200
    response = await decide(anon, company, held["id"], {"decision": "approve"})
    assert (response.status_code, response.json()["code"]) == (409, "stale_change_request")
    assert (await initiative(anon, company, "promise"))["orientation"] == "hybrid"
    listed = await anon.get(f"{API}/change-requests/{held['id']}", headers=company.auth("cdo"))
    assert listed.json()["status"] == "pending"


async def test_the_requester_withdraws_a_pending_request_once(
    anon: httpx.AsyncClient, company: Company
) -> None:
    held = (
        await patch(anon, company, "head", "promise", {"owner_id": company.ids["other_owner"]})
    ).json()
    url = f"{API}/change-requests/{held['id']}"
    other = await anon.delete(url, headers=company.auth("hr_head"))
    assert (other.status_code, other.json()["code"]) == (403, "not_requester")
    withdrawn = await anon.delete(url, headers=company.auth("head"))
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    again = await anon.delete(url, headers=company.auth("head"))
    assert (again.status_code, again.json()["code"]) == (409, "change_request_closed")
    late = await decide(anon, company, held["id"], {"decision": "approve"})
    assert late.status_code == 409
    assert (await initiative(anon, company, "promise"))["owner_id"] == company.ids["owner"]


async def test_only_the_cdo_office_decides(anon: httpx.AsyncClient, company: Company) -> None:
    held = (await patch(anon, company, "head", "promise", {"orientation": "hybrid"})).json()
    url = f"{API}/change-requests/{held['id']}/decision"
    response = await anon.post(url, json={"decision": "approve"}, headers=company.auth("head"))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    waived = {"status": "approved", "waivers": [{"check": "MISSING_ENABLER", "reason": "x"}]}
    response = await patch(anon, company, "head", "proposal", waived)
    assert response.status_code == 403


async def test_the_list_pages_by_keyset_and_filters(
    anon: httpx.AsyncClient, company: Company
) -> None:
    first = (await patch(anon, company, "head", "promise", {"orientation": "hybrid"})).json()
    second = (await patch(anon, company, "head", "enabler", {"orientation": "hybrid"})).json()
    third = (await patch(anon, company, "head", "proposal", {"status": "approved"})).json()
    await decide(anon, company, second["id"], {"decision": "reject"})
    cdo = company.auth("cdo")
    page = (await anon.get(f"{API}/change-requests?limit=2", headers=cdo)).json()
    assert [r["id"] for r in page["items"]] == [first["id"], second["id"]]
    rest = await anon.get(
        f"{API}/change-requests?limit=2&cursor={page['next_cursor']}", headers=cdo
    )
    assert ([r["id"] for r in rest.json()["items"]], rest.json()["next_cursor"]) == (
        [third["id"]],
        None,
    )
    pending = (await anon.get(f"{API}/change-requests?status=pending", headers=cdo)).json()
    assert [r["id"] for r in pending["items"]] == [first["id"], third["id"]]
    mine = f"{API}/change-requests?initiative_id={company.ids['enabler']}"
    assert [r["id"] for r in (await anon.get(mine, headers=cdo)).json()["items"]] == [second["id"]]


async def test_approving_a_request_passes_the_gate_and_takes_waivers(
    anon: httpx.AsyncClient, company: Company
) -> None:
    held = (await patch(anon, company, "head", "proposal", {"status": "approved"})).json()
    review = await anon.get(f"{API}/change-requests/{held['id']}", headers=company.auth("cdo"))
    assert [c["code"] for c in review.json()["checks"]] == ["MISSING_ENABLER"]
    refused = await decide(anon, company, held["id"], {"decision": "approve"})
    assert (refused.status_code, refused.json()["code"]) == (409, "approval_checks_failed")
    waiver = {"check": "MISSING_ENABLER", "reason": "The partner runs the back office."}
    body = {"decision": "approve", "comment": "Pilot only.", "waivers": [waiver]}
    approved = await decide(anon, company, held["id"], body)
    assert (approved.status_code, approved.json()["comment"]) == (200, "Pilot only.")
    detail = await initiative(anon, company, "proposal")
    assert detail["status"] == "approved"
    assert [(w["check"], w["change_request_id"]) for w in detail["waivers"]] == [  # type: ignore[attr-defined]
        ("MISSING_ENABLER", held["id"])
    ]


async def test_the_budget_tolerance_is_a_portfolio_setting(
    anon: httpx.AsyncClient, company: Company
) -> None:
    url = f"{API}/settings/portfolio"
    current = await anon.get(url, headers=company.auth("cdo"))
    assert current.json()["budget_tolerance"] == 0.1
    headers = company.auth("cdo") | {"If-Match": current.headers["etag"]}
    changed = await anon.put(url, json={"budget_tolerance": "0.5"}, headers=headers)
    assert (changed.status_code, changed.json()["budget_tolerance"]) == (200, 0.5)
    within = await patch(anon, company, "head", "promise", {"budget_planned": "1500"})
    assert (within.status_code, within.json()["budget_planned"]) == (200, "1500.00")
    beyond = await patch(anon, company, "head", "promise", {"budget_planned": "2251"})
    assert beyond.status_code == 202
