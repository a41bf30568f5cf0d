"""REST handlers for change requests and the CDO office's decisions on them."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.decisions import service
from service.decisions.payloads import (
    ChangeRequestFilter,
    ChangeRequestPublic,
    ChangeRequestReview,
    CheckPublic,
    DecisionIn,
)
from service.deps import ActorDep, PageDep, SessionDep
from service.pagination import Page, page_of

router = APIRouter(prefix="/change-requests", tags=["decisions"])


@router.get("", summary="List change requests")
async def list_change_requests(
    session: SessionDep, page: PageDep, filters: Annotated[ChangeRequestFilter, Query()]
) -> Page[ChangeRequestPublic]:
    """Change requests in id order, by `status` and `initiative_id`, keyset-paginated."""
    rows = await service.list_change_requests(
        session, filters, limit=page.limit, cursor=page.cursor
    )
    items, next_cursor = page_of(rows, page.limit)
    return Page(
        items=[ChangeRequestPublic.model_validate(r) for r in items], next_cursor=next_cursor
    )


@router.get("/{request_id}", summary="Get a change request")
async def get_change_request(session: SessionDep, request_id: int) -> ChangeRequestReview:
    """One change request, with the approval checks approving it would fail today."""
    request, checks = await service.review_change_request(session, request_id)
    return ChangeRequestReview(
        **ChangeRequestPublic.model_validate(request).model_dump(),
        checks=[CheckPublic(code=c.code, message=c.message) for c in checks],
    )


@router.post("/{request_id}/decision", summary="Approve or reject a change request")
async def decide_change_request(
    session: SessionDep, actor: ActorDep, request_id: int, data: DecisionIn
) -> ChangeRequestPublic:
    """Approve (the changes apply, approval checks included) or reject (CDO office)."""
    request = await service.decide_change_request(session, actor, request_id, data)
    return ChangeRequestPublic.model_validate(request)


@router.delete("/{request_id}", summary="Withdraw a pending change request")
async def withdraw_change_request(
    session: SessionDep, actor: ActorDep, request_id: int
) -> ChangeRequestPublic:
    """Withdraw a change request that is still pending (the account that asked for it)."""
    request = await service.withdraw_change_request(session, actor, request_id)
    return ChangeRequestPublic.model_validate(request)
