"""KPIs, their accountable departments, drivers and measurements."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.graphql.connections import AFTER, FIRST, Connection
from service.graphql.loaders import then
from service.graphql.types import thrust as thrust_fields
from service.graphql.types.audit import AuditEventNode
from service.graphql.types.common import Cadence, Direction, Node, Perspective, SortOrder

if TYPE_CHECKING:
    from service.graphql.types.initiatives import InitiativeKpiNode
    from service.graphql.types.org import DepartmentNode, PersonNode

Department = Annotated["DepartmentNode", strawberry.lazy("service.graphql.types.org")]
Person = Annotated["PersonNode", strawberry.lazy("service.graphql.types.org")]
Kpi = Annotated["KpiNode", strawberry.lazy("service.graphql.types.kpis")]
Measurement = Annotated["KpiMeasurementNode", strawberry.lazy("service.graphql.types.kpis")]
InitiativeKpi = Annotated["InitiativeKpiNode", strawberry.lazy("service.graphql.types.initiatives")]

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]

_KPI_COLUMNS = [
    "code",
    "name",
    "definition",
    "unit",
    "direction",
    "perspective",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "cadence",
    "created_at",
    "updated_at",
    "version",
]


@strawberry.type(name="Kpi", description="A key performance indicator, shared or owned.")
class KpiNode(Node):
    code: str = strawberry.field(description="Unique code, e.g. `NPS`.")
    name: str = strawberry.field(description="Display name.")
    definition: str = strawberry.field(description="How it is computed.")
    unit: str = strawberry.field(description="Unit of the values, e.g. `%`.")
    direction: Direction = strawberry.field(description="Which way is better.")
    perspective: Perspective = strawberry.field(description="Balanced-scorecard perspective.")
    baseline_value: Decimal | None = strawberry.field(description="Value at the baseline date.")
    baseline_date: date | None = strawberry.field(description="When the baseline was taken.")
    target_value: Decimal | None = strawberry.field(description="Value to reach.")
    target_date: date | None = strawberry.field(description="When to reach the target.")
    cadence: Cadence = strawberry.field(description="How often it is measured.")
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version, +1 per change.")

    @classmethod
    def from_row(cls, row: Any) -> "KpiNode":
        """The node of a KPI row."""
        return cls(database_id=row.id, **{name: getattr(row, name) for name in _KPI_COLUMNS})

    @strawberry.field(
        graphql_type=list[Department],
        description="Accountable departments; the first one owns the KPI.",
    )
    def departments(self, info: strawberry.Info) -> Any:
        return info.context.loaders.kpi_departments.load(self.database_id)

    @strawberry.field(
        graphql_type=bool, description="True when two or more departments are accountable."
    )
    def is_shared(self, info: strawberry.Info) -> Any:
        found = info.context.loaders.kpi_departments.load(self.database_id)
        return then(found, lambda departments: len(departments) >= 2)

    @strawberry.field(graphql_type=list[Kpi], description="KPIs that drive this one, by id.")
    def drivers(self, info: strawberry.Info) -> Any:
        return info.context.loaders.kpi_drivers.load(self.database_id)

    @strawberry.field(graphql_type=list[Kpi], description="KPIs this one drives, by id.")
    def driven(self, info: strawberry.Info) -> Any:
        return info.context.loaders.kpi_driven.load(self.database_id)

    @strawberry.field(
        graphql_type=Connection[InitiativeKpi],
        description="Initiatives contributing to the KPI, with weight and rationale.",
    )
    def initiatives(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.kpi_initiatives.page(self.database_id, first, after)

    contributions = strawberry.field(
        resolver=thrust_fields.kpi_contributions,
        description="Who moved it: its initiatives ranked by credited movement.",
    )

    @strawberry.field(graphql_type=Connection[Measurement], description="Measurements, by id.")
    def measurements(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        order: Annotated[
            SortOrder, strawberry.argument(description="ASC: oldest first; DESC: newest first.")
        ] = SortOrder.ASC,
        from_: Annotated[
            date | None, strawberry.argument(name="from", description="Measured on or after.")
        ] = None,
        to: Annotated[
            date | None, strawberry.argument(description="Measured on or before.")
        ] = None,
    ) -> Any:
        pages = info.context.loaders.kpi_measurements
        descending = order == SortOrder.DESC
        filters = (from_, to) if from_ or to else ()
        return pages.page(self.database_id, first, after, descending=descending, filters=filters)

    @strawberry.field(
        graphql_type=Measurement | None, description="The most recent measurement (by date)."
    )
    def latest_measurement(self, info: strawberry.Info) -> Any:
        return info.context.loaders.latest_measurement.load(self.database_id)

    @strawberry.field(
        graphql_type=Connection[AuditEventNode],
        description="Recorded changes of the KPI, its measurements and drivers, oldest first.",
    )
    def history(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.kpi_history.page(self.database_id, first, after)


@strawberry.type(name="KpiMeasurement", description="The value of a KPI on one day.")
class KpiMeasurementNode(Node):
    kpi_id: int = strawberry.field(description="Database id of the KPI.")
    kpi_code: str = strawberry.field(description="Code of the KPI.")
    measured_on: date = strawberry.field(description="The day measured (one value per day).")
    value: Decimal = strawberry.field(description="The measured value.")
    source: str = strawberry.field(description="Where the value comes from.")
    recorded_by_id: int | None = strawberry.field(description="Database id of who recorded it.")
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version, +1 per change.")

    @classmethod
    def from_row(cls, row: Any) -> "KpiMeasurementNode":
        """The node of a measurement row joined with its KPI's code."""
        return cls(
            database_id=row.id,
            kpi_id=row.kpi_id,
            kpi_code=row.kpi_code,
            measured_on=row.measured_on,
            value=row.value,
            source=row.source,
            recorded_by_id=row.recorded_by_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    @strawberry.field(graphql_type=Kpi, description="The KPI.")
    def kpi(self, info: strawberry.Info) -> Any:
        return info.context.loaders.kpi.load(self.kpi_id)

    @strawberry.field(graphql_type=Person | None, description="Who recorded it.")
    def recorded_by(self, info: strawberry.Info) -> Any:
        return (
            info.context.loaders.person.load(self.recorded_by_id) if self.recorded_by_id else None
        )
