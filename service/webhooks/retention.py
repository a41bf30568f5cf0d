"""How long the webhook log is kept: an event whose deliveries are all delivered or failed
(or that has none left) is removed with its deliveries once it is older than
WEBHOOK_LOG_RETENTION_DAYS; an event with a pending delivery is never removed."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import WebhookDelivery, WebhookEvent
from schema.webhook import DeliveryStatus
from service import audit
from service.actor import Actor

# Events removed per transaction: each batch locks a few thousand rows for a moment only.
PURGE_BATCH = 1000


def _expired(retention_days: int, limit: int) -> sa.Select[Any]:
    """The ids of up to `limit` expired events, oldest first (rows being changed are skipped)."""
    cutoff = sa.func.now() - sa.func.make_interval(0, 0, 0, retention_days)
    pending = sa.exists().where(
        col(WebhookDelivery.event_id) == col(WebhookEvent.id),
        col(WebhookDelivery.status) == DeliveryStatus.pending.value,
    )
    return (
        sa.select(col(WebhookEvent.id))
        .where(col(WebhookEvent.occurred_at) < cutoff, ~pending)
        .order_by(col(WebhookEvent.occurred_at), col(WebhookEvent.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def purge_batch(
    session: AsyncSession, actor: Actor, retention_days: int, limit: int = PURGE_BATCH
) -> int:
    """Remove up to `limit` expired events with their deliveries (audited); return how many."""
    candidates = list((await session.scalars(_expired(retention_days, limit))).all())
    # Lock their deliveries and read them again: a replay committed meanwhile keeps its event.
    deliveries = sa.select(col(WebhookDelivery.event_id), col(WebhookDelivery.status)).where(
        col(WebhookDelivery.event_id).in_(candidates)
    )
    rows = await session.execute(deliveries.with_for_update())
    replayed = {event_id for event_id, status in rows if status == DeliveryStatus.pending}
    ids = [event_id for event_id in candidates if event_id not in replayed]
    if not ids:
        return 0
    await session.execute(sa.delete(WebhookEvent).where(col(WebhookEvent.id).in_(ids)))
    after = {"removed": len(ids), "retention_days": retention_days}
    await audit.record(session, actor, "purge", "webhook_event", 0, after=after)
    return len(ids)
