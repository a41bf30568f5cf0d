"""The weekly digest's figures, from the functions the dashboard and the Decisions menu call.

New flags are counted by code against the latest snapshot taken at least a week ago
(flags are computed, not stored, so the snapshots are the only record of last week's):
a code's change is today's count minus that snapshot's. Without such a snapshot, or for a
code the snapshot did not count, the change is unknown (None).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import PortfolioSnapshot
from service.decisions import queue
from service.portfolio import service as portfolio
from service.portfolio.flags import ORDERED_CODES
from service.portfolio.payloads import BalancePublic, FlagCode, FlagPublic

WEEK = timedelta(days=7)
# Stale check-ins listed by name in the digest; the count covers them all.
STALE_LISTED = 20


@dataclass(frozen=True)
class FlagChange:
    code: str
    count: int
    change: int | None


@dataclass(frozen=True)
class Digest:
    today: date
    balance: BalancePublic
    flags: list[FlagChange]
    flag_total: int
    compared_to: date | None
    stale_count: int
    stale: list[FlagPublic]
    pending_decisions: int

    @property
    def new_flags(self) -> int:
        """Flags more than last week, summed over the codes that rose."""
        return sum(f.change for f in self.flags if f.change is not None and f.change > 0)


async def _week_ago(session: AsyncSession, today: date) -> PortfolioSnapshot | None:
    """The latest snapshot taken a week or more before `today`."""
    stmt = (
        sa.select(PortfolioSnapshot)
        .where(col(PortfolioSnapshot.taken_on) <= today - WEEK)
        .order_by(col(PortfolioSnapshot.taken_on).desc())
        .limit(1)
    )
    return await session.scalar(stmt)


def _changes(counts: dict[str, int], before: PortfolioSnapshot | None) -> list[FlagChange]:
    """Each code raised now or a week ago, in the flags' order, with its change."""
    then = before.flag_counts if before is not None else {}
    rows = []
    for code in (c.value for c in ORDERED_CODES):
        now, past = counts.get(code, 0), then.get(code)
        if now or past:
            rows.append(FlagChange(code, now, None if past is None else now - int(past)))
    return rows


async def build_digest(session: AsyncSession, today: date) -> Digest:
    """Balance against the band, flags against last week, stale check-ins, decisions waiting."""
    balance = await portfolio.compute_balance(session)
    flags = await portfolio.list_flags(session, today=today, limit=0)
    stale = await portfolio.list_flags(
        session, codes=[FlagCode.STALE_UPDATE], today=today, limit=STALE_LISTED
    )
    before = await _week_ago(session, today)
    return Digest(
        today=today,
        balance=balance,
        flags=_changes(flags.counts, before),
        flag_total=sum(flags.counts.values()),
        compared_to=before.taken_on if before is not None else None,
        stale_count=stale.counts[FlagCode.STALE_UPDATE.value],
        stale=stale.items,
        pending_decisions=await queue.count_pending_decisions(session),
    )
