"""Mutation inputs: the same fields and rules as the REST request bodies."""

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from schema import enums
from service.graphql.types.common import Health, InitiativeStatus, Orientation, Origin
from service.graphql.types.decisions import WaiverInput

ID_HELP = "Global id or database id of the {}."


def _id(entity: str) -> Any:
    return strawberry.field(description=ID_HELP.format(entity))


def set_fields(data: Any) -> dict[str, Any]:
    """The fields of an input object the client gave (UNSET ones left out)."""
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


@strawberry.input(description="A new initiative (same rules as POST /api/v1/initiatives).")
class CreateInitiativeInput:
    code: str = strawberry.field(description="Unique code, e.g. `INI-042`.")
    title: str = strawberry.field(description="Short title.")
    department_id: strawberry.ID = _id("lead department")
    owner_id: strawberry.ID = _id("accountable person")
    orientation: Orientation = strawberry.field(description="Client-facing, internal or hybrid.")
    description: str = strawberry.field(default="", description="What it does.")
    sponsor_id: strawberry.ID | None = strawberry.field(
        default=None, description=ID_HELP.format("sponsor")
    )
    status: InitiativeStatus = strawberry.field(
        default=enums.InitiativeStatus.proposed, description="`proposed` (default) or `approved`."
    )
    client_share: Decimal | None = strawberry.field(
        default=None, description="Hybrid only: the client-facing share 0..1 (default 0.5)."
    )
    origin: Origin = strawberry.field(default=enums.Origin.user_need, description="Why it exists.")
    user_need: str = strawberry.field(default="", description="The user need it answers.")
    target_users: str = strawberry.field(default="", description="Who it is for.")
    is_experiment: bool = strawberry.field(default=False, description="A learning experiment.")
    hypothesis: str = strawberry.field(default="", description="What the experiment tests.")
    lessons_learned: str = strawberry.field(default="", description="What was learned.")
    start_date: date | None = strawberry.field(default=None, description="Start date.")
    target_date: date | None = strawberry.field(default=None, description="Target end date.")
    budget_planned: Decimal = strawberry.field(
        default=Decimal("0"), description="Planned budget (money, 2 decimals)."
    )
    waivers: list[WaiverInput] | None = strawberry.field(
        default=None, description="With status approved (CDO office): a reason per waived check."
    )


U = strawberry.UNSET


@strawberry.input(description="The fields to change; omitted fields stay as they are.")
class UpdateInitiativeInput:
    code: str | None = strawberry.field(default=U, description="Unique code.")
    title: str | None = strawberry.field(default=U, description="Short title.")
    description: str | None = strawberry.field(default=U, description="What it does.")
    department_id: strawberry.ID | None = strawberry.field(
        default=U, description=ID_HELP.format("lead department")
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=U, description=ID_HELP.format("accountable person")
    )
    sponsor_id: strawberry.ID | None = strawberry.field(
        default=U, description=ID_HELP.format("sponsor") + " Null removes the sponsor."
    )
    orientation: Orientation | None = strawberry.field(default=U, description="Orientation.")
    client_share: Decimal | None = strawberry.field(default=U, description="Hybrid only, 0..1.")
    origin: Origin | None = strawberry.field(default=U, description="Why it exists.")
    user_need: str | None = strawberry.field(default=U, description="The user need.")
    target_users: str | None = strawberry.field(default=U, description="Who it is for.")
    is_experiment: bool | None = strawberry.field(default=U, description="An experiment.")
    hypothesis: str | None = strawberry.field(default=U, description="What it tests.")
    lessons_learned: str | None = strawberry.field(default=U, description="What was learned.")
    start_date: date | None = strawberry.field(default=U, description="Start date.")
    target_date: date | None = strawberry.field(default=U, description="Target end date.")
    budget_planned: Decimal | None = strawberry.field(default=U, description="Planned budget.")
    waivers: list[WaiverInput] | None = strawberry.field(
        default=U, description="With a move to approved (CDO office): a reason per waived check."
    )


@strawberry.input(description="A check-in (same rules as POST /initiatives/{id}/updates).")
class RecordProgressUpdateInput:
    initiative_id: strawberry.ID = _id("initiative")
    percent_complete: int = strawberry.field(description="Percent complete, 0..100.")
    health: Health = strawberry.field(description="Green, amber or red.")
    summary: str = strawberry.field(description="What happened (required).")
    reported_on: date | None = strawberry.field(default=None, description="Defaults to today.")
    confidence: int | None = strawberry.field(default=None, description="Confidence 0..10.")
    spent_to_date: Decimal | None = strawberry.field(
        default=None, description="Defaults to the latest check-in's figure (or 0)."
    )
    blockers: str = strawberry.field(default="", description="What is in the way.")
    next_steps: str = strawberry.field(default="", description="What comes next.")
    author_id: strawberry.ID | None = strawberry.field(
        default=None, description=ID_HELP.format("author")
    )


@strawberry.input(description="The value of one KPI on one day.")
class KpiMeasurementInput:
    kpi_id: strawberry.ID = _id("KPI")
    measured_on: date = strawberry.field(description="The day measured.")
    value: Decimal = strawberry.field(description="The value.")
    source: str = strawberry.field(default="", description="Where the value comes from.")
    recorded_by_id: strawberry.ID | None = strawberry.field(
        default=None, description=ID_HELP.format("person who recorded it")
    )


VersionArg = Annotated[
    int,
    strawberry.argument(description="The `version` you read; a newer one refuses the change."),
]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Global or database id.")]
