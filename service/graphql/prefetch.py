"""Look-ahead: fetch the relations a query selects before its fields resolve.

The loaders would batch them anyway, one SELECT per relation and level; fetching them
ahead, level by level, runs the same statements but lets every field below resolve
from the cache without awaiting, which spares the event loop a task per object. A
selection this module does not understand (filters, fragments on other types) is left
to the loaders, so the result never depends on it.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from service.errors import DomainError
from service.graphql.connections import PageKey, after_id, page_size
from service.graphql.types.initiatives import InitiativeKpiNode, InitiativeNode, ProgressUpdateNode
from service.graphql.types.kpis import KpiMeasurementNode, KpiNode
from service.graphql.types.org import DepartmentNode, PersonNode

Fetch = Callable[[Any, list[Any], dict[str, Any]], Awaitable[list[Any]]]


def _one(loader: str, key: str) -> Fetch:
    async def fetch(ctx: Any, nodes: list[Any], _: dict[str, Any]) -> list[Any]:
        keys = [k for k in (getattr(node, key) for node in nodes) if k is not None]
        found = await getattr(ctx.loaders, loader).prime(keys)
        return [value for value in found if value is not None]

    return fetch


def _many(loader: str) -> Fetch:
    async def fetch(ctx: Any, nodes: list[Any], _: dict[str, Any]) -> list[Any]:
        found = await getattr(ctx.loaders, loader).prime(node.database_id for node in nodes)
        return [child for children in found for child in children]

    return fetch


def _linked(loader: str) -> Fetch:
    async def fetch(ctx: Any, nodes: list[Any], _: dict[str, Any]) -> list[Any]:
        found = await getattr(ctx.loaders, loader).prime(node.database_id for node in nodes)
        return [initiative for links in found for _, initiative in links]

    return fetch


def _pages(loader: str) -> Fetch:
    async def fetch(ctx: Any, nodes: list[Any], args: dict[str, Any]) -> list[Any]:
        if set(args) - {"first", "after", "order"}:
            return []  # filtered pages: left to the loader
        first = args.get("first")
        size = page_size(None if first is None else int(first))
        after = after_id(args.get("after"))
        descending = str(getattr(args.get("order"), "name", args.get("order"))) == "DESC"
        keys = [PageKey(node.database_id, size, after, descending) for node in nodes]
        found = await getattr(ctx.loaders, loader).pages.prime(keys)
        return [child for page in found for child in page]

    return fetch


LATEST_UPDATE = _one("latest_update", "database_id")

RELATIONS: dict[type, dict[str, tuple[Fetch, bool]]] = {
    DepartmentNode: {
        "head": (_one("person", "head_id"), False),
        "kpis": (_many("department_kpis"), False),
        "people": (_pages("department_people"), True),
        "initiatives": (_pages("department_initiatives"), True),
        "history": (_pages("department_history"), True),
    },
    PersonNode: {
        "department": (_one("department", "department_id"), False),
        "manager": (_one("person", "manager_id"), False),
        "reports": (_many("reports"), False),
        "chain": (_many("chain"), False),
        "initiativesOwned": (_pages("owned_initiatives"), True),
        "history": (_pages("person_history"), True),
    },
    InitiativeNode: {
        "department": (_one("department", "department_id"), False),
        "owner": (_one("person", "owner_id"), False),
        "sponsor": (_one("person", "sponsor_id"), False),
        "kpis": (_many("initiative_kpis"), False),
        "enables": (_linked("links_from"), False),
        "dependsOn": (_linked("links_from"), False),
        "enabledBy": (_linked("links_to"), False),
        "dependedOnBy": (_linked("links_to"), False),
        "updates": (_pages("initiative_updates"), True),
        "history": (_pages("initiative_history"), True),
    },
    InitiativeKpiNode: {
        "kpi": (_one("kpi", "kpi_id"), False),
        "initiative": (_one("initiative", "initiative_id"), False),
    },
    KpiNode: {
        "departments": (_many("kpi_departments"), False),
        "isShared": (_many("kpi_departments"), False),
        "drivers": (_many("kpi_drivers"), False),
        "driven": (_many("kpi_driven"), False),
        "latestMeasurement": (_one("latest_measurement", "database_id"), False),
        "measurements": (_pages("kpi_measurements"), True),
        "initiatives": (_pages("kpi_initiatives"), True),
        "history": (_pages("kpi_history"), True),
    },
    ProgressUpdateNode: {
        "initiative": (_one("initiative", "initiative_id"), False),
        "author": (_one("person", "author_id"), False),
    },
    KpiMeasurementNode: {
        "kpi": (_one("kpi", "kpi_id"), False),
        "recordedBy": (_one("person", "recorded_by_id"), False),
    },
}
for latest in ("latestUpdate", "health", "percentComplete", "spentToDate"):
    RELATIONS[InitiativeNode][latest] = (LATEST_UPDATE, False)


def _fields(selections: Iterable[Any], type_name: str) -> Iterable[SelectedField]:
    """The fields selected on `type_name`, fragments flattened."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment) and (
            selection.type_condition in (None, type_name)
        ):
            yield from _fields(selection.selections, type_name)


def node_selections(connection_field: Any) -> list[Any]:
    """What a connection field selects on its nodes (through `nodes` and `edges.node`)."""
    found: list[Any] = []
    for field in _fields(connection_field.selections, ""):
        if field.name == "nodes":
            found += field.selections
        elif field.name == "edges":
            for edge_field in _fields(field.selections, ""):
                if edge_field.name == "node":
                    found += edge_field.selections
    return found


async def prefetch(ctx: Any, nodes: list[Any], selections: list[Any]) -> None:
    """Fetch, level by level, every relation `selections` asks for on `nodes`."""
    if not nodes or not selections:
        return
    node_type = type(nodes[0])
    relations = RELATIONS.get(node_type, {})
    type_name = node_type.__strawberry_definition__.name  # type: ignore[attr-defined]
    done: set[tuple[str, str]] = set()
    for field in _fields(selections, type_name):
        relation = relations.get(field.name)
        if relation is None:
            continue
        fetch, paged = relation
        try:
            children = await fetch(ctx, nodes, field.arguments)
        except DomainError:
            continue  # the field's own resolver reports it, at its own path
        below = node_selections(field) if paged else field.selections
        marker = (field.name, repr(field.arguments))
        if marker in done and not below:
            continue
        done.add(marker)
        for group in _by_type(children):
            await prefetch(ctx, group, below)


def _by_type(nodes: list[Any]) -> list[list[Any]]:
    groups: dict[type, list[Any]] = {}
    for node in nodes:
        groups.setdefault(type(node), []).append(node)
    return list(groups.values())
