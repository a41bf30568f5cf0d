"""Portfolio analytics: balance, flags, KPI alignment and snapshots."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from service.graphql.connections import PageInfo
from service.graphql.types.common import Severity

if TYPE_CHECKING:
    from service.graphql.types.common import Node
    from service.graphql.types.initiatives import InitiativeNode
    from service.graphql.types.kpis import KpiNode
    from service.graphql.types.org import PersonNode

Person = Annotated["PersonNode", strawberry.lazy("service.graphql.types.org")]


@strawberry.enum(
    description="What each initiative weighs in a share: budget, spend, or 1.",
    graphql_name_from="value",
)
class BalanceWeight(StrEnum):
    budget = "budget"
    spent = "spent"
    one_each = "count"  # `count` would shadow str.count


@strawberry.enum(description="Why the portfolio is flagged (see the product brief's flag table).")
class FlagCode(StrEnum):
    PORTFOLIO_CLIENT_SKEW = "PORTFOLIO_CLIENT_SKEW"
    DEPARTMENT_CLIENT_SKEW = "DEPARTMENT_CLIENT_SKEW"
    DEPARTMENT_UNCOVERED = "DEPARTMENT_UNCOVERED"
    MISSING_ENABLER = "MISSING_ENABLER"
    NO_USER_NEED = "NO_USER_NEED"
    TECH_PUSH = "TECH_PUSH"
    NO_KPI = "NO_KPI"
    SILO_KPI = "SILO_KPI"
    STALE_UPDATE = "STALE_UPDATE"
    KPI_UNMEASURED = "KPI_UNMEASURED"
    CX_KPI_WITHOUT_EX_DRIVER = "CX_KPI_WITHOUT_EX_DRIVER"
    DONE_WITHOUT_KPI_MOVEMENT = "DONE_WITHOUT_KPI_MOVEMENT"
    OWNER_INACTIVE = "OWNER_INACTIVE"
    KPI_OVERCLAIMED = "KPI_OVERCLAIMED"
    ENABLER_LATE = "ENABLER_LATE"
    IRRITANT_UNADDRESSED = "IRRITANT_UNADDRESSED"


NodeRef = Annotated["Node", strawberry.lazy("service.graphql.types.common")]


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="One department's share of the balance.")
class DepartmentBalance:
    department_code: str = strawberry.field(description="Department code.")
    client_share: float | None = strawberry.field(description="Client-facing share 0..1.")
    total_weight: Decimal = strawberry.field(description="Sum of the weights.")
    initiative_count: int = strawberry.field(description="Initiatives counted.")
    within_band: bool | None = strawberry.field(description="bandMin <= clientShare <= bandMax.")


@strawberry.type(description="The client-facing share of a set of initiatives, vs the band.")
class PortfolioBalance:
    weight: BalanceWeight = strawberry.field(description="The weight used.")
    statuses: list[str] = strawberry.field(description="The statuses counted.")
    client_share: float | None = strawberry.field(
        description="Σ weight·client_share / Σ weight (null when Σ weight is 0)."
    )
    internal_share: float | None = strawberry.field(description="1 - clientShare.")
    total_weight: Decimal = strawberry.field(description="Σ weight.")
    initiative_count: int = strawberry.field(description="Initiatives counted.")
    band_min: float = strawberry.field(description="Lowest acceptable client-facing share.")
    band_max: float = strawberry.field(description="Highest acceptable client-facing share.")
    within_band: bool | None = strawberry.field(description="bandMin <= clientShare <= bandMax.")
    departments: list[DepartmentBalance] = strawberry.field(description="Per department.")

    @classmethod
    def from_public(cls, balance: Any) -> "PortfolioBalance":
        """The GraphQL shape of the analytics service's balance."""
        return cls(
            weight=balance.weight,
            statuses=list(balance.statuses),
            client_share=_share(balance.client_share),
            internal_share=_share(balance.internal_share),
            total_weight=balance.total_weight,
            initiative_count=balance.initiative_count,
            band_min=float(balance.band_min),
            band_max=float(balance.band_max),
            within_band=balance.within_band,
            departments=[
                DepartmentBalance(
                    department_code=d.department_code,
                    client_share=_share(d.client_share),
                    total_weight=d.total_weight,
                    initiative_count=d.initiative_count,
                    within_band=d.within_band,
                )
                for d in balance.departments
            ],
        )


