"""KPI driver cycles are refused (409) and measurements dated after today (422), everywhere."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_department, make_driver, make_kpi
from tests.transfer.helpers import problem, problems_of, run

URL = "/api/v1/kpis"


async def _today(session: AsyncSession) -> date:
    day: date = (await session.execute(text("SELECT current_date"))).scalar_one()
    return day


async def test_rest_refuses_a_driver_closing_a_cycle_and_names_it(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    tooling = await make_kpi(session, code="TOOLING")
    csat = await make_kpi(session, code="CSAT")
    nps = await make_kpi(session, code="NPS")
    await make_driver(session, tooling, csat)
    await make_driver(session, csat, nps)
    await session.commit()
    tooling_id, nps_id = tooling.id, nps.id
    response = await client.post(f"{URL}/{tooling_id}/drivers", json={"driver_kpi_id": nps_id})
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["field"]) == ("kpi_driver_cycle", "driver_kpi_id")
    assert body["detail"] == "This driver makes a KPI driver cycle: NPS → TOOLING → CSAT → NPS."
    drivers = (await client.get(f"{URL}/{tooling_id}/drivers")).json()
    assert drivers["drivers"] == []
    # Not a cycle: the same KPI may drive two KPIs that drive a third.
    ok = await client.post(f"{URL}/{nps_id}/drivers", json={"driver_kpi_id": tooling_id})
    assert ok.status_code == 201, ok.text


async def test_the_database_refuses_a_cycle_written_around_the_service(
    session: AsyncSession,
) -> None:
    a = await make_kpi(session, code="KPI-A")
    b = await make_kpi(session, code="KPI-B")
    await make_driver(session, a, b)
    with pytest.raises(IntegrityError) as refused:
        await make_driver(session, b, a)
    assert "This driver makes a KPI driver cycle: KPI-B → KPI-A → KPI-B." in str(refused.value)


async def _two_kpis(session: AsyncSession) -> None:
    """KPI-A drives KPI-B, both owned by the department `ops` (committed)."""
    ops = await make_department(session, code="ops")
    a = await make_kpi(session, code="KPI-A", department_ids=[ops.id])
    b = await make_kpi(session, code="KPI-B", department_ids=[ops.id])
    await make_driver(session, a, b)
    await session.commit()


async def test_import_refuses_a_driver_cycle_with_the_database(session: AsyncSession) -> None:
    await _two_kpis(session)
    data = (
        "code,name,direction,perspective,department_codes,driver_codes\n"
        "KPI-A,Agent tooling,increase,employee,ops,KPI-B\n"
    )
    assert await problems_of(session, data, "kpis.csv") == [
        problem(
            "kpis",
            2,
            "driver_codes",
            "This driver makes a KPI driver cycle: KPI-A → KPI-B → KPI-A.",
            "kpi_driver_cycle",
        )
    ]
    # The file's lists replace the stored ones: with KPI-B no longer driven by KPI-A, KPI-B
    # may drive KPI-A.
    data += "KPI-B,Satisfaction,increase,customer,ops,\n"
    assert (await run(session, data, "kpis.csv")).ok
    rows = await session.execute(
        text(
            "SELECT dr.code, dn.code FROM kpi_driver d JOIN kpi dr ON dr.id = d.driver_kpi_id"
            " JOIN kpi dn ON dn.id = d.driven_kpi_id"
        )
    )
    assert rows.all() == [("KPI-B", "KPI-A")]


async def test_rest_refuses_a_measurement_dated_after_today(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    kpi = await make_kpi(session)
    await session.commit()
    today = await _today(session)
    tomorrow = today + timedelta(days=1)
    url = f"{URL}/{kpi.id}/measurements"
    refused = await client.post(url, json={"measured_on": tomorrow.isoformat(), "value": "1"})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (body["code"], body["field"]) == ("measured_in_future", "measured_on")
    assert body["detail"] == (
        f"measured_on: {tomorrow} is after today ({today}); record a value once measured."
    )
    items = [{"measured_on": today.isoformat(), "value": "1"}]
    items.append({"measured_on": tomorrow.isoformat(), "value": "2"})
    bulk = await client.post(f"{url}/bulk", json={"items": items})
    assert bulk.status_code == 422, bulk.text
    assert (bulk.json()["code"], bulk.json()["field"]) == (
        "measured_in_future",
        "items.1.measured_on",
    )
    assert (await client.get(url)).json()["items"] == []
    ok = await client.post(url, json={"measured_on": today.isoformat(), "value": "3"})
    assert ok.status_code == 201, ok.text


async def test_import_refuses_a_measurement_dated_after_today(session: AsyncSession) -> None:
    await make_kpi(session, code="NPS")
    await session.commit()
    today = await _today(session)
    tomorrow = today + timedelta(days=1)
    data = f"kpi_code,measured_on,value\nNPS,{today},1\nNPS,{tomorrow},2\n"
    assert await problems_of(session, data, "measurements.csv") == [
        problem(
            "measurements",
            3,
            "measured_on",
            f"measured_on: {tomorrow} is after today ({today}); record a value once measured.",
            "measured_in_future",
        )
    ]
