"""The dashboard, and taking today's portfolio snapshot."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.i18n import formats
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, redirect
from service.pages.render import render
from service.pages.views import dashboard as view
from service.pages.views import irritants as irritants_view
from service.pages.views import triage as triage_view
from service.portfolio import snapshots

router = APIRouter()


@router.get("/", summary="Dashboard")
async def dashboard(
    request: Request, session: SessionDep, actor: PageActor, weight: str = "budget"
) -> HTMLResponse:
    """The balance against the band, by department and over time; alignment; top flags."""
    currency = request.app.state.settings.currency
    weight = "count" if weight == "count" else "budget"
    data = await view.dashboard(session, actor, weight=weight, currency=currency)
    context = {"d": data, "flag_link": view.flag_link}
    context["irritant_votes"] = await irritants_view.for_departments(session)
    context["top_flags"] = triage_view.top_lines(data.flags)
    return render(request, "dashboard/index.html", context)


@router.post("/snapshots", summary="Take today's snapshot")
async def take_snapshot(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Store today's portfolio figures for the trend line (CDO office)."""
    policy.require(actor, Permission.manage_portfolio)
    taken, created = await snapshots.take_snapshot(session, actor)
    done = _("Snapshot of %(day)s taken.") if created else _("Snapshot of %(day)s updated.")
    return redirect(request, "/", Flash(done % {"day": formats.day(taken.taken_on)}))
