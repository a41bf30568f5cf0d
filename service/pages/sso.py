"""Single sign-on pages: the button's target and the provider's callback.

A refusal (wrong state or nonce, a used code, an unmapped group, a disabled account, the
provider down) is a page saying why, with the way back to the sign-in form.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.auth import accounts, cookies, sessions
from service.auth.oidc import attempt, flow
from service.deps import SessionDep
from service.errors import DomainError
from service.pages.forms import safe_next
from service.pages.render import render

router = APIRouter()

ATTEMPT_PATH = "/auth/oidc"


def _redirect_url(request: Request) -> str:
    configured = request.app.state.settings.oidc_redirect_url
    return configured or str(request.url_for("oidc_callback"))


def _refused(request: Request, exc: DomainError) -> HTMLResponse:
    context = {"status": exc.status, "title": exc.title, "detail": exc.detail, "code": exc.code}
    response = render(request, "auth/sso_refused.html", context, status_code=exc.status)
    response.delete_cookie(attempt.ATTEMPT_COOKIE, path=ATTEMPT_PATH, httponly=True)
    return response


@router.get("/auth/oidc/login", summary="Sign in with the identity provider")
async def oidc_login(request: Request, next: str | None = None) -> Response:
    """Send the browser to the provider's sign-in, with a fresh state, nonce and PKCE."""
    settings = request.app.state.settings
    try:
        url, sealed = await flow.begin(settings, safe_next(next), _redirect_url(request))
    except DomainError as exc:
        return _refused(request, exc)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        attempt.ATTEMPT_COOKIE,
        sealed,
        max_age=attempt.ATTEMPT_TTL,
        path=ATTEMPT_PATH,
        httponly=True,
        samesite="lax",  # the provider sends the browser back with a top-level GET
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/auth/oidc/callback", name="oidc_callback", summary="Single sign-on callback")
async def oidc_callback(request: Request, session: SessionDep) -> Response:
    """Check the provider's answer, sign the account in and go on where the person was."""
    settings, query = request.app.state.settings, request.query_params
    answer = flow.Answer(
        **{name: query.get(name) for name in ("state", "code", "error", "error_description")}
    )
    cookie = request.cookies.get(attempt.ATTEMPT_COOKIE)
    try:
        account, next_url = await flow.complete(
            session, settings, cookie, answer, _redirect_url(request)
        )
    except DomainError as exc:
        return _refused(request, exc)
    session_cookie = await sessions.start_session(session, accounts.account_id(account), settings)
    response = RedirectResponse(next_url, status_code=303)
    cookies.set_session_cookie(response, request, session_cookie)
    response.delete_cookie(attempt.ATTEMPT_COOKIE, path=ATTEMPT_PATH, httponly=True)
    return response
