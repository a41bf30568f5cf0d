"""Server-rendered pages for the CDO office and department heads (a surface, like REST)."""

from fastapi import APIRouter, FastAPI

from service.deps import InstallationKeyDep
from service.pages import (
    account_language,
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
    account_language,
    sso,
    static_files,
):
    router.include_router(module.router)


def install(app: FastAPI) -> None:
    """Mount the pages, their static files, and the error pages browsers get."""
    app.include_router(router)
    app.mount("/static", static_files.files(), name="static")
    errors.install(app)


__all__ = ["install", "router"]
