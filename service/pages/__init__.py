"""Server-rendered pages for the CDO office and department heads (a surface, like REST)."""

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from service.deps import InstallationKeyDep
from service.pages import (
    auth,
    checkins,
    dashboard,
    decisions,
    departments,
    errors,
    flags,
    initiatives,
    irritants,
    kpis,
    lessons,
    links,
    notifications,
    org,
    scenarios,
    settings,
    sso,
    static_files,
    tokens,
    transfer,
)
from service.pages.render import STATIC_DIR

# Every page may carry a form, so every page needs the installation's key.
router = APIRouter(include_in_schema=False, tags=["pages"], dependencies=[InstallationKeyDep])
for module in (
    auth,
    dashboard,
    initiatives,
    checkins,
    links,
    kpis,
    org,
    departments,
    irritants,
    flags,
    decisions,
    scenarios,
    lessons,
    settings,
    transfer,
    tokens,
    notifications,
    sso,
    static_files,
):
    router.include_router(module.router)


def install(app: FastAPI) -> None:
    """Mount the pages, their static files, and the error pages browsers get."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)


__all__ = ["install", "router"]
