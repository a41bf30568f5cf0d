"""The audit trail (append-only), login attempts and idempotency keys."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from schema.base import fk_field, id_field, now_column


class AuditEvent(SQLModel, table=True):
    """One write by one actor. A database trigger refuses any UPDATE or DELETE."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_entity", "entity_type", "entity_id", "id"),
        sa.Index("ix_audit_event_parent", "parent_type", "parent_id", "id"),
        sa.Index("ix_audit_event_actor", "actor_account_id", "id"),
        sa.Index("ix_audit_event_occurred_at", "occurred_at", "id"),
    )

    id: int | None = id_field()
    occurred_at: datetime = now_column()
    # RESTRICT: accounts are disabled, never deleted once they have acted.
    actor_account_id: int | None = fk_field(
        "account.id", ondelete="RESTRICT", nullable=True, index=False
    )
    actor_label: str = Field(max_length=320)
    action: str = Field(max_length=40)
    entity_type: str = Field(max_length=40)
    entity_id: int = Field(sa_type=sa.BigInteger)
    # The aggregate the entity belongs to (a check-in's initiative, a measurement's KPI),
    # so the history of an initiative or KPI includes its parts.
    parent_type: str | None = Field(default=None, max_length=40)
    parent_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    request_id: str | None = Field(default=None, max_length=64)


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, counted per account and per client address for rate limiting."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_key_attempted_at", "key", "attempted_at"),)

    id: int | None = id_field()
    key: str = Field(max_length=400)
    attempted_at: datetime = now_column()


class IdempotencyKey(SQLModel, table=True):
    """The first response to a create request sent with an `Idempotency-Key` header."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        sa.UniqueConstraint(
            "account_id",
            "key",
            name="uq_idempotency_key_account_key",
            postgresql_nulls_not_distinct=True,
        ),
        sa.Index("ix_idempotency_key_created_at", "created_at"),
    )

    id: int | None = id_field()
    account_id: int | None = fk_field("account.id", ondelete="CASCADE", nullable=True, index=False)
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response_body: Any | None = Field(default=None, sa_type=JSONB)
    created_at: datetime = now_column()
