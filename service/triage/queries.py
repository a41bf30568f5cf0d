"""SQL of the ranked flag list: the live flags with their triage, by what is at stake."""

from service.portfolio.flags import PAGE_DETAILS, PAGE_FROM, with_flagged
from service.portfolio.payloads import FlagCode
from service.triage.sql import AGE, RANKED_COLUMNS, STATE, joins, kpi_stakes_cte, stakes

# The KPIs the flags are about: their stakes are summed once, not per flag.
KPI_SUBJECTS = "SELECT entity_id FROM flagged WHERE entity_type = 'kpi'"
# The ranking: most money at stake, then oldest, then most severe; code and entity break ties.
ORDER = "-{p}stakes, -{p}age_days, {p}rank, {p}code, {p}sort_code"


def ranked_sql(codes: list[FlagCode], *, department: bool, subjects: bool, keyed: bool) -> str:
    """Counts (per code, per state, to act on per code) and one ranked page of `codes`.

    `keyed` keeps the one flag of `:entity_type` and `:entity_id` (0: the portfolio).
    """
    key = " AND entity_type = :entity_type AND coalesce(entity_id, 0) = :entity_id" if keyed else ""
    return f"""
{with_flagged(codes, department=department, owner_line=False, subjects=subjects)},
{kpi_stakes_cte("kpi_stakes", KPI_SUBJECTS)},
triaged AS MATERIALIZED (
    SELECT f.*,
        {stakes("f", "fi", "ks.stakes")} AS stakes, {AGE} AS age_days, {STATE} AS state
    FROM flagged f
    LEFT JOIN initiative fi ON f.entity_type = 'initiative' AND fi.id = f.entity_id
    LEFT JOIN kpi_stakes ks ON f.entity_type = 'kpi' AND ks.kpi_id = f.entity_id{joins("f")}
)
{PAGE_DETAILS}{RANKED_COLUMNS},
    c.states, c.to_act_on, p.department_id, ini.owner_id,
    t.acknowledged_by AS acknowledged_by_account
FROM (
    SELECT coalesce(jsonb_object_agg(n.code, n.n), '{{}}') AS counts,
        coalesce(jsonb_object_agg(n.code, jsonb_build_object('count', n.to_act_on,
            'stakes', n.stakes::text)) FILTER (WHERE n.to_act_on > 0), '{{}}') AS to_act_on,
        jsonb_build_object(
            'to_act_on', coalesce(sum(n.to_act_on), 0),
            'acknowledged', coalesce(sum(n.acknowledged), 0),
            'snoozed', coalesce(sum(n.snoozed), 0)) AS states
    FROM (
        -- One pass over the flags: per code, every count the page shows.
        SELECT code, count(*) AS n,
            count(*) FILTER (WHERE state = 'to_act_on') AS to_act_on,
            sum(stakes) FILTER (WHERE state = 'to_act_on') AS stakes,
            count(*) FILTER (WHERE state = 'acknowledged') AS acknowledged,
            count(*) FILTER (WHERE state = 'snoozed') AS snoozed
        FROM triaged GROUP BY code
    ) n
) c
LEFT JOIN LATERAL (
    SELECT * FROM triaged
    WHERE state = ANY(CAST(:states AS text[])){key}
        AND (:first OR ({ORDER.format(p="")}) > (
            CAST(:after_stakes AS numeric), :after_age, :after_rank, :after_code, :after_entity))
    ORDER BY {ORDER.format(p="")}
    LIMIT :limit
) p ON true{PAGE_FROM}
ORDER BY {ORDER.format(p="p.")}
"""


# The first-seen refresh: a row for every flag raised now, none for those that cleared.
REFRESH = """,
raised AS (
    INSERT INTO flag_triage (code, entity_type, entity_id, first_seen_at)
    SELECT f.code, f.entity_type, coalesce(f.entity_id, 0),
        coalesce(CAST(:today AS timestamptz), now())
    FROM flagged f
    ON CONFLICT (code, entity_type, entity_id) DO NOTHING
    RETURNING 1
),
cleared AS (
    DELETE FROM flag_triage t
    WHERE NOT EXISTS (
        SELECT 1 FROM flagged f WHERE f.code = t.code AND f.entity_type = t.entity_type
            AND coalesce(f.entity_id, 0) = t.entity_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM raised) AS raised, (SELECT count(*) FROM cleared) AS cleared,
    (SELECT coalesce(jsonb_object_agg(n.code, n.n), '{}')
        FROM (SELECT code, count(*) AS n FROM flagged GROUP BY code) n) AS counts"""


def refresh_sql(codes: list[FlagCode]) -> str:
    """Record the first sighting of every raised flag, forget the flags that cleared, and
    count the raised flags per code."""
    return with_flagged(codes, department=False, owner_line=False, subjects=False) + REFRESH
