"""Relay connections with keyset cursors on id: pages never skip or repeat a row."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.dialects.postgresql import ARRAY

from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.pagination import decode_cursor, encode_cursor

N = TypeVar("N")

DEFAULT_PAGE = 100
MAX_PAGE = 1000

FIRST = "Rows per page (default 100, at most 1000)."
AFTER = "`endCursor` of the previous page: continue after it."
UPDATED_SINCE = "Only rows created or changed at or after this instant (incremental refresh)."


def page_size(first: int | None) -> int:
    """`first`, defaulted and checked against the maximum page."""
    size = DEFAULT_PAGE if first is None else first
    if size < 0 or size > MAX_PAGE:
        raise ValidationFailed(
            _("first must be between 0 and %(max)s (got %(n)s).") % {"max": MAX_PAGE, "n": size},
            code="page_size_exceeded",
            field="first",
        )
    return size


def after_id(after: str | None) -> int | None:
    """The id a cursor points after."""
    try:
        return decode_cursor(after)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, code="invalid_cursor", field="after") from exc


def any_of(column: Any, values: Iterable[Any]) -> Any:
    """`column = ANY(:array)`: one bound array whatever the number of values."""
    return column == sa.any_(sa.literal(list(values), ARRAY(column.type)))


@strawberry.type(description="Where a page ends and whether more rows follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when a next page exists.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for after a cursor."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first row of the page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row: pass it as `after` to get the next page."
    )


@strawberry.type(description="One row of a page, with the cursor that points after it.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Opaque keyset cursor of this row.")
    node: N = strawberry.field(description="The row.")


@strawberry.type(description="A page of rows in id order, paginated with keyset cursors.")
class Connection(Generic[N]):
    nodes: list[N] = strawberry.field(description="The rows of the page, without cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more rows follow.")
    count_rows: strawberry.Private[Callable[[], Any]]

    @strawberry.field(description="The rows of the page, each with its cursor.")
    def edges(self) -> list[Edge[N]]:
        return [Edge(cursor=encode_cursor(node.database_id), node=node) for node in self.nodes]  # type: ignore[attr-defined]

    @strawberry.field(
        graphql_type=int,
        description="How many rows match the filters (one COUNT, run only when asked for).",
    )
    def total_count(self) -> Any:
        return self.count_rows()


def make_connection(
    fetched: Sequence[Any], size: int, after: int | None, count_rows: Callable[[], Any]
) -> Connection[Any]:
    """A connection from `size + 1` fetched nodes (the extra one tells whether more follow)."""
    nodes = list(fetched[:size])
    page_info = PageInfo(
        has_next_page=len(fetched) > size,
        has_previous_page=after is not None,
        start_cursor=encode_cursor(nodes[0].database_id) if nodes else None,
        end_cursor=encode_cursor(nodes[-1].database_id) if nodes else None,
    )
    return Connection(nodes=nodes, page_info=page_info, count_rows=count_rows)


@dataclass(frozen=True)
class PageKey:
    """One nested page: the parent, the page arguments and the filters."""

    parent: int
    first: int
    after: int | None
    descending: bool = False
    filters: tuple[Any, ...] = ()

    def group(self) -> tuple[Any, ...]:
        return (self.first, self.after, self.descending, self.filters)


async def root_page(
    rows: Callable[[Any], Any],
    scalar: Callable[[Any], Any],
    base: sa.Select[Any],
    id_column: Any,
    convert: Callable[[Any], Any],
    first: int | None,
    after: str | None,
) -> Connection[Any]:
    """One keyset page of `base` in id order; its COUNT runs only if `totalCount` is asked."""
    size, after_key = page_size(first), after_id(after)
    stmt = base if after_key is None else base.where(id_column > after_key)
    fetched = await rows(stmt.order_by(id_column).limit(size + 1))
    count = sa.select(sa.func.count()).select_from(base.subquery())
    return make_connection(
        [convert(row) for row in fetched], size, after_key, lambda: scalar(count)
    )


def per_key(
    base: sa.Select[Any],
    key_column: Any,
    keys: Iterable[Any],
    order_by: Sequence[Any],
    limit: int,
    *,
    sort: str | None = None,
    descending: bool = False,
) -> sa.Select[Any]:
    """At most `limit` rows of `base` per key, in `order_by` order, in one statement.

    A LATERAL subquery per key walks the key's index and stops after `limit` rows, so a
    KPI with years of measurements costs as little as one with a single value. Rows
    carry `parent_key_`, and come by key then by the lateral's column `sort`.
    """
    wanted = (
        sa.func.unnest(sa.literal(list(keys), ARRAY(key_column.type)))
        .table_valued("key")
        .render_derived(name="wanted")
    )
    picked = (
        base.where(key_column == wanted.c.key).order_by(*order_by).limit(limit).lateral("picked")
    )
    stmt = sa.select(wanted.c.key.label("parent_key_"), picked).join_from(wanted, picked, sa.true())
    if sort is None:
        return stmt
    then = picked.c[sort].desc() if descending else picked.c[sort]
    return stmt.order_by(wanted.c.key, then)
