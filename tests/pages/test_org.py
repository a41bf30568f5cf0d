"""Pages: the reporting line, a person's roll-up, the departments."""

from tests.pages.conftest import Browser, World


async def test_tree_shows_each_line_with_count_and_share(viewer: Browser, world: World) -> None:
    response = await viewer.get("/org")
    assert response.status_code == 200
    page = response.text

    def person(person_id: int) -> str:
        return page.split(f'href="/people/{person_id}">')[1].split("</div>")[0]

    assert "2 active initiatives" in person(world.cdo.id)
    assert "75.0% client-facing" in person(world.cdo.id)
    assert "<span>1 active initiative</span>" in person(world.cio.id)
    assert "0.0% client-facing" in person(world.cio.id)
    assert "100.0% client-facing" in person(world.cmo.id) and "(1 own)" in person(world.cmo.id)
    assert page.index(f'href="/people/{world.cdo.id}"') < page.index(
        f'href="/people/{world.cio.id}"'
    )
    # Collapsed: the top and their direct reports; deeper people open on demand.
    assert f'href="/people/{world.dev.id}"' not in page
    assert f'href="/org?open={world.cio.id}#person-{world.cio.id}"' in page
    assert f'href="/org?open={world.dev.id}' not in page  # no one reports to Anna


async def test_person_page_rolls_up_the_line(viewer: Browser, world: World) -> None:
    response = await viewer.get(f"/people/{world.cio.id}")
    assert response.status_code == 200
    page = response.text
    assert "a line of 2 people owning 1 initiative." in page
    assert f'<a href="/people/{world.cdo.id}">Samuel Okafor</a>' in page  # the chain above
    assert "INI-002" in page and "INI-001" not in page
    assert f'href="/initiatives?owner_line={world.cio.id}&amp;flag=NO_KPI">No KPI</a>' in page
    assert '<svg class="bullet' in page and "plotly-basic.min.js" not in page


async def test_unknown_person_is_a_404_page(viewer: Browser, world: World) -> None:
    response = await viewer.get("/people/987654")
    assert response.status_code == 404
    assert "Person 987654 does not exist." in response.text


async def test_departments_page(viewer: Browser, world: World) -> None:
    response = await viewer.get("/departments")
    assert response.status_code == 200
    page = response.text
    hr = page.split(f'href="/departments/{world.hr.id}">Human Resources')[1].split("</tr>")[0]
    assert "0 — left dark" in hr and "No head" in hr
    marketing = page.split(f'href="/departments/{world.marketing.id}">Marketing')[1].split("</tr>")[
        0
    ]
    assert 'href="/people/' in marketing and "Julien Roche" in marketing
    assert 'class="num share-over">100.0%' in marketing
    assert f'<a href="/kpis?department={world.marketing.id}">1</a>' in marketing
