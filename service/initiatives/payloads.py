"""Wire shapes of initiatives, their KPI contributions, links and check-ins."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schema.enums import Health, InitiativeStatus, LinkKind, Orientation, Origin
from schema.text import Code, LongText, Name, NonBlankNote, NonBlankTitle, Note
from service.decisions.payloads import WaiverPublic, Waivers

# Upper-case letters and digits in dash-separated groups, e.g. `INI-042`.
CODE_PATTERN = r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"


Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Share = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]

# Fields an update may set to null; every other field refuses an explicit null.
_NULLABLE = frozenset({"sponsor_id", "start_date", "target_date"})


class InitiativeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(min_length=1, pattern=CODE_PATTERN, description="Unique, e.g. `INI-042`.")
    title: NonBlankTitle
    description: LongText = ""
    department_id: int = Field(description="Lead department.")
    owner_id: int = Field(description="Accountable person.")
    sponsor_id: int | None = None
    status: InitiativeStatus = Field(
        default=InitiativeStatus.proposed,
        description="`proposed` (default) or `approved` (the CDO office, through the approval"
        " gate: a new initiative has no KPI link yet, so `NO_KPI` must be waived).",
    )
    orientation: Orientation
    client_share: Share | None = Field(
        default=None, description="Settable for hybrid initiatives only (default 0.5)."
    )
    origin: Origin = Origin.user_need
    user_need: LongText = ""
    target_users: LongText = ""
    is_experiment: bool = False
    hypothesis: LongText = ""
    lessons_learned: LongText = ""
    start_date: date | None = None
    target_date: date | None = None
    budget_planned: Money = Decimal("0")
    waivers: Waivers = Field(
        default=[], description="With `status: approved` (CDO office): waived checks."
    )


class InitiativeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code | None = Field(default=None, min_length=1, pattern=CODE_PATTERN)
    title: NonBlankTitle | None = None
    description: LongText | None = None
    department_id: int | None = None
    owner_id: int | None = None
    sponsor_id: int | None = None
    status: InitiativeStatus | None = Field(
        default=None, description="A status change; see the allowed transitions."
    )
    orientation: Orientation | None = None
    client_share: Share | None = None
    origin: Origin | None = None
    user_need: LongText | None = None
    target_users: LongText | None = None
    is_experiment: bool | None = None
    hypothesis: LongText | None = None
    lessons_learned: LongText | None = None
    start_date: date | None = None
    target_date: date | None = None
    budget_planned: Money | None = None
    waivers: Waivers = Field(
        default=[], description="With a move to `approved` (CDO office): waived checks."
    )

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name not in _NULLABLE:
            raise ValueError("may not be null")
        return value


class InitiativeFilter(BaseModel):
    """Filters of the initiative list (all optional, combined with AND)."""

    department_id: int | None = None
    status: list[InitiativeStatus] | None = Field(
        default=None, description="Repeat to match any of several statuses."
    )
    orientation: Orientation | None = None
    origin: Origin | None = None
    owner_id: int | None = None
    sponsor_id: int | None = None
    is_experiment: bool | None = None
    q: Name | None = Field(
        default=None, description="Substring of the code, the title or the description."
    )
    updated_since: datetime | None = Field(
        default=None, description="Changed, or given a check-in written, at or after this."
    )


class InitiativePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    title: str
    description: str
    department_id: int
    owner_id: int
    sponsor_id: int | None
    status: InitiativeStatus
    orientation: Orientation
    client_share: Decimal
    origin: Origin
    user_need: str
    target_users: str
    is_experiment: bool
    hypothesis: str
    lessons_learned: str
    start_date: date | None
    target_date: date | None
    budget_planned: Decimal
    created_at: datetime
    updated_at: datetime
    version: int
    health: Health | None = Field(description="From the latest check-in.")
    percent_complete: int | None = Field(description="From the latest check-in.")
    spent_to_date: Decimal | None = Field(description="From the latest check-in.")
    last_update_on: date | None = Field(description="`reported_on` of the latest check-in.")


class InitiativeDetail(InitiativePublic):
    """One initiative, with the approval checks the CDO office waived on it."""

    waivers: list[WaiverPublic] = Field(description="Waived approval checks, oldest first.")


class KpiLinkPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weight: Share = Field(default=Decimal("1"), description="Contribution to the KPI, 0..1.")
    rationale: Note = ""


class KpiLinkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    initiative_id: int
    kpi_id: int
    kpi_code: str
    kpi_name: str
    weight: Decimal
    rationale: str
    created_at: datetime
    updated_at: datetime
    version: int


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: LinkKind = Field(description="`enables` or `depends_on`.")
    to_id: int = Field(description="The other initiative.")


class LinkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_id: int
    kind: LinkKind
    to_id: int
    created_at: datetime
    updated_at: datetime
    version: int


class CheckInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reported_on: date | None = Field(default=None, description="Defaults to today.")
    percent_complete: int = Field(ge=0, le=100)
    health: Health
    confidence: int | None = Field(default=None, ge=0, le=10)
    spent_to_date: Money | None = Field(
        default=None, description="Defaults to the latest check-in's figure (or 0)."
    )
    summary: NonBlankNote
    blockers: Note = ""
    next_steps: Note = ""
    author_id: int | None = Field(
        default=None,
        description="The signed-in person (the default); only the CDO office names another.",
    )


class CheckInPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    initiative_id: int
    author_id: int | None
    reported_on: date
    percent_complete: int
    health: Health
    confidence: int | None
    spent_to_date: Decimal
    summary: str
    blockers: str
    next_steps: str
    created_at: datetime
