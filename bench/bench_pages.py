"""Server time of every page, for the CDO office and a department head, in-process.

    python bench/bench_pages.py [--scale 20000] [--reuse] [--requests 20]

`--scale 0` loads the demo company (`cdo-portfolio demo`); any other scale the synthetic
company (`cdo-portfolio demo --scale N`). Starts an embedded PostgreSQL in --data-dir (under
/tmp) and (re)creates the database `cdo_bench_pages_<scale>`; --reuse keeps one already
loaded. Pages are requested through httpx + ASGITransport to create_app(settings,
engine=...) with the page actor set directly (no cookie, no sign-in), so the figures are
the application, the templates and the database. Prints p50/p95 per page and role, the
CPU each request costs the application process and the database server (from /proc: on a
shared machine the wall clock follows the load, the CPU time much less), the SQL statements
per request and the page weight, and writes JSON under bench/results/ (or --output).
Run it with PYTHONPATH at another checkout to measure that tree against the same database.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import scratch
from bench_analytics import postmaster_pid, server_cpu_ms
from bench_rest import SqlClock
from fastapi import Request
from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service import migrate
from service.actor import Actor, Role
from service.config import Settings
from service.demo import loader
from service.embedded_db import EmbeddedPostgres
from service.main import create_app
from service.pages.deps import page_actor
from service.pages.render import NAVIGATION

RESULTS = Path(__file__).resolve().parent / "results"
console = Console(width=140)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-pages/pgdata"))
    parser.add_argument("--scale", type=int, default=20_000, help="Initiatives; 0: the demo.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--load-only", action="store_true", help="Load the database and stop.")
    parser.add_argument("--only", default="", help="Only the pages whose path contains this.")
    parser.add_argument("--output", type=Path, help="Where to write the JSON.")
    return parser.parse_args()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def prepare(server: EmbeddedPostgres, scale: int, reuse: bool) -> tuple[str, float | None]:
    """The URL of a database holding the company, and the load time (None if reused)."""
    database = f"cdo_bench_pages_{scale or 'demo'}"
    server_url = server.start()
    if reuse and scratch.exists(server, database):
        url = scratch.database_url(server, server_url, database)
        with psycopg.connect(_libpq(url)) as bench_db:
            row = bench_db.execute("SELECT count(*) FROM initiative").fetchone()
        if row is not None and row[0] > 0:
            console.print(f"Reusing {database} ({row[0]:,} initiatives).")
            migrate.upgrade(url)  # the migrations added since it was loaded
            return url, None
    url = scratch.recreate(server, server_url, database)
    migrate.upgrade(url)
    started = time.perf_counter()
    asyncio.run(loader.load(url, console, scale=scale, seed=42))
    return url, round(time.perf_counter() - started, 1)


PICK_SQL = """
SELECT d.id, d.head_id, ph.id AS deep_person,
    (SELECT i.id FROM initiative i WHERE i.department_id = d.id
     ORDER BY i.status = 'in_progress' DESC, i.id LIMIT 1) AS initiative,
    (SELECT k.id FROM kpi k ORDER BY k.id LIMIT 1) AS kpi
