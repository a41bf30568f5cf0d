"""Flags triaged: acknowledged, assigned or snoozed, by whoever should act.

`flag_triage` holds one row per raised flag that has been seen by the daily refresh
(`cdo-portfolio snapshot`: first_seen_at, for the flag's age) or triaged (acknowledged
with a note, assigned to a person, snoozed until a date). Flags stay computed; the key is
the flag's (code, entity_type, entity_id), entity_id 0 for the portfolio flag. The refresh
removes the rows of flags that cleared, so a flag raised again starts a new occurrence.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flag_triage",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "first_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("acknowledged_by", sa.BigInteger(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "note",
            sqlmodel.sql.sqltypes.AutoString(length=4000),
            server_default="",
            nullable=False,
        ),
        sa.Column("assigned_to", sa.BigInteger(), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
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
        sa.CheckConstraint(
            "(acknowledged_at IS NULL) = (acknowledged_by IS NULL)",
            name=op.f("ck_flag_triage_acknowledged_by_whom"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["account.id"],
            name=op.f("fk_flag_triage_acknowledged_by_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["person.id"],
            name=op.f("fk_flag_triage_assigned_to_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_triage")),
        sa.UniqueConstraint(
            "code",
            "entity_type",
            "entity_id",
            name=op.f("uq_flag_triage_code_entity_type_entity_id"),
        ),
    )
    op.create_index("ix_flag_triage_assigned_to", "flag_triage", ["assigned_to"])


def downgrade() -> None:
    op.drop_index("ix_flag_triage_assigned_to", table_name="flag_triage")
    op.drop_table("flag_triage")
