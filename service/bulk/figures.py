"""Every figure the database keeps current by triggers, as one set-based SQL recompute.

The triggers (migrations 0003, 0009, 0013, 0014, 0018) keep each figure current in the
writing transaction, row by row or statement by statement. Here each figure is written
once more, the other way round: `expected` selects, for every row of the figure's table,
the values the figure must hold given the rows it derives from. From that one SELECT come
both the recompute (an UPDATE or upsert writing only what differs) and the check (the rows
whose stored values differ). Rules the database already states as functions are called,
not restated: `initiative_counts_as_enabler`, `irritant_open_status`, `lesson_document`.
A `figures_changed_at` only moves forward (a deleted check-in moves it to the moment of the
deletion), so its expected value is the later of the stored one and the newest child row's.
"""

from dataclasses import dataclass, field

from service.portfolio.queries import ACTIVE

# A KPI link moved when the KPI's latest value beats its value at the start (else its
# baseline) in the KPI's direction, while the initiative is done (`k` the KPI, `i` the
# initiative, `start` the value at start).
_MOVED = """i.status = 'done' AND coalesce(CASE k.direction
    WHEN 'increase' THEN k.last_value > coalesce({start}, k.baseline_value)
    ELSE k.last_value < coalesce({start}, k.baseline_value) END, false)"""

# A link `l` seen from the enabler's side: `enables` from it, or `depends_on` it.
_ENABLER = "CASE l.kind WHEN 'enables' THEN l.from_id ELSE l.to_id END"
_TARGET = "CASE l.kind WHEN 'enables' THEN l.to_id ELSE l.from_id END"


@dataclass(frozen=True)
class Touch:
    """Columns `sets` rewrites when any of `watched` changes (as the figure's trigger does)."""

    watched: tuple[str, ...]
    sets: dict[str, str]


@dataclass(frozen=True)
class Figure:
    """Figure columns of `table`, their values as `expected` (key columns, then `columns`).

    `rows`: the table's rows themselves are the figure (inserted and deleted as well);
    `absent`: stored values that mean the same as no row (totals at zero).
    """

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    expected: str
    rows: bool = False
    absent: tuple[str, ...] | None = None
    touches: tuple[Touch, ...] = field(default=())


KPI = Figure(
    table="kpi",
    key=("id",),
    columns=("last_measured_on", "last_value", "figures_changed_at", "claimed_weight"),
    expected=f"""
SELECT k.id, m.measured_on AS last_measured_on, m.value AS last_value,
    greatest(k.figures_changed_at, w.written) AS figures_changed_at,
    coalesce(c.weight, 0) AS claimed_weight
FROM kpi k
LEFT JOIN LATERAL (
    SELECT x.measured_on, x.value FROM kpi_measurement x
    WHERE x.kpi_id = k.id ORDER BY x.measured_on DESC LIMIT 1
) m ON true
LEFT JOIN (
    SELECT kpi_id, max(updated_at) AS written FROM kpi_measurement GROUP BY kpi_id
) w ON w.kpi_id = k.id
LEFT JOIN (
    SELECT ik.kpi_id, sum(ik.weight) AS weight
    FROM initiative_kpi ik JOIN initiative i ON i.id = ik.initiative_id
    WHERE i.status IN {ACTIVE}
    GROUP BY ik.kpi_id
) c ON c.kpi_id = k.id""",
)

INITIATIVE_KPI = Figure(
    table="initiative_kpi",
    key=("id",),
    columns=("start_value", "moved"),
    expected=f"""
SELECT ik.id, s.value AS start_value, {_MOVED.format(start="s.value")} AS moved
FROM initiative_kpi ik
JOIN initiative i ON i.id = ik.initiative_id
JOIN kpi k ON k.id = ik.kpi_id
LEFT JOIN LATERAL (
    SELECT x.value FROM kpi_measurement x
    WHERE x.kpi_id = ik.kpi_id AND x.measured_on <= i.start_date
    ORDER BY x.measured_on DESC LIMIT 1
) s ON true""",
)

