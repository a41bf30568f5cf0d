"""/graphql: compiled reads first, Strawberry for everything else.

A GET or POST query whose root fields compile is answered from its cached plan with
PostgreSQL's JSON text; anything the plan cannot answer exactly as the resolvers would
(invalid documents, limits, bad arguments, mutations, batches) runs through Strawberry
unchanged. Automatic persisted queries (`extensions.persistedQuery`, Apollo's protocol)
work on both paths.
"""

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from graphql import GraphQLSchema
from strawberry.types.graphql import OperationType

from service.graphql.compiled import persisted
from service.graphql.compiled.plans import (
    PLANS,
    Lru,
    Plan,
    directive_variables,
    document_hash,
    make_plan,
    operation_of,
    parse_checked,
)
from service.graphql.compiled.run import Unanswerable, answer, bind, coerce
from service.graphql.compiled.sdl import core_schema
from service.graphql.context import Context
from service.graphql.documents import CACHED_BYTES, limits_of, off_loop
from service.graphql.ide import GraphiQLRouter
from service.observability import metrics

NO_PLAN = object()  # cached: this document has nothing to compile


class CompiledRouter(GraphiQLRouter):
    """Strawberry's router with compiled reads and persisted queries in front."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans: Lru[tuple[Any, ...], Any] = Lru(PLANS)
        self.queries = persisted.Store()

    @property
    def graphql_schema(self) -> GraphQLSchema:
        return core_schema(self.schema)

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
        params = await _params(request)
        if params is None:
            return await super().run(request, context=context, root_value=root_value)
        try:
            query = self.queries.resolve(params, limits_of(context).max_bytes)
        except persisted.PersistedQueryError as error:
            return JSONResponse(error.body())
        operation_name, variables = params.get("operationName"), params.get("variables")
        body = None
        if isinstance(query, str) and isinstance(variables, dict | None):
            body = await self._compiled(query, operation_name, variables, context)
        if body is not None:
            return Response(body, media_type="application/json")
        if "query" in params or not isinstance(query, str):
            return await super().run(request, context=context, root_value=root_value)
        return await self._resolved(request, query, operation_name, variables, context)

    async def _compiled(
        self, query: str, operation_name: Any, variables: dict[str, Any] | None, context: Any
    ) -> str | None:
        """The compiled answer, or None when the resolvers must answer."""
        if not isinstance(operation_name, str | None):
            return None
        plan = await self._plan(query, operation_name, variables or {}, context)
        if plan is None:
            return None
        schema = self.graphql_schema
        try:
            bound = bind(plan, coerce(schema, plan, variables))
        except Unanswerable:
            return None

        async def rest(document: str, raw: dict[str, Any]) -> dict[str, Any]:
            result = await self.schema.execute(
                document, variable_values=raw, context_value=context, operation_name=operation_name
            )
            return dict(await self.process_result(context.request, result))

        if plan.rest is None:  # Strawberry counts the operations it runs
            metrics.graphql_operation(plan.name, "query")
        return await answer(plan, bound, context.session, rest, variables)

    async def _plan(
        self, query: str, operation_name: str | None, variables: dict[str, Any], context: Any
    ) -> Plan | None:
        digest = document_hash(query)
        found = self.plans.get((digest, operation_name))
        if found is NO_PLAN:
            return None
        switches: tuple[Any, ...] = ()
        if isinstance(found, tuple):  # the directives' variable names
            switches = tuple(_hashable(variables.get(name)) for name in found)
            plan = self.plans.get((digest, operation_name, switches))
            if plan is not None:
                return plan if plan is not NO_PLAN else None
        limits = limits_of(context)
        made = await off_loop(self._make, query, operation_name, variables, limits)
        if made is None:
            if len(query) <= CACHED_BYTES:
                self.plans.put((digest, operation_name), NO_PLAN)
            return None
        names, plan = made
        if len(query) <= CACHED_BYTES:  # as the parser's cache: larger trees are not kept
            self.plans.put((digest, operation_name), names)
            switches = tuple(_hashable(variables.get(name)) for name in names)
            self.plans.put((digest, operation_name, switches), plan or NO_PLAN)
        return plan

    def _make(
        self, query: str, operation_name: str | None, variables: dict[str, Any], limits: Any
    ) -> tuple[tuple[str, ...], Plan | None] | None:
        schema = self.graphql_schema
        document = parse_checked(query, limits, schema)
        if document is None:
            return None
        operation = operation_of(document, operation_name)
        if operation is None:
            return None
        names = directive_variables(document)
        switches = {name: variables.get(name) for name in names}
        return names, make_plan(schema, query, document, operation, switches)

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


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, default=str)


async def _params(request: Any) -> dict[str, Any] | None:
    """The request's GraphQL parameters when it is a plain GET or JSON POST, else None."""
    if not isinstance(request, Request):
        return None
    if request.method == "GET":
        if "query" not in request.query_params and "extensions" not in request.query_params:
            return None
        params: dict[str, Any] = dict(request.query_params)
        try:
            for name in ("variables", "extensions"):
                if name in params:
                    params[name] = json.loads(params[name])
        except ValueError:
            return None
        return params
    if request.method != "POST":
        return None
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
