"""Compile a root field's selection into one SQL expression building its JSON.

The walk follows GraphQL's field collection (aliases, fragments, inline fragments,
@skip/@include, merged fields) over the types of `fields.ENTITIES`; anything else
raises `NotCompilable` and the root field is left to the resolvers. A root connection's
filter arguments leave a placeholder in its WHERE that `run.bind` fills per request; the
root lookups (`lookups`) and nested pages' own arguments are bind parameters.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)

from service.graphql.compiled import lookups, sql
from service.graphql.compiled.connection import (
    Connections,
    Groups,
    NotCompilable,
    PageParams,
    build,
)
from service.graphql.compiled.fields import ENTITIES, ROOT_PAGES, Leaf, Many, One, Page
from service.graphql.compiled.lookups import Lookup

__all__ = ["Compiled", "Compiler", "NotCompilable", "PageParams", "included"]


@dataclass
class Compiled:
    """A root field's SQL expression (a json value) and the connections to bind.

    A field whose value is known when compiling (the root's `__typename`) carries it as
    JSON text in `constant` and costs no SQL.
    """

    expression: str
    pages: list[PageParams] = field(default_factory=list)
    constant: str | None = None
    lookups: list[Lookup] = field(default_factory=list)


def included(node: Any, variables: Mapping[str, Any]) -> bool:
    """False when @skip(if: true) or @include(if: false) drops the selection."""
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        value = directive.arguments[0].value
        if isinstance(value, VariableNode):
            condition = bool(variables.get(value.name.value))
        else:
            condition = isinstance(value, BooleanValueNode) and value.value
        if condition == (name == "skip"):
            return False
    return True


class Compiler(Connections):
    """Compiles the root fields of one operation, given the directives' variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.aliases = 0
        self.pages: list[PageParams] = []

    def collect(self, type_name: str, selection_sets: Iterable[SelectionSetNode | None]) -> Groups:
        """The fields selected on `type_name`, grouped by response key, in order."""
        groups: Groups = {}
        for selection_set in selection_sets:
            if selection_set is not None:
                self._collect(type_name, selection_set, groups, set())
        return groups

    def _collect(
        self, type_name: str, selection_set: SelectionSetNode, groups: Groups, seen: set[str]
    ) -> None:
        for selection in selection_set.selections:
            if not included(selection, self.variables):
                continue
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                groups.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, type_name):
                    self._collect(type_name, selection.selection_set, groups, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in seen or fragment is None:
                    continue
                seen.add(name)
                if self._applies(fragment.type_condition, type_name):
                    self._collect(type_name, fragment.selection_set, groups, seen)

    def _applies(self, condition: Any, type_name: str) -> bool:
        if condition is None or condition.name.value == type_name:
            return True
        abstract = self.schema.get_type(condition.name.value)
        concrete = self.schema.get_type(type_name)
        if abstract is None or not isinstance(concrete, GraphQLObjectType):
            return False
        return self.schema.is_sub_type(abstract, concrete)  # type: ignore[arg-type]

    def root(self, nodes: list[FieldNode]) -> Compiled:
        """The JSON expression of one root field (its merged nodes)."""
        self.pages = []
        name = nodes[0].name.value
        if name == "__typename":
            return Compiled("to_json('Query'::text)", constant='"Query"')
        query = self.schema.query_type
        if query is not None and name in lookups.ROOTS:
            expression, lookup = lookups.compile_root(self, query.fields[name], nodes)
            return Compiled(expression, self.pages, lookups=[lookup])
        page = ROOT_PAGES.get(name)
        if page is None or query is None:
            raise NotCompilable(name)
        expression = self.connection(page, query.fields[name], nodes, None, root=name)
        return Compiled(expression, self.pages)

    def object(self, type_name: str, row: str, nodes: list[FieldNode]) -> str:
        """json_build_object of the fields `nodes` select on a row `row` of `type_name`."""
        entity = ENTITIES.get(type_name)
        if entity is None:
            raise NotCompilable(type_name)
        parent = self.schema.get_type(type_name)
        assert isinstance(parent, GraphQLObjectType)
        pairs = []
        for key, group in self.collect(type_name, [n.selection_set for n in nodes]).items():
            name = group[0].name.value
            if name == "__typename":
                value = f"to_json({sql.string(type_name)}::text)"
            elif name == "id" and entity.node:
                value = sql.global_id(type_name, f"{row}.id")
            else:
                value = self._field(entity.fields.get(name), parent.fields[name], row, group)
            pairs.append(f"{sql.string(key)}, {value}")
        return build(pairs)

    def _field(self, spec: Any, definition: GraphQLField, row: str, group: list[FieldNode]) -> str:
        if isinstance(spec, Leaf):
            return sql.leaf(spec.sql.format(t=row), spec.kind)
        if isinstance(spec, One):
            own = self.alias()
            value = self.object(spec.target, own, group)
            return f"(SELECT {value} FROM {spec.source.format(t=row, o=own)})"
        if isinstance(spec, Many):
            own = self.alias()
            value = self.object(spec.target, own, group)
            order = spec.order.format(o=own)
            source = spec.source.format(t=row, o=own)
            return (
                f"(SELECT COALESCE(json_agg({value} ORDER BY {order}), '[]'::json) FROM {source})"
            )
        if isinstance(spec, Page):
            return self.connection(spec, definition, group, row)
        raise NotCompilable(group[0].name.value)
