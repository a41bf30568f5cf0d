"""Plans: a validated query split into compiled root fields and the rest, cached.

A plan is made once per (document hash, operation name, values of the variables that
@skip/@include read) and kept in a small LRU (documents up to documents.CACHED_BYTES).
The compiled root fields become the columns of ONE statement, each a JSON text
PostgreSQL builds; the other root fields form a smaller document the resolvers run.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    parse,
    validate,
)

from service.graphql.bounds import DocumentLimits, check_fields, check_size
from service.graphql.compiled.compiler import Compiled, Compiler, NotCompilable

# Plans kept: (document, operation) and (…, directive values) entries; bounded like the
# parser's cache (documents.CACHE_SIZE), since every plan keeps its syntax tree alive.
PLANS = 64
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class Plan:
    """How to answer one operation."""

    document: DocumentNode
    operation: OperationDefinitionNode
    keys: tuple[str, ...]  # response keys of the root, in the document's order
    compiled: Mapping[str, Compiled]  # response key → its compiled JSON expression
    statement: str | None  # one SELECT: a text column per compiled key
    rest: str | None  # the document of the other root fields, for the resolvers

    @property
    def name(self) -> str | None:
        """The operation's name in the document (None when anonymous)."""
        return self.operation.name.value if self.operation.name else None


def document_hash(query: str) -> str:
    """The SHA-256 of a document, as persisted queries name it."""
    return hashlib.sha256(query.encode()).hexdigest()


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """Names of the variables @skip/@include read (a plan depends on their values)."""
    names: set[str] = set()
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        for directive in getattr(node, "directives", None) or ():
            for argument in directive.arguments or ():
                if isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return tuple(sorted(names))


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation to run: the one named, or the only one."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    found = [op for op in operations if op.name is not None and op.name.value == name]
    return found[0] if len(found) == 1 else None


def parse_checked(query: str, limits: DocumentLimits, schema: GraphQLSchema) -> DocumentNode | None:
    """The parsed document within the bounds and valid, else None (the resolvers explain)."""
    try:
        check_size(query, limits)
        document = parse(query, max_tokens=limits.max_tokens)
        check_fields(document, limits)
    except Exception:  # any refusal is reported by the resolver path
        return None
    return None if validate(schema, document) else document


def make_plan(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    switches: Mapping[str, Any],
) -> Plan | None:
    """The plan of a valid query operation; None when no root field compiles."""
    if operation.operation != OperationType.QUERY:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if any(not isinstance(s, FieldNode) for s in operation.selection_set.selections):
        return None  # fragments at the root: the resolvers take it whole
    compiler = Compiler(schema, fragments, switches)
    groups = compiler.collect("Query", [operation.selection_set])
    compiled: dict[str, Compiled] = {}
    for key, nodes in groups.items():
        try:
            compiled[key] = compiler.root(nodes)
        except NotCompilable:
            continue
    if not compiled:
        return None
    columns = [
        f"({c.expression})::text AS c{i}"
        for i, c in enumerate(compiled.values())
        if c.constant is None
    ]
    statement = "SELECT " + ", ".join(columns) if columns else None
    rest = _rest(query, operation, fragments, set(compiled))
    return Plan(document, operation, tuple(groups), compiled, statement, rest)


def _rest(
    query: str,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    compiled: set[str],
) -> str | None:
    """The document of the root fields left to the resolvers (None when none are).

    The compiled root fields, and the fragments and variables only they use, are blanked
    out of the text, so every error of the rest keeps its line and column.
    """
    kept = [
        s
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and (s.alias or s.name).value not in compiled
    ]
    if not kept:
        return None
    text = list(query)
    used_fragments = _fragments_used(SelectionSetNode(selections=tuple(kept)), fragments)
    used = _variables_used([*kept, *used_fragments])
    unused = [v for v in operation.variable_definitions or () if v.variable.name.value not in used]
    dropped: list[Any] = [s for s in operation.selection_set.selections if s not in kept]
    dropped += [f for f in fragments.values() if f not in used_fragments]
    for node in [*dropped, *unused]:
        _blank(text, *_span(node))
    definitions = operation.variable_definitions or ()
    if definitions and len(unused) == len(definitions):  # no variables left: no parentheses
        start, end = _span(definitions[0])[0], _span(definitions[-1])[1]
        _blank(text, query.rindex("(", 0, start), start)
        _blank(text, end, query.index(")", end) + 1)
    return "".join(text)


def _span(node: Any) -> tuple[int, int]:
    """Where a node is in the document's text (documents are parsed with locations)."""
    return node.loc.start, node.loc.end


def _blank(text: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if text[index] not in "\r\n":
            text[index] = " "


def _nodes(roots: list[Any]) -> Iterator[Any]:
    """Every syntax node under `roots`, roots included."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        yield node
        for name in node.keys:
            value = getattr(node, name, None)
            if isinstance(value, tuple | list):
                stack.extend(v for v in value if isinstance(v, Node))
            elif isinstance(value, Node):
                stack.append(value)


def _fragments_used(
    root: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    found: dict[str, FragmentDefinitionNode] = {}
    pending: list[Any] = [root]
    while pending:
        for node in _nodes([pending.pop()]):
            name = node.name.value if isinstance(node, FragmentSpreadNode) else None
            if name is not None and name not in found and name in fragments:
                found[name] = fragments[name]
                pending.append(fragments[name].selection_set)
    return list(found.values())


def _variables_used(roots: list[Any]) -> set[str]:
    return {node.name.value for node in _nodes(roots) if isinstance(node, VariableNode)}
