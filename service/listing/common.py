"""Helpers shared by the entity modules of the filter layer."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from schema import (
    Department,
    Initiative,
    Kpi,
    KpiDepartment,
    KpiMeasurement,
    Person,
    ProgressUpdate,
)

Condition = sa.ColumnElement[bool]

department = Department.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
initiative = Initiative.__table__  # type: ignore[attr-defined]
kpi = Kpi.__table__  # type: ignore[attr-defined]
kpi_department = KpiDepartment.__table__  # type: ignore[attr-defined]
measurement = KpiMeasurement.__table__  # type: ignore[attr-defined]
progress_update = ProgressUpdate.__table__  # type: ignore[attr-defined]


def any_of(column: Any, values: Iterable[Any]) -> Condition:
    """`column = ANY(:array)`: one bound array whatever the number of values."""
    return column == sa.any_(sa.literal(list(values), ARRAY(column.type)))


def equal(pairs: Iterable[tuple[Any, Any]]) -> list[Condition]:
    """`column = value` for each pair whose value is given (not None)."""
    return [column == value for column, value in pairs if value is not None]


def contains(columns: Iterable[Any], text: str | None) -> list[Condition]:
    """One condition: `text` is a case-insensitive substring of any of `columns`."""
    if not text:
        return []
    return [sa.or_(*(column.icontains(text, autoescape=True) for column in columns))]


def changed_since(changed_at: Any, since: datetime | None) -> list[Condition]:
    """The one meaning of `updated_since`: changed at or after the instant (inclusive)."""
    return [] if since is None else [changed_at >= since]


def between(column: Any, first: Any, last: Any) -> list[Condition]:
    """`column` on or after `first` and on or before `last`, each when given."""
    kept: list[Condition] = []
    if first is not None:
        kept.append(column >= first)
    if last is not None:
        kept.append(column <= last)
    return kept
