"""Choices the forms and filters offer: departments and people."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Department, Person
from service.departments import service as departments_service
from service.org import service as org_service
from service.org.payloads import PersonFilters

MAX_CHOICES = 5000


async def departments(session: AsyncSession) -> list[Department]:
    """Every department, by name."""
    rows = await departments_service.list_departments(session, limit=MAX_CHOICES)
    return sorted(rows, key=lambda d: d.name.lower())


async def people(session: AsyncSession, *, active_only: bool = False) -> list[Person]:
    """People (only the active ones when asked), by name."""
    filters = PersonFilters(is_active=True if active_only else None)
    rows = await org_service.list_people(session, filters=filters, limit=MAX_CHOICES)
    return sorted(rows, key=lambda p: p.name.lower())


def by_id(rows: Sequence[Department] | Sequence[Person]) -> dict[int, object]:
    """Rows keyed by id."""
    return {row.id: row for row in rows if row.id is not None}
