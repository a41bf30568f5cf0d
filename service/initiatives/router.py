"""REST handlers for initiatives, their KPI contributions, links and check-ins."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from service.decisions.payloads import ChangeRequestPublic
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.fields.rest import PageWriter, json_response
from service.idempotency import IdempotencyDep
from service.initiatives import checkins, links, service
from service.initiatives.payloads import (
    CheckInCreate,
    CheckInPublic,
    InitiativeCreate,
    InitiativeDetail,
    InitiativeFilter,
    InitiativePublic,
    InitiativeUpdate,
    KpiLinkPublic,
    KpiLinkPut,
    LinkCreate,
    LinkPublic,
)
from service.pagination import Page, page_of

router = APIRouter(prefix="/initiatives", tags=["initiatives"])

UpdatedSince = Annotated[
    datetime | None, Query(description="Only rows changed at or after this instant.")
]


# Lists are written from the rows: a model object per row was half their time.
INITIATIVE_PAGE = PageWriter(InitiativePublic)
CHECKIN = PageWriter(CheckInPublic)


@router.get("", summary="List initiatives", response_model=Page[InitiativePublic])
async def list_initiatives(
    session: SessionDep, page: PageDep, filters: Annotated[InitiativeFilter, Query()]
) -> Response:
    """Initiatives in id order with their latest check-in, filtered and keyset-paginated."""
    rows = await service.list_initiatives(session, filters, limit=page.limit, cursor=page.cursor)
    items, next_cursor = page_of(rows, page.limit)
    return json_response(INITIATIVE_PAGE.page(items, next_cursor))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an initiative")
async def create_initiative(
    session: SessionDep, actor: ActorDep, data: InitiativeCreate, idempotency: IdempotencyDep
) -> InitiativePublic:
    """Create an initiative; it starts `proposed` unless `approved` is given."""

    async def create() -> InitiativePublic:
        row = await service.create_initiative(session, actor, data)
        return InitiativePublic.model_validate(row)

    return await idempotency.run(session, actor, create)


@router.get("/{initiative_id}", summary="Get an initiative")
async def get_initiative(
    session: SessionDep, response: Response, initiative_id: int
) -> InitiativeDetail:
    """One initiative with its latest check-in's figures, its waivers, and its ETag."""
    row, waivers = await service.get_initiative_detail(session, initiative_id)
    initiative = InitiativeDetail.model_validate(row._asdict() | {"waivers": waivers})
    set_etag(response, initiative.version)
    return initiative


@router.patch(
    "/{initiative_id}",
    summary="Update an initiative or change its status",
    response_model=InitiativePublic,
    responses={202: {"description": "Sent to the CDO office", "model": ChangeRequestPublic}},
)
async def update_initiative(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    initiative_id: int,
    data: InitiativeUpdate,
    expected_version: IfMatchDep,
) -> InitiativePublic | JSONResponse:
    """Change the given fields (If-Match); a `status` change must be an allowed transition.
    A department head's governed change answers 202 with the change request it became."""
    edit = await service.edit_initiative(
        session, actor, initiative_id, data, expected_version=expected_version
    )
    if edit.change_request is not None:
        held = ChangeRequestPublic.model_validate(edit.change_request).model_dump(mode="json")
        location = f"/api/v1/change-requests/{held['id']}"
        return JSONResponse(held, status_code=202, headers={"Location": location})
    initiative = InitiativePublic.model_validate(edit.row)
    set_etag(response, initiative.version)
    return initiative


@router.delete("/{initiative_id}", status_code=204, summary="Delete a proposed initiative")
async def delete_initiative(
    session: SessionDep, actor: ActorDep, initiative_id: int, expected_version: IfMatchDep
) -> Response:
    """Delete an initiative that is still `proposed` (If-Match)."""
    await service.delete_initiative(
        session, actor, initiative_id, expected_version=expected_version
    )
    return Response(status_code=204)


@router.get("/{initiative_id}/kpis", summary="List an initiative's KPIs")
async def list_kpi_links(
    session: SessionDep, page: PageDep, initiative_id: int, updated_since: UpdatedSince = None
) -> Page[KpiLinkPublic]:
    """The KPIs the initiative contributes to, with weight and rationale."""
    rows = await links.list_kpi_links(
        session, initiative_id, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=[KpiLinkPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.put(
    "/{initiative_id}/kpis/{kpi_id}",
    summary="Link an initiative to a KPI",
    responses={201: {"description": "Link created", "model": KpiLinkPublic}},
)
async def put_kpi_link(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    initiative_id: int,
    kpi_id: int,
    data: KpiLinkPut,
) -> KpiLinkPublic:
    """Create (201) or update (200) the initiative's contribution to a KPI."""
    row, created = await links.put_kpi_link(session, actor, initiative_id, kpi_id, data)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return KpiLinkPublic.model_validate(row)


@router.delete("/{initiative_id}/kpis/{kpi_id}", status_code=204, summary="Unlink a KPI")
async def delete_kpi_link(
    session: SessionDep, actor: ActorDep, initiative_id: int, kpi_id: int
) -> Response:
    """Remove the initiative's contribution to a KPI."""
    await links.delete_kpi_link(session, actor, initiative_id, kpi_id)
    return Response(status_code=204)


@router.get("/{initiative_id}/links", summary="List an initiative's links")
async def list_links(
    session: SessionDep, page: PageDep, initiative_id: int, updated_since: UpdatedSince = None
) -> Page[LinkPublic]:
    """Links from and to the initiative, in id order."""
    rows = await links.list_links(
        session, initiative_id, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=[LinkPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.post(
    "/{initiative_id}/links", status_code=status.HTTP_201_CREATED, summary="Link two initiatives"
)
async def create_link(
    session: SessionDep,
    actor: ActorDep,
    initiative_id: int,
    data: LinkCreate,
    idempotency: IdempotencyDep,
) -> LinkPublic:
    """Record that this initiative `enables` or `depends_on` another one."""

    async def create() -> LinkPublic:
        link = await links.create_link(session, actor, initiative_id, data)
        return LinkPublic.model_validate(link)

    return await idempotency.run(session, actor, create)


@router.delete("/{initiative_id}/links/{link_id}", status_code=204, summary="Delete a link")
async def delete_link(
    session: SessionDep, actor: ActorDep, initiative_id: int, link_id: int
) -> Response:
    """Delete a link from or to the initiative."""
    await links.delete_link(session, actor, initiative_id, link_id)
    return Response(status_code=204)


@router.get(
    "/{initiative_id}/updates",
    summary="List an initiative's check-ins",
    response_model=Page[CheckInPublic],
)
async def list_checkins(
    session: SessionDep, page: PageDep, initiative_id: int, updated_since: UpdatedSince = None
) -> Response:
    """Check-ins newest first (by reported_on, then id), keyset-paginated."""
    rows = await checkins.list_checkin_rows(
        session, initiative_id, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    return json_response(CHECKIN.page(*page_of(rows, page.limit)))


@router.post(
    "/{initiative_id}/updates", status_code=status.HTTP_201_CREATED, summary="Post a check-in"
)
async def create_checkin(
    session: SessionDep,
    actor: ActorDep,
    initiative_id: int,
    data: CheckInCreate,
    idempotency: IdempotencyDep,
) -> CheckInPublic:
    """Record a check-in; a correction is a new check-in."""

    async def create() -> CheckInPublic:
        checkin = await checkins.create_checkin(session, actor, initiative_id, data)
        return CheckInPublic.model_validate(checkin)

    return await idempotency.run(session, actor, create)
