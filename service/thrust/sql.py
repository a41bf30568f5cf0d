"""SQL of the thrust behind a promise and of the outcomes credited to initiatives.

The thrust is three statements whatever the portfolio's size: the initiative with its
declared enablers and the promises it enables, the EX → CX chain (a recursive walk up the
KPI driver graph from the initiative's customer KPIs), and the internal initiatives that
move each employee driver (counted in full, the first few listed).

The outcomes read one statement: per (initiative, KPI) link, the KPI's value at the
initiative's start (its last measurement on or before the start date, from the index on
kpi_measurement) against the KPI's latest measurement (kept on the kpi row).
"""

from service.portfolio.queries import TODAY
from service.thrust.rules import enabler_lands_late, every_enabler_late

# An initiative as the chain shows it: its code, title, status, health and target date.
# `i` is the initiative; its latest check-in gives the health.
INITIATIVE_FIELDS = """i.id, i.code, i.title, i.orientation, i.status, i.target_date,
    (SELECT pu.health FROM progress_update pu WHERE pu.id = i.last_check_in_id) AS health"""

# Counts as an enabler: the database's own rule (migration 0009).
LIVE = "initiative_counts_as_enabler(i.orientation, i.status)"

HEADER = f"""
SELECT {INITIATIVE_FIELDS}, {every_enabler_late("i")} AS late
FROM initiative i WHERE i.id = :id
"""

# The initiative's declared links seen from either side: the internal or hybrid
# initiatives that enable it (an `enables` link to it, a `depends_on` link from it), and
# the initiatives it enables (the same links the other way round).
DECLARED = f"""
SELECT x.side, {INITIATIVE_FIELDS}, {LIVE} AS live, CASE x.side
        WHEN 'enabler' THEN {enabler_lands_late("i", "p")}
        ELSE {enabler_lands_late("p", "i")} END AS late
FROM (
    SELECT 'enabler' AS side, l.from_id AS id FROM initiative_link l
    WHERE l.to_id = :id AND l.kind = 'enables'
    UNION
    SELECT 'enabler', l.to_id FROM initiative_link l
    WHERE l.from_id = :id AND l.kind = 'depends_on'
    UNION
    SELECT 'enabled', l.to_id FROM initiative_link l
    WHERE l.from_id = :id AND l.kind = 'enables'
    UNION
    SELECT 'enabled', l.from_id FROM initiative_link l
    WHERE l.to_id = :id AND l.kind = 'depends_on'
) x
JOIN initiative i ON i.id = x.id
JOIN initiative p ON p.id = :id
WHERE i.id <> :id
    AND (x.side = 'enabled' OR i.orientation IN ('internal', 'hybrid'))
ORDER BY x.side, i.target_date NULLS LAST, i.code
"""

# Every employee KPI that drives one of the initiative's customer KPIs, at any depth, by
# its shortest path (codes from the employee KPI to the customer KPI). Driver cycles are
# refused by the database; the path check still keeps the walk finite.
CHAIN = """
WITH RECURSIVE cx AS (
    SELECT k.id FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id
    WHERE ik.initiative_id = :id AND k.perspective = 'customer'
),
walk(cx_id, kpi_id, depth, path) AS (
    SELECT cx.id, cx.id, 0, ARRAY[cx.id] FROM cx
    UNION ALL
    SELECT w.cx_id, d.driver_kpi_id, w.depth + 1, d.driver_kpi_id || w.path
    FROM walk w JOIN kpi_driver d ON d.driven_kpi_id = w.kpi_id
    WHERE NOT d.driver_kpi_id = ANY(w.path) AND w.depth < :max_depth
),
shortest AS (
    SELECT DISTINCT ON (w.cx_id, w.kpi_id) w.cx_id, w.kpi_id, w.depth, w.path
    FROM walk w JOIN kpi k ON k.id = w.kpi_id
    WHERE w.depth > 0 AND k.perspective = 'employee'
    ORDER BY w.cx_id, w.kpi_id, w.depth, w.path
)
SELECT c.id AS cx_id, c.code AS cx_code, c.name AS cx_name,
    e.id AS ex_id, e.code AS ex_code, e.name AS ex_name, s.depth,
    (SELECT array_agg(pk.code ORDER BY p.n)
     FROM unnest(s.path) WITH ORDINALITY AS p(id, n) JOIN kpi pk ON pk.id = p.id) AS path
FROM cx JOIN kpi c ON c.id = cx.id
LEFT JOIN shortest s ON s.cx_id = cx.id
LEFT JOIN kpi e ON e.id = s.kpi_id
ORDER BY c.code, s.depth, e.code
"""