ENTITY_LOADERS = {"initiative": "initiative", "kpi": "kpi", "department": "department"}


@strawberry.type(description="A portfolio flag: what is wrong, about what, and why.")
class Flag:
    code: FlagCode = strawberry.field(description="Stable code of the flag.")
    severity: Severity = strawberry.field(description="High, medium or low.")
    entity_type: str = strawberry.field(
        description="What it is about: portfolio, department, initiative or kpi."
    )
    entity_id: int | None = strawberry.field(description="Database id of the entity.")
    entity_code: str | None = strawberry.field(description="Code of the entity.")
    department_code: str | None = strawberry.field(description="Department concerned.")
    message: str = strawberry.field(description="Why, with the figures, in a sentence.")
    stakes: Decimal = strawberry.field(description="Money at stake: the budget or spend concerned.")
    age_days: int = strawberry.field(description="Days since the flag was first seen.")
    state: str = strawberry.field(description="to_act_on, acknowledged or snoozed.")
    acknowledged_by: str | None = strawberry.field(description="Who acknowledged it.")
    acknowledged_at: datetime | None = strawberry.field(description="When it was acknowledged.")
    note: str = strawberry.field(description="The triage note.")
    snoozed_until: date | None = strawberry.field(description="Out of the to-act-on list until.")
    assigned_to_id: strawberry.Private[int | None]
    should_act_id: strawberry.Private[int | None]

    @classmethod
    def from_public(cls, flag: Any) -> "Flag":
        """The GraphQL shape of the analytics service's flag."""
        return cls(
            code=flag.code,
            severity=flag.severity,
            entity_type=flag.entity_type,
            entity_id=flag.entity_id,
            entity_code=flag.entity_code,
            department_code=flag.department_code,
            message=flag.message,
            stakes=flag.stakes,
            age_days=flag.age_days,
            state=flag.state,
            acknowledged_by=flag.acknowledged_by,
            acknowledged_at=flag.acknowledged_at,
            note=flag.note,
            snoozed_until=flag.snoozed_until,
            assigned_to_id=flag.assigned_to,
            should_act_id=flag.should_act.id if flag.should_act else None,
        )

    @strawberry.field(graphql_type=Person | None, description="The person it is assigned to.")
    def assigned_to(self, info: strawberry.Info) -> Any:
        if self.assigned_to_id is None:
            return None
        return info.context.loaders.person.load(self.assigned_to_id)

    @strawberry.field(
        graphql_type=Person | None,
        description="Who should act: the assignee, else the owner, else the department head.",
    )
    def should_act(self, info: strawberry.Info) -> Any:
        if self.should_act_id is None:
            return None
        return info.context.loaders.person.load(self.should_act_id)

    @strawberry.field(graphql_type=NodeRef | None, description="The flagged object, if any.")
    def entity(self, info: strawberry.Info) -> Any:
        loader = ENTITY_LOADERS.get(self.entity_type)
        if loader is None or self.entity_id is None:
            return None
        return getattr(info.context.loaders, loader).load(self.entity_id)


@strawberry.type(description="How many flags of one code are raised.")
class FlagCount:
    code: FlagCode = strawberry.field(description="The flag code.")
    count: int = strawberry.field(description="Flags of that code (over all pages).")


def flag_counts(counts: dict[str, int]) -> list[FlagCount]:
    """Counts in a stable order (by code)."""
    return [FlagCount(code=FlagCode(code), count=count) for code, count in sorted(counts.items())]


@strawberry.type(description="A page of flags, by severity, code and entity.")
class PortfolioFlagConnection:
    nodes: list[Flag] = strawberry.field(description="The flags of the page.")
    counts: list[FlagCount] = strawberry.field(description="Count of every code, all pages.")
    page_info: PageInfo = strawberry.field(description="Cursor of the next page.")


@strawberry.type(description="A KPI in a department's accountability row.")
class KpiAccountability:
    kpi_id: int = strawberry.field(description="Database id of the KPI.")
    kpi_code: str = strawberry.field(description="KPI code.")
    is_owner: bool = strawberry.field(description="The department owns the KPI.")
    is_shared: bool = strawberry.field(description="Two or more departments are accountable.")


