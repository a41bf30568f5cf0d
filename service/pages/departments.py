"""The departments page, and one department's page (a head's "My department")."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
from service.pages.views import department_page
from service.pages.views import irritants as irritants_view
from service.pages.views import org as view

router = APIRouter()


@router.get("/departments", summary="Departments")
async def departments(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """Each department: head, active work and its share, KPIs it is accountable for."""
    data = await view.departments_page(session)
    context = {"d": data, "share_class": view.share_class}
    context["irritant_votes"] = await irritants_view.for_departments(session)
    return render(request, "departments/list.html", context)


@router.get("/departments/mine", summary="My department")
async def my_department(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """A department head's own department page."""
    policy.require(actor, Permission.lead_department)
    assert actor.department_id is not None  # the permission says so
    return await department(request, session, actor, actor.department_id)


@router.get("/departments/{department_id}", summary="A department")
async def department(
    request: Request, session: SessionDep, actor: PageActor, department_id: int
) -> HTMLResponse:
    """One department: its open initiatives, KPIs, flags and open irritants."""
    page = department_page.int_or_one(request.query_params.get("page"))
    data = await department_page.department_page(session, department_id, page)
    return render(request, "departments/detail.html", {"d": data})
