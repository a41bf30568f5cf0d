"""KPI measurements: one per KPI and date, recorded singly or in bulk (upsert)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import KpiMeasurement, Person
from schema.kpi import VALUE
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import ValidationFailed, missing
from service.i18n import gettext as _
from service.kpis import service as kpis
from service.kpis.payloads import BulkResult, MeasurementCreate
from service.listing import kpis as listing
from service.pagination import keyset

_COLUMNS = ("kpi_id", "measured_on", "value", "source", "recorded_by_id")

# "Today" is the database's date, as for the flags.
TODAY_SQL = text("SELECT current_date")
FUTURE_CODE = "measured_in_future"


async def today(session: AsyncSession) -> date:
    """The database's current date: the last day a measurement may be dated."""
    day: date = (await session.execute(TODAY_SQL)).scalar_one()
    return day


def future_problem(measured_on: date, today: date) -> str | None:
    """Why a measurement dated `measured_on` is refused (dated after today), else None.

    The one rule for every surface: REST, GraphQL, the page form and the import.
    """
    if measured_on <= today:
        return None
    return _("measured_on: %(day)s is after today (%(today)s); record a value once measured.") % {
        "day": measured_on,
        "today": today,
    }


async def _refuse_future(
    session: AsyncSession, items: Sequence[MeasurementCreate], prefix: str
) -> None:
    """Refuse (422 on the item's measured_on) a measurement dated after today."""
    if not items:
        return
    day = await today(session)
    for index, item in enumerate(items):
        problem = future_problem(item.measured_on, day)
        if problem is not None:
            field = f"{prefix}{index}.measured_on" if prefix else "measured_on"
            raise ValidationFailed(problem, code=FUTURE_CODE, field=field)


async def list_measurements(
    session: AsyncSession,
    kpi_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    measured_from: date | None = None,
    measured_to: date | None = None,
    updated_since: datetime | None = None,
) -> Sequence[KpiMeasurement]:
    """Measurements of a KPI by id after `cursor`, within [from, to] when given."""
    filters = listing.MeasurementFilters([kpi_id], measured_from, measured_to, updated_since)
    stmt = await _listed(session, select(KpiMeasurement), filters, limit, cursor)
    # Bulk upserts bypass the identity map: always read the stored values.
    return (await session.scalars(stmt.execution_options(populate_existing=True))).all()


# What the REST list reads: the measurement's columns, without an ORM object per row.
MEASUREMENT_COLUMNS: tuple[Any, ...] = tuple(KpiMeasurement.__table__.columns)  # type: ignore[attr-defined]


async def list_measurement_rows(
    session: AsyncSession, filters: listing.MeasurementFilters, *, limit: int, cursor: str | None
) -> Sequence[sa.Row[Any]]:
    """`list_measurements` as rows of MEASUREMENT_COLUMNS."""
    stmt = await _listed(session, select(*MEASUREMENT_COLUMNS), filters, limit, cursor)
    return await crud.plain_rows(session, stmt)


async def _listed(
    session: AsyncSession,
    stmt: sa.Select[Any],
    filters: listing.MeasurementFilters,
    limit: int,
    cursor: str | None,
) -> sa.Select[Any]:
    """The page of `stmt` the filters ask for, once the KPI is known to exist (404)."""
    for kpi_id in filters.kpi_ids or ():
        await kpis.get_kpi(session, kpi_id)
    start, end = filters.measured_from, filters.measured_to
    if start is not None and end is not None and start > end:
        raise ValidationFailed(_("`to` is before `from`."), code="invalid_range", field="to")
    stmt = stmt.where(*listing.measurement_conditions(filters))
    return keyset(stmt, listing.MEASUREMENT_ORDER, cursor, limit)


def _upsert(rows: Any) -> Any:
    """INSERT ... ON CONFLICT (kpi_id, measured_on) DO UPDATE, only where something changed.

    An updated row gets updated_at = now() and version + 1 so incremental pulls see it;
    a row recorded again with identical data is left alone.
    """
    stmt = insert(KpiMeasurement)
    stmt = (
        stmt.from_select(list(_COLUMNS), rows) if isinstance(rows, sa.Select) else stmt.values(rows)
    )
    new = stmt.excluded
    table = KpiMeasurement.__table__.c  # type: ignore[attr-defined]
    return stmt.on_conflict_do_update(
        index_elements=["kpi_id", "measured_on"],
        set_={
            "value": new.value,
            "source": new.source,
            "recorded_by_id": new.recorded_by_id,
            "updated_at": func.now(),
            "version": table.version + 1,
        },
        where=tuple_(table.value, table.source, table.recorded_by_id).is_distinct_from(
            tuple_(new.value, new.source, new.recorded_by_id)
        ),
    )


async def _check_recorders(
    session: AsyncSession, items: Sequence[MeasurementCreate], prefix: str
) -> None:
    wanted = {item.recorded_by_id for item in items if item.recorded_by_id is not None}
    if not wanted:
        return
    found = set(
        (await session.scalars(select(col(Person.id)).where(col(Person.id).in_(wanted)))).all()
    )
    for index, item in enumerate(items):
        if item.recorded_by_id is not None and item.recorded_by_id not in found:
            raise ValidationFailed(
                missing("Person", item.recorded_by_id),
                code="unknown_reference",
                field=f"{prefix}{index}.recorded_by_id" if prefix else "recorded_by_id",
            )


async def _may_record(session: AsyncSession, actor: Actor, kpi_id: int) -> None:
    """404 for an unknown KPI; 403 unless the actor's department answers for it."""
    await kpis.get_kpi(session, kpi_id)
    departments = await kpis.accountable_department_ids(session, kpi_id)
    policy.require(actor, Permission.record_measurement, department_ids=departments)


