"""Compile a root field's selection into one SQL expression building its JSON.

The walk follows GraphQL's field collection (aliases, fragments, inline fragments,
@skip/@include, merged fields) over the types of `fields.ENTITIES`; anything else
raises `NotCompilable` and the root field is left to the resolvers. A root connection's
filter arguments leave a placeholder in its WHERE that `run.bind` fills per request.
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
    get_named_type,
)

from service.graphql.compiled import sql
from service.graphql.compiled.fields import (
    ENTITIES,
    ROOT_PAGES,
    Leaf,
    Many,
    One,
    Page,
)

MAX_PAIRS = 50  # json_build_object takes at most 100 arguments
PAGE_ARGUMENTS = frozenset({"first", "after"})
Groups = dict[str, list[FieldNode]]


class NotCompilable(Exception):
    """The selection reads something that is not a column, relation or page."""


@dataclass(frozen=True)
class PageParams:
    """The bind parameters of one connection, and where its arguments are read."""

    prefix: str
    definition: GraphQLField
    node: FieldNode
    root: str | None = None  # a root connection: its filter arguments go in `filters`

    @property
    def filters(self) -> str:
        """The placeholder of the root page's filter conditions (put in at request time)."""
        return f"/*filters {self.prefix}*/true"


@dataclass
class Compiled:
    """A root field's SQL expression (a json value) and the connections to bind.

    A field whose value is known when compiling (the root's `__typename`) carries it as
    JSON text in `constant` and costs no SQL.
    """

    expression: str
    pages: list[PageParams] = field(default_factory=list)
    constant: str | None = None


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


class Compiler:
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
        page = ROOT_PAGES.get(name)
        query = self.schema.query_type
        if page is None or query is None:
            raise NotCompilable(name)
        expression = self.connection(page, query.fields[name], nodes, None, root=name)
        return Compiled(expression, self.pages)

    def _alias(self) -> str:
        self.aliases += 1
        return f"t{self.aliases}"

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
        return _build(pairs)

    def _field(self, spec: Any, definition: GraphQLField, row: str, group: list[FieldNode]) -> str:
        if isinstance(spec, Leaf):
            return sql.leaf(spec.sql.format(t=row), spec.kind)
        if isinstance(spec, One):
            own = self._alias()
            value = self.object(spec.target, own, group)
            return f"(SELECT {value} FROM {spec.source.format(t=row, o=own)})"
        if isinstance(spec, Many):
            own = self._alias()
            value = self.object(spec.target, own, group)
            order = spec.order.format(o=own)
            source = spec.source.format(t=row, o=own)
            return (
                f"(SELECT COALESCE(json_agg({value} ORDER BY {order}), '[]'::json) FROM {source})"
            )
        if isinstance(spec, Page):
            return self.connection(spec, definition, group, row)
        raise NotCompilable(group[0].name.value)

    def connection(
        self,
        page: Page,
        definition: GraphQLField,
        nodes: list[FieldNode],
        parent: str | None,
        root: str | None = None,
    ) -> str:
        """A keyset page of `page.target` rows with the connection fields asked for.

        A root page reads its table under the table's own name, the name the listing
        filters' conditions use; a nested page takes no filter arguments.
        """
        for node in nodes:
            if root is None and any(
                arg.name.value not in PAGE_ARGUMENTS for arg in node.arguments or ()
            ):
                raise NotCompilable("filters")
        prefix = f"p{len(self.pages)}_{self.aliases}"
        params = PageParams(prefix, definition, nodes[0], root)
        self.pages.append(params)
        size, after, has_after = (f"%({prefix}_{n})s" for n in ("size", "after", "has_after"))
        size = f"CAST({size} AS integer)"
        entity = ENTITIES[page.target]
        row = self._alias()
        if root is None:
            source, inner = f"{entity.table} {row}", row
            condition = page.where.format(t=parent, o=row) if page.where else "true"
        else:
            source, inner, condition = entity.table, entity.table, params.filters
        rows = (
            f"(SELECT {inner}.*, row_number() OVER (ORDER BY {inner}.id) AS n_"
            f" FROM {source}"
            f" WHERE {condition} AND {inner}.id > CAST({after} AS bigint)"
            f" ORDER BY {inner}.id LIMIT {size} + 1) {row}"
        )
        in_page = f"{row}.n_ <= {size}"
        connection_type = get_named_type(definition.type)
        pairs = []
        for key, group in self.collect(
            connection_type.name, [n.selection_set for n in nodes]
        ).items():
            name = group[0].name.value
            if name == "__typename":
                value = f"to_json({sql.string(connection_type.name)}::text)"
            elif name == "nodes":
                item = self.object(page.target, row, group)
                value = _aggregate(item, row, in_page)
            elif name == "edges":
                item = self._edge(connection_type, page.target, row, group)
                value = _aggregate(item, row, in_page)
            elif name == "pageInfo":
                value = self._page_info(row, in_page, size, has_after, group)
            elif name == "totalCount":
                value = self._count(entity.table, page, parent, root, params)
            else:
                raise NotCompilable(name)
            pairs.append(f"{sql.string(key)}, {value}")
        # GROUP BY (): one row even for an empty page, whatever is selected.
        return f"(SELECT {_build(pairs)} FROM {rows} GROUP BY ())"

    def _count(
        self, table: str, page: Page, parent: str | None, root: str | None, params: PageParams
    ) -> str:
        if root is not None:
            return f"(SELECT count(*) FROM {table} WHERE {params.filters})"
        counted = self._alias()
        where = page.where.format(t=parent, o=counted) if page.where else "true"
        return f"(SELECT count(*) FROM {table} {counted} WHERE {where})"

    def _edge(self, connection: Any, target: str, row: str, nodes: list[FieldNode]) -> str:
        edge_type = get_named_type(connection.fields["edges"].type)
        pairs = []
        for key, group in self.collect(edge_type.name, [n.selection_set for n in nodes]).items():
            name = group[0].name.value
            if name == "__typename":
                value = f"to_json({sql.string(edge_type.name)}::text)"
            elif name == "cursor":
                value = sql.cursor(f"{row}.id")
            else:
                value = self.object(target, row, group)
            pairs.append(f"{sql.string(key)}, {value}")
        return _build(pairs)

    def _page_info(
        self, row: str, in_page: str, size: str, has_after: str, nodes: list[FieldNode]
    ) -> str:
        values = {
            "__typename": "to_json('PageInfo'::text)",
            "hasNextPage": f"(count(*) > {size})",
            "hasPreviousPage": f"CAST({has_after} AS boolean)",
            "startCursor": sql.cursor(f"min({row}.id) FILTER (WHERE {in_page})"),
            "endCursor": sql.cursor(f"max({row}.id) FILTER (WHERE {in_page})"),
        }
        pairs = [
            f"{sql.string(key)}, {values[group[0].name.value]}"
            for key, group in self.collect("PageInfo", [n.selection_set for n in nodes]).items()
        ]
        return _build(pairs)


def _aggregate(item: str, row: str, in_page: str) -> str:
    return f"COALESCE(json_agg({item} ORDER BY {row}.id) FILTER (WHERE {in_page}), '[]'::json)"


def _build(pairs: list[str]) -> str:
    if len(pairs) > MAX_PAIRS:
        raise NotCompilable("too many fields in one object")
    return f"json_build_object({', '.join(pairs)})"
