"""Approval waivers and change requests: the CDO office decides.

`change_request` holds a department head's governed change until the CDO office approves
or rejects it; `approval_waiver` the CDO office's reason for approving an initiative that
fails an approval check; `portfolio_setting.budget_tolerance` how far a head may raise a
planned budget (0.10: +10%) before it needs a decision.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("now()")


def _bookkeeping() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    op.add_column(
        "portfolio_setting",
        sa.Column("budget_tolerance", sa.Numeric(5, 4), server_default="0.10", nullable=False),
    )
    op.create_check_constraint(
        "ck_portfolio_setting_budget_tolerance_positive",
        "portfolio_setting",
        "budget_tolerance >= 0",
    )
    op.create_table(
        "change_request",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=True),
        sa.Column("changes", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.String(length=4000), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        *_bookkeeping(),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')",
            name="ck_change_request_status",
        ),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)",
            name="ck_change_request_decided_when_not_pending",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name="fk_change_request_initiative_id_initiative",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["account.id"],
            name="fk_change_request_requested_by_account",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["account.id"],
            name="fk_change_request_decided_by_account",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_change_request"),
    )
    op.create_index("ix_change_request_initiative_id", "change_request", ["initiative_id"])
    op.create_index("ix_change_request_requested_by", "change_request", ["requested_by"])
    op.create_index(
        "ix_change_request_pending",
        "change_request",
        ["id"],
        postgresql_include=["initiative_id"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "approval_waiver",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("initiative_id", sa.BigInteger(), nullable=False),
        sa.Column("check", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=4000), nullable=False),
        sa.Column("granted_by", sa.BigInteger(), nullable=True),
        sa.Column("change_request_id", sa.BigInteger(), nullable=True),
        *_bookkeeping(),
        sa.CheckConstraint(
            "\"check\" IN ('NO_USER_NEED', 'NO_KPI', 'MISSING_ENABLER')",
            name="ck_approval_waiver_check_code",
        ),
        sa.CheckConstraint("length(btrim(reason)) > 0", name="ck_approval_waiver_reason_given"),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name="fk_approval_waiver_initiative_id_initiative",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["account.id"],
            name="fk_approval_waiver_granted_by_account",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_request.id"],
            name="fk_approval_waiver_change_request_id_change_request",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_approval_waiver"),
    )
    op.create_index("ix_approval_waiver_initiative_id", "approval_waiver", ["initiative_id"])


def downgrade() -> None:
    op.drop_table("approval_waiver")
    op.drop_table("change_request")
    op.drop_constraint(
        "ck_portfolio_setting_budget_tolerance_positive", "portfolio_setting", type_="check"
    )
    op.drop_column("portfolio_setting", "budget_tolerance")
