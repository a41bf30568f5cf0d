"""Hypothesis strategies of the root lookups: `node`, `nodes` and lookups by id or key.

Database and global ids, unknown ones, and where bad values are allowed, malformed ids,
ids of another type, and both or neither of id and key.
"""

from abc import ABC, abstractmethod
from typing import Any

from hypothesis import strategies as st

from service.graphql.compiled.lookups import BY_KEY, NODE_TYPES
from service.graphql.ids import encode_id
from tests.graphql.compiled.portfolio import Portfolio

LOOKUP_ROOTS = ("node", "nodes", *BY_KEY)


class LookupWriter(ABC):
    """The lookups part of the document writer (`Writer` gives values and objects)."""

    draw: Any
    portfolio: Portfolio
    bad: bool

    @abstractmethod
    def value(self, graphql_type: str, value: Any, enum: bool = False) -> str:
        """A literal or a variable for `value` (the document writer's)."""

    @abstractmethod
    def directive(self) -> str:
        """Maybe an @include/@skip (the document writer's)."""

    @abstractmethod
    def object(self, type_name: str, depth: int) -> str:
        """A selection of a `type_name` object (the document writer's)."""

    @abstractmethod
    def chance(self, p: float) -> bool:
        """True with probability `p` (the document writer's draw)."""

    def lookup(self, root: str, depth: int) -> str:
        """A root lookup's arguments and selection."""
        if root == "node":
            return (
                f"(id: {self.value('ID!', self.global_id())}){self.directive()} {self.node(depth)}"
            )
        if root == "nodes":
            ids = self.draw(st.lists(st.builds(self.global_id), max_size=3))
            return f"(ids: {self.value('[ID!]!', ids)}){self.directive()} {self.node(depth)}"
        type_name, key = BY_KEY[root]
        args = []
        how = self.draw(st.sampled_from(["id", "key"] + (["both", "neither"] if self.bad else [])))
        if how in ("id", "both"):
            args.append(f"id: {self.value('ID', self.lookup_id(root, type_name))}")
        if how in ("key", "both"):
            pool = [*self.portfolio.keys[root], "none-such", ""]
            args.append(f"{key}: {self.value('String', self.draw(st.sampled_from(pool)))}")
        head = f"({', '.join(args)})" if args else ""
        return f"{head}{self.directive()} {self.object(type_name, depth)}"

    def lookup_id(self, root: str, type_name: str) -> str:
        ids = self.portfolio.ids[root]
        pool = [str(ids[0]), str(ids[-1]), encode_id(type_name, ids[1]), "999999", "0"]
        if self.bad:
            pool += ["bogus", encode_id("Kpi" if type_name != "Kpi" else "Person", 1), "1x"]
        return str(self.draw(st.sampled_from(pool)))

    def global_id(self) -> str:
        pool = [*self.portfolio.global_ids, encode_id("Initiative", 999999)]
        if self.bad:
            pool += ["bogus", encode_id("Nothing", 1), "SW5pdGlhdGl2ZTo="]
        return str(self.draw(st.sampled_from(pool)))

    def node(self, depth: int) -> str:
        """A selection on the Node interface: its fields and fragments on some types."""
        parts = self.draw(st.lists(st.sampled_from(["__typename", "id"]), max_size=2))
        for type_name in self.draw(st.lists(st.sampled_from(NODE_TYPES), max_size=2)):
            parts.append(f"... on {type_name} {self.object(type_name, depth - 1)}")
        if self.chance(0.1):
            parts.append("... on AuditEvent { __typename }")
        return "{ " + " ".join(parts or ["__typename"]) + " }"
