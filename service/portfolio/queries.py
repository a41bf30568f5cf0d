"""SQL-first analytics: the balance index, alignment, reporting lines and snapshot figures.

Every function returns SQL text; the values travel as bound parameters. Optional filters
add fixed fragments, so one request always runs the same statements whatever the data.
"""

from schema.enums import ACTIVE_STATUSES

# "Today" is injectable (tests pin it); by default it is the database's current date.
TODAY = "coalesce(CAST(:today AS date), current_date)"

ACTIVE = "(" + ", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES) + ")"

# The reporting line of :owner_line: that person (depth 0) and everyone below them.
# The manager chain never forms a cycle (a trigger refuses it), so UNION ALL terminates.
LINE_CTE = """
line(id, depth) AS (
    SELECT p.id, 0 FROM person p WHERE p.id = :owner_line
    UNION ALL
    SELECT c.id, l.depth + 1 FROM person c JOIN line l ON c.manager_id = l.id
)"""

IN_LINE = " AND i.owner_id IN (SELECT id FROM line)"

# Spend is the latest check-in's, kept on the initiative (0 before the first one).
WEIGHTS = {
    "budget": "i.budget_planned",
    "spent": "coalesce(i.spent_to_date, 0)",
    "count": "1::numeric",
}


def outside_band(share: str, band_min: str, band_max: str) -> str:
    """SQL: true when `share` is below the band's floor or above its ceiling (on either
    end is within the band), null when the share is null. The one place the band is read."""
    return f"({share} < {band_min} OR {share} > {band_max})"


def with_line(owner_line: bool, *ctes: str) -> str:
    """A WITH RECURSIVE clause holding the reporting line (when filtered) and `ctes`."""
    parts = ([LINE_CTE] if owner_line else []) + list(ctes)
    return "WITH RECURSIVE " + ",\n".join(parts) if parts else ""


# The balance under each weight, summed from department_status_total.
TOTALS = {
    "budget": ("t.budget_total", "t.client_budget_total"),
    "spent": ("t.spent_total", "t.client_spent_total"),
    "count": ("t.initiative_count", "t.client_share_total"),
}


def balance(weight: str, *, department: bool, owner_line: bool) -> str:
    """Portfolio total (is_total) and per-department rows of the client-facing share.

    With no filter, it sums the maintained per-department totals; otherwise it reads the
    initiatives.
    """
    if not department and not owner_line:
        totals = totals_cte("totals", weight, "= ANY(CAST(:statuses AS text[]))")
        return balance_of_totals(totals, owner_line=False)
    restrict = (
        " AND i.department_id = (SELECT id FROM department WHERE code = :department)"
        if department
        else ""
    ) + (IN_LINE if owner_line else "")
    totals = f"""
totals AS (
    SELECT i.department_id, GROUPING(i.department_id) = 1 AS is_total,
        coalesce(sum({WEIGHTS[weight]}), 0)::numeric(16, 2) AS total_weight,
        count(*) AS initiative_count,
        round(sum({WEIGHTS[weight]} * i.client_share)
            / nullif(sum({WEIGHTS[weight]}), 0), 4) AS client_share
    FROM initiative i
    WHERE i.status = ANY(CAST(:statuses AS text[])){restrict}
    GROUP BY GROUPING SETS ((i.department_id), ())
)"""
    return balance_of_totals(totals, owner_line=owner_line)


def totals_cte(name: str, weight: str, statuses: str) -> str:
    """A CTE `name`: per department and in total (is_total), the balance under `weight` of
    the initiatives whose status matches `statuses` (SQL), from department_status_total."""
    total, client = TOTALS[weight]
    return f"""
{name} AS (
    SELECT t.department_id, GROUPING(t.department_id) = 1 AS is_total,
        coalesce(sum({total}), 0)::numeric(16, 2) AS total_weight,
        coalesce(sum(t.initiative_count), 0) AS initiative_count,
        round(sum({client}) / nullif(sum({total}), 0), 4) AS client_share
    FROM department_status_total t
    WHERE t.status {statuses} AND t.initiative_count > 0
    GROUP BY GROUPING SETS ((t.department_id), ())
)"""


def balance_of_totals(totals: str, *, owner_line: bool) -> str:
    """The balance rows (portfolio total first, then per department) of a `totals` CTE."""
    return f"""
{with_line(owner_line, totals)}
SELECT t.is_total, d.code AS department_code, t.total_weight, t.initiative_count,
    t.client_share, st.band_min, st.band_max,
    NOT {outside_band("t.client_share", "st.band_min", "st.band_max")} AS within_band
FROM totals t LEFT JOIN department d ON d.id = t.department_id
LEFT JOIN (SELECT band_min, band_max FROM portfolio_setting WHERE id = 1) st ON true
ORDER BY t.is_total DESC, d.code
"""


def filter_refs() -> str:
    """The ids behind the department code and owner_line filters (null when unknown)."""
    return """
SELECT
    (SELECT id FROM department WHERE code = :department) AS department_id,
    (SELECT id FROM person WHERE id = :owner_line) AS person_id
"""


