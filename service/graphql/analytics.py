"""Root fields of the portfolio analytics, wrapping the analytics service."""

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from service.graphql.connections import AFTER, UPDATED_SINCE, PageInfo, after_id, page_size
from service.graphql.ids import database_id
from service.graphql.types.analytics import (
    BalanceWeight,
    Flag,
    FlagCode,
    KpiAlignment,
    PortfolioBalance,
    PortfolioFlagConnection,
    PortfolioSnapshot,
    PortfolioSnapshotConnection,
    flag_counts,
)
from service.graphql.types.common import InitiativeStatus, Severity
from service.portfolio import service as analytics
from service.portfolio import snapshots

Weight = Annotated[
    BalanceWeight, strawberry.argument(description="Weigh by budget (default), spend or count.")
]
Statuses = Annotated[
    list[InitiativeStatus] | None,
    strawberry.argument(description="Statuses counted (default: approved, in_progress, on_hold)."),
]
DepartmentCode = Annotated[str | None, strawberry.argument(description="Only this department.")]
OwnerLine = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Only initiatives owned by this person or anyone below."),
]
After = Annotated[str | None, strawberry.argument(description=AFTER)]


def _values(members: list[Any] | None) -> list[str] | None:
    return None if members is None else [str(member.value) for member in members]


def _line(owner_line: Any) -> int | None:
    return None if owner_line is None else database_id(owner_line, "Person", field="ownerLine")


def _page_info(after: str | None, next_cursor: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=next_cursor is not None,
        has_previous_page=after is not None,
        start_cursor=None,
        end_cursor=next_cursor,
    )


@strawberry.type(description="Portfolio analytics, computed in SQL.")
class AnalyticsQuery:
    @strawberry.field(description="The client-facing share of the portfolio against the band.")
    async def portfolio_balance(
        self,
        info: strawberry.Info,
        weight: Weight = BalanceWeight.budget,
        statuses: Statuses = None,
        department: DepartmentCode = None,
        owner_line: OwnerLine = None,
    ) -> PortfolioBalance:
        balance = await info.context.read(
            analytics.compute_balance,
            weight=weight.value,
            statuses=_values(statuses),
            department=department,
            owner_line=_line(owner_line),
        )
        return PortfolioBalance.from_public(balance)

    @strawberry.field(description="Flags raised now, by severity then code, with their counts.")
    async def portfolio_flags(
        self,
        info: strawberry.Info,
        code: Annotated[
            list[FlagCode] | None, strawberry.argument(description="Only these codes.")
        ] = None,
        severity: Annotated[
            list[Severity] | None, strawberry.argument(description="Only these severities.")
        ] = None,
        department: DepartmentCode = None,
        owner_line: OwnerLine = None,
        first: Annotated[
            int | None, strawberry.argument(description="Flags per page (default 100, max 1000).")
        ] = None,
        after: After = None,
    ) -> PortfolioFlagConnection:
        found = await info.context.read(
            analytics.list_flags,
            codes=_values(code),
            severities=_values(severity),
            department=department,
            owner_line=_line(owner_line),
            limit=page_size(first),
            cursor=after,
        )
        return PortfolioFlagConnection(
            nodes=[Flag.from_public(flag) for flag in found.items],
            counts=flag_counts(found.counts),
            page_info=_page_info(after, found.next_cursor),
        )

    @strawberry.field(description="Alignment score, accountability matrix and orphan KPIs.")
    async def kpi_alignment(self, info: strawberry.Info) -> KpiAlignment:
        return KpiAlignment.from_public(await info.context.read(analytics.compute_alignment))

    @strawberry.field(description="Dated portfolio figures in date order, for trend lines.")
    async def portfolio_snapshots(
        self,
        info: strawberry.Info,
        first: Annotated[
            int | None, strawberry.argument(description="Snapshots per page (max 1000).")
        ] = None,
        after: After = None,
        from_: Annotated[
            date | None, strawberry.argument(name="from", description="First day.")
        ] = None,
        to: Annotated[date | None, strawberry.argument(description="Last day.")] = None,
        updated_since: Annotated[
            datetime | None, strawberry.argument(description=UPDATED_SINCE)
        ] = None,
    ) -> PortfolioSnapshotConnection:
        after_id(after)  # refuse a malformed cursor with the GraphQL argument's name
        items, next_cursor = await info.context.read(
            snapshots.list_snapshots,
            date_from=from_,
            date_to=to,
            updated_since=updated_since,
            limit=page_size(first),
            cursor=after,
        )
        return PortfolioSnapshotConnection(
            nodes=[PortfolioSnapshot.from_row(row) for row in items],
            page_info=_page_info(after, next_cursor),
        )
