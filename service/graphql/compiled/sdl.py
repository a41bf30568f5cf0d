"""The graphql-core schema of the published SDL, without Strawberry's internals."""

from typing import Any

from graphql import GraphQLSchema, build_schema

_built: dict[int, tuple[Any, GraphQLSchema]] = {}


def core_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema of a Strawberry schema's published SDL, built once.

    Validation, coercion, limits and compilation need only the types, and the SDL is
    the contract: this reads no private attribute of Strawberry's.
    """
    found = _built.get(id(schema))
    if found is None or found[0] is not schema:
        found = _built[id(schema)] = (schema, build_schema(schema.as_str()))
    return found[1]
