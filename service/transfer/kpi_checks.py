"""The KPI rules an import must keep: no KPI driver cycle, no measurement dated after today.

The rules themselves live with the KPIs (service/kpis/drivers.py, measurements.py); this
module lays the file's rows over what the database holds and reports each breach at its row.
"""

import asyncio
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.kpis import drivers as kpi_drivers
from service.kpis import measurements as kpi_measurements
from service.transfer.plan import Plan, Problems, Sheet

_DRIVERS_SQL = """
SELECT dr.code, dn.code FROM kpi_driver d
JOIN kpi dr ON dr.id = d.driver_kpi_id JOIN kpi dn ON dn.id = d.driven_kpi_id
"""


async def check(session: AsyncSession, plan: Plan, problems: Problems) -> None:
    """Report driver cycles (file over database) and measurements dated after today."""
    kpis = plan.sheet("kpis")
    if kpis is not None and kpis.usable and "driver_codes" in kpis.present:
        stored = {(driver, driven) for driver, driven in await session.execute(text(_DRIVERS_SQL))}
        await asyncio.to_thread(_check_driver_cycles, kpis, stored, problems)
    measurements = plan.sheet("measurements")
    if measurements is not None and "measured_on" in measurements.present:
        today = await kpi_measurements.today(session)
        await asyncio.to_thread(_check_measurement_dates, measurements, today, problems)


def _check_driver_cycles(kpis: Sheet, stored: set[tuple[str, str]], problems: Problems) -> None:
    """The file's driver lists replace the stored ones of its KPIs: refuse a loop."""
    rows = {row.values["code"]: row for row in kpis.rows if row.values.get("code")}
    edges = {(driver, driven) for driver, driven in stored if driven not in rows}
    for code, row in rows.items():
        # A KPI listed as its own driver is reported as a self reference already.
        drivers = row.values.get("driver_codes") or []
        edges.update((driver, code) for driver in drivers if driver != code)
    for cycle in kpi_drivers.cycles(edges):
        in_file = [rows[code] for code in cycle if code in rows]
        if not in_file:
            continue  # already stored: not this file's doing
        first = min(in_file, key=lambda r: r.number)
        message = kpi_drivers.driver_cycle_message(cycle)
        problems.add("kpis", first.number, "driver_codes", message, "kpi_driver_cycle")


def _check_measurement_dates(sheet: Sheet, today: date, problems: Problems) -> None:
    for row in sheet.rows:
        measured_on = row.values.get("measured_on")
        if not isinstance(measured_on, date):
            continue
        problem = kpi_measurements.future_problem(measured_on, today)
        if problem is not None:
            code = kpi_measurements.FUTURE_CODE
            problems.add("measurements", row.number, "measured_on", problem, code)
