"""The demo company's irritants: about thirty, most in HR, finance and operations, with
votes, some addressed by done internal initiatives, some flagged unaddressed; the demo
logins created afterwards are untouched by the voters' accounts."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.demo_accounts import ensure_demo_accounts
from service.demo import story
from service.demo.loader import load_company
from service.portfolio import service as portfolio
from service.portfolio.payloads import FlagCode

TODAY = date(2026, 11, 23)

BY_DEPARTMENT = sa.text(
    """
    SELECT d.code, count(*), sum(r.vote_count),
        count(*) FILTER (WHERE r.status = 'addressed')
    FROM irritant r JOIN department d ON d.id = r.department_id
    GROUP BY d.code ORDER BY d.code
    """
)


async def test_the_story_raises_the_irritants_with_their_votes_once(
    session: AsyncSession,
) -> None:
    await load_company(session, today=TODAY)
    assert await story.tell(session, TODAY) is True

    rows = [tuple(row) for row in (await session.execute(BY_DEPARTMENT)).all()]
    assert rows == [
        ("customer-service", 2, 14, 0),
        ("finance", 7, 53, 0),
        ("hr", 8, 54, 3),
        ("it", 3, 20, 0),
        ("marketing", 1, 4, 0),
        ("operations", 7, 50, 0),
        ("sales", 2, 11, 1),
    ]
    votes = await session.scalar(sa.text("SELECT count(*) FROM irritant_vote"))
    assert votes == 206
    flags = await portfolio.list_flags(session, codes=[FlagCode.IRRITANT_UNADDRESSED], today=TODAY)
    titles = sorted(f.message.split(" has ")[0].split(" ", 1)[1] for f in flags.items)
    assert titles == [
        "Expense claims are re-keyed into three tools",
        "Holiday requests are still on paper in stores",
        "Internal job openings are only posted on the break-room board",
        "Payslip questions wait a week for an answer",
        "Returned items sit in the back room for weeks",
        "Store stock counts disagree with the system",
        "Trade quotes are typed in Word",
    ]

    await ensure_demo_accounts(session)
    roles = sa.text("SELECT role, password_hash IS NOT NULL FROM account WHERE email = :email")
    head = await session.execute(roles, {"email": "julien.roche@northbridge-home.example"})
    assert tuple(head.one()) == ("department_head", True)
    assert await story.tell(session, TODAY) is False
    assert await session.scalar(sa.text("SELECT count(*) FROM irritant")) == 30
