"""Figures the database keeps current for the portfolio flags and the alignment score.

The flags read them instead of joining every initiative with every KPI link, enabling
link, check-in and measurement. Triggers keep them exact in the writing transaction, from
any surface (ORM, bulk upserts, COPY):

- initiative.kpi_count / shared_kpi_count: its KPI links, and KPIs gaining or losing their
  second accountable department;
- initiative.enabler_count: `enables` links from internal or hybrid initiatives that are
  not stopped, and enablers changing orientation or status, or being deleted;
- initiative.last_check_in_on / last_check_in_id / spent_to_date: its latest (append-only)
  check-in, by reported_on then id, and the spend it reported;
- initiative_kpi.start_value: the KPI's last value on or before the initiative's start,
  and, while the initiative is done, moved: whether the KPI's latest value beats it (else
  its baseline) in the KPI's direction; initiative.moved_kpi_count counts those links;
- kpi.last_measured_on / last_value: the KPI's latest measurement;
- department_status_total: per lead department and status, the initiatives' count and
  their summed client share, budget, spend and the client-facing part of both (the balance
  and its skews).

Counts change by increments, so concurrent writers never overwrite each other's. Where a
figure depends on another row (a KPI's departments or measurements, an enabler's
orientation), the trigger first locks that row: the link triggers take it FOR SHARE, the
changes of the row's own figures hold FOR NO KEY UPDATE, so one of the two transactions
waits for the other and then reads what it committed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALUE = sa.Numeric(18, 4)


def enabler(alias: str) -> str:
    """True when the initiative `alias` counts as an enabler: internal or hybrid, not stopped."""
    return f"{alias}.orientation IN ('internal', 'hybrid') AND {alias}.status <> 'stopped'"


def moved(start_value: str) -> str:
    """True when the KPI `k`'s latest value beats `start_value` (else its baseline)."""
    return f"""coalesce(CASE k.direction
    WHEN 'increase' THEN k.last_value > coalesce({start_value}, k.baseline_value)
    ELSE k.last_value < coalesce({start_value}, k.baseline_value) END, false)"""


_TOTALS_ADDED = """
        SELECT department_id, status, 1 AS n, client_share AS share, budget_planned AS budget,
            budget_planned * client_share AS client, coalesce(spent_to_date, 0) AS spent,
            coalesce(spent_to_date, 0) * client_share AS client_spent
        FROM new_row"""
_TOTALS_REMOVED = """
        SELECT department_id, status, -1 AS n, -client_share AS share, -budget_planned AS budget,
            -budget_planned * client_share AS client, -coalesce(spent_to_date, 0) AS spent,
            -coalesce(spent_to_date, 0) * client_share AS client_spent
        FROM old_row"""


def _add_totals(rows: str) -> str:
    """Add the summed `rows` to department_status_total, in key order.

    The key order makes concurrent writers lock the rows in the same order.
    """
    return f"""INSERT INTO department_status_total AS t (department_id, status,
            initiative_count, client_share_total, budget_total, client_budget_total,
            spent_total, client_spent_total)
        SELECT c.department_id, c.status, sum(c.n), sum(c.share), sum(c.budget), sum(c.client),
            sum(c.spent), sum(c.client_spent)
        FROM ({rows}) c
        GROUP BY c.department_id, c.status
        HAVING (sum(c.n), sum(c.share), sum(c.budget), sum(c.client), sum(c.spent),
            sum(c.client_spent)) <> (0, 0, 0, 0, 0, 0)
        ORDER BY c.department_id, c.status
        ON CONFLICT (department_id, status) DO UPDATE SET
            initiative_count = t.initiative_count + EXCLUDED.initiative_count,
            client_share_total = t.client_share_total + EXCLUDED.client_share_total,
            budget_total = t.budget_total + EXCLUDED.budget_total,
            client_budget_total = t.client_budget_total + EXCLUDED.client_budget_total,
            spent_total = t.spent_total + EXCLUDED.spent_total,
            client_spent_total = t.client_spent_total + EXCLUDED.client_spent_total"""


