"""Check-ins: append-only progress updates on an initiative, newest first."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Initiative, Person, ProgressUpdate
from service import audit, crud
from service.actor import Actor, Role
from service.auth import policy
from service.auth.policy import Permission
from service.errors import Conflict, Forbidden
from service.i18n import gettext as _
from service.initiatives.payloads import CheckInCreate
from service.initiatives.rules import CLOSED_STATUSES, status_word
from service.initiatives.service import get_initiative
from service.listing import progress as listing
from service.pagination import decode_cursor

_NEWEST_FIRST = (col(ProgressUpdate.reported_on).desc(), col(ProgressUpdate.id).desc())


async def list_checkins(
    session: AsyncSession,
    initiative_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[ProgressUpdate]:
    """Check-ins newest first (reported_on, then id, descending), after `cursor`.

    The cursor carries the id of the last check-in seen; its `reported_on` is looked up in
    the same statement, so pages never skip or repeat.
    """
    await get_initiative(session, initiative_id)
    stmt = _newest_first(sa.select(ProgressUpdate), initiative_id, limit, cursor, updated_since)
    return (await session.scalars(stmt)).all()


# What the REST list reads: the check-in's columns, without an ORM object per row.
CHECKIN_COLUMNS: tuple[Any, ...] = tuple(ProgressUpdate.__table__.columns)  # type: ignore[attr-defined]


async def list_checkin_rows(
    session: AsyncSession,
    initiative_id: int,
    *,
    limit: int,
    cursor: str | None = None,
    updated_since: datetime | None = None,
) -> Sequence[sa.Row[Any]]:
    """`list_checkins` as rows of CHECKIN_COLUMNS."""
    await get_initiative(session, initiative_id)
    columns = sa.select(*CHECKIN_COLUMNS)
    stmt = _newest_first(columns, initiative_id, limit, cursor, updated_since)
    return await crud.plain_rows(session, stmt)


def _newest_first(
    stmt: sa.Select[Any],
    initiative_id: int,
    limit: int,
    cursor: str | None,
    updated_since: datetime | None,
) -> sa.Select[Any]:
    filters = listing.ProgressUpdateFilters(
        initiative_ids=[initiative_id], updated_since=updated_since
    )
    stmt = stmt.where(*listing.conditions(filters))
    after = decode_cursor(cursor)
    if after is not None:
        anchor = (
            sa.select(col(ProgressUpdate.reported_on))
            .where(col(ProgressUpdate.id) == after)
            .scalar_subquery()
        )
        stmt = stmt.where(
            sa.tuple_(col(ProgressUpdate.reported_on), col(ProgressUpdate.id))
            < sa.tuple_(anchor, sa.literal(after, sa.BigInteger))
        )
    return stmt.order_by(*_NEWEST_FIRST).limit(limit + 1)


async def create_checkin(
    session: AsyncSession, actor: Actor, initiative_id: int, data: CheckInCreate
) -> ProgressUpdate:
    """Record a check-in on an initiative that is not done or stopped (its department's head,
    its owner, or the CDO office). The author is the actor's person; only the CDO office
    records one on behalf of someone else, and its audit event says so."""
    initiative = await get_initiative(session, initiative_id)
    policy.require(
        actor,
        Permission.post_checkin,
        department_id=initiative.department_id,
        owner_id=initiative.owner_id,
    )
    if initiative.status in CLOSED_STATUSES:
        raise Conflict(
            _("Initiative %(code)s is %(status)s; it takes no more check-ins.")
            % {"code": initiative.code, "status": status_word(initiative.status)},
            code="initiative_closed",
        )
    author_id = _author(actor, data.author_id)
    await crud.require_refs(session, Person, {"author_id": author_id})
    values = data.model_dump() | {"author_id": author_id}
    values["reported_on"] = data.reported_on or date.today()
    await _require_new_key(session, initiative, values["reported_on"], data.summary)
    if data.spent_to_date is None:
        values["spent_to_date"] = await _latest_spent(session, initiative_id)
    checkin = ProgressUpdate(initiative_id=initiative_id, **values)
    session.add(checkin)
    await session.flush()
    await session.refresh(checkin)  # created_at and the rounded money come from the database
    assert checkin.id is not None
    after = audit.row_values(checkin)
    if author_id != actor.person_id:
        after["on_behalf_of"] = author_id
    await audit.record(
        session,
        actor,
        "create",
        "progress_update",
        checkin.id,
        after=after,
        parent=("initiative", initiative_id),
    )
    return checkin


def _author(actor: Actor, author_id: int | None) -> int | None:
    """The author of the actor's check-in: themselves, unless the CDO office names another."""
    if author_id is None or author_id == actor.person_id or actor.role is Role.cdo_office:
        return actor.person_id if author_id is None else author_id
    raise Forbidden(
        _(
            "%(actor)s (%(role)s) records check-ins as themselves only; only the CDO office"
            " records one on behalf of someone else."
        )
        % {"actor": actor.label, "role": actor.role.value},
        code="author_not_allowed",
        field="author_id",
    )


async def _require_new_key(
    session: AsyncSession, initiative: Initiative, reported_on: date, summary: str
) -> None:
    """A check-in is known by (initiative, reported_on, summary), as in the import."""
    existing = await session.scalar(
        sa.select(col(ProgressUpdate.id)).where(
            col(ProgressUpdate.initiative_id) == initiative.id,
            col(ProgressUpdate.reported_on) == reported_on,
            sa.func.md5(col(ProgressUpdate.summary)) == sa.func.md5(summary),
            col(ProgressUpdate.summary) == summary,
        )
    )
    if existing is not None:
        raise Conflict(
            _(
                "Initiative %(code)s already has check-in %(id)s reported on %(day)s with the"
                " same summary."
            )
            % {"code": initiative.code, "id": existing, "day": reported_on.isoformat()},
            code="duplicate_check_in",
            field="summary",
        )


async def _latest_spent(session: AsyncSession, initiative_id: int) -> Decimal:
    """Spending is cumulative: a check-in that omits it keeps the latest figure (which the
    database keeps on the initiative)."""
    spent = await session.scalar(
        sa.select(col(Initiative.spent_to_date)).where(col(Initiative.id) == initiative_id)
    )
    return spent if spent is not None else Decimal("0")
