"""Limits checked before execution: depth, aliases, page size and cost.

The document's size, tokens and fields are bounded earlier, before validation
(`service.graphql.bounds`).

Cost is GitHub's node count: every connection multiplies what is below it by its
`first` (100 when omitted), every plain list by an estimate, and the cost of a query
is the sum over its connections and lists of the product down their path.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from service.graphql.compiled.sdl import core_schema
from service.graphql.connections import DEFAULT_PAGE, MAX_PAGE
from service.i18n import gettext as _

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_COST = 100_000
LIST_ESTIMATE = 10  # rows assumed for a plain (non-paginated) list such as Initiative.kpis


class LimitExceeded(GraphQLError):
    """A query refused before execution, naming the limit it broke."""

    def __init__(self, message: str, code: str, **figures: Any) -> None:
        super().__init__(message, extensions={"code": code, **figures})


@dataclass
class Measure:
    """What one walk of an operation found."""

    depth: int = 0
    cost: int = 0
    errors: list[LimitExceeded] = field(default_factory=list)


class Walker:
    """Walks an operation's selections with their schema types."""

    def __init__(
        self, schema: Any, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.measure = Measure()

    def walk(
        self,
        selections: SelectionSetNode,
        parent: Any,
        depth: int,
        multiplier: int,
        seen: frozenset[str],
    ) -> None:
        for node in self._fields(selections, parent, seen):
            field_node, parent_type = node
            name = field_node.name.value
            if name.startswith("__"):
                continue  # introspection is free: BI tools and GraphiQL need it
            definition = parent_type.fields.get(name) if hasattr(parent_type, "fields") else None
            if definition is None:
                continue
            self.measure.depth = max(self.measure.depth, depth)
            factor = self._factor(field_node, definition, parent_type)
            below = multiplier * factor
            if factor > 1 or self._is_connection(definition):
                self.measure.cost += below
            if field_node.selection_set is not None:
                named = get_named_type(definition.type)
                self.walk(field_node.selection_set, named, depth + 1, below, seen)

    def _fields(
        self, selections: SelectionSetNode, parent: Any, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, Any]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                target = self._type(selection.type_condition, parent)
                yield from self._fields(selection.selection_set, target, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self._type(fragment.type_condition, parent)
                yield from self._fields(fragment.selection_set, target, seen | {name})

    def _type(self, condition: Any, parent: Any) -> Any:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent

    @staticmethod
    def _is_connection(definition: Any) -> bool:
        return get_named_type(definition.type).name.endswith("Connection")

    def _argument(self, field_node: FieldNode, name: str) -> Any:
        for argument in field_node.arguments or ():
            if argument.name.value == name:
                if isinstance(argument.value, VariableNode):
                    return self.variables.get(argument.value.name.value)
                return value_from_ast_untyped(argument.value, self.variables)
        return None

    def _factor(self, field_node: FieldNode, definition: Any, parent: Any) -> int:
        if parent.name.endswith("Connection") or parent.name.endswith("Edge"):
            return 1  # nodes and edges are the page `first` already counted
        if self._is_connection(definition):
            first = self._argument(field_node, "first")
            size = DEFAULT_PAGE if first is None else first
            if not isinstance(size, int) or size < 0 or size > MAX_PAGE:
                self.measure.errors.append(
                    LimitExceeded(
                        _("first on %(field)s must be between 0 and %(max)s (got %(n)s).")
                        % {"field": field_node.name.value, "max": MAX_PAGE, "n": size},
                        "page_size_exceeded",
                        limit=MAX_PAGE,
                        field=field_node.name.value,
                    )
                )
                return MAX_PAGE
            return max(size, 1)
        if field_node.name.value == "nodes" and definition.args.get("ids") is not None:
            ids = self._argument(field_node, "ids")
            return max(len(ids), 1) if isinstance(ids, list) else 1
        return LIST_ESTIMATE if _is_list(definition.type) and field_node.selection_set else 1


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def count_aliases(document: Any) -> int:
    """How many aliased fields the whole document has."""
    total = 0
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.alias is not None:
            total += 1
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return total


def check(
    schema: Any, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> list[LimitExceeded]:
    """Every limit the operation breaks (empty when it may run)."""
    aliases = count_aliases(document)
    if aliases > MAX_ALIASES:
        return [
            LimitExceeded(
                _("The query has %(n)s aliases; the limit is %(limit)s.")
                % {"n": aliases, "limit": MAX_ALIASES},
                "too_many_aliases",
                limit=MAX_ALIASES,
                aliases=aliases,
            )
        ]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name and op.name.value == operation_name)
    ]
    if not chosen:
        return []
    operation = chosen[0]
    root: GraphQLObjectType | None = schema.get_root_type(operation.operation)
    walker = Walker(schema, fragments, variables)
    walker.walk(operation.selection_set, root, 1, 1, frozenset())
    measure = walker.measure
    errors = list(measure.errors)
    if measure.depth > MAX_DEPTH:
        errors.append(
            LimitExceeded(
                _("The query is %(n)s levels deep; the limit is %(limit)s.")
                % {"n": measure.depth, "limit": MAX_DEPTH},
                "too_deep",
                limit=MAX_DEPTH,
                depth=measure.depth,
            )
        )
    if measure.cost > MAX_COST:
        errors.append(
            LimitExceeded(
                _(
                    "The query may return %(n)s nodes; the cost limit is %(limit)s (cost ="
                    " product of `first` down each connection path, summed)."
                )
                % {"n": measure.cost, "limit": MAX_COST},
                "too_costly",
                limit=MAX_COST,
                cost=measure.cost,
            )
        )
    return errors


class QueryLimits(SchemaExtension):
    """Refuse, before running anything, a query that breaks a limit."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        graphql_schema = core_schema(context.schema)
        errors = check(
            graphql_schema,
            context.graphql_document,
            context.operation_name,
            context.variables or {},
        )
        if errors:
            context.result = ExecutionResult(data=None, errors=list(errors))
        yield
