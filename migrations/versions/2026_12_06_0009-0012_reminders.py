"""Check-in reminders and the weekly digest: opt-outs and what was sent.

`notification_preference` holds an account's opt-outs (no row: every kind its role
receives); `notification_sent` one row per notification sent on a day — to an account by
email, or with no account to the chat webhook — so `send-reminders` run twice the same day
sends once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "notification_preference",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("reminders", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("digest", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name="fk_notification_preference_account_id_account",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name="pk_notification_preference"),
    )
    op.create_table(
        "notification_sent",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("item_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("kind IN ('reminder', 'digest')", name="ck_notification_sent_kind"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name="fk_notification_sent_account_id_account",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notification_sent"),
    )
    op.create_index(
        "uq_notification_sent_account",
        "notification_sent",
        ["account_id", "kind", "sent_on"],
        unique=True,
    )
    op.create_index(
        "uq_notification_sent_webhook",
        "notification_sent",
        ["kind", "sent_on"],
        unique=True,
        postgresql_where=sa.text("account_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("notification_sent")
    op.drop_table("notification_preference")
