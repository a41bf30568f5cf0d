"""Which check-ins (progress updates) a list holds: their filters, declared once.

Used like `service.listing.initiatives`. Check-ins are append-only, so `updated_since`
means recorded (`created_at`) at or after the instant (inclusive); `reported_from` /
`reported_to` bound the day reported on, both ends included.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from service.listing.common import Condition, any_of, between, changed_since, progress_update

ORDER = progress_update.c.id


@dataclass(frozen=True)
class ProgressUpdateFilters:
    """The filters of a check-in list (all optional, combined with AND)."""

    initiative_ids: Sequence[int] | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    updated_since: datetime | None = None


def conditions(f: ProgressUpdateFilters) -> list[Condition]:
    """The WHERE conditions over the `progress_update` table that `f` asks for."""
    c = progress_update.c
    kept = [] if f.initiative_ids is None else [any_of(c.initiative_id, f.initiative_ids)]
    kept += between(c.reported_on, f.reported_from, f.reported_to)
    kept += changed_since(c.created_at, f.updated_since)
    return kept
