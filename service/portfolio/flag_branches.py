"""SQL of each portfolio flag: one branch per code over the same columns.

Every branch selects (entity_type, entity_id, sort_code, department_id, figure, threshold);
with a reporting line, the branches read the line's initiatives (the `scope` CTE) instead
of every initiative. The definitions are in service/portfolio/flags.py.

The branches read the figures the database keeps current (migration 0003): an initiative's
KPI, shared-KPI and enabler counts and its latest check-in day, each KPI link's value at the
initiative's start, each KPI's latest measurement. So a flag costs about the rows it raises,
through a partial index, rather than a join of every initiative with its links.
"""

from service.portfolio.payloads import FlagCode
from service.portfolio.queries import ACTIVE, TODAY, outside_band, totals_cte
from service.thrust.rules import EX_DRIVEN, every_enabler_late, live_enablers

# Spelled as a list (not `<> 'stopped'`) so that it is an index condition on status.
NOT_STOPPED = "i.status IN ('proposed', 'approved', 'in_progress', 'on_hold', 'done')"
COLUMNS = "entity_type, entity_id, sort_code, department_id, figure, threshold"
# The settings travel as parameters, so the planner sees the real cut-off dates.
BAND = "CAST(:band_max AS numeric)"
BAND_MIN = "CAST(:band_min AS numeric)"
# A skew's threshold is the end of the band the share is past: the ceiling, else the floor.
OUT_OF_BAND = outside_band("b.client_share", BAND_MIN, BAND)
BAND_END = f"CASE WHEN b.client_share > {BAND} THEN {BAND} ELSE {BAND_MIN} END"
STALE_DAYS = "CAST(:stale_after_days AS integer)"
NO_FIGURES = "NULL::numeric, NULL::numeric"


# The initiatives the branches read: every one (False), those owned in the reporting line
# (True: the `scope` CTE), or a relation with the initiative columns that stands for the
# whole portfolio (its name: a scenario's overlaid initiatives).
Scope = bool | str


def _source(line: Scope) -> str:
    """The initiatives `i` a branch looks at: all, the reporting line's, or a relation."""
    if isinstance(line, str):
        return f"{line} i"
    return "scope i" if line else "initiative i"


def _initiatives(where: str, line: Scope, extra_join: str = "", figures: str = "") -> str:
    """A branch over the initiatives `i` matching `where`."""
    return f"""
SELECT 'initiative', i.id, i.code::text, i.department_id, {figures or NO_FIGURES}
FROM {_source(line)}{extra_join}
WHERE {where}"""


def shares_cte(line: Scope) -> str:
    """Budget-weighted shares of the active initiatives: per department and in total."""
    if line is False:
        return totals_cte("shares", "budget", f"IN {ACTIVE}")
    return f"""
shares AS (
    SELECT i.department_id, GROUPING(i.department_id) = 1 AS is_total,
        round(sum(i.budget_planned * i.client_share) / nullif(sum(i.budget_planned), 0), 4)
            AS client_share
    FROM {_source(line)}
    WHERE i.status IN {ACTIVE}
    GROUP BY GROUPING SETS ((i.department_id), ())
)"""


def _portfolio_skew(line: Scope) -> str:
    return f"""
SELECT 'portfolio', NULL::bigint, '', NULL::bigint, b.client_share, {BAND_END}
FROM shares b
WHERE b.is_total AND {OUT_OF_BAND}"""


def _department_skew(line: Scope) -> str:
    return f"""
SELECT 'department', d.id, d.code::text, d.id, b.client_share, {BAND_END}
FROM shares b JOIN department d ON d.id = b.department_id
WHERE NOT b.is_total AND {OUT_OF_BAND}"""


def _department_uncovered(line: Scope) -> str:
    in_line = (
        " AND d.id IN (SELECT p.department_id FROM line l JOIN person p ON p.id = l.id)"
        if line is True
        else ""
    )
    return f"""
SELECT 'department', d.id, d.code::text, d.id, {NO_FIGURES}
FROM department d
WHERE NOT EXISTS (
    SELECT 1 FROM {_source(line)} WHERE i.department_id = d.id AND i.status IN {ACTIVE}
){in_line}"""


def _missing_enabler(line: Scope) -> str:
    return _initiatives(
        f"i.status IN {ACTIVE} AND i.orientation = 'client_facing' AND i.enabler_count = 0",
        line,
    )


def _no_user_need(line: Scope) -> str:
    # Read from the partial index of blank needs, whatever the scope.
    in_line = " AND i.id IN (SELECT id FROM scope)" if line is True else ""
    return _initiatives(
        f"btrim(i.user_need) = '' AND {NOT_STOPPED} AND i.origin <> 'regulation'{in_line}",
        line if isinstance(line, str) else False,
    )


