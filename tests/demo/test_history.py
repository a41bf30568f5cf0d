"""The demo company's 18-month snapshot history: client-facing first, internal enablers since."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import SYSTEM
from service.demo import dataset
from service.demo.loader import load_company
from service.portfolio import service as analytics
from service.portfolio import snapshots
from service.transfer.columns import CHECKINS, INITIATIVES

# Oldest first: well above the band while the portfolio is mostly marketing and sales work,
# then down toward it as operations, finance, IT and customer-service enablers start. The
# last month counts the approved work starting later, as the live balance does (0.6619).
SHARES = [
    "0.8222", "0.8118", "0.7954", "0.7819", "0.7646", "0.7562",
    "0.7389", "0.7267", "0.7202", "0.7031", "0.6930", "0.6861",
    "0.6766", "0.6720", "0.6668", "0.6668", "0.6641", "0.6619",
]  # fmt: skip
SMALL_STEP = Decimal("0.005")


async def _history(session: AsyncSession, today: date) -> list[tuple[date, Decimal, dict]]:
    await load_company(session, today=today)
    assert await snapshots.backfill_snapshots(session, SYSTEM, months=18, today=today) == 18
    rows = await session.execute(
        text("SELECT taken_on, client_share, flag_counts FROM portfolio_snapshot ORDER BY taken_on")
    )
    return [tuple(row) for row in rows.all()]


# The story is told in whole months, so it is the same whatever day the demo is loaded.
# (Past days: the import refuses a measurement dated after the database's today.)
@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2025, 3, 1), date(2024, 2, 29)])
async def test_share_drifts_down_toward_the_band(session: AsyncSession, today: date) -> None:
    history = await _history(session, today)
    assert [taken_on for taken_on, _, _ in history] == [
        dataset.add_months(date(today.year, today.month, 1), months_ago) - timedelta(days=1)
        for months_ago in range(-17, 1)
    ]
    shares = [share for _, share, _ in history]
    assert shares == [Decimal(share) for share in SHARES]
    assert max(later - earlier for earlier, later in pairwise(shares)) <= SMALL_STEP
    assert all(flags["PORTFOLIO_CLIENT_SKEW"] == 1 for _, _, flags in history)
    balance = await analytics.compute_balance(session)
    assert balance.client_share == Decimal("0.6619")  # today: still above the 0.60 band


async def test_internal_enablers_started_in_the_last_twelve_months(
    session: AsyncSession,
) -> None:
    await _history(session, date(2026, 11, 23))
    rows = await session.execute(
        text(
            "SELECT i.code FROM initiative i WHERE i.status IN ('in_progress', 'on_hold')"
            " AND i.client_share <= 0.5 AND i.start_date < DATE '2025-11-01' ORDER BY i.code"
        )
    )
    assert rows.scalars().all() == []


def test_check_ins_never_precede_the_start_whatever_the_day() -> None:
    first_day = date(2026, 1, 1)
    for offset in range(366):
        today = first_day + timedelta(days=offset)
        starts = {
            row["code"]: date.fromisoformat(row["start_date"])
            for row in _sheet(INITIATIVES.name, today)
        }
        days: dict[str, list[date]] = {}
        for row in _sheet(CHECKINS.name, today):
            days.setdefault(row["initiative_code"], []).append(
                date.fromisoformat(row["reported_on"])
            )
        for code, reported in days.items():
            assert starts[code] < reported[0] < reported[1], (today, code)
            assert reported == sorted(reported) and reported[-1] < today, (today, code)


def _sheet(name: str, today: date) -> list[dict[str, str]]:
    entity = INITIATIVES if name == INITIATIVES.name else CHECKINS
    content = dataset.shifted(entity, dataset.sheet_text(name), today)
    return list(csv.DictReader(io.StringIO(content)))
