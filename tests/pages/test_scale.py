"""Pages that scale: no list of every person or KPI in a page (type-ahead pickers instead),
the org tree collapsed with lazy branches and a search, KPI links on the create form."""

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative, InitiativeKpi, Person
from service.demo.loader import load_company
from tests.factories import make_kpi
from tests.pages.conftest import Browser, SignIn, World

PERSON_NODE = '<div class="person'


def _new(world: World, **changes: str) -> dict[str, str]:
    return {
        "origin": "user_need",
        "user_need": "Store managers learn of stock-outs from customers.",
        "code": "INI-060",
        "orientation": "internal",
        "title": "Stock alerts",
        "department_id": str(world.marketing.id),
        "owner_id": str(world.cmo.id),
    } | changes


async def _stored(session: AsyncSession, code: str) -> Initiative | None:
    stmt = select(Initiative).where(Initiative.code == code)
    return await session.scalar(stmt.execution_options(populate_existing=True))


# Pickers instead of option lists


async def test_list_and_new_form_carry_no_people_options(head: Browser, world: World) -> None:
    for url in ("/initiatives", "/initiatives/new"):
        page = (await head.get(url)).text
        for name in ("Samuel Okafor", "Marta Kowalski", "Anna Novak"):
            assert f"{name}</option>" not in page, (url, name)
        assert 'data-picker="people"' in page
    form = (await head.get("/initiatives/new")).text
    sponsor = form.split('id="f-sponsor_id"')[1].split(">")[0]
    assert 'type="number"' in sponsor and 'name="sponsor_id"' in sponsor
    assert form.count('data-picker="kpis"') == 3  # the KPI links of the new initiative


async def test_owner_filter_shows_the_chosen_person(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/initiatives?owner_line={world.cio.id}")).text
    field = page.split('id="f-owner_line"')[1].split(">")[0]
    assert f'value="{world.cio.id}" data-picker-label="Marta Kowalski — CIO"' in field


# The org tree


async def test_org_page_at_demo_scale_renders_only_the_collapsed_levels(
    sign_in: SignIn, session: AsyncSession
) -> None:
    await load_company(session, today=date(2026, 11, 23))
    await session.commit()
    everyone = await session.scalar(select(func.count()).select_from(Person))
    cdo = await sign_in("cdo_office")
    page = (await cdo.get("/org")).text
    assert (everyone, page.count(PERSON_NODE)) == (60, 9)  # the top and their 8 reports
    assert page.count('class="branch-toggle"') == 9  # each of them has reports to open
    assert len(page.encode()) < 20_000


async def test_a_branch_is_one_persons_direct_reports(viewer: Browser, world: World) -> None:
    fragment = (await viewer.get(f"/org/branch/{world.cio.id}")).text
    assert fragment.count(PERSON_NODE) == 1
    assert f'<li id="person-{world.dev.id}">' in fragment
    assert "<html" not in fragment and "1 active initiative" in fragment
    assert (await viewer.get("/org/branch/987654")).status_code == 404


async def test_search_opens_the_tree_down_to_the_person(viewer: Browser, world: World) -> None:
    page = (await viewer.get("/org", params={"q": "novak"})).text
    assert f'<li id="person-{world.dev.id}" class="found">' in page
    assert page.count(PERSON_NODE) == 4
    several = (await viewer.get("/org", params={"q": "o"})).text
    assert "People matching “o”" in several
    links = re.findall(r'<a href="/org\?open=(\d+)#person-\d+">([^<]+)</a>', several)
    assert [name for _, name in links] == [
        "Anna Novak",
        "Julien Roche",
        "Marta Kowalski",
        "Samuel Okafor",
    ]
    assert "No one matches “zz”" in (await viewer.get("/org", params={"q": "zz"})).text
    assert (await viewer.get("/org", params={"open": "987654"})).status_code == 404


async def test_the_signed_in_persons_line_is_open(sign_in: SignIn, world: World) -> None:
    anna = await sign_in("contributor", person_id=world.dev.id)
    page = (await anna.get("/org")).text
    assert f'<li id="person-{world.dev.id}">' in page and page.count(PERSON_NODE) == 4


# KPI links on the create form


async def test_create_with_kpi_links(head: Browser, world: World, session: AsyncSession) -> None:
    form = _new(world, kpi_id_1=str(world.nps.id), kpi_weight_1="40", kpi_id_3="", kpi_weight_3="")
    response = await head.post("/initiatives/new", form)
    assert response.status_code == 303
    created = await _stored(session, "INI-060")
    assert created is not None
    links = (
        await session.execute(
            select(InitiativeKpi.kpi_id, InitiativeKpi.weight).where(
                InitiativeKpi.initiative_id == created.id
            )
        )
    ).all()
    assert [tuple(row) for row in links] == [(world.nps.id, Decimal("0.4000"))]


async def test_a_refused_kpi_link_creates_nothing(
    head: Browser, world: World, session: AsyncSession
) -> None:
    kpi = await make_kpi(session, code="CONV", name="Conversion", department_ids=[world.it.id])
    kpi_id = int(kpi.id)
    await session.commit()
    form = _new(world, kpi_id_1=str(kpi_id), kpi_id_2="987654")
    response = await head.post("/initiatives/new", form)
    assert response.status_code == 422
    page = response.text
    assert '<p class="error" id="e-kpi_id_2">Kpi 987654 does not exist.</p>' in page
    assert f'value="{kpi_id}" data-picker-label="CONV — Conversion"' in page  # kept
    assert await _stored(session, "INI-060") is None
    assert await session.scalar(select(func.count()).select_from(InitiativeKpi)) == 1


async def test_kpi_rows_are_checked_before_anything_is_written(
    head: Browser, world: World, session: AsyncSession
) -> None:
    form = _new(
        world,
        kpi_id_1=str(world.nps.id),
        kpi_weight_1="150",
        kpi_id_2="NPS",
        kpi_id_3=str(world.nps.id),
    )
    response = await head.post("/initiatives/new", form)
    assert response.status_code == 422
    page = response.text
    assert '<p class="error" id="e-kpi_weight_1">Enter a percentage between 0 and 100.</p>' in page
    assert (
        '<p class="error" id="e-kpi_id_2">Choose a KPI from the suggestions (or enter its number).'
        in page
    )
    assert "Please correct 2 fields" in page
    typed = _new(world, kpi_id_1="", kpi_id_1_search="conversion")  # no suggestion chosen
    page = (await head.post("/initiatives/new", typed)).text
    assert 'id="e-kpi_id_1">Choose a KPI from the suggestions (or enter its number).' in page
    duplicate = _new(world, kpi_id_1=str(world.nps.id), kpi_id_2=str(world.nps.id))
    page = (await head.post("/initiatives/new", duplicate)).text
    assert '<p class="error" id="e-kpi_id_2">This KPI is already linked in a row above.</p>' in page
    assert await _stored(session, "INI-060") is None
