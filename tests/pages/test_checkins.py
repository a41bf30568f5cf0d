"""Pages: the check-in form."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ProgressUpdate
from tests.pages.conftest import TODAY, Browser, SignIn, World


async def _checkins(session: AsyncSession, initiative_id: int) -> list[ProgressUpdate]:
    stmt = (
        select(ProgressUpdate)
        .where(ProgressUpdate.initiative_id == initiative_id)
        .order_by(ProgressUpdate.id)
    )
    return list((await session.scalars(stmt)).all())


async def test_form_is_prefilled_from_the_last_checkin(head: Browser, world: World) -> None:
    response = await head.get(f"/initiatives/{world.shop.id}/checkins/new")
    assert response.status_code == 200
    page = response.text
    assert 'name="percent_complete" type="number" value="45"' in page
    assert 'name="health" value="green" checked' in page
    assert 'name="spent_to_date" type="number" value="120.00"' in page
    assert "Pilot in two stores.</textarea>" in page  # next steps carried over
    assert 'name="summary" rows="3" required aria-describedby="h-summary"></textarea>' in page
    assert "Last time: “Checkout rebuilt.”" in page
    assert f'name="reported_on" type="date" value="{TODAY.isoformat()}"' in page


async def test_first_checkin_starts_from_zero(cdo: Browser, world: World) -> None:
    page = (await cdo.get(f"/initiatives/{world.erp.id}/checkins/new")).text
    assert "The first check-in: where does it stand?" in page
    assert 'name="percent_complete" type="number" value="0"' in page


async def test_posting_shows_the_checkin_on_the_initiative(
    head: Browser, world: World, session: AsyncSession
) -> None:
    form = {
        "percent_complete": "60",
        "health": "amber",
        "confidence": "6",
        "spent_to_date": "150",
        "summary": "Pilot live in two stores.",
        "blockers": "Payment provider sandbox down.",
        "next_steps": "",
        "reported_on": TODAY.isoformat(),
    }
    response = await head.post(f"/initiatives/{world.shop.id}/checkins/new", form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/initiatives/{world.shop.id}#checkins"
    latest = (await _checkins(session, world.shop.id))[-1]
    assert (latest.percent_complete, latest.health, latest.confidence, latest.author_id) == (
        60,
        "amber",
        6,
        world.cmo.id,
    )
    page = (await head.get(f"/initiatives/{world.shop.id}")).text
    assert "Check-in posted. Thank you!" in page
    assert "Pilot live in two stores." in page and "Payment provider sandbox down." in page
    assert "3 check-ins; the latest" in page
    assert "<td>Posted a check-in: 60.0%, amber</td>" in page  # in the history


async def test_errors_are_shown_next_to_their_field(
    head: Browser, world: World, session: AsyncSession
) -> None:
    form = {"percent_complete": "150", "health": "blue", "summary": "  ", "confidence": "x"}
    response = await head.post(f"/initiatives/{world.shop.id}/checkins/new", form)
    assert response.status_code == 422
    page = response.text
    assert (
        '<p class="error" id="e-percent_complete">Percent complete must be a number of at most'
        " 100.</p>" in page
    )
    assert '<p class="error" id="e-health">Health must be green, amber or red.</p>' in page
    assert '<p class="error" id="e-summary">Summary is required.</p>' in page
    assert '<p class="error" id="e-confidence">Confidence must be a whole number.</p>' in page
    assert 'value="150"' in page
    assert len(await _checkins(session, world.shop.id)) == 2


async def test_viewer_and_other_departments_cannot_check_in(
    viewer: Browser, head: Browser, world: World
) -> None:
    assert (await viewer.get(f"/initiatives/{world.shop.id}/checkins/new")).status_code == 403
    refused = await viewer.post(f"/initiatives/{world.shop.id}/checkins/new", {"summary": "x"})
    assert refused.status_code == 403
    assert (await head.get(f"/initiatives/{world.erp.id}/checkins/new")).status_code == 403


async def test_an_owner_checks_in_on_their_initiative(sign_in: SignIn, world: World) -> None:
    owner = await sign_in("contributor", person_id=world.dev.id)
    response = await owner.get(f"/initiatives/{world.erp.id}/checkins/new")
    assert response.status_code == 200
    assert (await owner.get(f"/initiatives/{world.shop.id}/checkins/new")).status_code == 403
    dashboard = (await owner.get("/")).text
    assert f'href="/initiatives/{world.erp.id}/checkins/new">Check in' in dashboard


async def test_a_closed_initiative_takes_no_checkin(head: Browser, world: World) -> None:
    stopped = await head.post(
        f"/initiatives/{world.idea.id}/status",
        {
            "status": "stopped",
            "version": "1",
            "lessons_learned": "Nobody asked for it.",
            "confirm": "on",
        },
    )
    assert stopped.status_code == 303
    response = await head.get(f"/initiatives/{world.idea.id}/checkins/new")
    assert response.status_code == 409
    assert "INI-003 is stopped: it takes no more check-ins." in response.text
    page = (await head.get(f"/initiatives/{world.idea.id}")).text
    assert "/checkins/new" not in page