FUNCTIONS = [
    """
CREATE FUNCTION initiative_count_kpi_links(
    initiatives bigint[], kpis bigint[], moved boolean[], signs integer[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kpi WHERE id = ANY(kpis) ORDER BY id FOR SHARE;
    UPDATE initiative i
    SET kpi_count = i.kpi_count + c.links,
        shared_kpi_count = i.shared_kpi_count + c.shared,
        moved_kpi_count = i.moved_kpi_count + c.moved
    FROM (
        SELECT l.initiative_id, sum(l.sign) AS links,
            coalesce(sum(l.sign) FILTER (WHERE (
                SELECT count(*) FROM kpi_department kd WHERE kd.kpi_id = l.kpi_id) >= 2
            ), 0) AS shared,
            coalesce(sum(l.sign) FILTER (WHERE l.moved), 0) AS moved
        FROM unnest(initiatives, kpis, moved, signs) AS l(initiative_id, kpi_id, moved, sign)
        GROUP BY l.initiative_id
    ) c
    WHERE i.id = c.initiative_id AND (c.links, c.shared, c.moved) <> (0, 0, 0);
END;
$$""",
    # Each link counts +1 as inserted (or as it is after an update), -1 as deleted (or as it
    # was before), so an update that changes nothing the counts see writes nothing.
    """
CREATE FUNCTION initiative_kpi_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    initiatives bigint[];
    kpis bigint[];
    moved boolean[];
    signs integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(initiative_id), array_agg(kpi_id), array_agg(new_link.moved),
            array_agg(1)
        INTO initiatives, kpis, moved, signs FROM new_link;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(initiative_id), array_agg(kpi_id), array_agg(old_link.moved),
            array_agg(-1)
        INTO initiatives, kpis, moved, signs FROM old_link;
    ELSE
        SELECT array_agg(c.initiative_id), array_agg(c.kpi_id), array_agg(c.moved),
            array_agg(c.sign)
        INTO initiatives, kpis, moved, signs
        FROM old_link o JOIN new_link n USING (id)
        CROSS JOIN LATERAL (VALUES
            (o.initiative_id, o.kpi_id, o.moved, -1), (n.initiative_id, n.kpi_id, n.moved, 1)
        ) AS c(initiative_id, kpi_id, moved, sign)
        WHERE (o.initiative_id, o.kpi_id, o.moved) IS DISTINCT FROM
            (n.initiative_id, n.kpi_id, n.moved);
    END IF;
    PERFORM initiative_count_kpi_links(initiatives, kpis, moved, signs);
    RETURN NULL;
END;
$$""",
    # `added` holds +1 per inserted and -1 per deleted kpi_department row: the count before
    # the statement is the count now minus what it added.
    """
CREATE FUNCTION kpi_count_departments(kpis bigint[], added integer[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kpi WHERE id = ANY(kpis) ORDER BY id FOR NO KEY UPDATE;
    UPDATE initiative i
    SET shared_kpi_count = i.shared_kpi_count + d.delta
    FROM (
        SELECT ik.initiative_id, sum(s.delta) AS delta
        FROM (
            SELECT t.kpi_id,
                (n.now >= 2)::integer - ((n.now - t.added) >= 2)::integer AS delta
            FROM (
                SELECT c.kpi_id, sum(c.added) AS added
                FROM unnest(kpis, added) AS c(kpi_id, added) GROUP BY c.kpi_id
            ) t
            CROSS JOIN LATERAL (
                SELECT count(*) AS now FROM kpi_department kd WHERE kd.kpi_id = t.kpi_id
            ) n
        ) s
        JOIN initiative_kpi ik ON ik.kpi_id = s.kpi_id
        WHERE s.delta <> 0
        GROUP BY ik.initiative_id
    ) d
    WHERE i.id = d.initiative_id;
END;
$$""",
    """
CREATE FUNCTION kpi_department_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kpis bigint[];
    added integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(kpi_id), array_agg(1) INTO kpis, added FROM new_row;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(kpi_id), array_agg(-1) INTO kpis, added FROM old_row;
    ELSE
        SELECT array_agg(c.kpi_id), array_agg(c.added) INTO kpis, added FROM (
            SELECT kpi_id, -1 AS added FROM old_row
            UNION ALL
            SELECT kpi_id, 1 FROM new_row
        ) c;
    END IF;
    PERFORM kpi_count_departments(kpis, added);
    RETURN NULL;
END;
$$""",
    f"""
CREATE FUNCTION initiative_count_enabler_links(
    froms bigint[], kinds text[], tos bigint[], sign integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM initiative WHERE id = ANY(froms) ORDER BY id FOR SHARE;
    UPDATE initiative t
    SET enabler_count = t.enabler_count + sign * c.links
    FROM (
        SELECT l.to_id, count(*) AS links
        FROM unnest(froms, kinds, tos) AS l(from_id, kind, to_id)
        JOIN initiative e ON e.id = l.from_id
        WHERE l.kind = 'enables' AND {enabler("e")}
        GROUP BY l.to_id
    ) c
    WHERE t.id = c.to_id;
END;
$$""",
    """
CREATE FUNCTION initiative_link_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    froms bigint[];
    kinds text[];
    tos bigint[];
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT array_agg(from_id), array_agg(kind::text), array_agg(to_id)
        INTO froms, kinds, tos FROM old_link;
        PERFORM initiative_count_enabler_links(froms, kinds, tos, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT array_agg(from_id), array_agg(kind::text), array_agg(to_id)
        INTO froms, kinds, tos FROM new_link;
        PERFORM initiative_count_enabler_links(froms, kinds, tos, 1);
    END IF;
    RETURN NULL;
END;
$$""",
    # An initiative starts or stops counting as an enabler of what it `enables`.
    f"""
CREATE FUNCTION initiative_enabler_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source initiative := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    sign integer := CASE
        WHEN TG_OP = 'DELETE' THEN -1
        WHEN {enabler("NEW")} THEN 1
        ELSE -1 END;
BEGIN
    UPDATE initiative t
    SET enabler_count = t.enabler_count + sign * c.links
    FROM (
        SELECT l.to_id, count(*) AS links FROM initiative_link l
        WHERE l.from_id = source.id AND l.kind = 'enables'
        GROUP BY l.to_id
    ) c
    WHERE t.id = c.to_id;
    RETURN source;
END;
$$""",
    """
CREATE FUNCTION kpi_value_on(kpi bigint, day date) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT m.value FROM kpi_measurement m
    WHERE m.kpi_id = kpi AND m.measured_on <= day
    ORDER BY m.measured_on DESC LIMIT 1
$$""",
    f"""
CREATE FUNCTION kpi_moved_from(initiative bigint, kpi bigint, start_value numeric)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT i.status = 'done' AND {moved("start_value")}
    FROM kpi k, initiative i WHERE k.id = kpi AND i.id = initiative
$$""",
    """
CREATE FUNCTION initiative_kpi_start_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kpi WHERE id = NEW.kpi_id FOR SHARE;
    PERFORM 1 FROM initiative WHERE id = NEW.initiative_id FOR SHARE;
    NEW.start_value := kpi_value_on(
        NEW.kpi_id, (SELECT i.start_date FROM initiative i WHERE i.id = NEW.initiative_id));
    NEW.moved := kpi_moved_from(NEW.initiative_id, NEW.kpi_id, NEW.start_value);
    RETURN NEW;
END;
$$""",
    """
CREATE FUNCTION initiative_start_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kpi
    WHERE id IN (SELECT kpi_id FROM initiative_kpi WHERE initiative_id = NEW.id)
    ORDER BY id FOR SHARE;
    UPDATE initiative_kpi ik
    SET start_value = s.value, moved = kpi_moved_from(NEW.id, ik.kpi_id, s.value)
    FROM (
        SELECT id, kpi_value_on(kpi_id, NEW.start_date) AS value
        FROM initiative_kpi WHERE initiative_id = NEW.id
    ) s
    WHERE ik.id = s.id;
    RETURN NULL;
END;
$$""",
    # `first_days`: per KPI, the earliest day whose measurement changed.
    f"""
CREATE FUNCTION kpi_refresh_values(kpis bigint[], first_days date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM kpi WHERE id = ANY(kpis) ORDER BY id FOR NO KEY UPDATE;
    UPDATE kpi k SET last_measured_on = l.measured_on, last_value = l.value
    FROM unnest(kpis) AS c(kpi_id)
    LEFT JOIN LATERAL (
        SELECT m.measured_on, m.value FROM kpi_measurement m
        WHERE m.kpi_id = c.kpi_id ORDER BY m.measured_on DESC LIMIT 1
    ) l ON true
    WHERE k.id = c.kpi_id
        AND (k.last_measured_on, k.last_value) IS DISTINCT FROM (l.measured_on, l.value);
    -- Every link of these KPIs: its value at start (when the start is on or after a changed
    -- day) and whether the latest measurement moved from it.
    UPDATE initiative_kpi ik SET start_value = s.start_value, moved = s.moved
    FROM (
        SELECT v.id, v.start_value, v.done AND {moved("v.start_value")} AS moved
        FROM (
            SELECT l.id, l.kpi_id, i.status = 'done' AS done, CASE WHEN i.start_date >= c.first_day
                THEN kpi_value_on(l.kpi_id, i.start_date) ELSE l.start_value END AS start_value
            FROM unnest(kpis, first_days) AS c(kpi_id, first_day)
            JOIN initiative_kpi l ON l.kpi_id = c.kpi_id
            JOIN initiative i ON i.id = l.initiative_id
        ) v
        JOIN kpi k ON k.id = v.kpi_id
    ) s
    WHERE ik.id = s.id
        AND (ik.start_value, ik.moved) IS DISTINCT FROM (s.start_value, s.moved);
END;
$$""",
    # The KPI's direction or baseline changed: whether each link moved may change too.
    """
CREATE FUNCTION kpi_links_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE initiative_kpi SET moved = kpi_moved_from(initiative_id, kpi_id, start_value)
    WHERE kpi_id = NEW.id
        AND moved IS DISTINCT FROM kpi_moved_from(initiative_id, kpi_id, start_value);
    RETURN NULL;
END;
$$""",
    """
CREATE FUNCTION kpi_measurement_values() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kpis bigint[];
    first_days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(kpi_id), array_agg(first_day) INTO kpis, first_days FROM (
            SELECT kpi_id, min(measured_on) AS first_day FROM new_row GROUP BY kpi_id) c;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(kpi_id), array_agg(first_day) INTO kpis, first_days FROM (
            SELECT kpi_id, min(measured_on) AS first_day FROM old_row GROUP BY kpi_id) c;
    ELSE
        SELECT array_agg(kpi_id), array_agg(first_day) INTO kpis, first_days FROM (
            SELECT kpi_id, min(measured_on) AS first_day FROM (
                SELECT kpi_id, measured_on FROM old_row
                UNION ALL
                SELECT kpi_id, measured_on FROM new_row
            ) r GROUP BY kpi_id) c;
    END IF;
    PERFORM kpi_refresh_values(kpis, first_days);
    RETURN NULL;
END;
$$""",
    f"""
CREATE FUNCTION department_status_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_add_totals(_TOTALS_ADDED)};
    ELSIF TG_OP = 'DELETE' THEN
        {_add_totals(_TOTALS_REMOVED)};
    ELSE
        {_add_totals(f"{_TOTALS_ADDED} UNION ALL {_TOTALS_REMOVED}")};
    END IF;
    RETURN NULL;
END;
$$""",
    """
CREATE FUNCTION progress_update_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The row comparison is re-checked on the locked row, so of two concurrent check-ins
    -- the later one (by day, then id) wins whichever commits first.
    UPDATE initiative i
    SET last_check_in_on = c.reported_on, last_check_in_id = c.id,
        spent_to_date = c.spent_to_date
    FROM (
        SELECT DISTINCT ON (initiative_id) initiative_id, reported_on, id, spent_to_date
        FROM new_check_in ORDER BY initiative_id, reported_on DESC, id DESC
    ) c
    WHERE i.id = c.initiative_id
        AND (i.last_check_in_id IS NULL
            OR (i.last_check_in_on, i.last_check_in_id) < (c.reported_on, c.id));
    RETURN NULL;
END;
$$""",
]


