"""A small company for the irritant tests: HR and IT, the CDO office, the heads, an
employee and ten colleagues (contributors with a person each), a viewer without a person,
a BI reader, and an IT initiative in progress."""

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    make_account,
    make_department,
    make_initiative,
    make_person,
    make_token,
)
from tests.pages.conftest import cdo, sign_in, viewer, world  # noqa: F401 (fixtures)

API = "/api/v1"
COLLEAGUES = [f"colleague{n}" for n in range(1, 11)]


@dataclass
class Company:
    """Ids of the rows the tests act on, and the credentials of each actor."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def auth(self, actor: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[actor]}"}


async def _account(
    session: AsyncSession, company: Company, name: str, role: str, **kw: Any
) -> None:
    account = await make_account(session, role, **kw)
    company.accounts[name] = account.id
    company.tokens[name] = await make_token(session, account)


@pytest.fixture
async def company(session: AsyncSession) -> Company:
    """HR (head with a person) and IT (head); `fix` is IT's in-progress internal initiative,
    `later` an IT proposal."""
    company = Company()
    hr = await make_department(session, code="hr", name="HR")
    it = await make_department(session, code="it", name="IT")
    owner = await make_person(session, department_id=it.id, name="IT owner")
    fix = await make_initiative(
        session,
        department_id=it.id,
        owner_id=owner.id,
        orientation="internal",
        status="in_progress",
    )
    later = await make_initiative(
        session,
        department_id=it.id,
        owner_id=owner.id,
        orientation="internal",
        status="proposed",
    )
    company.ids = {"hr": hr.id, "it": it.id, "fix": fix.id, "later": later.id}  # type: ignore[dict-item]
    company.codes = {"fix": fix.code, "later": later.code}
    await _account(session, company, "cdo", "cdo_office")
    hr_head = await make_person(session, department_id=hr.id, name="HR head")
    await _account(
        session, company, "hr_head", "department_head", department_id=hr.id, person_id=hr_head.id
    )
    await _account(session, company, "it_head", "department_head", department_id=it.id)
    for name in ["employee", *COLLEAGUES]:
        person = await make_person(session, department_id=hr.id, name=name.title())
        await _account(session, company, name, "contributor", person_id=person.id)
    await _account(session, company, "viewer", "viewer")
    staff = await make_person(session, department_id=hr.id, name="Reader with a desk")
    await _account(session, company, "staff_viewer", "viewer", person_id=staff.id)
    await _account(session, company, "bi", "bi_reader")
    await session.commit()  # keep the company when a refused request rolls back
    return company


async def raise_one(
    http: httpx.AsyncClient, company: Company, actor: str = "employee", **fields: Any
) -> dict[str, Any]:
    body = {"title": "Expense claims are re-keyed three times", "department_id": company.ids["hr"]}
    response = await http.post(f"{API}/irritants", json=body | fields, headers=company.auth(actor))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def patch(
    http: httpx.AsyncClient, company: Company, actor: str, irritant_id: int, body: dict[str, Any]
) -> httpx.Response:
    """PATCH the irritant as `actor`, at its current version."""
    url = f"{API}/irritants/{irritant_id}"
    current = await http.get(url, headers=company.auth(actor))
    headers = company.auth(actor) | {"If-Match": current.headers["etag"]}
    return await http.patch(url, json=body, headers=headers)
