"""A small company for the decision tests: marketing with its head, the CDO office, and a
portfolio whose balance moves when a governed change applies."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    link_initiatives,
    link_kpi,
    make_account,
    make_department,
    make_initiative,
    make_kpi,
    make_person,
    make_token,
)

API = "/api/v1"


@dataclass
class Company:
    """Ids of the rows the tests act on, and the credentials of each actor."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)

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
    """Marketing runs `promise` (client-facing, approved, 1000) and `enabler` (internal,
    approved, 1000, enables `promise`); `proposal` is a proposed client-facing 1000 with a
    user need and a KPI but no enabler. Balance today: 0.5."""
    company = Company()
    marketing = await make_department(session, code="marketing", name="Marketing")
    hr = await make_department(session, code="hr", name="HR")
    head = await make_person(session, department_id=marketing.id, name="Marketing head")
    owner = await make_person(session, department_id=marketing.id, name="Owner")
    other_owner = await make_person(session, department_id=marketing.id, name="Other owner")
    kpi = await make_kpi(session, department_ids=[marketing.id, hr.id])
    common = {"department_id": marketing.id, "owner_id": owner.id}
    money = Decimal("1000.00")
    promise = await make_initiative(
        session, orientation="client_facing", status="approved", budget_planned=money, **common
    )
    enabler = await make_initiative(
        session, orientation="internal", status="approved", budget_planned=money, **common
    )
    proposal = await make_initiative(
        session, orientation="client_facing", status="proposed", budget_planned=money, **common
    )
    for initiative in (promise, enabler, proposal):
        await link_kpi(session, initiative, kpi)
    await link_initiatives(session, enabler, promise, "enables")
    company.ids = {
        "marketing": marketing.id,
        "hr": hr.id,
        "owner": owner.id,
        "other_owner": other_owner.id,
        "promise": promise.id,
        "enabler": enabler.id,
        "proposal": proposal.id,
        "kpi": kpi.id,
    }  # type: ignore[assignment]
    await _account(session, company, "cdo", "cdo_office")
    await _account(
        session, company, "head", "department_head", department_id=marketing.id, person_id=head.id
    )
    await _account(session, company, "hr_head", "department_head", department_id=hr.id)
    return company


async def patch(
    http: httpx.AsyncClient, company: Company, actor: str, name: str, body: dict[str, Any]
) -> httpx.Response:
    """PATCH the initiative `name` as `actor`, at its current version."""
    url = f"{API}/initiatives/{company.ids[name]}"
    current = await http.get(url, headers=company.auth(actor))
    headers = company.auth(actor) | {"If-Match": current.headers["etag"]}
    return await http.patch(url, json=body, headers=headers)


async def balance(http: httpx.AsyncClient, company: Company) -> str:
    """The portfolio's client-facing share, as the REST balance shows it."""
    response = await http.get(f"{API}/portfolio/balance", headers=company.auth("cdo"))
    return str(response.json()["client_share"])
