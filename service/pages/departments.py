"""The departments page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
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
