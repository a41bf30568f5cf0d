"""Wire shapes of flag triage: the ranked list and the acknowledge, assign and snooze bodies."""

from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from schema.text import NonBlankNote, Note
from service.portfolio.payloads import FlagCode, FlagPublic

# What a flag is about, as the flag lists name it.
EntityType = Literal["portfolio", "department", "initiative", "kpi", "irritant"]
# Which flags a ranked list shows: still to act on, acknowledged, snoozed, or all of them.
View = Literal["to_act_on", "acknowledged", "snoozed", "all"]


class FlagKey(NamedTuple):
    """A flag's identity: its code and its subject (entity_id 0 for the portfolio)."""

    code: FlagCode
    entity_type: EntityType
    entity_id: int


class AcknowledgeIn(BaseModel):
    """Acknowledge the flag: it leaves the to-act-on list but stays counted."""

    model_config = ConfigDict(extra="forbid")

    note: NonBlankNote = Field(description="Why it is acknowledged, or what is done about it.")


class AssignIn(BaseModel):
    """Give the flag to a person, who then should act on it."""

    model_config = ConfigDict(extra="forbid")

    person_id: int = Field(description="An active person.")


class SnoozeIn(BaseModel):
    """Keep the flag out of the to-act-on list until a day after today."""

    model_config = ConfigDict(extra="forbid")

    until: date = Field(description="The day the flag comes back (after today).")
    note: Note = Field(default="", description="Why it waits.")


class CodeStakes(BaseModel):
    """The to-act-on flags of one code: how many, and the money at stake behind them."""

    count: int
    stakes: Decimal


class RankedFlags(BaseModel):
    """One page of flags by money at stake, then age, then severity; with the counts."""

    items: list[FlagPublic]
    counts: dict[str, int] = Field(description="Flags raised per code, whatever their state.")
    states: dict[str, int] = Field(description="Flags raised per state.")
    to_act_on: dict[str, CodeStakes] = Field(description="The to-act-on flags per code.")
    next_cursor: str | None
