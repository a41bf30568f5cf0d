"""Departments: create, read, update, delete."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Person
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.departments.payloads import DepartmentCreate, DepartmentUpdate
from service.errors import Conflict
from service.i18n import gettext as _
from service.listing import org as listing
from service.pagination import keyset


async def list_departments(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[Department]:
    """Departments by id after `cursor` (one extra row tells whether more follow)."""
    stmt = _departments(select(Department), limit, cursor, updated_since)
    return (await session.scalars(stmt)).all()


# What the REST list reads: the department's columns, without an ORM object per row.
DEPARTMENT_COLUMNS: tuple[Any, ...] = tuple(Department.__table__.columns)  # type: ignore[attr-defined]


async def list_department_rows(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[sa.Row[Any]]:
    """`list_departments` as rows of DEPARTMENT_COLUMNS."""
    stmt = _departments(select(*DEPARTMENT_COLUMNS), limit, cursor, updated_since)
    return await crud.plain_rows(session, stmt)


def _departments(
    stmt: Select[Any], limit: int, cursor: str | None, updated_since: datetime | None
) -> Select[Any]:
    filters = listing.DepartmentFilters(updated_since=updated_since)
    stmt = stmt.where(*listing.department_conditions(filters))
    return keyset(stmt, listing.DEPARTMENT_ORDER, cursor, limit)


async def get_department(session: AsyncSession, department_id: int) -> Department:
    """One department, or 404."""
    return await crud.get_or_404(session, Department, department_id)


async def get_department_by_code(session: AsyncSession, code: str) -> Department | None:
    """The department with `code`, if any."""
    return await session.scalar(select(Department).where(col(Department.code) == code))


async def _refuse_duplicate_code(session: AsyncSession, code: str) -> None:
    if await get_department_by_code(session, code) is not None:
        raise Conflict(
            _("A department with code '%(code)s' already exists.") % {"code": code},
            code="duplicate_code",
            field="code",
        )


async def create_department(
    session: AsyncSession, actor: Actor, data: DepartmentCreate
) -> Department:
    """Create a department with a unique code (CDO office)."""
    policy.require(actor, Permission.manage_org)
    await _refuse_duplicate_code(session, data.code)
    await crud.require_refs(session, Person, {"head_id": data.head_id})
    department = Department(**data.model_dump())
    session.add(department)
    await session.flush()
    after = audit.row_values(department)
    await audit.record(session, actor, "create", "department", _id(department), after=after)
    return department


async def update_department(
    session: AsyncSession,
    actor: Actor,
    department_id: int,
    data: DepartmentUpdate,
    *,
    expected_version: int | None = None,
) -> Department:
    """Change the given fields of a department (CDO office), from `expected_version`."""
    policy.require(actor, Permission.manage_org)
    department = await crud.get_for_update(session, Department, department_id, expected_version)
    if data.code is not None and data.code != department.code:
        await _refuse_duplicate_code(session, data.code)
    await crud.require_refs(session, Person, {"head_id": data.head_id})
    changed = crud.apply_changes(department, data)
    await audit.record_changes(session, actor, "department", department, changed)
    return department


async def delete_department(
    session: AsyncSession,
    actor: Actor,
    department_id: int,
    *,
    expected_version: int | None = None,
) -> None:
    """Delete a department that no person, initiative or KPI refers to (409 otherwise)."""
    policy.require(actor, Permission.manage_org)
    department = await crud.get_for_update(session, Department, department_id, expected_version)
    before = audit.row_values(department)
    await session.delete(department)
    await session.flush()
    await audit.record(session, actor, "delete", "department", department_id, before=before)


def _id(department: Department) -> int:
    assert department.id is not None
    return department.id
