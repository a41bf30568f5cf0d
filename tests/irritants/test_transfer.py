"""Export: the `irritants` sheet, votes as a count and the addressing initiatives by code;
the import reads it back (tests/transfer/test_irritants_sheet.py)."""

import csv
import io

import httpx

from tests.irritants.conftest import API, COLLEAGUES, Company, raise_one


async def test_the_irritants_sheet_exports_votes_as_a_count(
    anon: httpx.AsyncClient, company: Company
) -> None:
    raised = await raise_one(anon, company, title="Badge readers fail", process="access")
    for colleague in COLLEAGUES[:3]:
        await anon.post(f"{API}/irritants/{raised['id']}/votes", headers=company.auth(colleague))
    for name in ("fix", "later"):
        url = f"{API}/initiatives/{company.ids[name]}/irritants/{raised['id']}"
        await anon.put(url, headers=company.auth("cdo"))
    response = await anon.get(
        f"{API}/export",
        params={"format": "csv", "entity": "irritants"},
        headers=company.auth("cdo"),
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    codes = "|".join(sorted([company.codes["fix"], company.codes["later"]]))
    assert {k: row[k] for k in row if k != "raised_at"} == {
        "department_code": "hr",
        "title": "Badge readers fail",
        "description": "",
        "process": "access",
        "severity": "medium",
        "status": "open",
        "status_reason": "",
        "raised_by_email": row["raised_by_email"],
        "votes": "4",
        "initiative_codes": codes,
    }
    assert row["raised_by_email"].endswith("@example.com")
