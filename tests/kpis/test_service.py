"""Service: KPIs, their accountable departments and their drivers."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Kpi, KpiDepartment, KpiDriver, KpiMeasurement
from service.actor import SYSTEM
from service.errors import Conflict, NotFound, ValidationFailed
from service.kpis import drivers as kpi_drivers
from service.kpis import service
from service.kpis.payloads import DriverCreate, KpiCreate, KpiUpdate
from tests.conftest import QueryCounter
from tests.factories import make_department, make_driver, make_kpi, make_measurement

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


async def positions(session: AsyncSession, kpi_id: int) -> list[tuple[int, int]]:
    stmt = (
        select(col(KpiDepartment.position), col(KpiDepartment.department_id))
        .where(col(KpiDepartment.kpi_id) == kpi_id)
        .order_by(col(KpiDepartment.position))
    )
    return [(p, d) for p, d in (await session.execute(stmt)).all()]


async def age(session: AsyncSession, kpi: Kpi) -> None:
    """Pretend the KPI was last written long ago, so a new write is visible."""
    await session.execute(update(Kpi).where(col(Kpi.id) == kpi.id).values(updated_at=LONG_AGO))
    await session.refresh(kpi)


def new_kpi(department_ids: list[int], code: str = "CSAT") -> KpiCreate:
    return KpiCreate.model_validate(
        {
            "code": code,
            "name": "Customer satisfaction",
            "direction": "increase",
            "perspective": "customer",
            "department_ids": department_ids,
        }
    )


class TestCreateKpi:
    async def test_departments_keep_the_given_order(self, session: AsyncSession) -> None:
        a, b, c = [(await make_department(session)).id for _ in range(3)]
        view = await service.create_kpi(session, SYSTEM, new_kpi([c, a, b]))
        assert view.department_ids == [c, a, b]
        assert await positions(session, view.id) == [(0, c), (1, a), (2, b)]

    async def test_unknown_department_writes_nothing(self, session: AsyncSession) -> None:
        hr = (await make_department(session)).id
        with pytest.raises(ValidationFailed) as refused:
            await service.create_kpi(session, SYSTEM, new_kpi([hr, 987654]))
        assert (refused.value.code, refused.value.field) == ("unknown_reference", "department_ids")
        assert await session.scalar(select(func.count()).where(col(Kpi.code) == "CSAT")) == 0


class TestUpdateKpi:
    async def test_new_department_list_rewrites_positions(self, session: AsyncSession) -> None:
        a, b, c = [(await make_department(session)).id for _ in range(3)]
        kpi = await make_kpi(session, department_ids=[a, b, c])
        update_ = KpiUpdate(department_ids=[b, c])
        view = await service.update_kpi(session, SYSTEM, kpi.id, update_)
        assert view.department_ids == [b, c]
        assert await positions(session, kpi.id) == [(0, b), (1, c)]

    async def test_department_change_alone_bumps_version_and_updated_at(
        self, session: AsyncSession
    ) -> None:
        a, b = [(await make_department(session)).id for _ in range(2)]
        kpi = await make_kpi(session, department_ids=[a])
        await age(session, kpi)
        view = await service.update_kpi(session, SYSTEM, kpi.id, KpiUpdate(department_ids=[a, b]))
        assert view.kpi.version == 2
        assert view.kpi.updated_at > LONG_AGO

    async def test_nothing_changed_keeps_version(self, session: AsyncSession) -> None:
        a = (await make_department(session)).id
        kpi = await make_kpi(session, department_ids=[a], unit="%")
        await age(session, kpi)
        view = await service.update_kpi(
            session, SYSTEM, kpi.id, KpiUpdate(department_ids=[a], unit="%")
        )
        assert (view.kpi.version, view.kpi.updated_at) == (1, LONG_AGO)

    async def test_missing_is_not_found(self, session: AsyncSession) -> None:
        with pytest.raises(NotFound):
            await service.update_kpi(session, SYSTEM, 987654, KpiUpdate(name="x"))


class TestListKpis:
    async def test_statements_do_not_depend_on_page_size(
        self, session: AsyncSession, queries: QueryCounter
    ) -> None:
        departments = [(await make_department(session)).id for _ in range(2)]
        for n in range(12):
            kpi = await make_kpi(session, department_ids=departments[: 1 + n % 2])
            await make_measurement(session, kpi, date(2026, 1, 1 + n), str(n))
        counts, sizes = [], []
        for limit in (2, 12):
            queries.reset()
            sizes.append(len(await service.list_kpis(session, limit=limit)))
            counts.append(queries.count)
        assert (counts, sizes) == ([1, 1], [3, 12])

    async def test_latest_is_the_last_date_not_the_last_written(
        self, session: AsyncSession
    ) -> None:
        kpi = await make_kpi(session, code="ZZ-LATEST")
        await make_measurement(session, kpi, date(2026, 6, 1), "6")
        await make_measurement(session, kpi, date(2026, 2, 1), "2")
        [view] = await service.list_kpis(session, limit=10, q="ZZ-LATEST")
        assert view.latest is not None
        assert (view.latest.measured_on, str(view.latest.value)) == (date(2026, 6, 1), "6.0000")


class TestDeleteKpi:
    async def test_takes_departments_measurements_and_drivers_along(
        self, session: AsyncSession
    ) -> None:
        kpi = await make_kpi(session, department_ids=[(await make_department(session)).id])
        other, third = await make_kpi(session), await make_kpi(session)
        await make_measurement(session, kpi, date(2026, 1, 1), "1")
        await make_driver(session, kpi, other)
        await make_driver(session, third, kpi)
        await service.delete_kpi(session, SYSTEM, kpi.id)
        for model, column in [
            (KpiDepartment, KpiDepartment.kpi_id),
            (KpiMeasurement, KpiMeasurement.kpi_id),
            (KpiDriver, KpiDriver.driver_kpi_id),
            (KpiDriver, KpiDriver.driven_kpi_id),
        ]:
            count = select(func.count()).select_from(model).where(col(column) == kpi.id)
            assert await session.scalar(count) == 0


class TestDrivers:
    async def test_add_list_remove(self, session: AsyncSession) -> None:
        nps, tooling, revenue = [await make_kpi(session) for _ in range(3)]
        link = await kpi_drivers.add_driver(
            session, SYSTEM, nps.id, DriverCreate(driver_kpi_id=tooling.id)
        )
        assert (link.driver_kpi_id, link.driven_kpi_id) == (tooling.id, nps.id)
        await make_driver(session, nps, revenue)
        drivers, driven = await kpi_drivers.list_drivers(session, nps.id)
        assert ([k.id for k in drivers], [k.id for k in driven]) == ([tooling.id], [revenue.id])
        await kpi_drivers.remove_driver(session, SYSTEM, nps.id, tooling.id)
        assert (await kpi_drivers.list_drivers(session, nps.id))[0] == []

    async def test_reverse_pair_is_a_cycle_not_a_duplicate(self, session: AsyncSession) -> None:
        a = await make_kpi(session, code="KPI-A")
        b = await make_kpi(session, code="KPI-B")
        await make_driver(session, a, b)
        with pytest.raises(Conflict) as refused:
            await kpi_drivers.add_driver(session, SYSTEM, a.id, DriverCreate(driver_kpi_id=b.id))
        assert (refused.value.code, refused.value.field) == ("kpi_driver_cycle", "driver_kpi_id")
        assert (
            refused.value.detail == "This driver makes a KPI driver cycle: KPI-B → KPI-A → KPI-B."
        )

    async def test_duplicate_is_refused(self, session: AsyncSession) -> None:
        a, b = await make_kpi(session), await make_kpi(session)
        await make_driver(session, a, b)
        with pytest.raises(Conflict) as refused:
            await kpi_drivers.add_driver(session, SYSTEM, b.id, DriverCreate(driver_kpi_id=a.id))
        assert (refused.value.code, refused.value.field) == ("duplicate_driver", "driver_kpi_id")
