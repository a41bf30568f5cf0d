"""KPIs: create, read, update, delete, and their accountable departments (drivers:
`service.kpis.drivers`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import col

from schema import Department, InitiativeKpi, Kpi, KpiDepartment, KpiMeasurement
from schema.enums import Perspective
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, NotFound, ValidationFailed, missing
from service.i18n import gettext as _
from service.kpis.payloads import KpiCreate, KpiUpdate, LatestMeasurement
from service.listing import kpis as listing
from service.pagination import keyset


@dataclass(frozen=True)
class KpiView:
    """A KPI with its accountable departments (owner first) and latest measurement."""

    kpi: Kpi
    department_ids: list[int]
    latest: LatestMeasurement | None

    @property
    def id(self) -> int:
        assert self.kpi.id is not None
        return self.kpi.id


def _departments_lateral() -> Any:
    ordered = aggregate_order_by(col(KpiDepartment.department_id), col(KpiDepartment.position))
    return (
        select(func.array_agg(ordered).label("department_ids"))
        .where(col(KpiDepartment.kpi_id) == col(Kpi.id))
        .lateral("accountable")
    )


def _latest_lateral() -> Any:
    return (
        select(col(KpiMeasurement.measured_on), col(KpiMeasurement.value))
        .where(col(KpiMeasurement.kpi_id) == col(Kpi.id))
        .order_by(col(KpiMeasurement.measured_on).desc())
        .limit(1)
        .lateral("latest")
    )


def _views_stmt(*selected: Any) -> Select[Any]:
    """One statement: KPIs (`selected`) joined to their department list and latest
    measurement (`department_ids`, `measured_on`, `value`)."""
    accountable, latest = _departments_lateral(), _latest_lateral()
    return (
        select(*selected, accountable.c.department_ids, latest.c.measured_on, latest.c.value)
        .select_from(Kpi)
        .outerjoin(accountable, sa.true())
        .outerjoin(latest, sa.true())
    )


# What the REST list reads: every KPI column, its departments and its latest measurement.
KPI_COLUMNS: tuple[Any, ...] = tuple(Kpi.__table__.columns)  # type: ignore[attr-defined]


def _view(row: Any) -> KpiView:
    kpi, department_ids, measured_on, value = row
    latest = (
        None if measured_on is None else LatestMeasurement(measured_on=measured_on, value=value)
    )
    return KpiView(kpi=kpi, department_ids=list(department_ids or []), latest=latest)


async def list_kpis(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None = None,
    perspective: Perspective | None = None,
    department_id: int | None = None,
    shared: bool | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
) -> list[KpiView]:
    """KPIs by id after `cursor`, filtered (one extra row tells whether more follow)."""
    filters = listing.KpiFilters(
        perspective=perspective,
        department_id=department_id,
        shared=shared,
        q=q,
        updated_since=updated_since,
    )
    rows = await session.execute(_listed(_views_stmt(Kpi), filters, limit, cursor))
    return [_view(row) for row in rows]


async def list_kpi_rows(
    session: AsyncSession, filters: listing.KpiFilters, *, limit: int, cursor: str | None
) -> Sequence[sa.Row[Any]]:
    """`list_kpis` as rows of KPI_COLUMNS, `department_ids`, `measured_on` and `value`."""
    stmt = _listed(_views_stmt(*KPI_COLUMNS), filters, limit, cursor)
    return await crud.plain_rows(session, stmt)


def _listed(
    stmt: Select[Any], filters: listing.KpiFilters, limit: int, cursor: str | None
) -> Select[Any]:
    return keyset(stmt.where(*listing.kpi_conditions(filters)), listing.KPI_ORDER, cursor, limit)


async def get_kpi(session: AsyncSession, kpi_id: int) -> Kpi:
    """One KPI row, or 404."""
    return await crud.get_or_404(session, Kpi, kpi_id)


async def get_kpi_view(session: AsyncSession, kpi_id: int) -> KpiView:
    """One KPI with its departments and latest measurement, or 404."""
    stmt = _views_stmt(Kpi).where(col(Kpi.id) == kpi_id)
    # Reload the columns: after a write they hold what the database stored (numeric scale).
    row = (await session.execute(stmt.execution_options(populate_existing=True))).first()
    if row is None:
        raise NotFound(missing("Kpi", kpi_id), code="kpi_not_found")
    return _view(row)


async def _refuse_duplicate_code(session: AsyncSession, code: str) -> None:
    if await session.scalar(select(col(Kpi.id)).where(col(Kpi.code) == code)) is not None:
        raise Conflict(
            _("A KPI with code '%(code)s' already exists.") % {"code": code},
            code="duplicate_code",
            field="code",
        )


async def _check_departments(session: AsyncSession, department_ids: list[int]) -> None:
    seen: set[int] = set()
    for department_id in department_ids:
        if department_id in seen:
            raise ValidationFailed(
                _("Department %(id)s is listed twice.") % {"id": department_id},
                code="duplicate_department",
                field="department_ids",
            )
        seen.add(department_id)
    found = set(
        (
            await session.scalars(select(col(Department.id)).where(col(Department.id).in_(seen)))
        ).all()
    )
    for department_id in department_ids:
        if department_id not in found:
            raise ValidationFailed(
                missing("Department", department_id),
                code="unknown_reference",
                field="department_ids",
            )


async def accountable_department_ids(session: AsyncSession, kpi_id: int) -> list[int]:
    """The departments accountable for a KPI, owner first."""
    return await _department_ids(session, kpi_id)


async def _department_ids(session: AsyncSession, kpi_id: int) -> list[int]:
    stmt = (
        select(col(KpiDepartment.department_id))
        .where(col(KpiDepartment.kpi_id) == kpi_id)
        .order_by(col(KpiDepartment.position))
    )
    return list((await session.scalars(stmt)).all())


async def _replace_departments(
    session: AsyncSession, kpi_id: int, department_ids: list[int]
) -> None:
    """Rewrite the accountable departments of a KPI: positions follow the list order."""
    await session.execute(delete(KpiDepartment).where(col(KpiDepartment.kpi_id) == kpi_id))
    rows = [
        {"kpi_id": kpi_id, "department_id": department_id, "position": position}
        for position, department_id in enumerate(department_ids)
    ]
    await session.execute(insert(KpiDepartment), rows)


async def create_kpi(session: AsyncSession, actor: Actor, data: KpiCreate) -> KpiView:
    """Create a KPI with a unique code and its accountable departments, owner first (CDO
    office)."""
    policy.require(actor, Permission.manage_kpis)
    await _refuse_duplicate_code(session, data.code)
    await _check_departments(session, data.department_ids)
    kpi = Kpi(**data.model_dump(exclude={"department_ids"}))
    session.add(kpi)
    await session.flush()
    assert kpi.id is not None
    await _replace_departments(session, kpi.id, data.department_ids)
    after = audit.row_values(kpi) | {"department_ids": data.department_ids}
    await audit.record(session, actor, "create", "kpi", kpi.id, after=after)
    return await get_kpi_view(session, kpi.id)


async def update_kpi(
    session: AsyncSession,
    actor: Actor,
    kpi_id: int,
    data: KpiUpdate,
    *,
    expected_version: int | None = None,
) -> KpiView:
    """Change the given fields of a KPI (CDO office), from `expected_version`;
    `department_ids` replaces the whole list."""
    policy.require(actor, Permission.manage_kpis)
    # Locked until the transaction ends: concurrent edits of one KPI (and of its department
    # list) take turns instead of interleaving.
    kpi = await crud.get_for_update(session, Kpi, kpi_id, expected_version)
    changes = data.model_dump(exclude_unset=True)
    department_ids: list[int] | None = changes.pop("department_ids", None)
    if "code" in changes and changes["code"] != kpi.code:
        await _refuse_duplicate_code(session, changes["code"])
    old_department_ids: list[int] | None = None
    if department_ids is not None:
        await _check_departments(session, department_ids)
        current = await _department_ids(session, kpi_id)
        if department_ids != current:
            await _replace_departments(session, kpi_id, department_ids)
            old_department_ids = current
    changed = crud.apply_changes(kpi, changes)
    if old_department_ids is not None:
        if not changed:
            # The department list is part of the KPI: bump its version and updated_at too.
            flag_modified(kpi, "name")
        changed["department_ids"] = (old_department_ids, department_ids)
    await audit.record_changes(session, actor, "kpi", kpi, changed)
    return await get_kpi_view(session, kpi_id)


async def delete_kpi(
    session: AsyncSession, actor: Actor, kpi_id: int, *, expected_version: int | None = None
) -> None:
    """Delete a KPI no initiative is linked to (409 `in_use` otherwise; CDO office)."""
    policy.require(actor, Permission.manage_kpis)
    kpi = await crud.get_for_update(session, Kpi, kpi_id, expected_version)
    linked = await session.scalar(select(func.count()).where(col(InitiativeKpi.kpi_id) == kpi_id))
    if linked:
        raise Conflict(
            _("KPI %(code)s is linked to %(n)s initiative(s); unlink it first.")
            % {"code": kpi.code, "n": linked},
            code="in_use",
        )
    before = audit.row_values(kpi) | {"department_ids": await _department_ids(session, kpi_id)}
    await session.delete(kpi)
    await session.flush()
    await audit.record(session, actor, "delete", "kpi", kpi_id, before=before)
