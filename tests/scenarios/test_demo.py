"""The demo company's saved scenario."""

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from service.demo.loader import load_company
from service.scenarios import evaluation
from service.scenarios import service as scenarios
from service.scenarios.demo import seed_scenario

TODAY = date(2026, 11, 23)


async def test_seed_scenario_saves_one_that_evaluates(session: AsyncSession) -> None:
    await load_company(session, today=TODAY)
    saved = await seed_scenario(session)
    assert saved.name == "Fund the thrust"
    assert [m.get("status") for m in saved.moves] == [
        "stopped",
        "stopped",
        "approved",
        "in_progress",
    ]
    result = await evaluation.evaluate(session, scenarios.moves_of(saved), today=TODAY)
    before, after = result.before.balance, result.after.balance
    assert (before.client_share, after.client_share) == (Decimal("0.6619"), Decimal("0.6018"))
    assert after.total_weight == before.total_weight - 700000 - 1200000 + 180000
    # HR's mobility portal covers HR; the two promises without an enabler are gone.
    assert [(f.code, f.entity_code) for f in result.disappearing][:3] == [
        ("DEPARTMENT_UNCOVERED", "hr"),
        ("MISSING_ENABLER", "INI-009"),
        ("MISSING_ENABLER", "INI-018"),
    ]
    assert [(f.code, f.entity_code) for f in result.appearing] == [("SILO_KPI", "INI-003")]
