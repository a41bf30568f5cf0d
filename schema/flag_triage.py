"""Triage of the computed flags: when each was first seen, and who acknowledged, was
assigned or snoozed it."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field

from schema.base import Timestamped, fk_field, id_field, now_column
from schema.text import CODE_MAX, NOTE_MAX


class FlagTriage(Timestamped, table=True):
    """The stored state of one raised flag, keyed as flags are: code and subject.

    `entity_id` is 0 for the portfolio flag (it has no subject row). Rows are written by
    the daily refresh (first seen; rows of cleared flags removed) and by triage actions.
    """

    __tablename__ = "flag_triage"
    __table_args__ = (
        sa.UniqueConstraint("code", "entity_type", "entity_id"),
        sa.CheckConstraint(
            "(acknowledged_at IS NULL) = (acknowledged_by IS NULL)", name="acknowledged_by_whom"
        ),
    )

    id: int | None = id_field()
    code: str = Field(max_length=CODE_MAX)
    entity_type: str = Field(max_length=20)
    entity_id: int = Field(sa_type=sa.BigInteger)
    first_seen_at: datetime = now_column()
    # RESTRICT: accounts are disabled, never deleted once they have acted.
    acknowledged_by: int | None = fk_field(
        "account.id", ondelete="RESTRICT", nullable=True, index=False
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    note: str = Field(default="", max_length=NOTE_MAX, sa_column_kwargs={"server_default": ""})
    assigned_to: int | None = fk_field("person.id", ondelete="SET NULL", nullable=True)
    snoozed_until: date | None = Field(default=None)
