"""Email reminders and the weekly digest: each account's choices and what was sent."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from schema.base import Timestamped, check_in, id_field, now_column


class NotificationKind(StrEnum):
    reminder = "reminder"
    digest = "digest"


class NotificationPreference(Timestamped, table=True):
    """An account's opt-outs; an account without a row gets every kind its role receives."""

    __tablename__ = "notification_preference"

    account_id: int = Field(
        sa_column_args=[sa.ForeignKey("account.id", ondelete="CASCADE")],
        sa_type=sa.BigInteger,
        primary_key=True,
    )
    reminders: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    digest: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


class NotificationSent(SQLModel, table=True):
    """One notification sent on one day: to an account by email, or (no account) to the chat
    webhook. The unique indexes make a second run on the same day send nothing."""

    __tablename__ = "notification_sent"
    __table_args__ = (
        sa.CheckConstraint(check_in("kind", NotificationKind), name="kind"),
        sa.Index("uq_notification_sent_account", "account_id", "kind", "sent_on", unique=True),
        sa.Index(
            "uq_notification_sent_webhook",
            "kind",
            "sent_on",
            unique=True,
            postgresql_where=sa.text("account_id IS NULL"),
        ),
    )

    id: int | None = id_field()
    account_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("account.id", ondelete="CASCADE")],
        sa_type=sa.BigInteger,
        nullable=True,
    )
    kind: str = Field(max_length=20)
    sent_on: date
    # How many items the message listed (initiatives due; flags in a digest).
    item_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = now_column()
