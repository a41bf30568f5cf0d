"""Decisions of the CDO office: change requests and the waivers of approval checks."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from schema.base import Timestamped, check_in, fk_field, id_field
from schema.text import NOTE_MAX


class ChangeRequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class ApprovalCheck(StrEnum):
    """The checks a move to `approved` must pass, named by the flag code of the same rule."""

    NO_USER_NEED = "NO_USER_NEED"
    NO_KPI = "NO_KPI"
    MISSING_ENABLER = "MISSING_ENABLER"


class ChangeRequest(Timestamped, table=True):
    """A department head's governed change to an initiative, waiting for the CDO office.

    `changes` is `{field: {"from": old, "to": new}}` with values as the REST API shows them
    (decimals and dates as strings).
    """

    __tablename__ = "change_request"
    __table_args__ = (
        sa.CheckConstraint(check_in("status", ChangeRequestStatus), name="status"),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_when_not_pending"
        ),
        # The CDO office's queue: pending requests in id order.
        sa.Index(
            "ix_change_request_pending",
            "id",
            postgresql_include=["initiative_id"],
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: int | None = id_field()
    initiative_id: int = fk_field("initiative.id", ondelete="CASCADE")
    # RESTRICT: accounts are disabled, never deleted once they have acted.
    requested_by: int | None = fk_field("account.id", ondelete="RESTRICT", nullable=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    status: str = Field(default=ChangeRequestStatus.pending, max_length=20)
    decided_by: int | None = fk_field("account.id", ondelete="RESTRICT", nullable=True, index=False)
    comment: str = Field(default="", max_length=NOTE_MAX)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class ApprovalWaiver(Timestamped, table=True):
    """The CDO office's reason for approving an initiative that fails one approval check."""

    __tablename__ = "approval_waiver"
    __table_args__ = (
        sa.CheckConstraint(check_in('"check"', ApprovalCheck), name="check_code"),
        sa.CheckConstraint("length(btrim(reason)) > 0", name="reason_given"),
    )

    id: int | None = id_field()
    initiative_id: int = fk_field("initiative.id", ondelete="CASCADE")
    check: str = Field(max_length=40)
    reason: str = Field(max_length=NOTE_MAX)
    granted_by: int | None = fk_field("account.id", ondelete="RESTRICT", nullable=True, index=False)
    change_request_id: int | None = fk_field(
        "change_request.id", ondelete="SET NULL", nullable=True, index=False
    )
