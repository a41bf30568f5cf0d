"""Which initiatives a list holds: the filters every surface takes, declared once.

REST (`GET /api/v1/initiatives`), GraphQL (`initiatives`, both execution paths), the
initiatives page and the export build an `InitiativeFilters` from their own argument
names and add `conditions(filters)` to a statement over the `initiative` table::

    from service.listing import initiatives as listing

    f = listing.InitiativeFilters(statuses=("in_progress",), updated_since=since)
    stmt = sa.select(listing.TABLE.c.id).where(*listing.conditions(f))
    stmt = stmt.order_by(listing.ORDER).limit(n + 1)   # keyset: listing.ORDER > last id

Every filter is optional; given filters combine with AND; an empty `statuses` or `q`
filters nothing. Meanings:

- `q`: a case-insensitive substring of the code, the title or the description;
- `owner_line`: owned by that person or by anyone below them in the reporting line;
- `updated_since`: the initiative changed at or after that instant (inclusive), or a
  figure shown on it did: one of its check-ins (which carry the latest health, percent
  complete and spend to date) was written then, back-dated ones included.
  `greatest(updated_at, figures_changed_at)` (the database keeps the second on every
  check-in; migration 0018) is indexed with the id, so an incremental pull is an index scan.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.listing.common import (
    Condition,
    any_of,
    changed_since,
    contains,
    equal,
    initiative,
    person,
)

TABLE = initiative
# Lists are in id order; a keyset cursor is the last id of a page.
ORDER = initiative.c.id
# When the initiative or a figure shown on it last changed (see `updated_since`).
CHANGED_AT = sa.func.greatest(initiative.c.updated_at, initiative.c.figures_changed_at)


@dataclass(frozen=True)
class InitiativeFilters:
    """The filters of an initiative list (all optional, combined with AND)."""

    department_id: int | None = None
    statuses: Sequence[str] | None = None  # any of these statuses
    orientation: str | None = None
    origin: str | None = None
    owner_id: int | None = None
    sponsor_id: int | None = None
    is_experiment: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None
    owner_line: int | None = None  # a person: owned by them or anyone below them
    ids: Sequence[int] | None = None  # only these initiatives


def conditions(f: InitiativeFilters) -> list[Condition]:
    """The WHERE conditions over the `initiative` table that `f` asks for."""
    c = initiative.c
    kept = equal(
        [
            (c.department_id, f.department_id),
            (c.orientation, f.orientation),
            (c.origin, f.origin),
            (c.owner_id, f.owner_id),
            (c.sponsor_id, f.sponsor_id),
            (c.is_experiment, f.is_experiment),
        ]
    )
    if f.statuses:
        kept.append(any_of(c.status, [str(status) for status in f.statuses]))
    if f.owner_line is not None:
        kept.append(c.owner_id.in_(line_of(f.owner_line)))
    if f.ids is not None:
        kept.append(any_of(c.id, f.ids))
    kept += contains([c.code, c.title, c.description], f.q)
    kept += changed_since(CHANGED_AT, f.updated_since)
    return kept


def line_of(person_id: int) -> sa.Select[Any]:
    """The ids of a person and of everyone below them in the reporting line."""
    line = (
        sa.select(person.c.id.label("id"))
        .where(person.c.id == person_id)
        .cte("line", recursive=True)
    )
    below = sa.select(person.c.id).join(line, person.c.manager_id == line.c.id)
    return sa.select(line.union_all(below).c.id)
