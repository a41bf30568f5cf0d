"""Wire shapes of the portfolio analytics, settings and snapshots."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from schema.enums import Severity


def _as_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Shares travel as JSON numbers (0.6667); money totals stay exact decimal strings ("600.00").
Share = Annotated[Decimal, PlainSerializer(_as_number, return_type=float, when_used="json")]


# What each initiative weighs in a share: its planned budget, its latest spend, or 1.
Weight = Literal["budget", "spent", "count"]

# Where a raised flag stands: still to act on, acknowledged, or snoozed until a day.
TriageState = Literal["to_act_on", "acknowledged", "snoozed"]


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


class DepartmentBalance(BaseModel):
    department_code: str
    client_share: Share | None
    total_weight: Decimal
    initiative_count: int
    within_band: bool | None = Field(description="band_min <= client_share <= band_max.")


class BalancePublic(BaseModel):
    """The client-facing share of a set of initiatives, overall and per department."""

    weight: Weight
    statuses: list[str]
    client_share: Share | None
    internal_share: Share | None
    total_weight: Decimal
    initiative_count: int
    band_min: Share
    band_max: Share
    within_band: bool | None = Field(description="band_min <= client_share <= band_max.")
    departments: list[DepartmentBalance]


class PersonName(BaseModel):
    id: int
    name: str


class FlagPublic(BaseModel):
    code: FlagCode
    severity: Severity
    entity_type: str = Field(description="portfolio, department, initiative or kpi.")
    entity_id: int | None
    entity_code: str | None
    department_code: str | None
    message: str
    stakes: Decimal = Field(
        default=Decimal("0"), description="Money at stake: the budget or spend concerned."
    )
    age_days: int = Field(default=0, description="Days since the flag was first seen.")
    state: TriageState = Field(
        default="to_act_on", description="to_act_on, acknowledged or snoozed."
    )
    should_act: PersonName | None = Field(
        default=None, description="Who should act: the assignee, owner or department head."
    )
    assigned_to: int | None = Field(default=None, description="Person the flag is assigned to.")
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    note: str = ""
    snoozed_until: date | None = Field(
        default=None, description="Out of the to-act-on list until this day."
    )


class FlagsPublic(BaseModel):
    """The flags on one page, the count of every code over all pages, and the next cursor."""

    items: list[FlagPublic]
    counts: dict[str, int]
    next_cursor: str | None


class KpiAccountability(BaseModel):
    kpi_id: int
    kpi_code: str
    is_owner: bool
    is_shared: bool


class DepartmentAccountability(BaseModel):
    department_id: int
    department_code: str
    department_name: str
    kpis: list[KpiAccountability]


class OrphanKpi(BaseModel):
    id: int
    code: str
    name: str
    owner_department_code: str | None


class InitiativeRef(BaseModel):
    id: int
    code: str
    title: str
    department_code: str
    budget_planned: Decimal


class AlignmentFigures(BaseModel):
    """How well the active work hangs on shared KPIs: the score and what it is made of."""

    alignment_score: Share | None
    aligned_weight: Decimal
    total_weight: Decimal
    initiative_count: int
    aligned_count: int


class AlignmentPublic(AlignmentFigures):
    """How well the active work hangs on shared KPIs, and who is accountable for what."""

    matrix: list[DepartmentAccountability]
    orphan_kpis: list[OrphanKpi]
    initiatives_without_kpi: list[InitiativeRef]


class PersonRef(BaseModel):
    id: int
    name: str
    title: str
    department_code: str | None
    is_active: bool


class LineInitiative(BaseModel):
    id: int
    code: str
    title: str
    status: str
    orientation: str
    client_share: Share
    budget_planned: Decimal
    department_code: str
    owner_id: int
    owner_name: str
    owner_depth: int = Field(description="0: the person; 1: a direct report; ...")


class PersonPortfolioPublic(BaseModel):
    """A person's reporting line: its initiatives (one page), balance and flag counts."""

    person: PersonRef
    line_size: int = Field(description="People in the line, the person included.")
    initiative_total: int = Field(description="Initiatives owned in the line, any status.")
    balance: BalancePublic
    flag_counts: dict[str, int]
    initiatives: list[LineInitiative]
    next_cursor: str | None


class PortfolioSettingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    band_min: Decimal | None = Field(
        default=None,
        ge=0,
        le=1,
        max_digits=5,
        decimal_places=4,
        description="Lowest acceptable client-facing share (0..1, at most band_max).",
    )
    band_max: Decimal | None = Field(
        default=None,
        ge=0,
        le=1,
        max_digits=5,
        decimal_places=4,
        description="Highest acceptable client-facing share (0..1).",
    )
    stale_after_days: int | None = Field(
        default=None, ge=1, le=3650, description="Days without check-in before STALE_UPDATE."
    )
    irritant_vote_threshold: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Votes from which an open irritant no active work addresses is flagged.",
    )
    budget_tolerance: Decimal | None = Field(
        default=None,
        ge=0,
        le=9,
        max_digits=5,
        decimal_places=4,
        description="How far (0.10: +10%) a department head may raise a planned budget"
        " before the raise goes to the CDO office as a change request.",
    )


class PortfolioSettingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    band_min: Share
    band_max: Share
    stale_after_days: int
    budget_tolerance: Share
    irritant_vote_threshold: int
    updated_at: datetime
    version: int


class SnapshotPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    taken_on: date
    client_share: Share | None
    total_weight: Decimal
    initiative_count: int
    alignment_score: Share | None
    flag_counts: dict[str, int] = Field(
        description="Flags raised per code: every code for a snapshot taken that day; for a"
        " backfilled month, only the codes its history can tell (the two skews and"
        " DEPARTMENT_UNCOVERED), the others absent."
    )
    departments: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    version: int
