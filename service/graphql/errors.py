"""Expected failures explained with `extensions.code`; anything else masked and logged."""

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from service.errors import DomainError, PreconditionFailed
from service.i18n import N_
from service.i18n import gettext as _
from service.problems import database_error

log = logging.getLogger(__name__)

UNEXPECTED = N_("Unexpected error; it has been logged.")


def domain_error(error: GraphQLError) -> DomainError | None:
    """The domain error behind a GraphQL error, database violations included."""
    original = error.original_error
    if isinstance(original, DBAPIError):
        return database_error(original)
    if isinstance(original, StaleDataError):
        return PreconditionFailed(
            _("The row changed since it was read; read it again and retry."), code="stale_version"
        )
    return original if isinstance(original, DomainError) else None


def is_unexpected(error: GraphQLError) -> bool:
    """True for a failure the client cannot fix: a bug or an outage."""
    # Errors before execution (syntax, validation, variables, limits) have no path.
    return error.path is not None and domain_error(error) is None


def camel_case(path: str) -> str:
    """`items.0.measured_on` as GraphQL spells it: `items.0.measuredOn`."""
    return ".".join(_camel(part) for part in path.split("."))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def render(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it."""
    domain = domain_error(error)
    if domain is not None:
        extensions: dict[str, Any] = {"code": domain.code, "status": domain.status}
        if domain.field:
            extensions["field"] = camel_case(domain.field)
        extensions.update(domain.extra)
        return GraphQLError(
            domain.detail, nodes=error.nodes, path=error.path, extensions=extensions
        )
    if is_unexpected(error):
        return GraphQLError(
            _(UNEXPECTED), nodes=error.nodes, path=error.path, extensions={"code": "internal_error"}
        )
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": "invalid_query"}
    return error


class DomainErrors(SchemaExtension):
    """Render every error of the result; a failed mutation request rolls back as a whole."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        result = context.result
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        result.errors = [render(error) for error in errors]
        if context.graphql_document is not None and _is_mutation(context):
            # One transaction per request: nothing of it stays, so report nothing done.
            await context.context.session.rollback()
            result.data = None


def _is_mutation(context: Any) -> bool:
    try:
        return bool(context.operation_type == OperationType.MUTATION)
    except RuntimeError:
        return False


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Log the errors that will be masked, with their traceback."""
    for error in errors:
        if is_unexpected(error):
            log.error("GraphQL %s at %s", error.message, error.path, exc_info=error.original_error)
