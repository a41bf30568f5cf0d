"""SQL of each portfolio flag: one branch per code over the same columns.

Every branch selects (entity_type, entity_id, sort_code, department_id, figure, threshold);
with a reporting line, the branches read the line's initiatives (the `scope` CTE) instead
of every initiative. The definitions are in service/portfolio/flags.py.
"""

from service.portfolio.payloads import FlagCode
from service.portfolio.queries import ACTIVE, TODAY

# Spelled as a list (not `<> 'stopped'`) so that it is an index condition on status.
NOT_STOPPED = "i.status IN ('proposed', 'approved', 'in_progress', 'on_hold', 'done')"
COLUMNS = "entity_type, entity_id, sort_code, department_id, figure, threshold"
# The settings travel as parameters, so the planner sees the real cut-off dates.
BAND = "CAST(:band_max AS numeric)"
STALE_DAYS = "CAST(:stale_after_days AS integer)"
NO_FIGURES = "NULL::numeric, NULL::numeric"


def _source(line: bool) -> str:
    """The initiatives `i` a branch looks at: all, or those owned in the reporting line."""
    return "scope i" if line else "initiative i"


def _initiatives(where: str, line: bool, extra_join: str = "", figures: str = "") -> str:
    """A branch over the initiatives `i` matching `where`."""
    return f"""
SELECT 'initiative', i.id, i.code::text, i.department_id, {figures or NO_FIGURES}
FROM {_source(line)}{extra_join}
WHERE {where}"""


def shares_cte(line: bool) -> str:
    """Budget-weighted shares of the active initiatives: per department and in total."""
    return f"""
shares AS (
    SELECT i.department_id, GROUPING(i.department_id) = 1 AS is_total,
        round(sum(i.budget_planned * i.client_share) / nullif(sum(i.budget_planned), 0), 4)
            AS share
    FROM {_source(line)}
    WHERE i.status IN {ACTIVE}
    GROUP BY GROUPING SETS ((i.department_id), ())
)"""


def _portfolio_skew(line: bool) -> str:
    return f"""
SELECT 'portfolio', NULL::bigint, '', NULL::bigint, b.share, {BAND}
FROM shares b
WHERE b.is_total AND b.share > {BAND}"""


def _department_skew(line: bool) -> str:
    return f"""
SELECT 'department', d.id, d.code::text, d.id, b.share, {BAND}
FROM shares b JOIN department d ON d.id = b.department_id
WHERE NOT b.is_total AND b.share > {BAND}"""


def _department_uncovered(line: bool) -> str:
    in_line = (
        " AND d.id IN (SELECT p.department_id FROM line l JOIN person p ON p.id = l.id)"
        if line
        else ""
    )
    return f"""
SELECT 'department', d.id, d.code::text, d.id, {NO_FIGURES}
FROM department d
WHERE NOT EXISTS (
    SELECT 1 FROM {_source(line)} WHERE i.department_id = d.id AND i.status IN {ACTIVE}
){in_line}"""


def _missing_enabler(line: bool) -> str:
    return _initiatives(
        f"""i.status IN {ACTIVE} AND i.orientation = 'client_facing' AND NOT EXISTS (
    SELECT 1 FROM initiative_link l JOIN initiative e ON e.id = l.from_id
    WHERE l.to_id = i.id AND l.kind = 'enables'
        AND e.orientation IN ('internal', 'hybrid')
        AND e.status IN ('proposed', 'approved', 'in_progress', 'on_hold', 'done')
)""",
        line,
    )


def _no_user_need(line: bool) -> str:
    # Read from the partial index of blank needs, whatever the scope.
    in_line = " AND i.id IN (SELECT id FROM scope)" if line else ""
    return _initiatives(
        f"btrim(i.user_need) = '' AND {NOT_STOPPED} AND i.origin <> 'regulation'{in_line}",
        False,
    )


def _tech_push(line: bool) -> str:
    return _initiatives(f"i.origin = 'technology' AND {NOT_STOPPED}", line)


