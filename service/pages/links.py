"""The forms of an initiative's page that link it to KPIs and to other initiatives."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.deps import SessionDep
from service.i18n import gettext as _
from service.initiatives import links
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.initiatives import render_page
from service.pages.views import initiative_links as view
from service.pages.views.initiative_forms import require_edit
from service.pages.views.initiatives import initiative_row

router = APIRouter()


@router.post("/initiatives/{initiative_id}/kpis", summary="Link a KPI")
async def link_kpi(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Say which KPI the initiative moves, with what weight and why."""
    require_edit(actor, await initiative_row(session, initiative_id))
    state = FormState()
    if not await view.link_kpi(session, actor, initiative_id, form, state):
        return await render_page(request, session, actor, initiative_id, kpi_form=state)
    return redirect(request, f"/initiatives/{initiative_id}#kpis", Flash(_("KPI linked.")))


@router.post("/initiatives/{initiative_id}/kpis/{kpi_id}/delete", summary="Unlink a KPI")
async def unlink_kpi(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: PageForm,
    initiative_id: int,
    kpi_id: int,
) -> Response:
    """Remove the initiative's contribution to a KPI."""
    await links.delete_kpi_link(session, actor, initiative_id, kpi_id)
    return redirect(request, f"/initiatives/{initiative_id}#kpis", Flash(_("KPI unlinked.")))


@router.post("/initiatives/{initiative_id}/links", summary="Link another initiative")
async def link_initiative(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Record that an initiative enables this one, or that this one enables or needs another."""
    require_edit(actor, await initiative_row(session, initiative_id))
    state = FormState()
    if not await view.link_initiative(session, actor, initiative_id, form, state):
        return await render_page(request, session, actor, initiative_id, link_form=state)
    return redirect(request, f"/initiatives/{initiative_id}#links", Flash(_("Link recorded.")))


@router.post("/initiatives/{initiative_id}/links/{link_id}/delete", summary="Remove a link")
async def unlink_initiative(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: PageForm,
    initiative_id: int,
    link_id: int,
) -> Response:
    """Remove a link between this initiative and another."""
    await links.delete_link(session, actor, initiative_id, link_id)
    return redirect(request, f"/initiatives/{initiative_id}#links", Flash(_("Link removed.")))