INITIATIVE = Figure(
    table="initiative",
    key=("id",),
    columns=(
        "kpi_count",
        "shared_kpi_count",
        "moved_kpi_count",
        "enabler_count",
        "last_check_in_on",
        "last_check_in_id",
        "spent_to_date",
        "figures_changed_at",
    ),
    expected=f"""
SELECT i.id, coalesce(l.links, 0) AS kpi_count, coalesce(l.shared, 0) AS shared_kpi_count,
    coalesce(l.moved, 0) AS moved_kpi_count, coalesce(e.enablers, 0) AS enabler_count,
    c.reported_on AS last_check_in_on, c.id AS last_check_in_id, c.spent_to_date,
    greatest(i.figures_changed_at, c.written) AS figures_changed_at
FROM initiative i
LEFT JOIN (
    SELECT ik.initiative_id, count(*) AS links,
        count(*) FILTER (WHERE s.kpi_id IS NOT NULL) AS shared,
        count(*) FILTER (WHERE ik.moved) AS moved
    FROM initiative_kpi ik
    LEFT JOIN (
        SELECT kpi_id FROM kpi_department GROUP BY kpi_id HAVING count(*) >= 2
    ) s ON s.kpi_id = ik.kpi_id
    GROUP BY ik.initiative_id
) l ON l.initiative_id = i.id
LEFT JOIN (
    SELECT {_TARGET} AS target_id, count(*) AS enablers
    FROM initiative_link l JOIN initiative x ON x.id = {_ENABLER}
    WHERE l.kind IN ('enables', 'depends_on') AND l.from_id <> l.to_id
        AND initiative_counts_as_enabler(x.orientation, x.status)
    GROUP BY 1
) e ON e.target_id = i.id
LEFT JOIN (
    SELECT DISTINCT ON (initiative_id) initiative_id, reported_on, id, spent_to_date,
        max(created_at) OVER (PARTITION BY initiative_id) AS written
    FROM progress_update ORDER BY initiative_id, reported_on DESC, id DESC
) c ON c.initiative_id = i.id""",
)

DEPARTMENT_TOTALS = Figure(
    table="department_status_total",
    key=("department_id", "status"),
    columns=(
        "initiative_count",
        "client_share_total",
        "budget_total",
        "client_budget_total",
        "spent_total",
        "client_spent_total",
    ),
    expected="""
SELECT department_id, status, count(*) AS initiative_count,
    sum(client_share) AS client_share_total, sum(budget_planned) AS budget_total,
    sum(budget_planned * client_share) AS client_budget_total,
    sum(coalesce(spent_to_date, 0)) AS spent_total,
    sum(coalesce(spent_to_date, 0) * client_share) AS client_spent_total
FROM initiative GROUP BY department_id, status""",
    rows=True,
    absent=("0", "0", "0", "0", "0", "0"),
)

IRRITANT = Figure(
    table="irritant",
    key=("id",),
    columns=("vote_count", "status"),
    expected="""
SELECT r.id, coalesce(v.votes, 0) AS vote_count,
    CASE WHEN r.status = 'closed' THEN r.status ELSE irritant_open_status(r.id) END AS status
FROM irritant r
LEFT JOIN (
    SELECT irritant_id, count(*) AS votes FROM irritant_vote GROUP BY irritant_id
) v ON v.irritant_id = r.id""",
    touches=(Touch(("status",), {"version": "t.version + 1", "updated_at": "now()"}),),
)

# The closing moment of a lesson is history, not a figure: kept as stored (NULL when new).
LESSONS = Figure(
    table="initiative_lesson",
    key=("initiative_id",),
    columns=("document",),
    expected="""
SELECT id AS initiative_id, lesson_document(title, user_need, lessons_learned) AS document
FROM initiative WHERE status IN ('done', 'stopped')""",
    rows=True,
)

# In dependency order: a KPI's latest value before its links' `moved`, those before the
# initiatives' `moved_kpi_count`, their spend before the department totals.
FIGURES = (KPI, INITIATIVE_KPI, INITIATIVE, DEPARTMENT_TOTALS, IRRITANT, LESSONS)

