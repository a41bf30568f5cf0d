"""Portfolio core: departments, people, initiatives, KPIs, check-ins, snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A manager chain never forms a cycle. The advisory lock serialises every change of
# manager_id, so two concurrent requests cannot each pass the check and together close
# a loop: the second one waits, then sees the first one's committed row.
MANAGER_CYCLE_FUNCTION = """
CREATE FUNCTION person_refuse_manager_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.manager_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('person.manager_id'));
    IF EXISTS (
        WITH RECURSIVE chain(id) AS (
            SELECT NEW.manager_id
            UNION
            SELECT p.manager_id FROM person p JOIN chain c ON p.id = c.id
            WHERE p.manager_id IS NOT NULL
        )
        SELECT 1 FROM chain WHERE id = NEW.id
    ) THEN
        RAISE EXCEPTION 'Person % cannot report to % : that would make a reporting cycle.',
            NEW.id, NEW.manager_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_person_no_manager_cycle';
    END IF;
    RETURN NEW;
END;
$$;
"""

MANAGER_CYCLE_TRIGGER = """
CREATE TRIGGER person_no_manager_cycle
AFTER INSERT OR UPDATE OF manager_id ON person
FOR EACH ROW EXECUTE FUNCTION person_refuse_manager_cycle();
"""


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("head_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("code ~ '^[a-z0-9_-]+$'", name=op.f("ck_department_code_slug")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
    )
    op.create_index(op.f("ix_department_head_id"), "department", ["head_id"], unique=False)
    op.create_table(
        "kpi",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("perspective", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("baseline_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("cadence", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.CheckConstraint("cadence IN ('monthly', 'quarterly')", name=op.f("ck_kpi_cadence")),
        sa.CheckConstraint("direction IN ('increase', 'decrease')", name=op.f("ck_kpi_direction")),
        sa.CheckConstraint(
            "perspective IN ('customer', 'employee', 'operations', 'financial')",
            name=op.f("ck_kpi_perspective"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi")),
        sa.UniqueConstraint("code", name=op.f("uq_kpi_code")),
    )
    op.create_index(op.f("ix_kpi_perspective"), "kpi", ["perspective"], unique=False)
    op.create_table(
        "portfolio_setting",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("band_max", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("stale_after_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "band_max BETWEEN 0 AND 1", name=op.f("ck_portfolio_setting_band_range")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_portfolio_setting_single_row")),
        sa.CheckConstraint(
            "stale_after_days >= 1", name=op.f("ck_portfolio_setting_stale_days_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_setting")),
    )
    op.create_table(
        "portfolio_snapshot",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("client_share", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("total_weight", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("initiative_count", sa.Integer(), nullable=False),
        sa.Column("alignment_score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("flag_counts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("departments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_snapshot")),
        sa.UniqueConstraint("taken_on", name=op.f("uq_portfolio_snapshot_taken_on")),
    )
    op.create_table(
        "kpi_department",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kpi_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_kpi_department_position_non_negative")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_kpi_department_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_department_kpi_id_kpi"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_department")),
        sa.UniqueConstraint("kpi_id", "department_id", name="uq_kpi_department_kpi_department"),
        sa.UniqueConstraint("kpi_id", "position", name="uq_kpi_department_kpi_position"),
    )
    op.create_index(
        op.f("ix_kpi_department_department_id"), "kpi_department", ["department_id"], unique=False
    )
    op.create_table(
        "kpi_driver",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("driver_kpi_id", sa.BigInteger(), nullable=False),
        sa.Column("driven_kpi_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "driver_kpi_id <> driven_kpi_id", name=op.f("ck_kpi_driver_no_self_driver")
        ),
        sa.ForeignKeyConstraint(
            ["driven_kpi_id"],
            ["kpi.id"],
            name=op.f("fk_kpi_driver_driven_kpi_id_kpi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["driver_kpi_id"],
            ["kpi.id"],
            name=op.f("fk_kpi_driver_driver_kpi_id_kpi"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_driver")),
        sa.UniqueConstraint("driver_kpi_id", "driven_kpi_id", name="uq_kpi_driver_pair"),
    )
    op.create_index(
        op.f("ix_kpi_driver_driven_kpi_id"), "kpi_driver", ["driven_kpi_id"], unique=False
    )
    op.create_table(
        "person",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=True),
        sa.Column("manager_id", sa.BigInteger(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.CheckConstraint("position('@' in email) > 1", name=op.f("ck_person_email_format")),
        sa.CheckConstraint(
            "manager_id IS NULL OR manager_id <> id", name=op.f("ck_person_not_own_manager")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_person_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["person.id"],
            name=op.f("fk_person_manager_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    op.create_index(op.f("ix_person_department_id"), "person", ["department_id"], unique=False)
    op.create_index(op.f("ix_person_manager_id"), "person", ["manager_id"], unique=False)
    op.create_table(
        "initiative",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("sponsor_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("orientation", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("client_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_need", sa.Text(), nullable=False),
        sa.Column("target_users", sa.Text(), nullable=False),
        sa.Column("is_experiment", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("hypothesis", sa.Text(), nullable=False),
        sa.Column("lessons_learned", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("budget_planned", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint(
            "(orientation = 'client_facing' AND client_share = 1) OR (orientation = 'internal' AND client_share = 0) OR orientation = 'hybrid'",
            name=op.f("ck_initiative_client_share_matches_orientation"),
        ),
        sa.CheckConstraint(
            "orientation IN ('client_facing', 'internal', 'hybrid')",
            name=op.f("ck_initiative_orientation"),
        ),
        sa.CheckConstraint(
            "origin IN ('user_need', 'regulation', 'efficiency', 'technology')",
            name=op.f("ck_initiative_origin"),
        ),
        sa.CheckConstraint(
            "status <> 'stopped' OR length(trim(coalesce(lessons_learned, ''))) > 0",
            name=op.f("ck_initiative_stopped_has_lessons"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'in_progress', 'on_hold', 'done', 'stopped')",
            name=op.f("ck_initiative_status"),
        ),
        sa.CheckConstraint("budget_planned >= 0", name=op.f("ck_initiative_budget_non_negative")),
        sa.CheckConstraint(
            "client_share BETWEEN 0 AND 1", name=op.f("ck_initiative_client_share_range")
        ),
        sa.CheckConstraint(
            "target_date IS NULL OR start_date IS NULL OR target_date >= start_date",
            name=op.f("ck_initiative_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_initiative_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["person.id"],
            name=op.f("fk_initiative_owner_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["person.id"],
            name=op.f("fk_initiative_sponsor_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative")),
        sa.UniqueConstraint("code", name=op.f("uq_initiative_code")),
    )
    op.create_index(
        op.f("ix_initiative_department_id"), "initiative", ["department_id"], unique=False
    )
    op.create_index(op.f("ix_initiative_orientation"), "initiative", ["orientation"], unique=False)
    op.create_index(op.f("ix_initiative_owner_id"), "initiative", ["owner_id"], unique=False)
    op.create_index(op.f("ix_initiative_sponsor_id"), "initiative", ["sponsor_id"], unique=False)
    op.create_index(op.f("ix_initiative_status"), "initiative", ["status"], unique=False)
    op.create_index(
        "ix_initiative_status_department", "initiative", ["status", "department_id"], unique=False
    )
    op.create_index("ix_initiative_updated_at_id", "initiative", ["updated_at", "id"], unique=False)
    op.create_index(
        "ix_initiative_portfolio",
        "initiative",
        ["status", "owner_id"],
        unique=False,
        postgresql_include=[
            "id",
            "code",
            "department_id",
            "orientation",
            "client_share",
            "origin",
            "budget_planned",
            "start_date",
            "created_at",
        ],
    )
    op.create_index(
        "ix_initiative_blank_user_need",
        "initiative",
        ["status"],
        unique=False,
        postgresql_include=["id", "code", "department_id", "owner_id", "origin"],
        postgresql_where=sa.text("btrim(user_need) = ''"),
    )
    op.create_table(
        "kpi_measurement",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kpi_id", sa.BigInteger(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_measurement_kpi_id_kpi"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["person.id"],
            name=op.f("fk_kpi_measurement_recorded_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_measurement")),
        sa.UniqueConstraint("kpi_id", "measured_on", name="uq_kpi_measurement_kpi_measured_on"),
    )
    op.create_index(
        op.f("ix_kpi_measurement_recorded_by_id"),
        "kpi_measurement",
        ["recorded_by_id"],
        unique=False,
    )
    op.create_index(
        "ix_kpi_measurement_updated_at_id", "kpi_measurement", ["updated_at", "id"], unique=False
    )
    op.create_index(
        "ix_kpi_measurement_kpi_value",
        "kpi_measurement",
        ["kpi_id", "measured_on"],
        unique=False,
        postgresql_include=["value"],
    )
    op.create_table(
        "initiative_kpi",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.BigInteger(), nullable=False),
        sa.Column("kpi_id", sa.BigInteger(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.CheckConstraint("weight BETWEEN 0 AND 1", name=op.f("ck_initiative_kpi_weight_range")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_kpi_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi.id"], name=op.f("fk_initiative_kpi_kpi_id_kpi"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_kpi")),
        sa.UniqueConstraint("initiative_id", "kpi_id", name="uq_initiative_kpi_initiative_kpi"),
    )
    op.create_index(op.f("ix_initiative_kpi_kpi_id"), "initiative_kpi", ["kpi_id"], unique=False)
    op.create_table(
        "initiative_link",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("from_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("to_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('enables', 'depends_on')", name=op.f("ck_initiative_link_kind")
        ),
        sa.CheckConstraint("from_id <> to_id", name=op.f("ck_initiative_link_no_self_link")),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_link_from_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_link_to_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_link")),
        sa.UniqueConstraint("from_id", "kind", "to_id", name="uq_initiative_link_from_kind_to"),
    )
    op.create_index(op.f("ix_initiative_link_to_id"), "initiative_link", ["to_id"], unique=False)
    op.create_table(
        "progress_update",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("percent_complete", sa.Integer(), nullable=False),
        sa.Column("health", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("spent_to_date", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("blockers", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "health IN ('green', 'amber', 'red')", name=op.f("ck_progress_update_health")
        ),
        sa.CheckConstraint(
            "confidence BETWEEN 0 AND 10", name=op.f("ck_progress_update_confidence_range")
        ),
        sa.CheckConstraint(
            "length(trim(summary)) > 0", name=op.f("ck_progress_update_summary_required")
        ),
        sa.CheckConstraint(
            "percent_complete BETWEEN 0 AND 100", name=op.f("ck_progress_update_percent_range")
        ),
        sa.CheckConstraint(
            "spent_to_date >= 0", name=op.f("ck_progress_update_spent_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_progress_update_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_progress_update_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_update")),
    )
    op.create_index(
        op.f("ix_progress_update_author_id"), "progress_update", ["author_id"], unique=False
    )
    op.create_index(
        "ix_progress_update_created_at_id", "progress_update", ["created_at", "id"], unique=False
    )
    op.create_index(
        "ix_progress_update_initiative_latest",
        "progress_update",
        ["initiative_id", "reported_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_progress_update_reported_on",
        "progress_update",
        ["reported_on"],
        unique=False,
        postgresql_include=["initiative_id"],
    )
    # department.head_id and person.department_id reference each other.
    op.create_foreign_key(
        "fk_department_head_id_person",
        "department",
        "person",
        ["head_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.execute(MANAGER_CYCLE_FUNCTION)
    op.execute(MANAGER_CYCLE_TRIGGER)
    op.execute(
        "INSERT INTO portfolio_setting (id, band_max, stale_after_days) VALUES (1, 0.60, 30)"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER person_no_manager_cycle ON person")
    op.execute("DROP FUNCTION person_refuse_manager_cycle()")
    op.drop_constraint("fk_department_head_id_person", "department", type_="foreignkey")
    op.drop_index("ix_progress_update_reported_on", table_name="progress_update")
    op.drop_index("ix_progress_update_initiative_latest", table_name="progress_update")
    op.drop_index("ix_progress_update_created_at_id", table_name="progress_update")
    op.drop_index(op.f("ix_progress_update_author_id"), table_name="progress_update")
    op.drop_table("progress_update")
    op.drop_index(op.f("ix_initiative_link_to_id"), table_name="initiative_link")
    op.drop_table("initiative_link")
    op.drop_index(op.f("ix_initiative_kpi_kpi_id"), table_name="initiative_kpi")
    op.drop_table("initiative_kpi")
    op.drop_index("ix_kpi_measurement_kpi_value", table_name="kpi_measurement")
    op.drop_index("ix_kpi_measurement_updated_at_id", table_name="kpi_measurement")
    op.drop_index(op.f("ix_kpi_measurement_recorded_by_id"), table_name="kpi_measurement")
    op.drop_table("kpi_measurement")
    op.drop_index("ix_initiative_blank_user_need", table_name="initiative")
    op.drop_index("ix_initiative_portfolio", table_name="initiative")
    op.drop_index("ix_initiative_updated_at_id", table_name="initiative")
    op.drop_index("ix_initiative_status_department", table_name="initiative")
    op.drop_index(op.f("ix_initiative_status"), table_name="initiative")
    op.drop_index(op.f("ix_initiative_sponsor_id"), table_name="initiative")
    op.drop_index(op.f("ix_initiative_owner_id"), table_name="initiative")
    op.drop_index(op.f("ix_initiative_orientation"), table_name="initiative")
    op.drop_index(op.f("ix_initiative_department_id"), table_name="initiative")
    op.drop_table("initiative")
    op.drop_index(op.f("ix_person_manager_id"), table_name="person")
    op.drop_index(op.f("ix_person_department_id"), table_name="person")
    op.drop_table("person")
    op.drop_index(op.f("ix_kpi_driver_driven_kpi_id"), table_name="kpi_driver")
    op.drop_table("kpi_driver")
    op.drop_index(op.f("ix_kpi_department_department_id"), table_name="kpi_department")
    op.drop_table("kpi_department")
    op.drop_table("portfolio_snapshot")
    op.drop_table("portfolio_setting")
    op.drop_index(op.f("ix_kpi_perspective"), table_name="kpi")
    op.drop_table("kpi")
    op.drop_index(op.f("ix_department_head_id"), table_name="department")
    op.drop_table("department")
