"""The demo company's decision room: two pending changes and two pending proposals."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.demo_accounts import ensure_demo_accounts
from service.decisions import service as decisions
from service.decisions.demo import seed_decisions
from service.demo.loader import load_company

TODAY = date(2026, 11, 23)


async def test_the_demo_has_pending_changes_and_proposals(session: AsyncSession) -> None:
    await load_company(session, today=TODAY)
    await ensure_demo_accounts(session)
    made = await seed_decisions(session, TODAY)
    assert sorted(made) == [
        "budget_jump",
        "proposal_missing_enabler",
        "proposal_passing",
        "relabel",
    ]
    pending = await decisions.list_pending(session, limit=10)
    assert [r.id for r in pending] == [
        made[story]
        for story in ("relabel", "budget_jump", "proposal_passing", "proposal_missing_enabler")
    ]
    assert [r.changes for r in pending] == [
        {
            "orientation": {"from": "client_facing", "to": "internal"},
            "client_share": {"from": "1.0000", "to": "0"},
        },
        {"budget_planned": {"from": "1200000.00", "to": "1800000.00"}},
        {"status": {"from": "proposed", "to": "approved"}},
        {"status": {"from": "proposed", "to": "approved"}},
    ]
    checks = [
        [c.code.value for c in (await decisions.review_change_request(session, r.id))[1]]  # type: ignore[arg-type]
        for r in pending
    ]
    assert checks == [[], [], [], ["MISSING_ENABLER"]]
    assert all(r.requested_by is not None for r in pending)
