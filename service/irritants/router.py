"""REST handlers for irritants, their votes, and the initiatives that address them."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from schema.enums import ACTIVE_STATUSES, InitiativeStatus
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.irritants import coverage, links, queries, service
from service.irritants.payloads import (
    IrritantCreate,
    IrritantFilter,
    IrritantPublic,
    IrritantUpdate,
)
from service.pagination import Page

router = APIRouter(prefix="/irritants", tags=["irritants"])
portfolio_router = APIRouter(prefix="/portfolio", tags=["portfolio"])
initiative_router = APIRouter(prefix="/initiatives", tags=["irritants"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Raise an irritant")
async def raise_irritant(
    session: SessionDep, actor: ActorDep, data: IrritantCreate
) -> IrritantPublic:
    """Raise an internal pain point; the raiser's vote counts."""
    return await service.raise_irritant(session, actor, data)


@router.get("", summary="List irritants")
async def list_irritants(
    session: SessionDep, page: PageDep, filters: Annotated[IrritantFilter, Query()]
) -> Page[IrritantPublic]:
    """Irritants by `status` and `department_id`, most votes (or most recent) first."""
    items, next_cursor = await queries.list_irritants(
        session, filters, limit=page.limit, cursor=page.cursor
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{irritant_id}", summary="Get an irritant")
async def get_irritant(session: SessionDep, response: Response, irritant_id: int) -> IrritantPublic:
    """One irritant with its votes, the initiatives addressing it, and its ETag."""
    irritant = await queries.get_irritant(session, irritant_id)
    set_etag(response, irritant.version)
    return irritant


@router.patch("/{irritant_id}", summary="Change, close or reopen an irritant")
async def update_irritant(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    irritant_id: int,
    data: IrritantUpdate,
    expected_version: IfMatchDep,
) -> IrritantPublic:
    """Change an irritant (If-Match required); close or reopen it with a `reason`."""
    irritant = await service.update_irritant(
        session, actor, irritant_id, data, expected_version=expected_version
    )
    set_etag(response, irritant.version)
    return irritant


@router.post("/{irritant_id}/votes", summary="Vote for an irritant")
async def vote(session: SessionDep, actor: ActorDep, irritant_id: int) -> IrritantPublic:
    """Add your vote ("me too"); voting twice counts once."""
    return await service.vote(session, actor, irritant_id)


@router.delete(
    "/{irritant_id}/votes", status_code=status.HTTP_204_NO_CONTENT, summary="Take back a vote"
)
async def unvote(session: SessionDep, actor: ActorDep, irritant_id: int) -> None:
    """Take back your vote (nothing happens when you had not voted)."""
    await service.unvote(session, actor, irritant_id)


@initiative_router.put(
    "/{initiative_id}/irritants/{irritant_id}", summary="Link an irritant the initiative addresses"
)
async def link_irritant(
    session: SessionDep, actor: ActorDep, response: Response, initiative_id: int, irritant_id: int
) -> IrritantPublic:
    """Record that the initiative addresses the irritant (201 when new, 200 when it was)."""
    irritant, created = await links.link(session, actor, initiative_id, irritant_id)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return irritant


@initiative_router.delete(
    "/{initiative_id}/irritants/{irritant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Unlink an irritant from the initiative",
)
async def unlink_irritant(
    session: SessionDep, actor: ActorDep, initiative_id: int, irritant_id: int
) -> None:
    """Remove the link between the initiative and the irritant."""
    await links.unlink(session, actor, initiative_id, irritant_id)


@portfolio_router.get("/irritant-votes", summary="Open irritants' votes that work addresses")
async def irritant_votes(
    session: SessionDep,
    statuses: Annotated[
        list[InitiativeStatus] | None,
        Query(alias="status", description="Statuses that count as work (default: active)."),
    ] = None,
    department: Annotated[str | None, Query(description="Department code.")] = None,
) -> coverage.IrritantVotes:
    """The share of the open irritants' votes that active work addresses, per department."""
    chosen = sorted({s.value for s in statuses or ACTIVE_STATUSES})
    return await coverage.irritant_votes(session, chosen, department)