_AUDITED = ("value", "source", "recorded_by_id", "version")


async def record_measurement(
    session: AsyncSession, actor: Actor, kpi_id: int, data: MeasurementCreate
) -> tuple[KpiMeasurement, bool]:
    """Record the value of a KPI on a date; the same date again updates it. True if created.

    The CDO office, or a head of a department accountable for the KPI; the recorder
    defaults to the actor's person.
    """
    await _may_record(session, actor, kpi_id)
    if data.recorded_by_id is None and actor.person_id is not None:
        data = data.model_copy(update={"recorded_by_id": actor.person_id})
    await _refuse_future(session, [data], prefix="")
    await _check_recorders(session, [data], prefix="")
    previous = (
        await session.execute(
            select(*(col(getattr(KpiMeasurement, name)) for name in _AUDITED)).where(
                col(KpiMeasurement.kpi_id) == kpi_id,
                col(KpiMeasurement.measured_on) == data.measured_on,
            )
        )
    ).first()
    stmt = _upsert({"kpi_id": kpi_id, **data.model_dump()}).returning(KpiMeasurement)
    written = await session.scalar(
        select(KpiMeasurement).from_statement(stmt).execution_options(populate_existing=True)
    )
    if written is not None:
        await _audit_one(session, actor, written, previous)
        return written, written.version == 1
    # Recorded again with identical data: nothing was written.
    unchanged = await session.scalar(
        select(KpiMeasurement)
        .where(
            col(KpiMeasurement.kpi_id) == kpi_id,
            col(KpiMeasurement.measured_on) == data.measured_on,
        )
        .execution_options(populate_existing=True)
    )
    assert unchanged is not None
    return unchanged, False


async def _audit_one(
    session: AsyncSession, actor: Actor, written: KpiMeasurement, previous: Any
) -> None:
    assert written.id is not None
    parent = ("kpi", written.kpi_id)
    if previous is None:
        after = audit.row_values(written)
        await audit.record(
            session, actor, "create", "kpi_measurement", written.id, after=after, parent=parent
        )
        return
    before = dict(zip(_AUDITED, previous, strict=True))
    now = {name: getattr(written, name) for name in _AUDITED}
    changed = {k: (before[k], now[k]) for k in _AUDITED if before[k] != now[k]}
    before_json, after_json = audit.changes(changed)
    await audit.record(
        session,
        actor,
        "update",
        "kpi_measurement",
        written.id,
        before_json | {"measured_on": written.measured_on.isoformat()},
        after_json,
        parent=parent,
    )


def _refuse_duplicate_dates(items: Sequence[MeasurementCreate]) -> None:
    seen: set[date] = set()
    for index, item in enumerate(items):
        if item.measured_on in seen:
            raise ValidationFailed(
                _("%(day)s appears more than once in the request.") % {"day": item.measured_on},
                code="duplicate_date",
                field=f"items.{index}.measured_on",
            )
        seen.add(item.measured_on)


def _unnest(kpi_id: int, items: Sequence[MeasurementCreate]) -> sa.Select[Any]:
    """The items as rows, sent as four arrays: one statement whatever their number."""

    def array(name: str, item_type: Any, values: list[Any]) -> Any:
        return sa.cast(sa.bindparam(name, values, type_=ARRAY(item_type)), ARRAY(item_type))

    rows = (
        func.unnest(
            array("measured_on", sa.Date, [item.measured_on for item in items]),
            array("value", VALUE, [item.value for item in items]),
            array("source", sa.Text, [item.source for item in items]),
            array("recorded_by_id", sa.BigInteger, [item.recorded_by_id for item in items]),
        )
        .table_valued("measured_on", "value", "source", "recorded_by_id")
        .render_derived(name="item")
    )
    return select(
        sa.literal(kpi_id, sa.BigInteger),
        rows.c.measured_on,
        rows.c.value,
        rows.c.source,
        rows.c.recorded_by_id,
    )


async def record_measurements(
    session: AsyncSession, actor: Actor, kpi_id: int, items: Sequence[MeasurementCreate]
) -> BulkResult:
    """Record many dates of a KPI at once: all validated first, then one upsert statement.

    Same rights as a single measurement. One audit event (on the KPI) lists the counts and
    every date written with its value.
    """
    await _may_record(session, actor, kpi_id)
    if actor.person_id is not None:
        items = [
            item.model_copy(update={"recorded_by_id": actor.person_id})
            if item.recorded_by_id is None
            else item
            for item in items
        ]
    _refuse_duplicate_dates(items)
    await _refuse_future(session, items, prefix="items.")
    await _check_recorders(session, items, prefix="items.")
    if not items:
        return BulkResult(created=0, updated=0, unchanged=0)
    returned = (
        col(KpiMeasurement.version),
        col(KpiMeasurement.measured_on),
        col(KpiMeasurement.value),
    )
    written = _upsert(_unnest(kpi_id, items)).returning(*returned).cte("written")
    values = func.jsonb_object_agg(
        sa.cast(written.c.measured_on, sa.Text), sa.cast(written.c.value, sa.Text)
    )
    counts = select(func.count().filter(written.c.version == 1), func.count(), values).select_from(
        written
    )
    created, total, dates = (await session.execute(counts)).one()
    result = BulkResult(created=created, updated=total - created, unchanged=len(items) - total)
    if total:
        after = result.model_dump() | {"written": dict(sorted(dates.items()))}
        await audit.record(session, actor, "record_measurements", "kpi", kpi_id, after=after)
    return result
