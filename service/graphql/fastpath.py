"""Call the plain synchronous resolvers straight from graphql-core.

Strawberry wraps every resolver call (an Info object, argument conversion, extension
hooks), even plain attribute reads. For the sync resolvers of this schema, which only
read `info.context` and take scalar or enum arguments that graphql-core already
coerces, the wrapper is pure cost, paid once per object of a 1,000-row page. The same
functions run; only the wrapper goes.
"""

import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from strawberry import Schema

BACKREF = "strawberry-definition"


def _direct(func: Callable[..., Any], names: dict[str, str]) -> Callable[..., Any]:
    takes_info = "info" in inspect.signature(func).parameters

    def resolve(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        kwargs = {names[name]: value for name, value in args.items()}
        if takes_info:
            return func(source, info, **kwargs)
        return func(source, **kwargs)

    return resolve


def _attribute(name: str, type_: Any) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return getattr(source, name)

    non_null = isinstance(type_, GraphQLNonNull)
    leaf = type_.of_type if non_null else type_
    if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        resolve.leaf = (name, leaf, non_null)  # type: ignore[attr-defined]
    else:
        resolve.context_only = True  # type: ignore[attr-defined]
    return resolve


def install(schema: Schema) -> int:
    """Replace Strawberry's wrapper on every eligible field; return how many were."""
    converter = schema.config.name_converter
    installed = 0
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        if type_.name in ("Query", "Mutation"):
            continue  # root fields are few, and some read the selection through Info
        # Every object is an instance of its own Strawberry class: interfaces resolve the
        # type from it, so the per-object isinstance check adds nothing.
        type_.is_type_of = None
        for field in type_.fields.values():
            definition = field.extensions.get(BACKREF)
            if definition is None or definition.extensions:
                continue
            resolver = definition.base_resolver
            if resolver is None:
                field.resolve = _attribute(definition.python_name, field.type)
                installed += 1
                continue
            if definition.is_async:
                continue
            if getattr(definition, "permission_classes", None):
                continue
            names = {converter.from_argument(arg): arg.python_name for arg in definition.arguments}
            field.resolve = _direct(resolver.wrapped_func, names)
            # Resolvers of these types read only `info.context` (a rule of this package):
            # the executor may call them with just that.
            field.resolve.context_only = not names  # type: ignore[attr-defined]
            installed += 1
    return installed
