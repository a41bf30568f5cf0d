"""/graphql: compiled reads first, Strawberry for everything else.

A GET or POST query whose root fields compile is answered from its cached plan with
PostgreSQL's JSON text; anything the plan cannot answer exactly as the resolvers would
(invalid documents, limits, bad arguments, mutations, batches) runs through Strawberry
unchanged. Automatic persisted queries (`extensions.persistedQuery`, Apollo's protocol)
work on both paths.
"""

from functools import partial
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from graphql import GraphQLSchema
from strawberry.types.graphql import OperationType

from service.graphql.compiled import params, persisted
from service.graphql.compiled.planner import Planner
from service.graphql.compiled.run import Unanswerable, answer, session_row
from service.graphql.context import Context
from service.graphql.documents import limits_of
from service.graphql.ide import GraphiQLRouter
from service.observability import metrics


class CompiledRouter(GraphiQLRouter):
    """Strawberry's router with compiled reads and persisted queries in front."""

    def __init__(self, *args: Any, planner: Planner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.planner = planner

    @property
    def graphql_schema(self) -> GraphQLSchema:
        return self.planner.schema

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        """Answer compiled when possible, else as Strawberry does.

        The request's session ends after this: statements that cancelled resolvers left
        running are waited for first.
        """
        try:
            return await self._run(request, context, root_value)
        finally:
            if isinstance(context, Context):
                await context.settle()

    async def _run(self, request: Any, context: Any, root_value: Any) -> Any:
        found = await _params(request)
        if found is None:
            return await super().run(request, context=context, root_value=root_value)
        try:
            query = self.planner.queries.resolve(found, limits_of(context).max_bytes)
        except persisted.PersistedQueryError as error:
            return JSONResponse(error.body())
        operation_name, variables = found.get("operationName"), found.get("variables")
        body = None
        if isinstance(query, str) and isinstance(variables, dict | None):
            body = await self._compiled(query, operation_name, variables, context)
        if body is not None:
            return Response(body, media_type="application/json")
        if "query" in found or not isinstance(query, str):
            return await super().run(request, context=context, root_value=root_value)
        return await self._resolved(request, query, operation_name, variables, context)

    async def _compiled(
        self, query: str, operation_name: Any, variables: dict[str, Any] | None, context: Any
    ) -> str | None:
        """The compiled answer, or None when the resolvers must answer."""
        if not isinstance(operation_name, str | None):
            return None
        ready = await self.planner.ready(query, operation_name, variables or {}, limits_of(context))
        if ready is None:
            return None
        try:
            bound = ready.bind(self.graphql_schema, variables)
        except Unanswerable:
            return None

        async def rest(document: str, raw: dict[str, Any]) -> dict[str, Any]:
            result = await self.schema.execute(
                document, variable_values=raw, context_value=context, operation_name=operation_name
            )
            return dict(await self.process_result(context.request, result))

        plan = ready.plan
        if plan.rest is None:  # Strawberry counts the operations it runs
            metrics.graphql_operation(plan.name, "query")
        fetch = partial(session_row, context.session)
        return await answer(plan, bound, fetch, rest, variables)

    async def _resolved(
        self, request: Request, query: str, operation_name: Any, variables: Any, context: Any
    ) -> Response:
        """A persisted query the plan cannot answer, run by Strawberry."""
        kinds = {OperationType.QUERY} if request.method == "GET" else None  # as Strawberry
        result = await self.schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=kinds,
        )
        return JSONResponse(await self.process_result(request, result))


async def _params(request: Any) -> dict[str, Any] | None:
    """The request's GraphQL parameters when it is a plain GET or JSON POST, else None."""
    if not isinstance(request, Request):
        return None
    if request.method == "GET":
        return params.from_query(request.query_params)
    if request.method != "POST" or not params.is_json(request.headers.get("content-type", "")):
        return None
    return params.from_body(await request.body())
