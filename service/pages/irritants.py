"""The irritant pages: the ranked list with vote buttons, the phone form to raise one, one
irritant with close/reopen, and linking from an initiative's page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep
from service.i18n import gettext as _
from service.irritants import links, service
from service.irritants.payloads import IrritantFilter
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect, safe_next
from service.pages.render import render
from service.pages.views import irritants as view

router = APIRouter()


@router.get("/irritants", summary="Irritants")
async def irritants_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    filters: Annotated[IrritantFilter, Query()],
    cursor: str | None = None,
) -> HTMLResponse:
    """What hurts employees, most votes first, with a vote button on each."""
    data = await view.list_page(session, actor, filters, cursor)
    return render(request, "irritants/list.html", {"d": data})


@router.get("/irritants/new", summary="Raise an irritant")
async def new_irritant(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The short form: a title, the department, one line."""
    context = await view.new_form(session, actor, FormState())
    return render(request, "irritants/new.html", context)


@router.post("/irritants/new", summary="Raise an irritant")
async def raise_irritant(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Raise it (your vote counts); the form again with its errors when refused."""
    state = FormState()
    raised = await view.raise_from_form(session, actor, form, state)
    if raised is None:
        context = await view.new_form(session, actor, state)
        return render(request, "irritants/new.html", context, status_code=422)
    flash = Flash(_("Thank you: your irritant is raised, and your vote counts."))
    return redirect(request, f"/irritants/{raised.id}", flash)


@router.get("/irritants/{irritant_id}", summary="Irritant")
async def irritant_page(
    request: Request, session: SessionDep, actor: PageActor, irritant_id: int
) -> HTMLResponse:
    """One irritant: its votes, the initiatives addressing it, close or reopen."""
    data = await view.irritant_page(session, actor, irritant_id)
    return render(request, "irritants/detail.html", {"d": data})


@router.post("/irritants/{irritant_id}/vote", summary="Vote for an irritant")
async def vote(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, irritant_id: int
) -> Response:
    """Add (or, with `undo`, take back) your vote; back to where the button was."""
    if form.get("undo"):
        await service.unvote(session, actor, irritant_id)
        message = _("Your vote is taken back.")
    else:
        await service.vote(session, actor, irritant_id)
        message = _("Your vote counts.")
    back = safe_next(form.get("next"), f"/irritants/{irritant_id}")
    return redirect(request, back, Flash(message))


@router.post("/irritants/{irritant_id}/status", summary="Close or reopen an irritant")
async def change_status(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, irritant_id: int
) -> Response:
    """Close or reopen with a reason (its department's head or the CDO office)."""
    state = await view.change_status(session, actor, irritant_id, form)
    if state.failed:
        data = await view.irritant_page(session, actor, irritant_id, state)
        return render(request, "irritants/detail.html", {"d": data}, status_code=422)
    done = _("Irritant closed.") if form.get("status") == "closed" else _("Irritant reopened.")
    return redirect(request, f"/irritants/{irritant_id}", Flash(done))


@router.post("/initiatives/{initiative_id}/irritants", summary="Link an irritant")
async def link_irritant(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Record that the initiative addresses the chosen irritant (or, with `unlink`, not)."""
    back = f"/initiatives/{initiative_id}#irritants"
    chosen = form.get("irritant_id", "")
    if not chosen.isdigit():
        return redirect(request, back, Flash(_("Choose an irritant to link."), "error"))
    if form.get("unlink"):
        await links.unlink(session, actor, initiative_id, int(chosen))
        return redirect(request, back, Flash(_("Irritant unlinked.")))
    await links.link(session, actor, initiative_id, int(chosen))
    return redirect(request, back, Flash(_("Irritant linked: this initiative addresses it.")))
