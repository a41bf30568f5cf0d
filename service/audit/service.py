"""Record audit events (in the caller's transaction) and read them back."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from schema import AuditEvent
from service.actor import Actor
from service.auth import policy
from service.pagination import keyset

# Never copied into the trail.
_SECRET_FIELDS = frozenset({"password_hash", "token_hash"})


def jsonable(value: Any) -> Any:
    """`value` as JSON: Decimal as an exact string, dates in ISO 8601, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def row_values(row: SQLModel, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Every column of a table row (secrets and bookkeeping left out), JSON-safe."""
    skip = _SECRET_FIELDS | {"created_at", "updated_at"} | set(exclude)
    table: Any = row.__table__  # type: ignore[attr-defined]
    return {c.name: jsonable(getattr(row, c.name)) for c in table.columns if c.name not in skip}


def changes(changed: dict[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `crud.apply_changes`'s {field: (before, after)} into the before and after dicts."""
    visible = {f: pair for f, pair in changed.items() if f not in _SECRET_FIELDS}
    before = {f: jsonable(pair[0]) for f, pair in visible.items()}
    after = {f: jsonable(pair[1]) for f, pair in visible.items()}
    return before, after


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    parent: tuple[str, int] | None = None,
) -> None:
    """Append one audit event to the caller's transaction (it commits or rolls back with it)."""
    values: dict[str, Any] = {
        "actor_account_id": actor.account_id,
        "actor_label": actor.label,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "parent_type": parent[0] if parent else None,
        "parent_id": parent[1] if parent else None,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "request_id": actor.request_id,
    }
    await session.execute(sa.insert(AuditEvent).values(**values))


async def list_events(
    session: AsyncSession,
    actor: Actor,
    *,
    limit: int,
    cursor: str | None = None,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor_account_id: int | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> Sequence[AuditEvent]:
    """Audit events in the order they happened, filtered, keyset-paginated (CDO office)."""
    policy.require(actor, policy.Permission.read_audit)
    stmt = sa.select(AuditEvent)
    if entity_type is not None:
        stmt = stmt.where(col(AuditEvent.entity_type) == entity_type)
    if entity_id is not None:
        stmt = stmt.where(col(AuditEvent.entity_id) == entity_id)
    if actor_account_id is not None:
        stmt = stmt.where(col(AuditEvent.actor_account_id) == actor_account_id)
    if occurred_from is not None:
        stmt = stmt.where(col(AuditEvent.occurred_at) >= occurred_from)
    if occurred_to is not None:
        stmt = stmt.where(col(AuditEvent.occurred_at) < occurred_to)
    return (await session.scalars(keyset(stmt, AuditEvent.id, cursor, limit))).all()


async def history(
    session: AsyncSession, entity_type: str, entity_id: int, *, limit: int, cursor: str | None
) -> Sequence[AuditEvent]:
    """The events of one entity and of its parts (an initiative's check-ins, a KPI's
    measurements), oldest first."""
    own = sa.and_(
        col(AuditEvent.entity_type) == entity_type, col(AuditEvent.entity_id) == entity_id
    )
    parts = sa.and_(
        col(AuditEvent.parent_type) == entity_type, col(AuditEvent.parent_id) == entity_id
    )
    stmt = sa.select(AuditEvent).where(sa.or_(own, parts))
    return (await session.scalars(keyset(stmt, AuditEvent.id, cursor, limit))).all()


async def record_changes(
    session: AsyncSession,
    actor: Actor,
    entity_type: str,
    row: SQLModel,
    changed: dict[str, tuple[Any, Any]],
    *,
    action: str = "update",
    parent: tuple[str, int] | None = None,
) -> None:
    """Flush the changes `crud.apply_changes` made to `row` and record them, with the
    version before and after; nothing is written when nothing changed."""
    if not changed:
        return
    version_before = getattr(row, "version", None)
    await session.flush()
    before, after = changes(changed)
    if version_before is not None:
        before["version"], after["version"] = version_before, getattr(row, "version", None)
    entity_id = int(row.id)  # type: ignore[attr-defined]
    await record(session, actor, action, entity_type, entity_id, before, after, parent=parent)


async def record_many(
    session: AsyncSession,
    actor: Actor,
    action: str,
    entity_type: str,
    events: Sequence[tuple[int, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Append one event per (entity_id, before, after), in one statement."""
    if not events:
        return
    rows = [
        {
            "actor_account_id": actor.account_id,
            "actor_label": actor.label,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "parent_type": None,
            "parent_id": None,
            "before": jsonable(before) if before is not None else None,
            "after": jsonable(after) if after is not None else None,
            "request_id": actor.request_id,
        }
        for entity_id, before, after in events
    ]
    await session.execute(sa.insert(AuditEvent), rows)
