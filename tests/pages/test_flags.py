"""Pages: the flags page."""

from tests.pages.conftest import Browser, World


async def test_flags_are_listed_most_severe_first_with_links(viewer: Browser, world: World) -> None:
    response = await viewer.get("/flags?view=severity")
    assert response.status_code == 200
    page = response.text
    listed = page.split('id="list-title"')[1].split("</section>")[0]
    assert listed.count("<li>") == 7
    assert listed.index("severity-high") < listed.index("severity-medium")
    assert (
        f'<a href="/initiatives?department={world.hr.id}">'
        "Human Resources leads no active initiative" in listed
    )
    assert (
        f'<a href="/initiatives/{world.erp.id}">'
        "INI-002 Stock data in the ERP is active and linked to no KPI.</a>" in listed
    )
    counts = page.split('id="count-title"')[1]
    assert (
        '<a href="/flags?view=severity&amp;code=TECH_PUSH">Tech push</a></th><td class="num">1</td>'
    ) in counts


async def test_flags_filter_by_severity_code_and_department(viewer: Browser, world: World) -> None:
    high = (await viewer.get("/flags?severity=high")).text.split('id="list-title"')[1]
    assert high.split("</section>")[0].count("<li>") == 2
    tech = (await viewer.get("/flags?view=severity&code=TECH_PUSH")).text.split('id="list-title"')[
        1
    ]
    assert tech.split("</section>")[0].count("<li>") == 1
    it = (await viewer.get("/flags?view=severity&department=it")).text.split('id="list-title"')[1]
    assert "INI-002" in it.split("</section>")[0] and "INI-003" not in it.split("</section>")[0]


async def test_an_unknown_department_is_explained_not_a_crash(
    viewer: Browser, world: World
) -> None:
    response = await viewer.get("/flags?view=severity&department=nope")
    assert response.status_code == 200
    assert "department: no department has the code &#39;nope&#39;." in response.text
    assert "Showing every flag instead." in response.text
