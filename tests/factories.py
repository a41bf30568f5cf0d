"""Plain async factories: each builds one row with sensible defaults and flushes it."""

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schema import (
    Department,
    Initiative,
    InitiativeKpi,
    InitiativeLink,
    Kpi,
    KpiDepartment,
    KpiDriver,
    KpiMeasurement,
    Person,
    ProgressUpdate,
)
from service.initiatives import rules

_seq = itertools.count(1)


async def _save(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row


async def make_department(session: AsyncSession, **fields: Any) -> Department:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"dept-{n}", "name": f"Department {n}"} | fields
    return await _save(session, Department(**values))


async def make_person(session: AsyncSession, **fields: Any) -> Person:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Person {n}",
        "email": f"person{n}@example.com",
        "title": "Manager",
    } | fields
    if "department_id" not in values:
        values["department_id"] = (await make_department(session)).id
    return await _save(session, Person(**values))


async def make_initiative(session: AsyncSession, **fields: Any) -> Initiative:
    n = next(_seq)
    orientation = fields.get("orientation", "internal")
    values: dict[str, Any] = {
        "code": f"INI-{n:04d}",
        "title": f"Initiative {n}",
        "status": "in_progress",
        "orientation": orientation,
        "client_share": rules.CLIENT_SHARE[orientation],
        "origin": "user_need",
        "user_need": "Teams lose time re-keying data.",
        "budget_planned": Decimal("100.00"),
        "start_date": date(2026, 1, 1),
    } | fields
    if "department_id" not in values:
        values["department_id"] = (await make_department(session)).id
    if "owner_id" not in values:
        values["owner_id"] = (await make_person(session, department_id=values["department_id"])).id
    return await _save(session, Initiative(**values))


async def make_kpi(
    session: AsyncSession, *, department_ids: list[int] | None = None, **fields: Any
) -> Kpi:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"KPI-{n:04d}",
        "name": f"KPI {n}",
        "unit": "%",
        "direction": "increase",
        "perspective": "operations",
        "cadence": "monthly",
        "baseline_value": Decimal("10"),
        "target_value": Decimal("20"),
    } | fields
    kpi = await _save(session, Kpi(**values))
    for position, department_id in enumerate(department_ids or []):
        await _save(
            session, KpiDepartment(kpi_id=kpi.id, department_id=department_id, position=position)
        )
    return kpi


async def link_kpi(
    session: AsyncSession, initiative: Initiative, kpi: Kpi, weight: str = "1"
) -> InitiativeKpi:
    return await _save(
        session, InitiativeKpi(initiative_id=initiative.id, kpi_id=kpi.id, weight=Decimal(weight))
    )


async def link_initiatives(
    session: AsyncSession, source: Initiative, target: Initiative, kind: str = "enables"
) -> InitiativeLink:
    return await _save(session, InitiativeLink(from_id=source.id, kind=kind, to_id=target.id))


async def make_driver(session: AsyncSession, driver: Kpi, driven: Kpi) -> KpiDriver:
    return await _save(session, KpiDriver(driver_kpi_id=driver.id, driven_kpi_id=driven.id))


async def make_measurement(
    session: AsyncSession, kpi: Kpi, measured_on: date, value: str
) -> KpiMeasurement:
    return await _save(
        session, KpiMeasurement(kpi_id=kpi.id, measured_on=measured_on, value=Decimal(value))
    )


async def make_update(
    session: AsyncSession, initiative: Initiative, **fields: Any
) -> ProgressUpdate:
    n = next(_seq)
    values: dict[str, Any] = {
        "initiative_id": initiative.id,
        "reported_on": date(2026, 11, 1),
        "percent_complete": 50,
        "health": "green",
        "confidence": 7,
        "spent_to_date": Decimal("10.00"),
        "summary": f"On track ({n}).",  # unique: a check-in's natural key holds it
    } | fields
    return await _save(session, ProgressUpdate(**values))


async def make_account(session: AsyncSession, role: str = "viewer", **fields: Any) -> Any:
    """An account (password "correct-horse-1" when `with_password`), flushed."""
    from schema import Account
    from service.auth.passwords import hash_password

    n = next(_seq)
    with_password = fields.pop("with_password", False)
    values: dict[str, Any] = {"email": f"account{n}@example.com", "role": role} | fields
    if with_password:
        values["password_hash"] = hash_password("correct-horse-1")
    return await _save(session, Account(**values))


async def make_token(session: AsyncSession, account: Any, **fields: Any) -> str:
    """A token of `account` (fields such as expires_at, revoked_at); returns the plaintext."""
    from schema import ApiToken
    from service.auth import tokens

    plaintext = tokens.new_token()
    row = ApiToken(
        account_id=account.id,
        prefix=plaintext[: tokens.VISIBLE_CHARS],
        token_hash=tokens.hash_token(plaintext),
        **fields,
    )
    await _save(session, row)
    return plaintext
