"""The portfolio flags of PRODUCT.md §4: one SQL branch per code (their sentences:
service/portfolio/flag_messages.py).

Every branch selects the same columns (entity_type, entity_id, entity_code, department_code,
name, figure, threshold, detail); the branches are joined with UNION ALL, counted and paged
in one statement. Definitions, "today" being the injectable date:

- PORTFOLIO_CLIENT_SKEW (high): the budget-weighted client-facing share of the active
  initiatives, rounded to 4 places, is above band_max or below band_min (equal to either
  end is within the band); the threshold is the end it is past.
- DEPARTMENT_CLIENT_SKEW (medium): the same, per lead department.
- DEPARTMENT_UNCOVERED (high): a department leads no active initiative (with owner_line:
  a department of someone in the line, with no active initiative owned in the line).
- MISSING_ENABLER (high): an active client-facing initiative without a live internal
  enabler: an internal or hybrid initiative (not itself) that is approved, in progress,
  on hold or done, and `enables` it or that it `depends_on` (a proposed or stopped one
  does not count). Read from initiative.enabler_count, kept by the database (migration
  0009): the approval gate reads the same count.
- NO_USER_NEED (medium): a non-stopped initiative whose origin is not regulation, with a
  blank user_need.
- TECH_PUSH (medium): a non-stopped initiative whose origin is technology.
- NO_KPI (medium): an active initiative linked to no KPI.
- SILO_KPI (low): an active initiative linked to KPIs, none of them shared (a shared KPI
  has two or more accountable departments).
- STALE_UPDATE (medium): an in_progress initiative whose latest check-in (or, without one,
  its start_date, else its creation date) is more than stale_after_days before today.
- KPI_UNMEASURED (low): a KPI with no measurement dated within twice its cadence before
  today (monthly: 62 days, quarterly: 184 days; a measurement exactly 62 days old counts).
- CX_KPI_WITHOUT_EX_DRIVER (low): a customer KPI that no employee-perspective KPI drives,
  at any depth (an employee KPI driving an operations KPI that drives it counts).
- DONE_WITHOUT_KPI_MOVEMENT (medium): a done initiative with linked KPIs, none of which
  moved in its direction: per KPI, the latest measurement (on or before today) against the
  last one on or before the initiative's start_date, else the KPI's baseline_value. A KPI
  without both figures counts as not moved.
- OWNER_INACTIVE (high): an active initiative whose owner is no longer active.
- KPI_OVERCLAIMED (medium): a KPI whose links from active initiatives carry weights adding
  up to more than 1 (figure: the sum; threshold: 1); with owner_line, the line's KPIs,
  still summed over the whole portfolio.
- ENABLER_LATE (medium): an active client-facing initiative with a target date and live
  enablers (as MISSING_ENABLER counts them), every one of which lands after it: not done,
  and targeting a later day (an enabler without a target date is not late; the same day
  is not late). Figure: days from its target date to the earliest enabler's; threshold 0.
- IRRITANT_UNADDRESSED (medium): an open irritant with at least irritant_vote_threshold
  votes (a setting, default 5) that no active initiative is linked to. Figure: its votes;
  threshold: the setting. With owner_line, the irritants of the line's departments.

KPI flags carry the KPI's owning department; with owner_line they cover the KPIs linked to
the line's initiatives. `department=` keeps the flags whose department_code matches.

Counts alone (`counts_sql`) are one aggregate per branch: no flag row is kept or told. The
flags of a set of initiatives (`subjects`) run the initiative branches over those rows only.
"""

from schema.enums import Severity
from service.portfolio.flag_branches import (
    BRANCHES,
    COLUMNS,
    DONE_MOVED_CTE,
    DONE_PAIR_CTE,
    LAST_VALUE,
    SCOPE_CTE,
    SUBJECTS_CTE,
    done_unsure_cte,
    kpi_latest_cte,
    shares_cte,
)
from service.portfolio.payloads import FlagCode
from service.portfolio.queries import with_line
from service.thrust.rules import live_enablers
from service.triage import sql as triage_sql

