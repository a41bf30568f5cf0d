"""Page authentication: the session cookie as an Actor (a redirect to /login without one),
and the posted form after its CSRF check."""

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from service.actor import Actor
from service.auth import authenticate, policy, sessions
from service.auth.policy import Permission
from service.decisions import queue
from service.deps import SessionDep, credential_cache, request_id
from service.errors import Forbidden, Unauthorized
from service.i18n import gettext as _


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in form."""

    def __init__(self, next_url: str | None, reason: str | None = None) -> None:
        super().__init__(reason or _("Sign in to continue."))
        self.next_url = next_url
        self.reason = reason

    def location(self) -> str:
        """Where the browser goes: the sign-in form, then back to `next_url`."""
        return "/login" if not self.next_url else f"/login?next={quote(self.next_url, safe='/')}"


def _here(request: Request) -> str | None:
    if request.method != "GET":
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


async def page_actor(request: Request, session: SessionDep) -> Actor:
    """The account signed in with the session cookie; LoginRequired when there is none."""
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if not cookie:
        raise LoginRequired(_here(request))
    try:
        actor = await authenticate.actor_from_cookie(
            session,
            cookie,
            request.app.state.settings,
            request_id=request_id(request),
            cache=credential_cache(request),
        )
    except Unauthorized as exc:
        raise LoginRequired(_here(request), exc.detail) from exc
    request.state.actor = actor
    policy.require(actor, Permission.use_pages)
    if policy.allowed(actor, Permission.decide):
        # The menu's "Decisions (n)": one cheap count, only for those who decide.
        request.state.pending_decisions = await queue.count_pending_decisions(session)
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


async def page_form(request: Request) -> dict[str, str]:
    """The posted form's text fields, once its CSRF token matches the session's."""
    form = await request.form()
    values = {name: value for name, value in form.items() if isinstance(value, str)}
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    token = values.pop(sessions.CSRF_FIELD, None)
    if not sessions.verify_csrf(cookie, token, request.app.state.settings.secret_key):
        raise Forbidden(
            _(
                "This form has expired or did not come from this site."
                " Reload the page and try again."
            ),
            code="csrf_failed",
        )
    return values


PageForm = Annotated[dict[str, str], Depends(page_form)]
