"""SQL of a scenario's figures: the flags that appear and disappear, and the alignment.

Today's flags come from the live flags' branches over the live rows. The moves' side runs
the same branches (service/portfolio/flag_branches.py) over the overlay of
service/scenarios/overlay.py, but only where a move can change a flag (SCOPES), so its cost
follows the moves rather than the portfolio.
"""

from typing import Any

from service.portfolio.flag_branches import (
    BRANCHES,
    COLUMNS,
    DONE_MOVED_CTE,
    DONE_PAIR_CTE,
    done_unsure_cte,
    kpi_latest_cte,
    shares_cte,
)
from service.portfolio.flags import ORDERED_CODES, RANK, SEVERITY
from service.portfolio.payloads import FlagCode
from service.portfolio.queries import ACTIVE
from service.scenarios.overlay import overlay_ctes, totals_after

# What each flag is about decides where a move can change it:
# - initiative: the initiative's own row (its columns and maintained counts): only the
#   changed rows can change;
# - kpi: a KPI and which of its linked initiatives are active: only the KPIs of an
#   initiative a move makes active or inactive can change, judged on all their initiatives;
# - portfolio: a department or the whole portfolio: judged again in full, on the
#   per-department totals and on one active initiative of each department (if any);
# - kpi_only: a KPI's own definition, drivers and measurements: no move changes it;
# - irritant: whether an active initiative addresses it: only the irritants linked to a
#   changed initiative can change.
SCOPES: dict[FlagCode, str] = {
    FlagCode.PORTFOLIO_CLIENT_SKEW: "portfolio",
    FlagCode.DEPARTMENT_CLIENT_SKEW: "portfolio",
    FlagCode.DEPARTMENT_UNCOVERED: "portfolio",
    FlagCode.MISSING_ENABLER: "initiative",
    FlagCode.NO_USER_NEED: "initiative",
    FlagCode.TECH_PUSH: "initiative",
    FlagCode.NO_KPI: "initiative",
    FlagCode.SILO_KPI: "initiative",
    FlagCode.STALE_UPDATE: "initiative",
    FlagCode.KPI_UNMEASURED: "kpi_only",
    FlagCode.CX_KPI_WITHOUT_EX_DRIVER: "kpi_only",
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT: "initiative",
    FlagCode.OWNER_INACTIVE: "initiative",
    FlagCode.KPI_OVERCLAIMED: "kpi",
    FlagCode.ENABLER_LATE: "initiative",
    FlagCode.IRRITANT_UNADDRESSED: "irritant",
}

# The KPI links and initiatives are looked up by key, one KPI or initiative at a time
# (OFFSET 0 keeps the lookup rather than a scan of every row): a KPI has few initiatives.
SCOPE_CTES = [
    """
touched_irritants AS MATERIALIZED (
    SELECT DISTINCT l.irritant_id FROM changed c
    JOIN initiative_irritant l ON l.initiative_id = c.id
)""",
    f"""
touched_kpis AS MATERIALIZED (
    SELECT DISTINCT ik.kpi_id
    FROM moves m
    JOIN initiative i ON i.id = m.id
    JOIN initiative_kpi ik ON ik.initiative_id = m.id
    WHERE (i.status IN {ACTIVE}) <> (m.status IN {ACTIVE})
)""",
    """
kpi_members AS MATERIALIZED (
    SELECT DISTINCT l.initiative_id AS id FROM touched_kpis t
    CROSS JOIN LATERAL (
        SELECT ik.initiative_id FROM initiative_kpi ik WHERE ik.kpi_id = t.kpi_id OFFSET 0
    ) l
)""",
    f"""
department_cover AS MATERIALIZED (
    SELECT c.* FROM department d
    CROSS JOIN LATERAL (
        SELECT * FROM overlay i WHERE i.department_id = d.id AND i.status IN {ACTIVE} LIMIT 1
    ) c
)""",
    """
kpi_scope_after AS MATERIALIZED (
    SELECT i.* FROM kpi_members k
    CROSS JOIN LATERAL (SELECT i.* FROM initiative i WHERE i.id = k.id OFFSET 0) i
    WHERE k.id NOT IN (SELECT id FROM changed)
    UNION ALL
    SELECT * FROM touched_after WHERE id IN (SELECT id FROM kpi_members)
)""",
]


def _branches(codes: list[FlagCode], source: Any) -> str:
    """Every flag of `codes` over `source` (False: the live rows; a relation name)."""
    return "\nUNION ALL\n".join(
        f"SELECT '{c.value}'::text AS code, '{SEVERITY[c].value}'::text AS severity,"
        f" {RANK[SEVERITY[c]]} AS rank, b.* FROM ({BRANCHES[c](source)}\n) AS b({COLUMNS})"
        for c in codes
    )


def _codes(scope: str) -> str:
    """The codes about `scope`, as an SQL list (NULL, matching nothing, when none)."""
    codes = [f"'{code.value}'" for code in ORDERED_CODES if SCOPES[code] == scope]
    return ", ".join(codes) or "NULL"


