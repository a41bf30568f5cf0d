"""Balance index: exact shares on hand-built portfolios."""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from service.portfolio import service
from tests.factories import make_department, make_initiative, make_update


async def _three(session: AsyncSession, hybrid_share: str = "0.5") -> dict[str, object]:
    marketing = await make_department(session, code="marketing")
    it = await make_department(session, code="it")
    client = await make_initiative(
        session, department_id=marketing.id, orientation="client_facing", budget_planned=300
    )
    internal = await make_initiative(
        session, department_id=it.id, orientation="internal", budget_planned=100
    )
    hybrid = await make_initiative(
        session,
        department_id=marketing.id,
        orientation="hybrid",
        client_share=Decimal(hybrid_share),
        budget_planned=200,
    )
    return {"client": client, "internal": internal, "hybrid": hybrid}


async def test_budget_weighted_share(session: AsyncSession) -> None:
    await _three(session)
    balance = await service.compute_balance(session)
    assert balance.client_share == Decimal("0.6667")
    assert balance.internal_share == Decimal("0.3333")
    assert balance.total_weight == Decimal("600.00")
    assert balance.initiative_count == 3
    assert balance.within_band is False


async def test_count_weighted_share(session: AsyncSession) -> None:
    await _three(session)
    balance = await service.compute_balance(session, weight="count")
    assert balance.client_share == Decimal("0.5000")
    assert balance.total_weight == Decimal("3.00")


async def test_hybrid_override(session: AsyncSession) -> None:
    await _three(session, hybrid_share="0.8")
    balance = await service.compute_balance(session)
    # (300 x 1 + 100 x 0 + 200 x 0.8) / 600 = 460 / 600
    assert balance.client_share == Decimal("0.7667")


async def test_spent_uses_latest_checkin(session: AsyncSession) -> None:
    rows = await _three(session)
    await make_update(session, rows["client"], reported_on=date(2026, 3, 1), spent_to_date=900)
    await make_update(session, rows["client"], reported_on=date(2026, 4, 1), spent_to_date=30)
    await make_update(session, rows["internal"], reported_on=date(2026, 4, 1), spent_to_date=70)
    balance = await service.compute_balance(session, weight="spent")
    # 30 client-facing, 70 internal, the hybrid has no check-in (0).
    assert balance.client_share == Decimal("0.3000")
    assert balance.total_weight == Decimal("100.00")
    await make_update(session, rows["hybrid"], reported_on=date(2026, 4, 2), spent_to_date=100)
    balance = await service.compute_balance(session, weight="spent")
    # (30 + 100 x 0.5) / 200
    assert (balance.client_share, balance.total_weight) == (Decimal("0.4000"), Decimal("200.00"))
    marketing = await service.compute_balance(session, weight="spent", department="marketing")
    # (30 + 100 x 0.5) / 130
    assert (marketing.client_share, marketing.total_weight) == (
        Decimal("0.6154"),
        Decimal("130.00"),
    )


async def test_wire_shape(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _three(session)
    body = (await client.get("/api/v1/portfolio/balance")).json()
    assert body == {
        "weight": "budget",
        "statuses": ["approved", "in_progress", "on_hold"],
        "client_share": 0.6667,
        "internal_share": 0.3333,
        "total_weight": "600.00",
        "initiative_count": 3,
        "band_min": 0.0,
        "band_max": 0.6,
        "within_band": False,
        "departments": [
            {
                "department_code": "it",
                "client_share": 0.0,
                "total_weight": "100.00",
                "initiative_count": 1,
                "within_band": True,
            },
            {
                "department_code": "marketing",
                "client_share": 0.8,
                "total_weight": "500.00",
                "initiative_count": 2,
                "within_band": False,
            },
        ],
    }