# The alignment figures of the active portfolio: the dashboard and the snapshots read them.
ALIGNMENT_FIGURES = f"""
act AS (
    SELECT i.id, i.budget_planned, i.shared_kpi_count > 0 AS aligned, i.kpi_count > 0 AS has_kpi
    FROM initiative i
    WHERE i.status IN {ACTIVE}
),
figures AS (
    SELECT count(*) AS initiative_count,
        count(*) FILTER (WHERE aligned) AS aligned_count,
        coalesce(sum(budget_planned), 0) AS total_weight,
        coalesce(sum(budget_planned) FILTER (WHERE aligned), 0) AS aligned_weight,
        array_agg(id) FILTER (WHERE NOT has_kpi) AS bare
    FROM act
)"""
ALIGNMENT_SCORE = "round(f.aligned_weight / nullif(f.total_weight, 0), 4)"


def alignment() -> str:
    """Alignment score, matrix, orphan KPIs and active initiatives without KPI, as JSON."""
    return f"""
WITH {ALIGNMENT_FIGURES},
accountable AS (
    SELECT kd.department_id, k.id AS kpi_id, k.code AS kpi_code,
        kd.position = min(kd.position) OVER (PARTITION BY kd.kpi_id) AS is_owner,
        count(*) OVER (PARTITION BY kd.kpi_id) >= 2 AS is_shared
    FROM kpi_department kd JOIN kpi k ON k.id = kd.kpi_id
)
SELECT f.initiative_count, f.aligned_count, f.total_weight, f.aligned_weight,
    {ALIGNMENT_SCORE} AS alignment_score,
    (SELECT coalesce(jsonb_agg(m ORDER BY m.department_code), '[]') FROM (
        SELECT d.id AS department_id, d.code AS department_code, d.name AS department_name,
            coalesce(jsonb_agg(jsonb_build_object(
                'kpi_id', a.kpi_id, 'kpi_code', a.kpi_code,
                'is_owner', a.is_owner, 'is_shared', a.is_shared) ORDER BY a.kpi_code)
                FILTER (WHERE a.kpi_id IS NOT NULL), '[]') AS kpis
        FROM department d LEFT JOIN accountable a ON a.department_id = d.id
        GROUP BY d.id
    ) m) AS matrix,
    (SELECT coalesce(jsonb_agg(o ORDER BY o.code), '[]') FROM (
        SELECT k.id, k.code, k.name, (
            SELECT d.code FROM kpi_department kd JOIN department d ON d.id = kd.department_id
            WHERE kd.kpi_id = k.id ORDER BY kd.position LIMIT 1
        ) AS owner_department_code
        FROM kpi k
        WHERE NOT EXISTS (SELECT 1 FROM initiative_kpi ik WHERE ik.kpi_id = k.id)
    ) o) AS orphan_kpis,
    (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'id', i.id, 'code', i.code, 'title', i.title,
            'department_code', d.code, 'budget_planned', i.budget_planned::text)
            ORDER BY i.code), '[]')
        FROM initiative i JOIN department d ON d.id = i.department_id
        WHERE i.id = ANY(f.bare)) AS initiatives_without_kpi
FROM figures f
"""


def person_line() -> str:
    """The person, the size of their reporting line and how many initiatives it owns."""
    return f"""
{with_line(True)}
SELECT p.id, p.name, p.title, p.is_active, d.code AS department_code,
    (SELECT count(*) FROM line) AS line_size,
    (SELECT count(*) FROM initiative i WHERE true{IN_LINE}) AS initiative_total
FROM person p LEFT JOIN department d ON d.id = p.department_id
WHERE p.id = :owner_line
"""


def line_initiatives() -> str:
    """One keyset page (by id) of the initiatives owned in a reporting line."""
    return f"""
{with_line(True)}
SELECT i.id, i.code, i.title, i.status, i.orientation, i.client_share, i.budget_planned,
    d.code AS department_code, i.owner_id, o.name AS owner_name, l.depth AS owner_depth
FROM initiative i
JOIN line l ON l.id = i.owner_id
JOIN person o ON o.id = i.owner_id
JOIN department d ON d.id = i.department_id
WHERE i.id > :after
ORDER BY i.id
LIMIT :limit
"""


def alignment_figures() -> str:
    """The alignment score of the active portfolio with its counts and weights (no matrix)."""
    return f"""
WITH {ALIGNMENT_FIGURES}
SELECT f.initiative_count, f.aligned_count, f.total_weight, f.aligned_weight,
    {ALIGNMENT_SCORE} AS alignment_score
FROM figures f"""


def alignment_score() -> str:
    """Only the alignment score of the active portfolio (for snapshots), as alignment()."""
    return f"WITH {ALIGNMENT_FIGURES}\nSELECT {ALIGNMENT_SCORE} AS alignment_score FROM figures f"


