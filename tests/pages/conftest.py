"""Page tests: a small company, accounts of every role, and signed-in HTTP clients."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth import sessions
from tests.auth.helpers import signed_in as new_session
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_account,
    make_department,
    make_initiative,
    make_kpi,
    make_measurement,
    make_person,
    make_update,
)

TODAY = date.today()


@dataclass(frozen=True)
class Ref:
    """A row's id, kept apart from the ORM object (a failed request expires those)."""

    id: int


@dataclass(frozen=True)
class World:
    """A small company: marketing and IT with work, HR left dark."""

    marketing: Ref
    it: Ref
    hr: Ref
    cdo: Ref
    cmo: Ref
    cio: Ref
    dev: Ref
    shop: Ref  # client-facing, marketing, with two check-ins
    erp: Ref  # internal, IT, enables the shop
    idea: Ref  # proposed, marketing, technology push
    nps: Ref  # shared by marketing and IT


@pytest.fixture
async def world(session: AsyncSession) -> World:
    marketing = await make_department(session, code="marketing", name="Marketing")
    it = await make_department(session, code="it", name="Information Technology")
    hr = await make_department(session, code="hr", name="Human Resources")
    cdo = await make_person(
        session, name="Samuel Okafor", title="Chief Digital Officer", department_id=None
    )
    cmo = await make_person(
        session, name="Julien Roche", title="CMO", department_id=marketing.id, manager_id=cdo.id
    )
    cio = await make_person(
        session, name="Marta Kowalski", title="CIO", department_id=it.id, manager_id=cdo.id
    )
    dev = await make_person(
        session, name="Anna Novak", title="Web Lead", department_id=it.id, manager_id=cio.id
    )
    marketing.head_id, it.head_id = cmo.id, cio.id
    shop = await make_initiative(
        session,
        code="INI-001",
        title="Web shop redesign",
        orientation="client_facing",
        department_id=marketing.id,
        owner_id=cmo.id,
        budget_planned=Decimal("300.00"),
        target_users="Online shoppers",
    )
    erp = await make_initiative(
        session,
        code="INI-002",
        title="Stock data in the ERP",
        orientation="internal",
        department_id=it.id,
        owner_id=dev.id,
        budget_planned=Decimal("100.00"),
    )
    idea = await make_initiative(
        session,
        code="INI-003",
        title="Chatbot pilot",
        status="proposed",
        orientation="client_facing",
        origin="technology",
        user_need="",
        department_id=marketing.id,
        owner_id=cmo.id,
    )
    await link_initiatives(session, erp, shop)
    nps = await make_kpi(
        session, code="NPS", name="Net Promoter Score", department_ids=[marketing.id, it.id]
    )
    await link_kpi(session, shop, nps, "0.6")
    await make_measurement(session, nps, TODAY - timedelta(days=50), "12")
    await make_measurement(session, nps, TODAY - timedelta(days=20), "14")
    await make_update(
        session,
        shop,
        reported_on=TODAY - timedelta(days=40),
        percent_complete=30,
        health="amber",
        summary="Design done.",
        blockers="Vendor late.",
    )
    await make_update(
        session,
        shop,
        reported_on=TODAY - timedelta(days=10),
        percent_complete=45,
        health="green",
        spent_to_date=Decimal("120.00"),
        summary="Checkout rebuilt.",
        next_steps="Pilot in two stores.",
    )
    # Released (not committed: the test still rolls back), so a request that fails and
    # rolls back its own work keeps the company.
    await session.commit()
    rows = (marketing, it, hr, cdo, cmo, cio, dev, shop, erp, idea, nps)
    return World(*(Ref(int(row.id)) for row in rows))


@dataclass
class Browser:
    """An HTTP client signed in as one account, with the CSRF token of its forms."""

    http: httpx.AsyncClient
    account: Any
    csrf: str

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def post(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """Post a form with this session's CSRF token."""
        return await self.http.post(url, data={"csrf_token": self.csrf} | (data or {}))


SignIn = Callable[..., Awaitable[Browser]]


@pytest.fixture
async def sign_in(secured_app: Any, session: AsyncSession) -> AsyncIterator[SignIn]:
    """Sign in as a new account of `role` (fields: department_id, person_id)."""
    clients: list[httpx.AsyncClient] = []

    async def signed_in(role: str, **fields: Any) -> Browser:
        account = await make_account(session, role=role, **fields)
        cookie, csrf = await new_session(session, secured_app, account.id)
        await session.commit()
        transport = httpx.ASGITransport(app=secured_app, raise_app_exceptions=False)
        http = httpx.AsyncClient(transport=transport, base_url="http://test")
        http.cookies.set(sessions.SESSION_COOKIE, cookie)
        clients.append(http)
        return Browser(http, account, csrf)

    yield signed_in
    for http in clients:
        await http.aclose()


@pytest.fixture
async def cdo(sign_in: SignIn, world: World) -> Browser:
    return await sign_in("cdo_office", person_id=world.cdo.id)


@pytest.fixture
async def head(sign_in: SignIn, world: World) -> Browser:
    """The head of marketing."""
    return await sign_in(
        "department_head", department_id=world.marketing.id, person_id=world.cmo.id
    )


@pytest.fixture
async def viewer(sign_in: SignIn, world: World) -> Browser:
    return await sign_in("viewer")


async def grow(session: AsyncSession, world: World, n: int) -> None:
    """Add `n` initiatives (both orientations, with check-ins, KPIs and links) and a KPI."""
    kpi = await make_kpi(session, department_ids=[world.it.id])
    await make_measurement(session, kpi, TODAY - timedelta(days=5), "3")
    previous = None
    for index in range(n):
        orientation = "client_facing" if index % 2 else "internal"
        department = world.marketing if index % 2 else world.it
        initiative = await make_initiative(
            session, orientation=orientation, department_id=department.id, owner_id=world.dev.id
        )
        await make_update(session, initiative, reported_on=TODAY - timedelta(days=index))
        await link_kpi(session, initiative, kpi if index % 3 else world.nps)
        if previous is not None:
            await link_initiatives(session, previous, initiative)
        previous = initiative
    await session.commit()
