"""The portfolio settings (the band and the staleness limit), for the CDO office."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.pages.views import admin as view
from service.portfolio import service as portfolio

router = APIRouter()


@router.get("/settings", summary="Portfolio settings")
async def settings_form(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The target band and the staleness limit."""
    policy.require(actor, Permission.manage_portfolio)
    setting = await portfolio.get_settings(session)
    state = FormState(values=view.settings_values(setting))
    return render(request, "settings/form.html", {"form": state, "setting": setting})


@router.post("/settings", summary="Save the portfolio settings")
async def save_settings(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Save the settings, or show the form again with its errors."""
    state = FormState()
    if not await view.save_settings(session, actor, form, state):
        setting = await portfolio.get_settings(session)
        context = {"form": state, "setting": setting}
        return render(request, "settings/form.html", context, status_code=422)
    return redirect(request, "/settings", Flash(_("Settings saved.")))
