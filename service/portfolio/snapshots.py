"""Dated copies of the portfolio figures, for trend lines: today's, and a monthly history."""

import json
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import PortfolioSnapshot
from service import audit
from service.actor import SYSTEM, Actor
from service.auth import policy
from service.auth.policy import Permission
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.pagination import decode_cursor, encode_cursor
from service.portfolio import queries
from service.portfolio import service as analytics
from service.triage import service as triage


async def take_snapshot(
    session: AsyncSession, actor: Actor, *, today: date | None = None
) -> tuple[PortfolioSnapshot, bool]:
    """Store today's balance, flag counts and alignment score; True when newly created.

    The figures come from the functions the live dashboard calls (the balance, every flag
    code's count, the alignment score), so today's snapshot equals the dashboard. One
    snapshot per day: taking it again the same day replaces the figures (CDO office).
    """
    policy.require(actor, Permission.manage_portfolio)
    balance = await analytics.compute_balance(session)
    # Today's flag counts, from the pass that records the flags' first sightings (their age
    # in the triage ranking) and forgets those that cleared.
    flags = await triage.refresh(session, today=today)
    score = (await session.execute(text(queries.alignment_score()))).scalar_one()
    # Stored per department as the monthly history stores them.
    wire = balance.model_dump(mode="json", exclude={"departments": {"__all__": {"within_band"}}})
    params = {
        "today": today,
        "client_share": balance.client_share,
        "total_weight": balance.total_weight,
        "initiative_count": balance.initiative_count,
        "alignment_score": score,
        "flag_counts": json.dumps(flags.counts),
        "departments": json.dumps(wire["departments"]),
    }
    stored = (await session.execute(text(queries.UPSERT_SNAPSHOT), params)).one()
    snapshot = await _load(session, stored.id)
    action = "create" if stored.inserted else "replace"
    after = audit.row_values(snapshot, exclude=("departments",))
    await audit.record(session, actor, action, "portfolio_snapshot", stored.id, after=after)
    return snapshot, bool(stored.inserted)


async def _load(session: AsyncSession, snapshot_id: int) -> PortfolioSnapshot:
    stmt = (
        select(PortfolioSnapshot)
        .where(col(PortfolioSnapshot.id) == snapshot_id)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one()


async def list_snapshots(
    session: AsyncSession,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    updated_since: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[PortfolioSnapshot], str | None]:
    """Snapshots in date order between `date_from` and `date_to` (inclusive), one page."""
    stmt = select(PortfolioSnapshot)
    if date_from is not None:
        stmt = stmt.where(col(PortfolioSnapshot.taken_on) >= date_from)
    if date_to is not None:
        stmt = stmt.where(col(PortfolioSnapshot.taken_on) <= date_to)
    if updated_since is not None:
        stmt = stmt.where(col(PortfolioSnapshot.updated_at) >= updated_since)
    after = decode_cursor(cursor)
    if after is not None:
        # The cursor holds the day number of the last snapshot seen (dates are unique).
        if not 1 <= after <= date.max.toordinal():
            raise ValidationFailed(_("The cursor is not one this API issued."), field="cursor")
        stmt = stmt.where(col(PortfolioSnapshot.taken_on) > date.fromordinal(after))
    stmt = stmt.order_by(col(PortfolioSnapshot.taken_on)).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    items = rows[:limit]
    more = len(rows) > limit and items
    return items, encode_cursor(items[-1].taken_on.toordinal()) if more else None


async def backfill_snapshots(
    session: AsyncSession,
    actor: Actor = SYSTEM,
    *,
    months: int = 18,
    today: date | None = None,
) -> int:
    """Write one snapshot "as of" the end of each of the past `months` months.

    The history is approximated from the dates, with live's definition of active (see
    queries.BACKFILL_SNAPSHOTS). Only the flags that follow from the balance are counted
    (PORTFOLIO_CLIENT_SKEW, DEPARTMENT_CLIENT_SKEW, DEPARTMENT_UNCOVERED); the other codes
    need a past state the database does not keep, so they are absent from the snapshot.
    """
    policy.require(actor, Permission.manage_portfolio)
    params = {"months": months, "today": today}
    written = [row.id for row in (await session.execute(text(queries.BACKFILL_SNAPSHOTS), params))]
    events = [(snapshot_id, None, {"backfilled_months": months}) for snapshot_id in written]
    await audit.record_many(session, actor, "backfill", "portfolio_snapshot", events)
    return len(written)
