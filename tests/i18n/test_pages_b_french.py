"""The flags and KPI pages in French for a French-preferring browser, in English without it:
their sentences, counts and money as each language writes them."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_initiative, make_kpi, make_measurement
from tests.pages.conftest import TODAY, Browser, World, cdo, head, sign_in, world

__all__ = ["cdo", "head", "sign_in", "world"]  # the signed-in clients of tests/pages

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
NBSP = "\u00a0"  # Babel's no-break space before % and € and inside "14,4 M €"
NNBSP = "\u202f"  # French thousands separator


@dataclass(frozen=True)
class Figures:
    kpi: int  # calls answered: 13,799.5 calls, measured today


@pytest.fixture
async def figures(session: AsyncSession, world: World) -> Figures:
    """Big figures: client-facing work in marketing that brings the active budget to €14.4M,
    and a KPI measured in the thousands."""
    await make_initiative(
        session,
        code="INI-900",
        title="Store network",
        orientation="client_facing",
        department_id=world.marketing.id,
        owner_id=world.cmo.id,
        budget_planned=Decimal("14399600.00"),
    )
    calls = await make_kpi(
        session,
        code="CALLS",
        name="Calls answered",
        unit="calls",
        department_ids=[world.marketing.id],
    )
    await make_measurement(session, calls, TODAY, "13799.5")
    await session.commit()
    return Figures(kpi=int(calls.id))


def _first_flag(page: str) -> str:
    """The first entry of the ranked list: the most money at stake."""
    return page.split('id="list-title"')[1].split("<li>")[1].split("<details")[0]


async def test_flags_to_act_on_in_french(cdo: Browser, figures: Figures) -> None:
    response = await cdo.get("/flags", headers=FRENCH)
    page = response.text
    assert response.headers["content-language"] == "fr"
    assert "<title>Alertes à traiter" in page
    assert '<a href="/flags?view=to_act_on" aria-current="page">À traiter (' in page
    assert '<h2 id="list-title">À traiter</h2>' in page
    stakes = f"14,4{NBSP}M{NBSP}€ en jeu · depuis 0 jour · le bureau du CDO doit agir"
    assert stakes in _first_flag(page)
    assert "<summary>Traiter<span" in page
    assert ">Mettre en veille</button>" in page
    assert "at stake" not in page


async def test_flags_to_act_on_in_english(cdo: Browser, figures: Figures) -> None:
    page = (await cdo.get("/flags")).text
    assert "<title>Flags to act on" in page
    assert '<h2 id="list-title">To act on</h2>' in page
    assert "€14.4M at stake · 0 days old · the CDO office should act" in _first_flag(page)
    assert ">Snooze</button>" in page
    assert "en jeu" not in page


async def test_a_kpi_page_in_french_then_english(head: Browser, figures: Figures) -> None:
    page = (await head.get(f"/kpis/{figures.kpi}", headers=FRENCH)).text
    assert '<h2 id="m-title">Mesures face à la référence et à la cible</h2>' in page
    assert "<dt>Sens</dt><dd>Plus haut, c'est mieux</dd>" in page
    assert f'<td class="num">13{NNBSP}799,50 calls</td>' in page
    assert f"Aucune initiative ne fait encore bouger ce KPI{NBSP}: c'est un KPI orphelin." in page
    assert '<label for="f-value">Valeur (calls)' in page
    assert ">Enregistrer la mesure</button>" in page
    # The same page without the preference: English.
    page = (await head.get(f"/kpis/{figures.kpi}")).text
    assert '<h2 id="m-title">Measurements against baseline and target</h2>' in page
    assert "<dt>Direction</dt><dd>Higher is better</dd>" in page
    assert '<td class="num">13,799.50 calls</td>' in page
    assert "No initiative moves this KPI yet: it is an orphan KPI." in page
    assert '<label for="f-value">Value (calls)' in page
    assert "Enregistrer" not in page
