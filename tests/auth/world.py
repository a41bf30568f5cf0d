"""A small company for the authorization tests: two departments, their heads, an owner,
a contributor, a viewer and a BI reader, each with an API token."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import ApiToken, ChangeRequest, Scenario, WebhookDelivery, WebhookEndpoint, WebhookEvent
from service.auth import tokens
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_account,
    make_department,
    make_driver,
    make_initiative,
    make_kpi,
    make_person,
    make_token,
)

ACTORS = (
    "cdo",
    "head_own",
    "head_other",
    "owner",
    "contributor",
    "viewer",
    "bi_reader",
    "anonymous",
)
PASSWORD = "correct-horse-1"


@dataclass
class World:
    """Ids of the rows the matrix acts on; `own` is marketing, `other` is HR."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    spare_tokens: dict[str, int] = field(default_factory=dict)
    login_email: str = ""

    def headers(self, actor: str) -> dict[str, str]:
        """The credentials of `actor` (none for the anonymous one)."""
        if actor == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[actor]}"}


async def _account(
    session: AsyncSession, world: World, name: str, role: str, **fields: Any
) -> None:
    account = await make_account(session, role, **fields)
    world.accounts[name] = account.id
    world.tokens[name] = await make_token(session, account)
    spare = await make_token(session, account)
    row = await session.get(ApiToken, await _token_id(session, spare))
    assert row is not None
    world.spare_tokens[name] = row.id  # type: ignore[assignment]


async def _token_id(session: AsyncSession, plaintext: str) -> int:
    from sqlalchemy import select

    found = await session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == tokens.hash_token(plaintext))  # type: ignore[arg-type]
    )
    assert found is not None
    return int(found)


async def build_world(session: AsyncSession) -> World:
    """Create the company (flushed; the caller commits)."""
    world = World()
    marketing = await make_department(session, code="marketing", name="Marketing")
    hr = await make_department(session, code="hr", name="HR")
    spare_department = await make_department(session, code="spare", name="Spare")
    m_head = await make_person(session, department_id=marketing.id, name="Marketing head")
    h_head = await make_person(session, department_id=hr.id, name="HR head")
    owner = await make_person(session, department_id=marketing.id, name="Owner")
    other = await make_person(session, department_id=hr.id, name="Other")
    free = await make_person(session, department_id=hr.id, name="Free")
    own = await make_initiative(
        session, department_id=marketing.id, owner_id=owner.id, status="proposed"
    )
    own_second = await make_initiative(session, department_id=marketing.id, owner_id=owner.id)
    theirs = await make_initiative(session, department_id=hr.id, owner_id=other.id)
    kpi_own = await make_kpi(session, department_ids=[marketing.id])
    kpi_other = await make_kpi(session, department_ids=[hr.id])
    kpi_driver = await make_kpi(session, department_ids=[hr.id])
    kpi_free = await make_kpi(session, department_ids=[marketing.id])
    await link_kpi(session, own, kpi_own)
    link = await link_initiatives(session, own, own_second)
    await make_driver(session, kpi_driver, kpi_own)
    world.ids = {
        "marketing": marketing.id,
        "hr": hr.id,
        "spare_department": spare_department.id,
        "owner_person": owner.id,
        "free_person": free.id,
        "own": own.id,
        "own_second": own_second.id,
        "theirs": theirs.id,
        "link": link.id,
        "kpi_own": kpi_own.id,
        "kpi_other": kpi_other.id,
        "kpi_driver": kpi_driver.id,
        "kpi_free": kpi_free.id,
    }  # type: ignore[assignment]
    await _account(session, world, "cdo", "cdo_office")
    await _account(
        session,
        world,
        "head_own",
        "department_head",
        department_id=marketing.id,
        person_id=m_head.id,
    )
    await _account(
        session, world, "head_other", "department_head", department_id=hr.id, person_id=h_head.id
    )
    await _account(session, world, "owner", "contributor", person_id=owner.id)
    await _account(session, world, "contributor", "contributor", person_id=other.id)
    await _account(session, world, "viewer", "viewer")
    await _account(session, world, "bi_reader", "bi_reader")
    login = await make_account(session, "viewer", with_password=True)
    world.login_email = login.email
    request = ChangeRequest(
        initiative_id=own_second.id,
        requested_by=world.accounts["head_own"],
        changes={"orientation": {"from": "internal", "to": "client_facing"}},
    )
    session.add(request)
    await session.flush()
    world.ids["change_request"] = request.id  # type: ignore[assignment]
    scenario = Scenario(
        name="Trim the shop",
        moves=[{"initiative_id": own_second.id, "budget_planned": "50"}],
        created_by=world.accounts["head_own"],
    )
    session.add(scenario)
    await session.flush()
    world.ids["scenario"] = scenario.id  # type: ignore[assignment]
    world.ids["irritant"] = await _irritant(session, world, own_second.id)
    world.ids |= await _webhook(session)
    return world


async def _webhook(session: AsyncSession) -> dict[str, int]:
    """A webhook endpoint (inactive: nothing is sent) with one delivery to replay."""
    endpoint = WebhookEndpoint(
        url="http://127.0.0.1:9/hook",
        event_types=["initiative.created"],
        secret="whsec_" + "A" * 44,
        active=False,
    )
    session.add(endpoint)
    await session.flush()
    event = WebhookEvent(event_type="initiative.created", payload={"type": "initiative.created"})
    session.add(event)
    await session.flush()
    delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id=event.id, status="failed")
    session.add(delivery)
    await session.flush()
    return {"webhook": endpoint.id, "webhook_delivery": delivery.id}  # type: ignore[dict-item]


TODAY = date(2026, 11, 23)


async def _irritant(session: AsyncSession, world: World, addressed_by: int) -> int:
    """A marketing irritant raised by the owner (their vote counts), linked to `addressed_by`."""
    from schema import InitiativeIrritant, Irritant, IrritantVote

    irritant = Irritant(
        title="Slow laptops",
        department_id=world.ids["marketing"],
        raised_by=world.accounts["owner"],
    )
    session.add(irritant)
    await session.flush()
    assert irritant.id is not None
    session.add(IrritantVote(irritant_id=irritant.id, account_id=world.accounts["owner"]))
    session.add(InitiativeIrritant(initiative_id=addressed_by, irritant_id=irritant.id))
    await session.flush()
    return irritant.id