# The triggers that keep the figures above current, per table. Every other trigger (the
# cycle checks, the audit trail's, the tombstones) stays on during a bulk load;
# tests/bulk checks that the database holds exactly these plus those.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "initiative": (
        "initiative_figures_insert",
        "initiative_figures_delete",
        "initiative_figures_update",
        "initiative_enabler_changed",
        "initiative_enabler_deleted",
        "initiative_start_date_changed",
        "initiative_claims_changed",
        "initiative_claims_deleted",
        "initiative_irritants_done",
        "initiative_lesson_inserted",
        "initiative_lesson_changed",
    ),
    "initiative_kpi": (
        "initiative_kpi_figures_insert",
        "initiative_kpi_figures_delete",
        "initiative_kpi_figures_update",
        "initiative_kpi_start_value",
        "initiative_kpi_claims_insert",
        "initiative_kpi_claims_delete",
        "initiative_kpi_claims_update",
    ),
    "initiative_link": (
        "initiative_link_figures_insert",
        "initiative_link_figures_delete",
        "initiative_link_figures_update",
    ),
    "kpi": ("kpi_direction_changed",),
    "kpi_department": (
        "kpi_department_figures_insert",
        "kpi_department_figures_delete",
        "kpi_department_figures_update",
    ),
    "kpi_measurement": (
        "kpi_measurement_figures_insert",
        "kpi_measurement_figures_delete",
        "kpi_measurement_figures_update",
        "kpi_measurement_figures_changed_insert",
        "kpi_measurement_figures_changed_update",
        "kpi_measurement_figures_changed_delete",
    ),
    "progress_update": (
        "progress_update_latest",
        "progress_update_figures_changed_insert",
        "progress_update_figures_changed_update",
        "progress_update_figures_changed_delete",
    ),
    "initiative_irritant": ("initiative_irritant_added", "initiative_irritant_removed"),
    "irritant_vote": ("irritant_vote_added", "irritant_vote_removed"),
}


def _row(alias: str, columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"{alias}.{column}" for column in columns) + ")"


def _matches(left: str, right: str, key: tuple[str, ...]) -> str:
    return " AND ".join(f"{left}.{column} = {right}.{column}" for column in key)


def _differ(figure: Figure, source: str) -> str:
    return f"{_row('t', figure.columns)} IS DISTINCT FROM {_row(source, figure.columns)}"


def _touched(figure: Figure, source: str) -> list[str]:
    return [
        f"{target} = CASE WHEN {_row('t', touch.watched)} IS DISTINCT FROM"
        f" {_row(source, touch.watched)} THEN {value} ELSE t.{target} END"
        for touch in figure.touches
        for target, value in touch.sets.items()
    ]


def recompute_statement(figure: Figure) -> str:
    """The statement writing `figure`'s expected values where the stored ones differ."""
    if not figure.rows:
        sets = [*(f"{c} = e.{c}" for c in figure.columns), *_touched(figure, "e")]
        return (
            f"UPDATE {figure.table} AS t SET {', '.join(sets)}"
            f" FROM ({figure.expected}) e"
            f" WHERE {_matches('t', 'e', figure.key)} AND {_differ(figure, 'e')}"
        )
    names = ", ".join((*figure.key, *figure.columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in figure.columns)
    return (
        f"WITH e AS MATERIALIZED ({figure.expected}),"
        f" gone AS (DELETE FROM {figure.table} t"
        f" WHERE NOT EXISTS (SELECT FROM e WHERE {_matches('e', 't', figure.key)}))"
        f" INSERT INTO {figure.table} AS t ({names}) SELECT {names} FROM e"
        f" ON CONFLICT ({', '.join(figure.key)}) DO UPDATE SET {updates}"
        f" WHERE {_differ(figure, 'excluded')}"
    )


def check_statement(figure: Figure, limit: int) -> str:
    """The first `limit` rows (by key) whose stored figures differ from the expected ones:
    the key, then each column stored, then each column expected (NULLs for a missing row)."""
    stored = f"SELECT * FROM {figure.table}"
    if figure.absent is not None:
        zero = "(" + ", ".join(figure.absent) + ")"
        stored += f" WHERE {_row(figure.table, figure.columns)} IS DISTINCT FROM {zero}"
    key = ", ".join(f"coalesce(t.{c}, e.{c})" for c in figure.key)
    return (
        f"SELECT {key}, t.{figure.key[0]} IS NOT NULL, e.{figure.key[0]} IS NOT NULL,"
        f" {', '.join(f't.{c}' for c in figure.columns)},"
        f" {', '.join(f'e.{c}' for c in figure.columns)}"
        f" FROM ({stored}) t FULL JOIN ({figure.expected}) e ON {_matches('t', 'e', figure.key)}"
        f" WHERE {_differ(figure, 'e')}"
        f" OR (t.{figure.key[0]} IS NULL) <> (e.{figure.key[0]} IS NULL)"
        f" ORDER BY {key} LIMIT {int(limit)}"
    )
