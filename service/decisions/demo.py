"""The decision room of the demo company: pending change requests and proposals.

Created through the same services as a department head's edits, so every request is a
real one: the marketing head relabels INI-006 (client-facing, 1.6M) as internal and raises
INI-009's budget by half; the HR head asks to approve INI-003 (passes the gate) and the
marketing head INI-038 (client-facing with no live enabler: fails MISSING_ENABLER).
Run it after the demo company and its accounts are loaded.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, Department, Initiative, Person
from service.actor import Actor, Role
from service.initiatives import service as initiatives
from service.initiatives.payloads import InitiativeUpdate

# (story, initiative code, the head's change)
STORY: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("relabel", "INI-006", {"orientation": "internal"}),
    ("budget_jump", "INI-009", {"budget_planned": Decimal("1800000.00")}),
    ("proposal_passing", "INI-003", {"status": "approved"}),
    ("proposal_missing_enabler", "INI-038", {"status": "approved"}),
)


async def seed_decisions(session: AsyncSession, today: date) -> dict[str, int]:
    """Ask for the story's changes as the heads of the initiatives' departments; return
    the pending change request of each story (initiatives missing from the data are
    skipped). `today` is the demo's day (the requests are dated by the database)."""
    made: dict[str, int] = {}
    for story, code, change in STORY:
        found = await session.scalar(sa.select(Initiative).where(col(Initiative.code) == code))
        if found is None or found.id is None:
            continue
        head = await _head_of(session, found.department_id)
        edit = await initiatives.edit_initiative(
            session, head, found.id, InitiativeUpdate(**change)
        )
        if edit.change_request is not None and edit.change_request.id is not None:
            made[story] = edit.change_request.id
    return made


async def _head_of(session: AsyncSession, department_id: int) -> Actor:
    """The department head as an actor: their account when the demo accounts exist."""
    account = await session.scalar(
        sa.select(Account)
        .where(
            col(Account.role) == Role.department_head,
            col(Account.department_id) == department_id,
        )
        .order_by(col(Account.id))
        .limit(1)
    )
    if account is not None:
        return Actor(
            account.id,
            Role.department_head,
            department_id=department_id,
            person_id=account.person_id,
            label=account.email,
        )
    row = await session.execute(
        sa.select(col(Department.code), col(Person.id), col(Person.email))
        .outerjoin(Person, col(Person.id) == col(Department.head_id))
        .where(col(Department.id) == department_id)
    )
    code, person_id, email = row.one()
    label = email or f"head of {code}"
    return Actor(
        None, Role.department_head, department_id=department_id, person_id=person_id, label=label
    )
