"""Wire shapes of scenarios: moves, evaluations, saved scenarios."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from schema.enums import InitiativeStatus, Orientation
from schema.text import LongText, NonBlankName
from service.initiatives.payloads import Money, Share
from service.portfolio.payloads import BalancePublic
from service.portfolio.payloads import Share as ShareFigure

MAX_MOVES = 500


class ScenarioMove(BaseModel):
    """One initiative as the scenario would change it; unset fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    initiative_id: int
    status: InitiativeStatus | None = None
    budget_planned: Money | None = None
    orientation: Orientation | None = None
    client_share: Share | None = Field(
        default=None, description="Settable for hybrid initiatives only."
    )
    department_id: int | None = None
    lessons_learned: LongText | None = Field(
        default=None, description="Required by a move to `stopped` when none is recorded."
    )


Moves = Annotated[list[ScenarioMove], Field(max_length=MAX_MOVES)]


class ScenarioEvaluate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    moves: Moves = Field(description=f"At most {MAX_MOVES} moves, one per initiative.")


class ScenarioCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NonBlankName = Field(description="Unique.")
    description: LongText = ""
    moves: Moves = Field(description=f"At most {MAX_MOVES} moves, one per initiative.")


class ScenarioFigures(BaseModel):
    """The portfolio figures on one side of a scenario."""

    balance: BalancePublic
    alignment_score: ShareFigure | None
    flag_counts: dict[str, int]


class FlagChange(BaseModel):
    """A flag raised on one side of a scenario and not on the other."""

    code: str
    severity: str
    entity_type: str = Field(description="portfolio, department, initiative or kpi.")
    entity_id: int | None
    entity_code: str | None
    name: str | None
    department_code: str | None


class ScenarioEvaluation(BaseModel):
    """The portfolio today (`before`) and as the moves would leave it (`after`)."""

    before: ScenarioFigures
    after: ScenarioFigures
    appearing: list[FlagChange]
    disappearing: list[FlagChange]


class ScenarioPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    moves: list[dict[str, Any]]
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class ScenarioDetail(ScenarioPublic):
    """A saved scenario with its evaluation against today's portfolio; when a move no
    longer applies (its initiative moved on), `evaluation` is null and `problem` says why."""

    evaluation: ScenarioEvaluation | None
    problem: str | None = None


class ScenarioComparison(BaseModel):
    """Two saved scenarios evaluated against the same portfolio."""

    a: ScenarioDetail
    b: ScenarioDetail


class AppliedMove(BaseModel):
    initiative_id: int
    code: str
    status: InitiativeStatus
    version: int


class ScenarioApplied(BaseModel):
    """The initiatives a scenario changed, as they are now."""

    scenario_id: int
    initiatives: list[AppliedMove]