def _with(source: Any, shares: str, branches: str) -> str:
    ctes = [done_unsure_cte(source), DONE_PAIR_CTE, kpi_latest_cte(), DONE_MOVED_CTE, shares]
    return f"SELECT * FROM (WITH {','.join(ctes)}\n{branches}\n) f"


def _live() -> str:
    """Every flag raised now (the live flags' branches over the live rows)."""
    return _with(False, shares_cte(False), _branches(list(ORDERED_CODES), False))


def _group(scope: str, source: str) -> str:
    """The flags about `scope` over `source`, as the moves leave them."""
    codes = [code for code in ORDERED_CODES if SCOPES[code] == scope]
    flags = _with(source, totals_after("shares"), _branches(codes, source))
    if scope == "kpi":
        flags += " WHERE f.entity_id IN (SELECT kpi_id FROM touched_kpis)"
    if scope == "irritant":
        flags += " WHERE f.entity_id IN (SELECT irritant_id FROM touched_irritants)"
    return flags


# The live flags a move could change: those the after side judges again.
BEFORE = f"""
SELECT * FROM live_flags f
WHERE f.code IN ({_codes("portfolio")})
    OR f.code IN ({_codes("initiative")}) AND f.entity_id IN (SELECT id FROM changed)
    OR f.code IN ({_codes("kpi")}) AND f.entity_id IN (SELECT kpi_id FROM touched_kpis)
    OR f.code IN ({_codes("irritant")})
        AND f.entity_id IN (SELECT irritant_id FROM touched_irritants)"""


def _after() -> str:
    """The flags a move can change, as the moves leave them."""
    groups = [
        _group("initiative", "touched_after"),
        _group("kpi", "kpi_scope_after"),
        _group("portfolio", "department_cover"),
        _group("irritant", "overlay"),
    ]
    return "\nUNION ALL\n".join(groups)


def _changes(left: str, right: str) -> str:
    """The flags of `left` that `right` does not raise on the same entity (a flag is about
    its entity whatever its department), with the names a reader needs."""
    return f"""(
    SELECT coalesce(jsonb_agg(jsonb_build_object(
        'code', f.code, 'severity', f.severity, 'entity_type', f.entity_type,
        'entity_id', f.entity_id,
        'entity_code', CASE f.entity_type WHEN 'portfolio' THEN NULL ELSE f.sort_code END,
        'name', CASE f.entity_type
            WHEN 'initiative' THEN (SELECT title FROM initiative WHERE id = f.entity_id)
            WHEN 'kpi' THEN (SELECT name FROM kpi WHERE id = f.entity_id)
            WHEN 'department' THEN (SELECT name FROM department WHERE id = f.entity_id)
            WHEN 'irritant' THEN (SELECT title FROM irritant WHERE id = f.entity_id)
        END,
        'department_code', (SELECT code FROM department WHERE id = f.department_id))
        ORDER BY f.rank, f.code, f.sort_code), '[]')
    FROM {left} f
    WHERE NOT EXISTS (
        SELECT 1 FROM {right} r
        WHERE r.code = f.code AND r.entity_type = f.entity_type
            AND coalesce(r.entity_id, 0) = coalesce(f.entity_id, 0)
    )
)"""


# The alignment score's sums (as queries.alignment_score), live and with the moved rows'
# part swapped for the part they would have.
ALIGNMENT = f"""
SELECT round(l.aligned / nullif(l.total, 0), 4) AS before_alignment,
    round((l.aligned + d.aligned) / nullif(l.total + d.total, 0), 4) AS after_alignment
FROM (
    SELECT coalesce(sum(i.budget_planned) FILTER (WHERE i.shared_kpi_count > 0), 0) AS aligned,
        coalesce(sum(i.budget_planned), 0) AS total
    FROM initiative i WHERE i.status IN {ACTIVE}
) l, (
    SELECT coalesce(sum(p.budget) FILTER (WHERE p.aligned), 0) AS aligned,
        coalesce(sum(p.budget), 0) AS total
    FROM (
        SELECT -i.budget_planned AS budget, i.shared_kpi_count > 0 AS aligned
        FROM initiative i JOIN moves m ON m.id = i.id WHERE i.status IN {ACTIVE}
        UNION ALL
        SELECT m.budget_planned, i.shared_kpi_count > 0
        FROM initiative i JOIN moves m ON m.id = i.id WHERE m.status IN {ACTIVE}
    ) p
) d"""


def figures() -> str:
    """Today's flag counts, the alignment before and after, and the flags that appear
    and disappear with the moves."""
    ctes = [*overlay_ctes(), *SCOPE_CTES]
    return f"""
WITH {",".join(ctes)},
live_flags AS MATERIALIZED ({_live()}
),
before_flags AS MATERIALIZED ({BEFORE}
),
after_flags AS MATERIALIZED ({_after()}
),
alignment AS ({ALIGNMENT})
SELECT a.before_alignment, a.after_alignment,
    (SELECT coalesce(jsonb_object_agg(n.code, n.n), '{{}}')
     FROM (SELECT code, count(*) AS n FROM live_flags GROUP BY code) n) AS before_counts,
    {_changes("after_flags", "before_flags")} AS appearing,
    {_changes("before_flags", "after_flags")} AS disappearing
FROM alignment a
"""
