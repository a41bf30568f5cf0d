"""graphql-core execution with a fast path for the synchronous subtrees of a page.

After the look-ahead prefetch, every field below a page's nodes resolves from memory.
graphql-core still runs its generic path for each of the ~25,000 fields of a 1,000-row
BI page: a resolve info, an argument check, the resolver, a chain of completion calls.
Here a field takes a short path when its resolver is one `fastpath.install` marked:

- a scalar or enum attribute: read it and coerce it;
- a relation whose resolver reads only `info.context`: call it, and if the value is
  already there, complete its object (or list of objects) by executing their fields
  the same way.

Anything else — arguments, abstract types, awaitables, a null where a value is
required — takes graphql-core's own path, decided before a sub-field runs, and errors
raised below are handled at the field exactly as graphql-core does, so the response is
the same, only cheaper.
"""

import inspect
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, Undefined
from graphql.pyutils import Path
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

SLOW = object()


class ContextOnlyInfo:
    """What a context-only resolver reads of its info."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


def _null_error(parent: GraphQLObjectType, field_details_list: Any) -> TypeError:
    name = field_details_list[0].node.name.value
    return TypeError(f"Cannot return null for non-nullable field {parent.name}.{name}.")


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with the short path above for marked fields."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if position_context is not None or self._has_middleware():
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        pending: list[str] = []
        try:
            for key, field_details_list in grouped_field_set.items():
                result = self._fast_field(parent_type, source_value, field_details_list, path, key)
                if result is SLOW:
                    field_path = Path(path, key, parent_type.name)
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, field_path, None
                    )
                    if result is Undefined:
                        continue
                results[key] = result
                if self.is_awaitable(result):
                    pending.append(key)
        except Exception:
            if pending:
                self.settle_in_background([results[key] for key in pending])
            raise
        if not pending:
            return results

        async def gather_results() -> dict[str, Any]:
            values = await gather_with_cancel(*(results[key] for key in pending))
            results.update(zip(pending, values, strict=True))
            return results

        return gather_results()

    def _has_middleware(self) -> bool:
        manager = self.middleware_manager
        return manager is not None and bool(getattr(manager, "middlewares", True))

    def _fast_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path | None,
        key: str,
    ) -> Any:
        node = field_details_list[0].node
        field_def = parent_type.fields.get(node.name.value)
        if field_def is None or node.arguments:
            return SLOW
        resolve = field_def.resolve
        leaf = getattr(resolve, "leaf", None)
        if leaf is not None:
            name, leaf_type, non_null = leaf
            value = getattr(source, name, None)
            if value is None:
                return SLOW if non_null else None
            try:
                coerced = leaf_type.coerce_output_value(value)
            except Exception:
                return SLOW
            return SLOW if coerced is None or coerced is Undefined else coerced
        if not getattr(resolve, "context_only", False):
            return SLOW
        try:
            value = resolve(source, self._context_info())
        except Exception:
            return SLOW  # graphql-core's path calls it again and reports the error
        if self.is_awaitable(value):
            if inspect.iscoroutine(value):
                value.close()  # graphql-core's path asks again; loaders share the fetch
            return SLOW
        if not self._completable(field_def.type, value):
            return SLOW
        field_path = Path(path, key, parent_type.name)
        try:
            completed = self._complete(
                parent_type, field_def.type, field_details_list, field_path, value
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, field_details_list, field_path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, field_def.type, field_details_list, field_path)
                return None

        return await_completed()

    def _context_info(self) -> ContextOnlyInfo:
        info = self.__dict__.get("_info")
        if info is None:
            info = self.__dict__["_info"] = ContextOnlyInfo(self.context_value)
        return info

    @staticmethod
    def _completable(type_: Any, value: Any) -> bool:
        """True when the value can be completed without graphql-core's path."""
        non_null = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if non_null else type_
        if value is None:
            return not non_null
        if isinstance(inner, GraphQLList):
            item = inner.of_type
            item_non_null = isinstance(item, GraphQLNonNull)
            item_type = item.of_type if item_non_null else item
            if not isinstance(item_type, GraphQLObjectType) or item_type.is_type_of:
                return False
            return isinstance(value, list) and not (item_non_null and None in value)
        return isinstance(inner, GraphQLObjectType) and not inner.is_type_of

    def _complete(
        self, parent: GraphQLObjectType, type_: Any, field_details_list: Any, path: Path, value: Any
    ) -> Any:
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if value is None:
            return None
        if not isinstance(inner, GraphQLList):
            return self._complete_object(inner, field_details_list, path, value)
        item = inner.of_type
        object_type = item.of_type if isinstance(item, GraphQLNonNull) else item
        completed = [
            None
            if element is None
            else self._complete_object(
                object_type, field_details_list, Path(path, index, None), element
            )
            for index, element in enumerate(value)
        ]
        positions = [index for index, element in enumerate(completed) if self.is_awaitable(element)]
        if not positions:
            return completed

        async def gather_items() -> list[Any]:
            values = await gather_with_cancel(*[completed[index] for index in positions])  # type: ignore[arg-type]
            for index, element in zip(positions, values, strict=True):
                completed[index] = element
            if isinstance(item, GraphQLNonNull) and None in completed:
                raise _null_error(parent, field_details_list)
            return completed

        return gather_items()

    def _complete_object(
        self, object_type: GraphQLObjectType, field_details_list: Any, path: Path, value: Any
    ) -> Any:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            return self.execute_collected_subfields(
                object_type, value, path, grouped_field_set, new_defer_usages, None
            )
        return self.execute_fields(object_type, value, path, grouped_field_set, None)
