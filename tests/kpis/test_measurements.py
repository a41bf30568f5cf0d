"""Service: KPI measurements, recorded singly or in bulk (upsert per date)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import KpiMeasurement
from service.actor import SYSTEM
from service.errors import ValidationFailed
from service.kpis import measurements
from service.kpis.payloads import MeasurementCreate
from tests.conftest import QueryCounter
from tests.factories import make_kpi, make_measurement, make_person

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def item(day: int, value: str, **fields: object) -> MeasurementCreate:
    return MeasurementCreate.model_validate(
        {"measured_on": date(2026, 1, day), "value": value} | fields
    )


async def stored(session: AsyncSession, kpi_id: int) -> list[tuple[date, Decimal, int, datetime]]:
    stmt = (
        select(KpiMeasurement)
        .where(col(KpiMeasurement.kpi_id) == kpi_id)
        .order_by(col(KpiMeasurement.measured_on))
        .execution_options(populate_existing=True)
    )
    rows = (await session.scalars(stmt)).all()
    return [(r.measured_on, r.value, r.version, r.updated_at) for r in rows]


async def age_measurements(session: AsyncSession, kpi_id: int) -> None:
    """Pretend the KPI's measurements were written long ago, so a new write is visible."""
    await session.execute(
        update(KpiMeasurement)
        .where(col(KpiMeasurement.kpi_id) == kpi_id)
        .values(updated_at=LONG_AGO)
    )


class TestRecordMeasurement:
    async def test_same_day_again_updates_value_version_and_updated_at(
        self, session: AsyncSession
    ) -> None:
        kpi = await make_kpi(session)
        person = await make_person(session)
        row, created = await measurements.record_measurement(
            session, SYSTEM, kpi.id, item(1, "10", recorded_by_id=person.id)
        )
        assert (created, row.version, row.value, row.recorded_by_id) == (
            True,
            1,
            Decimal("10.0000"),
            person.id,
        )
        await age_measurements(session, kpi.id)
        again, created = await measurements.record_measurement(
            session, SYSTEM, kpi.id, item(1, "12.25", source="survey")
        )
        assert (created, again.id, again.version, again.value) == (
            False,
            row.id,
            2,
            Decimal("12.2500"),
        )
        assert (again.source, again.recorded_by_id) == ("survey", None)
        assert again.updated_at > LONG_AGO

    async def test_identical_again_writes_nothing(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        first = await make_measurement(session, kpi, date(2026, 1, 1), "10")
        await age_measurements(session, kpi.id)
        row, created = await measurements.record_measurement(
            session, SYSTEM, kpi.id, item(1, "10.00")
        )
        assert (created, row.id, row.version, row.updated_at) == (False, first.id, 1, LONG_AGO)

    async def test_unknown_recorder_is_refused(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        with pytest.raises(ValidationFailed) as refused:
            await measurements.record_measurement(
                session, SYSTEM, kpi.id, item(1, "1", recorded_by_id=987654)
            )
        assert (refused.value.code, refused.value.field) == ("unknown_reference", "recorded_by_id")


class TestRecordMeasurements:
    async def test_updated_rows_get_now_and_next_version(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        await make_measurement(session, kpi, date(2026, 1, 1), "1")
        await make_measurement(session, kpi, date(2026, 1, 2), "2")
        await age_measurements(session, kpi.id)
        result = await measurements.record_measurements(
            session, SYSTEM, kpi.id, [item(1, "1"), item(2, "2.5"), item(3, "3")]
        )
        assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
        rows = await stored(session, kpi.id)
        assert [(on, value, version) for on, value, version, _ in rows] == [
            (date(2026, 1, 1), Decimal("1.0000"), 1),
            (date(2026, 1, 2), Decimal("2.5000"), 2),
            (date(2026, 1, 3), Decimal("3.0000"), 1),
        ]
        assert rows[0][3] == LONG_AGO
        assert rows[1][3] > LONG_AGO

    async def test_one_upsert_statement(self, session: AsyncSession, queries: QueryCounter) -> None:
        kpi = await make_kpi(session)
        person = await make_person(session)
        items = [item(day, str(day), recorded_by_id=person.id) for day in range(1, 32)]
        queries.reset()
        result = await measurements.record_measurements(session, SYSTEM, kpi.id, items)
        assert (result.created, result.updated, result.unchanged) == (31, 0, 0)
        assert len([s for s in queries.statements if "INSERT INTO kpi_measurement" in s]) == 1
        # The accountable departments (authorization), today's date (no measurement after
        # it), the recorders, the upsert, and the one audit event of the request (the KPI is
        # already loaded).
        assert queries.count == 5

    async def test_duplicate_date_refuses_all(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        with pytest.raises(ValidationFailed) as refused:
            await measurements.record_measurements(
                session, SYSTEM, kpi.id, [item(1, "1"), item(2, "2"), item(1, "3")]
            )
        assert (refused.value.code, refused.value.field) == (
            "duplicate_date",
            "items.2.measured_on",
        )
        assert await stored(session, kpi.id) == []

    async def test_unknown_recorder_names_the_first_bad_index(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        person = await make_person(session)
        items = [item(1, "1", recorded_by_id=person.id)] + [
            item(day, "1", recorded_by_id=987654) for day in (2, 3)
        ]
        with pytest.raises(ValidationFailed) as refused:
            await measurements.record_measurements(session, SYSTEM, kpi.id, items)
        assert (refused.value.code, refused.value.field) == (
            "unknown_reference",
            "items.1.recorded_by_id",
        )
        assert await stored(session, kpi.id) == []


class TestListMeasurements:
    async def test_sees_values_written_by_a_bulk_upsert(self, session: AsyncSession) -> None:
        kpi = await make_kpi(session)
        await make_measurement(session, kpi, date(2026, 1, 1), "1")
        await measurements.record_measurements(session, SYSTEM, kpi.id, [item(1, "9")])
        [row] = await measurements.list_measurements(session, kpi.id, limit=10)
        assert (row.value, row.version) == (Decimal("9.0000"), 2)
