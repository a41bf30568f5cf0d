"""The initiative rule book's cost in a 10,000-row import.

    python bench/bench_import_rules.py [--rows 10000] [--runs 5]

Starts an embedded PostgreSQL in --data-dir, (re)creates the database `cdo_bench_rules`,
imports a company of 20 departments and 400 people, then times, interleaved over --runs
rounds:

- `create`: a dry-run import (written in a savepoint, then rolled back) of --rows new
  initiatives, a fifth of them hybrid with a share, some stopped with lessons;
- `update`: a dry-run import of the same rows over the stored ones, every status moved
  along the lifecycle (the transition rule runs on every row);
- `rules`: the rule book alone (client share, transition, lessons, dates) on the same rows,
  in process, as the import's checks call it.

Prints medians and the machine's load; writes bench/results/import-rules.json. Run it from
another checkout (same script, `PYTHONPATH` at that tree) to compare with an earlier import:
there the `rules` row is left out when the tree has no rule book.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import scratch
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from service import migrate
from service.actor import SYSTEM
from service.config import Settings
from service.embedded_db import EmbeddedPostgres
from service.transfer.limits import ImportLimits
from service.transfer.service import import_file

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_rules"
DEPARTMENTS, PEOPLE = 20, 400
STATUS_MOVES = {"proposed": "approved", "approved": "in_progress", "in_progress": "done"}
console = Console(width=120)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-rules/pgdata"))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def company() -> bytes:
    departments = [[f"d{d:02d}", f"Department {d}"] for d in range(DEPARTMENTS)]
    people = [
        [f"p{p}@bench.example", f"Person {p}", f"d{p % DEPARTMENTS:02d}"] for p in range(PEOPLE)
    ]
    return _zip(
        {
            "departments.csv": _csv(["code", "name"], departments),
            "people.csv": _csv(["email", "name", "department_code"], people),
        }
    )


def _zip(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def initiative_rows(n: int, *, moved: bool) -> list[dict[str, Any]]:
    """`n` initiatives; with `moved`, each status one step further along the lifecycle."""
    start = date(2026, 1, 1)
    rows = []
    for i in range(n):
        orientation = ("client_facing", "internal", "internal", "client_facing", "hybrid")[i % 5]
        status = ("proposed", "approved", "in_progress")[i % 3]
        rows.append(
            {
                "code": f"B-{i:05d}",
                "title": f"Initiative {i}",
                "department_code": f"d{i % DEPARTMENTS:02d}",
                "owner_email": f"p{i % PEOPLE}@bench.example",
                "orientation": orientation,
                "client_share": "0.3" if orientation == "hybrid" else "",
                "status": STATUS_MOVES[status] if moved else status,
                "lessons_learned": "What we learned." if i % 7 == 0 else "",
                "start_date": (start + timedelta(days=i % 300)).isoformat(),
                "target_date": (start + timedelta(days=300 + i % 200)).isoformat(),
                "budget_planned": str(1000 + i),
            }
        )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    return _csv(list(rows[0]), [list(row.values()) for row in rows])


def rule_book() -> Callable[[list[dict[str, Any]], list[dict[str, Any]]], None] | None:
    """The rule book's calls on each row as the import makes them; None before it existed."""
    try:
        from service.initiatives import rules
    except ImportError:
        return None

    def run(rows: list[dict[str, Any]], stored: list[dict[str, Any]]) -> None:
        for row, old in zip(rows, stored, strict=True):
            given = row["client_share"] or None
            rules.client_share(row["orientation"], given, keep=None)
            final = {
                **row,
                "start_date": date.fromisoformat(row["start_date"]),
                "target_date": date.fromisoformat(row["target_date"]),
            }
            rules.check(final.get, current_status=old["status"])

    return run


async def timed_import(url: str, data: bytes, filename: str, *, dry_run: bool) -> float:
    engine = create_async_engine(url)
    limits = ImportLimits.of(Settings(database_url=url))
    try:
        async with AsyncSession(engine) as session, session.begin():
            started = time.perf_counter()
            await import_file(session, SYSTEM, data, filename, limits=limits, dry_run=dry_run)
            return (time.perf_counter() - started) * 1000
    finally:
        await engine.dispose()


def prepare(server: EmbeddedPostgres) -> str:
    url = scratch.recreate(server, server.start(), DATABASE)
    migrate.upgrade(url)
    return url


async def run(url: str, rows: int, runs: int) -> dict[str, list[float]]:
    await timed_import(url, company(), "company.zip", dry_run=False)
    created, moved = initiative_rows(rows, moved=False), initiative_rows(rows, moved=True)
    await timed_import(url, as_csv(created), "initiatives.csv", dry_run=False)
    rules = rule_book()
    times: dict[str, list[float]] = {"create": [], "update": [], "rules": []}
    fresh = [row | {"code": "N" + row["code"]} for row in created]
    for _ in range(runs):
        times["create"].append(await timed_import(url, as_csv(fresh), "i.csv", dry_run=True))
        times["update"].append(await timed_import(url, as_csv(moved), "i.csv", dry_run=True))
        if rules is not None:
            started = time.perf_counter()
            rules(moved, created)
            times["rules"].append((time.perf_counter() - started) * 1000)
    return {name: values for name, values in times.items() if values}


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    try:
        url = prepare(server)
        times = asyncio.run(run(url, args.rows, args.runs))
    finally:
        server.stop()
    load = os.getloadavg()
    table = Table(title=f"{args.rows:,}-row import, median of {args.runs} (load {load[0]:.2f})")
    for column in ("case", "median ms", "min ms", "max ms"):
        table.add_column(column, justify="right")
    for name, values in times.items():
        median = statistics.median(values)
        table.add_row(name, f"{median:,.0f}", f"{min(values):,.0f}", f"{max(values):,.0f}")
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    figures = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": load},
        "rows": args.rows,
        "median_ms": {name: round(statistics.median(v), 1) for name, v in times.items()},
    }
    (RESULTS / "import-rules.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
