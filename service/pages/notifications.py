"""The signed-in account's email preferences: check-in reminders and the weekly digest."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.reminders import preferences
from service.reminders.payloads import NotificationPreferenceUpdate

router = APIRouter()


@router.get("/notifications", summary="Email preferences")
async def notifications_form(
    request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    """Which emails this account receives."""
    chosen = await preferences.get_preferences(session, actor)
    state = FormState(values={"reminders": chosen.reminders, "digest": chosen.digest})
    return render(request, "notifications/preferences.html", {"form": state})


@router.post("/notifications", summary="Save email preferences")
async def save_notifications(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Save both choices (an unticked box is an opt-out)."""
    data = NotificationPreferenceUpdate(reminders="reminders" in form, digest="digest" in form)
    await preferences.update_preferences(session, actor, data)
    return redirect(request, "/notifications", Flash(_("Email preferences saved.")))
