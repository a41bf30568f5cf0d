"""The thrust behind a promise (EX → CX chain) and outcome attribution, as GraphQL types.

The shapes follow service/thrust/payloads.py field for field: the resolvers call the same
service functions as REST and convert the result.
"""

import dataclasses
import inspect
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from weakref import WeakKeyDictionary

import strawberry
from pydantic import BaseModel

from service.errors import ValidationFailed
from service.graphql.loaders import Loader
from service.graphql.types.common import (
    Direction,
    Health,
    InitiativeStatus,
    Orientation,
    Perspective,
)
from service.i18n import gettext as _
from service.thrust import payloads, service

MAX_FIRST = 1000


def convert(cls: Any, model: BaseModel) -> Any:
    """The GraphQL object `cls` of a payload model, nested objects and lists included."""
    values: dict[str, Any] = {}
    for name in (f.name for f in dataclasses.fields(cls)):
        value = getattr(model, name)
        nested = _NESTED.get((cls.__name__, name))
        if nested is not None and isinstance(value, list):
            value = [convert(nested, item) for item in value]
        elif nested is not None:
            value = convert(nested, value)
        values[name] = value
    return cls(**values)


@strawberry.type(description="An initiative in an EX → CX chain.")
class ThrustInitiative:
    id: int = strawberry.field(name="databaseId", description="The initiative's database id.")
    code: str = strawberry.field(description="Its code.")
    title: str = strawberry.field(description="Its title.")
    orientation: Orientation = strawberry.field(description="Client-facing, internal or hybrid.")
    status: InitiativeStatus = strawberry.field(description="Lifecycle status.")
    health: Health | None = strawberry.field(description="Health of its latest check-in.")
    target_date: date | None = strawberry.field(description="Target end date.")
    live: bool = strawberry.field(
        description="Counts as an enabler: internal or hybrid, approved, in progress, on hold "
        "or done."
    )
    late: bool = strawberry.field(
        description="Lands after the promise: not done and targeting a later day."
    )
    declared: bool = strawberry.field(description="Linked as an enabler of the promise.")


@strawberry.type(description="A KPI in an EX → CX chain.")
class ThrustKpi:
    id: int = strawberry.field(name="databaseId", description="The KPI's database id.")
    code: str = strawberry.field(description="Its code.")
    name: str = strawberry.field(description="Its name.")


@strawberry.type(description="An employee KPI driving a customer KPI, and who moves it.")
class ExDriver:
    kpi: ThrustKpi = strawberry.field(description="The employee KPI.")
    depth: int = strawberry.field(description="Driver links to the customer KPI (1: direct).")
    path: list[str] = strawberry.field(description="KPI codes from it to the customer KPI.")
    initiative_count: int = strawberry.field(
        description="Internal or hybrid initiatives linked to it, all of them."
    )
    initiatives: list[ThrustInitiative] = strawberry.field(
        description="The first `perDriver` of them: declared enablers, then live ones."
    )


@strawberry.type(description="A customer KPI a promise moves, with its employee drivers.")
class CxKpi:
    kpi: ThrustKpi = strawberry.field(description="The customer KPI.")
    drivers: list[ExDriver] = strawberry.field(
        description="Employee KPIs driving it at any depth, by depth then code."
    )


@strawberry.type(description="The EX → CX chain behind an initiative.")
class Thrust:
    initiative: ThrustInitiative = strawberry.field(description="The initiative itself.")
    role: str = strawberry.field(
        description="promise (client-facing or hybrid) or enabler (internal)."
    )
    reason: str | None = strawberry.field(description="Why the chain is empty, when it is.")
    cx_kpis: list[CxKpi] = strawberry.field(description="Its customer KPIs and their drivers.")
    enablers: list[ThrustInitiative] = strawberry.field(
        description="Internal or hybrid initiatives linked as its enablers."
    )
    enables: list[ThrustInitiative] = strawberry.field(
        description="Initiatives it is linked to enable."
    )
    late: bool = strawberry.field(description="Every live enabler lands after its target date.")


_OUTCOME_DOC = {
    "weight": "The link's weight as stored (0..1).",
    "started": "A start date on or before today.",
    "start_on": "The KPI's last measurement on or before the start.",
    "movement": "Latest value minus the value at the start (null without a measured start).",
    "improvement": "The movement signed by the KPI's direction: positive is better.",
    "credited": "improvement times weight, 4 decimals.",
}


@strawberry.type(description="A KPI's movement since an initiative started, credited by weight.")
class CreditedMovement:
    weight: Decimal = strawberry.field(description=_OUTCOME_DOC["weight"])
    start_date: date | None = strawberry.field(description="The initiative's start date.")
    started: bool = strawberry.field(description=_OUTCOME_DOC["started"])
    start_on: date | None = strawberry.field(description=_OUTCOME_DOC["start_on"])
    start_value: Decimal | None = strawberry.field(description="Its value.")
    latest_on: date | None = strawberry.field(description="The KPI's latest measurement.")
    latest_value: Decimal | None = strawberry.field(description="Its value.")
    movement: Decimal | None = strawberry.field(description=_OUTCOME_DOC["movement"])
    improvement: Decimal | None = strawberry.field(description=_OUTCOME_DOC["improvement"])
    credited: Decimal | None = strawberry.field(description=_OUTCOME_DOC["credited"])


