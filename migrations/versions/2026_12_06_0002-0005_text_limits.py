"""A maximum length on every text column.

The unbounded `text` columns become `varchar(n)`, with the lengths the API, the pages and
the import enforce (schema/text.py). A row already longer than its new limit is never cut
short: the upgrade stops before changing anything and names each column and how many
rows to shorten.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE_MAX = 4_000
LONG_TEXT_MAX = 10_000

# (table, column, maximum length) of every column that was `text`.
LIMITS = (
    ("initiative", "description", LONG_TEXT_MAX),
    ("initiative", "user_need", LONG_TEXT_MAX),
    ("initiative", "target_users", LONG_TEXT_MAX),
    ("initiative", "hypothesis", LONG_TEXT_MAX),
    ("initiative", "lessons_learned", LONG_TEXT_MAX),
    ("initiative_kpi", "rationale", NOTE_MAX),
    ("kpi", "definition", LONG_TEXT_MAX),
    ("progress_update", "summary", NOTE_MAX),
    ("progress_update", "blockers", NOTE_MAX),
    ("progress_update", "next_steps", NOTE_MAX),
)


class TextTooLong(RuntimeError):
    """Rows hold texts longer than the limit their column is getting."""


def _too_long() -> list[str]:
    connection = op.get_bind()
    found = []
    for table, column, limit in LIMITS:
        sql = f"SELECT count(*) FROM {table} WHERE char_length({column}) > {limit}"
        count = connection.execute(sa.text(sql)).scalar_one()
        if count:
            found.append(f"{table}.{column}: {count} row(s) longer than {limit} characters")
    return found


def upgrade() -> None:
    found = _too_long()
    if found:
        raise TextTooLong(
            "Cannot limit text lengths; shorten these texts first, then upgrade again"
            " (nothing was changed): " + "; ".join(found)
        )
    for table, column, limit in LIMITS:
        op.alter_column(
            table,
            column,
            type_=sa.String(length=limit),
            existing_type=sa.Text(),
            existing_nullable=False,
        )


def downgrade() -> None:
    for table, column, limit in reversed(LIMITS):
        op.alter_column(
            table,
            column,
            type_=sa.Text(),
            existing_type=sa.String(length=limit),
            existing_nullable=False,
        )
