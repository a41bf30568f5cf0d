"""Pages: the CDO office's Decisions page, the pending count in the menu, and a department
head's change requests on the initiative page and the dashboard."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ApprovalWaiver, ChangeRequest, Initiative, Kpi
from service.actor import Actor, Role
from service.initiatives import service as initiatives
from service.initiatives.payloads import InitiativeUpdate
from tests.conftest import QueryCounter
from tests.factories import link_kpi, make_initiative
from tests.pages.conftest import Browser, World


@dataclass(frozen=True)
class Queue:
    """What waits: the chatbot idea (fails every check), a proposal that passes the gate,
    and the marketing head's request to relabel the web shop as internal."""

    passing: int
    request: int


@pytest.fixture
async def queue(session: AsyncSession, world: World, head: Browser) -> Queue:
    passing = await make_initiative(
        session,
        code="INI-010",
        title="Returns desk tooling",
        status="proposed",
        orientation="internal",
        department_id=world.marketing.id,
        owner_id=world.cmo.id,
        budget_planned=Decimal("200.00"),
    )
    kpi = await session.get(Kpi, world.nps.id)
    assert kpi is not None
    await link_kpi(session, passing, kpi, "0.2")
    actor = Actor(
        account_id=head.account.id,
        role=Role.department_head,
        department_id=world.marketing.id,
        person_id=world.cmo.id,
        label=head.account.email,
    )
    edit = await initiatives.edit_initiative(
        session, actor, world.shop.id, InitiativeUpdate(orientation="internal")
    )
    assert edit.change_request is not None and edit.change_request.id is not None
    await session.commit()
    assert passing.id is not None
    return Queue(passing=passing.id, request=edit.change_request.id)