@strawberry.type(description="An initiative's weighted movement of one KPI since it started.")
class InitiativeOutcome(CreditedMovement):
    kpi_id: int = strawberry.field(description="Database id of the KPI.")
    kpi_code: str = strawberry.field(description="Code of the KPI.")
    kpi_name: str = strawberry.field(description="Name of the KPI.")
    unit: str = strawberry.field(description="Unit of the values.")
    direction: Direction = strawberry.field(description="Which way is better.")
    perspective: Perspective = strawberry.field(description="Balanced-scorecard perspective.")


@strawberry.type(description="One initiative's credited movement of a KPI.")
class Contribution(CreditedMovement):
    initiative_id: int = strawberry.field(description="Database id of the initiative.")
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    initiative_title: str = strawberry.field(description="Title of the initiative.")
    status: InitiativeStatus = strawberry.field(description="Lifecycle status.")
    orientation: Orientation = strawberry.field(description="Client-facing, internal or hybrid.")


@strawberry.type(description="Who moved a KPI: its initiatives ranked by credit.")
class KpiContributions:
    links: int = strawberry.field(description="Initiatives linked to the KPI.")
    credited_links: int = strawberry.field(description="Links with a credit (a measured start).")
    credited_total: Decimal | None = strawberry.field(description="The credits, summed.")
    weight_total: Decimal | None = strawberry.field(description="The links' weights, summed.")
    items: list[Contribution] = strawberry.field(description="One page, most credited first.")
    next_cursor: str | None = strawberry.field(description="`after` of the next page.")


_NESTED: dict[tuple[str, str], Any] = {
    ("Thrust", "initiative"): ThrustInitiative,
    ("Thrust", "cx_kpis"): CxKpi,
    ("Thrust", "enablers"): ThrustInitiative,
    ("Thrust", "enables"): ThrustInitiative,
    ("CxKpi", "kpi"): ThrustKpi,
    ("CxKpi", "drivers"): ExDriver,
    ("ExDriver", "kpi"): ThrustKpi,
    ("ExDriver", "initiatives"): ThrustInitiative,
    ("KpiContributions", "items"): Contribution,
}


def thrust(result: payloads.ThrustPublic) -> Thrust:
    """The GraphQL thrust of the service's answer."""
    return convert(Thrust, result)  # type: ignore[no-any-return]


def contributions(result: payloads.KpiContributions) -> KpiContributions:
    """The GraphQL contributions of the service's answer."""
    return convert(KpiContributions, result)  # type: ignore[no-any-return]


PerDriver = strawberry.argument(description="Initiatives listed per employee KPI (0..100).")


async def initiative_thrust(
    root: Any, info: strawberry.Info, per_driver: Annotated[int, PerDriver] = 10
) -> Thrust:
    """The EX → CX chain behind the initiative (as GET /initiatives/{id}/thrust)."""
    found = await info.context.read(service.thrust, root.database_id, per_driver=per_driver)
    return thrust(found)


# One outcomes loader per request (keyed by its context): every initiative of a page asks
# in the same turn, and one statement answers them all.
_OUTCOME_LOADERS: "WeakKeyDictionary[Any, Loader[int, list[InitiativeOutcome]]]" = (
    WeakKeyDictionary()
)


def _outcome_loader(context: Any) -> Loader[int, list[InitiativeOutcome]]:
    loader = _OUTCOME_LOADERS.get(context)
    if loader is None:

        async def fetch(ids: list[int]) -> dict[int, list[InitiativeOutcome]]:
            found = await context.read(service.outcomes_of, ids)
            return {
                key: [convert(InitiativeOutcome, o) for o in rows] for key, rows in found.items()
            }

        loader = _OUTCOME_LOADERS[context] = Loader(fetch, list)
    return loader


async def initiative_outcomes(root: Any, info: strawberry.Info) -> list[InitiativeOutcome]:
    """Per linked KPI, its movement since the initiative started, credited by weight."""
    found = _outcome_loader(info.context).load(root.database_id)
    return await found if inspect.isawaitable(found) else found


async def kpi_contributions(
    root: Any,
    info: strawberry.Info,
    first: Annotated[int, strawberry.argument(description="Rows per page (1..1000).")] = 50,
    after: Annotated[str | None, strawberry.argument(description="`nextCursor`.")] = None,
) -> KpiContributions:
    """Who moved the KPI (as GET /kpis/{id}/contributions)."""
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed(
            _("first must be between 1 and %(max)s.") % {"max": MAX_FIRST}, field="first"
        )
    found = await info.context.read(
        service.contributions, root.database_id, limit=first, cursor=after
    )
    return contributions(found)
