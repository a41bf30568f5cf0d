"""Read the tombstones of deleted rows in keyset pages, and purge the old ones.

The database writes a tombstone for each row deleted from a tracked table (migration 0015),
in the deleting transaction; this module only reads them and removes expired ones.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Deletion
from schema.deletion import TRACKED_TABLES
from service import audit
from service.actor import Actor
from service.auth import policy
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.pagination import pack, unpack

Key = tuple[datetime, int]


def encode_cursor(row: Any) -> str:
    """An opaque cursor pointing after the tombstone `row` (its deleted_at and id)."""
    return pack({"at": row.deleted_at.isoformat(), "id": row.id})


def decode_cursor(cursor: str | None, field: str = "cursor") -> Key | None:
    """The (deleted_at, id) a cursor points after; 422 on `field` for one never issued."""
    if not cursor:
        return None
    try:
        value = unpack(cursor)
        at, row_id = datetime.fromisoformat(value["at"]), value["id"]
    except (ValueError, KeyError, TypeError):
        at, row_id = None, None
    if at is None or at.tzinfo is None or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise ValidationFailed(
            _("The cursor is not one this API issued."), code="invalid_cursor", field=field
        )
    return at, row_id


def _aware(since: datetime) -> datetime:
    # A time without a zone is read as UTC.
    return since if since.tzinfo is not None else since.replace(tzinfo=UTC)


def check_query(
    since: datetime,
    entity_types: Sequence[str] | None,
    retention_days: int,
    *,
    fields: tuple[str, str] = ("since", "entity_type"),
) -> datetime:
    """`since` with a zone, once the query is known to be answerable: 422 on `since` when it
    is older than the retention (tombstones may be gone: reload everything instead), on the
    entity type field for a type that leaves no tombstone."""
    since = _aware(since)
    kept_from = datetime.now(UTC) - timedelta(days=retention_days)
    if since < kept_from:
        raise ValidationFailed(
            _(
                "%(field)s: deletions are kept %(days)s days; %(since)s is older, so some may"
                " be gone. Reload the whole data set, then ask for deletions since the time of"
                " that reload."
            )
            % {"field": fields[0], "days": retention_days, "since": since.isoformat()},
            code="since_before_retention",
            field=fields[0],
        )
    unknown = sorted(set(entity_types or ()) - set(TRACKED_TABLES))
    if unknown:
        raise ValidationFailed(
            _("%(field)s: unknown entity type %(unknown)s; one of %(known)s.")
            % {
                "field": fields[1],
                "unknown": ", ".join(unknown),
                "known": ", ".join(TRACKED_TABLES),
            },
            code="unknown_entity_type",
            field=fields[1],
        )
    return since


async def list_deletions(
    session: AsyncSession,
    actor: Actor,
    *,
    since: datetime,
    entity_types: Sequence[str] | None,
    limit: int,
    after: Key | None,
) -> Sequence[Any]:
    """Tombstones deleted at or after `since` (inclusive), of `entity_types` (all when None),
    in (deleted_at, id) order after the key `after`; `limit + 1` rows to tell a next page."""
    policy.require(actor, policy.Permission.read)
    deleted_at, row_id = col(Deletion.deleted_at), col(Deletion.id)
    stmt = sa.select(row_id, col(Deletion.entity_type), col(Deletion.entity_id), deleted_at)
    stmt = stmt.where(deleted_at >= since)
    if entity_types:
        stmt = stmt.where(col(Deletion.entity_type).in_(sorted(set(entity_types))))
    if after is not None:
        stmt = stmt.where(sa.tuple_(deleted_at, row_id) > sa.tuple_(*after))
    stmt = stmt.order_by(deleted_at, row_id).limit(limit + 1)
    return (await session.execute(stmt)).all()


def page_of(rows: Sequence[Any], limit: int) -> tuple[list[Any], str | None]:
    """The page of the fetched rows and the cursor of the next page (None on the last)."""
    items = list(rows[:limit])
    more = len(rows) > limit and bool(items)
    return items, encode_cursor(items[-1]) if more else None


async def purge(session: AsyncSession, actor: Actor, retention_days: int) -> int:
    """Remove the tombstones older than `retention_days` (audited); return how many."""
    cutoff = sa.func.now() - sa.func.make_interval(0, 0, 0, retention_days)
    stmt = sa.delete(Deletion).where(col(Deletion.deleted_at) < cutoff)
    removed = (await session.execute(stmt)).rowcount or 0  # type: ignore[attr-defined]
    if removed:
        after = {"removed": removed, "retention_days": retention_days}
        await audit.record(session, actor, "purge", "deletion", 0, after=after)
    return int(removed)
