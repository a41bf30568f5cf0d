"""Check-ins: append-only progress updates on initiatives."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from schema.base import MONEY, check_in, fk_field, id_field, now_column
from schema.enums import Health
from schema.text import NOTE_MAX


class ProgressUpdate(SQLModel, table=True):
    """Append-only: a correction is a new check-in, so no version or updated_at."""

    __tablename__ = "progress_update"
    __table_args__ = (
        sa.CheckConstraint(check_in("health", Health), name="health"),
        sa.CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        sa.CheckConstraint("confidence BETWEEN 0 AND 10", name="confidence_range"),
        sa.CheckConstraint("spent_to_date >= 0", name="spent_non_negative"),
        sa.CheckConstraint("length(trim(summary)) > 0", name="summary_required"),
        sa.Index("ix_progress_update_initiative_latest", "initiative_id", "reported_on", "id"),
        sa.Index("ix_progress_update_created_at_id", "created_at", "id"),
        # The natural key, shared with the import: one check-in per initiative, day and
        # summary (hashed, as a summary can be longer than an index entry may be).
        sa.Index(
            "uq_progress_update_natural_key",
            "initiative_id",
            "reported_on",
            sa.func.md5(sa.column("summary")),
            unique=True,
        ),
        # Recent check-ins by day (the STALE_UPDATE flag).
        sa.Index(
            "ix_progress_update_reported_on", "reported_on", postgresql_include=["initiative_id"]
        ),
    )

    id: int | None = id_field()
    initiative_id: int = fk_field("initiative.id", ondelete="CASCADE", index=False)
    author_id: int | None = fk_field("person.id", ondelete="SET NULL", nullable=True)
    reported_on: date
    percent_complete: int
    health: str = Field(max_length=10)
    confidence: int | None = None
    spent_to_date: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    summary: str = Field(max_length=NOTE_MAX)
    blockers: str = Field(default="", max_length=NOTE_MAX)
    next_steps: str = Field(default="", max_length=NOTE_MAX)
    created_at: datetime = now_column()
