"""RFC 9457 problem+json rendering of every error the REST surface can meet."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from service.errors import Conflict, DomainError, PreconditionFailed, ValidationFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.idempotency import IdempotentReplay
from service.validation_words import sentence

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable `code` and the offending `field`."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None
    current_version: int | None = None
    retry_after: int | None = None
    limit: int | None = None
    checks: list[dict[str, str]] | None = None  # approval_checks_failed: {code, message}


def _documented(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        "model": Problem,
        "description": description,
        "content": {PROBLEM_JSON: {"schema": schema}},
    }


# Documented on every API route, so clients (and schema checkers) know every error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed request"),
    401: _documented("Not authenticated: no, expired or revoked credentials"),
    403: _documented("The account's role does not allow this"),
    404: _documented("Not found"),
    409: _documented("Conflict: duplicate, refused transition, cycle, resource in use"),
    412: _documented("Stale If-Match version"),
    413: _documented("Request body over the size limit (MAX_BODY_BYTES)"),
    422: _documented("Invalid input"),
    428: _documented("If-Match required"),
    429: _documented("Too many attempts"),
    503: _documented("Database unavailable"),
}

# Routes outside /api/v1 that require credentials (GraphQL).
AUTHENTICATION_RESPONSES: dict[int | str, dict[str, Any]] = {401: PROBLEM_RESPONSES[401]}


def problem(
    status: int, code: str, title: str, detail: str, instance: str, **extra: Any
) -> JSONResponse:
    """A problem+json response with a stable `code`."""
    body = {
        "type": f"about:blank#{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    extra: dict[str, Any] = dict(exc.extra)
    if exc.field:
        extra["field"] = exc.field
    title = _(exc.title)
    response = problem(exc.status, exc.code, title, exc.detail, request.url.path, **extra)
    response.headers.update(exc.headers)
    return response


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _location(tuple(err.get("loc", ()))), "message": sentence(err, raw=True)}
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "message": _("The request is not valid.")}
    detail = first["message"]
    return problem(
        422,
        "validation_error",
        _(ValidationFailed.title),
        detail,
        request.url.path,
        field=first["field"],
        errors=errors,
    )


# Starlette's own phrases for the failures it answers itself (an unknown route, a method
# the route lacks, ...): said in the request's language.
HTTP_PHRASES = frozenset(
    {
        N_("Bad Request"),
        N_("Unauthorized"),
        N_("Forbidden"),
        N_("Not Found"),
        N_("Method Not Allowed"),
        N_("Not Acceptable"),
        N_("Request Entity Too Large"),
        N_("Content Too Large"),
        N_("Unsupported Media Type"),
        N_("Too Many Requests"),
        N_("Service Unavailable"),
    }
)

# SQLSTATE classes the database raises for constraint and value violations.
_UNIQUE, _FOREIGN_KEY, _CHECK, _NOT_NULL = "23505", "23503", "23514", "23502"
_RESTRICT = "23001"
# Data exceptions about text: too long for its column, not valid in the encoding.
_TOO_LONG, _BAD_BYTES, _UNTRANSLATABLE = "22001", "22021", "22P05"


def _text_error(exc: DBAPIError, sqlstate: str, message: str) -> DomainError | None:
    """Text the database (or its driver) cannot store: 422, never an outage."""
    said = {"reason": message}  # the database's own words (its server's language)
    if sqlstate == _TOO_LONG:
        return ValidationFailed(_("A text is too long: %(reason)s") % said, code="too_long")
    unstorable = _("A text cannot be stored: %(reason)s") % said
    if sqlstate in (_BAD_BYTES, _UNTRANSLATABLE):
        return ValidationFailed(unstorable, code="invalid_text")
    if isinstance(exc, DataError) and not sqlstate:
        # Refused by the driver before sending, e.g. a NUL character.
        return ValidationFailed(unstorable, code="invalid_text")
    return None


def database_error(exc: DBAPIError) -> DomainError | None:
    """Translate a constraint or value violation into the domain error it means."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    message = (getattr(diag, "message_primary", None) or str(orig)).split("\n")[0]
    text_error = _text_error(exc, sqlstate, message)
    if text_error is not None:
        return text_error
    if sqlstate == _UNIQUE:
        return Conflict(
            _("A row with the same value already exists (%(constraint)s).")
            % {"constraint": constraint},
            code="duplicate",
            field=constraint,
        )
    if sqlstate in (_FOREIGN_KEY, _RESTRICT):
        detail = getattr(diag, "message_detail", None) or message
        if sqlstate == _RESTRICT or "still referenced" in detail:
            in_use = _("Still in use: %(reason)s") % {"reason": detail}
            return Conflict(in_use, code="in_use", field=constraint)
        unknown = _("Unknown reference: %(reason)s") % {"reason": detail}
        return ValidationFailed(unknown, code="unknown_reference", field=constraint)
    if sqlstate in (_CHECK, _NOT_NULL) or sqlstate.startswith("22"):
        if constraint == "ck_person_no_manager_cycle":
            return Conflict(message, code="cycle", field="manager_id")
        if constraint == "ck_kpi_driver_no_cycle":
            return Conflict(message, code="kpi_driver_cycle", field="driver_kpi_id")
        return ValidationFailed(message, code="constraint_violation", field=constraint or None)
    if sqlstate in ("40001", "40P01"):
        return Conflict(
            _("A concurrent change got in the way; retry the request."), code="concurrent_update"
        )
    return None


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(request, exc)

    @app.exception_handler(IdempotentReplay)
    async def _replay(request: Request, exc: IdempotentReplay) -> JSONResponse:
        return exc.response()

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # A concurrent transaction changed or deleted the row between our read and write.
        stale = PreconditionFailed(
            _("The resource changed while this request was writing it; read it again and retry."),
            code="stale_version",
        )
        return domain_problem(request, stale)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        translated = database_error(exc)
        if translated is None:
            log.exception("database error", exc_info=exc)
            return problem(
                503,
                "database_unavailable",
                _("Database error"),
                _("The database could not complete the request."),
                request.url.path,
            )
        return domain_problem(request, translated)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.status_code, "http_error"
        )
        said = _(str(exc.detail)) if str(exc.detail) in HTTP_PHRASES else str(exc.detail)
        response = problem(exc.status_code, code, said, said, request.url.path)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(
            500,
            "internal_error",
            _("Internal error"),
            _("Something went wrong on our side; it has been logged."),
            request.url.path,
        )
