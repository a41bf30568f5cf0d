"""REST handlers for the portfolio analytics, its settings and its snapshots."""

from datetime import date, datetime

from fastapi import APIRouter, Query, Response, status

from schema.enums import InitiativeStatus, Severity
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.pagination import Page
from service.portfolio import service, snapshots
from service.portfolio.payloads import (
    AlignmentPublic,
    BalancePublic,
    FlagCode,
    FlagsPublic,
    PersonPortfolioPublic,
    PortfolioSettingPublic,
    PortfolioSettingUpdate,
    SnapshotPublic,
    Weight,
)

router = APIRouter(tags=["portfolio"])

WEIGHT = Query("budget", description="Weigh initiatives by budget, spend or count.")
STATUSES = Query(None, alias="status", description="Statuses to include (default: active).")
DEPARTMENT = Query(None, description="Department code.")
OWNER_LINE = Query(None, description="Person id: only their reporting line's initiatives.")


@router.get("/portfolio/balance", summary="Client-facing share of the portfolio")
async def get_balance(
    session: SessionDep,
    weight: Weight = WEIGHT,
    statuses: list[InitiativeStatus] | None = STATUSES,
    department: str | None = DEPARTMENT,
    owner_line: int | None = OWNER_LINE,
) -> BalancePublic:
    """The weighted client-facing share, overall and per department, against the band."""
    return await service.compute_balance(
        session, weight=weight, statuses=statuses, department=department, owner_line=owner_line
    )


@router.get("/portfolio/flags", summary="Portfolio flags")
async def get_flags(
    session: SessionDep,
    code: list[FlagCode] | None = Query(None, description="Only these flag codes."),
    severity: list[Severity] | None = Query(None, description="Only these severities."),
    department: str | None = DEPARTMENT,
    owner_line: int | None = OWNER_LINE,
    limit: int = Query(200, ge=0, le=1000, description="Flags per page (0..1000)."),
    cursor: str | None = Query(None, description="`next_cursor` of the previous page."),
) -> FlagsPublic:
    """Every flag raised now, by severity then code, with the count of each code."""
    return await service.list_flags(
        session,
        codes=code,
        severities=severity,
        department=department,
        owner_line=owner_line,
        limit=limit,
        cursor=cursor,
    )


@router.get("/portfolio/alignment", summary="KPI alignment of the portfolio")
async def get_alignment(session: SessionDep) -> AlignmentPublic:
    """Alignment score, department x KPI matrix, orphan KPIs, initiatives without KPI."""
    return await service.compute_alignment(session)


@router.get("/people/{person_id}/portfolio", summary="A person's reporting-line portfolio")
async def get_person_portfolio(
    session: SessionDep,
    page: PageDep,
    person_id: int,
    weight: Weight = WEIGHT,
    statuses: list[InitiativeStatus] | None = STATUSES,
) -> PersonPortfolioPublic:
    """Initiatives owned by the person or anyone below them, their balance and flag counts."""
    return await service.person_portfolio(
        session, person_id, weight=weight, statuses=statuses, limit=page.limit, cursor=page.cursor
    )


@router.get("/settings/portfolio", summary="Portfolio settings")
async def get_settings(session: SessionDep, response: Response) -> PortfolioSettingPublic:
    """The target band and the check-in staleness limit, with their ETag."""
    setting = await service.get_settings(session)
    set_etag(response, setting.version)
    return PortfolioSettingPublic.model_validate(setting)


@router.put("/settings/portfolio", summary="Change the portfolio settings")
async def put_settings(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    data: PortfolioSettingUpdate,
    expected_version: IfMatchDep,
) -> PortfolioSettingPublic:
    """Set the target band (0..1) and/or the staleness limit (days, at least 1); If-Match."""
    setting = await service.update_settings(session, actor, data, expected_version=expected_version)
    set_etag(response, setting.version)
    return PortfolioSettingPublic.model_validate(setting)


@router.post(
    "/portfolio/snapshots",
    status_code=status.HTTP_201_CREATED,
    summary="Take today's portfolio snapshot",
    responses={200: {"description": "Today's snapshot was replaced."}},
)
async def post_snapshot(session: SessionDep, actor: ActorDep, response: Response) -> SnapshotPublic:
    """Store today's figures: 201 when new, 200 when today's snapshot is replaced."""
    snapshot, created = await snapshots.take_snapshot(session, actor)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return SnapshotPublic.model_validate(snapshot)


@router.get("/portfolio/snapshots", summary="List portfolio snapshots")
async def list_snapshots(
    session: SessionDep,
    page: PageDep,
    date_from: date | None = Query(None, alias="from", description="First day (inclusive)."),
    date_to: date | None = Query(None, alias="to", description="Last day (inclusive)."),
    updated_since: datetime | None = Query(None),
) -> Page[SnapshotPublic]:
    """Snapshots in date order, for trend lines."""
    items, next_cursor = await snapshots.list_snapshots(
        session,
        date_from=date_from,
        date_to=date_to,
        updated_since=updated_since,
        limit=page.limit,
        cursor=page.cursor,
    )
    return Page(items=[SnapshotPublic.model_validate(s) for s in items], next_cursor=next_cursor)
