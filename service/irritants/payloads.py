"""Wire shapes of irritants, their votes and the initiatives that address them."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schema.enums import IrritantStatus, Severity
from schema.text import LongText, Name, NonBlankTitle, Note


class IrritantSort(StrEnum):
    votes = "votes"
    recent = "recent"


class IrritantCreate(BaseModel):
    """A pain point: a title and a department are enough; the raiser's vote counts."""

    model_config = ConfigDict(extra="forbid")

    title: NonBlankTitle
    department_id: int = Field(description="The department where it hurts.")
    description: LongText = ""
    process: Name = Field(default="", description='The process it hurts, e.g. "expense claims".')
    severity: Severity = Severity.medium


class IrritantUpdate(BaseModel):
    """Change an irritant; `status` closes (`closed`) or reopens (`open`) it with a reason."""

    model_config = ConfigDict(extra="forbid")

    title: NonBlankTitle | None = None
    description: LongText | None = None
    department_id: int | None = None
    process: Name | None = None
    severity: Severity | None = None
    status: Literal["open", "closed"] | None = Field(
        default=None,
        description="`closed` or `open` (reopen; it comes back `addressed` while a linked"
        " initiative is done). Department heads and the CDO office, with a `reason`.",
    )
    reason: Note | None = Field(default=None, description="Why it is closed or reopened.")

    @field_validator("*")
    @classmethod
    def _no_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name not in ("status", "reason"):
            raise ValueError("must not be null")
        return value


class IrritantFilter(BaseModel):
    status: IrritantStatus | None = None
    department_id: int | None = None
    sort: IrritantSort = Field(
        default=IrritantSort.votes,
        description="`votes` (most votes first) or `recent` (latest raised first).",
    )


class IrritantPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    department_id: int
    process: str
    severity: Severity
    status: IrritantStatus
    status_reason: str
    raised_by: int | None
    raised_at: datetime
    votes: int = Field(description="How many accounts voted for it (the raiser included).")
    initiative_ids: list[int] = Field(description="The initiatives that address it.")
    created_at: datetime
    updated_at: datetime
    version: int
