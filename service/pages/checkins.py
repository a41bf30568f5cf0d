"""The check-in form of an initiative."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.pages.views import checkins as view

router = APIRouter()


@router.get("/initiatives/{initiative_id}/checkins/new", summary="Check-in form")
async def checkin_form(
    request: Request, session: SessionDep, actor: PageActor, initiative_id: int
) -> HTMLResponse:
    """A new check-in, prefilled from the latest one."""
    data = await view.open_form(session, actor, initiative_id)
    context = {"d": data, "i": data.initiative, "form": data.form}
    return render(request, "checkins/form.html", context)


@router.post("/initiatives/{initiative_id}/checkins/new", summary="Post a check-in")
async def post_checkin(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Record the check-in and show it on the initiative page, or show the form's errors."""
    await view.open_form(session, actor, initiative_id)
    state = FormState()
    if not await view.submit(session, actor, initiative_id, form, state):
        data = await view.open_form(session, actor, initiative_id, state)
        context = {"d": data, "i": data.initiative, "form": state}
        return render(request, "checkins/form.html", context, status_code=422)
    flash = Flash(_("Check-in posted. Thank you!"))
    return redirect(request, f"/initiatives/{initiative_id}#checkins", flash)
