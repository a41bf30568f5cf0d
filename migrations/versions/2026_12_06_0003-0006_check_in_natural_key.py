"""One natural key for check-ins, in the API and the import.

A check-in is known by (initiative, reported_on, summary): the import matches on it and
the API refuses a second one (409). A unique index holds the rule; the summary is hashed
(md5) because a long text does not fit in an index entry.

A database that already holds two check-ins with the same key is not changed: the upgrade
stops and names them, so someone decides which to keep (delete the others, or edit a
summary) and runs the upgrade again. Nothing is removed without being asked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_progress_update_natural_key"

DUPLICATES = sa.text(
    """
    SELECT i.code, u.reported_on, array_agg(u.id ORDER BY u.id) AS ids
    FROM progress_update u JOIN initiative i ON i.id = u.initiative_id
    GROUP BY i.code, u.initiative_id, u.reported_on, md5(u.summary)
    HAVING count(*) > 1
    ORDER BY i.code, u.reported_on
    """
)


def _refuse_duplicates() -> None:
    rows = op.get_bind().execute(DUPLICATES).all()
    if not rows:
        return
    shown = "; ".join(
        f"{code} on {reported_on}: check-ins {', '.join(map(str, ids))}"
        for code, reported_on, ids in rows[:20]
    )
    more = f" (and {len(rows) - 20} more)" if len(rows) > 20 else ""
    raise RuntimeError(
        "Migration 0006 stopped: these check-ins share an initiative, reported_on and "
        f"summary, which must be unique: {shown}{more}. Keep one of each "
        "group (DELETE FROM progress_update WHERE id IN (...), or change a summary), then "
        "run the upgrade again. Nothing was changed."
    )


def upgrade() -> None:
    _refuse_duplicates()
    op.create_index(
        INDEX,
        "progress_update",
        ["initiative_id", "reported_on", sa.text("md5(summary)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="progress_update")
