"""Bulk writes with the figure triggers off, one set-based recompute after, and its check.

`figures_deferred` turns the triggers of `figures.TRIGGERS` off for a block of bulk
writes (COPY), then recomputes every figure and turns them back on, all in the caller's
transaction: an error anywhere rolls the rows, the figures and the switches back together.
`ALTER TABLE ... DISABLE TRIGGER` is the table owner's right (the application role owns its
tables), works on PostgreSQL 15 to 18, and holds SHARE ROW EXCLUSIVE on the tables until
the transaction ends: readers go on, other writers wait, so nothing is missed meanwhile.
Into empty tables, `load_empty` also sets their secondary indexes and foreign keys aside
while it writes, then checks every figure (`check_sync`; `check` for an async session).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter
from typing import Any, TypeVar

import psycopg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.bulk.figures import FIGURES, TRIGGERS, Figure, check_statement, recompute_statement

Written = TypeVar("Written")

# Mismatched rows reported per figure: enough to see what is wrong, cheap when all is.
CHECK_LIMIT = 20


@dataclass(frozen=True)
class Mismatch:
    """One stored figure that differs from its recomputed value (None for a missing row)."""

    table: str
    key: tuple[Any, ...]
    column: str
    stored: Any
    expected: Any


class FiguresMismatch(Exception):
    """Stored figures differ from their recompute after a bulk load: a bug, rolled back."""

    def __init__(self, mismatches: list[Mismatch]) -> None:
        shown = "; ".join(
            f"{m.table} {m.key} {m.column}: stored {m.stored!r}, expected {m.expected!r}"
            for m in mismatches[:5]
        )
        super().__init__(f"{len(mismatches)} maintained figures are wrong: {shown}")
        self.mismatches = mismatches


def _switch(action: str) -> list[str]:
    return [
        f"ALTER TABLE {table} " + ", ".join(f"{action} TRIGGER {name}" for name in names)
        for table, names in TRIGGERS.items()
    ]


DISABLE = _switch("DISABLE")
ENABLE = _switch("ENABLE")
# Statistics of the rows just written (visible to this transaction only, so autovacuum has
# none yet): without them the planner takes a million measurements for a few pages.
ANALYZE = "ANALYZE " + ", ".join(sorted({*TRIGGERS, *(figure.table for figure in FIGURES)}))
# Run with the triggers off: the recompute's own writes would otherwise fire them.
RECOMPUTE = [ANALYZE, *(recompute_statement(figure) for figure in FIGURES)]
CHECKS = [(figure, check_statement(figure, CHECK_LIMIT)) for figure in FIGURES]
RECOMPUTED_TABLES = frozenset(figure.table for figure in FIGURES)


@contextmanager
def figures_deferred(cursor: psycopg.Cursor[Any]) -> Iterator[None]:
    """Run the block with the figure triggers off, then recompute every figure and turn the
    triggers back on, in the cursor's transaction (left off if the block raises: the
    caller's rollback restores them)."""
    for statement in DISABLE:
        cursor.execute(statement)
    yield
    for statement in RECOMPUTE + ENABLE:
        cursor.execute(statement)


# The secondary indexes and foreign keys of the given tables, with their definitions: the
# indexes that back no constraint (a constraint's, or one a foreign key leans on, stay),
# then the foreign keys, in the order they are restored.
STRUCTURES_SQL = """
SELECT 'index' AS kind, t.relname AS table_name, i.relname AS name, pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(tables)s)
    AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
UNION ALL
SELECT 'foreign key', t.relname, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
    AND t.relname = ANY(%(tables)s)
ORDER BY 1 DESC, 2, 3
"""


def _set_aside(cursor: psycopg.Cursor[Any], structures: list[Any]) -> None:
    for kind, table, name, _ in structures:
        if kind == "index":
            cursor.execute(f'DROP INDEX "{name}"')
        else:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


