"""Typed domain errors raised by services and rendered once per surface."""

from typing import Any

from service.i18n import N_
from service.i18n import gettext as _


class DomainError(Exception):
    """An expected failure with a stable `code`, an HTTP `status` and a readable `detail`.

    The `detail` is written in the request's language where the error is raised; the
    `title` is marked here and translated where it is rendered.
    """

    code = "error"
    status = 400
    title = N_("Request refused")
    headers: dict[str, str] = {}

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.field = field
        self.extra = extra or {}


class NotFound(DomainError):
    code = "not_found"
    status = 404
    title = N_("Not found")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = N_("Conflict")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = N_("Status change refused")


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    title = N_("Invalid input")


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    title = N_("Authentication required")
    headers = {"WWW-Authenticate": 'Bearer realm="cdo-portfolio"'}


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
    title = N_("Too many requests")

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code, extra={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    title = N_("Forbidden")


class PreconditionFailed(DomainError):
    code = "stale_version"
    status = 412
    title = N_("Precondition failed")


class PreconditionRequired(DomainError):
    code = "precondition_required"
    status = 428
    title = N_("Precondition required")


# "<Entity> <id> does not exist." as one sentence per entity, so each reads right in French.
MISSING = {
    "Account": N_("Account %(id)s does not exist."),
    "ApiToken": N_("ApiToken %(id)s does not exist."),
    "ChangeRequest": N_("ChangeRequest %(id)s does not exist."),
    "Department": N_("Department %(id)s does not exist."),
    "Initiative": N_("Initiative %(id)s does not exist."),
    "Irritant": N_("Irritant %(id)s does not exist."),
    "Kpi": N_("Kpi %(id)s does not exist."),
    "Person": N_("Person %(id)s does not exist."),
    "PortfolioSetting": N_("PortfolioSetting %(id)s does not exist."),
    "Scenario": N_("Scenario %(id)s does not exist."),
    "WebhookEndpoint": N_("WebhookEndpoint %(id)s does not exist."),
}


def missing(entity: str, key: object) -> str:
    """The sentence "Initiative 7 does not exist.", in the request's language."""
    if entity in MISSING:
        return _(MISSING[entity]) % {"id": key}
    return _("%(entity)s %(id)s does not exist.") % {"entity": entity, "id": key}


def not_found(entity: str, key: object) -> NotFound:
    """A NotFound naming the entity and the key that matched nothing."""
    return NotFound(missing(entity, key), code=f"{entity.lower()}_not_found")
