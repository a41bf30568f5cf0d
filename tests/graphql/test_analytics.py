"""GraphQL analytics on a hand-built portfolio: the same figures as the analytics service."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import link_kpi, make_department, make_initiative, make_kpi, make_person
from tests.graphql.conftest import Run


async def _portfolio(session: AsyncSession) -> dict[str, Any]:
    sales = await make_department(session, code="sales")
    ops = await make_department(session, code="ops")
    boss = await make_person(session, department_id=sales.id, name="Boss")
    lead = await make_person(session, department_id=sales.id, manager_id=boss.id, name="Lead")
    other = await make_person(session, department_id=ops.id, name="Other")
    app = await make_initiative(
        session,
        code="INI-APP",
        department_id=sales.id,
        owner_id=lead.id,
        orientation="client_facing",
        budget_planned=300,
    )
    await make_initiative(
        session,
        code="INI-ERP",
        department_id=ops.id,
        owner_id=other.id,
        orientation="internal",
        budget_planned=100,
        status="approved",
    )
    await make_initiative(
        session,
        code="INI-HYB",
        department_id=ops.id,
        owner_id=boss.id,
        orientation="hybrid",
        budget_planned=200,
        status="on_hold",
    )
    await make_initiative(
        session,
        code="INI-NEW",
        department_id=sales.id,
        owner_id=lead.id,
        orientation="client_facing",
        budget_planned=1000,
        status="proposed",
    )
    kpi = await make_kpi(session, code="NPS", department_ids=[sales.id, ops.id])
    await link_kpi(session, app, kpi)
    return {"boss": boss.id, "lead": lead.id}


async def test_portfolio_balance(session: AsyncSession, graphql: Run) -> None:
    await _portfolio(session)
    query = """
    query($weight: BalanceWeight!, $statuses: [InitiativeStatus!]) {
      portfolioBalance(weight: $weight, statuses: $statuses) {
        weight clientShare totalWeight initiativeCount bandMax withinBand
        departments { departmentCode clientShare initiativeCount }
      }
    }
    """
    budget = (await graphql(query, {"weight": "budget"}))["data"]["portfolioBalance"]
    assert budget == {
        "weight": "budget",
        "clientShare": 0.6667,
        "totalWeight": "600.00",
        "initiativeCount": 3,
        "bandMax": 0.6,
        "withinBand": False,
        "departments": [
            {"departmentCode": "ops", "clientShare": 0.3333, "initiativeCount": 2},
            {"departmentCode": "sales", "clientShare": 1.0, "initiativeCount": 1},
        ],
    }
    count = (await graphql(query, {"weight": "count"}))["data"]["portfolioBalance"]
    assert (count["clientShare"], count["withinBand"]) == (0.5, True)
    pipeline = {"weight": "budget", "statuses": ["proposed", "in_progress"]}
    what_if = (await graphql(query, pipeline))["data"]["portfolioBalance"]
    assert (what_if["clientShare"], what_if["initiativeCount"]) == (1.0, 2)


async def test_portfolio_flags_and_initiative_flags(session: AsyncSession, graphql: Run) -> None:
    await _portfolio(session)
    query = """
    {
      portfolioFlags(code: [NO_KPI, PORTFOLIO_CLIENT_SKEW], first: 10) {
        nodes { code severity entityType entityCode entity { ... on Initiative { code } } }
        counts { code count }
        pageInfo { hasNextPage }
      }
      initiative(code: "INI-ERP") { flags { code } }
    }
    """
    body = await graphql(query)
    flags = body["data"]["portfolioFlags"]
    assert [(f["code"], f["entityCode"]) for f in flags["nodes"]] == [
        ("PORTFOLIO_CLIENT_SKEW", None),
        ("NO_KPI", "INI-ERP"),
        ("NO_KPI", "INI-HYB"),
    ]
    assert flags["nodes"][1]["entity"] == {"code": "INI-ERP"}
    counts = {c["code"]: c["count"] for c in flags["counts"]}
    assert (counts["NO_KPI"], counts["PORTFOLIO_CLIENT_SKEW"]) == (2, 1)
    assert "NO_KPI" in [f["code"] for f in body["data"]["initiative"]["flags"]]


async def test_kpi_alignment(session: AsyncSession, graphql: Run) -> None:
    await _portfolio(session)
    query = """
    {
      kpiAlignment {
        alignmentScore initiativeCount alignedCount
        matrix { departmentCode kpis { kpiCode isOwner isShared } }
        orphanKpis { code }
        initiativesWithoutKpi { code }
      }
    }
    """
    alignment = (await graphql(query))["data"]["kpiAlignment"]
    assert alignment["alignmentScore"] == 0.5
    assert (alignment["initiativeCount"], alignment["alignedCount"]) == (3, 1)
    assert alignment["orphanKpis"] == []
    assert sorted(i["code"] for i in alignment["initiativesWithoutKpi"]) == ["INI-ERP", "INI-HYB"]
    rows = {row["departmentCode"]: row["kpis"] for row in alignment["matrix"]}
    assert rows["sales"] == [{"kpiCode": "NPS", "isOwner": True, "isShared": True}]


async def test_person_portfolio_roll_up(session: AsyncSession, graphql: Run) -> None:
    people = await _portfolio(session)
    query = """
    query($id: ID!) { person(id: $id) { name portfolio { clientShare initiativeCount } } }
    """
    boss = (await graphql(query, {"id": str(people["boss"])}))["data"]["person"]
    assert boss == {"name": "Boss", "portfolio": {"clientShare": 0.8, "initiativeCount": 2}}


async def test_portfolio_snapshots(session: AsyncSession, graphql: Run) -> None:
    query = "{ portfolioSnapshots(first: 10) { nodes { takenOn } pageInfo { hasNextPage } } }"
    body = await graphql(query)
    assert body["data"]["portfolioSnapshots"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}
