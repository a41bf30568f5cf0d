"""Compile the root lookups: `node(id:)`, `nodes(ids:)` and the lookups by id or key.

The statement reads the row by id (or by its unique key) from bind parameters; the
arguments are checked at request time by the resolvers' own rules (`service.graphql.ids`,
`queries._lookup`, `queries._node`), and anything the resolvers would refuse or answer
otherwise (an id of a type read under a permission, a malformed or foreign id, both or
neither of id and key) is left to them, so errors are theirs.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLField
from graphql.execution import get_argument_values

from service.errors import ValidationFailed
from service.graphql.compiled import sql
from service.graphql.compiled.arguments import Unanswerable, row_id, text
from service.graphql.compiled.fields import ENTITIES
from service.graphql.connections import MAX_PAGE
from service.graphql.ids import database_id, decode_id
from service.graphql.queries import NODE_LOADERS, NODE_PERMISSIONS

if TYPE_CHECKING:
    from service.graphql.compiled.compiler import Compiler

# Root lookup → (object type, the argument that is also the unique column).
BY_KEY = {
    "department": ("Department", "code"),
    "person": ("Person", "email"),
    "initiative": ("Initiative", "code"),
    "kpi": ("Kpi", "code"),
}
ROOTS = frozenset({"node", "nodes", *BY_KEY})
# The types `node` reads without a permission of their own, and that compile.
NODE_TYPES = tuple(
    name
    for name in NODE_LOADERS
    if name not in NODE_PERMISSIONS and name in ENTITIES and ENTITIES[name].node
)


@dataclass(frozen=True)
class Lookup:
    """The bind parameters of one root lookup, and where its arguments are read."""

    prefix: str
    definition: GraphQLField
    node: FieldNode

    def bind(self, variables: Any, params: dict[str, Any]) -> None:
        """Bind the lookup's arguments, or refuse what the resolvers would answer otherwise."""
        args = get_argument_values(self.definition, self.node, variables)
        name, prefix = self.node.name.value, self.prefix
        if name == "node":
            params[f"{prefix}_ty"], params[f"{prefix}_id"] = _global(args["id"])
        elif name == "nodes":
            if len(args["ids"]) > MAX_PAGE:
                raise Unanswerable("too many ids")
            found = [_global(value) for value in args["ids"]]
            params[f"{prefix}_tys"] = [type_name for type_name, _ in found]
            params[f"{prefix}_ids"] = [key for _, key in found]
        else:
            type_name, column = BY_KEY[name]
            id_, key = args.get("id"), args.get(column)
            if (id_ is None) == (key is None):
                raise Unanswerable("either id or key")
            params[f"{prefix}_id"] = None if id_ is None else _database_id(id_, type_name)
            params[f"{prefix}_key"] = None if key is None else text(key)


def _global(value: Any) -> tuple[str, int]:
    """The type and row of a global id `node` reads compiled."""
    try:
        type_name, key = decode_id(value)
    except ValidationFailed as exc:
        raise Unanswerable(exc.detail) from exc
    if type_name not in NODE_TYPES:
        raise Unanswerable(type_name)
    return type_name, row_id(key)


def _database_id(value: Any, type_name: str) -> int:
    try:
        return row_id(database_id(value, type_name, field="id"))
    except (ValidationFailed, ValueError) as exc:
        raise Unanswerable("id") from exc


def compile_root(
    compiler: "Compiler", definition: GraphQLField, nodes: list[FieldNode]
) -> tuple[str, Lookup]:
    """The JSON expression of a root lookup and its bind parameters."""
    name = nodes[0].name.value
    lookup = Lookup(f"l{compiler.alias()}", definition, nodes[0])
    prefix, x = lookup.prefix, compiler.alias()
    if name == "node":
        source = (
            f"(SELECT CAST(%({prefix}_ty)s AS text) AS ty,"
            f" CAST(%({prefix}_id)s AS bigint) AS id) {x}"
        )
        return f"(SELECT {_by_type(compiler, nodes, x)} FROM {source})", lookup
    if name == "nodes":
        source = (
            f"unnest(CAST(%({prefix}_tys)s AS text[]), CAST(%({prefix}_ids)s AS bigint[]))"
            f" WITH ORDINALITY AS {x}(ty, id, n)"
        )
        value = f"COALESCE(json_agg({_by_type(compiler, nodes, x)} ORDER BY {x}.n), '[]'::json)"
        return f"(SELECT {value} FROM {source})", lookup
    type_name, column = BY_KEY[name]
    value = compiler.object(type_name, x, nodes)
    where = (
        f"{x}.id = CAST(%({prefix}_id)s AS bigint) OR {x}.{column} = CAST(%({prefix}_key)s AS text)"
    )
    return f"(SELECT {value} FROM {ENTITIES[type_name].table} {x} WHERE {where})", lookup


def _by_type(compiler: "Compiler", nodes: list[FieldNode], x: str) -> str:
    """The object of the row `x.id` of the type `x.ty` (null when there is none)."""
    branches = []
    for type_name in NODE_TYPES:
        row = compiler.alias()
        value = compiler.object(type_name, row, nodes)
        table = ENTITIES[type_name].table
        branches.append(
            f"WHEN {sql.string(type_name)} THEN"
            f" (SELECT {value} FROM {table} {row} WHERE {row}.id = {x}.id)"
        )
    return f"CASE {x}.ty {' '.join(branches)} END"
