"""IRRITANT_UNADDRESSED: an open irritant with at least N votes (setting, default 5) and no
active initiative linked. The issue's walk-through: an employee raises an irritant, ten
colleagues vote, the CDO office sees it flagged, links an initiative, and the flag clears."""

from typing import Any

import httpx

from tests.irritants.conftest import API, COLLEAGUES, Company, patch, raise_one

FLAG = "IRRITANT_UNADDRESSED"


async def _flags(http: httpx.AsyncClient, company: Company, **params: Any) -> dict[str, Any]:
    response = await http.get(
        f"{API}/portfolio/flags", params={"code": FLAG} | params, headers=company.auth("cdo")
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _votes(http: httpx.AsyncClient, company: Company, irritant_id: int, n: int) -> None:
    for colleague in COLLEAGUES[:n]:
        url = f"{API}/irritants/{irritant_id}/votes"
        assert (await http.post(url, headers=company.auth(colleague))).status_code == 200


async def test_ten_votes_flag_it_until_the_cdo_office_links_active_work(
    anon: httpx.AsyncClient, company: Company
) -> None:
    raised = await raise_one(anon, company, title="Expense claims re-keyed")
    assert (await _flags(anon, company))["counts"][FLAG] == 0
    await _votes(anon, company, raised["id"], 10)

    flagged = await _flags(anon, company)
    assert flagged["counts"][FLAG] == 1
    assert flagged["items"] == [
        {
            "code": FLAG,
            "severity": "medium",
            "entity_type": "irritant",
            "entity_id": raised["id"],
            "entity_code": f"IRR-{raised['id']}",
            "department_code": "hr",
            "message": f"IRR-{raised['id']} Expense claims re-keyed has 11 votes and no"
            " active initiative addresses it (flagged from 5 votes).",
            # No money rides on an irritant; HR has no head on record to name.
            "stakes": "0.00",
            "age_days": 0,
            "state": "to_act_on",
            "should_act": None,
            "assigned_to": None,
            "acknowledged_by": None,
            "acknowledged_at": None,
            "note": "",
            "snoozed_until": None,
        }
    ]
    assert (await _flags(anon, company, department="hr"))["counts"][FLAG] == 1
    assert (await _flags(anon, company, department="it"))["counts"][FLAG] == 0

    url = f"{API}/initiatives/{company.ids['fix']}/irritants/{raised['id']}"
    assert (await anon.put(url, headers=company.auth("cdo"))).status_code == 201
    cleared = await _flags(anon, company)
    assert (cleared["counts"][FLAG], cleared["items"]) == (0, [])


async def test_the_threshold_counts_the_raisers_vote_and_follows_the_setting(
    anon: httpx.AsyncClient, company: Company
) -> None:
    four = await raise_one(anon, company, title="Four")
    five = await raise_one(anon, company, title="Five")
    await _votes(anon, company, four["id"], 3)
    await _votes(anon, company, five["id"], 4)
    assert [f["entity_id"] for f in (await _flags(anon, company))["items"]] == [five["id"]]

    url = f"{API}/settings/portfolio"
    current = await anon.get(url, headers=company.auth("cdo"))
    assert current.json()["irritant_vote_threshold"] == 5
    headers = company.auth("cdo") | {"If-Match": current.headers["etag"]}
    changed = await anon.put(url, json={"irritant_vote_threshold": 4}, headers=headers)
    assert (changed.status_code, changed.json()["irritant_vote_threshold"]) == (200, 4)
    listed = (await _flags(anon, company))["items"]
    assert sorted(f["entity_id"] for f in listed) == sorted([four["id"], five["id"]])
    zero = await anon.put(
        url,
        json={"irritant_vote_threshold": 0},
        headers=company.auth("cdo") | {"If-Match": changed.headers["etag"]},
    )
    assert zero.status_code == 422


async def test_closed_irritants_and_work_still_proposed_do_not_count(
    anon: httpx.AsyncClient, company: Company
) -> None:
    proposed_only = await raise_one(anon, company, title="Proposed only")
    closed = await raise_one(anon, company, title="Closed")
    for irritant in (proposed_only, closed):
        await _votes(anon, company, irritant["id"], 6)
    url = f"{API}/initiatives/{company.ids['later']}/irritants/{proposed_only['id']}"
    assert (await anon.put(url, headers=company.auth("cdo"))).status_code == 201
    await patch(anon, company, "cdo", closed["id"], {"status": "closed", "reason": "Won't fix"})
    flagged = await _flags(anon, company)
    assert [f["entity_id"] for f in flagged["items"]] == [proposed_only["id"]]
