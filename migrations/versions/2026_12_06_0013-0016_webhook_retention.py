"""Delivered and failed webhook events kept for a period; late enablers found by an index.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The client-facing initiatives with a target date and live enablers: the ENABLER_LATE
# flag reads them (and the columns it shows) from this index alone.
LATE_ENABLERS_WHERE = (
    "orientation = 'client_facing' AND target_date IS NOT NULL AND enabler_count > 0"
)


def upgrade() -> None:
    # The retention purge walks the events oldest first, up to its cut-off date.
    op.create_index("ix_webhook_event_occurred_at_id", "webhook_event", ["occurred_at", "id"])
    op.create_index(
        "ix_initiative_enabled_promise",
        "initiative",
        ["status"],
        unique=False,
        postgresql_include=["id", "code", "department_id", "target_date"],
        postgresql_where=sa.text(LATE_ENABLERS_WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_initiative_enabled_promise", table_name="initiative")
    op.drop_index("ix_webhook_event_occurred_at_id", table_name="webhook_event")
