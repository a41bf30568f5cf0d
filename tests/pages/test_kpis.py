"""Pages: the KPI registry, a KPI's page and recording a measurement."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import KpiMeasurement
from tests.factories import make_driver, make_kpi
from tests.pages.conftest import TODAY, Browser, World


async def test_registry_shows_perspective_departments_sharing_and_last_value(
    viewer: Browser, world: World, session: AsyncSession
) -> None:
    await make_kpi(session, code="CSAT", name="Contact satisfaction", department_ids=[world.it.id])
    await session.commit()
    response = await viewer.get("/kpis")
    assert response.status_code == 200
    nps = response.text.split('<span class="code">NPS</span>')[1].split("</tr>")[0]
    assert "<strong>Marketing</strong>, Information Technology" in nps
    assert "Shared</span>" in nps
    assert '<td class="num">14.00 %</td>' in nps
    assert "↑ 20.00 %" in nps
    csat = response.text.split('<span class="code">CSAT</span>')[1].split("</tr>")[0]
    assert '<span class="muted">Single</span>' in csat and "<td>Never</td>" in csat


async def test_registry_filters(viewer: Browser, world: World, session: AsyncSession) -> None:
    await make_kpi(session, code="CSAT", name="Contact satisfaction", perspective="customer")
    await session.commit()
    shared = (await viewer.get("/kpis?shared=yes")).text
    assert "NPS" in shared and "CSAT" not in shared
    customer = (await viewer.get("/kpis?perspective=customer")).text
    assert "CSAT" in customer and ">NPS<" not in customer
    none = (await viewer.get("/kpis?q=zzz")).text
    assert "No KPI matches these filters." in none


async def test_kpi_page_charts_measurements_against_baseline_and_target(
    viewer: Browser, world: World, session: AsyncSession
) -> None:
    driver = await make_kpi(session, code="EX", name="Agent tooling", perspective="employee")
    await make_driver(session, driver, await session.get_one(type(driver), world.nps.id))
    await session.commit()
    response = await viewer.get(f"/kpis/{world.nps.id}")
    assert response.status_code == 200
    page = response.text
    assert '"name":"Baseline"' in page and '"name":"Target"' in page
    assert '"name":"Measurements"' in page
    assert (
        "2 measurements; the latest" in page
        and "is 14.00 % (baseline 10.00 %, target 20.00 %)." in page
    )
    assert f'<a href="/initiatives/{world.shop.id}"><span class="code">INI-001</span>' in page
    driven_by = page.split("<h3>Driven by</h3>")[1].split("<h3>Drives</h3>")[0]
    assert "Agent tooling" in driven_by
    assert "Record a measurement" not in page  # a viewer records nothing


async def test_accountable_head_records_a_measurement(
    head: Browser, world: World, session: AsyncSession
) -> None:
    page = (await head.get(f"/kpis/{world.nps.id}")).text
    assert "Record a measurement" in page
    form = {"measured_on": TODAY.isoformat(), "value": "15.5", "source": "Survey"}
    response = await head.post(f"/kpis/{world.nps.id}/measurements", form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/kpis/{world.nps.id}#measurements"
    stored = await session.scalar(
        select(KpiMeasurement).where(
            KpiMeasurement.kpi_id == world.nps.id, KpiMeasurement.measured_on == TODAY
        )
    )
    assert stored is not None
    assert (stored.value, stored.source, stored.recorded_by_id) == (
        Decimal("15.5000"),
        "Survey",
        world.cmo.id,
    )
    assert "recorded." in (await head.get(response.headers["location"])).text


async def test_measurement_errors_are_shown_next_to_the_field(head: Browser, world: World) -> None:
    response = await head.post(
        f"/kpis/{world.nps.id}/measurements", {"measured_on": "yesterday", "value": "abc"}
    )
    assert response.status_code == 422
    assert '<p class="error" id="e-measured_on">' in response.text
    assert '<p class="error" id="e-value">Value must be a number.</p>' in response.text


async def test_others_cannot_record(
    viewer: Browser, head: Browser, world: World, session: AsyncSession
) -> None:
    it_only = await make_kpi(session, code="UPTIME", name="Uptime", department_ids=[world.it.id])
    kpi_id = int(it_only.id)
    await session.commit()
    form = {"measured_on": TODAY.isoformat(), "value": "1"}
    assert (await viewer.post(f"/kpis/{world.nps.id}/measurements", form)).status_code == 403
    assert "Record a measurement" not in (await head.get(f"/kpis/{kpi_id}")).text
    assert (await head.post(f"/kpis/{kpi_id}/measurements", form)).status_code == 403


async def test_unknown_kpi_is_a_404_page(viewer: Browser, world: World) -> None:
    response = await viewer.get("/kpis/987654")
    assert response.status_code == 404
    assert "Kpi 987654 does not exist." in response.text
