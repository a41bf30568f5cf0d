"""Hypothesis strategies of query documents over the compiled subset of the schema.

Random selections and nesting over `fields.ENTITIES`, page arguments given inline or as
variables (real cursors, and a few out-of-bounds values), the root connections' filter
arguments (real ids, enum values, `updatedSince` at and next to the rows' change instants,
and bad ids and instants), nested pages' `order` and date ranges, the root lookups
(`node`, `nodes`, `initiative`/`kpi`/`department` by id or code, `person` by id or
e-mail: database and global ids, unknown ones, ids of another type, malformed ones,
both or neither argument), aliases, named and inline fragments, `__typename`,
@skip/@include, and now and then a field only the resolvers answer (a mixed document,
or a root field that falls back whole).
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from schema import enums
from service.graphql.compiled.fields import ENTITIES, ROOT_PAGES, Leaf, Many, One, Page
from service.graphql.ids import encode_id
from tests.graphql.compiled.lookup_documents import LOOKUP_ROOTS, LookupWriter
from tests.graphql.compiled.portfolio import Portfolio

ROOT_EXTRAS = ("__typename", "serverTime")
RESOLVER_ONLY = {  # fields of a compiled type that only the resolvers answer
    "Initiative": "waivers { __typename }",
    "Kpi": "contributions(first: 1) { __typename }",
}
DAYS = ["2026-01-01", "2026-02-01", "2026-02-15", "2026-03-01", None]
CONNECTION_FIELDS = ("nodes", "edges", "pageInfo", "totalCount", "__typename")
PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")
# Each root connection's filter arguments: GraphQL type and kind of value.
ROOT_FILTERS: dict[str, dict[str, tuple[str, str]]] = {
    "departments": {"updatedSince": ("DateTime", "instant")},
    "people": {
        "departmentId": ("ID", "Department"),
        "managerId": ("ID", "Person"),
        "isActive": ("Boolean", "bool"),
        "updatedSince": ("DateTime", "instant"),
    },
    "initiatives": {
        "departmentId": ("ID", "Department"),
        "status": ("[InitiativeStatus!]", "statuses"),
        "orientation": ("Orientation", "orientation"),
        "origin": ("Origin", "origin"),
        "ownerId": ("ID", "Person"),
        "sponsorId": ("ID", "Person"),
        "isExperiment": ("Boolean", "bool"),
        "q": ("String", "text"),
        "updatedSince": ("DateTime", "instant"),
    },
    "kpis": {
        "perspective": ("Perspective", "perspective"),
        "departmentId": ("ID", "Department"),
        "updatedSince": ("DateTime", "instant"),
    },
}
ENUMS = {
    "orientation": [m.value for m in enums.Orientation],
    "origin": [m.value for m in enums.Origin],
    "perspective": [m.value for m in enums.Perspective],
}
TEXTS = ["", "c", "INI", "%", "_", "zz-none", "Initiative"]


@dataclass
class Case:
    """A document and its variables."""

    query: str
    variables: dict[str, Any] = field(default_factory=dict)


class Writer(LookupWriter):
    """Draws one document, collecting its variables and fragments."""

    def __init__(self, draw: Any, portfolio: Portfolio) -> None:
        self.draw = draw
        self.portfolio = portfolio
        self.cursors = portfolio.cursors
        self.count = 0
        self.definitions: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: list[str] = []
        self.bad = False  # bad values are drawn in single-root documents only

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def chance(self, p: float) -> bool:
        return bool(self.draw(st.floats(0, 1)) < p)

    def value(self, graphql_type: str, value: Any, enum: bool = False) -> str:
        """`value` written inline or passed as a variable (`enum`: names, not strings)."""
        if self.chance(0.5):
            name = self.fresh("v")
            self.definitions.append(f"${name}: {graphql_type}")
            self.variables[name] = value
            return f"${name}"
        return _literal(value, enum)

    def filter_arguments(self, root: str, bad: bool) -> list[str]:
        """Some of `root`'s filter arguments; bad ids and instants only where `bad`."""
        args = []
        for name, (graphql_type, kind) in ROOT_FILTERS[root].items():
            if self.chance(0.25):
                value = self.filter_value(kind, bad)
                enum = kind in ENUMS or kind == "statuses"
                args.append(f"{name}: {self.value(graphql_type, value, enum)}")
        return args

    def filter_value(self, kind: str, bad: bool) -> Any:
        draw, p = self.draw, self.portfolio
        if kind == "instant":
            pool: list[Any] = [*p.instants, *[_next(i) for i in p.instants[::3]], None]
            return draw(st.sampled_from(pool + (["yesterday", "2026-13-01"] if bad else [])))
        if kind in ("Department", "Person"):
            ids = p.department_ids if kind == "Department" else p.person_ids
            pool = [*(str(i) for i in ids), encode_id(kind, ids[0]), "999999", None]
            other = "Person" if kind == "Department" else "Department"
            return draw(st.sampled_from(pool + (["bogus", encode_id(other, 1)] if bad else [])))
        if kind == "bool":
            return draw(st.sampled_from([True, False, None]))
        if kind == "text":
            return draw(st.sampled_from([*TEXTS, None]))
        if kind == "statuses":
            members = [m.value for m in enums.InitiativeStatus]
            return draw(st.none() | st.lists(st.sampled_from(members), max_size=3))
        return draw(st.sampled_from([*ENUMS[kind], None]))

    def directive(self) -> str:
        if not self.chance(0.12):
            return ""
        name = self.draw(st.sampled_from(["skip", "include"]))
        return f" @{name}(if: {self.value('Boolean!', self.draw(st.booleans()))})"

    def key(self, name: str, used: set[str]) -> str:
        if name in used or self.chance(0.15):
            alias = self.fresh("a")
            used.add(alias)
            return f"{alias}: {name}"
        used.add(name)
        return name

    def page_arguments(
        self, bad: bool = False, root: str | None = None, page: Page | None = None
    ) -> str:
        """`first`/`after` (a root's filters, a nested page's order and ranges);
        out-of-bounds values only where `bad`."""
        args = [] if root is None else self.filter_arguments(root, bad)
        if page is not None and page.ordered and self.chance(0.5):
            order = self.draw(st.sampled_from(["ASC", "DESC"]))
            args.append(f"order: {self.value('SortOrder', order, enum=True)}")
        for name, _, _ in page.ranges if page is not None else ():
            if self.chance(0.3):
                days = DAYS + (["2026-02-30", "soon"] if self.bad else [])
                args.append(f"{name}: {self.value('Date', self.draw(st.sampled_from(days)))}")
        if self.chance(0.7):
            sizes = [0, 1, 2, 3, 5, None, *([1001, -1] if bad else [])]
            args.append(f"first: {self.value('Int', self.draw(st.sampled_from(sizes)))}")
        if self.chance(0.5):
            pool = [*self.cursors, None, *(["bogus", "eyJhZnRlciI6IngifQ"] if bad else [])]
            args.append(f"after: {self.value('String', self.draw(st.sampled_from(pool)))}")
        return f"({', '.join(args)})" if args else ""

    def object(self, type_name: str, depth: int) -> str:
        entity = ENTITIES[type_name]
        names = ["__typename", *(["id"] if entity.node else []), *entity.fields]
        if depth <= 0:
            names = [
                n
                for n in names
                if n in ("__typename", "id") or isinstance(entity.fields.get(n), Leaf)
            ]
        if type_name in RESOLVER_ONLY and depth > 0 and self.chance(0.05):
            names.append(RESOLVER_ONLY[type_name])
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=6))
        used: set[str] = set()
        parts = []
        for name in chosen:
            spec = entity.fields.get(name)
            if name in RESOLVER_ONLY.values():
                part = name
            elif isinstance(spec, One | Many):
                head = self.key(name, used) + self.directive()
                part = f"{head} {self.object(spec.target, depth - 1)}"
            elif isinstance(spec, Page):
                head = self.key(name, used) + self.page_arguments(page=spec) + self.directive()
                part = f"{head} {self.connection(spec.target, depth - 1)}"
            else:
                part = self.key(name, used) + self.directive()
            parts.append(part)
        return "{ " + self.wrap(type_name, " ".join(parts), entity.node) + " }"

    def wrap(self, type_name: str, body: str, node: bool) -> str:
        """The selection as is, or through a named or inline fragment."""
        how = self.draw(st.sampled_from(["plain"] * 6 + ["named", "inline", "bare", "node"]))
        if how == "named":
            name = self.fresh("F")
            self.fragments.append(f"fragment {name} on {type_name} {{ {body} }}")
            return f"...{name}"
        if how == "inline":
            return f"... on {type_name} {{ {body} }}"
        if how == "bare":
            return f"... {{ {body} }}"
        if how == "node" and node:
            return f"{body} ... on Node {{ id }}"
        return body

    def connection(self, target: str, depth: int) -> str:
        chosen = self.draw(st.lists(st.sampled_from(CONNECTION_FIELDS), min_size=1, max_size=4))
        used: set[str] = set()
        parts = []
        for name in chosen:
            key = self.key(name, used) + self.directive()
            if name == "nodes":
                parts.append(f"{key} {self.object(target, depth)}")
            elif name == "edges":
                inner = self.draw(st.sampled_from(["cursor", "node", "both", "__typename"]))
                body = "__typename cursor" if inner == "__typename" else "cursor"
                if inner in ("node", "both"):
                    node = f"node {self.object(target, depth)}"
                    body = node if inner == "node" else f"cursor {node}"
                parts.append(f"{key} {{ {body} }}")
            elif name == "pageInfo":
                fields = self.draw(st.lists(st.sampled_from(PAGE_INFO), min_size=1, max_size=4))
                parts.append(f"{key} {{ {' '.join(fields)} }}")
            else:
                parts.append(key)
        return "{ " + " ".join(parts) + " }"


