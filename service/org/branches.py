"""Parts of the reporting line, each person with the figures of their whole line.

The org page shows the tree collapsed: the people at the top and their direct reports, and
the direct reports of the people it opens (the path down to someone). One statement per
request: the people shown, then a recursive closure from each of them (themselves and
everyone below) joined to the active initiatives aggregated per owner.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import ACTIVE_STATUSES

_ACTIVE = [status.value for status in ACTIVE_STATUSES]

BRANCHES_SQL = """
WITH RECURSIVE top AS (
    SELECT id FROM person WHERE manager_id IS NULL
),
shown AS (
    SELECT p.id FROM person p
    WHERE (CAST(:with_top AS boolean)
           AND (p.manager_id IS NULL OR p.manager_id IN (SELECT id FROM top)))
       OR p.manager_id = ANY(CAST(:parents AS bigint[]))
),
own AS (
    SELECT owner_id, count(*) AS n, sum(budget_planned) AS budget,
        sum(budget_planned * client_share) AS client_budget
    FROM initiative WHERE status = ANY(CAST(:statuses AS text[]))
    GROUP BY owner_id
),
closure(ancestor, member, depth) AS (
    SELECT id, id, 0 FROM shown
    UNION ALL
    SELECT c.ancestor, p.id, c.depth + 1
    FROM closure c JOIN person p ON p.manager_id = c.member
    WHERE c.depth < 1000
)
SELECT p.id, p.name, p.title, p.is_active, p.manager_id, d.code AS department_code,
    count(*) AS line_size,
    count(*) FILTER (WHERE c.depth = 1) AS report_count,
    coalesce(sum(o.n), 0)::int AS initiative_count,
    coalesce(sum(o.n) FILTER (WHERE c.depth = 0), 0)::int AS own_count,
    coalesce(sum(o.budget), 0) AS total_budget,
    round(sum(o.client_budget) / nullif(sum(o.budget), 0), 4) AS client_share
FROM closure c
JOIN person p ON p.id = c.ancestor
LEFT JOIN own o ON o.owner_id = c.member
LEFT JOIN department d ON d.id = p.department_id
GROUP BY p.id, d.code
ORDER BY p.name, p.id
"""


@dataclass(frozen=True)
class Branch:
    """One person with the active initiatives of their reporting line."""

    id: int
    name: str
    title: str
    is_active: bool
    manager_id: int | None
    department_code: str | None
    line_size: int
    report_count: int
    initiative_count: int
    own_count: int
    total_budget: Decimal
    client_share: Decimal | None  # weighted by planned budget; None when the budget is 0


async def branches(
    session: AsyncSession, parents: list[int], *, with_top: bool = False
) -> list[Branch]:
    """The direct reports of `parents` (and, `with_top`, the top people and their reports)
    with their line figures, by name."""
    params = {"parents": parents, "with_top": with_top, "statuses": _ACTIVE}
    rows = (await session.execute(text(BRANCHES_SQL), params)).all()
    return [Branch(**row._asdict()) for row in rows]
