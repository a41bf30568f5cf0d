"""`GET /portfolio/irritant-votes`: the share of open irritants' votes that active work
addresses, overall and per department, on a hand-built portfolio."""

from typing import Any

import httpx

from tests.irritants.conftest import API, COLLEAGUES, Company, patch, raise_one


async def _irritant(
    http: httpx.AsyncClient, company: Company, department: str, votes: int, link: str | None
) -> dict[str, Any]:
    raised = await raise_one(http, company, department_id=company.ids[department])
    for colleague in COLLEAGUES[: votes - 1]:
        await http.post(f"{API}/irritants/{raised['id']}/votes", headers=company.auth(colleague))
    if link is not None:
        url = f"{API}/initiatives/{company.ids[link]}/irritants/{raised['id']}"
        assert (await http.put(url, headers=company.auth("cdo"))).status_code == 201
    return raised


async def _coverage(http: httpx.AsyncClient, company: Company, query: str = "") -> Any:
    response = await http.get(
        f"{API}/portfolio/irritant-votes{query}", headers=company.auth("viewer")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_open_votes_addressed_by_active_work_overall_and_per_department(
    anon: httpx.AsyncClient, company: Company
) -> None:
    assert await _coverage(anon, company) == {
        "open_votes": 0,
        "addressed_votes": 0,
        "addressed_share": None,
        "departments": [],
    }
    await _irritant(anon, company, "hr", 4, "fix")  # in progress: addressed
    await _irritant(anon, company, "hr", 2, None)
    await _irritant(anon, company, "it", 3, "later")  # proposed: not active
    closed = await _irritant(anon, company, "it", 5, None)
    await patch(anon, company, "cdo", closed["id"], {"status": "closed", "reason": "Duplicate"})

    assert await _coverage(anon, company) == {
        "open_votes": 9,
        "addressed_votes": 4,
        "addressed_share": "0.4444",
        "departments": [
            {
                "department_code": "hr",
                "open_votes": 6,
                "addressed_votes": 4,
                "addressed_share": "0.6667",
            },
            {
                "department_code": "it",
                "open_votes": 3,
                "addressed_votes": 0,
                "addressed_share": "0.0000",
            },
        ],
    }
    # A what-if balance counting proposals counts them as addressing too.
    pipeline = await _coverage(
        anon, company, "?status=proposed&status=approved&status=in_progress&status=on_hold"
    )
    assert (pipeline["addressed_votes"], pipeline["addressed_share"]) == (7, "0.7778")
    hr = await _coverage(anon, company, "?department=hr")
    assert (hr["open_votes"], hr["addressed_share"], len(hr["departments"])) == (6, "0.6667", 1)
    unknown = await anon.get(
        f"{API}/portfolio/irritant-votes?department=nope", headers=company.auth("viewer")
    )
    assert (unknown.status_code, unknown.json()["field"]) == (422, "department")
