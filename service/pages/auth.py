"""Sign in and sign out.

The sign-in form has no session yet, so its CSRF token is tied to a random nonce kept
in a short-lived cookie (double submit); the session cookie names a session row, which
signing out deletes.
"""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service import first_run
from service.auth import accounts, cookies, login, proxies, sessions
from service.auth.oidc import config as sso_login
from service.deps import SessionDep
from service.errors import Forbidden, TooManyRequests
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect, safe_next
from service.pages.render import render

router = APIRouter()

LOGIN_NONCE = "cdo_login"
LOGIN_NONCE_MAX_AGE = 3600


def _form(
    request: Request,
    state: FormState,
    next_url: str,
    *,
    status_code: int = 200,
    first_account_hint: bool = False,
) -> HTMLResponse:
    nonce = request.cookies.get(LOGIN_NONCE) or secrets.token_urlsafe(24)
    key = request.app.state.settings.secret_key
    context = {"form": state, "next": next_url, "login_csrf": sessions.csrf_token(nonce, key)}
    context |= sso_login.login_page_context(request.app.state.settings)
    if first_account_hint:  # no CDO office account yet: auth/_first_run.html
        context |= first_run.page_hint(request.app.state.settings.password_login_enabled)
    response = render(request, "auth/login.html", context, status_code=status_code)
    response.set_cookie(
        LOGIN_NONCE, nonce, max_age=LOGIN_NONCE_MAX_AGE, httponly=True, samesite="strict"
    )
    return response


@router.get("/login", summary="Sign-in form")
async def login_form(
    request: Request, session: SessionDep, next: str | None = None
) -> HTMLResponse:
    """The sign-in form; after signing in the browser goes back to `next`."""
    hint = await first_run.needs_first_account(session)
    return _form(request, FormState(), safe_next(next), first_account_hint=hint)


async def _check(request: Request, session: SessionDep, state: FormState) -> int | None:
    """The account id the posted credentials sign in as; None with the error in `state`."""
    form = await request.form()
    email, password = str(form.get("email", "")).strip(), str(form.get("password", ""))
    state.values = {"email": email}
    key = request.app.state.settings.secret_key
    token = str(form.get(sessions.CSRF_FIELD, ""))
    if not sessions.verify_csrf(request.cookies.get(LOGIN_NONCE), token, key):
        state.error = _("The sign-in form expired. Please sign in again.")
        return None
    if not email or not password:
        state.errors = {"email": _("Enter your email.")} if not email else {}
        state.errors |= {} if password else {"password": _("Enter your password.")}
        return None
    address = proxies.client_address(request)
    account = await login.login(session, email, password, address=address)
    if account is None:  # the failed attempt is recorded: the transaction must commit
        state.error = _("Wrong email or password.")
        return None
    return accounts.account_id(account)


async def _signed_in(
    request: Request, session: SessionDep, account_id: int, next_url: str
) -> Response:
    """Start a session, set its cookie and go on to `next_url`."""
    response = redirect(request, next_url)
    settings = request.app.state.settings
    cookie = await sessions.start_session(session, account_id, settings)
    cookies.set_session_cookie(response, request, cookie)
    response.delete_cookie(LOGIN_NONCE, httponly=True, samesite="strict")
    return response


@router.post("/login", summary="Sign in")
async def sign_in(request: Request, session: SessionDep) -> Response:
    """Check the credentials, set the session cookie, go on (repeated failures: a pause)."""
    state, next_url = FormState(), safe_next(str((await request.form()).get("next", "")))
    try:
        sso_login.require_password_login(request.app.state.settings)
        account_id = await _check(request, session, state)
    except Forbidden as exc:  # passwords turned off: single sign-on only
        state.error = exc.detail
        return _form(request, state, next_url, status_code=403)
    except TooManyRequests as exc:
        state.error = exc.detail
        paused = _form(request, state, next_url, status_code=429)
        paused.headers.update(exc.headers)
        return paused
    if account_id is None:
        return _form(request, state, next_url, status_code=422)
    return await _signed_in(request, session, account_id, next_url)


@router.post("/logout", summary="Sign out")
async def sign_out(request: Request, session: SessionDep, form: PageForm) -> Response:
    """End this session and go back to the sign-in form."""
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if cookie:
        await sessions.end_session(session, cookie)
    response = redirect(request, "/login", Flash(_("You are signed out.")))
    cookies.clear_session_cookie(response)
    return response


@router.post("/logout/everywhere", summary="Sign out everywhere")
async def sign_out_everywhere(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """End every session of the signed-in account, this one included."""
    await sessions.sign_out_everywhere(session, actor)
    response = redirect(request, "/login", Flash(_("You are signed out on every browser.")))
    cookies.clear_session_cookie(response)
    return response