def _no_kpi(line: bool) -> str:
    return _initiatives(
        f"i.status IN {ACTIVE} AND NOT EXISTS "
        "(SELECT 1 FROM initiative_kpi ik WHERE ik.initiative_id = i.id)",
        line,
    )


def _silo_kpi(line: bool) -> str:
    return _initiatives(
        f"""i.status IN {ACTIVE}
    AND EXISTS (SELECT 1 FROM initiative_kpi ik WHERE ik.initiative_id = i.id)
    AND NOT EXISTS (
        SELECT 1 FROM initiative_kpi ik JOIN shared_kpi sk ON sk.kpi_id = ik.kpi_id
        WHERE ik.initiative_id = i.id
    )""",
        line,
    )


def _stale_update(line: bool) -> str:
    # No check-in since the limit day, and either an older check-in or an older start:
    # the same as "latest check-in (else start, else creation) before the limit day",
    # answered from the index of recent check-ins instead of every initiative's history.
    since = f"{TODAY} - {STALE_DAYS}"
    return _initiatives(
        f"""i.status = 'in_progress'
    AND NOT EXISTS (
        SELECT 1 FROM progress_update pu
        WHERE pu.initiative_id = i.id AND pu.reported_on >= {since}
    )
    AND (coalesce(i.start_date, i.created_at::date) < {since}
        OR EXISTS (SELECT 1 FROM progress_update pu WHERE pu.initiative_id = i.id))""",
        line,
        figures=f"NULL::numeric, {STALE_DAYS}::numeric",
    )


def _kpis(where: str, line: bool, extra_join: str = "", figures: str = "") -> str:
    """A branch over the KPIs `k` matching `where` (with owner_line: the line's KPIs)."""
    in_line = (
        " AND k.id IN (SELECT ik.kpi_id FROM initiative_kpi ik"
        " JOIN scope s ON s.id = ik.initiative_id)"
        if line
        else ""
    )
    return f"""
SELECT 'kpi', k.id, k.code::text, (
    SELECT kd.department_id FROM kpi_department kd
    WHERE kd.kpi_id = k.id ORDER BY kd.position LIMIT 1
), {figures or NO_FIGURES}
FROM kpi k{extra_join}
WHERE {where}{in_line}"""


WINDOW = "CASE k.cadence WHEN 'quarterly' THEN 184 ELSE 62 END"


def _kpi_unmeasured(line: bool) -> str:
    return _kpis(
        f"(lm.last IS NULL OR lm.last < {TODAY} - {WINDOW})",
        line,
        extra_join=f"""
LEFT JOIN LATERAL (
    SELECT max(m.measured_on) AS last FROM kpi_measurement m
    WHERE m.kpi_id = k.id AND m.measured_on <= {TODAY}
) lm ON true""",
        figures=f"({TODAY} - lm.last)::numeric, ({WINDOW})::numeric",
    )


def _cx_without_ex_driver(line: bool) -> str:
    return _kpis(
        """k.perspective = 'customer' AND NOT EXISTS (
    SELECT 1 FROM kpi_driver dr JOIN kpi e ON e.id = dr.driver_kpi_id
    WHERE dr.driven_kpi_id = k.id AND e.perspective = 'employee'
)""",
        line,
    )


def latest_value_join(kpi_id: str) -> str:
    """A lateral join `lt` holding the KPI's latest value on or before today."""
    return f"""LEFT JOIN LATERAL (
    SELECT m.value FROM kpi_measurement m
    WHERE m.kpi_id = {kpi_id} AND m.measured_on <= {TODAY}
    ORDER BY m.measured_on DESC LIMIT 1
) lt ON true"""


def kpi_latest_cte(line: bool) -> str:
    """Per measured KPI (of the line's done initiatives): its latest value up to today."""
    in_line = " AND k.id IN (SELECT kpi_id FROM done_pair)" if line else ""
    return f"""
kpi_latest AS MATERIALIZED (
    SELECT k.id AS kpi_id, k.direction, k.baseline_value, lt.value AS latest
    FROM kpi k
    {latest_value_join("k.id")}
    WHERE lt.value IS NOT NULL{in_line}
)"""