def _statement_triggers(table: str, function: str, name: str) -> list[str]:
    """One AFTER ... FOR EACH STATEMENT trigger per event (transition tables need one)."""
    return [
        f"CREATE TRIGGER {table}_figures_insert AFTER INSERT ON {table}"
        f" REFERENCING NEW TABLE AS new_{name}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {table}_figures_delete AFTER DELETE ON {table}"
        f" REFERENCING OLD TABLE AS old_{name}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {table}_figures_update AFTER UPDATE ON {table}"
        f" REFERENCING OLD TABLE AS old_{name} NEW TABLE AS new_{name}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


TRIGGERS = [
    *_statement_triggers("initiative_kpi", "initiative_kpi_counts", "link"),
    *_statement_triggers("kpi_department", "kpi_department_counts", "row"),
    *_statement_triggers("initiative_link", "initiative_link_counts", "link"),
    f"""CREATE TRIGGER initiative_enabler_changed AFTER UPDATE OF orientation, status
ON initiative FOR EACH ROW
WHEN (({enabler("OLD")}) IS DISTINCT FROM ({enabler("NEW")}))
EXECUTE FUNCTION initiative_enabler_counts()""",
    f"""CREATE TRIGGER initiative_enabler_deleted BEFORE DELETE ON initiative FOR EACH ROW
WHEN ({enabler("OLD")})
EXECUTE FUNCTION initiative_enabler_counts()""",
    *_statement_triggers("kpi_measurement", "kpi_measurement_values", "row"),
    *_statement_triggers("initiative", "department_status_totals", "row"),
    """CREATE TRIGGER initiative_kpi_start_value
BEFORE INSERT OR UPDATE OF initiative_id, kpi_id ON initiative_kpi
FOR EACH ROW EXECUTE FUNCTION initiative_kpi_start_value()""",
    """CREATE TRIGGER kpi_direction_changed AFTER UPDATE OF direction, baseline_value ON kpi
FOR EACH ROW WHEN ((OLD.direction, OLD.baseline_value) IS DISTINCT FROM
    (NEW.direction, NEW.baseline_value))
EXECUTE FUNCTION kpi_links_moved()""",
    """CREATE TRIGGER initiative_start_date_changed
AFTER UPDATE OF start_date, status ON initiative
FOR EACH ROW WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date
    OR (OLD.status = 'done') <> (NEW.status = 'done'))
EXECUTE FUNCTION initiative_start_values()""",
    """CREATE TRIGGER progress_update_latest AFTER INSERT ON progress_update
REFERENCING NEW TABLE AS new_check_in
FOR EACH STATEMENT EXECUTE FUNCTION progress_update_latest()""",
]

STATEMENT_TRIGGER_TABLES = [
    "initiative_kpi",
    "kpi_department",
    "initiative_link",
    "kpi_measurement",
    "initiative",
]
TRIGGER_NAMES = [
    *(
        (f"{table}_figures_{event}", table)
        for table in STATEMENT_TRIGGER_TABLES
        for event in ("insert", "delete", "update")
    ),
    ("initiative_enabler_changed", "initiative"),
    ("initiative_enabler_deleted", "initiative"),
    ("initiative_start_date_changed", "initiative"),
    ("kpi_direction_changed", "kpi"),
    ("initiative_kpi_start_value", "initiative_kpi"),
    ("progress_update_latest", "progress_update"),
]

FUNCTION_SIGNATURES = [
    "initiative_count_kpi_links(bigint[], bigint[], boolean[], integer[])",
    "initiative_kpi_counts()",
    "kpi_count_departments(bigint[], integer[])",
    "kpi_department_counts()",
    "initiative_count_enabler_links(bigint[], text[], bigint[], integer)",
    "initiative_link_counts()",
    "initiative_enabler_counts()",
    "progress_update_latest()",
    "kpi_measurement_values()",
    "kpi_refresh_values(bigint[], date[])",
    "initiative_start_values()",
    "initiative_kpi_start_value()",
    "kpi_value_on(bigint, date)",
    "department_status_totals()",
    "kpi_links_moved()",
    "kpi_moved_from(bigint, bigint, numeric)",
]

# The totals of the initiatives already there, before any figure of theirs is set: from
# here on, the initiative trigger adds every change (the spend backfilled next, too).
BACKFILL_TOTALS = """
INSERT INTO department_status_total (department_id, status, initiative_count,
    client_share_total, budget_total, client_budget_total, spent_total, client_spent_total)
SELECT department_id, status, count(*), sum(client_share), sum(budget_planned),
    sum(budget_planned * client_share), 0, 0
FROM initiative GROUP BY department_id, status
"""
# The counts of the rows already there.
BACKFILL = f"""
UPDATE initiative i SET
    kpi_count = (SELECT count(*) FROM initiative_kpi ik WHERE ik.initiative_id = i.id),
    shared_kpi_count = (
        SELECT count(*) FROM initiative_kpi ik
        WHERE ik.initiative_id = i.id
            AND (SELECT count(*) FROM kpi_department kd WHERE kd.kpi_id = ik.kpi_id) >= 2
    ),
    enabler_count = (
        SELECT count(*) FROM initiative_link l JOIN initiative e ON e.id = l.from_id
        WHERE l.to_id = i.id AND l.kind = 'enables'
            AND {enabler("e")}
    ),
    (last_check_in_on, last_check_in_id, spent_to_date) = (
        SELECT pu.reported_on, pu.id, pu.spent_to_date FROM progress_update pu
        WHERE pu.initiative_id = i.id ORDER BY pu.reported_on DESC, pu.id DESC LIMIT 1
    )
"""
BACKFILL_VALUES = [
    """
UPDATE kpi k SET last_measured_on = l.measured_on, last_value = l.value
FROM kpi_measurement l
WHERE l.kpi_id = k.id AND l.measured_on = (
    SELECT max(m.measured_on) FROM kpi_measurement m WHERE m.kpi_id = k.id)
""",
    """
UPDATE initiative_kpi ik SET start_value = kpi_value_on(ik.kpi_id, i.start_date)
FROM initiative i WHERE i.id = ik.initiative_id AND i.start_date IS NOT NULL
""",
    # The initiative_kpi trigger adds each link that moved to its initiative's count.
    "UPDATE initiative_kpi SET moved = kpi_moved_from(initiative_id, kpi_id, start_value)",
]

FLAG_INDEXES = [
    ("ix_initiative_without_kpi", "kpi_count = 0"),
    ("ix_initiative_silo_kpi", "kpi_count > 0 AND shared_kpi_count = 0"),
    ("ix_initiative_without_enabler", "orientation = 'client_facing' AND enabler_count = 0"),
    ("ix_initiative_technology", "origin = 'technology'"),
    ("ix_initiative_done_unmoved", "status = 'done' AND kpi_count > 0 AND moved_kpi_count = 0"),
]

PORTFOLIO_INCLUDE = [
    "id",
    "code",
    "department_id",
    "orientation",
    "client_share",
    "origin",
    "budget_planned",
    "start_date",
    "created_at",
]


def _portfolio_index(include: list[str]) -> None:
    op.create_index(
        "ix_initiative_portfolio",
        "initiative",
        ["status", "owner_id"],
        unique=False,
        postgresql_include=include,
    )


def upgrade() -> None:
    for name in ("kpi_count", "shared_kpi_count", "enabler_count", "moved_kpi_count"):
        op.add_column(
            "initiative", sa.Column(name, sa.Integer(), server_default="0", nullable=False)
        )
    op.add_column("initiative", sa.Column("last_check_in_on", sa.Date(), nullable=True))
    op.add_column("initiative", sa.Column("last_check_in_id", sa.BigInteger(), nullable=True))
    op.add_column("initiative", sa.Column("spent_to_date", sa.Numeric(14, 2), nullable=True))
    op.add_column("initiative_kpi", sa.Column("start_value", VALUE, nullable=True))
    op.add_column(
        "initiative_kpi",
        sa.Column("moved", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("kpi", sa.Column("last_measured_on", sa.Date(), nullable=True))
    op.add_column("kpi", sa.Column("last_value", VALUE, nullable=True))
    op.create_table(
        "department_status_total",
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("initiative_count", sa.Integer(), nullable=False),
        sa.Column("client_share_total", sa.Numeric(), nullable=False),
        sa.Column("budget_total", sa.Numeric(), nullable=False),
        sa.Column("client_budget_total", sa.Numeric(), nullable=False),
        sa.Column("spent_total", sa.Numeric(), nullable=False),
        sa.Column("client_spent_total", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_department_status_total_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("department_id", "status", name=op.f("pk_department_status_total")),
    )
    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)
    for statement in [BACKFILL_TOTALS, BACKFILL, *BACKFILL_VALUES]:
        op.execute(statement)
    op.create_index(
        "ix_initiative_kpi_start_value",
        "initiative_kpi",
        ["initiative_id"],
        unique=False,
        postgresql_include=["kpi_id", "start_value"],
    )
    op.drop_index("ix_initiative_portfolio", table_name="initiative")
    _portfolio_index([*PORTFOLIO_INCLUDE, "kpi_count", "shared_kpi_count", "spent_to_date"])
    for name, where in FLAG_INDEXES:
        op.create_index(
            name,
            "initiative",
            ["status"],
            unique=False,
            postgresql_include=["id", "code", "department_id", "owner_id"],
            postgresql_where=sa.text(where),
        )
    op.create_index(
        "ix_initiative_in_progress_check_in",
        "initiative",
        ["last_check_in_on"],
        unique=False,
        postgresql_include=["id", "code", "department_id", "owner_id", "start_date", "created_at"],
        postgresql_where=sa.text("status = 'in_progress'"),
    )


def downgrade() -> None:
    op.drop_index("ix_initiative_in_progress_check_in", table_name="initiative")
    for name, _ in FLAG_INDEXES:
        op.drop_index(name, table_name="initiative")
    op.drop_index("ix_initiative_portfolio", table_name="initiative")
    _portfolio_index(PORTFOLIO_INCLUDE)
    for trigger, table in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_index("ix_initiative_kpi_start_value", table_name="initiative_kpi")
    for name in (
        "spent_to_date",
        "last_check_in_id",
        "last_check_in_on",
        "moved_kpi_count",
        "enabler_count",
        "shared_kpi_count",
        "kpi_count",
    ):
        op.drop_column("initiative", name)
    op.drop_column("initiative_kpi", "moved")
    op.drop_table("department_status_total")
    op.drop_column("initiative_kpi", "start_value")
    op.drop_column("kpi", "last_value")
    op.drop_column("kpi", "last_measured_on")
