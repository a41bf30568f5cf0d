"""The figures the database keeps for the flags follow every write, concurrent ones too."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlmodel import col

from schema import Initiative, InitiativeKpi, Kpi, KpiDepartment
from service import migrate
from service.bulk import load as bulk
from tests.dbutil import scratch_database
from tests.factories import (
    link_initiatives,
    link_kpi,
    make_department,
    make_initiative,
    make_kpi,
    make_measurement,
    make_update,
)


async def counts(session: AsyncSession, initiative: Initiative) -> tuple[int, int, int]:
    row = (
        await session.execute(
            text(
                "SELECT kpi_count, shared_kpi_count, enabler_count FROM initiative WHERE id = :id"
            ),
            {"id": initiative.id},
        )
    ).one()
    return (row.kpi_count, row.shared_kpi_count, row.enabler_count)


async def assert_consistent(session: AsyncSession) -> None:
    """Every figure the triggers left equals its set-based recompute (the bulk loads' one)."""
    assert await bulk.check(session) == []


async def start_value(session: AsyncSession, link: InitiativeKpi) -> Decimal | None:
    sql = "SELECT start_value FROM initiative_kpi WHERE id = :id"
    value: Decimal | None = await session.scalar(text(sql), {"id": link.id})
    return value


async def latest(session: AsyncSession, kpi: Kpi) -> tuple[date | None, Decimal | None]:
    sql = "SELECT last_measured_on, last_value FROM kpi WHERE id = :id"
    row = (await session.execute(text(sql), {"id": kpi.id})).one()
    return (row.last_measured_on, row.last_value)


async def test_kpi_links_count_and_shared_ones(session: AsyncSession) -> None:
    hr, it = await make_department(session), await make_department(session)
    shared = await make_kpi(session, department_ids=[hr.id, it.id])
    silo = await make_kpi(session, department_ids=[hr.id])
    initiative = await make_initiative(session, department_id=hr.id)
    assert await counts(session, initiative) == (0, 0, 0)
    await link_kpi(session, initiative, shared)
    await link_kpi(session, initiative, silo)
    assert await counts(session, initiative) == (2, 1, 0)
    await session.execute(delete(InitiativeKpi).where(col(InitiativeKpi.kpi_id) == shared.id))
    assert await counts(session, initiative) == (1, 0, 0)
    await assert_consistent(session)


async def test_a_kpi_gaining_or_losing_its_second_department(session: AsyncSession) -> None:
    hr, it, ops = [await make_department(session) for _ in range(3)]
    kpi = await make_kpi(session, department_ids=[hr.id])
    first = await make_initiative(session, department_id=hr.id)
    second = await make_initiative(session, department_id=hr.id)
    await link_kpi(session, first, kpi)
    await link_kpi(session, second, kpi)
    assert [await counts(session, i) for i in (first, second)] == [(1, 0, 0), (1, 0, 0)]
    session.add(KpiDepartment(kpi_id=kpi.id, department_id=it.id, position=1))
    await session.flush()
    assert [await counts(session, i) for i in (first, second)] == [(1, 1, 0), (1, 1, 0)]
    session.add(KpiDepartment(kpi_id=kpi.id, department_id=ops.id, position=2))
    await session.flush()
    assert await counts(session, first) == (1, 1, 0)
    # Replaced the way the KPI service does it: every row deleted, the new ones inserted.
    await session.execute(delete(KpiDepartment).where(col(KpiDepartment.kpi_id) == kpi.id))
    assert await counts(session, first) == (1, 0, 0)
    session.add(KpiDepartment(kpi_id=kpi.id, department_id=ops.id, position=0))
    await session.flush()
    assert await counts(session, first) == (1, 0, 0)
    await assert_consistent(session)


async def test_enablers_follow_orientation_status_links_and_deletion(
    session: AsyncSession,
) -> None:
    d = await make_department(session)
    promise = await make_initiative(session, department_id=d.id, orientation="client_facing")
    enabler = await make_initiative(session, department_id=d.id, status="proposed")
    other = await make_initiative(session, department_id=d.id, orientation="hybrid")
    await link_initiatives(session, enabler, promise)
    await link_initiatives(session, other, promise)
    await link_initiatives(session, promise, other, kind="depends_on")
    # `other` enables the promise, which depends on it; the proposed enabler is not live.
    assert await counts(session, promise) == (0, 0, 2)
    assert await counts(session, other) == (0, 0, 0)
    enabler.status = "approved"  # type: ignore[assignment]
    await session.flush()
    assert await counts(session, promise) == (0, 0, 3)

    enabler.orientation, enabler.client_share = "client_facing", 1  # type: ignore[assignment]
    await session.flush()
    assert await counts(session, promise) == (0, 0, 2)
    enabler.orientation, enabler.client_share = "hybrid", 0.5  # type: ignore[assignment]
    await session.flush()
    assert await counts(session, promise) == (0, 0, 3)
    other.status, other.lessons_learned = "stopped", "Replaced by a vendor tool."
    await session.flush()
    assert await counts(session, promise) == (0, 0, 1)
    await session.delete(enabler)
    await session.flush()
    assert await counts(session, promise) == (0, 0, 0)
    await assert_consistent(session)


async def test_latest_check_in_and_its_spend(session: AsyncSession) -> None:
    department = await make_department(session)
    initiative = await make_initiative(session, department_id=department.id, budget_planned=500)

    async def latest() -> tuple[date | None, Decimal | None, Decimal]:
        sql = """SELECT i.last_check_in_on, i.spent_to_date, t.spent_total
            FROM initiative i JOIN department_status_total t
                ON t.department_id = i.department_id AND t.status = i.status
            WHERE i.id = :id"""
        row = (await session.execute(text(sql), {"id": initiative.id})).one()
        return (row.last_check_in_on, row.spent_to_date, row.spent_total)

    assert await latest() == (None, None, Decimal("0"))
    await make_update(session, initiative, reported_on=date(2026, 11, 10), spent_to_date=120)
    assert await latest() == (date(2026, 11, 10), Decimal("120.00"), Decimal("120.00"))
    # A backdated check-in is not the latest; a second one the same day is.
    await make_update(session, initiative, reported_on=date(2026, 11, 5), spent_to_date=999)
    assert await latest() == (date(2026, 11, 10), Decimal("120.00"), Decimal("120.00"))
    await make_update(session, initiative, reported_on=date(2026, 11, 10), spent_to_date=150)
    assert await latest() == (date(2026, 11, 10), Decimal("150.00"), Decimal("150.00"))
    await assert_consistent(session)


async def test_value_at_start_follows_measurements_and_the_start_date(
    session: AsyncSession,
) -> None:
    kpi = await make_kpi(session)
    await make_measurement(session, kpi, date(2026, 1, 31), "10")
    await make_measurement(session, kpi, date(2026, 3, 31), "12")
    d = await make_department(session)
    initiative = await make_initiative(session, department_id=d.id, start_date=date(2026, 3, 1))
    unstarted = await make_initiative(session, department_id=d.id, start_date=None)
    link = await link_kpi(session, initiative, kpi)
    other = await link_kpi(session, unstarted, kpi)
    assert (await start_value(session, link), await start_value(session, other)) == (
        Decimal("10.0000"),
        None,
    )
    # A measurement recorded later for a day before the start becomes the value at start.
    february = await make_measurement(session, kpi, date(2026, 2, 28), "11")
    assert await start_value(session, link) == Decimal("11.0000")
    february.value = Decimal("11.5")
    await session.flush()
    assert await start_value(session, link) == Decimal("11.5000")
    await session.delete(february)
    await session.flush()
    assert await start_value(session, link) == Decimal("10.0000")
    initiative.start_date = date(2026, 4, 1)
    await session.flush()
    assert await start_value(session, link) == Decimal("12.0000")
    initiative.start_date = date(2025, 12, 1)
    await session.flush()
    assert await start_value(session, link) is None
    await assert_consistent(session)


async def test_latest_measurement_of_a_kpi(session: AsyncSession) -> None:
    kpi = await make_kpi(session)
    assert await latest(session, kpi) == (None, None)
    march = await make_measurement(session, kpi, date(2026, 3, 31), "12")
    await make_measurement(session, kpi, date(2026, 1, 31), "10")
    assert await latest(session, kpi) == (date(2026, 3, 31), Decimal("12.0000"))
    march.value = Decimal("13")
    await session.flush()
    assert await latest(session, kpi) == (date(2026, 3, 31), Decimal("13.0000"))
    await session.delete(march)
    await session.flush()
    assert await latest(session, kpi) == (date(2026, 1, 31), Decimal("10.0000"))
    await assert_consistent(session)


async def test_department_totals_follow_status_budget_department_and_deletion(
    session: AsyncSession,
) -> None:
    marketing, ops = await make_department(session), await make_department(session)
    app = await make_initiative(
        session, department_id=marketing.id, orientation="hybrid", budget_planned=200
    )
    await make_initiative(session, department_id=marketing.id, budget_planned=100)
    sql = """SELECT status, initiative_count, budget_total, client_budget_total
        FROM department_status_total WHERE department_id = :d AND initiative_count > 0
        ORDER BY status"""

    async def totals(department_id: int | None) -> list[tuple[Any, ...]]:
        rows = await session.execute(text(sql), {"d": department_id})
        return [tuple(row) for row in rows]

    assert await totals(marketing.id) == [("in_progress", 2, Decimal("300.00"), Decimal("100"))]
    app.status, app.client_share, app.budget_planned = "on_hold", Decimal("0.8"), Decimal("250")
    await session.flush()
    assert await totals(marketing.id) == [
        ("in_progress", 1, Decimal("100.00"), Decimal("0")),
        ("on_hold", 1, Decimal("250.00"), Decimal("200")),
    ]
    app.department_id = ops.id
    await session.flush()
    assert await totals(ops.id) == [("on_hold", 1, Decimal("250.00"), Decimal("200"))]
    assert await totals(marketing.id) == [("in_progress", 1, Decimal("100.00"), Decimal("0"))]
    await session.delete(app)
    await session.flush()
    assert await totals(ops.id) == []
    await assert_consistent(session)


async def test_links_moved_follow_measurements_direction_and_baseline(
    session: AsyncSession,
) -> None:
    d = await make_department(session)
    kpi = await make_kpi(session, direction="increase", baseline_value=Decimal("10"))
    initiative = await make_initiative(
        session, department_id=d.id, status="done", start_date=date(2026, 3, 1)
    )
    link = await link_kpi(session, initiative, kpi)

    async def moved() -> tuple[bool, int]:
        sql = """SELECT ik.moved, i.moved_kpi_count FROM initiative_kpi ik
            JOIN initiative i ON i.id = ik.initiative_id WHERE ik.id = :id"""
        row = (await session.execute(text(sql), {"id": link.id})).one()
        return (row.moved, row.moved_kpi_count)

    assert await moved() == (False, 0)  # never measured
    await make_measurement(session, kpi, date(2026, 5, 1), "12")  # 10 (baseline) -> 12
    assert await moved() == (True, 1)
    kpi.direction = "decrease"
    await session.flush()
    assert await moved() == (False, 0)
    kpi.baseline_value = Decimal("15")
    await session.flush()
    assert await moved() == (True, 1)
    await make_measurement(session, kpi, date(2026, 2, 1), "16")  # before the start: 16 -> 12
    assert await moved() == (True, 1)
    initiative.status = "in_progress"  # tracked while done only
    await session.flush()
    assert await moved() == (False, 0)
    initiative.status = "done"
    await session.flush()
    assert await moved() == (True, 1)
    await make_measurement(session, kpi, date(2026, 6, 1), "17")  # latest: 16 -> 17, not down
    assert await moved() == (False, 0)
    await assert_consistent(session)


# Concurrent writers, each in its own committed transaction.


@pytest.fixture(scope="module")
def committed_url(database_url: str) -> Iterator[str]:
    with scratch_database(database_url, "counts") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def committed(committed_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(committed_url, pool_size=4)
    yield engine
    await engine.dispose()


async def _write(engine: AsyncEngine, sql: str, params: dict[str, Any], delay: float) -> None:
    """One statement in its own transaction, held open a moment so the other one overlaps."""
    await asyncio.sleep(delay)
    async with engine.begin() as connection:
        await connection.execute(text(sql), params)
        await asyncio.sleep(0.05)


async def _race(
    engine: AsyncEngine, first: str, second: str, params: dict[str, Any], second_first: bool
) -> None:
    """Run `first` and `second` concurrently, the one that starts first taking its locks first."""
    delays = (0.02, 0.0) if second_first else (0.0, 0.02)
    await asyncio.gather(
        _write(engine, first, params, delays[0]), _write(engine, second, params, delays[1])
    )


async def _scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar_one()


async def _seed(engine: AsyncEngine, suffix: str) -> dict[str, int]:
    sql = f"""
WITH d1 AS (INSERT INTO department (code, name) VALUES ('a{suffix}', 'A') RETURNING id),
d2 AS (INSERT INTO department (code, name) VALUES ('b{suffix}', 'B') RETURNING id),
p AS (INSERT INTO person (name, email, title, department_id)
      SELECT 'Owner', 'owner{suffix}@example.com', 'Head', id FROM d1 RETURNING id),
k AS (INSERT INTO kpi (code, name, definition, unit, direction, perspective, cadence)
      VALUES ('K{suffix}', 'Reuse', '', '%', 'increase', 'operations', 'monthly')
      RETURNING id),
kd AS (INSERT INTO kpi_department (kpi_id, department_id, position)
       SELECT k.id, d1.id, 0 FROM k, d1),
i AS (INSERT INTO initiative (code, title, description, department_id, owner_id, status,
        orientation, client_share, origin, user_need, target_users, hypothesis,
        lessons_learned, budget_planned)
      SELECT 'INI-' || n || '{suffix}', 'Work', '', d1.id, p.id, 'in_progress', o, s,
        'user_need', 'Fewer re-keyings', '', '', '', 100
      FROM d1, p, (VALUES (1, 'client_facing', 1), (2, 'internal', 0)) v(n, o, s)
      RETURNING id, orientation)
SELECT (SELECT id FROM d2) AS d2, (SELECT id FROM k) AS kpi,
    (SELECT id FROM i WHERE orientation = 'client_facing') AS promise,
    (SELECT id FROM i WHERE orientation = 'internal') AS enabler
"""
    async with engine.begin() as connection:
        return dict((await connection.execute(text(sql))).one()._mapping)


LINK_KPI = (
    "INSERT INTO initiative_kpi (initiative_id, kpi_id, weight, rationale)"
    " VALUES (:promise, :kpi, 1, '')"
)
BOTH_ORDERS = pytest.mark.parametrize("second_first", [False, True])


@BOTH_ORDERS
async def test_linking_a_kpi_while_it_becomes_shared(
    committed: AsyncEngine, second_first: bool
) -> None:
    ids = await _seed(committed, f"s{int(second_first)}")
    share = "INSERT INTO kpi_department (kpi_id, department_id, position) VALUES (:kpi, :d2, 1)"
    await _race(committed, LINK_KPI, share, ids, second_first)
    sql = "SELECT shared_kpi_count FROM initiative WHERE id = :i"
    assert await _scalar(committed, sql, i=ids["promise"]) == 1


@BOTH_ORDERS
async def test_linking_an_enabler_while_it_turns_client_facing(
    committed: AsyncEngine, second_first: bool
) -> None:
    ids = await _seed(committed, f"e{int(second_first)}")
    link = (
        "INSERT INTO initiative_link (from_id, kind, to_id) VALUES (:enabler, 'enables', :promise)"
    )
    turn = (
        "UPDATE initiative SET orientation = 'client_facing', client_share = 1 WHERE id = :enabler"
    )
    await _race(committed, link, turn, ids, second_first)
    sql = "SELECT enabler_count FROM initiative WHERE id = :p"
    assert await _scalar(committed, sql, p=ids["promise"]) == 0


@BOTH_ORDERS
async def test_measuring_before_a_start_while_the_kpi_is_linked(
    committed: AsyncEngine, second_first: bool
) -> None:
    ids = await _seed(committed, f"m{int(second_first)}")
    async with committed.begin() as connection:
        sql = "UPDATE initiative SET start_date = '2026-03-01' WHERE id = :promise"
        await connection.execute(text(sql), ids)
    measure = (
        "INSERT INTO kpi_measurement (kpi_id, measured_on, value, source)"
        " VALUES (:kpi, '2026-02-01', 7, '')"
    )
    await _race(committed, LINK_KPI, measure, ids, second_first)
    sql = "SELECT start_value FROM initiative_kpi WHERE kpi_id = :k"
    assert await _scalar(committed, sql, k=ids["kpi"]) == Decimal("7.0000")


@BOTH_ORDERS
async def test_linking_a_kpi_while_the_initiative_is_done(
    committed: AsyncEngine, second_first: bool
) -> None:
    ids = await _seed(committed, f"d{int(second_first)}")
    async with committed.begin() as connection:
        setup = [
            "UPDATE initiative SET start_date = '2026-03-01' WHERE id = :promise",
            "INSERT INTO kpi_measurement (kpi_id, measured_on, value, source)"
            " VALUES (:kpi, '2026-02-01', 5, ''), (:kpi, '2026-06-01', 9, '')",
        ]
        for sql in setup:
            await connection.execute(text(sql), ids)
    done = "UPDATE initiative SET status = 'done' WHERE id = :promise"
    await _race(committed, LINK_KPI, done, ids, second_first)
    sql = "SELECT moved_kpi_count FROM initiative WHERE id = :i"
    assert await _scalar(committed, sql, i=ids["promise"]) == 1


@BOTH_ORDERS
async def test_two_check_ins_at_once_leave_the_later_spend_in_the_totals(
    committed: AsyncEngine, second_first: bool
) -> None:
    ids = await _seed(committed, f"c{int(second_first)}")
    check_in = (
        "INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,"
        " confidence, spent_to_date, summary, blockers, next_steps)"
        " VALUES (:promise, '2026-11-10', 50, 'green', 7, {spent}, 'Spent {spent}.', '', '')"
    )
    await _race(committed, check_in.format(spent=30), check_in.format(spent=45), ids, second_first)
    sql = """SELECT i.spent_to_date, t.spent_total, t.client_spent_total
        FROM initiative i JOIN department_status_total t
            ON t.department_id = i.department_id AND t.status = i.status
        WHERE i.id = :i"""
    async with committed.connect() as connection:
        row = (await connection.execute(text(sql), {"i": ids["promise"]})).one()
    # Same day, so the one inserted last (the higher id) is the latest: it waits for the other
    # to commit, then replaces its spend in the totals. The enabler has no check-in.
    latest = Decimal("30.00") if second_first else Decimal("45.00")
    assert tuple(row) == (latest, latest, latest)