SEVERITY: dict[FlagCode, Severity] = {
    FlagCode.PORTFOLIO_CLIENT_SKEW: Severity.high,
    FlagCode.DEPARTMENT_CLIENT_SKEW: Severity.medium,
    FlagCode.DEPARTMENT_UNCOVERED: Severity.high,
    FlagCode.MISSING_ENABLER: Severity.high,
    FlagCode.NO_USER_NEED: Severity.medium,
    FlagCode.TECH_PUSH: Severity.medium,
    FlagCode.NO_KPI: Severity.medium,
    FlagCode.SILO_KPI: Severity.low,
    FlagCode.STALE_UPDATE: Severity.medium,
    FlagCode.KPI_UNMEASURED: Severity.low,
    FlagCode.CX_KPI_WITHOUT_EX_DRIVER: Severity.low,
    FlagCode.DONE_WITHOUT_KPI_MOVEMENT: Severity.medium,
    FlagCode.OWNER_INACTIVE: Severity.high,
    FlagCode.KPI_OVERCLAIMED: Severity.medium,
    FlagCode.ENABLER_LATE: Severity.medium,
    FlagCode.IRRITANT_UNADDRESSED: Severity.medium,
}
RANK = {Severity.high: 0, Severity.medium: 1, Severity.low: 2}

# The codes whose flags are about one initiative (those a set of initiatives can have).
INITIATIVE_CODES = frozenset(
    {
        FlagCode.MISSING_ENABLER,
        FlagCode.NO_USER_NEED,
        FlagCode.TECH_PUSH,
        FlagCode.NO_KPI,
        FlagCode.SILO_KPI,
        FlagCode.STALE_UPDATE,
        FlagCode.DONE_WITHOUT_KPI_MOVEMENT,
        FlagCode.OWNER_INACTIVE,
        FlagCode.ENABLER_LATE,
    }
)

# Every code in the order the list is sorted: severity, then code.
ORDERED_CODES = sorted(FlagCode, key=lambda c: (RANK[SEVERITY[c]], c.value))


# Names and message details, fetched for the rows of the page only.
PAGE_DETAILS = f"""
SELECT c.counts, p.code, p.severity, p.rank, p.entity_type, p.entity_id, p.sort_code,
    p.figure, p.threshold, dep.code AS department_code,
    CASE p.entity_type
        WHEN 'initiative' THEN ini.code WHEN 'kpi' THEN k.code WHEN 'department' THEN dep.code
        WHEN 'irritant' THEN 'IRR-' || irr.id
    END AS entity_code,
    CASE p.entity_type
        WHEN 'initiative' THEN ini.title WHEN 'kpi' THEN k.name WHEN 'department' THEN dep.name
        WHEN 'irritant' THEN irr.title
        ELSE (SELECT name FROM person WHERE id = :owner_line)
    END AS name,
    CASE p.code
        WHEN 'NO_USER_NEED' THEN ini.origin
        WHEN 'OWNER_INACTIVE' THEN (SELECT o.name FROM person o WHERE o.id = ini.owner_id)
        WHEN 'STALE_UPDATE' THEN CASE WHEN ini.last_check_in_on IS NULL THEN 'never' END
        WHEN 'KPI_UNMEASURED' THEN k.cadence
        WHEN 'ENABLER_LATE' THEN (
            SELECT format('%s %s', e.code, e.target_date)
            FROM ({live_enablers("ini")}) e ORDER BY e.target_date, e.code LIMIT 1)
        WHEN 'SILO_KPI' THEN (
            SELECT string_agg(sk.code, ', ' ORDER BY sk.code)
            FROM initiative_kpi ik JOIN kpi sk ON sk.id = ik.kpi_id
            WHERE ik.initiative_id = ini.id)
        WHEN 'DONE_WITHOUT_KPI_MOVEMENT' THEN (
            SELECT jsonb_agg(jsonb_build_array(k.code,
                trim_scale(coalesce(ik.start_value, k.baseline_value)), trim_scale(lt.value))
                ORDER BY k.code)::text
            FROM initiative_kpi ik
            JOIN kpi k ON k.id = ik.kpi_id
            CROSS JOIN LATERAL (SELECT {LAST_VALUE} AS value) lt
            WHERE ik.initiative_id = ini.id)
    END AS detail"""


