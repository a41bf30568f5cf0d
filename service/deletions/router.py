"""REST handler for the deletions a BI copy must apply."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from service.deletions import service
from service.deletions.payloads import DeletionPublic
from service.deps import ActorDep, PageDep, SessionDep
from service.pagination import Page

router = APIRouter(prefix="/deletions", tags=["deletions"])

Since = Annotated[
    datetime,
    Query(description="Deleted at or after this instant (inclusive; no zone: UTC)."),
]
EntityTypes = Annotated[
    list[str] | None,
    Query(description="Only these entity types (repeatable), e.g. `initiative`."),
]


@router.get("", summary="List deletions")
async def list_deletions(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    since: Since,
    entity_type: EntityTypes = None,
) -> Page[DeletionPublic]:
    """Rows deleted since `since`, oldest first, keyset-paginated: drop them from a copy."""
    retention = request.app.state.settings.deletions_retention_days
    since = service.check_query(since, entity_type, retention)
    after = service.decode_cursor(page.cursor)
    rows = await service.list_deletions(
        session, actor, since=since, entity_types=entity_type, limit=page.limit, after=after
    )
    items, next_cursor = service.page_of(rows, page.limit)
    return Page(items=[DeletionPublic.model_validate(r) for r in items], next_cursor=next_cursor)
