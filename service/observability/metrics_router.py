"""GET /metrics: the Prometheus text, for the CDO office or the METRICS_TOKEN bearer."""

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep, bearer_scheme, cookie_scheme, current_actor
from service.observability import metrics

# Outside the API's schema: an operator's endpoint, not part of /api/v1.
router = APIRouter(include_in_schema=False)


def metrics_token_matches(request: Request) -> bool:
    """True when the request carries `Authorization: Bearer <METRICS_TOKEN>` (when set)."""
    expected = request.app.state.settings.metrics_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


async def metrics_reader(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> None:
    """Let in the METRICS_TOKEN bearer, or a CDO office account (API token or session)."""
    if metrics_token_matches(request):
        return
    actor = await current_actor(request, session, bearer, cookie)
    policy.require(actor, Permission.read_metrics)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    dependencies=[Depends(metrics_reader)],
)
async def read_metrics(request: Request, session: SessionDep) -> Response:
    """Requests, GraphQL operations, the database pool, import/export and portfolio gauges."""
    figures = await metrics.portfolio_figures(session)
    pool = request.app.state.engine.sync_engine.pool
    body = request.app.state.metrics.exposition(metrics.Snapshot(pool, figures))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def install(app: FastAPI) -> None:
    """Measure every request and serve /metrics, unless METRICS_ENABLED is false."""
    if not app.state.settings.metrics_enabled:
        return
    app.state.metrics = metrics.Metrics()
    app.add_middleware(metrics.MetricsMiddleware, metrics=app.state.metrics)
    app.include_router(router)
