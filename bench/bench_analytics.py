"""Latency of the portfolio analytics on a large synthetic company, through the ASGI app.

    python bench/bench_analytics.py --data-dir /tmp/cdo-bench/pgdata [--runs 30]

Uses the embedded PostgreSQL in --data-dir (or --database-url); when the database holds no
initiative, loads `cdo-portfolio demo --scale 100000` first. Requests go in-process through
httpx + ASGITransport to create_app(...), acting as the CDO office. Prints p50/p95 per
endpoint, and the CPU time each request costs the app and the database server (which a
busy machine does not inflate), and writes the figures as JSON under bench/results/.
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
TARGET_P50_MS = 150.0
console = Console(width=150)

# A manager halfway down the tree who has reports: the "mid-level" roll-up.
MID_LEVEL_MANAGER = """
WITH RECURSIVE tree(id, depth) AS (
    SELECT id, 0 FROM person WHERE manager_id IS NULL
    UNION ALL
    SELECT p.id, t.depth + 1 FROM person p JOIN tree t ON p.manager_id = t.id
)
SELECT t.id, t.depth FROM tree t
WHERE t.depth = (SELECT max(depth) / 2 FROM tree)
    AND EXISTS (SELECT 1 FROM person r WHERE r.manager_id = t.id)
ORDER BY t.id LIMIT 1
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench/pgdata"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
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


async def describe(engine: AsyncEngine) -> tuple[dict[str, int], int, int]:
    """Row counts, and the mid-level manager (id, depth)."""
    tables = ("initiative", "person", "kpi", "kpi_measurement", "progress_update")
    async with engine.connect() as connection:
        counts = {
            t: (await connection.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in tables
        }
        manager = (await connection.execute(text(MID_LEVEL_MANAGER))).one()
    return counts, manager.id, manager.depth


def server_cpu_ms(postmaster: int | None) -> float:
    """CPU time used so far by the server's backends and reaped workers (Linux /proc)."""
    if postmaster is None:
        return 0.0
    proc = Path("/proc")
    children = (proc / str(postmaster) / "task" / str(postmaster) / "children").read_text()
    ticks = 0
    for pid in children.split():
        try:
            fields = (proc / pid / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    own = (proc / str(postmaster) / "stat").read_text().rsplit(")", 1)[1].split()
    ticks += int(own[13]) + int(own[14])  # cutime, cstime: exited backends and workers
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


async def measure(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, Any],
    args: argparse.Namespace,
    postmaster: int | None,
) -> dict[str, Any]:
    """Wall-clock p50/p95/min/max of sequential requests, and the mean CPU they cost.

    CPU time (the app process, and the database server) does not depend on what else
    the machine runs, unlike wall-clock time on a busy machine.
    """
    timings, app_cpu, db_cpu = [], [], []
    for index in range(args.warmup + args.runs):
        db_before, cpu_before = server_cpu_ms(postmaster), time.process_time()
        started = time.perf_counter()
        response = await client.get(path, params=params)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
        if index >= args.warmup:
            timings.append(elapsed)
            app_cpu.append((time.process_time() - cpu_before) * 1000)
            db_cpu.append(server_cpu_ms(postmaster) - db_before)
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(cuts[18], 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "app_cpu_ms": round(statistics.fmean(app_cpu), 1),
        "db_cpu_ms": round(statistics.fmean(db_cpu), 1) if postmaster else None,
        "bytes": len(response.content),
    }


async def run(url: str, args: argparse.Namespace, postmaster: int | None) -> dict[str, Any]:
    await ensure_data(url, args.scale)
    engine = create_async_engine(url, pool_size=5)
    counts, manager_id, depth = await describe(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.cdo_office, label="bench"
    )
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        "balance": ("/api/v1/portfolio/balance", {}),
        "flags": ("/api/v1/portfolio/flags", {}),
        "alignment": ("/api/v1/portfolio/alignment", {}),
        f"roll-up (person {manager_id}, depth {depth})": (
            f"/api/v1/people/{manager_id}/portfolio",
            {},
        ),
        "balance weight=spent": ("/api/v1/portfolio/balance", {"weight": "spent"}),
        "flags owner_line": ("/api/v1/portfolio/flags", {"owner_line": manager_id}),
    }
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, (path, params) in cases.items():
            results[name] = await measure(client, path, params, args, postmaster)
            console.print(f"{name}: p50 {results[name]['p50_ms']} ms")
    await engine.dispose()
    return {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "rows": counts,
        "runs": args.runs,
        "target_p50_ms": TARGET_P50_MS,
        "endpoints": results,
    }


def report(figures: dict[str, Any]) -> Path:
    """Print the table and write the JSON; returns the JSON path."""
    table = Table(title=f"Portfolio analytics, {figures['rows']['initiative']:,} initiatives")
    columns = ("endpoint", "p50 ms", "p95 ms", "min ms", "max ms", "app CPU ms", "db CPU ms")
    for column in (*columns, "KiB", "p50 target"):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for name, row in figures["endpoints"].items():
        ok = "ok" if row["p50_ms"] < TARGET_P50_MS else "MISSED"
        table.add_row(
            name,
            f"{row['p50_ms']}",
            f"{row['p95_ms']}",
            f"{row['min_ms']}",
            f"{row['max_ms']}",
            f"{row['app_cpu_ms']}",
            f"{row['db_cpu_ms']}",
            f"{row['bytes'] / 1024:.0f}",
            ok,
        )
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"analytics-{figures['rows']['initiative']}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Written to {path}")
    return path


def postmaster_pid(data_dir: Path | None) -> int | None:
    """The embedded server's postmaster (to read its CPU time), when on this machine."""
    pid_file = data_dir / "postmaster.pid" if data_dir else None
    if pid_file is None or not pid_file.exists() or not Path("/proc").is_dir():
        return None
    return int(pid_file.read_text().split()[0])


def main() -> None:
    args = parse_args()
    embedded = None
    url = args.database_url
    if not url:
        embedded = EmbeddedPostgres(args.data_dir, cleanup="stop")
        url = embedded.start()
    try:
        migrate.upgrade(url)
        report(asyncio.run(run(url, args, postmaster_pid(args.data_dir if embedded else None))))
    finally:
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
