"""SQL of a scenario's overlay: the live initiatives with the moves laid over them.

The moves travel as one jsonb parameter (`:moves`, each already resolved to the full
status, orientation, client share, budget and department it leaves the initiative with).
The overlaid relation `overlay` is the live rows, except the few a move touches, UNION ALL
those rows as the moves leave them (`touched_after`). It is inlined wherever it is read, so
each flag branch keeps its index conditions on the live rows; nothing is copied.

What the database maintains and a move changes is recomputed for the touched rows:
- `enabler_count` of the initiatives linked to a moved one: the database's own
  `initiative_counts_as_enabler` (migration 0009) over an `enables` link from it or a
  `depends_on` link to it, as the triggers count;
- `moved_kpi_count` of an initiative moved to done: its links' maintained `moved`;
- the per-department totals (department_status_total): each moved row's part is taken out
  and put back as the move leaves it.
"""

from schema import Initiative
from service.portfolio.queries import ACTIVE

# The columns a move sets; the moves' record types match the table's, so the overlay's
# UNION ALL keeps the column types and the planner pushes each branch's filter into it.
MOVED_COLUMNS = {
    "status": "varchar",
    "orientation": "varchar",
    "client_share": "numeric",
    "budget_planned": "numeric",
    "department_id": "bigint",
}

MOVES_CTE = f"""
moves AS MATERIALIZED (
    SELECT m.* FROM jsonb_to_recordset(CAST(:moves AS jsonb)) AS m(id bigint, {
    ", ".join(f"{name} {kind}" for name, kind in MOVED_COLUMNS.items())
})
)"""

# The moved initiatives and those whose enablers a move may change.
CHANGED_CTE = """
changed AS MATERIALIZED (
    SELECT m.id FROM moves m
    UNION
    SELECT l.to_id FROM moves m JOIN initiative_link l ON l.from_id = m.id
    WHERE l.kind = 'enables'
    UNION
    SELECT l.from_id FROM moves m JOIN initiative_link l ON l.to_id = m.id
    WHERE l.kind = 'depends_on'
)"""

ENABLERS_CTE = """
enablers AS MATERIALIZED (
    SELECT c.id, (count(*) FILTER (
        WHERE initiative_counts_as_enabler(
                coalesce(m.orientation, e.orientation), coalesce(m.status, e.status))
            AND e.id <> c.id))::integer AS enabler_count
    FROM changed c
    LEFT JOIN LATERAL (
        SELECT l.from_id AS enabler_id FROM initiative_link l
        WHERE l.to_id = c.id AND l.kind = 'enables'
        UNION ALL
        SELECT l.to_id FROM initiative_link l
        WHERE l.from_id = c.id AND l.kind = 'depends_on'
    ) x ON true
    LEFT JOIN initiative e ON e.id = x.enabler_id
    LEFT JOIN moves m ON m.id = e.id
    GROUP BY c.id
)"""

MOVED_KPIS_CTE = """
moved_kpis AS MATERIALIZED (
    SELECT m.id, (count(*) FILTER (WHERE ik.moved))::integer AS moved_kpi_count
    FROM moves m
    JOIN initiative_kpi ik ON ik.initiative_id = m.id
    WHERE m.status = 'done'
    GROUP BY m.id
)"""


def _overlaid(name: str) -> str:
    if name in MOVED_COLUMNS:
        return f"coalesce(m.{name}, i.{name}) AS {name}"
    if name == "enabler_count":
        return "coalesce(e.enabler_count, i.enabler_count) AS enabler_count"
    if name == "moved_kpi_count":
        return "coalesce(mk.moved_kpi_count, i.moved_kpi_count) AS moved_kpi_count"
    return f"i.{name}"


def _overlay_ctes() -> list[str]:
    names = [column.name for column in Initiative.__table__.columns]  # type: ignore[attr-defined]
    live = ", ".join(f"i.{name}" for name in names)
    touched = ",\n        ".join(_overlaid(name) for name in names)
    return [
        f"""
touched_after AS MATERIALIZED (
    SELECT {touched}
    FROM changed c
    JOIN initiative i ON i.id = c.id
    LEFT JOIN moves m ON m.id = i.id
    LEFT JOIN enablers e ON e.id = i.id
    LEFT JOIN moved_kpis mk ON mk.id = i.id
)""",
        f"""
overlay AS NOT MATERIALIZED (
    SELECT {live}
    FROM initiative i WHERE i.id NOT IN (SELECT id FROM changed)
    UNION ALL
    SELECT * FROM touched_after
)""",
    ]


def overlay_ctes() -> list[str]:
    """The CTEs that define `overlay`, the live initiatives with `:moves` overlaid, and
    `touched_after`, the changed rows alone as the moves leave them."""
    return [MOVES_CTE, CHANGED_CTE, ENABLERS_CTE, MOVED_KPIS_CTE, *_overlay_ctes()]


def totals_after(name: str) -> str:
    """A CTE `name` of the balance as the moves leave it (as queries.totals_cte): the
    maintained per-department totals, each moved row's part taken out and put back as
    the move leaves it."""
    return f"""
{name} AS (
    SELECT t.department_id, GROUPING(t.department_id) = 1 AS is_total,
        coalesce(sum(t.budget), 0)::numeric(16, 2) AS total_weight,
        coalesce(sum(t.n), 0) AS initiative_count,
        round(sum(t.client) / nullif(sum(t.budget), 0), 4) AS client_share
    FROM (
        SELECT t.department_id, t.initiative_count AS n, t.budget_total AS budget,
            t.client_budget_total AS client
        FROM department_status_total t WHERE t.status IN {ACTIVE}
        UNION ALL
        SELECT i.department_id, -1, -i.budget_planned, -i.budget_planned * i.client_share
        FROM initiative i JOIN moves m ON m.id = i.id WHERE i.status IN {ACTIVE}
        UNION ALL
        SELECT m.department_id, 1, m.budget_planned, m.budget_planned * m.client_share
        FROM moves m WHERE m.status IN {ACTIVE}
    ) t
    GROUP BY GROUPING SETS ((t.department_id), ())
    HAVING GROUPING(t.department_id) = 1 OR sum(t.n) > 0
)"""


def after_balance() -> str:
    """The CTEs of the balance as the moves leave it, ending with `totals`."""
    return ",\n".join([MOVES_CTE, totals_after("totals")])
