"""The reporting line as a tree, each person with the figures of their whole line.

One statement: a recursive walk down from the people who report to no one gives the tree
order and depth; a recursive closure (every person with everyone below them) gives, per
person, how many active initiatives their line owns and its client-facing share.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from schema.enums import ACTIVE_STATUSES

_ACTIVE = [status.value for status in ACTIVE_STATUSES]

# Siblings sort by name; the path holds (name, id) pairs from the top down, so a parent's
# path is a prefix of its reports' and sorts just before them.
TREE_SQL = """
WITH RECURSIVE tree(id, depth, path) AS (
    SELECT p.id, 0, ARRAY[p.name::text, p.id::text]
    FROM person p WHERE p.manager_id IS NULL
    UNION ALL
    SELECT c.id, t.depth + 1, t.path || ARRAY[c.name::text, c.id::text]
    FROM person c JOIN tree t ON c.manager_id = t.id
    WHERE t.depth < 1000
),
closure(ancestor, member) AS (
    SELECT p.id, p.id FROM person p
    UNION ALL
    SELECT c.ancestor, p.id FROM closure c JOIN person p ON p.manager_id = c.member
),
line AS (
    SELECT c.ancestor,
        count(DISTINCT c.member) AS line_size,
        count(i.id) AS initiative_count,
        coalesce(sum(i.budget_planned), 0) AS total_budget,
        round(sum(i.budget_planned * i.client_share) / nullif(sum(i.budget_planned), 0), 4)
            AS client_share,
        round(avg(i.client_share), 4) AS count_share
    FROM closure c
    LEFT JOIN initiative i
        ON i.owner_id = c.member AND i.status = ANY(CAST(:statuses AS text[]))
    GROUP BY c.ancestor
)
SELECT p.id, p.name, p.title, p.is_active, p.manager_id, d.code AS department_code,
    t.depth, l.line_size, l.initiative_count, l.total_budget, l.client_share, l.count_share,
    (SELECT count(*) FROM initiative i
     WHERE i.owner_id = p.id AND i.status = ANY(CAST(:statuses AS text[]))) AS own_count
FROM tree t
JOIN person p ON p.id = t.id
JOIN line l ON l.ancestor = p.id
LEFT JOIN department d ON d.id = p.department_id
ORDER BY t.path
"""


@dataclass(frozen=True)
class TreePerson:
    """One person in tree order with the active initiatives of their reporting line."""

    id: int
    name: str
    title: str
    is_active: bool
    manager_id: int | None
    department_code: str | None
    depth: int
    line_size: int
    initiative_count: int
    own_count: int
    total_budget: Decimal
    client_share: Decimal | None  # weighted by planned budget; None when the budget is 0
    count_share: Decimal | None  # every initiative weighs 1; None without initiatives


async def reporting_tree(
    session: AsyncSession, *, statuses: list[str] | None = None
) -> list[TreePerson]:
    """Everyone in reporting-line order (depth-first, siblings by name) with line figures."""
    params = {"statuses": statuses or _ACTIVE}
    rows = (await session.execute(text(TREE_SQL), params)).all()
    return [TreePerson(**row._asdict()) for row in rows]
