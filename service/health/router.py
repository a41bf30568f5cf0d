"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service import migrate, problems
from service.i18n import gettext as _
from service.pages import render as pages

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """Answer as soon as the process serves requests."""
    return {"status": "ok"}


@router.get("/readyz", summary="The database is reachable and migrated; the pages can render")
async def readyz(request: Request) -> JSONResponse:
    """Answer 200 when the database answers and is at the latest migration and the pages'
    templates and static files load, else 503."""
    engine = request.app.state.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            url = engine.url.render_as_string(hide_password=False)
            current = await connection.run_sync(migrate.is_current, url)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse({"status": "unavailable", "detail": type(exc).__name__}, 503)
    if not current:
        return JSONResponse({"status": "unavailable", "detail": "migrations pending"}, 503)
    if (missing := pages.unavailable()) is not None:
        return problems.problem(
            503, "pages_unavailable", _("Pages cannot render"), missing, request.url.path
        )
    return JSONResponse({"status": "ready"})
