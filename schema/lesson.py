"""The lessons library: the searchable text of every done or stopped initiative.

The database keeps `initiative_lesson` current (migration 0014), whatever surface writes:
one row per initiative while it is `done` or `stopped`, holding `lesson_document(title,
user_need, lessons_learned)` — its lessons (weight A), title (B) and user need (C), each
parsed in French and in English, and empty while no lesson is written — and when it
closed (the moment it moved to done or stopped; unknown for one created closed, e.g.
imported). The application only reads it; a separate table keeps the text vectors out of
every read of the initiatives themselves.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from schema.base import derived_value


class InitiativeLesson(SQLModel, table=True):
    __tablename__ = "initiative_lesson"
    __table_args__ = (
        sa.Index("ix_initiative_lesson_document", "document", postgresql_using="gin"),
    )

    initiative_id: int = Field(
        primary_key=True,
        sa_type=sa.BigInteger,
        sa_column_args=[sa.ForeignKey("initiative.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )
    document: str = Field(
        sa_type=TSVECTOR, nullable=False, sa_column_kwargs={"info": {"derived": True}}
    )
    closed_at: datetime | None = derived_value(sa.DateTime(timezone=True))
