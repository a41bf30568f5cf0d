"""Webhook endpoints, the event outbox and the delivery log.

`webhook_endpoint` holds the URLs the CDO office registered, the event types each receives
and its signing secret; `webhook_event` the events (the JSON body sent); `webhook_delivery`
one event to one endpoint with its attempts. A statement trigger on `audit_event` turns the
audited writes into events in the same transaction: every write from every surface (REST,
GraphQL, pages, imports, the command line) records its audit event, so none is missed, and
nothing is written when no active endpoint subscribes to the event's type.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("now()")

# Which audited write is which event (NULL: none). A change that moves an initiative's
# status is `initiative.status_changed`, whatever else it changed.
EVENT_TYPE_FUNCTION = """
CREATE FUNCTION webhook_event_type(action text, entity_type text, after jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
    WHEN entity_type = 'initiative' AND action = 'create' THEN 'initiative.created'
    WHEN entity_type = 'initiative' AND action = 'delete' THEN 'initiative.deleted'
    WHEN entity_type = 'initiative' AND action IN ('update', 'transition')
         AND coalesce(after ? 'status', false) THEN 'initiative.status_changed'
    WHEN entity_type = 'initiative' AND action IN ('update', 'transition')
         THEN 'initiative.updated'
    WHEN entity_type = 'progress_update' AND action = 'create' THEN 'checkin.recorded'
    WHEN entity_type = 'kpi_measurement' AND action IN ('create', 'update')
         THEN 'measurement.recorded'
    WHEN entity_type = 'kpi' AND action = 'record_measurements' THEN 'measurement.recorded'
    WHEN entity_type = 'change_request' AND action = 'request' THEN 'change_request.requested'
    WHEN entity_type = 'change_request' AND action = 'decide' THEN 'change_request.decided'
    WHEN entity_type = 'change_request' AND action = 'withdraw' THEN 'change_request.withdrawn'
END
$$
"""

# An audit event's before/after as an object: SQL NULL and JSON null are both empty.
OBJECT_FUNCTION = """
CREATE FUNCTION webhook_object(value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN jsonb_typeof(value) = 'object' THEN value ELSE '{}'::jsonb END
$$
"""

# The event's `data`: the values after the write (before it, for a deletion), the entity's
# id, its parent's id, the initiative or KPI code, and `previous` values on an update.
ENQUEUE_FUNCTION = """
CREATE FUNCTION webhook_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoint WHERE active) THEN
        RETURN NULL;
    END IF;
    WITH typed AS (
        SELECT a.*, webhook_event_type(a.action, a.entity_type, a.after) AS event_type
        FROM added a
    ), wanted AS (
        SELECT t.* FROM typed t
        WHERE t.event_type IS NOT NULL
          AND EXISTS (SELECT 1 FROM webhook_endpoint e
                      WHERE e.active AND t.event_type = ANY (e.event_types))
    ), events AS (
        INSERT INTO webhook_event (event_type, audit_event_id, occurred_at, payload)
        SELECT w.event_type, w.id, w.occurred_at, jsonb_build_object(
            'type', w.event_type,
            'timestamp', to_char(w.occurred_at AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'data',
            CASE WHEN w.action = 'delete' THEN webhook_object(w.before)
                 ELSE webhook_object(w.after) END
            || CASE WHEN w.entity_type = 'kpi'
                    THEN jsonb_build_object('kpi_id', w.entity_id,
                         'kpi_code', (SELECT k.code FROM kpi k WHERE k.id = w.entity_id))
                    ELSE jsonb_build_object('id', w.entity_id) END
            || CASE WHEN w.entity_type = 'initiative'
                    THEN jsonb_build_object('code', coalesce(
                         (SELECT i.code FROM initiative i WHERE i.id = w.entity_id),
                         w.before ->> 'code'))
                    ELSE '{}' END
            || CASE w.parent_type
                    WHEN 'initiative' THEN jsonb_build_object('initiative_id', w.parent_id,
                         'initiative_code',
                         (SELECT i.code FROM initiative i WHERE i.id = w.parent_id))
                    WHEN 'kpi' THEN jsonb_build_object('kpi_id', w.parent_id,
                         'kpi_code', (SELECT k.code FROM kpi k WHERE k.id = w.parent_id))
                    ELSE '{}' END
            || CASE WHEN w.action NOT IN ('create', 'delete')
                         AND jsonb_typeof(w.before) = 'object'
                    THEN jsonb_build_object('previous', w.before)
                    ELSE '{}' END
        )
        FROM wanted w
        RETURNING id, event_type
    )
    INSERT INTO webhook_delivery (event_id, endpoint_id, status, next_attempt_at)
    SELECT v.id, e.id, 'pending', now()
    FROM events v JOIN webhook_endpoint e ON e.active AND v.event_type = ANY (e.event_types);
    RETURN NULL;
END
$$
"""

ENQUEUE_TRIGGER = """
CREATE TRIGGER audit_event_webhooks AFTER INSERT ON audit_event
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_enqueue()
"""


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.String(length=60)), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("url ~ '^https?://'", name="ck_webhook_endpoint_url_http"),
        sa.CheckConstraint(
            "cardinality(event_types) > 0", name="ck_webhook_endpoint_event_types_given"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["account.id"],
            name="fk_webhook_endpoint_created_by_account",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoint"),
    )
    op.create_index("ix_webhook_endpoint_created_by", "webhook_endpoint", ["created_by"])
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("audit_event_id", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_event"),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("endpoint_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name="ck_webhook_delivery_status"
        ),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoint.id"],
            name="fk_webhook_delivery_endpoint_id_webhook_endpoint",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["webhook_event.id"],
            name="fk_webhook_delivery_event_id_webhook_event",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_delivery"),
    )
    op.create_index("ix_webhook_delivery_event_id", "webhook_delivery", ["event_id"])
    op.create_index("ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id", "id"])
    op.create_index(
        "ix_webhook_delivery_due",
        "webhook_delivery",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.execute(EVENT_TYPE_FUNCTION)
    op.execute(OBJECT_FUNCTION)
    op.execute(ENQUEUE_FUNCTION)
    op.execute(ENQUEUE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_event_webhooks ON audit_event")
    op.execute("DROP FUNCTION webhook_enqueue()")
    op.execute("DROP FUNCTION webhook_object(jsonb)")
    op.execute("DROP FUNCTION webhook_event_type(text, text, jsonb)")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_event")
    op.drop_table("webhook_endpoint")
