"""The REST surface: every domain router under /api/v1."""

from fastapi import APIRouter

from service.departments.router import router as departments_router
from service.health.router import router as health_router
from service.initiatives.router import router as initiatives_router
from service.kpis.router import router as kpis_router
from service.org.router import router as org_router
from service.portfolio.router import router as portfolio_router
from service.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
router.include_router(departments_router)
router.include_router(org_router)
router.include_router(initiatives_router)
router.include_router(kpis_router)
router.include_router(portfolio_router)

__all__ = ["health_router", "router"]
