"""REST handlers for the audit trail and the history of one resource."""

from collections.abc import Sequence
from datetime import datetime

from fastapi import APIRouter, Query

from schema import AuditEvent
from service.audit import service
from service.audit.payloads import AuditEventPublic
from service.deps import ActorDep, PageDep, SessionDep
from service.pagination import Page, page_of

router = APIRouter(tags=["audit"])


def _page(rows: Sequence[AuditEvent], limit: int) -> Page[AuditEventPublic]:
    items, next_cursor = page_of(rows, limit)
    return Page(items=[AuditEventPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.get("/audit", summary="List audit events")
async def list_audit_events(
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    entity_type: str | None = Query(None, max_length=40, description="e.g. `initiative`."),
    entity_id: int | None = Query(None),
    actor_account_id: int | None = Query(None),
    occurred_from: datetime | None = Query(None, alias="from", description="Inclusive."),
    occurred_to: datetime | None = Query(None, alias="to", description="Exclusive."),
) -> Page[AuditEventPublic]:
    """Every write, oldest first, filtered by entity, actor and time (CDO office)."""
    rows = await service.list_events(
        session,
        actor,
        limit=page.limit,
        cursor=page.cursor,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_account_id=actor_account_id,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return _page(rows, page.limit)


async def _history(session: SessionDep, entity_type: str, entity_id: int, page: PageDep) -> Page:
    rows = await service.history(
        session, entity_type, entity_id, limit=page.limit, cursor=page.cursor
    )
    return _page(rows, page.limit)


@router.get("/departments/{entity_id}/history", summary="Get a department's history")
async def department_history(
    session: SessionDep, entity_id: int, page: PageDep
) -> Page[AuditEventPublic]:
    """Every recorded change of the department, oldest first."""
    return await _history(session, "department", entity_id, page)


@router.get("/people/{entity_id}/history", summary="Get a person's history")
async def person_history(
    session: SessionDep, entity_id: int, page: PageDep
) -> Page[AuditEventPublic]:
    """Every recorded change of the person, oldest first."""
    return await _history(session, "person", entity_id, page)


@router.get("/initiatives/{entity_id}/history", summary="Get an initiative's history")
async def initiative_history(
    session: SessionDep, entity_id: int, page: PageDep
) -> Page[AuditEventPublic]:
    """Every recorded change of the initiative, its links, KPI links and check-ins."""
    return await _history(session, "initiative", entity_id, page)


@router.get("/kpis/{entity_id}/history", summary="Get a KPI's history")
async def kpi_history(session: SessionDep, entity_id: int, page: PageDep) -> Page[AuditEventPublic]:
    """Every recorded change of the KPI, its measurements and drivers."""
    return await _history(session, "kpi", entity_id, page)
