"""Reading irritants: the keyset list by votes or recency, and batched lookups for GraphQL
and pages (the initiatives addressing each irritant, the irritants of each initiative)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import InitiativeIrritant, Irritant, IrritantVote
from service.errors import NotFound, ValidationFailed, missing
from service.i18n import gettext as _
from service.irritants.payloads import IrritantFilter, IrritantPublic, IrritantSort
from service.pagination import pack, unpack

# The ids of the initiatives that address the irritant, ascending ('{}' when none).
_LINK = InitiativeIrritant.__table__.alias("addressing")  # type: ignore[attr-defined]
INITIATIVE_IDS = (
    sa.select(
        sa.func.coalesce(
            sa.func.array_agg(aggregate_order_by(_LINK.c.initiative_id, _LINK.c.initiative_id)),
            sa.cast(sa.literal("{}"), ARRAY(sa.BigInteger())),
        )
    )
    .where(_LINK.c.irritant_id == col(Irritant.id))
    .scalar_subquery()
    .label("initiative_ids")
)


def public(irritant: Irritant, initiative_ids: Sequence[int]) -> IrritantPublic:
    """The wire shape of an irritant with the initiatives addressing it."""
    values = {
        name: getattr(irritant, name)
        for name in IrritantPublic.model_fields
        if name != "votes" and name != "initiative_ids"
    }
    return IrritantPublic(**values, votes=irritant.vote_count, initiative_ids=list(initiative_ids))


def matching(filters: IrritantFilter) -> list[sa.ColumnElement[bool]]:
    """What the list's filters mean, for every surface that lists irritants."""
    given = [
        (col(Irritant.status), filters.status),
        (col(Irritant.department_id), filters.department_id),
    ]
    return [column == value for column, value in given if value is not None]


def _order_key(sort: IrritantSort) -> Any:
    return col(Irritant.vote_count) if sort is IrritantSort.votes else col(Irritant.raised_at)


def encode_cursor(sort: IrritantSort, item: IrritantPublic) -> str:
    """An opaque cursor after `item` in the `sort` order."""
    key: Any = item.votes if sort is IrritantSort.votes else item.raised_at.isoformat()
    return pack({"s": sort.value, "k": key, "id": item.id})


def decode_cursor(sort: IrritantSort, cursor: str | None) -> tuple[Any, int] | None:
    """The (key, id) a cursor points after; 422 on `cursor` when this list did not issue it."""
    if not cursor:
        return None
    try:
        value = unpack(cursor)
        key, last_id = value["k"], value["id"]
        if value["s"] != sort.value or not isinstance(last_id, int) or isinstance(last_id, bool):
            raise ValueError("other list")
        if sort is IrritantSort.votes:
            if not isinstance(key, int) or isinstance(key, bool):
                raise ValueError("votes")
            return key, last_id
        return datetime.fromisoformat(key), last_id
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(
            _("The cursor is not one this list (with this sort) issued."), field="cursor"
        ) from exc


async def list_irritants(
    session: AsyncSession, filters: IrritantFilter, *, limit: int, cursor: str | None = None
) -> tuple[list[IrritantPublic], str | None]:
    """One page of irritants, most votes (or most recent) first, ties newest first."""
    key = _order_key(filters.sort)
    stmt = sa.select(Irritant, INITIATIVE_IDS).where(*matching(filters))
    after = decode_cursor(filters.sort, cursor)
    if after is not None:
        stmt = stmt.where(sa.tuple_(key, col(Irritant.id)) < sa.tuple_(*after))
    stmt = stmt.order_by(key.desc(), col(Irritant.id).desc()).limit(limit + 1)
    rows = (await session.execute(stmt)).all()
    items = [public(irritant, ids) for irritant, ids in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(filters.sort, items[-1])
    return items, next_cursor


async def get_irritant(session: AsyncSession, irritant_id: int) -> IrritantPublic:
    """One irritant with its votes and the initiatives addressing it, or 404."""
    stmt = sa.select(Irritant, INITIATIVE_IDS).where(col(Irritant.id) == irritant_id)
    row = (await session.execute(stmt.execution_options(populate_existing=True))).one_or_none()
    if row is None:
        raise NotFound(missing("Irritant", irritant_id), code="irritant_not_found")
    return public(row[0], row[1])


async def initiative_ids_of(
    session: AsyncSession, irritant_ids: Sequence[int]
) -> dict[int, list[int]]:
    """The initiatives addressing each irritant, in one statement."""
    found: dict[int, list[int]] = {irritant_id: [] for irritant_id in irritant_ids}
    stmt = (
        sa.select(col(InitiativeIrritant.irritant_id), col(InitiativeIrritant.initiative_id))
        .where(col(InitiativeIrritant.irritant_id).in_(list(irritant_ids)))
        .order_by(col(InitiativeIrritant.irritant_id), col(InitiativeIrritant.initiative_id))
    )
    for irritant_id, initiative_id in await session.execute(stmt):
        found[irritant_id].append(initiative_id)
    return found


async def irritants_of(
    session: AsyncSession, initiative_ids: Sequence[int]
) -> dict[int, list[IrritantPublic]]:
    """The irritants each initiative addresses (most votes first), in one statement."""
    found: dict[int, list[IrritantPublic]] = {initiative_id: [] for initiative_id in initiative_ids}
    stmt = (
        sa.select(col(InitiativeIrritant.initiative_id), Irritant, INITIATIVE_IDS)
        .join(Irritant, col(Irritant.id) == col(InitiativeIrritant.irritant_id))
        .where(col(InitiativeIrritant.initiative_id).in_(list(initiative_ids)))
        .order_by(
            col(InitiativeIrritant.initiative_id),
            col(Irritant.vote_count).desc(),
            col(Irritant.id).desc(),
        )
    )
    for initiative_id, irritant, ids in await session.execute(stmt):
        found[initiative_id].append(public(irritant, ids))
    return found


async def voted_by(
    session: AsyncSession, account_id: int | None, irritant_ids: Sequence[int]
) -> set[int]:
    """Which of the irritants the account voted for."""
    if account_id is None or not irritant_ids:
        return set()
    stmt = sa.select(col(IrritantVote.irritant_id)).where(
        col(IrritantVote.account_id) == account_id,
        col(IrritantVote.irritant_id).in_(list(irritant_ids)),
    )
    return set((await session.scalars(stmt)).all())