def value_at_start_join(alias: str) -> str:
    """A lateral join `ref`: the KPI `ik.kpi_id`'s last value on or before `alias`'s start."""
    return f"""LEFT JOIN LATERAL (
    SELECT m.value FROM kpi_measurement m
    WHERE m.kpi_id = ik.kpi_id AND m.measured_on <= {alias}.start_date
    ORDER BY m.measured_on DESC LIMIT 1
) ref ON true"""


# Moved toward target: the latest value beats the value at the start (else the baseline).
MOVED = """CASE l.direction
    WHEN 'increase' THEN l.latest > coalesce(ref.value, l.baseline_value)
    ELSE l.latest < coalesce(ref.value, l.baseline_value) END"""


def done_pair_cte(line: bool) -> str:
    """The (done initiative, linked KPI) pairs, materialized first: the plan starts there."""
    return f"""
done_pair AS MATERIALIZED (
    SELECT i.id, i.start_date, ik.kpi_id
    FROM {_source(line)}
    -- OFFSET 0 keeps the per-initiative index lookup instead of a scan of every link.
    CROSS JOIN LATERAL (
        SELECT ik.kpi_id FROM initiative_kpi ik WHERE ik.initiative_id = i.id OFFSET 0
    ) ik
    WHERE i.status = 'done'
)"""


DONE_MOVED_CTE = f"""
done_moved AS (
    SELECT DISTINCT i.id AS initiative_id
    FROM done_pair i
    JOIN kpi_latest l ON l.kpi_id = i.kpi_id
    LEFT JOIN LATERAL (
        SELECT m.value FROM kpi_measurement m
        WHERE m.kpi_id = i.kpi_id AND m.measured_on <= i.start_date
        ORDER BY m.measured_on DESC LIMIT 1
    ) ref ON true
    WHERE {MOVED}
)"""


def _done_without_movement(line: bool) -> str:
    return _initiatives(
        """i.status = 'done'
    AND EXISTS (SELECT 1 FROM initiative_kpi ik WHERE ik.initiative_id = i.id)
    AND i.id NOT IN (SELECT initiative_id FROM done_moved)""",
        line,
    )


def _owner_inactive(line: bool) -> str:
    return _initiatives(
        f"i.status IN {ACTIVE} AND i.owner_id IN (SELECT p.id FROM person p WHERE NOT p.is_active)",
        line,
    )


BRANCHES = {
    FlagCode.PORTFOLIO_CLIENT_SKEW: _portfolio_skew,
    FlagCode.DEPARTMENT_CLIENT_SKEW: _department_skew,
    FlagCode.DEPARTMENT_UNCOVERED: _department_uncovered,
    FlagCode.MISSING_ENABLER: _missing_enabler,
    FlagCode.NO_USER_NEED: _no_user_need,
    FlagCode.TECH_PUSH: _tech_push,
    FlagCode.NO_KPI: _no_kpi,
    FlagCode.SILO_KPI: _silo_kpi,
    FlagCode.STALE_UPDATE: _stale_update,
    FlagCode.KPI_UNMEASURED: _kpi_unmeasured,
    FlagCode.CX_KPI_WITHOUT_EX_DRIVER: _cx_without_ex_driver,
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT: _done_without_movement,
    FlagCode.OWNER_INACTIVE: _owner_inactive,
}

# The initiatives owned in the reporting line, whole rows: the branches read them directly.
# OFFSET 0 keeps the lookup by owner (a line owns few initiatives) instead of a hash join
# over every initiative.
SCOPE_CTE = """
scope AS MATERIALIZED (
    SELECT i.* FROM line l
    CROSS JOIN LATERAL (
        SELECT i.id, i.code, i.status, i.department_id, i.owner_id, i.orientation,
            i.client_share, i.origin, i.budget_planned, i.start_date, i.created_at
        FROM initiative i WHERE i.owner_id = l.id OFFSET 0
    ) i
)"""

SHARED_KPI_CTE = """
shared_kpi AS (SELECT kpi_id FROM kpi_department GROUP BY kpi_id HAVING count(*) >= 2)"""
