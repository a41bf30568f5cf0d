"""Bulk builders of a small company, for tests that need many rows fast."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from schema import (
    Department,
    Initiative,
    InitiativeKpi,
    Kpi,
    KpiDepartment,
    KpiMeasurement,
    Person,
    ProgressUpdate,
)


@dataclass
class Company:
    department_ids: list[int]
    person_ids: list[int]
    kpi_ids: list[int]
    initiative_ids: list[int]


async def _insert(session: AsyncSession, model: type, rows: list[dict[str, object]]) -> list[int]:
    table = model.__table__  # type: ignore[attr-defined]
    result = await session.execute(sa.insert(table).returning(table.c.id), rows)
    return [row.id for row in result]


async def build_company(session: AsyncSession, initiatives: int, *, tag: str = "") -> Company:
    """Departments, a two-level reporting line, shared KPIs with measurements, and
    `initiatives` initiatives each linked to two KPIs and given four check-ins."""
    departments = await _insert(
        session,
        Department,
        [{"code": f"d{tag}{n}", "name": f"Department {n}"} for n in range(3)],
    )
    bosses = await _insert(
        session,
        Person,
        [
            {"name": f"Boss {n}", "email": f"boss{tag}{n}@example.com", "title": "Head"}
            | {"department_id": d}
            for n, d in enumerate(departments)
        ],
    )
    staff = await _insert(
        session,
        Person,
        [
            {"name": f"Staff {n}", "email": f"staff{tag}{n}@example.com", "title": "Lead"}
            | {"department_id": departments[n % 3], "manager_id": bosses[n % 3]}
            for n in range(6)
        ],
    )
    kpis = await _insert(
        session,
        Kpi,
        [
            {"code": f"K{tag}{n}", "name": f"KPI {n}", "direction": "increase"}
            | {"perspective": "operations", "unit": "%", "cadence": "monthly", "definition": ""}
            for n in range(4)
        ],
    )
    await _insert(
        session,
        KpiDepartment,
        [
            {"kpi_id": k, "department_id": departments[(n + p) % 3], "position": p}
            for n, k in enumerate(kpis)
            for p in range(1 + n % 2)
        ],
    )
    await _insert(
        session,
        KpiMeasurement,
        [
            {"kpi_id": k, "measured_on": date(2026, m, 1), "value": Decimal(n * 10 + m)}
            | {"source": "test"}
            for n, k in enumerate(kpis)
            for m in (1, 2, 3)
        ],
    )
    initiative_ids = await _insert(
        session,
        Initiative,
        [
            {
                "code": f"T{tag}-{n:05d}",
                "title": f"Initiative {n}",
                "description": "",
                "department_id": departments[n % 3],
                "owner_id": staff[n % 6],
                "status": "in_progress",
                "orientation": "internal",
                "client_share": Decimal("0"),
                "origin": "efficiency",
                "user_need": "",
                "target_users": "",
                "hypothesis": "",
                "lessons_learned": "",
                "budget_planned": Decimal("1000.00"),
            }
            for n in range(initiatives)
        ],
    )
    if initiative_ids:
        await _insert(
            session,
            InitiativeKpi,
            [
                {"initiative_id": i, "kpi_id": kpis[(n + j) % 4], "weight": Decimal("0.5")}
                | {"rationale": ""}
                for n, i in enumerate(initiative_ids)
                for j in (0, 1)
            ],
        )
        await _insert(
            session,
            ProgressUpdate,
            [
                {
                    "initiative_id": i,
                    "reported_on": date(2026, 1, day),
                    "percent_complete": 10 * day,
                    "health": "green",
                    "spent_to_date": Decimal(day),
                    "summary": f"Week {day}",
                    "blockers": "",
                    "next_steps": "",
                }
                for i in initiative_ids
                for day in (1, 2, 3, 4)
            ],
        )
    return Company(departments, bosses + staff, kpis, initiative_ids)