UPSERT_SNAPSHOT = f"""
INSERT INTO portfolio_snapshot AS s (taken_on, client_share, total_weight, initiative_count,
    alignment_score, flag_counts, departments)
VALUES ({TODAY}, :client_share, :total_weight, :initiative_count, :alignment_score,
    CAST(:flag_counts AS jsonb), CAST(:departments AS jsonb))
ON CONFLICT (taken_on) DO UPDATE SET
    client_share = EXCLUDED.client_share,
    total_weight = EXCLUDED.total_weight,
    initiative_count = EXCLUDED.initiative_count,
    alignment_score = EXCLUDED.alignment_score,
    flag_counts = EXCLUDED.flag_counts,
    departments = EXCLUDED.departments,
    updated_at = now(),
    version = s.version + 1
RETURNING s.id, (s.xmax = 0) AS inserted
"""


# History, approximated from the dates, with live's definition of active. An initiative
# active today (approved, in progress, on hold) counts at the end of a month from its start
# date; when it has none, or starts after the last month end (approved ahead of its start,
# which live counts too), from the last month end: so the last month counts what live
# counts. A done or stopped one counts from its start until its target date (or its last
# change, without a target date); a proposal never counts.
LAST_MONTH_END = f"(date_trunc('month', {TODAY}) - interval '1 day')::date"
BACKFILL_ACTIVE = f"""(
    i.status IN {ACTIVE} AND least(i.start_date, {LAST_MONTH_END}) <= e.as_of
    OR i.status IN ('done', 'stopped') AND i.start_date <= e.as_of
        AND coalesce(i.target_date, i.updated_at::date) >= e.as_of
)"""
# The flags a month end can be judged on: those that follow from the balance. The others
# read links, check-ins, measurements or people as they are today, which have no history:
# their counts are left out of a backfilled snapshot (absent, not 0).
BACKFILL_SNAPSHOTS = f"""
WITH ends AS (
    SELECT (date_trunc('month', {TODAY}) - make_interval(months => g) - interval '1 day')::date
        AS as_of
    FROM generate_series(0, :months - 1) AS g
),
at AS (
    SELECT e.as_of, i.department_id, i.budget_planned AS w, i.client_share,
        i.shared_kpi_count > 0 AS aligned
    FROM ends e
    JOIN initiative i ON {BACKFILL_ACTIVE}
),
per_department AS (
    SELECT a.as_of, d.code AS department_code, count(*) AS n,
        sum(a.w)::numeric(16, 2) AS total_weight,
        round(sum(a.w * a.client_share) / nullif(sum(a.w), 0), 4) AS client_share
    FROM at a JOIN department d ON d.id = a.department_id
    GROUP BY a.as_of, d.code
),
per_month AS (
    SELECT a.as_of, count(*) AS n, sum(a.w)::numeric(16, 2) AS total_weight,
        round(sum(a.w * a.client_share) / nullif(sum(a.w), 0), 4) AS client_share,
        round(coalesce(sum(a.w) FILTER (WHERE a.aligned), 0) / nullif(sum(a.w), 0), 4)
            AS alignment_score
    FROM at a GROUP BY a.as_of
),
figures AS (
    SELECT e.as_of, m.client_share, coalesce(m.total_weight, 0) AS total_weight,
        coalesce(m.n, 0) AS initiative_count, m.alignment_score,
        jsonb_build_object(
            'PORTFOLIO_CLIENT_SKEW', coalesce(
                ({outside_band("m.client_share", "st.band_min", "st.band_max")})::int, 0),
            'DEPARTMENT_CLIENT_SKEW', (SELECT count(*) FROM per_department pd
                WHERE pd.as_of = e.as_of
                    AND {outside_band("pd.client_share", "st.band_min", "st.band_max")}),
            'DEPARTMENT_UNCOVERED', (SELECT count(*) FROM department)
                - (SELECT count(*) FROM per_department pd WHERE pd.as_of = e.as_of)
        ) AS flag_counts,
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'department_code', pd.department_code, 'client_share', pd.client_share,
                'total_weight', pd.total_weight::text, 'initiative_count', pd.n)
                ORDER BY pd.department_code), '[]')
            FROM per_department pd WHERE pd.as_of = e.as_of) AS departments
    FROM ends e
    LEFT JOIN per_month m ON m.as_of = e.as_of
    CROSS JOIN (SELECT band_min, band_max FROM portfolio_setting WHERE id = 1) st
)
INSERT INTO portfolio_snapshot AS s (taken_on, client_share, total_weight, initiative_count,
    alignment_score, flag_counts, departments)
SELECT as_of, client_share, total_weight, initiative_count, alignment_score,
    flag_counts, departments
FROM figures
ON CONFLICT (taken_on) DO UPDATE SET
    client_share = EXCLUDED.client_share,
    total_weight = EXCLUDED.total_weight,
    initiative_count = EXCLUDED.initiative_count,
    alignment_score = EXCLUDED.alignment_score,
    flag_counts = EXCLUDED.flag_counts,
    departments = EXCLUDED.departments,
    updated_at = now(),
    version = s.version + 1
RETURNING s.id
"""