def _restore(cursor: psycopg.Cursor[Any], structures: list[Any]) -> None:
    for kind, table, name, definition in structures:
        if kind == "index":
            cursor.execute(definition)
        else:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


# For this transaction only: sorts and hashes of a whole table in memory, and statistics
# from a small sample (enough to plan the recompute; the caller analyzes once committed).
SETTINGS = (
    "SET LOCAL maintenance_work_mem = '256MB'",
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL default_statistics_target = 10",
)


@dataclass(frozen=True)
class Timings:
    """Seconds spent by `load_empty` in each phase (the recompute's includes building the
    indexes it reads)."""

    copy: float
    recompute: float
    rebuild: float
    check: float

    def __str__(self) -> str:
        return (
            f"Rows copied in {self.copy:.1f} s; maintained figures recomputed in"
            f" {self.recompute:.1f} s; indexes and foreign keys rebuilt in {self.rebuild:.1f} s;"
            f" figures checked in {self.check:.1f} s: all match."
        )


def load_empty(
    cursor: psycopg.Cursor[Any], tables: Sequence[str], write: Callable[[], Written]
) -> tuple[Written, Timings]:
    """Run `write` (COPY into `tables`, all empty) in bulk, in the cursor's transaction.

    The figure triggers are off and the secondary indexes and foreign keys of `tables` set
    aside while `write` runs: building an index once costs far less than maintaining it row
    by row, and re-adding a foreign key checks every row in one pass instead of one lookup
    per row. Then the indexes the recompute reads are built, every figure recomputed and the
    triggers turned back on, the other indexes built and the foreign keys re-added (same
    definitions, same names), and every figure checked. Raises FiguresMismatch, for the
    caller to roll everything back, when a figure is wrong. The transaction gets more memory
    for sorts and a sampled ANALYZE (`SETTINGS`): the caller analyzes once committed.
    """
    started = perf_counter()
    for statement in SETTINGS:
        cursor.execute(statement)
    found = cursor.execute(STRUCTURES_SQL, {"tables": list(tables)}).fetchall()
    read = [s for s in found if s[0] == "index" and s[1] not in RECOMPUTED_TABLES]
    _set_aside(cursor, found)
    with figures_deferred(cursor):
        written = write()
        copied = perf_counter()
        _restore(cursor, read)
    recomputed = perf_counter()
    _restore(cursor, [s for s in found if s not in read])
    rebuilt = perf_counter()
    mismatches = check_sync(cursor)
    if mismatches:
        raise FiguresMismatch(mismatches)
    checked = perf_counter()
    return written, Timings(
        copied - started, recomputed - copied, rebuilt - recomputed, checked - rebuilt
    )


def check_sync(cursor: psycopg.Cursor[Any]) -> list[Mismatch]:
    """Every stored figure that differs from its recomputed value (`check`, for psycopg)."""
    found: list[Mismatch] = []
    for figure, statement in CHECKS:
        found += _mismatches(figure, cursor.execute(statement).fetchall())
    return found


async def check(session: AsyncSession) -> list[Mismatch]:
    """Every stored figure that differs from its recomputed value: one statement per figure,
    at most CHECK_LIMIT rows each. Empty when every figure is right."""
    found: list[Mismatch] = []
    for figure, statement in CHECKS:
        found += _mismatches(figure, (await session.execute(text(statement))).all())
    return found


def _mismatches(figure: Figure, rows: Sequence[Sequence[Any]]) -> list[Mismatch]:
    keys, width, found = len(figure.key), len(figure.columns), []
    for row in rows:
        key, has_stored, has_expected, values = (
            tuple(row[:keys]),
            row[keys],
            row[keys + 1],
            row[keys + 2 :],
        )
        for index, column in enumerate(figure.columns):
            stored = values[index] if has_stored else None
            expected = values[width + index] if has_expected else None
            if stored != expected or has_stored != has_expected:
                found.append(Mismatch(figure.table, key, column, stored, expected))
    return found