@strawberry.type(description="What one department is accountable for.")
class DepartmentAccountability:
    department_id: int = strawberry.field(description="Database id of the department.")
    department_code: str = strawberry.field(description="Department code.")
    department_name: str = strawberry.field(description="Department name.")
    kpis: list[KpiAccountability] = strawberry.field(description="Its KPIs.")


@strawberry.type(description="How well active work hangs on shared KPIs.")
class KpiAlignment:
    alignment_score: float | None = strawberry.field(
        description="Weighted share of active initiatives linked to a shared KPI."
    )
    aligned_weight: Decimal = strawberry.field(description="Weight of aligned initiatives.")
    total_weight: Decimal = strawberry.field(description="Weight of active initiatives.")
    initiative_count: int = strawberry.field(description="Active initiatives.")
    aligned_count: int = strawberry.field(description="Active initiatives on a shared KPI.")
    matrix: list[DepartmentAccountability] = strawberry.field(
        description="Department x KPI accountability matrix."
    )
    orphan_kpi_ids: strawberry.Private[list[int]]
    unlinked_ids: strawberry.Private[list[int]]

    @classmethod
    def from_public(cls, alignment: Any) -> "KpiAlignment":
        """The GraphQL shape of the analytics service's alignment."""
        return cls(
            alignment_score=_share(alignment.alignment_score),
            aligned_weight=alignment.aligned_weight,
            total_weight=alignment.total_weight,
            initiative_count=alignment.initiative_count,
            aligned_count=alignment.aligned_count,
            matrix=[
                DepartmentAccountability(
                    department_id=row.department_id,
                    department_code=row.department_code,
                    department_name=row.department_name,
                    kpis=[KpiAccountability(**kpi.model_dump()) for kpi in row.kpis],
                )
                for row in alignment.matrix
            ],
            orphan_kpi_ids=[kpi.id for kpi in alignment.orphan_kpis],
            unlinked_ids=[initiative.id for initiative in alignment.initiatives_without_kpi],
        )

    @strawberry.field(
        graphql_type=list[Annotated["KpiNode", strawberry.lazy("service.graphql.types.kpis")]],
        description="KPIs no initiative contributes to.",
    )
    async def orphan_kpis(self, info: strawberry.Info) -> Any:
        return await info.context.loaders.kpi.prime(self.orphan_kpi_ids)

    @strawberry.field(
        graphql_type=list[
            Annotated["InitiativeNode", strawberry.lazy("service.graphql.types.initiatives")]
        ],
        description="Active initiatives linked to no KPI.",
    )
    async def initiatives_without_kpi(self, info: strawberry.Info) -> Any:
        return await info.context.loaders.initiative.prime(self.unlinked_ids)


@strawberry.type(description="The portfolio figures of one day, for trend lines.")
class PortfolioSnapshot:
    database_id: int = strawberry.field(description="The snapshot's id in the database.")
    taken_on: date = strawberry.field(description="The day (one snapshot per day).")
    client_share: float | None = strawberry.field(description="Client-facing share that day.")
    total_weight: Decimal = strawberry.field(description="Σ weight that day.")
    initiative_count: int = strawberry.field(description="Active initiatives that day.")
    alignment_score: float | None = strawberry.field(description="Alignment score that day.")
    flag_counts: list[FlagCount] = strawberry.field(description="Flags raised that day.")
    departments: JSON = strawberry.field(description="Per-department balance that day.")
    created_at: datetime = strawberry.field(description="When it was first taken.")
    updated_at: datetime = strawberry.field(description="When it was last retaken.")

    @classmethod
    def from_row(cls, row: Any) -> "PortfolioSnapshot":
        """The node of a snapshot row."""
        return cls(
            database_id=row.id,
            taken_on=row.taken_on,
            client_share=_share(row.client_share),
            total_weight=row.total_weight,
            initiative_count=row.initiative_count,
            alignment_score=_share(row.alignment_score),
            flag_counts=flag_counts(row.flag_counts),
            departments=row.departments,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type(description="Snapshots in date order, one page.")
class PortfolioSnapshotConnection:
    nodes: list[PortfolioSnapshot] = strawberry.field(description="The snapshots of the page.")
    page_info: PageInfo = strawberry.field(description="Cursor of the next page.")
