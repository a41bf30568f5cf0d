"""A deterministic synthetic company of N initiatives, bulk-loaded with COPY.

Sizes follow N: N/10 people in a reporting tree at most 8 levels deep, N/50 KPIs,
10 measurements and 2 KPI links per initiative, about 3 check-ins per initiative and
one `enables` link per 5 initiatives. Everything is drawn from `random.Random` streams
seeded per table, so the same seed always gives the same company. It is loaded in one
transaction by `service.bulk.load.load_empty`: COPY with the figure triggers off, then every
maintained figure recomputed set-based and checked.
"""

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import psycopg
from psycopg.copy import QueuedLibpqWriter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from service.bulk import load as bulk
from service.demo import dataset, guard, words

MAX_LEVELS = 8
MEASUREMENTS_PER_INITIATIVE = 10
KPIS_PER_INITIATIVE = 2
STATUSES = ("proposed", "approved", "in_progress", "on_hold", "done", "stopped")
STATUS_WEIGHTS = (10, 20, 45, 5, 15, 5)
CHECKINS = {"in_progress": (2, 6), "on_hold": (2, 5), "done": (3, 8), "stopped": (1, 4)}
ORIENTATIONS = ("client_facing", "internal", "hybrid")
ORIENTATION_WEIGHTS = (45, 35, 20)
ORIGINS = ("user_need", "regulation", "efficiency", "technology")
ORIGIN_WEIGHTS = (70, 10, 15, 5)
PERSPECTIVES = ("customer", "employee", "operations", "financial")
HEALTHS = ("green", "amber", "red")
HEALTH_WEIGHTS = (65, 25, 10)
BATCH = 5_000


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a company of `initiatives` initiatives gets."""

    initiatives: int
    departments: int
    people: int
    kpis: int
    branching: int  # reports per manager, so the tree stays within MAX_LEVELS

    @classmethod
    def for_scale(cls, initiatives: int) -> "Plan":
        """The sizes for N initiatives."""
        departments = len(dataset.department_names()) + initiatives // 5_000
        people = max(departments + 1, initiatives // 10)
        branching = 2
        while sum(branching**level for level in range(MAX_LEVELS)) < people:
            branching += 1
        return cls(initiatives, departments, people, max(4, initiatives // 50), branching)

    @property
    def measurements_per_kpi(self) -> int:
        """Daily values per KPI, so that the total is about 10 per initiative."""
        return max(1, MEASUREMENTS_PER_INITIATIVE * self.initiatives // self.kpis)

    def manager_of(self, person_id: int) -> int | None:
        """Heap-shaped tree: the manager always has a smaller id, so no cycle can form."""
        return None if person_id == 1 else (person_id - 2) // self.branching + 1

    def department_of(self, person_id: int) -> int | None:
        """Round-robin departments below the CEO; person d+1 heads department d."""
        return None if person_id == 1 else (person_id - 2) % self.departments + 1


def _stream(seed: int, table: str) -> random.Random:
    # One stream per table: changing how one table is drawn leaves the others intact.
    return random.Random(f"{seed}:{table}")


def department_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    """(id, code, name); the seeded departments first, then business units."""
    seeded = dataset.department_names()
    for number in range(1, plan.departments + 1):
        if number <= len(seeded):
            code, name = seeded[number - 1]
        else:
            code, name = f"unit-{number:03d}", f"Business unit {number}"
        yield number, code, name


def person_rows(plan: Plan, seed: int) -> Iterator[tuple[Any, ...]]:
    """(id, name, email, title, department_id, manager_id, is_active)."""
    rng = _stream(seed, "person")
    level = [0] * (plan.people + 1)
    for person_id in range(1, plan.people + 1):
        manager = plan.manager_of(person_id)
        level[person_id] = 0 if manager is None else level[manager] + 1
        name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
        yield (
            person_id,
            name,
            f"person{person_id}@synthetic.example",
            words.TITLES[min(level[person_id], len(words.TITLES) - 1)],
            plan.department_of(person_id),
            manager,
            person_id == 1 or rng.random() > 0.02,
        )


def kpi_rows(plan: Plan, seed: int, today: date) -> Iterator[tuple[Any, ...]]:
    """(id, code, name, definition, unit, direction, perspective, baseline_value,
    baseline_date, target_value, target_date, cadence)."""
    rng = _stream(seed, "kpi")
    for kpi_id in range(1, plan.kpis + 1):
        baseline = round(rng.uniform(10, 90), 2)
        direction = rng.choice(("increase", "decrease"))
        target = round(baseline * (1.2 if direction == "increase" else 0.8), 2)
        subject = rng.choice(words.KPI_SUBJECTS)
        yield (
            kpi_id,
            f"KPI-{kpi_id:05d}",
            f"{subject} {kpi_id}",
            f"Synthetic measure of {subject.lower()}.",
            rng.choice(("%", "days", "score /10", "EUR")),
            direction,
            PERSPECTIVES[kpi_id % len(PERSPECTIVES)],
            baseline,
            today - timedelta(days=plan.measurements_per_kpi),
            target,
            date(today.year + 1, 12, 31),
            "monthly" if rng.random() < 0.8 else "quarterly",
        )


def kpi_department_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    """(kpi_id, department_id, position): one to three departments per KPI."""
    for kpi_id in range(1, plan.kpis + 1):
        for position in range(min(1 + kpi_id % 3, plan.departments)):
            yield kpi_id, (kpi_id + position * 3) % plan.departments + 1, position


def kpi_driver_rows(plan: Plan) -> Iterator[tuple[Any, ...]]:
    """(driver_kpi_id, driven_kpi_id): every third KPI drives the one before it."""
    for kpi_id in range(3, plan.kpis + 1, 3):
        yield kpi_id, kpi_id - 1


def measurement_rows(plan: Plan, seed: int, today: date) -> Iterator[tuple[Any, ...]]:
    """(kpi_id, measured_on, value, source): a daily random walk per KPI ending yesterday."""
    rng = _stream(seed, "kpi_measurement")
    days = plan.measurements_per_kpi
    dates = [today - timedelta(days=days - offset) for offset in range(days)]
    for kpi_id in range(1, plan.kpis + 1):
        value = rng.uniform(10, 90)
        step = rng.uniform(-0.05, 0.08)
        for measured_on in dates:
            value = max(0.0, value + step + rng.uniform(-0.5, 0.5))
            yield kpi_id, measured_on, round(value, 2), "synthetic"


def initiative_rows(plan: Plan, seed: int, today: date) -> Iterator[tuple[Any, ...]]:
    """Every initiative column (see INITIATIVE_COLUMNS), id order."""
    rng = _stream(seed, "initiative")
    midnight = datetime.combine(today, time(), tzinfo=UTC)
    for initiative_id in range(1, plan.initiatives + 1):
        yield _initiative(plan, rng, initiative_id, today, midnight)


def _initiative(
    plan: Plan, rng: random.Random, initiative_id: int, today: date, midnight: datetime
) -> tuple[Any, ...]:
    department = rng.randint(1, plan.departments)
    members = (plan.people - department - 1) // plan.departments + 1
    owner = department + 1 + plan.departments * rng.randrange(members)
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    orientation = rng.choices(ORIENTATIONS, ORIENTATION_WEIGHTS)[0]
    share = {"client_facing": 1.0, "internal": 0.0}.get(orientation, rng.randint(10, 90) / 100)
    origin = rng.choices(ORIGINS, ORIGIN_WEIGHTS)[0]
    title = words.title(rng)
    experiment = rng.random() < 0.1
    if status in CHECKINS:
        start = today - timedelta(days=rng.randint(30, 720))
    else:
        start = today + timedelta(days=rng.randint(-90, 120))
    updated = midnight - timedelta(minutes=rng.randint(0, 400 * 24 * 60))
    created = updated - timedelta(days=rng.randint(0, 300))
    return (
        initiative_id,
        f"INI-{initiative_id:06d}",
        title,
        f"{title}: {words.sentence(rng)}",
        department,
        owner,
        department + 1,
        status,
        orientation,
        share,
        origin,
        "" if rng.random() < 0.03 else words.need(rng),
        rng.choice(words.AUDIENCES),
        experiment,
        words.hypothesis(rng, title) if experiment else "",
        words.lesson(rng) if status == "stopped" else "",
        start,
        start + timedelta(days=rng.randint(60, 720)),
        rng.randint(50, 2000) * 1000,
        created,
        updated,
    )


INITIATIVE_COLUMNS = (
    "id, code, title, description, department_id, owner_id, sponsor_id, status, orientation,"
    " client_share, origin, user_need, target_users, is_experiment, hypothesis,"
    " lessons_learned, start_date, target_date, budget_planned, created_at, updated_at"
)


def initiative_kpi_rows(plan: Plan, seed: int) -> Iterator[tuple[Any, ...]]:
    """(initiative_id, kpi_id, weight, rationale): two distinct KPIs per initiative."""
    rng = _stream(seed, "initiative_kpi")
    for initiative_id in range(1, plan.initiatives + 1):
        for kpi_id in rng.sample(range(1, plan.kpis + 1), KPIS_PER_INITIATIVE):
            yield initiative_id, kpi_id, rng.randint(1, 10) / 10, "Expected contribution."


def link_rows(plan: Plan, seed: int) -> Iterator[tuple[Any, ...]]:
    """(from_id, kind, to_id): `enables` links, never to self, never twice."""
    rng = _stream(seed, "initiative_link")
    seen: set[tuple[int, int]] = set()
    while len(seen) < plan.initiatives // 5:
        pair = (rng.randint(1, plan.initiatives), rng.randint(1, plan.initiatives))
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            yield pair[0], "enables", pair[1]


def checkin_rows(
    initiatives: Iterable[tuple[Any, ...]], seed: int, today: date
) -> Iterator[tuple[Any, ...]]:
    """(initiative_id, author_id, reported_on, percent_complete, health, confidence,
    spent_to_date, summary, blockers, next_steps) for the started ones of `initiatives`
    (`started`: id, owner, status, start, target and budget, id order)."""
    rng = _stream(seed, "progress_update")
    for initiative_id, owner, status, start, target, budget in initiatives:
        count = rng.randint(*CHECKINS[status])
        window = max(1, (min(target, today) - start).days)
        for number in range(1, count + 1):
            percent = 100 if status == "done" and number == count else 90 * number // count
            health = rng.choices(HEALTHS, HEALTH_WEIGHTS)[0]
            yield (
                initiative_id,
                owner,
                start + timedelta(days=window * number // count),
                percent,
                health,
                rng.randint(0, 10),
                round(budget * percent / 100 * rng.uniform(0.8, 1.2), -2),
                words.progress(rng, health),
                words.blocker(rng) if health != "green" else "",
                words.next_step(rng),
            )


def started(
    rows: Iterable[tuple[Any, ...]], into: list[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """`rows` (initiative_rows) passed through, the check-in inputs of the started ones
    (id, owner, status, start, target, budget) appended to `into` on the way: the
    initiatives are drawn once for both tables."""
    for row in rows:
        if row[7] in CHECKINS:
            into.append((row[0], row[5], row[7], row[16], row[17], row[18]))
        yield row


def _copy(
    cursor: psycopg.Cursor[Any],
    progress: Progress,
    table: str,
    columns: str,
    rows: Iterable[Sequence[Any]],
    total: int | None,
) -> int:
    task = progress.add_task(table, total=total)
    written = 0
    # The rows go out from a thread of their own: the next ones are drawn meanwhile.
    writer = QueuedLibpqWriter(cursor)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN", writer=writer) as copy:
        for written, row in enumerate(rows, start=1):
            copy.write_row(row)
            if written % BATCH == 0:
                progress.update(task, completed=written)
    progress.update(task, completed=written, total=written)
    return written


def _set_managers(cursor: psycopg.Cursor[Any], people: list[tuple[Any, ...]]) -> None:
    """Set the managers of `people` (person_rows) once they all exist and the table has
    statistics. The reporting-cycle trigger stays on: it then walks each chain (8 managers
    at most) by index; planned without statistics, each step would scan every person."""
    cursor.execute("ANALYZE person")
    cursor.execute(
        "UPDATE person p SET manager_id = m.manager_id"
        " FROM unnest(%s::bigint[], %s::bigint[]) AS m(id, manager_id) WHERE p.id = m.id",
        ([row[0] for row in people if row[5]], [row[5] for row in people if row[5]]),
    )


def generate(url: str, console: Console, *, scale: int, seed: int = 42) -> dict[str, int]:
    """Load a synthetic company of `scale` initiatives into an empty database, then vacuum it.

    Raises Conflict (code `database_not_empty`) when portfolio data already exists, and
    FiguresMismatch, having written nothing, if a maintained figure came out wrong.
    """
    plan = Plan.for_scale(scale)
    today = date.today()
    libpq_url = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq_url) as connection, connection.cursor() as cursor:
        cursor.execute(guard.LOCK_SQL)
        counts = cursor.execute(guard.COUNTS_SQL).fetchone()
        if counts is not None and (error := guard.refusal(tuple(counts))) is not None:
            raise error
        loaded, timings = bulk.load_empty(
            cursor, TABLES, lambda: _load(cursor, console, plan, seed, today)
        )
        console.print(str(timings))
    with psycopg.connect(libpq_url, autocommit=True) as connection:
        # The recompute rewrote most initiative and KPI-link rows; a vacuum clears the old
        # versions and marks the pages all-visible for index-only scans.
        console.print("Vacuuming and analyzing...")
        connection.execute("VACUUM (ANALYZE)")
    return loaded


# The tables a demo fills, in dependency order: all empty before a synthetic load (the
# guard refuses a database holding data).
TABLES = (
    "department",
    "person",
    "kpi",
    "kpi_department",
    "kpi_driver",
    "kpi_measurement",
    "initiative",
    "initiative_kpi",
    "initiative_link",
    "progress_update",
)


def _load(
    cursor: psycopg.Cursor[Any], console: Console, plan: Plan, seed: int, today: date
) -> dict[str, int]:
    """COPY every table in dependency order, inside the caller's transaction."""
    n = plan.initiatives
    loaded: dict[str, int] = {}
    columns = TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn()
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:

        def copy(table: str, cols: str, rows: Iterable[Sequence[Any]], total: int | None) -> None:
            loaded[table] = _copy(cursor, progress, table, cols, rows, total)

        copy("department", "id, code, name", department_rows(plan), plan.departments)
        people = list(person_rows(plan, seed))
        copy(
            "person",
            "id, name, email, title, department_id, is_active",
            (row[:5] + row[6:] for row in people),
            plan.people,
        )
        _set_managers(cursor, people)
        cursor.execute("UPDATE department SET head_id = id + 1")
        copy(
            "kpi",
            "id, code, name, definition, unit, direction, perspective, baseline_value,"
            " baseline_date, target_value, target_date, cadence",
            kpi_rows(plan, seed, today),
            plan.kpis,
        )
        copy("kpi_department", "kpi_id, department_id, position", kpi_department_rows(plan), None)
        copy("kpi_driver", "driver_kpi_id, driven_kpi_id", kpi_driver_rows(plan), None)
        copy(
            "kpi_measurement",
            "kpi_id, measured_on, value, source",
            measurement_rows(plan, seed, today),
            plan.kpis * plan.measurements_per_kpi,
        )
        begun: list[tuple[Any, ...]] = []
        copy(
            "initiative", INITIATIVE_COLUMNS, started(initiative_rows(plan, seed, today), begun), n
        )
        copy(
            "initiative_kpi",
            "initiative_id, kpi_id, weight, rationale",
            initiative_kpi_rows(plan, seed),
            n * KPIS_PER_INITIATIVE,
        )
        copy("initiative_link", "from_id, kind, to_id", link_rows(plan, seed), n // 5)
        copy(
            "progress_update",
            "initiative_id, author_id, reported_on, percent_complete, health, confidence,"
            " spent_to_date, summary, blockers, next_steps",
            checkin_rows(begun, seed, today),
            3 * n,
        )
    # Explicit ids were written, so move each sequence past them.
    for table in ("department", "person", "kpi", "initiative"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    return loaded
