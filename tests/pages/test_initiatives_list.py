"""Pages: the initiative list (filters, sorting, pages) and its statement count."""

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.factories import make_initiative
from tests.pages.conftest import Browser, World, grow


def _codes(page: str) -> list[str]:
    return re.findall(r'<td class="code">(INI-\d+)</td>', page)


async def test_list_shows_every_initiative_with_its_figures(viewer: Browser, world: World) -> None:
    response = await viewer.get("/initiatives")
    assert response.status_code == 200
    assert _codes(response.text) == ["INI-001", "INI-002", "INI-003"]
    assert "3 initiatives." in response.text
    row = response.text.split('<td class="code">INI-001</td>')[1].split("</tr>")[0]
    assert "Web shop redesign" in row and "Marketing" in row and "Julien Roche" in row
    assert '<td class="num" data-label="Complete">45.0%</td>' in row
    assert "health-green" in row


async def test_filters_combine(viewer: Browser, world: World) -> None:
    cases = {
        f"department={world.marketing.id}": ["INI-001", "INI-003"],
        "status=proposed": ["INI-003"],
        "status=proposed&status=in_progress": ["INI-001", "INI-002", "INI-003"],
        "orientation=internal": ["INI-002"],
        "flag=TECH_PUSH": ["INI-003"],
        "flag=NO_KPI": ["INI-002"],
        f"owner_line={world.cio.id}": ["INI-002"],
        f"owner_line={world.cdo.id}&orientation=client_facing": ["INI-001", "INI-003"],
        "q=chatbot": ["INI-003"],
        f"q=shop&department={world.it.id}": [],
    }
    for query, expected in cases.items():
        page = (await viewer.get(f"/initiatives?{query}")).text
        assert _codes(page) == expected, query


async def test_unknown_filter_values_are_ignored(viewer: Browser, world: World) -> None:
    response = await viewer.get("/initiatives?department=x&status=nope&flag=NOPE&sort=evil&page=-3")
    assert response.status_code == 200
    assert _codes(response.text) == ["INI-001", "INI-002", "INI-003"]


async def test_sorting_by_a_column_and_back(viewer: Browser, world: World) -> None:
    by_budget = (await viewer.get("/initiatives?sort=budget&dir=desc")).text
    assert _codes(by_budget) == ["INI-001", "INI-002", "INI-003"]
    assert 'aria-sort="descending"><a href="/initiatives?sort=budget">Budget' in by_budget
    by_title = (await viewer.get("/initiatives?sort=title")).text
    assert _codes(by_title) == ["INI-003", "INI-002", "INI-001"]
    by_health = (await viewer.get("/initiatives?sort=health")).text
    assert _codes(by_health) == ["INI-001", "INI-002", "INI-003"]


async def test_pages_of_25(viewer: Browser, world: World, session: AsyncSession) -> None:
    for n in range(30):
        await make_initiative(session, code=f"INI-{100 + n}", department_id=world.it.id)
    await session.commit()
    first = (await viewer.get("/initiatives")).text
    assert len(_codes(first)) == 25
    assert "Page 1 of 2 · 33 initiatives" in first
    assert '<a href="/initiatives?page=2" rel="next">' in first
    second = (await viewer.get("/initiatives?page=2")).text
    assert _codes(second) == [f"INI-{n}" for n in range(122, 130)]
    beyond = (await viewer.get("/initiatives?page=9")).text
    assert "No initiative matches these filters." in beyond


async def test_empty_states(viewer: Browser, cdo: Browser, world: World) -> None:
    nothing = (await viewer.get("/initiatives?q=zzz")).text
    assert "No initiative matches these filters." in nothing
    assert 'href="/initiatives">Clear the filters' in nothing


async def test_only_writers_see_new_initiative(
    viewer: Browser, head: Browser, cdo: Browser, world: World
) -> None:
    assert 'href="/initiatives/new"' not in (await viewer.get("/initiatives")).text
    assert 'href="/initiatives/new"' in (await head.get("/initiatives")).text
    assert 'href="/initiatives/new"' in (await cdo.get("/initiatives")).text


async def test_list_statements_do_not_grow_with_the_data(
    viewer: Browser, world: World, session: AsyncSession, queries: QueryCounter
) -> None:
    counts = []
    for size in (0, 40):
        await grow(session, world, size)
        for query in ("", "?flag=NO_KPI&sort=health", f"?owner_line={world.cdo.id}&q=Initiative"):
            queries.reset()
            assert (await viewer.get(f"/initiatives{query}")).status_code == 200
            counts.append(queries.count)
    assert counts[:3] == counts[3:], counts
    assert max(counts) <= 7, counts
