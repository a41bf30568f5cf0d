"""Which departments and people a list holds: their filters, declared once.

Used like `service.listing.initiatives`: build the dataclass from a surface's arguments,
`stmt.where(*conditions(f))`, order and page by `ORDER` (the id). `updated_since` is the
row's own `updated_at`, at or after the instant (inclusive): nothing shown on a department
or a person comes from another table.
"""

from dataclasses import dataclass
from datetime import datetime

from service.listing.common import Condition, changed_since, contains, department, equal, person

DEPARTMENT_ORDER = department.c.id
PERSON_ORDER = person.c.id


@dataclass(frozen=True)
class DepartmentFilters:
    """The filters of a department list."""

    updated_since: datetime | None = None


def department_conditions(f: DepartmentFilters) -> list[Condition]:
    """The WHERE conditions over the `department` table that `f` asks for."""
    return changed_since(department.c.updated_at, f.updated_since)


@dataclass(frozen=True)
class PersonFilters:
    """The filters of a people list (all optional, combined with AND)."""

    department_id: int | None = None
    manager_id: int | None = None  # direct reports of this person
    is_active: bool | None = None
    q: str | None = None  # case-insensitive substring of the name or the e-mail address
    updated_since: datetime | None = None


def person_conditions(f: PersonFilters) -> list[Condition]:
    """The WHERE conditions over the `person` table that `f` asks for."""
    c = person.c
    kept = equal(
        [
            (c.department_id, f.department_id),
            (c.manager_id, f.manager_id),
            (c.is_active, f.is_active),
        ]
    )
    kept += contains([c.name, c.email], f.q)
    kept += changed_since(c.updated_at, f.updated_since)
    return kept
