"""Which KPIs and KPI measurements a list holds: their filters, declared once.

Used like `service.listing.initiatives`: build the dataclass from a surface's arguments,
`stmt.where(*conditions(f))`, order and page by the id. Meanings:

- a KPI's `updated_since`: the KPI changed at or after the instant (inclusive), or one of
  its measurements was written then (its latest measurement is shown on it);
  `greatest(updated_at, figures_changed_at)`, the second kept by the database (migration
  0018);
- a KPI's `department_id`: the department is one of those accountable for it; `shared`:
  two or more departments are; `q`: a substring of the code or the name;
- a measurement's `updated_since`: the measurement was recorded or changed then;
  `measured_from` / `measured_to`: its day, both ends included.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from service.listing.common import (
    Condition,
    any_of,
    between,
    changed_since,
    contains,
    equal,
    kpi,
    kpi_department,
    measurement,
)

KPI_ORDER = kpi.c.id
MEASUREMENT_ORDER = measurement.c.id
# When the KPI or its measurements last changed (see `updated_since`).
KPI_CHANGED_AT = sa.func.greatest(kpi.c.updated_at, kpi.c.figures_changed_at)


@dataclass(frozen=True)
class KpiFilters:
    """The filters of a KPI list (all optional, combined with AND)."""

    perspective: str | None = None
    department_id: int | None = None  # accountable for the KPI
    shared: bool | None = None  # two or more accountable departments, or fewer
    q: str | None = None
    updated_since: datetime | None = None


def kpi_conditions(f: KpiFilters) -> list[Condition]:
    """The WHERE conditions over the `kpi` table that `f` asks for."""
    c = kpi.c
    kept = equal([(c.perspective, f.perspective)])
    if f.department_id is not None:
        accountable = sa.select(kpi_department.c.kpi_id).where(
            kpi_department.c.department_id == f.department_id
        )
        kept.append(c.id.in_(accountable))
    if f.shared is not None:
        count = (
            sa.select(sa.func.count())
            .where(kpi_department.c.kpi_id == c.id)
            .correlate(kpi)
            .scalar_subquery()
        )
        kept.append(count >= 2 if f.shared else count < 2)
    kept += contains([c.code, c.name], f.q)
    kept += changed_since(KPI_CHANGED_AT, f.updated_since)
    return kept


@dataclass(frozen=True)
class MeasurementFilters:
    """The filters of a KPI measurement list (all optional, combined with AND)."""

    kpi_ids: Sequence[int] | None = None
    measured_from: date | None = None
    measured_to: date | None = None
    updated_since: datetime | None = None


def measurement_conditions(f: MeasurementFilters) -> list[Condition]:
    """The WHERE conditions over the `kpi_measurement` table that `f` asks for."""
    c = measurement.c
    kept = [] if f.kpi_ids is None else [any_of(c.kpi_id, f.kpi_ids)]
    kept += between(c.measured_on, f.measured_from, f.measured_to)
    kept += changed_since(c.updated_at, f.updated_since)
    return kept
