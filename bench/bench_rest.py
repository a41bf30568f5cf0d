"""Latency of the initiative REST endpoints on a large synthetic company, in-process.

    python bench/bench_rest.py [--scale 100000] [--reuse] [--requests 200]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and (re)creates the database
`cdo_bench_rest` loaded with `cdo-portfolio demo --scale N`, timing the load; --reuse keeps
a database that already holds N initiatives. Requests go through httpx + ASGITransport to
create_app(settings, engine=...), acting as the CDO office, so the figures are the
application and the database without network or authentication. Prints p50/p95 and the
SQL statements per request, and writes the figures as JSON under bench/results/.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import scratch
import throughput
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service import migrate
from service.actor import Actor, Role
from service.config import Settings
from service.demo import loader
from service.deps import current_actor
from service.embedded_db import EmbeddedPostgres
from service.main import create_app
from service.pagination import encode_cursor

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_rest"
console = Console(width=130)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-rest/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case.")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--throughput", action="store_true", help="Requests/s over HTTP, 2 workers, instead."
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Per throughput case.")
    parser.add_argument("--credential-cache-seconds", type=float, default=5.0)
    return parser.parse_args()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def prepare(server: EmbeddedPostgres, scale: int, reuse: bool) -> tuple[str, float | None]:
    """The URL of a database holding `scale` initiatives, and the load time (None if reused)."""
    server_url = server.start()
    if reuse and scratch.exists(server, DATABASE):
        url = scratch.database_url(server, server_url, DATABASE)
        with psycopg.connect(_libpq(url)) as bench_db:
            row = bench_db.execute("SELECT count(*) FROM initiative").fetchone()
        if row == (scale,):
            console.print(f"Reusing {DATABASE} ({scale:,} initiatives).")
            return url, None
    url = scratch.recreate(server, server_url, DATABASE)
    migrate.upgrade(url)
    started = time.perf_counter()
    asyncio.run(loader.load(url, console, scale=scale, seed=42))
    return url, round(time.perf_counter() - started, 1)


async def pick(engine: AsyncEngine) -> dict[str, Any]:
    """Ids the cases need: the id range, and the busiest department for the filter."""
    async with engine.connect() as connection:
        low, high = (
            await connection.execute(text("SELECT min(id), max(id) FROM initiative"))
        ).one()
        department, matching = (
            await connection.execute(
                text(
                    "SELECT department_id, count(*) FROM initiative WHERE status = 'in_progress'"
                    " GROUP BY department_id ORDER BY count(*) DESC, department_id LIMIT 1"
                )
            )
        ).one()
    return {"low": low, "high": high, "department": department, "matching": matching}


def cases(ids: dict[str, Any], requests: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each case: the list of (path, params) to request, in order."""
    deep = encode_cursor(ids["low"] + int((ids["high"] - ids["low"]) * 0.9))
    rng = random.Random(42)
    filtered = {"department_id": ids["department"], "status": "in_progress", "limit": 100}
    return {
        "list: first page": [("/api/v1/initiatives", {"limit": 100})] * requests,
        "list: deep page (cursor at 90%)": [("/api/v1/initiatives", {"limit": 100, "cursor": deep})]
        * requests,
        "list: department + in_progress": [("/api/v1/initiatives", filtered)] * requests,
        "get one (random ids)": [
            (f"/api/v1/initiatives/{rng.randint(ids['low'], ids['high'])}", {})
            for _ in range(requests)
        ],
    }


