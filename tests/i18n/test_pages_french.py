"""Pages in French for a French-preferring browser, in English without the preference."""

import pytest

from tests.pages.conftest import Browser, World, cdo, sign_in, viewer, world

__all__ = ["cdo", "sign_in", "viewer", "world"]  # the signed-in clients of tests/pages

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
NBSP = "\u00a0"  # the no-break space Babel puts before % and €


async def test_the_dashboard_speaks_french_with_french_numbers(cdo: Browser, world: World) -> None:
    response = await cdo.get("/", headers=FRENCH)
    page = response.text
    assert response.headers["content-language"] == "fr"
    assert '<html lang="fr">' in page
    assert '<a href="/" aria-current="page">Tableau de bord</a>' in page
    assert "<h1>Équilibre du portefeuille</h1>" in page
    assert f"2 initiatives actives, 400{NBSP}€ prévus." in page
    assert f'<span class="value">75,0{NBSP}%</span>' in page
    assert f"Au-dessus de la fourchette (au plus 60,0{NBSP}%)" in page
    assert ">Se déconnecter</button>" in page
    assert '<option value="fr" lang="fr">Français</option>' in page


async def test_the_dashboard_stays_english_without_the_preference(
    cdo: Browser, world: World
) -> None:
    page = (await cdo.get("/")).text
    assert '<a href="/" aria-current="page">Dashboard</a>' in page
    assert "<h1>Portfolio balance</h1>" in page
    assert "2 active initiatives, €400 planned." in page
    assert '<span class="value">75.0%</span>' in page
    assert "Tableau de bord" not in page


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (FRENCH, ["<h1>Initiatives</h1>", "3 initiatives.", "Tous les départements", ">45,0"]),
        ({}, ["<h1>Initiatives</h1>", "3 initiatives.", "All departments", ">45.0%</td>"]),
    ],
)
async def test_the_initiatives_list_follows_the_browser(
    viewer: Browser, world: World, headers: dict[str, str], words: list[str]
) -> None:
    page = (await viewer.get("/initiatives", headers=headers)).text
    assert [word for word in words if word not in page] == []


async def test_an_initiative_page_in_french(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/initiatives/{world.shop.id}", headers=FRENCH)).text
    assert '<h2 id="kpis-title">KPI qu\'elle fait bouger</h2>' in page
    assert f"<dt>Budget prévu</dt><dd>300{NBSP}€</dd>" in page
    assert f"<dt>Dépensé à ce jour</dt><dd>120{NBSP}€</dd>" in page
    assert f'<td class="num">60,0{NBSP}%</td>' in page  # the KPI's weight
    assert f"45,0{NBSP}% d'avancement" in page
    assert "Publier un point d&#39;avancement" not in page  # a viewer posts none


async def test_an_initiative_page_in_english(viewer: Browser, world: World) -> None:
    page = (await viewer.get(f"/initiatives/{world.shop.id}")).text
    assert '<h2 id="kpis-title">KPIs it moves</h2>' in page
    assert "<dt>Budget planned</dt><dd>€300</dd>" in page
    assert "<dt>Spent to date</dt><dd>€120</dd>" in page
    assert "45.0% complete" in page
