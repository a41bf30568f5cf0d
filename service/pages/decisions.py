"""The Decisions page (CDO office): proposals and change requests to decide, the impact of
approving a selection, and the decisions; a requester withdrawing a change request."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, redirect
from service.pages.render import render
from service.pages.views import decision_actions as actions
from service.pages.views import decisions as view
from service.pages.views.decision_impact import Selection

router = APIRouter()
KINDS = {"proposals": "proposal", "requests": "request"}


@router.get("/decisions", summary="Decisions")
async def decisions_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """Pending proposals and change requests with their checks; the selection's impact."""
    policy.require(actor, Permission.decide)
    query = request.query_params
    selection = Selection.of(query.getlist("proposal"), query.getlist("request"))
    data = await view.decisions_page(session, selection)
    return render(request, "decisions/index.html", {"d": data})


@router.post("/decisions/{kind}/{item_id}", summary="Approve or reject")
async def decide(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    form: PageForm,
    kind: Literal["proposals", "requests"],
    item_id: int,
) -> Response:
    """Decide a proposal or a change request; a refusal shows next to the item."""
    policy.require(actor, Permission.decide)
    item = await view.find_item(session, KINDS[kind], item_id)
    if item is None:
        return redirect(request, "/decisions", Flash(_("This decision was already taken."), "info"))
    message = await actions.decide(session, actor, item, form)
    if message is None:
        data = await view.decisions_page(session, Selection(), failed=item)
        return render(request, "decisions/index.html", {"d": data}, status_code=item.status_code)
    return redirect(request, "/decisions", Flash(message))


@router.post("/change-requests/{request_id}/withdraw", summary="Withdraw a change request")
async def withdraw(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, request_id: int
) -> Response:
    """Withdraw one's own pending change request; back to its initiative."""
    withdrawn = await actions.withdraw(session, actor, request_id)
    flash = Flash(_("Change request %(id)s withdrawn.") % {"id": request_id})
    return redirect(request, f"/initiatives/{withdrawn.initiative_id}", flash)
