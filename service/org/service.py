"""People and the reporting line: create, read, update, delete, direct reports, chain."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CTE, ColumnElement, Select, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from schema import Department, Initiative, Person
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, not_found
from service.i18n import gettext as _
from service.i18n import ngettext
from service.listing import org as listing
from service.org.payloads import PersonCreate, PersonFilters, PersonUpdate
from service.pagination import keyset

# The same lock the database trigger person_no_manager_cycle takes: holding it from the
# check to the commit means a concurrent change of manager_id waits, then sees this one.
MANAGER_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('person.manager_id'))")

# Far deeper than any real org chart; bounds the walk should bad data ever hold a loop.
MAX_DEPTH = 1000


async def list_people(
    session: AsyncSession, *, filters: PersonFilters, limit: int, cursor: str | None = None
) -> Sequence[Person]:
    """People matching `filters` by id after `cursor` (one extra row tells whether more follow)."""
    return (await session.scalars(_people(select(Person), filters, limit, cursor))).all()


# What the REST lists read: the person's columns, without an ORM object per row.
PERSON_COLUMNS: tuple[Any, ...] = tuple(Person.__table__.columns)  # type: ignore[attr-defined]


async def list_people_rows(
    session: AsyncSession, *, filters: PersonFilters, limit: int, cursor: str | None = None
) -> Sequence[sa.Row[Any]]:
    """`list_people` as rows of PERSON_COLUMNS."""
    stmt = _people(select(*PERSON_COLUMNS), filters, limit, cursor)
    return await crud.plain_rows(session, stmt)


def _people(
    stmt: Select[Any], filters: PersonFilters, limit: int, cursor: str | None
) -> Select[Any]:
    where = listing.PersonFilters(
        department_id=filters.department_id,
        manager_id=filters.manager_id,
        is_active=filters.is_active,
        q=filters.q,
        updated_since=filters.updated_since,
    )
    return keyset(
        stmt.where(*listing.person_conditions(where)), listing.PERSON_ORDER, cursor, limit
    )


async def list_reports(
    session: AsyncSession,
    person_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[Person]:
    """The direct reports of a person (404 if the person does not exist), keyset-paginated."""
    await get_person(session, person_id)
    filters = PersonFilters(manager_id=person_id, updated_since=updated_since)
    return await list_people(session, filters=filters, limit=limit, cursor=cursor)


async def list_report_rows(
    session: AsyncSession,
    person_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[sa.Row[Any]]:
    """`list_reports` as rows of PERSON_COLUMNS."""
    await get_person(session, person_id)
    filters = PersonFilters(manager_id=person_id, updated_since=updated_since)
    return await list_people_rows(session, filters=filters, limit=limit, cursor=cursor)


async def get_person(session: AsyncSession, person_id: int) -> Person:
    """One person, or 404."""
    return await crud.get_or_404(session, Person, person_id)


async def get_person_by_email(session: AsyncSession, email: str) -> Person | None:
    """The person with `email` (already lower case), if any."""
    return await session.scalar(select(Person).where(col(Person.email) == email))


async def manager_chain(session: AsyncSession, person_id: int) -> list[Person]:
    """The managers above a person, the direct manager first, up to the top (404 if unknown)."""
    chain = _walk_up(col(Person.id) == person_id)
    stmt = select(Person).join(chain, col(Person.id) == chain.c.id).order_by(chain.c.depth)
    rows = (await session.scalars(stmt)).all()
    if not rows:
        raise not_found("Person", person_id)
    return list(rows[1:])


async def create_person(session: AsyncSession, actor: Actor, data: PersonCreate) -> Person:
    """Create a person with a unique email and existing department and manager (CDO office)."""
    policy.require(actor, Permission.manage_org)
    await _refuse_duplicate_email(session, data.email)
    await _require_refs(session, department_id=data.department_id, manager_id=data.manager_id)
    person = Person(**data.model_dump())
    session.add(person)
    await session.flush()
    assert person.id is not None
    await audit.record(
        session, actor, "create", "person", person.id, after=audit.row_values(person)
    )
    return person


async def update_person(
    session: AsyncSession,
    actor: Actor,
    person_id: int,
    data: PersonUpdate,
    *,
    expected_version: int | None = None,
) -> Person:
    """Change the given fields of a person (CDO office), from `expected_version`; a new
    manager must not close a reporting cycle."""
    policy.require(actor, Permission.manage_org)
    person = await crud.get_for_update(session, Person, person_id, expected_version)
    if data.email is not None and data.email != person.email:
        await _refuse_duplicate_email(session, data.email)
    await _require_refs(session, department_id=data.department_id, manager_id=data.manager_id)
    if data.manager_id is not None and data.manager_id != person.manager_id:
        await _refuse_cycle(session, person, data.manager_id)
    changed = crud.apply_changes(person, data)
    await audit.record_changes(session, actor, "person", person, changed)
    return person


async def delete_person(
    session: AsyncSession, actor: Actor, person_id: int, *, expected_version: int | None = None
) -> None:
    """Delete a person who manages no one and owns no initiative (409 `in_use` otherwise)."""
    policy.require(actor, Permission.manage_org)
    person = await crud.get_for_update(session, Person, person_id, expected_version)
    reports = select(func.count()).where(col(Person.manager_id) == person_id)
    owned = select(func.count()).where(col(Initiative.owner_id) == person_id)
    counts = (
        await session.execute(select(reports.scalar_subquery(), owned.scalar_subquery()))
    ).one()
    if counts[0] or counts[1]:
        raise Conflict(
            _("%(name)s still manages %(reports)s and owns %(owned)s; reassign them first.")
            % {
                "name": person.name,
                "reports": ngettext("%(n)s person", "%(n)s people", counts[0]) % {"n": counts[0]},
                "owned": ngettext("%(n)s initiative", "%(n)s initiatives", counts[1])
                % {"n": counts[1]},
            },
            code="in_use",
            extra={"reports": counts[0], "initiatives": counts[1]},
        )
    before = audit.row_values(person)
    await session.delete(person)
    await session.flush()
    await audit.record(session, actor, "delete", "person", person_id, before=before)


async def _refuse_duplicate_email(session: AsyncSession, email: str) -> None:
    if await get_person_by_email(session, email) is not None:
        raise Conflict(
            _("A person with email '%(email)s' already exists.") % {"email": email},
            code="duplicate_email",
            field="email",
        )


async def _require_refs(
    session: AsyncSession, *, department_id: int | None, manager_id: int | None
) -> None:
    await crud.require_refs(session, Department, {"department_id": department_id})
    await crud.require_refs(session, Person, {"manager_id": manager_id})


async def _refuse_cycle(session: AsyncSession, person: Person, manager_id: int) -> None:
    """Refuse (409 `cycle`) a manager who already reports, directly or not, to `person`."""
    if manager_id == person.id:
        raise Conflict(
            _("%(name)s cannot be their own manager.") % {"name": person.name},
            code="cycle",
            field="manager_id",
        )
    await session.execute(MANAGER_LOCK)
    # Walk up from the new manager; reaching `person` means the new link closes a loop.
    chain = _walk_up(col(Person.id) == manager_id, stop_at=person.id)
    stmt = (
        select(chain.c.id, col(Person.name))
        .join(Person, col(Person.id) == chain.c.id)
        .order_by(chain.c.depth)
    )
    rows = (await session.execute(stmt)).all()
    if rows and rows[-1].id == person.id:
        path = " → ".join(row.name for row in rows)
        raise Conflict(
            _(
                "%(name)s cannot report to %(manager)s: %(manager)s already reports to %(name)s"
                " (%(path)s)."
            )
            % {"name": person.name, "manager": rows[0].name, "path": path},
            code="cycle",
            field="manager_id",
            extra={"chain": [row.id for row in rows]},
        )


def _walk_up(start: ColumnElement[bool], *, stop_at: int | None = None) -> CTE:
    """Recursive CTE (id, manager_id, depth) from the person matching `start` upward."""
    anchor: Select[int, int | None, int] = select(
        col(Person.id).label("id"),
        col(Person.manager_id).label("manager_id"),
        literal(0).label("depth"),
    ).where(start)
    chain = anchor.cte("chain", recursive=True)
    above = aliased(Person)
    step = (
        select(col(above.id), col(above.manager_id), chain.c.depth + 1)
        .join(chain, col(above.id) == chain.c.manager_id)
        .where(chain.c.depth < MAX_DEPTH)
    )
    if stop_at is not None:
        step = step.where(chain.c.id != stop_at)
    return chain.union_all(step)
