"""The process's plans and persisted documents, shared by /graphql's two ways in.

`Planner.ready` is what both the Strawberry router (which makes a plan on a miss) and the
compiled lane (which only answers from plans already made) ask for. An operation without
variables is bound once, when its plan is made: its statement and parameters are the same
for every request.
"""

import json
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema

from service.graphql.bounds import DocumentLimits
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
from service.graphql.compiled.run import Bound, Unanswerable, bind, coerce
from service.graphql.documents import CACHED_BYTES, off_loop

NO_PLAN = object()  # cached: this document has nothing to compile


@dataclass(frozen=True)
class Ready:
    """A plan, and its statement and parameters when the operation has no variables."""

    plan: Plan
    bound: Bound | None

    def bind(self, schema: GraphQLSchema, variables: dict[str, Any] | None) -> Bound:
        """The statement and parameters of one request (Unanswerable: the resolvers')."""
        if self.bound is not None:
            return self.bound
        return bind(self.plan, coerce(schema, self.plan, variables))


class Planner:
    """Plans by (document hash, operation name, @skip/@include values), and the
    documents of automatic persisted queries."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.plans: Lru[tuple[Any, ...], Any] = Lru(PLANS)
        self.queries = persisted.Store()

    def cached(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> Ready | None:
        """The ready plan already made for this request, else None (not made, or nothing
        to compile)."""
        found = self._found(document_hash(query), operation_name, variables)
        return found if isinstance(found, Ready) else None

    async def ready(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        limits: DocumentLimits,
    ) -> Ready | None:
        """The ready plan of this request, made (off the event loop) on a miss; None when
        the resolvers must answer."""
        digest = document_hash(query)
        found = self._found(digest, operation_name, variables)
        if found is not None:
            return found if isinstance(found, Ready) else None
        made = await off_loop(self._make, query, operation_name, variables, limits)
        if made is None:
            if len(query) <= CACHED_BYTES:
                self.plans.put((digest, operation_name), NO_PLAN)
            return None
        names, ready = made
        if len(query) <= CACHED_BYTES:  # as the parser's cache: larger trees are not kept
            self.plans.put((digest, operation_name), names)
            switches = tuple(_hashable(variables.get(name)) for name in names)
            self.plans.put((digest, operation_name, switches), ready or NO_PLAN)
        return ready

    def _found(self, digest: str, operation_name: str | None, variables: dict[str, Any]) -> Any:
        """What is cached for this request: a Ready plan, NO_PLAN, or None (not made)."""
        found = self.plans.get((digest, operation_name))
        if not isinstance(found, tuple):  # NO_PLAN for the whole document, or not made
            return found
        switches = tuple(_hashable(variables.get(name)) for name in found)  # @skip/@include
        return self.plans.get((digest, operation_name, switches))

    def _make(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        limits: DocumentLimits,
    ) -> tuple[tuple[str, ...], Ready | None] | None:
        document = parse_checked(query, limits, self.schema)
        if document is None:
            return None
        operation = operation_of(document, operation_name)
        if operation is None:
            return None
        names = directive_variables(document)
        switches = {name: variables.get(name) for name in names}
        plan = make_plan(self.schema, query, document, operation, switches)
        if plan is None:
            return names, None
        if operation.variable_definitions:
            return names, Ready(plan, None)
        try:
            return names, Ready(plan, bind(plan, coerce(self.schema, plan, {})))
        except Unanswerable:  # the same for every request: the resolvers answer it
            return names, None


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, default=str)
