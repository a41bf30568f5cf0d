"""The dashboard: the balance against the band, per department, over time; alignment;
the top flags; the departments left dark; and, for those who post check-ins, their work."""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, PortfolioSnapshot
from schema.enums import ACTIVE_STATUSES, Role
from service.actor import Actor
from service.initiatives import browse
from service.pages import charts
from service.pages.views import decisions as decision_view
from service.pages.views import options
from service.portfolio import service as portfolio
from service.portfolio import snapshots
from service.portfolio.flags import SEVERITY
from service.portfolio.payloads import AlignmentFigures, BalancePublic, FlagCode, FlagPublic
from service.triage import service as triage
from service.triage.payloads import RankedFlags

TOP_FLAGS = 8
TREND_DAYS = 2 * 365
MY_WORK = 12


@dataclass(frozen=True)
class DepartmentRow:
    """One department's line of the chart's table."""

    id: int | None
    code: str
    name: str
    bar: charts.DepartmentBar
    budget_share: Decimal | None
    count: int


@dataclass(frozen=True)
class Dashboard:
    balance: BalancePublic
    alignment: AlignmentFigures
    bullet: charts.Bullet
    bars: charts.Chart
    departments: list[DepartmentRow]
    by_share: list[DepartmentRow]
    trend: charts.Chart | None
    snapshots: list[PortfolioSnapshot]
    flags: RankedFlags
    flag_counts: dict[str, int]
    severity_counts: dict[str, int]
    dark: list[FlagPublic]
    dark_names: dict[int | None, str]
    my_work: browse.BrowsePage | None
    my_requests: list[decision_view.RequestLine] | None
    weight: str


def _rows(
    budget: BalancePublic, count: BalancePublic, departments: dict[str, Department]
) -> list[DepartmentRow]:
    counted = {d.department_code: d for d in count.departments}
    rows = []
    for dept in budget.departments:
        total, share = float(dept.total_weight), float(dept.client_share or 0)
        by_count = counted.get(dept.department_code)
        department = departments.get(dept.department_code)
        n = by_count.initiative_count if by_count else dept.initiative_count
        count_share = float(by_count.client_share or 0) if by_count else 0.0
        bar = charts.DepartmentBar(
            name=department.name if department else dept.department_code,
            client_budget=total * share,
            internal_budget=total * (1 - share),
            client_count=n * count_share,
            internal_count=n * (1 - count_share),
        )
        rows.append(
            DepartmentRow(
                department.id if department else None,
                dept.department_code,
                bar.name,
                bar,
                dept.client_share,
                n,
            )
        )
    return sorted(rows, key=lambda r: r.bar.client_budget + r.bar.internal_budget, reverse=True)


async def _my_work(session: AsyncSession, actor: Actor) -> browse.BrowsePage | None:
    """The active initiatives the actor checks in on: their department's, or their own."""
    query = browse.BrowseQuery(
        statuses=tuple(s.value for s in ACTIVE_STATUSES), sort="updated", per_page=MY_WORK
    )
    if actor.role is Role.department_head and actor.department_id is not None:
        query = replace(query, department_id=actor.department_id)
    elif actor.role is Role.contributor and actor.person_id is not None:
        query = replace(query, owner_id=actor.person_id)
    else:
        return None
    return await browse.browse_initiatives(session, query)


def _severities(counts: dict[str, int]) -> dict[str, int]:
    totals = {"high": 0, "medium": 0, "low": 0}
    for code, n in counts.items():
        totals[SEVERITY[FlagCode(code)].value] += n
    return totals


async def dashboard(
    session: AsyncSession,
    actor: Actor,
    *,
    weight: str,
    currency: str,
    today: date | None = None,
) -> Dashboard:
    """Everything the dashboard shows, from a fixed number of statements."""
    today = today or date.today()
    departments = {d.code: d for d in await options.departments(session)}
    budget = await portfolio.compute_balance(session, weight="budget")
    count = await portfolio.compute_balance(session, weight="count")
    # The top of the triage ranking, and every code's count.
    top = await triage.rank_flags(session, limit=TOP_FLAGS)
    dark = await portfolio.list_flags(session, codes=[FlagCode.DEPARTMENT_UNCOVERED], limit=100)
    alignment = await portfolio.alignment_figures(session)
    history, _ = await snapshots.list_snapshots(
        session, date_from=today - timedelta(days=TREND_DAYS), limit=TREND_DAYS + 1
    )
    rows = _rows(budget, count, departments)
    points = [(s.taken_on, s.client_share, s.alignment_score) for s in history]
    return Dashboard(
        balance=budget,
        alignment=alignment,
        bullet=charts.balance_bullet(budget.client_share, budget.band_max, budget.band_min),
        bars=charts.department_bars([r.bar for r in rows], weight, currency),
        departments=rows,
        by_share=sorted(rows, key=lambda r: -1 if r.budget_share is None else r.budget_share)[::-1],
        trend=charts.trend(points, budget.band_max) if points else None,
        snapshots=history,
        flags=top,
        flag_counts=top.counts,
        severity_counts=_severities(top.counts),
        dark=dark.items,
        dark_names={d.id: d.name for d in departments.values()},
        my_work=await _my_work(session, actor),
        my_requests=await decision_view.my_requests(session, actor),
        weight=weight,
    )


def flag_link(flag: FlagPublic | Any) -> str:
    """Where a flag points: its initiative, KPI or department, or the flags page."""
    if flag.entity_type == "initiative" and flag.entity_id is not None:
        return f"/initiatives/{flag.entity_id}"
    if flag.entity_type == "kpi" and flag.entity_id is not None:
        return f"/kpis/{flag.entity_id}"
    if flag.entity_type == "department" and flag.entity_id is not None:
        return f"/initiatives?department={flag.entity_id}"
    return f"/flags?code={flag.code.value}"