# Per employee KPI: how many internal or hybrid initiatives (other than the promise) move
# it, and the first :per_driver of them: declared enablers of the promise first, then the
# live ones, then by target date.
DRIVER_INITIATIVES = f"""
SELECT d.kpi_id, d.total, f.*
FROM (
    SELECT ik.kpi_id, count(*) AS total
    FROM initiative_kpi ik JOIN initiative i ON i.id = ik.initiative_id
    WHERE ik.kpi_id = ANY(CAST(:kpi_ids AS bigint[])) AND i.id <> :id
        AND i.orientation IN ('internal', 'hybrid')
    GROUP BY ik.kpi_id
) d
LEFT JOIN LATERAL (
    SELECT {INITIATIVE_FIELDS}, {LIVE} AS live, {enabler_lands_late("i", "p")} AS late,
        i.id IN (SELECT l.from_id FROM initiative_link l WHERE l.to_id = :id AND l.kind = 'enables'
                 UNION ALL
                 SELECT l.to_id FROM initiative_link l
                 WHERE l.from_id = :id AND l.kind = 'depends_on') AS declared
    FROM initiative_kpi ik JOIN initiative i ON i.id = ik.initiative_id
    JOIN initiative p ON p.id = :id
    WHERE ik.kpi_id = d.kpi_id AND i.id <> :id AND i.orientation IN ('internal', 'hybrid')
    ORDER BY declared DESC, live DESC, i.target_date NULLS LAST, i.code
    LIMIT :per_driver
) f ON true
ORDER BY d.kpi_id, f.declared DESC, f.live DESC, f.target_date NULLS LAST, f.code
"""


# Started: a start date on or before today. The value at the start is the KPI's last
# measurement on or before that day; the movement runs from it to the KPI's latest
# measurement, signed so that a positive improvement is a move in the KPI's direction.
STARTED = f"(i.start_date IS NOT NULL AND i.start_date <= {TODAY})"

# One (initiative, KPI) link with its movement: `ik`, `i` and `k` are in scope.
OUTCOME_FIELDS = f"""
    ik.weight, i.start_date, {STARTED} AS started,
    s.measured_on AS start_on, s.value AS start_value,
    k.last_measured_on AS latest_on, k.last_value AS latest_value,
    k.last_value - s.value AS movement,
    (k.last_value - s.value) * CASE k.direction WHEN 'decrease' THEN -1 ELSE 1 END
        AS improvement,
    round((k.last_value - s.value) * CASE k.direction WHEN 'decrease' THEN -1 ELSE 1 END
        * ik.weight, 4) AS credited"""

START = f"""
    LEFT JOIN LATERAL (
        SELECT m.measured_on, m.value FROM kpi_measurement m
        WHERE m.kpi_id = k.id AND m.measured_on <= i.start_date AND {STARTED}
        ORDER BY m.measured_on DESC LIMIT 1
    ) s ON true"""

OUTCOMES = f"""
SELECT ik.initiative_id, k.id AS kpi_id, k.code AS kpi_code, k.name AS kpi_name, k.unit,
    k.direction, k.perspective, {OUTCOME_FIELDS}
FROM initiative_kpi ik
JOIN initiative i ON i.id = ik.initiative_id
JOIN kpi k ON k.id = ik.kpi_id{START}
WHERE ik.initiative_id = ANY(CAST(:ids AS bigint[]))
ORDER BY ik.initiative_id, k.code
"""

# The contributions are ranked by credit (most first, none last), then by initiative id:
# the keyset is (-credit, id), with -infinity standing for no credit.
RANK_KEY = "-coalesce(c.credited, '-Infinity'::numeric)"

CONTRIBUTIONS = f"""
WITH c AS MATERIALIZED (
    SELECT i.id AS initiative_id, i.code AS initiative_code, i.title AS initiative_title,
        i.status, i.orientation, {OUTCOME_FIELDS}
    FROM initiative_kpi ik
    JOIN initiative i ON i.id = ik.initiative_id
    JOIN kpi k ON k.id = ik.kpi_id{START}
    WHERE ik.kpi_id = :id
),
totals AS (
    SELECT count(*) AS links, count(c.credited) AS credited_links,
        sum(c.credited) AS credited_total, sum(c.weight) AS weight_total
    FROM c
)
SELECT t.*, p.*
FROM totals t
LEFT JOIN LATERAL (
    SELECT c.*, ({RANK_KEY})::text AS rank_key FROM c
    WHERE ({RANK_KEY}, c.initiative_id)
        > (CAST(:after_key AS numeric), CAST(:after_id AS bigint))
    ORDER BY {RANK_KEY}, c.initiative_id
    LIMIT :limit
) p ON true
ORDER BY p.rank_key::numeric, p.initiative_id
"""

KPI_HEADER = """
SELECT k.id, k.code, k.name, k.unit, k.direction, k.perspective,
    k.last_measured_on, k.last_value
FROM kpi k WHERE k.id = :id
"""
