"""The demo company's irritants (service/demo/data/irritants.csv), raised, voted for and
linked through the same services as the pages.

Each row is raised by its `raised_by_email` and voted for by the next `votes - 1` voters
(the raiser's vote counts); `initiative_codes` are linked by the CDO office, so a done
initiative leaves its irritants `addressed`. The voters are the demo's employees who will
never get a demo login (no department head, no initiative owner or sponsor, someone with a
manager): each gets a contributor account without a password (they sign in with single
sign-on, if at all), so the demo logins created later never meet an account of theirs.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Account, Department, Initiative, Irritant, Person
from schema.enums import Role
from service.actor import SYSTEM, Actor
from service.auth import accounts
from service.auth.payloads import AccountCreate
from service.demo import dataset
from service.irritants import links, service
from service.irritants.payloads import IrritantCreate

SHEET = "irritants"


async def seed_irritants(session: AsyncSession) -> int:
    """Raise the demo's irritants with their votes and links, once; how many were raised."""
    if await session.scalar(sa.select(sa.func.count()).select_from(Irritant)):
        return 0
    rows = dataset.rows(SHEET)
    voters = await _voters(session)
    if not voters:
        return 0
    by_email = {actor.label: actor for actor in voters}
    departments = await _ids(session, col(Department.code), col(Department.id))
    initiatives = await _ids(session, col(Initiative.code), col(Initiative.id))
    raised = 0
    for row in rows:
        raiser = by_email.get(row["raised_by_email"])
        department_id = departments.get(row["department_code"])
        if raiser is None or department_id is None:
            continue
        data = IrritantCreate(
            title=row["title"],
            department_id=department_id,
            description=row["description"],
            process=row["process"],
            severity=row["severity"],
        )
        irritant = await service.raise_irritant(session, raiser, data)
        for voter in _others(voters, raiser, int(row["votes"]) - 1):
            await service.vote(session, voter, irritant.id)
        for code in filter(None, row["initiative_codes"].split("|")):
            if code in initiatives:
                await links.link(session, SYSTEM, initiatives[code], irritant.id)
        raised += 1
    return raised


async def _ids(session: AsyncSession, key: Any, id_column: Any) -> dict[str, int]:
    """Ids by natural key."""
    return {k: int(i) for k, i in (await session.execute(sa.select(key, id_column))).all()}


def _others(voters: Sequence[Actor], raiser: Actor, n: int) -> list[Actor]:
    """The `n` voters after the raiser, in turn."""
    start = voters.index(raiser)
    turn = [voters[(start + k) % len(voters)] for k in range(1, len(voters))]
    return turn[: max(n, 0)]


async def _voters(session: AsyncSession) -> list[Actor]:
    """An account (contributor, no password) for each employee who gets no demo login."""
    heads = sa.select(col(Department.head_id)).where(col(Department.head_id).is_not(None))
    owners = sa.select(col(Initiative.owner_id))
    sponsors = sa.select(col(Initiative.sponsor_id)).where(col(Initiative.sponsor_id).is_not(None))
    people = (
        await session.execute(
            sa.select(col(Person.id), col(Person.email), col(Person.department_id))
            .where(
                col(Person.is_active),
                col(Person.manager_id).is_not(None),
                col(Person.id).not_in(heads),
                col(Person.id).not_in(owners),
                col(Person.id).not_in(sponsors),
                ~col(Person.title).ilike("%digital officer%"),
            )
            .order_by(col(Person.id))
        )
    ).all()
    if not people:
        return []
    for person_id, email, _ in people:
        if await accounts.get_account_by_email(session, email) is None:
            data = AccountCreate(email=email, role=Role.contributor, person_id=person_id)
            await accounts.create_account(session, SYSTEM, data)
    ids = dict(
        (
            await session.execute(
                sa.select(col(Account.email), col(Account.id)).where(
                    col(Account.email).in_([email for _, email, _ in people])
                )
            )
        ).all()
    )
    return [
        Actor(ids[email], Role.contributor, department_id=None, person_id=pid, label=email)
        for pid, email, _ in people
        if email in ids
    ]
