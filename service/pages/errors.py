"""Error pages for browsers: 404, 403, 409, 500... as HTML, never a stack trace.

The REST handlers of service/problems.py stay in charge of every other request: each
page-aware handler below answers page requests itself and hands the rest to the handler
it replaces.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from service import problems
from service.errors import DomainError, PreconditionFailed, Unauthorized
from service.i18n import N_
from service.i18n import gettext as _
from service.pages.deps import LoginRequired
from service.pages.render import render

log = logging.getLogger(__name__)

Handler = Callable[[Request, Any], Awaitable[Response] | Response]

REFUSED = N_("Request refused")
TITLES = {
    400: N_("This address is not valid"),
    403: N_("You cannot do this"),
    404: N_("Page not found"),
    405: N_("Not allowed here"),
    409: N_("This change was refused"),
    412: N_("Changed since you opened it"),
    422: N_("This request is not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The database is unavailable"),
}

NOT_PAGES = ("/api/", "/graphql", "/healthz", "/readyz", "/static/", "/docs", "/openapi")


def is_page_request(request: Request) -> bool:
    """A request for one of the pages, or a browser asking for a page that does not exist."""
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        return str(getattr(endpoint, "__module__", "")).startswith("service.pages")
    wants_html = "text/html" in request.headers.get("accept", "")
    return wants_html and not request.url.path.startswith(NOT_PAGES)


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """The error page: what happened, in words, and the way back."""
    title = _(TITLES.get(status, REFUSED))
    context = {"status": status, "title": title, "detail": detail}
    return render(request, "errors/error.html", context, status_code=status)


def _domain(request: Request, exc: DomainError) -> Response:
    if isinstance(exc, Unauthorized):
        return RedirectResponse(LoginRequired(None).location(), status_code=303)
    detail = exc.detail
    if isinstance(exc, PreconditionFailed):
        detail = _("Someone changed this while you were looking at it. Open it again and retry.")
    return error_page(request, exc.status, detail)


def _page_response(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        return RedirectResponse(exc.location(), status_code=303)
    if isinstance(exc, DomainError):
        return _domain(request, exc)
    if isinstance(exc, HTTPException):
        detail = _("There is nothing at this address.") if exc.status_code == 404 else exc.detail
        return error_page(request, exc.status_code, str(detail))
    if isinstance(exc, RequestValidationError):
        return error_page(request, 404, _("There is nothing at this address."))
    if isinstance(exc, StaleDataError):
        return error_page(request, 412, _("Someone changed this at the same moment. Retry."))
    if isinstance(exc, DBAPIError):
        translated = problems.database_error(exc)
        if translated is not None:
            return _domain(request, translated)
        log.exception("database error on a page", exc_info=exc)
        return error_page(request, 503, _("The database could not answer. Try again shortly."))
    log.exception("unexpected error on a page", exc_info=exc)
    return error_page(request, 500, _("The error has been logged. Try again, or go back."))


def _page_aware(original: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page_request(request) or isinstance(exc, LoginRequired):
            return _page_response(request, exc)
        if original is None:
            raise exc
        response = original(request, exc)
        return await response if isinstance(response, Awaitable) else response

    return handle


def install(app: FastAPI) -> None:
    """Answer page requests with error pages; leave the REST answers as they are."""
    classes: tuple[type[Exception], ...] = (
        DomainError,
        HTTPException,
        RequestValidationError,
        StaleDataError,
        DBAPIError,
        Exception,
        LoginRequired,
    )
    for exc_class in classes:
        original = app.exception_handlers.get(exc_class)
        app.add_exception_handler(exc_class, _page_aware(original))
