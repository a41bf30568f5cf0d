"""The GraphQL schema and its HTTP router (GraphiQL included)."""

import gc
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionContext

from service.deps import ActorDep, SessionDep
from service.graphql.compiled.planner import Planner
from service.graphql.compiled.router import CompiledRouter
from service.graphql.context import Context
from service.graphql.documents import BoundedDocuments
from service.graphql.errors import DomainErrors, log_unexpected
from service.graphql.limits import QueryLimits
from service.graphql.mutations import Mutation
from service.graphql.queries import Query
from service.observability import metrics


class PortfolioSchema(strawberry.Schema):
    """Logs only the errors that are masked: expected ones are the client's business."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors)


class OperationMetrics(SchemaExtension):
    """Count each operation by name and type (query, mutation; invalid when unknown)."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except RuntimeError:  # unparsable, or the operation name is not in the document
            kind = "invalid"
        metrics.graphql_operation(context.operation_name, kind)


schema = PortfolioSchema(
    query=Query,
    mutation=Mutation,
    extensions=[OperationMetrics, BoundedDocuments, QueryLimits, DomainErrors],
)


async def get_context(session: SessionDep, actor: ActorDep) -> Context:
    """A fresh context (session, actor, loaders) for each request."""
    return Context(session, actor)


_frozen = False


def _freeze_startup_objects() -> None:
    """Keep the objects alive since startup out of every later garbage collection.

    A 1,000-row page allocates some 100,000 objects; each full collection it triggers
    would walk every module, class and schema object of the process again (a quarter
    of the request's CPU, measured). Frozen once per process, at application creation.
    """
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def make_router(planner: Planner) -> GraphQLRouter[Any, None]:
    """The /graphql endpoint: POST and GET queries, GraphiQL in a browser."""
    _freeze_startup_objects()
    return CompiledRouter(
        schema,
        planner=planner,
        context_getter=get_context,
        graphql_ide="graphiql",
        tags=["graphql"],
    )


def print_sdl() -> str:
    """The schema in SDL, as published in schema/portfolio.graphql."""
    return schema.as_str() + "\n"
