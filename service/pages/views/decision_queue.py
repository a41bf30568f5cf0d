"""The reads behind the decision pages: what waits for the CDO office, who asked, and the
names the requested changes refer to. A fixed number of statements per page."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from schema import Account, ChangeRequest, Department, Initiative, Person
from service.decisions import queue

# Decided one screen at a time, oldest first; more wait until these are decided.
QUEUE_LIMIT = 100

_OWNER = aliased(Person, name="owner")
_REQUESTER = aliased(Account, name="requester")
_REQUESTER_PERSON = aliased(Person, name="requester_person")


@dataclass(frozen=True)
class Waiting:
    """An initiative waiting for a decision, with its names; `request` when a change
    request carries the decision."""

    initiative: Initiative
    department_name: str
    owner_name: str
    request: ChangeRequest | None = None
    requested_by: str | None = None


def _named(*extra: Any) -> sa.Select[Any]:
    return (
        sa.select(Initiative, col(Department.name), col(_OWNER.name), *extra)
        .join(Department, col(Department.id) == col(Initiative.department_id))
        .join(_OWNER, col(_OWNER.id) == col(Initiative.owner_id))
    )


def _requester_label() -> Any:
    return sa.func.coalesce(col(_REQUESTER_PERSON.name), col(_REQUESTER.email))


async def waiting_proposals(session: AsyncSession) -> list[Waiting]:
    """Proposals no change request asks a decision for, oldest first (one statement)."""
    stmt = _named().where(queue.waiting_proposal()).order_by(col(Initiative.id)).limit(QUEUE_LIMIT)
    rows = (await session.execute(stmt)).all()
    return [Waiting(row[0], row[1], row[2]) for row in rows]


async def waiting_requests(session: AsyncSession) -> list[Waiting]:
    """Pending change requests with their initiatives, oldest first (one statement)."""
    stmt = (
        _named(ChangeRequest, _requester_label())
        .join(ChangeRequest, col(ChangeRequest.initiative_id) == col(Initiative.id))
        .outerjoin(_REQUESTER, col(_REQUESTER.id) == col(ChangeRequest.requested_by))
        .outerjoin(_REQUESTER_PERSON, col(_REQUESTER_PERSON.id) == col(_REQUESTER.person_id))
        .where(queue.PENDING)
        .order_by(col(ChangeRequest.id))
        .limit(QUEUE_LIMIT)
    )
    rows = (await session.execute(stmt)).all()
    return [Waiting(row[0], row[1], row[2], row[3], row[4]) for row in rows]


@dataclass(frozen=True)
class RequestRow:
    """A change request as its requester and the initiative page show it."""

    request: ChangeRequest
    initiative_code: str
    initiative_title: str
    requested_by: str | None
    decided_by: str | None


async def requests(
    session: AsyncSession,
    *,
    initiative_id: int | None = None,
    requested_by: int | None = None,
    limit: int = 50,
) -> list[RequestRow]:
    """Change requests on one initiative or by one account, newest first (one statement)."""
    decider = aliased(Account, name="decider")
    decider_person = aliased(Person, name="decider_person")
    stmt = (
        sa.select(
            ChangeRequest,
            col(Initiative.code),
            col(Initiative.title),
            _requester_label(),
            sa.func.coalesce(col(decider_person.name), col(decider.email)),
        )
        .join(Initiative, col(Initiative.id) == col(ChangeRequest.initiative_id))
        .outerjoin(_REQUESTER, col(_REQUESTER.id) == col(ChangeRequest.requested_by))
        .outerjoin(_REQUESTER_PERSON, col(_REQUESTER_PERSON.id) == col(_REQUESTER.person_id))
        .outerjoin(decider, col(decider.id) == col(ChangeRequest.decided_by))
        .outerjoin(decider_person, col(decider_person.id) == col(decider.person_id))
        .order_by(col(ChangeRequest.id).desc())
        .limit(limit)
    )
    if initiative_id is not None:
        stmt = stmt.where(col(ChangeRequest.initiative_id) == initiative_id)
    if requested_by is not None:
        stmt = stmt.where(col(ChangeRequest.requested_by) == requested_by)
    rows = (await session.execute(stmt)).all()
    return [RequestRow(*row) for row in rows]


def _by_id(rows: Iterable[Any]) -> dict[int, str]:
    return {int(row[0]): str(row[1]) for row in rows}


async def account_labels(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    """Accounts as people read them: the person's name, else the email (one statement)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    stmt = (
        sa.select(col(Account.id), sa.func.coalesce(col(Person.name), col(Account.email)))
        .outerjoin(Person, col(Person.id) == col(Account.person_id))
        .where(col(Account.id).in_(wanted))
    )
    return _by_id((await session.execute(stmt)).all())


@dataclass(frozen=True)
class Names:
    """Names of the departments and people that requested changes refer to."""

    departments: dict[int, str]
    people: dict[int, str]


def _ids(changes: Sequence[dict[str, Any]], field: str) -> list[int]:
    found = set()
    for change in changes:
        for side in ("from", "to"):
            value = change.get(field, {}).get(side)
            if isinstance(value, int):
                found.add(value)
    return sorted(found)


async def names(session: AsyncSession, changes: Sequence[dict[str, Any]]) -> Names:
    """The departments and people named in `changes` (at most two statements)."""
    departments = _ids(changes, "department_id")
    people = _ids(changes, "owner_id")
    found = Names({}, {})
    if departments:
        stmt = sa.select(col(Department.id), col(Department.name))
        rows = await session.execute(stmt.where(col(Department.id).in_(departments)))
        found.departments.update(_by_id(rows.all()))
    if people:
        stmt = sa.select(col(Person.id), col(Person.name))
        rows = await session.execute(stmt.where(col(Person.id).in_(people)))
        found.people.update(_by_id(rows.all()))
    return found
