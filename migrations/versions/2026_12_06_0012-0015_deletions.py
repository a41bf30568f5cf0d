"""Deletions for BI: a tombstone for every deleted row, kept for a configurable period.

`deletion` holds (entity_type, entity_id, deleted_at) for each row deleted from the tables
BI tools pull. One trigger function, `record_deletion()`, runs once per DELETE statement on
each of those tables (cascaded deletes included: they are statements too) and writes the
tombstones of every row the statement removed from its transition table, in the deleting
transaction: a rolled-back delete leaves none, and no delete path can forget one.
`deleted_at` is the transaction's start (`now()`), like `updated_at`. Old tombstones are
removed by the purge (`cdo-portfolio snapshot`), after DELETIONS_RETENTION_DAYS.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same list as schema.deletion.TRACKED_TABLES (a test compares them with the triggers).
TRACKED_TABLES = (
    "department",
    "person",
    "initiative",
    "initiative_link",
    "initiative_kpi",
    "kpi",
    "kpi_driver",
    "kpi_measurement",
    "progress_update",
    "change_request",
    "approval_waiver",
    "scenario",
)

RECORD_DELETION_FUNCTION = """
CREATE FUNCTION record_deletion() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deletion (entity_type, entity_id, deleted_at)
    SELECT TG_TABLE_NAME, gone.id, now() FROM gone;
    RETURN NULL;
END;
$$
"""


def _trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_tombstone AFTER DELETE ON {table} "
        "REFERENCING OLD TABLE AS gone "
        "FOR EACH STATEMENT EXECUTE FUNCTION record_deletion()"
    )


def upgrade() -> None:
    op.create_table(
        "deletion",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deletion"),
    )
    op.create_index("ix_deletion_deleted_at_id", "deletion", ["deleted_at", "id"])
    op.execute(RECORD_DELETION_FUNCTION)
    for table in TRACKED_TABLES:
        op.execute(_trigger(table))


def downgrade() -> None:
    for table in TRACKED_TABLES:
        op.execute(f"DROP TRIGGER {table}_tombstone ON {table}")
    op.execute("DROP FUNCTION record_deletion()")
    op.drop_index("ix_deletion_deleted_at_id", table_name="deletion")
    op.drop_table("deletion")
