"""KPIs, their accountable departments, drivers and measurements."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from schema.base import (
    Timestamped,
    check_in,
    derived_value,
    fk_field,
    id_field,
)
from schema.enums import Cadence, Direction, Perspective
from schema.text import CODE_MAX, LONG_TEXT_MAX, NAME_MAX

VALUE = sa.Numeric(18, 4)


class Kpi(Timestamped, table=True):
    __tablename__ = "kpi"
    __table_args__ = (
        sa.CheckConstraint(check_in("direction", Direction), name="direction"),
        sa.CheckConstraint(check_in("perspective", Perspective), name="perspective"),
        sa.CheckConstraint(check_in("cadence", Cadence), name="cadence"),
    )

    id: int | None = id_field()
    code: str = Field(max_length=CODE_MAX, unique=True)
    name: str = Field(max_length=NAME_MAX)
    definition: str = Field(default="", max_length=LONG_TEXT_MAX)
    unit: str = Field(default="", max_length=CODE_MAX)
    direction: str = Field(max_length=20)
    perspective: str = Field(max_length=20, index=True)
    baseline_value: Decimal | None = Field(default=None, sa_type=VALUE)
    baseline_date: date | None = None
    target_value: Decimal | None = Field(default=None, sa_type=VALUE)
    target_date: date | None = None
    cadence: str = Field(default=Cadence.monthly, max_length=20)
    # Kept current by the database (migration 0003): the latest measurement, whatever its day.
    last_measured_on: date | None = derived_value()
    last_value: Decimal | None = derived_value(VALUE)
    # When its measurements (so its latest one) last changed: the latest time one of them
    # was written, kept by the database (migration 0018).
    figures_changed_at: datetime | None = derived_value(sa.DateTime(timezone=True))
    # Kept current by the database (migration 0009): the weights of its links from active
    # initiatives, summed (KPI_OVERCLAIMED above 1).
    claimed_weight: Decimal = Field(
        default=Decimal("0"),
        nullable=False,
        sa_type=sa.Numeric(),
        sa_column_kwargs={"server_default": "0", "info": {"derived": True}},
    )


class KpiDepartment(Timestamped, table=True):
    """A department accountable for a KPI; position 0 is the owner."""

    __tablename__ = "kpi_department"
    __table_args__ = (
        sa.UniqueConstraint("kpi_id", "department_id", name="uq_kpi_department_kpi_department"),
        sa.UniqueConstraint("kpi_id", "position", name="uq_kpi_department_kpi_position"),
        sa.CheckConstraint("position >= 0", name="position_non_negative"),
    )

    id: int | None = id_field()
    kpi_id: int = fk_field("kpi.id", ondelete="CASCADE", index=False)
    department_id: int = fk_field("department.id", ondelete="RESTRICT")
    position: int = Field(default=0)


class KpiDriver(Timestamped, table=True):
    __tablename__ = "kpi_driver"
    __table_args__ = (
        sa.CheckConstraint("driver_kpi_id <> driven_kpi_id", name="no_self_driver"),
        sa.UniqueConstraint("driver_kpi_id", "driven_kpi_id", name="uq_kpi_driver_pair"),
    )

    id: int | None = id_field()
    driver_kpi_id: int = fk_field("kpi.id", ondelete="CASCADE", index=False)
    driven_kpi_id: int = fk_field("kpi.id", ondelete="CASCADE")


class KpiMeasurement(Timestamped, table=True):
    __tablename__ = "kpi_measurement"
    __table_args__ = (
        sa.UniqueConstraint("kpi_id", "measured_on", name="uq_kpi_measurement_kpi_measured_on"),
        sa.Index("ix_kpi_measurement_updated_at_id", "updated_at", "id"),
        # A KPI's value at a date, read from the index alone (KPI movement flags).
        sa.Index(
            "ix_kpi_measurement_kpi_value", "kpi_id", "measured_on", postgresql_include=["value"]
        ),
    )

    id: int | None = id_field()
    kpi_id: int = fk_field("kpi.id", ondelete="CASCADE", index=False)
    measured_on: date
    value: Decimal = Field(sa_type=VALUE)
    source: str = Field(default="", max_length=NAME_MAX)
    recorded_by_id: int | None = fk_field("person.id", ondelete="SET NULL", nullable=True)
