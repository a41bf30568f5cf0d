"""Initiatives, their KPI contributions, their links and their check-ins."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.graphql.connections import AFTER, FIRST, Connection
from service.graphql.loaders import then
from service.graphql.types import irritants as irritant_fields
from service.graphql.types import thrust as thrust_fields
from service.graphql.types.audit import AuditEventNode
from service.graphql.types.common import (
    Health,
    InitiativeStatus,
    Node,
    Orientation,
    Origin,
    SortOrder,
)

if TYPE_CHECKING:
    from service.graphql.types.analytics import Flag
    from service.graphql.types.decisions import ChangeRequestNode, WaiverNode
    from service.graphql.types.kpis import KpiNode
    from service.graphql.types.org import DepartmentNode, PersonNode

Department = Annotated["DepartmentNode", strawberry.lazy("service.graphql.types.org")]
Person = Annotated["PersonNode", strawberry.lazy("service.graphql.types.org")]
Kpi = Annotated["KpiNode", strawberry.lazy("service.graphql.types.kpis")]
Initiative = Annotated["InitiativeNode", strawberry.lazy("service.graphql.types.initiatives")]
Update = Annotated["ProgressUpdateNode", strawberry.lazy("service.graphql.types.initiatives")]
ChangeRequest = Annotated["ChangeRequestNode", strawberry.lazy("service.graphql.types.decisions")]
Waiver = Annotated["WaiverNode", strawberry.lazy("service.graphql.types.decisions")]

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
Order = Annotated[
    SortOrder, strawberry.argument(description="ASC: oldest first; DESC: newest first.")
]

_INITIATIVE_COLUMNS = [
    "code",
    "title",
    "description",
    "department_id",
    "owner_id",
    "sponsor_id",
    "status",
    "orientation",
    "client_share",
    "origin",
    "user_need",
    "target_users",
    "is_experiment",
    "hypothesis",
    "lessons_learned",
    "start_date",
    "target_date",
    "budget_planned",
    "created_at",
    "updated_at",
    "version",
]


@strawberry.type(name="Initiative", description="A digital initiative of the portfolio.")
class InitiativeNode(Node):
    code: str = strawberry.field(description="Unique code, e.g. `INI-042`.")
    title: str = strawberry.field(description="Short title.")
    description: str = strawberry.field(description="What it does.")
    department_id: int = strawberry.field(description="Database id of the lead department.")
    owner_id: int = strawberry.field(description="Database id of the accountable person.")
    sponsor_id: int | None = strawberry.field(description="Database id of the sponsor.")
    status: InitiativeStatus = strawberry.field(description="Lifecycle status.")
    orientation: Orientation = strawberry.field(description="Client-facing, internal or hybrid.")
    client_share: Decimal = strawberry.field(
        description="Client-facing share 0..1 (1 client-facing, 0 internal, hybrid settable)."
    )
    origin: Origin = strawberry.field(description="Why the initiative exists.")
    user_need: str = strawberry.field(description="The user need it answers.")
    target_users: str = strawberry.field(description="Who it is for.")
    is_experiment: bool = strawberry.field(description="True for a learning experiment.")
    hypothesis: str = strawberry.field(description="What the experiment tests.")
    lessons_learned: str = strawberry.field(description="What was learned (required to stop).")
    start_date: date | None = strawberry.field(description="Planned or actual start.")
    target_date: date | None = strawberry.field(description="Target end date.")
    budget_planned: Decimal = strawberry.field(description="Planned budget (money, 2 decimals).")
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version, +1 per change.")

    @classmethod
    def from_row(cls, row: Any) -> "InitiativeNode":
        """The node of an initiative row."""
        values = {name: getattr(row, name) for name in _INITIATIVE_COLUMNS}
        return cls(database_id=row.id, **values)

    @strawberry.field(graphql_type=Department, description="The lead department.")
    def department(self, info: strawberry.Info) -> Any:
        return info.context.loaders.department.load(self.department_id)

    @strawberry.field(graphql_type=Person, description="The accountable person.")
    def owner(self, info: strawberry.Info) -> Any:
        return info.context.loaders.person.load(self.owner_id)

    @strawberry.field(graphql_type=Person | None, description="The sponsor, if any.")
    def sponsor(self, info: strawberry.Info) -> Any:
        return info.context.loaders.person.load(self.sponsor_id) if self.sponsor_id else None

    @strawberry.field(
        graphql_type=Update | None, description="The latest check-in (by reported date)."
    )
    def latest_update(self, info: strawberry.Info) -> Any:
        return info.context.loaders.latest_update.load(self.database_id)

    @strawberry.field(graphql_type=Health | None, description="Health of the latest check-in.")
    def health(self, info: strawberry.Info) -> Any:
        return then(info.context.loaders.latest_update.load(self.database_id), _get("health"))

    @strawberry.field(graphql_type=int | None, description="Percent complete (latest check-in).")
    def percent_complete(self, info: strawberry.Info) -> Any:
        latest = info.context.loaders.latest_update.load(self.database_id)
        return then(latest, _get("percent_complete"))

    @strawberry.field(graphql_type=Decimal | None, description="Spent to date (latest check-in).")
    def spent_to_date(self, info: strawberry.Info) -> Any:
        latest = info.context.loaders.latest_update.load(self.database_id)
        return then(latest, _get("spent_to_date"))

    @strawberry.field(
        graphql_type=list[Annotated["InitiativeKpiNode", strawberry.lazy(__name__)]],
        description="The KPIs it contributes to, with weight and rationale.",
    )
    def kpis(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative_kpis.load(self.database_id)

    @strawberry.field(
        graphql_type=list[Initiative], description="Initiatives this one enables (by id)."
    )
    def enables(self, info: strawberry.Info) -> Any:
        return _linked(info, "links_from", self.database_id, "enables")

    @strawberry.field(
        graphql_type=list[Initiative], description="Internal enablers behind this one (by id)."
    )
    def enabled_by(self, info: strawberry.Info) -> Any:
        return _linked(info, "links_to", self.database_id, "enables")

    @strawberry.field(graphql_type=list[Initiative], description="Initiatives this one depends on.")
    def depends_on(self, info: strawberry.Info) -> Any:
        return _linked(info, "links_from", self.database_id, "depends_on")

    @strawberry.field(
        graphql_type=list[Initiative], description="Initiatives that depend on this one."
    )
    def depended_on_by(self, info: strawberry.Info) -> Any:
        return _linked(info, "links_to", self.database_id, "depends_on")

    @strawberry.field(
        graphql_type=list[Annotated["Flag", strawberry.lazy("service.graphql.types.analytics")]],
        description="Portfolio flags raised on this initiative now.",
    )
    def flags(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative_flags.load(self.database_id)

    thrust = strawberry.field(
        resolver=thrust_fields.initiative_thrust,
        description="The EX → CX chain behind it: customer KPIs, employee drivers, enablers.",
    )
    irritants = strawberry.field(
        resolver=irritant_fields.initiative_irritants,
        description="The employee irritants it addresses, most votes first.",
    )
    outcomes = strawberry.field(
        resolver=thrust_fields.initiative_outcomes,
        description="Per linked KPI, its movement since the start, credited by link weight.",
    )

    @strawberry.field(
        graphql_type=list[ChangeRequest],
        description="Change requests waiting for the CDO office, oldest first.",
    )
    def pending_changes(self, info: strawberry.Info) -> Any:
        return info.context.loaders.decisions.pending_changes.load(self.database_id)

    @strawberry.field(
        graphql_type=list[Waiver], description="Approval checks the CDO office waived on it."
    )
    def waivers(self, info: strawberry.Info) -> Any:
        return info.context.loaders.decisions.waivers.load(self.database_id)

    @strawberry.field(graphql_type=Connection[Update], description="Check-ins, by id.")
    def updates(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        order: Order = SortOrder.ASC,
    ) -> Any:
        pages = info.context.loaders.initiative_updates
        return pages.page(self.database_id, first, after, descending=order == SortOrder.DESC)

    @strawberry.field(
        graphql_type=Connection[AuditEventNode],
        description=(
            "Recorded changes of the initiative, its links, KPI links and check-ins, oldest first."
        ),
    )
    def history(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.initiative_history.page(self.database_id, first, after)


def _get(name: str) -> Any:
    return lambda update: getattr(update, name) if update is not None else None


def _linked(info: strawberry.Info, loader: str, initiative_id: int, kind: str) -> Any:
    links = getattr(info.context.loaders, loader).load(initiative_id)
    return then(links, lambda found: [node for link_kind, node in found if link_kind == kind])


@strawberry.type(name="InitiativeKpi", description="An initiative's contribution to a KPI.")
class InitiativeKpiNode:
    database_id: int = strawberry.field(description="The link's id in the database.")
    initiative_id: int = strawberry.field(description="Database id of the initiative.")
    kpi_id: int = strawberry.field(description="Database id of the KPI.")
    weight: Decimal = strawberry.field(description="Contribution weight, 0..1.")
    rationale: str = strawberry.field(description="Why the initiative moves the KPI.")

    @classmethod
    def from_row(cls, row: Any) -> "InitiativeKpiNode":
        """The node of an initiative_kpi row."""
        return cls(
            database_id=row.id,
            initiative_id=row.initiative_id,
            kpi_id=row.kpi_id,
            weight=row.weight,
            rationale=row.rationale,
        )

    @strawberry.field(graphql_type=Kpi, description="The KPI.")
    def kpi(self, info: strawberry.Info) -> Any:
        return info.context.loaders.kpi.load(self.kpi_id)

    @strawberry.field(graphql_type=Initiative, description="The initiative.")
    def initiative(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative.load(self.initiative_id)


@strawberry.type(name="ProgressUpdate", description="A check-in on an initiative (append-only).")
class ProgressUpdateNode(Node):
    initiative_id: int = strawberry.field(description="Database id of the initiative.")
    initiative_code: str = strawberry.field(description="Code of the initiative.")
    author_id: int | None = strawberry.field(description="Database id of the author.")
    reported_on: date = strawberry.field(description="The day the check-in reports on.")
    percent_complete: int = strawberry.field(description="Percent complete, 0..100.")
    health: Health = strawberry.field(description="Green, amber or red.")
    confidence: int | None = strawberry.field(description="Confidence 0..10.")
    spent_to_date: Decimal = strawberry.field(description="Money spent so far.")
    summary: str = strawberry.field(description="What happened.")
    blockers: str = strawberry.field(description="What is in the way.")
    next_steps: str = strawberry.field(description="What comes next.")
    created_at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, row: Any) -> "ProgressUpdateNode":
        """The node of a check-in row joined with its initiative's code."""
        return cls(
            database_id=row.id,
            initiative_id=row.initiative_id,
            initiative_code=row.initiative_code,
            author_id=row.author_id,
            reported_on=row.reported_on,
            percent_complete=row.percent_complete,
            health=row.health,
            confidence=row.confidence,
            spent_to_date=row.spent_to_date,
            summary=row.summary,
            blockers=row.blockers,
            next_steps=row.next_steps,
            created_at=row.created_at,
        )

    @strawberry.field(graphql_type=Initiative, description="The initiative.")
    def initiative(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative.load(self.initiative_id)

    @strawberry.field(graphql_type=Person | None, description="Who reported it.")
    def author(self, info: strawberry.Info) -> Any:
        return info.context.loaders.person.load(self.author_id) if self.author_id else None
