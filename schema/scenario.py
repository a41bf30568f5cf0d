"""Saved scenarios: named sets of moves, evaluated against the live portfolio on demand."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from schema.base import Timestamped, fk_field, id_field
from schema.text import LONG_TEXT_MAX, NAME_MAX


class Scenario(Timestamped, table=True):
    """A named what-if: `moves` is the list the evaluation overlays on the live rows
    (`[{"initiative_id": 7, "status": "stopped"}, ...]`, decimals as strings)."""

    __tablename__ = "scenario"
    __table_args__ = (sa.CheckConstraint("jsonb_typeof(moves) = 'array'", name="moves_is_array"),)

    id: int | None = id_field()
    name: str = Field(max_length=NAME_MAX, unique=True)
    description: str = Field(default="", max_length=LONG_TEXT_MAX)
    moves: list[Any] = Field(default_factory=list, sa_type=JSONB)
    # RESTRICT: accounts are disabled, never deleted once they have acted.
    created_by: int | None = fk_field("account.id", ondelete="RESTRICT", nullable=True)
