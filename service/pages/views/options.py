"""Choices the forms and filters offer: departments, and the labels of chosen people and
KPIs (the pickers search the REST API; the pages never list every person or KPI)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from schema import Department, Person
from service.departments import service as departments_service
from service.errors import DomainError
from service.kpis import service as kpis_service
from service.org import service as org_service

MAX_CHOICES = 5000


async def departments(session: AsyncSession) -> list[Department]:
    """Every department, by name."""
    rows = await departments_service.list_departments(session, limit=MAX_CHOICES)
    return sorted(rows, key=lambda d: d.name.lower())


async def people_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Person]:
    """The people with these ids, keyed by id (one statement; none without ids)."""
    if not ids:
        return {}
    rows = await session.scalars(select(Person).where(col(Person.id).in_(list(ids))))
    return {row.id: row for row in rows.all() if row.id is not None}


def chosen_id(value: Any) -> int | None:
    """The id a picker's field holds, or None when it holds no id."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


async def person_label(session: AsyncSession, value: Any) -> str:
    """`Name — Title` of the person a picker's field holds; empty when it names no one."""
    person_id = chosen_id(value)
    if person_id is None:
        return ""
    try:
        person = await org_service.get_person(session, person_id)
    except DomainError:
        return ""
    return f"{person.name} — {person.title}" if person.title else person.name


async def kpi_label(session: AsyncSession, value: Any) -> str:
    """`CODE — name` of the KPI a picker's field holds; empty when it names none."""
    kpi_id = chosen_id(value)
    if kpi_id is None:
        return ""
    try:
        kpi = await kpis_service.get_kpi(session, kpi_id)
    except DomainError:
        return ""
    return f"{kpi.code} — {kpi.name}"
