"""The check agrees with the irritant triggers, and names each irritant figure gone wrong."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.bulk import load as bulk
from tests.factories import make_account, make_department, make_initiative

IRRITANT = """
INSERT INTO irritant (title, description, department_id, process, severity, status,
    status_reason)
VALUES (:title, '', :department, 'Invoicing', 'high', :status, :reason) RETURNING id
"""


async def test_irritant_votes_and_status_follow_their_triggers(session: AsyncSession) -> None:
    department = await make_department(session)
    initiative = await make_initiative(session, department_id=department.id)
    voters = [await make_account(session, "contributor") for _ in range(3)]
    ids = []
    for title, status, reason in [("Re-keying", "open", ""), ("Old fax", "closed", "Gone.")]:
        params = {"title": title, "department": department.id, "status": status, "reason": reason}
        ids.append((await session.execute(text(IRRITANT), params)).scalar_one())
    for voter in voters:
        await session.execute(
            text("INSERT INTO irritant_vote (irritant_id, account_id) VALUES (:i, :a)"),
            {"i": ids[0], "a": voter.id},
        )
    for irritant in ids:
        await session.execute(
            text("INSERT INTO initiative_irritant (initiative_id, irritant_id) VALUES (:n, :i)"),
            {"n": initiative.id, "i": irritant},
        )
    await session.execute(
        text("UPDATE initiative SET status = 'done' WHERE id = :n"), {"n": initiative.id}
    )
    sql = "SELECT vote_count, status FROM irritant WHERE id = ANY(:ids) ORDER BY id"
    assert [tuple(r) for r in await session.execute(text(sql), {"ids": ids})] == [
        (3, "addressed"),
        (0, "closed"),
    ]
    assert await bulk.check(session) == []

    await session.execute(
        text("UPDATE irritant SET vote_count = 5, status = 'open' WHERE id = :i"), {"i": ids[0]}
    )
    assert await bulk.check(session) == [
        bulk.Mismatch("irritant", (ids[0],), "vote_count", 5, 3),
        bulk.Mismatch("irritant", (ids[0],), "status", "open", "addressed"),
    ]