class SqlClock:
    """Counts the SQL statements of a request and the time spent waiting for them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        self.seconds = 0.0
        self._started = 0.0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements, self.seconds = 0, 0.0

    def _before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.statements += 1
        self.seconds += time.perf_counter() - self._started


async def measure(
    client: httpx.AsyncClient,
    clock: SqlClock,
    calls: list[tuple[str, dict[str, Any]]],
    warmup: int,
) -> dict[str, Any]:
    """p50/p95/min/max in ms over the calls (after `warmup` untimed ones), and SQL per call."""
    for path, params in calls[:warmup]:
        (await client.get(path, params=params)).raise_for_status()
    timings, sql_timings, per_call = [], [], set()
    for path, params in calls:
        clock.reset()
        started = time.perf_counter()
        response = await client.get(path, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
        per_call.add(clock.statements)
        sql_timings.append(clock.seconds * 1000)
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    items = response.json().get("items")
    return {
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cuts[18], 2),
        "min_ms": round(min(timings), 2),
        "max_ms": round(max(timings), 2),
        "sql_p50_ms": round(statistics.median(sql_timings), 2),
        "sql_per_request": sorted(per_call),
        "items": len(items) if items is not None else 1,
        "bytes": len(response.content),
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Measure every case against the loaded database."""
    engine = create_async_engine(url, pool_size=5)
    clock = SqlClock(engine)
    ids = await pick(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.cdo_office, label="bench"
    )
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, calls in cases(ids, args.requests).items():
            results[name] = await measure(client, clock, calls, args.warmup)
            console.print(f"{name}: p50 {results[name]['p50_ms']} ms")
    async with engine.connect() as connection:
        tables = ("initiative", "person", "kpi", "kpi_measurement", "progress_update")
        rows = {
            t: (await connection.execute(text(f"SELECT count(*) FROM {t}"))).scalar()
            for t in tables
        }
    await engine.dispose()
    return {"rows": rows, "picked": ids, "endpoints": results}


def report(figures: dict[str, Any]) -> Path:
    """Print the table and write the JSON; returns the JSON path."""
    load = figures["load_seconds"]
    title = f"Initiatives REST, {figures['rows']['initiative']:,} initiatives"
    table = Table(title=f"{title} (load {load} s)" if load is not None else title)
    columns = ("case", "p50 ms", "p95 ms", "min ms", "max ms", "SQL p50 ms", "SQL/req", "items")
    for column in columns:
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["endpoints"].items():
        sql = ",".join(str(n) for n in row["sql_per_request"])
        timings = [row[key] for key in ("p50_ms", "p95_ms", "min_ms", "max_ms", "sql_p50_ms")]
        table.add_row(name, *(str(v) for v in timings), sql, str(row["items"]))
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"rest-{figures['scale']}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Written to {path}")
    return path


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    try:
        url, load_seconds = prepare(server, args.scale, args.reuse)
        if args.throughput:
            hold = args.credential_cache_seconds
            report_throughput(args.scale, throughput.run(url, hold, args.seconds))
            return
        figures = asyncio.run(run(url, args))
    finally:
        server.stop()
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "scale": args.scale,
            "reused_database": load_seconds is None,
            "load_seconds": load_seconds or previous_load_seconds(args.scale),
        }
        | figures
    )


def report_throughput(scale: int, figures: dict[str, Any]) -> None:
    """Print the throughput table and write its JSON."""
    hold = figures["credential_cache_seconds"]
    table = Table(title=f"Throughput, {figures['workers']} workers, credential cache {hold} s")
    for column in ("case", "req/s", "p50 ms", "p99 ms", "app CPU ms/req", "load avg"):
        table.add_column(column, justify="left" if column == "case" else "right")
    keys = ("rps", "p50_ms", "p99_ms", "app_cpu_ms_per_request", "load_average_1m")
    for name, row in figures["cases"].items():
        table.add_row(name, *(str(row[key]) for key in keys))
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"rest-throughput-{scale}-cache{hold:g}.json"
    taken = {"taken_at": datetime.now(UTC).isoformat(timespec="seconds"), "scale": scale}
    path.write_text(json.dumps(taken | figures, indent=2) + "\n")
    console.print(f"Written to {path}")


def previous_load_seconds(scale: int) -> float | None:
    """The load time recorded by the last run that loaded this scale (a reused database)."""
    path = RESULTS / f"rest-{scale}.json"
    return json.loads(path.read_text()).get("load_seconds") if path.exists() else None


if __name__ == "__main__":
    main()
