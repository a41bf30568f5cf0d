"""The KPI registry and a KPI's page, where measurements are recorded."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from schema.enums import Perspective
from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.pages.views import kpis as view
from service.pages.views import thrust as thrust_view

router = APIRouter()


@router.get("/kpis", summary="KPI registry")
async def kpi_registry(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """KPIs with perspective, accountable departments, shared or not, last value vs target."""
    data = await view.registry(session, view.KpiFilters.of(request.query_params))
    return render(request, "kpis/list.html", {"d": data, "perspectives": list(Perspective)})


@router.get("/kpis/{kpi_id}", summary="KPI page")
async def kpi_page(
    request: Request, session: SessionDep, actor: PageActor, kpi_id: int
) -> HTMLResponse:
    """Measurements against baseline and target, drivers, linked initiatives, history."""
    data = await view.kpi_page(session, kpi_id)
    context = {"d": data, "k": data.view.kpi, "may_record": view.may_record(actor, data.view)}
    context["contributions"] = await thrust_view.for_kpi(session, kpi_id)
    return render(request, "kpis/detail.html", context)


@router.post("/kpis/{kpi_id}/measurements", summary="Record a measurement")
async def record_measurement(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, kpi_id: int
) -> Response:
    """Record the KPI's value on a date (the same date again replaces it)."""
    state = FormState()
    if not await view.record(session, actor, kpi_id, form, state):
        data = await view.kpi_page(session, kpi_id, state)
        context = {"d": data, "k": data.view.kpi, "may_record": True}
        context["contributions"] = await thrust_view.for_kpi(session, kpi_id)
        return render(request, "kpis/detail.html", context, status_code=422)
    flash = Flash(_("Measurement of %(day)s recorded.") % {"day": form.get("measured_on", "")})
    return redirect(request, f"/kpis/{kpi_id}#measurements", flash)
