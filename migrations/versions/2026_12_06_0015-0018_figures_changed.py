"""When a figure shown on a row changed, for `updated_since`.

- initiative.figures_changed_at: the latest time one of its check-ins was written (its
  latest check-in's health and percent, and its spend to date, come from them), back-dated
  ones included; null without check-ins. An incremental pull asks for
  `greatest(updated_at, figures_changed_at) >= since` (greatest skips a null), indexed
  with the id.
- kpi.figures_changed_at: the latest time one of its measurements (so perhaps its latest
  value) was written; null without measurements.

Statement triggers with transition tables keep them, so a multi-row INSERT or a COPY
updates each parent once. A written row counts from its own timestamp (a check-in's
`created_at`, a measurement's `updated_at`); a deleted row, or one moved to another parent,
from `now()`. A loader that writes check-ins or measurements with these triggers disabled
must then run the backfill below (`_backfill`) for the parents it wrote.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (parent, child, the child's reference to its parent, when a child row was written)
TOUCHED = (
    ("initiative", "progress_update", "initiative_id", "created_at"),
    ("kpi", "kpi_measurement", "kpi_id", "updated_at"),
)
EVENTS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _stamp(parent: str, changes: str) -> str:
    """Move each parent's figures_changed_at forward to the latest of `changes` (id, at)."""
    return f"""UPDATE {parent} p SET figures_changed_at = c.at
        FROM (SELECT id, max(at) AS at FROM ({changes}) changes GROUP BY id) c
        WHERE p.id = c.id AND (p.figures_changed_at IS NULL OR p.figures_changed_at < c.at)"""


def _function(parent: str, child: str, ref: str, written: str) -> str:
    new = f"SELECT {ref} AS id, {written} AS at FROM new_rows"
    gone = "SELECT {ref} AS id, now() AS at FROM old_rows"
    moved = f"{gone.format(ref=ref)} WHERE {ref} NOT IN (SELECT {ref} FROM new_rows)"
    return f"""
CREATE FUNCTION {child}_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_stamp(parent, new)};
    ELSIF TG_OP = 'UPDATE' THEN
        {_stamp(parent, f"{new} UNION ALL {moved}")};
    ELSE
        {_stamp(parent, gone.format(ref=ref))};
    END IF;
    RETURN NULL;
END;
$$"""


def _backfill(parent: str, child: str, ref: str, written: str) -> str:
    return f"""
UPDATE {parent} p SET figures_changed_at = c.at
FROM (SELECT {ref} AS id, max({written}) AS at FROM {child} GROUP BY {ref}) c
WHERE c.id = p.id"""


def upgrade() -> None:
    for parent, child, ref, written in TOUCHED:
        op.add_column(
            parent, sa.Column("figures_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        op.execute(_backfill(parent, child, ref, written))
        op.execute(_function(parent, child, ref, written))
        for event, tables in EVENTS.items():
            op.execute(
                f"CREATE TRIGGER {child}_figures_changed_{event} AFTER {event.upper()} ON {child}"
                f" REFERENCING {tables} FOR EACH STATEMENT"
                f" EXECUTE FUNCTION {child}_figures_changed()"
            )
    op.create_index(
        "ix_initiative_changed_at_id",
        "initiative",
        [sa.text("greatest(updated_at, figures_changed_at)"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_initiative_changed_at_id", table_name="initiative")
    for parent, child, *_ in reversed(TOUCHED):
        for event in EVENTS:
            op.execute(f"DROP TRIGGER {child}_figures_changed_{event} ON {child}")
        op.execute(f"DROP FUNCTION {child}_figures_changed()")
        op.drop_column(parent, "figures_changed_at")