def with_flagged(
    codes: list[FlagCode], *, department: bool, owner_line: bool, subjects: bool
) -> str:
    """The WITH clause ending in `flagged`: the flags of `codes` raised now.

    With `subjects`, only the initiatives of the `:subjects` id list are read (initiative
    codes only): the same branches, over those rows instead of the portfolio's.
    """
    scope, ctes = _scoped(codes, owner_line=owner_line, subjects=subjects)
    ctes.append(f"""
flagged AS MATERIALIZED (
    SELECT f.* FROM ({_branches(codes, scope)}) f{_department_filter(department, "f")}
)""")
    return with_line(owner_line, *ctes)


def _scoped(codes: list[FlagCode], *, owner_line: bool, subjects: bool) -> tuple[bool, list[str]]:
    """Whether the branches read `scope` (a line's or a set's initiatives), and the CTEs
    they need before them."""
    scope = owner_line or subjects
    ctes = [SCOPE_CTE] if owner_line else [SUBJECTS_CTE] if subjects else []
    return scope, ctes + _prerequisites(codes, scope)


def _prerequisites(codes: list[FlagCode], scope: bool) -> list[str]:
    ctes = []
    if FlagCode.DONE_WITHOUT_KPI_MOVEMENT in codes:
        ctes += [done_unsure_cte(scope), DONE_PAIR_CTE, kpi_latest_cte(), DONE_MOVED_CTE]
    if {FlagCode.PORTFOLIO_CLIENT_SKEW, FlagCode.DEPARTMENT_CLIENT_SKEW} & set(codes):
        ctes.append(shares_cte(scope))
    return ctes


def _branch(code: FlagCode, scope: bool) -> str:
    return (
        f"SELECT '{code.value}'::text AS code, '{SEVERITY[code].value}'::text AS severity,"
        f" {RANK[SEVERITY[code]]} AS rank, b.* FROM ({BRANCHES[code](scope)}\n) AS b({COLUMNS})"
    )


def _branches(codes: list[FlagCode], scope: bool) -> str:
    return "\nUNION ALL\n".join(_branch(c, scope) for c in codes)


def _department_filter(department: bool, alias: str) -> str:
    if not department:
        return ""
    return f" WHERE {alias}.department_id = (SELECT id FROM department WHERE code = :department)"


def counts_sql(
    codes: list[FlagCode], *, department: bool, owner_line: bool, subjects: bool = False
) -> str:
    """The count of each code of `codes`, one aggregate per branch (no flag row kept)."""
    scope, ctes = _scoped(codes, owner_line=owner_line, subjects=subjects)
    counted = ",\n".join(
        f"'{c.value}', (SELECT count(*) FROM ({BRANCHES[c](scope)}\n) AS b({COLUMNS})"
        f"{_department_filter(department, 'b')})"
        for c in codes
    )
    return f"{with_line(owner_line, *ctes)}\nSELECT jsonb_build_object({counted}) AS counts"


# The rows a page of flags `p` is told with: names, details and triage.
PAGE_FROM = """
LEFT JOIN department dep ON dep.id = p.department_id
LEFT JOIN initiative ini ON p.entity_type = 'initiative' AND ini.id = p.entity_id
LEFT JOIN kpi k ON p.entity_type = 'kpi' AND k.id = p.entity_id
LEFT JOIN irritant irr ON p.entity_type = 'irritant' AND irr.id = p.entity_id""" + (
    triage_sql.PAGE_JOINS
)


def flags_sql(
    codes: list[FlagCode], *, department: bool, owner_line: bool, subjects: bool = False
) -> str:
    """Counts per code (first column) and one keyset page of the flags of `codes`."""
    return f"""
{with_flagged(codes, department=department, owner_line=owner_line, subjects=subjects)}
{PAGE_DETAILS}{triage_sql.PAGE_COLUMNS}
FROM (
    SELECT coalesce(jsonb_object_agg(n.code, n.n), '{{}}') AS counts
    FROM (SELECT code, count(*) AS n FROM flagged GROUP BY code) n
) c
LEFT JOIN LATERAL (
    SELECT * FROM flagged
    WHERE (rank, code, sort_code) > (:after_rank, :after_code, :after_entity)
    ORDER BY rank, code, sort_code
    LIMIT :limit
) p ON true{PAGE_FROM}
ORDER BY p.rank, p.code, p.sort_code
"""
