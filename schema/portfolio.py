"""Portfolio-wide settings and dated snapshots of the portfolio figures."""

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from schema.base import Timestamped, id_field


class PortfolioSetting(Timestamped, table=True):
    """The single row (id = 1) of portfolio settings the CDO office sets."""

    __tablename__ = "portfolio_setting"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("band_max BETWEEN 0 AND 1", name="band_range"),
        sa.CheckConstraint("band_min BETWEEN 0 AND 1", name="band_min_range"),
        sa.CheckConstraint("band_min <= band_max", name="band_order"),
        sa.CheckConstraint("stale_after_days >= 1", name="stale_days_positive"),
        sa.CheckConstraint("budget_tolerance >= 0", name="budget_tolerance_positive"),
        sa.CheckConstraint("irritant_vote_threshold >= 1", name="irritant_votes_positive"),
    )

    id: int | None = Field(default=1, primary_key=True)
    band_max: Decimal = Field(default=Decimal("0.60"), sa_type=sa.Numeric(5, 4))
    band_min: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(5, 4))
    stale_after_days: int = Field(default=30)
    # How far a department head may raise a planned budget without the CDO office.
    budget_tolerance: Decimal = Field(default=Decimal("0.10"), sa_type=sa.Numeric(5, 4))
    # How many votes make an open irritant with no active initiative a flag.
    irritant_vote_threshold: int = Field(default=5, sa_column_kwargs={"server_default": "5"})


class PortfolioSnapshot(Timestamped, table=True):
    """The portfolio figures of one day (one row per day; retaking replaces it)."""

    __tablename__ = "portfolio_snapshot"

    id: int | None = id_field()
    taken_on: date = Field(unique=True)
    client_share: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 4))
    total_weight: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(16, 2))
    initiative_count: int = 0
    alignment_score: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 4))
    flag_counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    departments: list[Any] = Field(default_factory=list, sa_type=JSONB)


class DepartmentStatusTotal(SQLModel, table=True):
    """The initiatives of one lead department in one status, summed (migration 0003).

    Kept current by a trigger on `initiative` in the writing transaction; the application
    only reads it, for the unfiltered balance and the skew flags. Derived, so no version.
    """

    __tablename__ = "department_status_total"

    department_id: int = Field(
        sa_column_args=[sa.ForeignKey("department.id", ondelete="CASCADE")],
        sa_type=sa.BigInteger,
        primary_key=True,
    )
    status: str = Field(max_length=20, primary_key=True)
    initiative_count: int = 0
    client_share_total: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric())
    budget_total: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric())
    client_budget_total: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric())
    spent_total: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric())
    client_spent_total: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric())
