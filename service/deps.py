"""Dependencies declared once, as Annotated aliases."""

import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from service.actor import Actor, Role
from service.auth import authenticate, secret, sessions
from service.auth.credential_cache import CredentialCache
from service.db import session_scope
from service.errors import Forbidden, PreconditionRequired, Unauthorized
from service.i18n import gettext as _
from service.request_id import new_or_given


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed before the response leaves."""
    async for session in session_scope(request.app.state.sessionmaker):
        yield session


# scope="function": the commit runs before the response is sent, so a failing commit
# answers an error instead of a 200.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


class PageParams(BaseModel):
    """Keyset page: how many rows, and the opaque cursor from the previous page."""

    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page (1..1000).")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]

# Declared as security schemes so the OpenAPI (and /docs) show how to authenticate.
bearer_scheme = HTTPBearer(
    auto_error=False, description="An API token: `cdo-portfolio create-token EMAIL`."
)
cookie_scheme = APIKeyCookie(
    name=sessions.SESSION_COOKIE, auto_error=False, description="The pages' session cookie."
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_id(request: Request) -> str:
    """The request id (set by RequestIdMiddleware, or taken from the header here)."""
    existing = getattr(request.state, "request_id", None)
    if existing is None:
        existing = new_or_given(request.headers.get("x-request-id"))
        request.state.request_id = existing
    return str(existing)


def credential_cache(request: Request) -> CredentialCache | None:
    """The process's credential cache (None when the app runs without its lifespan)."""
    return getattr(request.app.state, "credential_cache", None)


async def installation_key(request: Request, session: SessionDep) -> None:
    """Load the installation's secret key (it signs CSRF tokens and page messages) once per
    application; the lifespan does it when serving, this covers an app used without one."""
    await secret.load_into(request.app.state, session)


# On every router whose answers sign or check a CSRF token: the pages and sign-in.
InstallationKeyDep = Depends(installation_key)


async def current_actor(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Actor:
    """The signed-in account: an `Authorization: Bearer` token, or the session cookie."""
    rid = request_id(request)
    cache = credential_cache(request)
    if bearer is not None:
        request.state.auth_method = "token"
        return await authenticate.actor_from_token(
            session, bearer.credentials, request_id=rid, cache=cache
        )
    if request.headers.get("authorization"):
        raise Unauthorized(_("Use `Authorization: Bearer <token>`."), code="invalid_token")
    if cookie:
        request.state.auth_method = "session"
        await installation_key(request, session)  # for the CSRF check
        settings = request.app.state.settings
        return await authenticate.actor_from_cookie(
            session, cookie, settings, request_id=rid, cache=cache
        )
    raise Unauthorized(_("Sign in, or send `Authorization: Bearer <token>`."))


ActorDep = Annotated[Actor, Depends(current_actor)]


async def own_actor(request: Request, actor: ActorDep) -> Actor:
    """The actor of an API request on its own account (any role): a cookie-authenticated
    write must carry the page's CSRF token in `X-CSRF-Token`."""
    if request.method in SAFE_METHODS:
        return actor
    if getattr(request.state, "auth_method", None) == "session":
        cookie = request.cookies.get(sessions.SESSION_COOKIE)
        key = request.app.state.settings.secret_key
        token = request.headers.get(sessions.CSRF_HEADER)
        if not sessions.verify_csrf(cookie, token, key):
            raise Forbidden(_("The CSRF token is missing or wrong."), code="csrf_failed")
    return actor


async def api_actor(request: Request, actor: ActorDep) -> Actor:
    """The actor of an API request: bi_reader accounts read only, and writes are checked as
    `own_actor` checks them."""
    if request.method not in SAFE_METHODS and actor.role is Role.bi_reader:
        raise Forbidden(
            _("%(actor)s (bi_reader) reads only.") % {"actor": actor.label}, code="forbidden"
        )
    return await own_actor(request, actor)


# Applied to the whole /api/v1 router: authentication is on by default.
ApiActorDep = Depends(api_actor)
# Applied to the routes an account uses on itself, whatever its role.
OwnActorDep = Depends(own_actor)

_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')


async def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The `ETag` of the version you read, e.g. `"3"`.',
        ),
    ] = None,
) -> int:
    """The version an update was made from: 428 without `If-Match`; -1 (never current, so a
    412) when it names no version this API issued."""
    if value is None or not value.strip():
        raise PreconditionRequired(
            _('Send If-Match with the ETag of the version you read (e.g. If-Match: "3").'),
            code="precondition_required",
            field="If-Match",
        )
    if value.strip() == "*":
        raise PreconditionRequired(
            _('If-Match must name the version you read; "*" is not accepted.'),
            code="precondition_required",
            field="If-Match",
        )
    match = _ETAG.match(value)
    return int(match.group(1)) if match else -1


IfMatchDep = Annotated[int, Depends(if_match)]


def set_etag(response: Response, version: int) -> None:
    """Answer with the ETag of `version` (send it back in If-Match to change the resource)."""
    response.headers["ETag"] = f'"{version}"'
