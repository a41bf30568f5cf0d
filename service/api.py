"""The REST surface: every domain router under /api/v1."""

from fastapi import APIRouter

from service.audit.router import router as audit_router
from service.auth.router import own_router as auth_own_router
from service.auth.router import public_router as auth_public_router
from service.auth.router import router as auth_router
from service.decisions.router import router as decisions_router
from service.deletions.router import router as deletions_router
from service.departments.router import router as departments_router
from service.deps import ApiActorDep, OwnActorDep
from service.health.router import router as health_router
from service.initiatives.router import router as initiatives_router
from service.irritants.router import initiative_router as initiative_irritants_router
from service.irritants.router import portfolio_router as irritant_votes_router
from service.irritants.router import router as irritants_router
from service.kpis.router import router as kpis_router
from service.lessons.router import router as lessons_router
from service.org.router import router as org_router
from service.portfolio.router import router as portfolio_router
from service.problems import PROBLEM_RESPONSES
from service.reminders.router import router as reminders_router
from service.scenarios.router import router as scenarios_router
from service.thrust.router import router as thrust_router
from service.transfer.router import router as transfer_router
from service.triage.router import router as triage_router
from service.webhooks.router import router as webhooks_router

# Authentication is on by default: every route below requires credentials.
router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, dependencies=[ApiActorDep])
router.include_router(departments_router)
router.include_router(org_router)
router.include_router(initiatives_router)
router.include_router(initiative_irritants_router)
router.include_router(irritants_router)
router.include_router(irritant_votes_router)
router.include_router(decisions_router)
router.include_router(kpis_router)
router.include_router(portfolio_router)
router.include_router(triage_router)
router.include_router(scenarios_router)
router.include_router(transfer_router)
router.include_router(thrust_router)
router.include_router(lessons_router)
router.include_router(audit_router)
router.include_router(webhooks_router)
router.include_router(deletions_router)
router.include_router(auth_router)
router.include_router(reminders_router)

# What an account changes on itself, whatever its role (bi_reader, which reads everything
# else only, included): credentials required, cookie writes CSRF-checked.
own_router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, dependencies=[OwnActorDep])
own_router.include_router(auth_own_router)

# Reachable without credentials: sign-in and sign-out only.
public_router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
public_router.include_router(auth_public_router)

__all__ = ["health_router", "own_router", "public_router", "router"]
