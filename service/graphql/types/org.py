"""Departments and people: the organisation and its reporting line."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from service.graphql.connections import AFTER, FIRST, Connection
from service.graphql.types.analytics import BalanceWeight, PortfolioBalance
from service.graphql.types.audit import AuditEventNode
from service.graphql.types.common import InitiativeStatus, Node

if TYPE_CHECKING:
    from service.graphql.types.initiatives import InitiativeNode
    from service.graphql.types.kpis import KpiNode

Initiative = Annotated["InitiativeNode", strawberry.lazy("service.graphql.types.initiatives")]
Kpi = Annotated["KpiNode", strawberry.lazy("service.graphql.types.kpis")]
Person = Annotated["PersonNode", strawberry.lazy("service.graphql.types.org")]

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]


@strawberry.type(name="Department", description="A function of the company (marketing, it, hr...).")
class DepartmentNode(Node):
    code: str = strawberry.field(description="Unique slug, e.g. `hr`.")
    name: str = strawberry.field(description="Display name.")
    head_id: int | None = strawberry.field(description="Database id of the head (a Person).")
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version, +1 per change.")

    @classmethod
    def from_row(cls, row: Any) -> "DepartmentNode":
        """The node of a department row."""
        return cls(
            database_id=row.id,
            code=row.code,
            name=row.name,
            head_id=row.head_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    @strawberry.field(graphql_type=Person | None, description="The head.")
    def head(self, info: strawberry.Info) -> Any:
        return info.context.loaders.person.load(self.head_id) if self.head_id else None

    @strawberry.field(
        graphql_type=Connection[Person], description="People of the department, by id."
    )
    def people(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.department_people.page(self.database_id, first, after)

    @strawberry.field(
        graphql_type=Connection[Initiative],
        description="Initiatives the department leads, by id.",
    )
    def initiatives(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            list[InitiativeStatus] | None,
            strawberry.argument(description="Only initiatives in one of these statuses."),
        ] = None,
    ) -> Any:
        filters = (tuple(sorted(status)),) if status else ()
        pages = info.context.loaders.department_initiatives
        return pages.page(self.database_id, first, after, filters=filters)

    @strawberry.field(
        graphql_type=list[Kpi], description="KPIs the department is accountable for, by id."
    )
    def kpis(self, info: strawberry.Info) -> Any:
        return info.context.loaders.department_kpis.load(self.database_id)

    @strawberry.field(
        graphql_type=Connection[AuditEventNode],
        description="Recorded changes of the department, oldest first.",
    )
    def history(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.department_history.page(self.database_id, first, after)


@strawberry.type(name="Person", description="Someone in the reporting line.")
class PersonNode(Node):
    name: str = strawberry.field(description="Full name.")
    email: str = strawberry.field(description="Unique e-mail address.")
    title: str = strawberry.field(description="Job title.")
    department_id: int | None = strawberry.field(description="Database id of the department.")
    manager_id: int | None = strawberry.field(description="Database id of the manager.")
    is_active: bool = strawberry.field(description="False once the person has left.")
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version, +1 per change.")

    @classmethod
    def from_row(cls, row: Any) -> "PersonNode":
        """The node of a person row."""
        return cls(
            database_id=row.id,
            name=row.name,
            email=row.email,
            title=row.title,
            department_id=row.department_id,
            manager_id=row.manager_id,
            is_active=row.is_active,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    @strawberry.field(graphql_type=DepartmentNode | None, description="The person's department.")
    def department(self, info: strawberry.Info) -> Any:
        return (
            info.context.loaders.department.load(self.department_id) if self.department_id else None
        )

    @strawberry.field(graphql_type=Person | None, description="Direct manager.")
    def manager(self, info: strawberry.Info) -> Any:
        return info.context.loaders.person.load(self.manager_id) if self.manager_id else None

    @strawberry.field(graphql_type=list[Person], description="Direct reports, by id.")
    def reports(self, info: strawberry.Info) -> Any:
        return info.context.loaders.reports.load(self.database_id)

    @strawberry.field(
        graphql_type=list[Person],
        description="The managers above, from the direct manager up to the top.",
    )
    def chain(self, info: strawberry.Info) -> Any:
        return info.context.loaders.chain.load(self.database_id)

    @strawberry.field(
        graphql_type=PortfolioBalance,
        description=(
            "Balance of the initiatives owned by the person or anyone below them"
            " (one query per person: at most 50 people per request)."
        ),
    )
    def portfolio(
        self,
        info: strawberry.Info,
        weight: Annotated[
            BalanceWeight, strawberry.argument(description="What each initiative weighs.")
        ] = BalanceWeight.budget,
        statuses: Annotated[
            list[InitiativeStatus] | None,
            strawberry.argument(description="Statuses counted (default: active ones)."),
        ] = None,
    ) -> Any:
        chosen = tuple(sorted(str(s.value) for s in statuses or ()))
        key = (self.database_id, str(weight.value), chosen)
        return info.context.loaders.line_balance.load(key)

    @strawberry.field(
        graphql_type=Connection[Initiative], description="Initiatives the person owns, by id."
    )
    def initiatives_owned(
        self, info: strawberry.Info, first: First = None, after: After = None
    ) -> Any:
        return info.context.loaders.owned_initiatives.page(self.database_id, first, after)

    @strawberry.field(
        graphql_type=Connection[AuditEventNode],
        description="Recorded changes of the person, oldest first.",
    )
    def history(self, info: strawberry.Info, first: First = None, after: After = None) -> Any:
        return info.context.loaders.person_history.page(self.database_id, first, after)
