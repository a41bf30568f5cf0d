"""KPI alignment: score, accountability matrix, orphan KPIs, initiatives without KPI."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import link_kpi, make_department, make_initiative, make_kpi


async def test_alignment_figures(client: httpx.AsyncClient, session: AsyncSession) -> None:
    hr = await make_department(session, code="hr", name="HR")
    it = await make_department(session, code="it", name="IT")
    mkt = await make_department(session, code="marketing", name="Marketing")
    shared = await make_kpi(session, code="KPI-1", department_ids=[hr.id, it.id])
    silo = await make_kpi(session, code="KPI-2", department_ids=[mkt.id])
    orphan = await make_kpi(session, code="KPI-3", name="Reuse", department_ids=[it.id])
    await make_kpi(session, code="KPI-4", name="Unowned")
    aligned = await make_initiative(session, department_id=hr.id, code="INI-1", budget_planned=300)
    siloed = await make_initiative(session, department_id=mkt.id, code="INI-2", budget_planned=100)
    await make_initiative(
        session, department_id=it.id, code="INI-3", title="Bare", budget_planned=100
    )
    proposal = await make_initiative(
        session, department_id=it.id, code="INI-4", status="proposed", budget_planned=900
    )
    await link_kpi(session, aligned, shared)
    await link_kpi(session, siloed, silo)
    await link_kpi(session, proposal, shared)

    body = (await client.get("/api/v1/portfolio/alignment")).json()
    assert body["alignment_score"] == 0.6  # 300 / 500
    assert (body["aligned_weight"], body["total_weight"]) == ("300.00", "500.00")
    assert (body["aligned_count"], body["initiative_count"]) == (1, 3)
    assert body["matrix"] == [
        {
            "department_id": hr.id,
            "department_code": "hr",
            "department_name": "HR",
            "kpis": [
                {"kpi_id": shared.id, "kpi_code": "KPI-1", "is_owner": True, "is_shared": True}
            ],
        },
        {
            "department_id": it.id,
            "department_code": "it",
            "department_name": "IT",
            "kpis": [
                {"kpi_id": shared.id, "kpi_code": "KPI-1", "is_owner": False, "is_shared": True},
                {"kpi_id": orphan.id, "kpi_code": "KPI-3", "is_owner": True, "is_shared": False},
            ],
        },
        {
            "department_id": mkt.id,
            "department_code": "marketing",
            "department_name": "Marketing",
            "kpis": [
                {"kpi_id": silo.id, "kpi_code": "KPI-2", "is_owner": True, "is_shared": False}
            ],
        },
    ]
    assert [(k["code"], k["owner_department_code"]) for k in body["orphan_kpis"]] == [
        ("KPI-3", "it"),
        ("KPI-4", None),
    ]
    [bare] = body["initiatives_without_kpi"]
    assert (bare["code"], bare["title"], bare["department_code"], bare["budget_planned"]) == (
        "INI-3",
        "Bare",
        "it",
        "100.00",
    )


async def test_no_weight_gives_null_score(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_initiative(session, budget_planned=0)
    body = (await client.get("/api/v1/portfolio/alignment")).json()
    assert (body["alignment_score"], body["initiative_count"], body["total_weight"]) == (
        None,
        1,
        "0.00",
    )


async def test_nothing_aligned_scores_zero(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_initiative(session, budget_planned=50)
    body = (await client.get("/api/v1/portfolio/alignment")).json()
    assert body["alignment_score"] == 0.0
