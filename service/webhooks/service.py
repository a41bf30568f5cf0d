"""Webhook endpoints (CDO office): register, list, read, change, delete; their delivery
log, a replay of one delivery and a test event. The worker (worker.py) sends them."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import WebhookDelivery, WebhookEndpoint, WebhookEvent
from schema.webhook import TEST_EVENT, DeliveryStatus
from service import audit, crud
from service.actor import Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import NotFound, ValidationFailed
from service.i18n import gettext as _
from service.pagination import keyset
from service.webhooks import signing
from service.webhooks.payloads import DeliveryPublic, EndpointCreate, EndpointUpdate

ENTITY = "webhook_endpoint"


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


def timestamp(moment: datetime) -> str:
    """An event's `timestamp`: UTC, microseconds, `Z` (as the outbox trigger writes it)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _audited(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The endpoint as the audit trail keeps it: never its secret."""
    return audit.row_values(endpoint, exclude={"secret"})


async def create_endpoint(
    session: AsyncSession, actor: Actor, data: EndpointCreate
) -> WebhookEndpoint:
    """Register an endpoint with a new signing secret (the caller shows it once)."""
    policy.require(actor, Permission.manage_webhooks)
    endpoint = WebhookEndpoint(
        **data.model_dump(mode="json"), secret=signing.new_secret(), created_by=actor.account_id
    )
    session.add(endpoint)
    await session.flush()
    await audit.record(session, actor, "create", ENTITY, _id(endpoint), after=_audited(endpoint))
    return endpoint


async def list_endpoints(
    session: AsyncSession, actor: Actor, *, limit: int, cursor: str | None = None
) -> Sequence[WebhookEndpoint]:
    """Endpoints by id after `cursor` (one extra row tells there is more)."""
    policy.require(actor, Permission.manage_webhooks)
    stmt = keyset(sa.select(WebhookEndpoint), col(WebhookEndpoint.id), cursor, limit)
    return (await session.scalars(stmt)).all()


