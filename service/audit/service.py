"""Record audit events (in the caller's transaction) and read them back."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import SQLModel, col

from schema import AuditEvent
from schema.base import is_derived
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
    """Every column of a table row (secrets, bookkeeping and derived counts left out), JSON-safe."""
    skip = _SECRET_FIELDS | {"created_at", "updated_at"} | set(exclude)
    table: Any = row.__table__  # type: ignore[attr-defined]
    return {
        c.name: jsonable(getattr(row, c.name))
        for c in table.columns
        if c.name not in skip and not is_derived(c)
    }


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


def _matching(
    entity_type: str | None,
    entity_id: int | None,
    actor_account_id: int | None,
    occurred_from: datetime | None,
    occurred_to: datetime | None,
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the trail's filters that are given."""
    given = [
        (col(AuditEvent.entity_type), entity_type),
        (col(AuditEvent.entity_id), entity_id),
        (col(AuditEvent.actor_account_id), actor_account_id),
    ]
    conditions = [column == value for column, value in given if value is not None]
    if occurred_from is not None:
        conditions.append(col(AuditEvent.occurred_at) >= occurred_from)
    if occurred_to is not None:
        conditions.append(col(AuditEvent.occurred_at) < occurred_to)
    return conditions


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
    stmt = sa.select(AuditEvent).where(
        *_matching(entity_type, entity_id, actor_account_id, occurred_from, occurred_to)
    )
    return (await session.scalars(keyset(stmt, AuditEvent.id, cursor, limit))).all()


async def count_events(
    session: AsyncSession,
    actor: Actor,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor_account_id: int | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> int:
    """How many audit events `list_events` pages through with the same filters (CDO office)."""
    policy.require(actor, policy.Permission.read_audit)
    stmt = sa.select(sa.func.count()).where(
        *_matching(entity_type, entity_id, actor_account_id, occurred_from, occurred_to)
    )
    return int(await session.scalar(stmt.select_from(AuditEvent)) or 0)


def _of(entity_type: str, entity_id: Any) -> sa.ColumnElement[bool]:
    """Events of the entity itself or of its parts (its parent is the entity)."""
    own = sa.and_(
        col(AuditEvent.entity_type) == entity_type, col(AuditEvent.entity_id) == entity_id
    )
    parts = sa.and_(
        col(AuditEvent.parent_type) == entity_type, col(AuditEvent.parent_id) == entity_id
    )
    return sa.or_(own, parts)


async def history(
    session: AsyncSession, entity_type: str, entity_id: int, *, limit: int, cursor: str | None
) -> Sequence[AuditEvent]:
    """The events of one entity and of its parts (an initiative's check-ins, a KPI's
    measurements), oldest first."""
    stmt = sa.select(AuditEvent).where(_of(entity_type, entity_id))
    return (await session.scalars(keyset(stmt, AuditEvent.id, cursor, limit))).all()


def _each(entity_ids: Sequence[int]) -> Any:
    """The ids as a one-column table `wanted(key)`, one bound array whatever their number."""
    return (
        sa.func.unnest(sa.literal(list(entity_ids), ARRAY(sa.BigInteger())))
        .table_valued("key")
        .render_derived(name="wanted")
    )


async def histories(
    session: AsyncSession,
    entity_type: str,
    entity_ids: Sequence[int],
    *,
    limit: int,
    cursor: str | None,
) -> dict[int, list[AuditEvent]]:
    """`history` of many entities of one type in one statement, a page of each."""
    wanted = _each(entity_ids)
    # A LATERAL page per id walks the entity and parent indexes, `limit + 1` rows at most.
    stmt = sa.select(AuditEvent).where(_of(entity_type, wanted.c.key))
    picked = keyset(stmt, AuditEvent.id, cursor, limit).lateral("picked")
    event = aliased(AuditEvent, picked)
    rows = await session.execute(
        sa.select(wanted.c.key, event)
        .join_from(wanted, picked, sa.true())
        .order_by(wanted.c.key, picked.c.id)
    )
    found: dict[int, list[AuditEvent]] = {entity_id: [] for entity_id in entity_ids}
    for entity_id, row in rows:
        found[entity_id].append(row)
    return found


async def count_histories(
    session: AsyncSession, entity_type: str, entity_ids: Sequence[int]
) -> dict[int, int]:
    """How many events the history of each entity holds, in one statement."""
    wanted = _each(entity_ids)
    stmt = (
        sa.select(wanted.c.key, sa.func.count())
        .join_from(wanted, AuditEvent, _of(entity_type, wanted.c.key))
        .group_by(wanted.c.key)
    )
    counts = {entity_id: 0 for entity_id in entity_ids}
    for entity_id, n in await session.execute(stmt):
        counts[entity_id] = n
    return counts


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
