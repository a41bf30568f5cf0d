"""The demo's decision room is told once, after its accounts: the heads' own requests."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.demo_accounts import ensure_demo_accounts
from service.demo import story
from service.demo.loader import load_company

TODAY = date(2026, 11, 23)

REQUESTS = sa.text(
    """
    SELECT i.code, a.email, cr.status
    FROM change_request cr
    JOIN initiative i ON i.id = cr.initiative_id
    LEFT JOIN account a ON a.id = cr.requested_by
    ORDER BY cr.id
    """
)


async def test_the_story_seeds_the_heads_requests_and_a_scenario_once(
    session: AsyncSession,
) -> None:
    await load_company(session, today=TODAY)
    await ensure_demo_accounts(session)

    assert await story.tell(session, TODAY) is True

    requests = [tuple(row) for row in (await session.execute(REQUESTS)).all()]
    assert requests == [
        ("INI-006", "julien.roche@northbridge-home.example", "pending"),
        ("INI-009", "julien.roche@northbridge-home.example", "pending"),
        ("INI-003", "amina.benali@northbridge-home.example", "pending"),
        ("INI-038", "julien.roche@northbridge-home.example", "pending"),
    ]
    names = (await session.scalars(sa.text("SELECT name FROM scenario"))).all()
    assert names == ["Fund the thrust"]

    assert await story.tell(session, TODAY) is False
    assert await session.scalar(sa.text("SELECT count(*) FROM change_request")) == 4
