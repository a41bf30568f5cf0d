"""Wire shapes of the thrust behind a promise and of outcome attribution."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schema.enums import Direction, Health, InitiativeStatus, Orientation, Perspective

Role = Literal["promise", "enabler"]


class _Row(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ThrustInitiative(_Row):
    """An initiative in the chain, with what a reader needs to judge it."""

    id: int
    code: str
    title: str
    orientation: Orientation
    status: InitiativeStatus
    health: Health | None = Field(description="Health of its latest check-in.")
    target_date: date | None
    live: bool = Field(
        description="Counts as an enabler: internal or hybrid, approved, in progress, "
        "on hold or done."
    )
    late: bool = Field(
        description="Targets a date after the promise's target date and is not done."
    )
    declared: bool = Field(description="Linked as an enabler of the promise.")


class KpiRef(_Row):
    id: int
    code: str
    name: str


class ExDriver(BaseModel):
    """An employee KPI driving a customer KPI, by its shortest path, and who moves it."""

    kpi: KpiRef
    depth: int = Field(description="Driver links between it and the customer KPI (1: direct).")
    path: list[str] = Field(description="KPI codes from the employee KPI to the customer KPI.")
    initiative_count: int = Field(
        description="Internal or hybrid initiatives linked to it, all of them."
    )
    initiatives: list[ThrustInitiative] = Field(description="The first `per_driver` of them.")


class CxKpi(BaseModel):
    """A customer KPI the promise moves, and its employee drivers at every depth."""

    kpi: KpiRef
    drivers: list[ExDriver]


class ThrustPublic(BaseModel):
    """The EX → CX chain behind an initiative."""

    initiative: ThrustInitiative
    role: Role = Field(
        description="promise: client-facing or hybrid, its chain is drawn; enabler: "
        "internal, it is thrust behind the promises it enables."
    )
    reason: str | None = Field(description="Why the chain is empty, when it is.")
    cx_kpis: list[CxKpi]
    enablers: list[ThrustInitiative] = Field(
        description="Internal or hybrid initiatives linked as its enablers."
    )
    enables: list[ThrustInitiative] = Field(description="Initiatives it is linked to enable.")
    late: bool = Field(description="ENABLER_LATE: every live enabler lands after its target.")


class Outcome(_Row):
    """One initiative-KPI link's movement since the initiative started, credited by weight."""

    weight: Decimal = Field(description="The link's weight as stored (0..1).")
    start_date: date | None
    started: bool = Field(description="A start date on or before today.")
    start_on: date | None = Field(description="The last measurement on or before the start.")
    start_value: Decimal | None
    latest_on: date | None = Field(description="The KPI's latest measurement.")
    latest_value: Decimal | None
    movement: Decimal | None = Field(description="latest_value - start_value.")
    improvement: Decimal | None = Field(
        description="The movement signed by the KPI's direction: positive is better."
    )
    credited: Decimal | None = Field(description="improvement times weight, 4 decimals.")


class InitiativeOutcome(Outcome):
    kpi_id: int
    kpi_code: str
    kpi_name: str
    unit: str
    direction: Direction
    perspective: Perspective


class InitiativeOutcomes(BaseModel):
    """An initiative's weighted movement of each KPI it is linked to."""

    initiative_id: int
    items: list[InitiativeOutcome]


class Contribution(Outcome):
    initiative_id: int
    initiative_code: str
    initiative_title: str
    status: InitiativeStatus
    orientation: Orientation


class KpiContributions(BaseModel):
    """Who moved a KPI: its links ranked by credit, with totals over every link."""

    kpi_id: int
    kpi_code: str
    direction: Direction
    latest_on: date | None
    latest_value: Decimal | None
    links: int = Field(description="Initiatives linked to the KPI.")
    credited_links: int = Field(description="Links with a credit (a measured start).")
    credited_total: Decimal | None = Field(description="The credits, summed.")
    weight_total: Decimal | None = Field(description="The links' weights, summed.")
    items: list[Contribution]
    next_cursor: str | None
