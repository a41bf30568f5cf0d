"""Initiatives, the links between them, and their KPI contributions."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from schema.base import (
    MONEY,
    Timestamped,
    check_in,
    derived_count,
    derived_value,
    fk_field,
    id_field,
)
from schema.enums import InitiativeStatus, LinkKind, Orientation, Origin
from schema.text import CODE_MAX, LONG_TEXT_MAX, NOTE_MAX, TITLE_MAX


def _flag_index(name: str, where: str) -> sa.Index:
    """A partial index of the initiatives one flag looks at, by status."""
    return sa.Index(
        name,
        "status",
        postgresql_include=["id", "code", "department_id", "owner_id"],
        postgresql_where=sa.text(where),
    )


class Initiative(Timestamped, table=True):
    __tablename__ = "initiative"
    __table_args__ = (
        sa.CheckConstraint(check_in("status", InitiativeStatus), name="status"),
        sa.CheckConstraint(check_in("orientation", Orientation), name="orientation"),
        sa.CheckConstraint(check_in("origin", Origin), name="origin"),
        sa.CheckConstraint("client_share BETWEEN 0 AND 1", name="client_share_range"),
        sa.CheckConstraint(
            "(orientation = 'client_facing' AND client_share = 1)"
            " OR (orientation = 'internal' AND client_share = 0)"
            " OR orientation = 'hybrid'",
            name="client_share_matches_orientation",
        ),
        sa.CheckConstraint(
            "status <> 'stopped' OR length(trim(coalesce(lessons_learned, ''))) > 0",
            name="stopped_has_lessons",
        ),
        sa.CheckConstraint("budget_planned >= 0", name="budget_non_negative"),
        sa.CheckConstraint(
            "target_date IS NULL OR start_date IS NULL OR target_date >= start_date",
            name="dates_ordered",
        ),
        sa.Index("ix_initiative_updated_at_id", "updated_at", "id"),
        # Incremental pulls (`updated_since`): the row or a figure shown on it changed.
        sa.Index(
            "ix_initiative_changed_at_id",
            sa.text("greatest(updated_at, figures_changed_at)"),
            "id",
        ),
        sa.Index("ix_initiative_status_department", "status", "department_id"),
        # Portfolio analytics read only these columns: index-only scans by status, and by
        # owner for a reporting line (skip scan over the few statuses on PostgreSQL 18).
        sa.Index(
            "ix_initiative_portfolio",
            "status",
            "owner_id",
            postgresql_include=[
                "id",
                "code",
                "department_id",
                "orientation",
                "client_share",
                "origin",
                "budget_planned",
                "start_date",
                "created_at",
                "kpi_count",
                "shared_kpi_count",
                "spent_to_date",
            ],
        ),
        # The few initiatives that state no user need (the NO_USER_NEED flag).
        sa.Index(
            "ix_initiative_blank_user_need",
            "status",
            postgresql_include=["id", "code", "department_id", "owner_id", "origin"],
            postgresql_where=sa.text("btrim(user_need) = ''"),
        ),
        # One small index per flag the maintained counts answer (see the flags module).
        _flag_index("ix_initiative_without_kpi", "kpi_count = 0"),
        _flag_index("ix_initiative_silo_kpi", "kpi_count > 0 AND shared_kpi_count = 0"),
        _flag_index(
            "ix_initiative_without_enabler", "orientation = 'client_facing' AND enabler_count = 0"
        ),
        # Promises with live enablers and a date (the ENABLER_LATE flag), from the index alone.
        sa.Index(
            "ix_initiative_enabled_promise",
            "status",
            postgresql_include=["id", "code", "department_id", "target_date"],
            postgresql_where=sa.text(
                "orientation = 'client_facing' AND target_date IS NOT NULL AND enabler_count > 0"
            ),
        ),
        _flag_index("ix_initiative_technology", "origin = 'technology'"),
        _flag_index(
            "ix_initiative_done_unmoved",
            "status = 'done' AND kpi_count > 0 AND moved_kpi_count = 0",
        ),
        # In-progress work by its latest check-in (the STALE_UPDATE flag).
        sa.Index(
            "ix_initiative_in_progress_check_in",
            "last_check_in_on",
            postgresql_include=[
                "id",
                "code",
                "department_id",
                "owner_id",
                "start_date",
                "created_at",
            ],
            postgresql_where=sa.text("status = 'in_progress'"),
        ),
    )

    id: int | None = id_field()
    code: str = Field(max_length=CODE_MAX, unique=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=LONG_TEXT_MAX)
    department_id: int = fk_field("department.id", ondelete="RESTRICT")
    owner_id: int = fk_field("person.id", ondelete="RESTRICT")
    sponsor_id: int | None = fk_field("person.id", ondelete="SET NULL", nullable=True)
    status: str = Field(default=InitiativeStatus.proposed, max_length=20, index=True)
    orientation: str = Field(max_length=20, index=True)
    client_share: Decimal = Field(sa_type=sa.Numeric(5, 4))
    origin: str = Field(default=Origin.user_need, max_length=20)
    user_need: str = Field(default="", max_length=LONG_TEXT_MAX)
    target_users: str = Field(default="", max_length=LONG_TEXT_MAX)
    is_experiment: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    hypothesis: str = Field(default="", max_length=LONG_TEXT_MAX)
    lessons_learned: str = Field(default="", max_length=LONG_TEXT_MAX)
    start_date: date | None = None
    target_date: date | None = None
    budget_planned: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    # Kept current by the database (migration 0003): how many KPIs the initiative is linked
    # to, how many of them are shared, how many internal or hybrid initiatives (not stopped)
    # enable it, how many of its KPIs moved toward target since it started (counted while it
    # is done), and its latest check-in (by day, then id): the day, the id and its spend.
    kpi_count: int = derived_count()
    shared_kpi_count: int = derived_count()
    enabler_count: int = derived_count()
    moved_kpi_count: int = derived_count()
    last_check_in_on: date | None = derived_value()
    last_check_in_id: int | None = derived_value(sa.BigInteger)
    spent_to_date: Decimal | None = derived_value(MONEY)
    # When a figure shown from its check-ins (health, percent, spend) last changed: the
    # latest time one of its check-ins was written, kept by the database (migration 0018).
    figures_changed_at: datetime | None = derived_value(sa.DateTime(timezone=True))


class InitiativeLink(Timestamped, table=True):
    __tablename__ = "initiative_link"
    __table_args__ = (
        sa.CheckConstraint(check_in("kind", LinkKind), name="kind"),
        sa.CheckConstraint("from_id <> to_id", name="no_self_link"),
        sa.UniqueConstraint("from_id", "kind", "to_id", name="uq_initiative_link_from_kind_to"),
    )

    id: int | None = id_field()
    from_id: int = fk_field("initiative.id", ondelete="CASCADE", index=False)
    kind: str = Field(max_length=20)
    to_id: int = fk_field("initiative.id", ondelete="CASCADE")


class InitiativeKpi(Timestamped, table=True):
    __tablename__ = "initiative_kpi"
    __table_args__ = (
        sa.CheckConstraint("weight BETWEEN 0 AND 1", name="weight_range"),
        sa.UniqueConstraint("initiative_id", "kpi_id", name="uq_initiative_kpi_initiative_kpi"),
        # An initiative's KPIs and their values at its start, from the index alone.
        sa.Index(
            "ix_initiative_kpi_start_value",
            "initiative_id",
            postgresql_include=["kpi_id", "start_value"],
        ),
    )

    id: int | None = id_field()
    initiative_id: int = fk_field("initiative.id", ondelete="CASCADE", index=False)
    kpi_id: int = fk_field("kpi.id", ondelete="RESTRICT")
    weight: Decimal = Field(default=Decimal("1"), sa_type=sa.Numeric(5, 4))
    rationale: str = Field(default="", max_length=NOTE_MAX)
    # Kept current by the database (migration 0003): the KPI's last measured value on or
    # before the initiative's start date (null without one), and whether the KPI's latest
    # value beats it (else the KPI's baseline) in the KPI's direction.
    start_value: Decimal | None = derived_value(sa.Numeric(18, 4))
    moved: bool = Field(
        default=False,
        nullable=False,
        sa_column_kwargs={"server_default": sa.false(), "info": {"derived": True}},
    )
