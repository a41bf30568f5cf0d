"""Pages: the flags page opens on what to act on, with the triage forms for those who may;
the dashboard's top flags are the top of the ranking, grouped when one type repeats."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from service.pages.views import triage as view
from service.triage import service
from tests.pages.conftest import Browser, World
from tests.triage.conftest import Portfolio


def _listed(page: str) -> str:
    return page.split('id="list-title"')[1].split("</section>")[0]


async def test_the_flags_page_ranks_by_stakes_and_offers_triage(cdo: Browser, world: World) -> None:
    response = await cdo.get("/flags")
    assert response.status_code == 200
    listed = _listed(response.text)
    items = listed.split("<li>")[1:]
    # The portfolio's skew concerns all 400 of the active budget; the marketing skew 300.
    assert "Client-facing work is 75.0% of the active budget (band" in items[0]
    assert "€400 at stake" in items[0] and "the CDO office should act" in items[0]
    assert "of the active budget of Marketing" in items[1] and "Julien Roche should act" in items[1]
    assert listed.count("<summary>Triage") == len(items)
    assert 'aria-current="page">To act on' in response.text


async def test_a_head_acknowledges_from_the_page(head: Browser, world: World) -> None:
    url = f"/flags/TECH_PUSH/initiative/{world.idea.id}/acknowledge"
    done = await head.post(url, {"note": "Pilot stops in March.", "next": "/flags"})
    assert (done.status_code, done.headers["location"]) == (303, "/flags")
    listed = _listed((await head.get("/flags")).text)
    assert "INI-003 Chatbot pilot starts from a technology" not in listed
    acknowledged = _listed((await head.get("/flags?view=acknowledged")).text)
    assert "INI-003 Chatbot pilot starts from a technology" in acknowledged
    assert "Note: Pilot stops in March." in acknowledged


async def test_a_refusal_comes_back_as_a_sentence(head: Browser, world: World) -> None:
    url = f"/flags/NO_KPI/initiative/{world.erp.id}/snooze"  # IT's initiative
    refused = await head.post(url, {"until": "2099-01-01"})
    assert refused.status_code == 303
    page = (await head.get(refused.headers["location"])).text
    assert "may not acknowledge, assign or snooze this flag" in page


async def test_readers_get_no_triage_forms(viewer: Browser, world: World) -> None:
    listed = _listed((await viewer.get("/flags")).text)
    assert "<li>" in listed and "<summary>Triage" not in listed


async def test_a_repeated_type_is_one_dashboard_line(
    session: AsyncSession, portfolio: Portfolio
) -> None:
    ranked = await service.rank_flags(session, limit=8)
    lines = view.top_lines(ranked)
    grouped = [line for line in lines if line.flag is None]
    no_kpi = next(line for line in grouped if line.code.value == "NO_KPI")
    assert (no_kpi.count, no_kpi.stakes, no_kpi.link) == (
        4,
        Decimal("1900.00"),
        "/flags?code=NO_KPI",
    )
    assert no_kpi.phrase == "active initiatives linked to no KPI"
    assert [line.code for line in lines].count(no_kpi.code) == 1