async def get_endpoint(session: AsyncSession, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint (without its secret on the wire)."""
    policy.require(actor, Permission.manage_webhooks)
    return await crud.get_or_404(session, WebhookEndpoint, endpoint_id)


async def update_endpoint(
    session: AsyncSession,
    actor: Actor,
    endpoint_id: int,
    data: EndpointUpdate,
    *,
    expected_version: int | None = None,
) -> WebhookEndpoint:
    """Change the given fields, from `expected_version`: URL, event types, description,
    active (an inactive endpoint receives nothing; its pending deliveries wait)."""
    policy.require(actor, Permission.manage_webhooks)
    changes = data.model_dump(mode="json", exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise ValidationFailed(_("%(field)s cannot be null.") % {"field": field}, field=field)
    endpoint = await crud.get_for_update(session, WebhookEndpoint, endpoint_id, expected_version)
    changed = crud.apply_changes(endpoint, changes)
    await audit.record_changes(session, actor, ENTITY, endpoint, changed)
    return endpoint


async def rotate_secret(
    session: AsyncSession, actor: Actor, endpoint_id: int, *, expected_version: int | None = None
) -> WebhookEndpoint:
    """Give the endpoint a new signing secret (the caller shows it once); the old one signs
    nothing from now on."""
    policy.require(actor, Permission.manage_webhooks)
    endpoint = await crud.get_for_update(session, WebhookEndpoint, endpoint_id, expected_version)
    endpoint.secret = signing.new_secret()
    # The trail says the secret changed, never what it is.
    changed = {"secret_rotated": (False, True)}
    version_before = endpoint.version
    await session.flush()
    before, after = audit.changes(changed)
    before["version"], after["version"] = version_before, endpoint.version
    await audit.record(session, actor, "rotate_secret", ENTITY, endpoint_id, before, after)
    return endpoint


async def delete_endpoint(
    session: AsyncSession, actor: Actor, endpoint_id: int, *, expected_version: int | None = None
) -> None:
    """Delete an endpoint and its delivery log; nothing more is sent to it."""
    policy.require(actor, Permission.manage_webhooks)
    endpoint = await crud.get_for_update(session, WebhookEndpoint, endpoint_id, expected_version)
    before = _audited(endpoint)
    await session.delete(endpoint)
    await session.flush()
    await audit.record(session, actor, "delete", ENTITY, endpoint_id, before=before)


def _deliveries() -> Any:
    return sa.select(WebhookDelivery, WebhookEvent).join(
        WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id)
    )


def delivery_public(delivery: WebhookDelivery, event: WebhookEvent) -> DeliveryPublic:
    """A delivery with its event, as the API shows it."""
    return DeliveryPublic(
        **delivery.model_dump(),
        webhook_id=signing.message_id(_id(event)),
        event_type=event.event_type,
        payload=event.payload,
    )


async def list_deliveries(
    session: AsyncSession,
    actor: Actor,
    endpoint_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    status: DeliveryStatus | None = None,
) -> list[DeliveryPublic]:
    """The endpoint's delivery log in id order (oldest first), keyset-paginated."""
    await get_endpoint(session, actor, endpoint_id)
    stmt = _deliveries().where(col(WebhookDelivery.endpoint_id) == endpoint_id)
    if status is not None:
        stmt = stmt.where(col(WebhookDelivery.status) == status.value)
    rows = await session.execute(keyset(stmt, col(WebhookDelivery.id), cursor, limit))
    return [delivery_public(delivery, event) for delivery, event in rows]


async def _now(session: AsyncSession) -> datetime:
    """The database's clock (the transaction's start), the one the outbox trigger uses."""
    now = await session.scalar(sa.select(sa.func.now()))
    assert now is not None
    return now


async def _enqueue(
    session: AsyncSession, actor: Actor, endpoint_id: int, event_id: int, action: str
) -> DeliveryPublic:
    delivery = WebhookDelivery(
        endpoint_id=endpoint_id,
        event_id=event_id,
        status=DeliveryStatus.pending,
        next_attempt_at=await _now(session),
    )
    session.add(delivery)
    await session.flush()
    await session.refresh(delivery)
    after = {"event_id": event_id}
    parent = (ENTITY, endpoint_id)
    await audit.record(
        session, actor, action, "webhook_delivery", _id(delivery), after=after, parent=parent
    )
    event = await session.get_one(WebhookEvent, event_id)
    return delivery_public(delivery, event)


async def replay_delivery(
    session: AsyncSession, actor: Actor, endpoint_id: int, delivery_id: int
) -> DeliveryPublic:
    """Send a delivery's event again, as a new delivery (same `webhook-id`), due now."""
    await get_endpoint(session, actor, endpoint_id)
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise NotFound(
            _("Webhook endpoint %(id)s has no delivery %(delivery)s.")
            % {"id": endpoint_id, "delivery": delivery_id},
            code="webhook_delivery_not_found",
        )
    return await _enqueue(session, actor, endpoint_id, delivery.event_id, "replay")


async def send_test_event(session: AsyncSession, actor: Actor, endpoint_id: int) -> DeliveryPublic:
    """Queue a `webhook.test` event to this endpoint only (active or not)."""
    await get_endpoint(session, actor, endpoint_id)
    now = await _now(session)
    payload = {
        "type": TEST_EVENT,
        "timestamp": timestamp(now),
        "data": {"endpoint_id": endpoint_id},
    }
    event = WebhookEvent(event_type=TEST_EVENT, payload=payload, occurred_at=now)
    session.add(event)
    await session.flush()
    return await _enqueue(session, actor, endpoint_id, _id(event), "test")


async def backlog(session: AsyncSession) -> tuple[int, float]:
    """Pending deliveries and the age (seconds) of the oldest one due, 0 when none is."""
    stmt = sa.select(
        sa.func.count(),
        sa.func.coalesce(
            sa.func.extract(
                "epoch",
                sa.func.now()
                - sa.func.min(col(WebhookDelivery.next_attempt_at)).filter(
                    col(WebhookDelivery.next_attempt_at) <= sa.func.now()
                ),
            ),
            0,
        ),
    ).where(col(WebhookDelivery.status) == DeliveryStatus.pending)
    pending, lag = (await session.execute(stmt)).one()
    return int(pending), float(lag)