def _tech_push(line: Scope) -> str:
    return _initiatives(f"i.origin = 'technology' AND {NOT_STOPPED}", line)


def _no_kpi(line: Scope) -> str:
    return _initiatives(f"i.status IN {ACTIVE} AND i.kpi_count = 0", line)


def _silo_kpi(line: Scope) -> str:
    return _initiatives(
        f"i.status IN {ACTIVE} AND i.kpi_count > 0 AND i.shared_kpi_count = 0", line
    )


# The day the staleness counts from: the latest check-in, else the start, else the creation.
LAST_ACTIVITY = "coalesce(i.last_check_in_on, i.start_date, i.created_at::date)"


def _stale_update(line: Scope) -> str:
    return _initiatives(
        f"i.status = 'in_progress' AND {LAST_ACTIVITY} < {TODAY} - {STALE_DAYS}",
        line,
        figures=f"({TODAY} - {LAST_ACTIVITY})::numeric, {STALE_DAYS}::numeric",
    )


def _kpis(where: str, line: Scope, extra_join: str = "", figures: str = "") -> str:
    """A branch over the KPIs `k` matching `where` (with owner_line: the line's KPIs)."""
    in_line = (
        " AND k.id IN (SELECT ik.kpi_id FROM initiative_kpi ik"
        " JOIN scope s ON s.id = ik.initiative_id)"
        if line is True
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


def _as_of_today(stored: str, lookup: str) -> str:
    """The KPI's stored latest figure, unless it is dated after today: then `lookup`."""
    return f"""CASE WHEN k.last_measured_on <= {TODAY} THEN {stored} ELSE (
        SELECT {lookup} FROM kpi_measurement m
        WHERE m.kpi_id = k.id AND m.measured_on <= {TODAY}
        ORDER BY m.measured_on DESC LIMIT 1) END"""


# The day and value of the KPI `k`'s latest measurement on or before today.
LAST_MEASURED = _as_of_today("k.last_measured_on", "m.measured_on")
LAST_VALUE = _as_of_today("k.last_value", "m.value")


def _kpi_unmeasured(line: Scope) -> str:
    return _kpis(
        f"(lm.last IS NULL OR lm.last < {TODAY} - {WINDOW})",
        line,
        extra_join=f" CROSS JOIN LATERAL (SELECT {LAST_MEASURED} AS last) lm",
        figures=f"({TODAY} - lm.last)::numeric, ({WINDOW})::numeric",
    )


def _cx_without_ex_driver(line: Scope) -> str:
    return _kpis(f"k.perspective = 'customer' AND k.id NOT IN ({EX_DRIVEN}\n)", line)


def _enabler_late(line: Scope) -> str:
    # In a scenario, the enablers are read as the moves leave them.
    enablers = "overlay" if isinstance(line, str) else "initiative"
    earliest = f"""(
    SELECT min(e.target_date) FROM ({live_enablers("i", enablers)}) e) - i.target_date"""
    return _initiatives(
        f"i.status IN {ACTIVE} AND i.orientation = 'client_facing'"
        f" AND {every_enabler_late('i', enablers)}",
        line,
        figures=f"({earliest})::numeric, 0::numeric",
    )


def done_unsure_cte(line: Scope) -> str:
    """Done initiatives linked to a KPI measured after today: their stored `moved` figures
    count measurements today does not see yet, so they are judged on the measurements."""
    return f"""
done_unsure AS MATERIALIZED (
    SELECT DISTINCT i.id
    FROM kpi k
    JOIN initiative_kpi ik ON ik.kpi_id = k.id
    JOIN {_source(line)} ON i.id = ik.initiative_id
    WHERE k.last_measured_on > {TODAY} AND i.status = 'done'
)"""


def kpi_latest_cte() -> str:
    """Per measured KPI of the `done_pair` links: its latest value up to today."""
    return f"""
kpi_latest AS MATERIALIZED (
    SELECT l.* FROM (
        SELECT k.id AS kpi_id, k.direction, k.baseline_value, {LAST_VALUE} AS latest
        FROM kpi k
        WHERE k.last_measured_on IS NOT NULL AND k.id IN (SELECT kpi_id FROM done_pair)
    ) l
    WHERE l.latest IS NOT NULL
)"""


# Moved toward target: the latest value beats the value at the start (else the baseline).
MOVED = """CASE l.direction
    WHEN 'increase' THEN l.latest > coalesce(p.start_value, l.baseline_value)
    ELSE l.latest < coalesce(p.start_value, l.baseline_value) END"""


DONE_PAIR_CTE = """
done_pair AS MATERIALIZED (
    SELECT ik.initiative_id AS id, ik.kpi_id, ik.start_value
    FROM done_unsure u JOIN initiative_kpi ik ON ik.initiative_id = u.id
)"""


DONE_MOVED_CTE = f"""
done_moved AS (
    SELECT DISTINCT p.id AS initiative_id
    FROM done_pair p
    JOIN kpi_latest l ON l.kpi_id = p.kpi_id
    WHERE {MOVED}
)"""


def _done_without_movement(line: Scope) -> str:
    # From the stored figures, except for the initiatives they cannot judge as of today.
    stored = _initiatives(
        "i.status = 'done' AND i.kpi_count > 0 AND i.moved_kpi_count = 0"
        " AND i.id NOT IN (SELECT id FROM done_unsure)",
        line,
    )
    measured = _initiatives(
        "i.id IN (SELECT id FROM done_unsure) AND i.kpi_count > 0"
        " AND i.id NOT IN (SELECT initiative_id FROM done_moved)",
        line,
    )
    return f"{stored}\nUNION ALL{measured}"


def _owner_inactive(line: Scope) -> str:
    return _initiatives(
        f"i.status IN {ACTIVE} AND i.owner_id IN (SELECT p.id FROM person p WHERE NOT p.is_active)",
        line,
    )


def _kpi_overclaimed(line: Scope) -> str:
    # The summed weights the database keeps (migration 0009), over the whole portfolio
    # whatever the reporting line; a scenario's relation sums its own links' weights.
    if not isinstance(line, str):
        return _kpis("k.claimed_weight > 1", line, figures="k.claimed_weight, 1::numeric")
    claimed = f""" JOIN (
    SELECT ik.kpi_id, sum(ik.weight) AS claimed
    FROM initiative_kpi ik JOIN {_source(line)} ON i.id = ik.initiative_id
    WHERE i.status IN {ACTIVE}
    GROUP BY ik.kpi_id
    HAVING sum(ik.weight) > 1
) c ON c.kpi_id = k.id"""
    return _kpis("true", line, extra_join=claimed, figures="c.claimed, 1::numeric")


def _irritant_unaddressed(line: Scope) -> str:
    # Any initiative counts as addressing it, whatever the reporting line; with a line, the
    # irritants of the line's departments. A done one makes it `addressed` (the database's
    # rule), which only a scenario's moves can get ahead of: so done counts here too.
    source = line if isinstance(line, str) else "initiative"
    in_line = (
        " AND r.department_id IN (SELECT p.department_id FROM line l JOIN person p ON p.id = l.id)"
        if line is True
        else ""
    )
    return f"""
SELECT 'irritant', r.id, 'IRR-' || r.id, r.department_id, r.vote_count::numeric,
    CAST(:irritant_vote_threshold AS numeric)
FROM irritant r
WHERE r.status = 'open' AND r.vote_count >= CAST(:irritant_vote_threshold AS integer)
    AND NOT EXISTS (
        SELECT 1 FROM initiative_irritant l JOIN {source} i ON i.id = l.initiative_id
        WHERE l.irritant_id = r.id AND (i.status IN {ACTIVE} OR i.status = 'done')
    ){in_line}"""


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
    FlagCode.KPI_OVERCLAIMED: _kpi_overclaimed,
    FlagCode.ENABLER_LATE: _enabler_late,
    FlagCode.IRRITANT_UNADDRESSED: _irritant_unaddressed,
}

# The initiative columns the branches read from `scope`.
SCOPE_COLUMNS = """i.id, i.code, i.status, i.department_id, i.owner_id, i.orientation,
            i.client_share, i.origin, i.budget_planned, i.start_date, i.target_date,
            i.created_at,
            i.kpi_count, i.shared_kpi_count, i.enabler_count, i.moved_kpi_count,
            i.last_check_in_on"""

# The initiatives owned in the reporting line, whole rows: the branches read them directly.
# OFFSET 0 keeps the lookup by owner (a line owns few initiatives) instead of a hash join
# over every initiative.
SCOPE_CTE = f"""
scope AS MATERIALIZED (
    SELECT i.* FROM line l
    CROSS JOIN LATERAL (
        SELECT {SCOPE_COLUMNS}
        FROM initiative i WHERE i.owner_id = l.id OFFSET 0
    ) i
)"""

# A set of initiatives by id (`:subjects`), read as `scope` by the initiative branches.
SUBJECTS_CTE = f"""
scope AS MATERIALIZED (
    SELECT {SCOPE_COLUMNS}
    FROM initiative i WHERE i.id = ANY(CAST(:subjects AS bigint[]))
)"""
