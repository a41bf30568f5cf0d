"""REST handlers for webhooks (CDO office): endpoints, their delivery log, replay, test."""

from fastapi import APIRouter, Query, Response, status

from schema.webhook import DeliveryStatus
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.pagination import Page, page_of
from service.webhooks import service
from service.webhooks.payloads import (
    DeliveryPublic,
    EndpointCreate,
    EndpointCreated,
    EndpointPublic,
    EndpointUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a webhook endpoint")
async def create_endpoint(
    session: SessionDep, actor: ActorDep, response: Response, data: EndpointCreate
) -> EndpointCreated:
    """Register an endpoint; the answer holds its signing secret, shown this once."""
    endpoint = await service.create_endpoint(session, actor, data)
    response.headers["Location"] = f"/api/v1/webhooks/{endpoint.id}"
    set_etag(response, endpoint.version)
    return EndpointCreated.model_validate(endpoint)


@router.get("", summary="List webhook endpoints")
async def list_endpoints(
    session: SessionDep, actor: ActorDep, page: PageDep
) -> Page[EndpointPublic]:
    """Endpoints in id order, keyset-paginated."""
    rows = await service.list_endpoints(session, actor, limit=page.limit, cursor=page.cursor)
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=[EndpointPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.get("/{endpoint_id}", summary="Get a webhook endpoint")
async def get_endpoint(
    session: SessionDep, actor: ActorDep, response: Response, endpoint_id: int
) -> EndpointPublic:
    """One endpoint with its ETag (never its secret)."""
    endpoint = await service.get_endpoint(session, actor, endpoint_id)
    set_etag(response, endpoint.version)
    return EndpointPublic.model_validate(endpoint)


@router.patch("/{endpoint_id}", summary="Update a webhook endpoint")
async def update_endpoint(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    endpoint_id: int,
    data: EndpointUpdate,
    expected_version: IfMatchDep,
) -> EndpointPublic:
    """Change the URL, event types, description or `active` (If-Match: the ETag you read)."""
    endpoint = await service.update_endpoint(
        session, actor, endpoint_id, data, expected_version=expected_version
    )
    set_etag(response, endpoint.version)
    return EndpointPublic.model_validate(endpoint)


@router.post("/{endpoint_id}/secret", summary="Rotate a webhook endpoint's secret")
async def rotate_secret(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    endpoint_id: int,
    expected_version: IfMatchDep,
) -> EndpointCreated:
    """A new signing secret, shown this once; the old one stops signing at once."""
    endpoint = await service.rotate_secret(
        session, actor, endpoint_id, expected_version=expected_version
    )
    set_etag(response, endpoint.version)
    return EndpointCreated.model_validate(endpoint)


@router.delete("/{endpoint_id}", status_code=204, summary="Delete a webhook endpoint")
async def delete_endpoint(
    session: SessionDep, actor: ActorDep, endpoint_id: int, expected_version: IfMatchDep
) -> Response:
    """Delete an endpoint and its delivery log (If-Match: the ETag you read)."""
    await service.delete_endpoint(session, actor, endpoint_id, expected_version=expected_version)
    return Response(status_code=204)


@router.get("/{endpoint_id}/deliveries", summary="List an endpoint's deliveries")
async def list_deliveries(
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    endpoint_id: int,
    status: DeliveryStatus | None = Query(None, description="pending, delivered or failed."),
) -> Page[DeliveryPublic]:
    """The endpoint's delivery log, oldest first, keyset-paginated."""
    rows = await service.list_deliveries(
        session, actor, endpoint_id, limit=page.limit, cursor=page.cursor, status=status
    )
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Replay a delivery",
)
async def replay_delivery(
    session: SessionDep, actor: ActorDep, endpoint_id: int, delivery_id: int
) -> DeliveryPublic:
    """Send the delivery's event again (same `webhook-id`) as a new delivery, due now."""
    return await service.replay_delivery(session, actor, endpoint_id, delivery_id)


@router.post(
    "/{endpoint_id}/test", status_code=status.HTTP_202_ACCEPTED, summary="Send a test event"
)
async def send_test_event(session: SessionDep, actor: ActorDep, endpoint_id: int) -> DeliveryPublic:
    """Queue a `webhook.test` event to this endpoint only."""
    return await service.send_test_event(session, actor, endpoint_id)
