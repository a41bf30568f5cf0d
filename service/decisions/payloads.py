"""Wire shapes of change requests, decisions and approval waivers."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schema.decision import ApprovalCheck, ChangeRequestStatus
from schema.text import NonBlankNote, Note


class WaiverIn(BaseModel):
    """Approve although `check` fails, for the stated `reason`."""

    model_config = ConfigDict(extra="forbid")

    check: ApprovalCheck = Field(description="The failing check: its flag code.")
    reason: NonBlankNote = Field(description="Why the CDO office approves anyway.")


Waivers = Annotated[
    list[WaiverIn],
    Field(max_length=len(ApprovalCheck), description="One reason per waived approval check."),
]


class WaiverPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    check: ApprovalCheck
    reason: str
    granted_by: int | None
    change_request_id: int | None
    created_at: datetime


class CheckPublic(BaseModel):
    """One approval check the initiative fails."""

    code: ApprovalCheck
    message: str


class ChangeRequestFilter(BaseModel):
    status: ChangeRequestStatus | None = None
    initiative_id: int | None = None


class ChangeRequestPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    initiative_id: int
    requested_by: int | None
    changes: dict[str, dict[str, Any]] = Field(
        description='`{field: {"from": old, "to": new}}`, values as the initiative shows them.'
    )
    status: ChangeRequestStatus
    decided_by: int | None
    comment: str
    created_at: datetime
    decided_at: datetime | None
    version: int


class ChangeRequestReview(ChangeRequestPublic):
    """A change request with the approval checks its approval would fail today."""

    checks: list[CheckPublic] = Field(
        description="Unmet approval checks (empty unless the request moves to approved)."
    )


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    comment: Note = ""
    waivers: Waivers = []