FROM department d
LEFT JOIN LATERAL (
    SELECT p.id FROM person p WHERE p.department_id = d.id
    ORDER BY (SELECT count(*) FROM person r WHERE r.manager_id = p.id) = 0 DESC, p.id DESC
    LIMIT 1
) ph ON true
WHERE d.head_id IS NOT NULL
ORDER BY (SELECT count(*) FROM initiative i WHERE i.department_id = d.id) DESC, d.id
LIMIT 1
"""


async def pick(engine: AsyncEngine) -> dict[str, Any]:
    """The busiest department with its head, a person deep in it, one initiative, one KPI."""
    async with engine.connect() as connection:
        row = (await connection.execute(text(PICK_SQL))).one()
    return dict(row._mapping)


def pages(ids: dict[str, Any]) -> list[str]:
    """Every menu destination, then the detail pages and the forms."""
    menu = [path for path, _, _ in NAVIGATION]
    initiative, person = ids["initiative"], ids["head_id"]
    return [
        *menu,
        "/flags?view=severity",
        f"/initiatives/{initiative}",
        f"/initiatives/{initiative}/edit",
        "/initiatives/new",
        f"/initiatives?owner_line={person}",
        f"/kpis/{ids['kpi']}",
        f"/people/{person}",
        f"/departments/{ids['id']}",
        f"/org?open={ids['deep_person']}",
        f"/org/branch/{person}",
        "/tokens",
        "/notifications",
    ]


def as_actor(actor: Actor) -> Callable[[Request], Awaitable[Actor]]:
    """A page_actor override that signs every request in as `actor`."""

    async def override(request: Request) -> Actor:
        request.state.actor = actor
        return actor

    return override


async def measure(
    client: httpx.AsyncClient,
    clock: SqlClock,
    path: str,
    args: argparse.Namespace,
    postmaster: int | None,
) -> dict[str, Any]:
    """p50/p95 in ms of GET `path`, its CPU, SQL per request and the page weight."""
    for _ in range(args.warmup):
        await client.get(path)
    timings, per_call = [], set()
    response = None
    db_before, cpu_before = server_cpu_ms(postmaster), time.process_time()
    for _ in range(args.requests):
        clock.reset()
        started = time.perf_counter()
        response = await client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        per_call.add(clock.statements)
    app_cpu = (time.process_time() - cpu_before) * 1000 / args.requests
    db_cpu = (server_cpu_ms(postmaster) - db_before) / args.requests
    assert response is not None
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "status": response.status_code,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(cuts[18], 1),
        "app_cpu_ms": round(app_cpu, 1),
        "db_cpu_ms": round(db_cpu, 1) if postmaster else None,
        "sql_per_request": sorted(per_call),
        "kbytes": round(len(response.content) / 1024, 1),
        "options": response.text.count("<option"),
    }


async def run(url: str, args: argparse.Namespace, postmaster: int | None) -> dict[str, Any]:
    """Measure every page for both roles against the loaded database."""
    engine = create_async_engine(url, pool_size=5)
    clock = SqlClock(engine)
    ids = await pick(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    roles = {
        "cdo_office": Actor(account_id=None, role=Role.cdo_office, label="bench"),
        "department_head": Actor(
            account_id=None,
            role=Role.department_head,
            department_id=ids["id"],
            person_id=ids["head_id"],
            label="bench head",
        ),
    }
    results: dict[str, dict[str, Any]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for role, actor in roles.items():
            app.dependency_overrides[page_actor] = as_actor(actor)
            for path in (p for p in pages(ids) if args.only in p):
                row = await measure(client, clock, path, args, postmaster)
                results.setdefault(path, {})[role] = row
                console.print(f"{role:16} {path:40} {row['status']} p50 {row['p50_ms']} ms")
    async with engine.connect() as connection:
        counts = {
            t: (await connection.execute(text(f"SELECT count(*) FROM {t}"))).scalar()
            for t in ("initiative", "person", "kpi")
        }
    await engine.dispose()
    return {"rows": counts, "picked": ids, "pages": results}


def _cpu(row: dict[str, Any]) -> str:
    """The application's CPU per request, plus the database's when it was read."""
    if row["db_cpu_ms"] is None:
        return f"{row['app_cpu_ms']}"
    return f"{row['app_cpu_ms']}+{row['db_cpu_ms']}"


def report(figures: dict[str, Any], output: Path | None = None) -> Path:
    """Print the table and write the JSON; returns the JSON path."""
    rows = figures["rows"]
    table = Table(
        title=f"Pages, {rows['initiative']:,} initiatives, {rows['person']:,} people "
        f"(server time; CDO office | department head)"
    )
    columns = ("page", "p50 ms", "p95 ms", "CPU ms", "SQL/req", "KB", "<option>", "status")
    for column in columns:
        table.add_column(column, justify="left" if column == "page" else "right")
    for path, by_role in figures["pages"].items():
        cdo, head = by_role["cdo_office"], by_role["department_head"]

        def both(key: str, cdo: dict[str, Any] = cdo, head: dict[str, Any] = head) -> str:
            return f"{cdo[key]} | {head[key]}"

        sql = f"{','.join(map(str, cdo['sql_per_request']))} | " + ",".join(
            map(str, head["sql_per_request"])
        )
        table.add_row(
            path, both("p50_ms"), both("p95_ms"), f"{_cpu(cdo)} | {_cpu(head)}", sql,
            both("kbytes"), both("options"), both("status"),
        )  # fmt: skip
    console.print(table)
    console.print(f"Load average (1 min) before and after: {figures.get('load_average')}")
    RESULTS.mkdir(exist_ok=True)
    path = output or RESULTS / f"pages-{figures['scale'] or 'demo'}.json"
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    console.print(f"Written to {path}")
    return path


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    try:
        url, load_seconds = prepare(server, args.scale, args.reuse)
        if args.load_only:
            return
        load_before = os.getloadavg()[0]
        figures = asyncio.run(run(url, args, postmaster_pid(args.data_dir)))
        figures["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    finally:
        server.stop()
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "scale": args.scale,
            "load_seconds": load_seconds,
        }
        | figures,
        args.output,
    )


if __name__ == "__main__":
    main()
