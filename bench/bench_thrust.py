"""Latency of the thrust of one initiative and of a KPI's contributions on a large synthetic
company, each against a hand-written SQL lower bound run in the same rounds.

    python bench/bench_thrust.py [--data-dir /tmp/cdo-bench-thrust/pgdata] [--runs 100]

Uses the embedded PostgreSQL in --data-dir (or --database-url); when the database holds no
initiative, loads `cdo-portfolio demo --scale 100000` first (about 90 s). Requests go
in-process through httpx + ASGITransport to create_app(...), acting as the CDO office.

Picked: the client-facing initiative with the most (customer KPI, employee driver) pairs, and
the KPI with the most initiative links. Each round sends, in turn, GET /initiatives/{id}/thrust,
the thrust's lower bound (one hand-written statement: the chain and the movers, over one
connection, without the app), GET /kpis/{id}/contributions (first page of 50), its lower bound
(the same figures for every link in one statement), and GET /portfolio/flags?code=ENABLER_LATE.
Prints p50/p95 per case and writes bench/results/thrust-<N>.json.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service import migrate
from service.actor import Actor, Role
from service.config import Settings
from service.deps import current_actor
from service.embedded_db import EmbeddedPostgres
from service.main import create_app

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P50_MS = 100.0
console = Console(width=130)

PICK_PROMISE = """
SELECT i.id AS initiative_id, count(e.id) AS pairs
FROM initiative i
JOIN initiative_kpi ik ON ik.initiative_id = i.id
JOIN kpi c ON c.id = ik.kpi_id AND c.perspective = 'customer'
LEFT JOIN kpi_driver d ON d.driven_kpi_id = c.id
LEFT JOIN kpi e ON e.id = d.driver_kpi_id AND e.perspective = 'employee'
WHERE i.orientation = 'client_facing'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1
"""
PICK_KPI = "SELECT kpi_id FROM initiative_kpi GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"

# The thrust's figures in one statement, without the declared links or any formatting.
THRUST_BOUND = text("""
WITH RECURSIVE walk(cx_id, kpi_id, depth, path) AS (
    SELECT k.id, k.id, 0, ARRAY[k.id] FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id
    WHERE ik.initiative_id = :id AND k.perspective = 'customer'
    UNION ALL
    SELECT w.cx_id, d.driver_kpi_id, w.depth + 1, d.driver_kpi_id || w.path
    FROM walk w JOIN kpi_driver d ON d.driven_kpi_id = w.kpi_id
    WHERE NOT d.driver_kpi_id = ANY(w.path)
)
SELECT w.cx_id, w.kpi_id, w.depth, m.*
FROM walk w JOIN kpi e ON e.id = w.kpi_id AND e.perspective = 'employee'
CROSS JOIN LATERAL (
    SELECT i.id, i.status, i.target_date, i.last_check_in_id FROM initiative_kpi ik
    JOIN initiative i ON i.id = ik.initiative_id
    WHERE ik.kpi_id = w.kpi_id AND i.orientation IN ('internal', 'hybrid')
    ORDER BY i.target_date LIMIT 10
) m
""")

# Every link's credit in one statement, without ranking, paging or totals.
CONTRIBUTIONS_BOUND = text("""
SELECT ik.initiative_id, (k.last_value - s.value) * ik.weight
FROM initiative_kpi ik JOIN initiative i ON i.id = ik.initiative_id
JOIN kpi k ON k.id = ik.kpi_id
LEFT JOIN LATERAL (
    SELECT m.value FROM kpi_measurement m
    WHERE m.kpi_id = k.id AND m.measured_on <= i.start_date
    ORDER BY m.measured_on DESC LIMIT 1
) s ON true
WHERE ik.kpi_id = :id
""")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-thrust/pgdata"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    return parser.parse_args()


async def ensure_data(url: str, scale: int) -> None:
    """Load the synthetic company when the database holds no initiative."""
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM initiative"))).scalar_one()
    await engine.dispose()
    if count == 0:
        from service.demo import loader

        await loader.load(url, console, scale=scale, seed=42)


def summary(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(cuts[18], 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


async def picks(engine: AsyncEngine) -> tuple[int, int, int, int]:
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM initiative"))).scalar_one()
        promise = (await connection.execute(text(PICK_PROMISE))).one()
        kpi = (await connection.execute(text(PICK_KPI))).scalar_one()
        links = (
            await connection.execute(
                text("SELECT count(*) FROM initiative_kpi WHERE kpi_id = :id"), {"id": kpi}
            )
        ).scalar_one()
    return count, promise.initiative_id, kpi, links


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    await ensure_data(url, args.scale)
    engine = create_async_engine(url, pool_size=5)
    count, promise, kpi, links = await picks(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.cdo_office, label="bench"
    )
    requests = {
        "thrust": f"/api/v1/initiatives/{promise}/thrust",
        "contributions": f"/api/v1/kpis/{kpi}/contributions",
        "ENABLER_LATE flag": "/api/v1/portfolio/flags?code=ENABLER_LATE",
    }
    bounds = {"thrust lower bound": (THRUST_BOUND, promise)}
    bounds["contributions lower bound"] = (CONTRIBUTIONS_BOUND, kpi)
    order = ["thrust", "thrust lower bound", "contributions", "contributions lower bound"]
    order.append("ENABLER_LATE flag")
    times: dict[str, list[float]] = {name: [] for name in order}
    load_before = os.getloadavg()
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        engine.connect() as connection,
    ):
        shape = (await client.get(requests["thrust"])).json()
        for index in range(args.warmup + args.runs):
            for name in order:
                started = time.perf_counter()
                if name in requests:
                    response = await client.get(requests[name])
                    if response.status_code != 200:
                        raise RuntimeError(f"{name}: {response.status_code} {response.text}")
                else:
                    statement, key = bounds[name]
                    (await connection.execute(statement, {"id": key})).all()
                elapsed = (time.perf_counter() - started) * 1000
                if index >= args.warmup:
                    times[name].append(elapsed)
    await engine.dispose()
    drivers = sum(len(cx["drivers"]) for cx in shape["cx_kpis"])
    return {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "initiatives": count,
        "thrust_of": {
            "initiative_id": promise,
            "cx_kpis": len(shape["cx_kpis"]),
            "drivers": drivers,
        },
        "contributions_of": {"kpi_id": kpi, "links": links},
        "runs": args.runs,
        "target_p50_ms": TARGET_P50_MS,
        "cases": {name: summary(values) for name, values in times.items()},
    }


def report(figures: dict[str, Any]) -> Path:
    """Print the table and write the JSON; returns the JSON path."""
    table = Table(title=f"Thrust and contributions, {figures['initiatives']:,} initiatives")
    for column in ("case", "p50 ms", "p95 ms", "min ms", "max ms"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["cases"].items():
        table.add_row(name, *(f"{row[k]}" for k in ("p50_ms", "p95_ms", "min_ms", "max_ms")))
    console.print(table)
    console.print(
        f"Thrust of {figures['thrust_of']}, contributions of {figures['contributions_of']}"
    )
    console.print(f"Load average before/after: {figures['machine']}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"thrust-{figures['initiatives']}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Written to {path}")
    return path


def main() -> None:
    args = parse_args()
    embedded = None
    url = args.database_url
    if not url:
        embedded = EmbeddedPostgres(args.data_dir, cleanup="stop")
        url = embedded.start()
    try:
        migrate.upgrade(url)
        report(asyncio.run(run(url, args)))
    finally:
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
