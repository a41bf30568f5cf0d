"""Employee irritants (internal pain points), their votes, and the initiatives addressing them.

The database keeps two things current (migration 0013), whatever surface writes:
- `irritant.vote_count`: the number of `irritant_vote` rows of the irritant;
- `irritant.status` between `open` and `addressed`: addressed while an initiative linked to
  it is done, open otherwise (`irritant_open_status(id)`); a closed irritant stays closed
  until the CDO office or its department's head reopens it.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from schema.base import Timestamped, check_in, derived_count, fk_field, id_field, now_column
from schema.enums import IrritantStatus, Severity
from schema.text import LONG_TEXT_MAX, NAME_MAX, NOTE_MAX, TITLE_MAX


class Irritant(Timestamped, table=True):
    __tablename__ = "irritant"
    __table_args__ = (
        sa.CheckConstraint(check_in("status", IrritantStatus), name="status"),
        sa.CheckConstraint(check_in("severity", Severity), name="severity"),
        sa.CheckConstraint("vote_count >= 0", name="vote_count_positive"),
        sa.CheckConstraint("length(btrim(title)) > 0", name="title_given"),
        sa.CheckConstraint(
            "status <> 'closed' OR length(btrim(status_reason)) > 0", name="closed_with_reason"
        ),
        # Keyset orders of the list: by votes (most first), and most recent first; each
        # alone and under the status and department filters.
        sa.Index("ix_irritant_votes", "vote_count", "id"),
        sa.Index("ix_irritant_status_votes", "status", "vote_count", "id"),
        sa.Index("ix_irritant_department_votes", "department_id", "vote_count", "id"),
        sa.Index("ix_irritant_recent", "raised_at", "id"),
        sa.Index("ix_irritant_status_recent", "status", "raised_at", "id"),
    )

    id: int | None = id_field()
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=LONG_TEXT_MAX)
    department_id: int = fk_field("department.id", ondelete="RESTRICT", index=False)
    # The business process it hurts, in the raiser's words (e.g. "expense claims").
    process: str = Field(default="", max_length=NAME_MAX)
    severity: str = Field(default=Severity.medium, max_length=20)
    status: str = Field(default=IrritantStatus.open, max_length=20)
    # Why it was last closed or reopened (required while closed).
    status_reason: str = Field(default="", max_length=NOTE_MAX)
    # RESTRICT: accounts are disabled, never deleted once they have acted.
    raised_by: int | None = fk_field("account.id", ondelete="RESTRICT", nullable=True)
    raised_at: datetime = now_column()
    # Kept current by the database (migration 0013): how many accounts voted for it.
    vote_count: int = derived_count()


class IrritantVote(SQLModel, table=True):
    """One account's "me too" on an irritant (raising one is voting for it)."""

    __tablename__ = "irritant_vote"

    irritant_id: int = Field(
        sa_column_args=[sa.ForeignKey("irritant.id", ondelete="CASCADE")],
        sa_type=sa.BigInteger,
        primary_key=True,
    )
    account_id: int = Field(
        sa_column_args=[sa.ForeignKey("account.id", ondelete="CASCADE")],
        sa_type=sa.BigInteger,
        primary_key=True,
        index=True,
    )
    created_at: datetime = now_column()


class InitiativeIrritant(SQLModel, table=True):
    """An initiative that addresses an irritant."""

    __tablename__ = "initiative_irritant"
    __table_args__ = (sa.UniqueConstraint("initiative_id", "irritant_id"),)

    id: int | None = id_field()
    initiative_id: int = fk_field("initiative.id", ondelete="CASCADE", index=False)
    irritant_id: int = fk_field("irritant.id", ondelete="CASCADE")
    created_at: datetime = now_column()
