"""Per-request batch loaders: every key asked for in one turn becomes one SQL statement."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import Select

from service.graphql.connections import (
    PageKey,
    after_id,
    any_of,
    make_connection,
    page_size,
    per_key,
)
from service.pagination import encode_cursor

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Fetch = Callable[[list[K]], Awaitable[Mapping[K, V]]]


class Loader(Generic[K, V]):
    """Collects keys while resolvers run, then fetches them all in one batch.

    `load` answers from the cache without awaiting when the value is known, so fields
    whose values were fetched ahead resolve synchronously. Keys the batch did not
    return take `default`.
    """

    def __init__(self, fetch: Fetch[K, V], default: Callable[[], V]) -> None:
        self._fetch = fetch
        self._default = default
        self._values: dict[K, V] = {}
        self._waiting: dict[K, asyncio.Future[V]] = {}
        self._queued: list[K] = []
        self._dispatcher: asyncio.Task[None] | None = None

    def load(self, key: K) -> V | Awaitable[V]:
        """The value of `key`, or an awaitable of it fetched with the rest of its batch."""
        if key in self._values:
            return self._values[key]
        future = self._waiting.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._waiting[key] = future
            self._queued.append(key)
            if self._dispatcher is None:
                self._dispatcher = asyncio.create_task(self._dispatch())
        return future

    def put(self, key: K, value: V) -> None:
        """Remember a value fetched by another statement (e.g. a join)."""
        self._values.setdefault(key, value)

    async def prime(self, keys: Iterable[K]) -> list[V]:
        """Fetch the unknown `keys` now, in one statement; return the values of all keys."""
        wanted = list(dict.fromkeys(keys))
        missing = [key for key in wanted if key not in self._values]
        if missing:
            found = await self._fetch(missing)
            for key in missing:
                self._values[key] = found.get(key, self._default())
        return [self._values[key] for key in wanted]

    async def _dispatch(self) -> None:
        # Sibling resolvers ask in the same loop turns: wait until a turn adds no key.
        seen = -1
        while seen != len(self._queued):
            seen = len(self._queued)
            await asyncio.sleep(0)
        keys, self._queued, self._dispatcher = self._queued, [], None
        try:
            found = await self._fetch(keys)
        except Exception as exc:
            for key in keys:
                future = self._waiting.pop(key)
                if not future.done():
                    future.set_exception(exc)
            return
        for key in keys:
            value = found.get(key, self._default())
            self._values[key] = value
            future = self._waiting.pop(key)
            if not future.done():
                future.set_result(value)


def one(rows: Iterable[Any], key: Callable[[Any], Hashable]) -> dict[Any, Any]:
    """Index rows by `key` (one row per key)."""
    return {key(row): row for row in rows}


def many(rows: Iterable[Any], key: Callable[[Any], Hashable]) -> dict[Any, list[Any]]:
    """Group rows by `key`, keeping their order."""
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def then(value: Any, func: Callable[[Any], Any]) -> Any:
    """`func(value)`, awaiting `value` first only when it is still being fetched."""
    if isinstance(value, Awaitable):

        async def finish() -> Any:
            return func(await value)

        return finish()
    return func(value)


class Pages:
    """Nested keyset pages of many parents: `pages` and `counts` batch them per turn."""

    pages: Loader[PageKey, list[Any]]
    counts: Loader[tuple[int, tuple[Any, ...]], int]

    def page(
        self,
        parent: int,
        first: int | None,
        after: str | None,
        *,
        descending: bool = False,
        filters: tuple[Any, ...] = (),
    ) -> Any:
        """The connection of `parent`'s rows (an awaitable until its batch is fetched)."""
        size, after_key = page_size(first), after_id(after)
        key = PageKey(parent, size, after_key, descending, filters)

        def count() -> Any:
            return self.counts.load((parent, filters))

        return then(
            self.pages.load(key), lambda found: make_connection(found, size, after_key, count)
        )


class ChildPages(Pages):
    """Nested keyset pages of many parents in one statement (a window per parent)."""

    def __init__(
        self,
        rows: Callable[[Any], Awaitable[Sequence[Any]]],
        base: Select[Any],
        parent: Any,
        order: Any,
        convert: Callable[[Any], Any],
        filters: Callable[[Select[Any], tuple[Any, ...]], Select[Any]] = lambda stmt, _: stmt,
    ) -> None:
        self._rows = rows
        self._base = base
        self._parent = parent
        self._order = order
        self._convert = convert
        self._filters = filters
        self.pages = Loader(self._fetch_pages, list)
        self.counts = Loader(self._fetch_counts, int)

    async def _fetch_pages(self, keys: list[PageKey]) -> dict[PageKey, list[Any]]:
        found: dict[PageKey, list[Any]] = {}
        for (first, after, descending, filters), group in many(keys, PageKey.group).items():
            stmt = self._filters(self._base, filters)
            if after is not None:
                stmt = stmt.where(self._order < after if descending else self._order > after)
            order = self._order.desc() if descending else self._order
            parents = [key.parent for key in group]
            rows = await self._rows(
                per_key(
                    stmt,
                    self._parent,
                    parents,
                    [order],
                    first + 1,
                    sort=self._order.name,
                    descending=descending,
                )
            )
            by_parent = many(rows, lambda row: row.parent_key_)
            for key in group:
                found[key] = [self._convert(row) for row in by_parent.get(key.parent, ())]
        return found

    async def _fetch_counts(
        self, keys: list[tuple[int, tuple[Any, ...]]]
    ) -> dict[tuple[int, tuple[Any, ...]], int]:
        found: dict[tuple[int, tuple[Any, ...]], int] = {}
        for filters, group in many(keys, lambda key: key[1]).items():
            stmt = sa.select(self._parent.label("parent_key_"), sa.func.count().label("n"))
            stmt = self._filters(stmt, filters).where(any_of(self._parent, [k[0] for k in group]))
            rows = await self._rows(stmt.group_by(self._parent))
            counts = {row.parent_key_: row.n for row in rows}
            for key in group:
                found[key] = counts.get(key[0], 0)
        return found


PageFetch = Callable[[list[int], int, str | None], Awaitable[Mapping[int, Sequence[Any]]]]
CountFetch = Callable[[list[int]], Awaitable[Mapping[int, int]]]


class ServicePages(Pages):
    """Nested keyset pages read through a service's batched functions (ascending id only).

    `fetch(parents, limit, cursor)` returns up to `limit + 1` rows per parent and
    `count(parents)` the number of rows of each, one statement for all the parents.
    """

    def __init__(self, fetch: PageFetch, count: CountFetch, convert: Callable[[Any], Any]) -> None:
        self._fetch = fetch
        self._count = count
        self._convert = convert
        self.pages = Loader(self._fetch_pages, list)
        self.counts = Loader(self._fetch_counts, int)

    async def _fetch_pages(self, keys: list[PageKey]) -> dict[PageKey, list[Any]]:
        found: dict[PageKey, list[Any]] = {}
        for (first, after, _, _), group in many(keys, PageKey.group).items():
            cursor = None if after is None else encode_cursor(after)
            rows = await self._fetch([key.parent for key in group], first, cursor)
            for key in group:
                found[key] = [self._convert(row) for row in rows.get(key.parent, ())]
        return found

    async def _fetch_counts(
        self, keys: list[tuple[int, tuple[Any, ...]]]
    ) -> dict[tuple[int, tuple[Any, ...]], int]:
        counts = await self._count(list(dict.fromkeys(parent for parent, _ in keys)))
        return {key: counts.get(key[0], 0) for key in keys}
