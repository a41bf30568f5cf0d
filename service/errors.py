"""Typed domain errors raised by services and rendered once per surface."""

from typing import Any


class DomainError(Exception):
    """An expected failure with a stable `code`, an HTTP `status` and a readable `detail`."""

    code = "error"
    status = 400
    title = "Request refused"
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
    title = "Not found"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = "Status change refused"


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    title = "Invalid input"


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    title = "Authentication required"
    headers = {"WWW-Authenticate": 'Bearer realm="cdo-portfolio"'}


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code, extra={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    title = "Forbidden"


class PreconditionFailed(DomainError):
    code = "stale_version"
    status = 412
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    code = "precondition_required"
    status = 428
    title = "Precondition required"


def not_found(entity: str, key: object) -> NotFound:
    """A NotFound naming the entity and the key that matched nothing."""
    return NotFound(f"{entity} {key} does not exist.", code=f"{entity.lower()}_not_found")