@st.composite
def documents(draw: Any, portfolio: Portfolio, depth: int = 3) -> Case:
    """A query document over the compiled subset, with its variables."""
    writer = Writer(draw, portfolio)
    names = [*ROOT_PAGES, *ROOT_EXTRAS, *LOOKUP_ROOTS]
    roots = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    used: set[str] = set()
    parts = []
    # The resolver path cancels sibling root fields in flight when one fails, which
    # leaves the request's transaction unusable: bad arguments go in single-root documents.
    bad = writer.bad = len(roots) == 1
    for name in roots:
        key = writer.key(name, used)
        if name in LOOKUP_ROOTS:
            parts.append(key + writer.lookup(name, depth))
        elif name in ROOT_PAGES:
            target = ROOT_PAGES[name].target
            head = key + writer.page_arguments(bad, name) + writer.directive()
            parts.append(f"{head} {writer.connection(target, depth)}")
        else:
            parts.append(key + writer.directive())
    header = f"({', '.join(writer.definitions)})" if writer.definitions else ""
    query = f"query Q{header} {{ {' '.join(parts)} }}"
    return Case("\n".join([query, *writer.fragments]), writer.variables)


def _literal(value: Any, enum: bool) -> str:
    """`value` as a GraphQL literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, enum) for v in value) + "]"
    if isinstance(value, int) or enum:
        return str(value)
    return json.dumps(value)


def _next(instant: str) -> str:
    """The instant one microsecond later (ISO)."""
    return (datetime.fromisoformat(instant) + timedelta(microseconds=1)).isoformat()
