"""The flags page: what to act on first (ranked by what is at stake), with the triage forms;
and every flag by severity."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, redirect, safe_next
from service.pages.render import render
from service.pages.views import admin as view
from service.pages.views import triage as triage_view
from service.pages.views.dashboard import flag_link
from service.portfolio.payloads import FlagCode
from service.triage.payloads import EntityType, FlagKey

router = APIRouter()


@router.get("/flags", summary="Flags")
async def flags(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The flags to act on, most at stake first; or (view=severity) every flag by severity."""
    query = request.query_params
    if query.get("view") == "severity" or query.get("severity"):
        data = await view.flags_page(session, view.FlagFilters.of(query))
        return render(request, "flags/list.html", {"d": data, "flag_link": flag_link})
    filters = triage_view.TriageFilters.of(query)
    page = await triage_view.triage_page(session, actor, filters)
    return render(request, "flags/triage.html", {"d": page, "flag_link": flag_link})


@router.post("/flags/{code}/{entity_type}/{entity_id}/{action}", summary="Triage a flag")
async def triage(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: PageForm,
    code: FlagCode,
    entity_type: EntityType,
    entity_id: int,
    action: Literal["acknowledge", "assign", "snooze"],
) -> Response:
    """Acknowledge, assign or snooze the flag; back to the list with what happened."""
    key = FlagKey(code, entity_type, entity_id)
    message, kind = await triage_view.triage_from_form(session, actor, key, action, form)
    return redirect(request, safe_next(form.get("next"), "/flags"), Flash(message, kind))
