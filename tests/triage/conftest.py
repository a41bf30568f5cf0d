"""A hand-built portfolio for the triage tests: five flagged initiatives in operations whose
stakes, ages and severities order them, with each actor's token."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema import FlagTriage
from service.portfolio.payloads import FlagCode
from tests.factories import (
    link_kpi,
    make_account,
    make_department,
    make_initiative,
    make_kpi,
    make_person,
    make_token,
    make_update,
)

API = "/api/v1"
TODAY = date(2026, 12, 1)
# The codes the tests look at: the others stay out of the way.
CODES = [FlagCode.NO_KPI, FlagCode.OWNER_INACTIVE]


@dataclass
class Portfolio:
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)

    def auth(self, actor: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[actor]}"}

    def url(self, name: str, action: str, code: str = "NO_KPI") -> str:
        return f"{API}/flags/{code}/initiative/{self.ids[name]}/{action}"


async def _seen(session: AsyncSession, initiative_id: int, code: FlagCode, days: int) -> None:
    """The flag was first seen `days` before TODAY."""
    seen = datetime(2026, 12, 1, 12, tzinfo=UTC) - timedelta(days=days)
    row = FlagTriage(
        code=code.value, entity_type="initiative", entity_id=initiative_id, first_seen_at=seen
    )
    session.add(row)
    await session.flush()


@pytest.fixture
async def portfolio(session: AsyncSession) -> Portfolio:
    """Operations (head: Hana) runs, in progress and owned by Olga unless said:
    - `big_spend`: budget 300 but 800 spent, no KPI (NO_KPI, stakes 800);
    - `big_budget`: budget 500, no KPI (NO_KPI, stakes 500);
    - `old`: budget 300, no KPI, first seen 10 days ago;
    - `orphan`: budget 300, with a KPI, owner Ivan inactive (OWNER_INACTIVE, high), 2 days;
    - `recent`: budget 300, no KPI, first seen 2 days ago.
    """
    company = Portfolio()
    ops = await make_department(session, code="ops", name="Operations")
    other = await make_department(session, code="sales", name="Sales")
    hana = await make_person(session, department_id=ops.id, name="Hana")
    ops.head_id = hana.id
    owner = await make_person(session, department_id=ops.id, name="Olga")
    gone = await make_person(session, department_id=ops.id, name="Ivan", is_active=False)
    helper = await make_person(session, department_id=ops.id, name="Pia")
    await make_person(session, department_id=ops.id, name="Retired", is_active=False)
    kpi = await make_kpi(session, department_ids=[ops.id, other.id])
    common: dict[str, Any] = {"department_id": ops.id, "owner_id": owner.id}
    budgets = {"big_spend": "300", "big_budget": "500", "old": "300", "recent": "300"}
    for name, budget in budgets.items():
        row = await make_initiative(session, budget_planned=Decimal(budget), **common)
        company.ids[name] = row.id
    orphan = await make_initiative(
        session, budget_planned=Decimal("300"), department_id=ops.id, owner_id=gone.id
    )
    await link_kpi(session, orphan, kpi)
    company.ids["orphan"] = orphan.id
    big_spend = await session.get(type(orphan), company.ids["big_spend"])
    assert big_spend is not None
    await make_update(session, big_spend, spent_to_date=Decimal("800.00"), reported_on=TODAY)
    await _seen(session, company.ids["old"], FlagCode.NO_KPI, 10)
    await _seen(session, company.ids["orphan"], FlagCode.OWNER_INACTIVE, 2)
    await _seen(session, company.ids["recent"], FlagCode.NO_KPI, 2)
    company.ids |= {"ops": ops.id, "head": hana.id, "owner": owner.id, "helper": helper.id}
    company.ids["gone"] = gone.id
    for name, role, extra in (
        ("cdo", "cdo_office", {}),
        ("head", "department_head", {"department_id": ops.id, "person_id": hana.id}),
        ("other_head", "department_head", {"department_id": other.id}),
        ("owner", "contributor", {"person_id": owner.id}),
        ("helper", "contributor", {"person_id": helper.id}),
        ("bi", "bi_reader", {}),
    ):
        account = await make_account(session, role, **extra)
        company.accounts[name] = account.id
        company.tokens[name] = await make_token(session, account)
    await session.flush()
    return company


# The pages' company and signed-in browsers, for the page tests of triage.
from tests.pages.conftest import cdo, head, sign_in, viewer, world  # noqa: E402, F401
