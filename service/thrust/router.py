"""REST handlers for the thrust behind a promise and for outcome attribution."""

from fastapi import APIRouter, Query

from service.deps import PageDep, SessionDep
from service.thrust import service
from service.thrust.payloads import InitiativeOutcomes, KpiContributions, ThrustPublic

router = APIRouter(tags=["thrust"])


@router.get("/initiatives/{initiative_id}/thrust", summary="The EX → CX chain of an initiative")
async def get_thrust(
    session: SessionDep,
    initiative_id: int,
    per_driver: int = Query(
        service.PER_DRIVER_DEFAULT,
        ge=0,
        le=service.PER_DRIVER_MAX,
        description="Initiatives listed per employee KPI (all are counted).",
    ),
) -> ThrustPublic:
    """Customer KPIs it moves, their employee drivers at every depth, who moves those."""
    return await service.thrust(session, initiative_id, per_driver=per_driver)


@router.get("/initiatives/{initiative_id}/outcomes", summary="An initiative's KPI outcomes")
async def get_outcomes(session: SessionDep, initiative_id: int) -> InitiativeOutcomes:
    """Per linked KPI: its movement since the initiative started, credited by weight."""
    return await service.outcomes(session, initiative_id)


@router.get("/kpis/{kpi_id}/contributions", summary="Who moved a KPI")
async def get_contributions(session: SessionDep, page: PageDep, kpi_id: int) -> KpiContributions:
    """The KPI's initiatives ranked by credited movement (most first), keyset-paginated."""
    return await service.contributions(session, kpi_id, limit=page.limit, cursor=page.cursor)