def text(html: str) -> str:
    """The page's words without tags or repeated spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def article(html: str, key: str, *, words: bool = True) -> str:
    """One waiting item of the Decisions page: its words, or its HTML."""
    start = html.index(f'id="{key}"')
    found = html[start : html.index("</article>", start)]
    return text(found) if words else found


async def _fresh(session: AsyncSession, model: type, row_id: int) -> object:
    stmt = select(model).where(model.id == row_id).execution_options(populate_existing=True)  # type: ignore[attr-defined]
    return await session.scalar(stmt)


async def _version(session: AsyncSession, initiative_id: int) -> str:
    row = await _fresh(session, Initiative, initiative_id)
    assert isinstance(row, Initiative)
    return str(row.version)


async def test_cdo_sees_proposals_with_their_checks_and_the_heads_request(
    cdo: Browser, world: World, queue: Queue
) -> None:
    response = await cdo.get("/decisions")
    assert response.status_code == 200
    idea = article(response.text, f"proposal-{world.idea.id}")
    assert "INI-003 Chatbot pilot" in idea
    assert "Status: Proposed → Approved" in idea
    assert "✗ A stated user need not met NO_USER_NEED INI-003 states no user need" in idea
    assert "✗ At least one KPI link not met NO_KPI INI-003 is linked to no KPI" in idea
    assert "NO_KPI" in idea and "MISSING_ENABLER INI-003 is client-facing and no internal" in idea
    html = article(response.text, f"proposal-{world.idea.id}", words=False)
    waivers = re.findall(r'name="(waiver_\w+)"', html)
    assert waivers == ["waiver_NO_USER_NEED", "waiver_NO_KPI", "waiver_MISSING_ENABLER"]
    passing = article(response.text, f"proposal-{queue.passing}")
    assert passing.count("✓") == 3 and "✗" not in passing
    request = article(response.text, f"request-{queue.request}")
    assert "INI-001 Web shop redesign" in request
    assert "asked by Julien Roche" in request
    assert "Orientation: Client-facing → Internal" in request
    assert "Client-facing share: 100.0% → 0.0%" in request
    assert "None: this change approves nothing." in request
    assert "3 waiting: 2 proposals and 1 change request." in text(response.text)


async def test_cdo_approves_a_proposal_that_passes_the_gate(
    cdo: Browser, queue: Queue, session: AsyncSession
) -> None:
    version = await _version(session, queue.passing)
    form = {"decision": "approve", "version": version}
    response = await cdo.post(f"/decisions/proposals/{queue.passing}", form)
    assert response.status_code == 303
    assert response.headers["location"] == "/decisions"
    row = await _fresh(session, Initiative, queue.passing)
    assert isinstance(row, Initiative) and row.status == "approved"
    after = await cdo.get("/decisions")
    assert "INI-010 approved." in after.text
    assert f'id="proposal-{queue.passing}"' not in after.text
    assert ">Decisions (2)</a>" in after.text


async def test_a_refusal_of_the_gate_shows_the_unmet_checks_next_to_the_item(
    cdo: Browser, world: World, queue: Queue, session: AsyncSession
) -> None:
    version = await _version(session, world.idea.id)
    form = {"decision": "approve", "version": version, "waiver_NO_KPI": "Pilot first."}
    response = await cdo.post(f"/decisions/proposals/{world.idea.id}", form)
    assert response.status_code == 409
    idea = article(response.text, f"proposal-{world.idea.id}")
    assert "Approval refused: NO_USER_NEED, MISSING_ENABLER." in idea
    assert "Pilot first." in idea  # what was typed is kept
    assert response.text.count('aria-invalid="true"') == 2
    row = await _fresh(session, Initiative, world.idea.id)
    assert isinstance(row, Initiative) and row.status == "proposed"


async def test_cdo_approves_with_a_waiver_per_unmet_check(
    cdo: Browser, world: World, queue: Queue, session: AsyncSession
) -> None:
    version = await _version(session, world.idea.id)
    reasons = {
        "waiver_NO_USER_NEED": "Sales asked for it in every review.",
        "waiver_NO_KPI": "The NPS link comes with the pilot plan.",
        "waiver_MISSING_ENABLER": "The support desk enabler is being proposed.",
    }
    form = {"decision": "approve", "version": version} | reasons
    response = await cdo.post(f"/decisions/proposals/{world.idea.id}", form)
    assert response.status_code == 303
    row = await _fresh(session, Initiative, world.idea.id)
    assert isinstance(row, Initiative) and row.status == "approved"
    stored = await session.scalars(
        select(ApprovalWaiver)
        .where(ApprovalWaiver.initiative_id == world.idea.id)  # type: ignore[arg-type]
        .order_by(ApprovalWaiver.check)  # type: ignore[arg-type]
    )
    assert [(w.check, w.reason) for w in stored] == [
        ("MISSING_ENABLER", "The support desk enabler is being proposed."),
        ("NO_KPI", "The NPS link comes with the pilot plan."),
        ("NO_USER_NEED", "Sales asked for it in every review."),
    ]
    flash = text((await cdo.get("/decisions")).text)
    assert "INI-003 approved. Waived: NO_USER_NEED, NO_KPI, MISSING_ENABLER." in flash
    page = text((await cdo.get(f"/initiatives/{world.idea.id}")).text)
    assert "At least one KPI link NO_KPI · waived by Samuel Okafor on" in page
    assert "The NPS link comes with the pilot plan." in page


async def test_cdo_rejects_a_change_request_with_a_comment(
    cdo: Browser, head: Browser, world: World, queue: Queue, session: AsyncSession
) -> None:
    form = {"decision": "reject", "comment": "The shop serves clients: keep it client-facing."}
    response = await cdo.post(f"/decisions/requests/{queue.request}", form)
    assert response.status_code == 303
    request = await _fresh(session, ChangeRequest, queue.request)
    assert isinstance(request, ChangeRequest)
    assert (request.status, request.comment) == (
        "rejected",
        "The shop serves clients: keep it client-facing.",
    )
    shop = await _fresh(session, Initiative, world.shop.id)
    assert isinstance(shop, Initiative) and shop.orientation == "client_facing"
    seen = text((await head.get(f"/initiatives/{world.shop.id}")).text)
    assert "Rejected" in seen
    assert "Comment: The shop serves clients: keep it client-facing." in seen
    assert "Withdraw" not in seen


async def test_rejecting_a_proposal_needs_a_reason(
    cdo: Browser, world: World, queue: Queue
) -> None:
    response = await cdo.post(f"/decisions/proposals/{world.idea.id}", {"decision": "reject"})
    assert response.status_code == 422
    assert "Say why the proposal is rejected." in article(
        response.text, f"proposal-{world.idea.id}"
    )


async def test_the_impact_shows_the_balance_before_and_after_the_selection(
    cdo: Browser, world: World, queue: Queue
) -> None:
    response = await cdo.get(f"/decisions?proposal={queue.passing}&proposal=x")
    assert response.status_code == 200
    impact = text(response.text.split('id="impact"')[1].split("</section>")[0])
    # Active today: the shop (300, client-facing) and the ERP (100, internal); approving
    # the 200 internal returns desk leaves 300 of 600 client-facing.
    assert "Client-facing share 75.0% → 50.0%" in impact
    assert "2 → 3 active initiatives, 400 → 600" in impact
    assert "Marketing 100.0% 60.0% 1 → 2" in impact
    assert "Information Technology 0.0% 0.0% 1 → 1" in impact
    appearing, disappearing = impact.split("Flags disappearing")
    assert "Portfolio skewed to client-facing" in disappearing
    assert "Department skewed to client-facing" in disappearing
    assert "None." in appearing
    both = await cdo.get(f"/decisions?proposal={queue.passing}&request={queue.request}")
    both_impact = text(both.text.split('id="impact"')[1].split("</section>")[0])
    assert "Client-facing share 75.0% → 0.0%" in both_impact


async def test_a_head_cannot_open_decisions_but_withdraws_their_request(
    head: Browser, world: World, queue: Queue, session: AsyncSession
) -> None:
    assert (await head.get("/decisions")).status_code == 403
    dashboard = text((await head.get("/")).text)
    assert "Your requests" in dashboard
    assert "Pending INI-001 Web shop redesign" in dashboard
    page = await head.get(f"/initiatives/{world.shop.id}")
    seen = text(page.text)
    assert "Pending asked by Julien Roche" in seen
    assert "Orientation: Client-facing → Internal" in seen
    assert f'action="/change-requests/{queue.request}/withdraw"' in page.text
    response = await head.post(f"/change-requests/{queue.request}/withdraw")
    assert response.status_code == 303
    assert response.headers["location"] == f"/initiatives/{world.shop.id}"
    request = await _fresh(session, ChangeRequest, queue.request)
    assert isinstance(request, ChangeRequest) and request.status == "withdrawn"
    after = text((await head.get(f"/initiatives/{world.shop.id}")).text)
    assert f"Change request {queue.request} withdrawn." in after
    assert "Withdrawn asked by Julien Roche" in after


async def test_only_the_requester_withdraws(cdo: Browser, queue: Queue) -> None:
    response = await cdo.post(f"/change-requests/{queue.request}/withdraw")
    assert response.status_code == 403


async def test_the_menu_counts_pending_decisions_for_the_cdo_office_only(
    cdo: Browser, head: Browser, queue: Queue
) -> None:
    assert ">Decisions (3)</a>" in (await cdo.get("/")).text
    seen = (await head.get("/")).text
    assert 'href="/decisions"' not in seen


async def test_cdo_approves_a_change_request_and_it_applies(
    cdo: Browser, world: World, queue: Queue, session: AsyncSession
) -> None:
    form = {"decision": "approve", "comment": "Agreed: the shop runs on the ERP now."}
    response = await cdo.post(f"/decisions/requests/{queue.request}", form)
    assert response.status_code == 303
    shop = await _fresh(session, Initiative, world.shop.id)
    assert isinstance(shop, Initiative)
    assert (shop.orientation, shop.client_share) == ("internal", Decimal("0.0000"))
    flash = text((await cdo.get("/decisions")).text)
    assert f"Change request {queue.request} on INI-001 approved: the change applies." in flash


async def test_the_pending_count_costs_one_statement_and_only_for_the_cdo_office(
    cdo: Browser, viewer: Browser, queue: Queue, queries: QueryCounter
) -> None:
    for browser, expected in ((cdo, 1), (viewer, 0)):
        queries.reset()
        assert (await browser.get("/flags")).status_code == 200
        counting = [s for s in queries.statements if "change_request" in s]
        assert len(counting) == expected, counting


async def test_deciding_something_that_no_longer_waits_says_so(
    cdo: Browser, world: World, queue: Queue
) -> None:
    assert (
        await cdo.post(f"/decisions/other/{queue.request}", {"decision": "approve"})
    ).status_code == 404
    gone = await cdo.post(f"/decisions/proposals/{world.shop.id}", {"decision": "approve"})
    assert gone.status_code == 303
    assert "This decision was already taken." in (await cdo.get("/decisions")).text
