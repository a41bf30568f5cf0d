"""Insert the curated demo company through the ORM, inside the caller's transaction."""

import random
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
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
from service.demo.checkins import BEATS, KICK_OFF, Beat
from service.demo.company import DEPARTMENTS, DRIVERS, EMAIL_DOMAIN, KPIS, PEOPLE, KpiSpec
from service.demo.portfolio import INITIATIVES, LINKS, InitiativeSpec

DEMO_SEED = 20261123
HISTORY_MONTHS = 18
STARTED = frozenset({"in_progress", "on_hold", "done", "stopped"})
CLIENT_SHARE = {"client_facing": Decimal("1"), "internal": Decimal("0")}
CONFIDENCE = {"green": (7, 9), "amber": (4, 6), "red": (1, 3)}


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(first_day: date) -> date:
    """The last day of the month that starts on `first_day`."""
    return add_months(first_day, 1) - timedelta(days=1)


def _ids(rows: Mapping[str, Any]) -> dict[str, int]:
    """The primary keys of flushed rows, by key."""
    return {key: int(row.id) for key, row in rows.items()}


def email_of(name: str) -> str:
    """first.last@domain, accents dropped."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{'.'.join(ascii_name.lower().split())}@{EMAIL_DOMAIN}"


async def load_company(
    session: AsyncSession, *, today: date | None = None, seed: int = DEMO_SEED
) -> dict[str, int]:
    """Insert the demo company (flushed, not committed) and return the rows per table."""
    today = today or date.today()
    rng = random.Random(seed)
    departments = await _departments(session)
    dept_ids = _ids(departments)
    people = _ids(await _people(session, dept_ids))
    for code, _, head in DEPARTMENTS:
        departments[code].head_id = people[head]
    heads = {code: people[head] for code, _, head in DEPARTMENTS}
    kpis = _ids(await _kpis(session, today))
    initiatives = _ids(await _initiatives(session, dept_ids, people, heads, today))
    tables: dict[str, Sequence[object]] = {
        "kpi_department": [
            KpiDepartment(kpi_id=kpis[spec.code], department_id=dept_ids[code], position=i)
            for spec in KPIS
            for i, code in enumerate(spec.departments)
        ],
        "kpi_driver": [KpiDriver(driver_kpi_id=kpis[a], driven_kpi_id=kpis[b]) for a, b in DRIVERS],
        "kpi_measurement": _measurements(kpis, heads, today, rng),
        "initiative_kpi": _initiative_kpis(initiatives, kpis),
        "initiative_link": [
            InitiativeLink(from_id=initiatives[a], kind=kind, to_id=initiatives[b])
            for a, kind, b in LINKS
        ],
        "progress_update": [
            update
            for (code, initiative_id), spec in zip(initiatives.items(), INITIATIVES, strict=True)
            for update in story_checkins(code, initiative_id, spec, people[spec.owner], today, rng)
        ],
    }
    for rows in tables.values():
        session.add_all(rows)
    await session.flush()
    return {
        "department": len(departments),
        "person": len(people),
        "kpi": len(kpis),
        "initiative": len(initiatives),
    } | {table: len(rows) for table, rows in tables.items()}


async def _departments(session: AsyncSession) -> dict[str, Department]:
    departments = {code: Department(code=code, name=name) for code, name, _ in DEPARTMENTS}
    session.add_all(departments.values())
    await session.flush()
    return departments


async def _people(session: AsyncSession, departments: dict[str, int]) -> dict[str, Person]:
    """The reporting line, inserted level by level so managers have ids first."""
    depth: dict[str, int] = {}
    levels: dict[int, list[str]] = defaultdict(list)
    specs = {spec.key: spec for spec in PEOPLE}
    for spec in PEOPLE:
        depth[spec.key] = 0 if spec.manager is None else depth[spec.manager] + 1
        levels[depth[spec.key]].append(spec.key)
    people: dict[str, Person] = {}
    for level in sorted(levels):
        for key in levels[level]:
            spec = specs[key]
            people[key] = Person(
                name=spec.name,
                email=email_of(spec.name),
                title=spec.title,
                department_id=departments[spec.department] if spec.department else None,
                manager_id=people[spec.manager].id if spec.manager else None,
                is_active=spec.active,
            )
            session.add(people[key])
        await session.flush()
    return people


async def _kpis(session: AsyncSession, today: date) -> dict[str, Kpi]:
    first_month = add_months(today, -HISTORY_MONTHS)
    kpis = {
        spec.code: Kpi(
            code=spec.code,
            name=spec.name,
            definition=spec.definition,
            unit=spec.unit,
            direction=spec.direction,
            perspective=spec.perspective,
            baseline_value=Decimal(str(spec.baseline)),
            baseline_date=month_end(first_month),
            target_value=Decimal(str(spec.target)),
            target_date=date(today.year + 1, 12, 31),
            cadence=spec.cadence,
        )
        for spec in KPIS
    }
    session.add_all(kpis.values())
    await session.flush()
    return kpis


def _measurements(
    kpis: dict[str, int], heads: dict[str, int], today: date, rng: random.Random
) -> list[KpiMeasurement]:
    """Month-end values over the last 18 months, drifting toward target (or not)."""
    rows = []
    for spec in KPIS:
        reach = rng.uniform(0.45, 0.8)
        for months_ago in range(HISTORY_MONTHS, spec.last_measured - 1, -1):
            month = add_months(today, -months_ago)
            if spec.cadence == "quarterly" and month.month % 3:
                continue
            value = _value(spec, (HISTORY_MONTHS - months_ago) / (HISTORY_MONTHS - 1), reach, rng)
            rows.append(
                KpiMeasurement(
                    kpi_id=kpis[spec.code],
                    measured_on=month_end(month),
                    value=value,
                    source=spec.source,
                    recorded_by_id=heads[spec.departments[0]],
                )
            )
    return rows


def _value(spec: KpiSpec, elapsed: float, reach: float, rng: random.Random) -> Decimal:
    span = spec.target - spec.baseline
    if spec.trend == "flat":
        # Slightly away from the target: the work did not move this KPI.
        value = spec.baseline - span * 0.05 * elapsed
    else:
        noise = rng.uniform(-0.04, 0.04) * abs(span) if elapsed else 0.0
        value = spec.baseline + span * reach * elapsed + noise
    return Decimal(str(round(value, 2)))


async def _initiatives(
    session: AsyncSession,
    departments: dict[str, int],
    people: dict[str, int],
    heads: dict[str, int],
    today: date,
) -> dict[str, Initiative]:
    initiatives = {}
    for number, spec in enumerate(INITIATIVES, start=1):
        start = add_months(today, -spec.start)
        share = CLIENT_SHARE.get(spec.orientation, Decimal(spec.client_share or "0.5"))
        initiatives[f"INI-{number:03d}"] = Initiative(
            code=f"INI-{number:03d}",
            title=spec.title,
            description=spec.description,
            department_id=departments[spec.department],
            owner_id=people[spec.owner],
            sponsor_id=people[spec.sponsor] if spec.sponsor else heads[spec.department],
            status=spec.status,
            orientation=spec.orientation,
            client_share=share,
            origin=spec.origin,
            user_need=spec.user_need,
            target_users=spec.target_users,
            is_experiment=bool(spec.hypothesis),
            hypothesis=spec.hypothesis,
            lessons_learned=spec.lessons,
            start_date=start,
            target_date=add_months(start, spec.months) - timedelta(days=1),
            budget_planned=Decimal(spec.budget * 1000),
        )
    session.add_all(initiatives.values())
    await session.flush()
    return initiatives


def _initiative_kpis(initiatives: dict[str, int], kpis: dict[str, int]) -> list[InitiativeKpi]:
    return [
        InitiativeKpi(
            initiative_id=initiative_id,
            kpi_id=kpis[code],
            weight=Decimal(weight),
            rationale=rationale,
        )
        for initiative_id, spec in zip(initiatives.values(), INITIATIVES, strict=True)
        for code, weight, rationale in spec.kpis
    ]


def story_checkins(
    code: str,
    initiative_id: int,
    spec: InitiativeSpec,
    owner_id: int,
    today: date,
    rng: random.Random,
) -> list[ProgressUpdate]:
    """A kick-off, then the initiative's story a few weeks apart."""
    if spec.status not in STARTED:
        return []
    beats = BEATS[code]
    start = add_months(today, -spec.start)
    if spec.status in ("done", "stopped"):
        end = add_months(start, spec.months) - timedelta(days=1)
        last = min(end, today - timedelta(days=1))
    else:
        last = today - timedelta(days=spec.last_update or rng.randint(3, 16))
    dates = [last]
    for _ in beats[1:]:
        dates.insert(0, dates[0] - timedelta(days=rng.randint(18, 30)))
    final = 100 if spec.status == "done" else spec.percent or 60
    spend_ratio = rng.uniform(0.8, 1.2)
    story: list[tuple[date, int, Beat]] = [(start + timedelta(days=14), 5, KICK_OFF)]
    story += [
        (day, round(final * (i + 1) / len(beats)), beat)
        for i, (day, beat) in enumerate(zip(dates, beats, strict=True))
    ]
    budget = spec.budget * 1000
    return [
        ProgressUpdate(
            initiative_id=initiative_id,
            author_id=owner_id,
            reported_on=day,
            percent_complete=percent,
            health=health,
            confidence=rng.randint(*CONFIDENCE[health]),
            spent_to_date=Decimal(round(budget * percent / 100 * spend_ratio, -2)).quantize(
                Decimal("0.01")
            ),
            summary=summary,
            blockers=blockers,
            next_steps=next_steps,
        )
        for day, percent, (health, summary, blockers, next_steps) in story
    ]
