"""Shared column helpers, naming convention and mixins for every table."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata.naming_convention = NAMING_CONVENTION

MONEY = sa.Numeric(14, 2)


def id_field() -> int | None:
    """Identity primary key (bigint)."""
    return Field(
        default=None,
        sa_column_kwargs={"autoincrement": True},
        primary_key=True,
        sa_type=sa.BigInteger,
    )


def fk_field(target: str, *, ondelete: str, nullable: bool = False, index: bool = True) -> int:
    """Foreign key to `target` (table.column) with a deliberate ON DELETE rule."""
    return Field(
        default=None,
        sa_column_args=[sa.ForeignKey(target, ondelete=ondelete)],
        sa_type=sa.BigInteger,
        nullable=nullable,
        index=index,
    )


def now_column(*, on_update: bool = False) -> datetime:
    """A timestamptz set by the database; refreshed on ORM updates when `on_update`."""
    kwargs: dict[str, object] = {"server_default": sa.func.now()}
    if on_update:
        kwargs["onupdate"] = sa.func.now()
    return Field(
        default=None,
        sa_type=sa.DateTime(timezone=True),
        nullable=False,
        sa_column_kwargs=kwargs,
    )


def derived_count() -> int:
    """A count the database keeps current with triggers; the application only reads it.

    Marked `derived` in the column info, so audit events and imports leave it out.
    """
    return Field(
        default=0,
        nullable=False,
        sa_column_kwargs={"server_default": "0", "info": {"derived": True}},
    )


def derived_value(sa_type: Any = None) -> Any:
    """A nullable value the database keeps current with triggers; the application reads it."""
    kwargs: dict[str, Any] = {"sa_type": sa_type} if sa_type is not None else {}
    return Field(
        default=None, nullable=True, sa_column_kwargs={"info": {"derived": True}}, **kwargs
    )


def is_derived(column: sa.Column[Any]) -> bool:
    """True for a column the database maintains (see `derived_count`)."""
    return bool(column.info.get("derived"))


class Timestamped(SQLModel):
    """`created_at`, `updated_at` and an optimistic-concurrency `version`.

    The ORM bumps `version` on every update and refuses one whose row changed meanwhile
    (StaleDataError); server-set values come back through RETURNING (eager defaults).
    """

    created_at: datetime = now_column()
    updated_at: datetime = now_column(on_update=True)
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})

    @declared_attr  # type: ignore[arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version, "eager_defaults": True}  # type: ignore[attr-defined]


def check_in(column: str, values: type) -> str:
    """SQL CHECK expression restricting `column` to the values of a str Enum."""
    allowed = ", ".join(f"'{member.value}'" for member in values)  # type: ignore[attr-defined]
    return f"{column} IN ({allowed})"
