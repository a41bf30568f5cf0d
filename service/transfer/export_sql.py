"""The export queries: one per sheet, columns in sheet order, references by natural key.

Rows are sorted on the natural key in the "C" collation, so two databases holding the same
portfolio export the same bytes whatever their ids. Lists are joined with `|` in SQL.
"""

SHEET_SQL: dict[str, str] = {
    "departments": """
SELECT d.code, d.name, h.email AS head_email
FROM department d LEFT JOIN person h ON h.id = d.head_id
ORDER BY d.code COLLATE "C"
""",
    "people": """
SELECT p.email, p.name, p.title, d.code AS department_code, m.email AS manager_email,
       p.is_active
FROM person p
LEFT JOIN department d ON d.id = p.department_id
LEFT JOIN person m ON m.id = p.manager_id
ORDER BY p.email COLLATE "C"
""",
    "kpis": """
WITH departments AS (
    SELECT kd.kpi_id, string_agg(d.code, '|' ORDER BY kd.position) AS codes
    FROM kpi_department kd JOIN department d ON d.id = kd.department_id
    GROUP BY kd.kpi_id
), drivers AS (
    SELECT kr.driven_kpi_id AS kpi_id,
           string_agg(k2.code, '|' ORDER BY k2.code COLLATE "C") AS codes
    FROM kpi_driver kr JOIN kpi k2 ON k2.id = kr.driver_kpi_id
    GROUP BY kr.driven_kpi_id
)
SELECT k.code, k.name, k.definition, k.unit, k.direction, k.perspective, k.baseline_value,
       k.baseline_date, k.target_value, k.target_date, k.cadence,
       coalesce(departments.codes, '') AS department_codes,
       coalesce(drivers.codes, '') AS driver_codes
FROM kpi k
LEFT JOIN departments ON departments.kpi_id = k.id
LEFT JOIN drivers ON drivers.kpi_id = k.id
ORDER BY k.code COLLATE "C"
""",
    "initiatives": """
WITH kpi_links AS (
    SELECT ik.initiative_id,
           string_agg(k.code || ':' || CAST(trim_scale(ik.weight) AS text), '|'
                      ORDER BY k.code COLLATE "C") AS links,
           -- `|` and `\\` in a rationale escaped as the import reads them (cells.explained_codes)
           string_agg(k.code || ': '
                      || replace(replace(ik.rationale, '\\', '\\\\'), '|', '\\|'), '|'
                      ORDER BY k.code COLLATE "C") FILTER (WHERE ik.rationale <> '')
               AS rationales
    FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id
    GROUP BY ik.initiative_id
), links AS (
    SELECT l.from_id,
           string_agg(o.code, '|' ORDER BY o.code COLLATE "C")
               FILTER (WHERE l.kind = 'enables') AS enables,
           string_agg(o.code, '|' ORDER BY o.code COLLATE "C")
               FILTER (WHERE l.kind = 'depends_on') AS depends_on
    FROM initiative_link l JOIN initiative o ON o.id = l.to_id
    GROUP BY l.from_id
)
SELECT i.code, i.title, i.description, d.code AS department_code, o.email AS owner_email,
       s.email AS sponsor_email, i.status, i.orientation, i.client_share, i.origin,
       i.user_need, i.target_users, i.is_experiment, i.hypothesis, i.lessons_learned,
       i.start_date, i.target_date, i.budget_planned,
       coalesce(kpi_links.links, '') AS kpi_links,
       coalesce(kpi_links.rationales, '') AS kpi_rationales,
       coalesce(links.enables, '') AS enables,
       coalesce(links.depends_on, '') AS depends_on
FROM initiative i
JOIN department d ON d.id = i.department_id
JOIN person o ON o.id = i.owner_id
LEFT JOIN person s ON s.id = i.sponsor_id
LEFT JOIN kpi_links ON kpi_links.initiative_id = i.id
LEFT JOIN links ON links.from_id = i.id
ORDER BY i.code COLLATE "C"
""",
    "measurements": """
SELECT k.code AS kpi_code, m.measured_on, m.value, m.source, r.email AS recorded_by_email
FROM kpi_measurement m
JOIN kpi k ON k.id = m.kpi_id
LEFT JOIN person r ON r.id = m.recorded_by_id
ORDER BY k.code COLLATE "C", m.measured_on
""",
    "checkins": """
SELECT i.code AS initiative_code, u.reported_on, a.email AS author_email,
       u.percent_complete, u.health, u.confidence, u.spent_to_date, u.summary, u.blockers,
       u.next_steps
FROM progress_update u
JOIN initiative i ON i.id = u.initiative_id
LEFT JOIN person a ON a.id = u.author_id
ORDER BY i.code COLLATE "C", u.reported_on, u.summary COLLATE "C", u.id
""",
    # Votes as a count (who voted stays in the database).
    "irritants": """
SELECT d.code AS department_code, r.title, r.description, r.process, r.severity, r.status,
       r.status_reason, a.email AS raised_by_email,
       to_char(r.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS raised_at,
       r.vote_count AS votes,
       (SELECT string_agg(i.code, '|' ORDER BY i.code COLLATE "C")
        FROM initiative_irritant l JOIN initiative i ON i.id = l.initiative_id
        WHERE l.irritant_id = r.id) AS initiative_codes
FROM irritant r
JOIN department d ON d.id = r.department_id
LEFT JOIN account a ON a.id = r.raised_by
ORDER BY d.code COLLATE "C", r.title COLLATE "C", r.id
""",
}

COUNT_SQL: dict[str, str] = {
    "departments": "SELECT count(*) FROM department",
    "people": "SELECT count(*) FROM person",
    "kpis": "SELECT count(*) FROM kpi",
    "initiatives": "SELECT count(*) FROM initiative",
    "measurements": "SELECT count(*) FROM kpi_measurement",
    "checkins": "SELECT count(*) FROM progress_update",
    "irritants": "SELECT count(*) FROM irritant",
}
