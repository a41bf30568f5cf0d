"""Pages at scale: each page runs a fixed number of SQL statements whatever the number of
initiatives, and reads only the figures it shows."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from service.portfolio.payloads import FlagCode
from service.triage import service as triage
from tests.conftest import QueryCounter
from tests.factories import link_kpi, make_kpi
from tests.pages.conftest import Browser, World, grow

# The most statements each page may run, for the CDO office and a department head.
# A signed-in request adds two: its session and its account.
MOST = {
    "/": 14,
    "/flags": 5,
    "/flags?view=severity": 5,
    "/kpis/{nps}": 10,
    "/people/{cio}": 10,
    "/initiatives/{shop}": 22,
    "/departments/{marketing}": 11,
}


async def test_pages_run_as_many_statements_at_any_size(
    cdo: Browser, head: Browser, world: World, session: AsyncSession, queries: QueryCounter
) -> None:
    ids = {"nps": world.nps.id, "cio": world.cio.id, "shop": world.shop.id}
    ids["marketing"] = world.marketing.id
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for size in (0, 15):
        await grow(session, world, size)
        for role, browser in (("cdo", cdo), ("head", head)):
            for page in MOST:
                queries.reset()
                assert (await browser.get(page.format(**ids))).status_code == 200, page
                counts.setdefault(size, {})[(role, page)] = queries.count
    assert counts[0] == counts[15]
    over = {key: n for key, n in counts[15].items() if n > MOST[key[1]]}
    assert not over, over


async def test_the_dashboard_reads_the_alignment_score_without_the_matrix(
    cdo: Browser, world: World, queries: QueryCounter
) -> None:
    queries.reset()
    page = (await cdo.get("/")).text
    # One active initiative of two hangs on the shared NPS: the shop's 300 of 400.
    assert "(1 of 2 initiatives)" in page
    assert not [s for s in queries.statements if "AS matrix" in s or "orphan" in s]


async def test_the_ranked_flags_sum_each_kpis_stakes_once(
    cdo: Browser, world: World, session: AsyncSession, queries: QueryCounter
) -> None:
    queries.reset()
    assert (await cdo.get("/flags")).status_code == 200
    ranked = [s for s in queries.statements if "kpi_stakes" in s]
    assert len(ranked) == 1
    # Summed in one CTE for every flagged KPI, then read by the page's rows.
    assert ranked[0].count("FROM initiative_kpi sk JOIN initiative si") == 1


async def test_a_kpi_flag_is_ranked_by_the_money_of_its_active_initiatives(
    session: AsyncSession, world: World
) -> None:
    kpi = await make_kpi(session, code="CHURN", department_ids=[world.marketing.id])
    for initiative in (world.shop, world.erp, world.idea):  # the idea is only proposed
        await link_kpi(session, initiative, kpi, "0.6")
    ranked = await triage.rank_flags(session, codes=[FlagCode.KPI_OVERCLAIMED])
    [flag] = ranked.items
    # Budgets 300 + 100 against spend 120 + 0: the larger, 400.
    assert (flag.entity_id, flag.stakes) == (kpi.id, Decimal("400.00"))
    assert ranked.to_act_on["KPI_OVERCLAIMED"].stakes == Decimal("400.00")
