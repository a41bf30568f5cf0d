"""Compile a connection: a keyset page of rows with the connection fields asked for."""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLField, SelectionSetNode, get_named_type

from service.graphql.compiled import sql
from service.graphql.compiled.arguments import bind_page
from service.graphql.compiled.fields import ENTITIES, Page

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
    page: Page | None = None

    @property
    def filters(self) -> str:
        """The placeholder of the root page's filter conditions (put in at request time)."""
        return f"/*filters {self.prefix}*/true"

    def bind_arguments(self, args: Any, after: int | None, params: dict[str, Any]) -> None:
        """Bind the page's own arguments beyond `first`/`after` (order, ranges)."""
        if self.page is not None:
            bind_page(self.prefix, self.page.ordered, self.page.ranges, args, after, params)


class Connections(ABC):
    """The connection part of the compiler (`Compiler` gives the object walk)."""

    aliases: int
    pages: list[PageParams]

    @abstractmethod
    def collect(self, type_name: str, selection_sets: Iterable[SelectionSetNode | None]) -> Groups:
        """The selected fields by response key (the compiler's walk)."""

    @abstractmethod
    def object(self, type_name: str, row: str, nodes: list[FieldNode]) -> str:
        """The JSON object of `row` for the selection `nodes` (the compiler's walk)."""

    def alias(self) -> str:
        self.aliases += 1
        return f"t{self.aliases}"

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
        filters' conditions use; a nested page takes only its own arguments (order and
        ranges), and an ordered one walks `-id` when descending.
        """
        allowed = PAGE_ARGUMENTS | page.arguments
        for node in nodes:
            if root is None and any(arg.name.value not in allowed for arg in node.arguments or ()):
                raise NotCompilable("filters")
        prefix = f"p{len(self.pages)}_{self.aliases}"
        params = PageParams(prefix, definition, nodes[0], root, page if root is None else None)
        self.pages.append(params)
        size, after, has_after = (f"%({prefix}_{n})s" for n in ("size", "after", "has_after"))
        size = f"CAST({size} AS integer)"
        entity = ENTITIES[page.target]
        row = self.alias()
        if root is None:
            source, inner = f"{entity.table} {row}", row
            condition = _where(page, prefix, parent, row)
        else:
            source, inner, condition = entity.table, entity.table, params.filters
        key = f"{inner}.id"
        if page.ordered:
            key = f"CASE WHEN CAST(%({prefix}_desc)s AS boolean) THEN -{key} ELSE {key} END"
        rows = (
            f"(SELECT {inner}.*, {key} AS k_, row_number() OVER (ORDER BY {key}) AS n_"
            f" FROM {source}"
            f" WHERE {condition} AND {key} > CAST({after} AS bigint)"
            f" ORDER BY {key} LIMIT {size} + 1) {row}"
        )
        in_page = f"{row}.n_ <= {size}"
        connection_type = get_named_type(definition.type)
        pairs = []
        for name_key, group in self.collect(
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
                value = self._count(entity.table, page, parent, params)
            else:
                raise NotCompilable(name)
            pairs.append(f"{sql.string(name_key)}, {value}")
        # GROUP BY (): one row even for an empty page, whatever is selected.
        return f"(SELECT {build(pairs)} FROM {rows} GROUP BY ())"

    def _count(self, table: str, page: Page, parent: str | None, params: PageParams) -> str:
        if params.root is not None:
            return f"(SELECT count(*) FROM {table} WHERE {params.filters})"
        counted = self.alias()
        where = _where(page, params.prefix, parent, counted)
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
        return build(pairs)

    def _page_info(
        self, row: str, in_page: str, size: str, has_after: str, nodes: list[FieldNode]
    ) -> str:
        # The page's first and last rows by its order (`k_` is `-id` on a descending page).
        first, last = (f"abs({f}({row}.k_) FILTER (WHERE {in_page}))" for f in ("min", "max"))
        values = {
            "__typename": "to_json('PageInfo'::text)",
            "hasNextPage": f"(count(*) > {size})",
            "hasPreviousPage": f"CAST({has_after} AS boolean)",
            "startCursor": sql.cursor(first),
            "endCursor": sql.cursor(last),
        }
        pairs = [
            f"{sql.string(key)}, {values[group[0].name.value]}"
            for key, group in self.collect("PageInfo", [n.selection_set for n in nodes]).items()
        ]
        return build(pairs)


def _where(page: Page, prefix: str, parent: str | None, row: str) -> str:
    """A nested page's rows below `parent`, within its range arguments."""
    conditions = [page.where.format(t=parent, o=row)] if page.where else ["true"]
    for name, template, kind in page.ranges:
        value = f"CAST(%({prefix}_r_{name})s AS {kind})"
        conditions.append(f"({value} IS NULL OR {template.format(o=row, v=value)})")
    return " AND ".join(conditions)


def _aggregate(item: str, row: str, in_page: str) -> str:
    return f"COALESCE(json_agg({item} ORDER BY {row}.k_) FILTER (WHERE {in_page}), '[]'::json)"


def build(pairs: list[str]) -> str:
    """json_build_object of key/value pairs (SQL text)."""
    if len(pairs) > MAX_PAIRS:
        raise NotCompilable("too many fields in one object")
    return f"json_build_object({', '.join(pairs)})"
