"""Latency of evaluating a 50-move scenario on a large synthetic company, against the live
balance and flags it is compared to, through the ASGI app.

    python bench/bench_scenarios.py [--data-dir /tmp/cdo-bench-scenarios/pgdata] [--runs 30]

Uses the embedded PostgreSQL in --data-dir (or --database-url); when the database holds no
initiative, loads `cdo-portfolio demo --scale 100000` first (about 90 s). Requests go
in-process through httpx + ASGITransport to create_app(...), acting as the CDO office.

Every round sends, in turn: POST /api/v1/scenarios/evaluate with the same 50 moves (20
stops, 15 approvals, 10 budget changes, 5 relabels to hybrid, picked evenly over the ids),
GET /api/v1/portfolio/balance and GET /api/v1/portfolio/flags: the cases are interleaved so
a machine-load change hits them alike. Prints p50/p95 per case, the machine's load average,
and writes bench/results/scenarios-<N>.json.
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
TARGET_P50_MS = 300.0
console = Console(width=130)

# (status the picked initiatives are in, how many, the move made on each)
PICKS: list[tuple[str, int, dict[str, Any]]] = [
    ("in_progress", 20, {"status": "stopped", "lessons_learned": "Benchmark stop."}),
    ("proposed", 15, {"status": "approved"}),
    ("approved", 10, {"budget_planned": "250000.00"}),
    ("on_hold", 5, {"orientation": "hybrid", "client_share": "0.3"}),
]
PICK_SQL = "SELECT id FROM initiative WHERE status = :status ORDER BY id"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-scenarios/pgdata"))
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


async def pick_moves(engine: AsyncEngine) -> list[dict[str, Any]]:
    """50 moves on initiatives spread evenly over the ids of each status."""
    moves: list[dict[str, Any]] = []
    async with engine.connect() as connection:
        for status, n, move in PICKS:
            ids = (await connection.execute(text(PICK_SQL), {"status": status})).scalars().all()
            picked = ids[:: max(len(ids) // n, 1)][:n]
            moves += [{"initiative_id": id_} | move for id_ in picked]
    return moves


async def timed(client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    response = await client.request(method, path, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return elapsed


def summary(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(cuts[18], 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    await ensure_data(url, args.scale)
    engine = create_async_engine(url, pool_size=5)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM initiative"))).scalar_one()
    moves = await pick_moves(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.cdo_office, label="bench"
    )
    cases = {
        "evaluate 50 moves": ("POST", "/api/v1/scenarios/evaluate", {"json": {"moves": moves}}),
        "live balance": ("GET", "/api/v1/portfolio/balance", {}),
        "live flags": ("GET", "/api/v1/portfolio/flags", {}),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    load_before = os.getloadavg()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = (await client.post(cases["evaluate 50 moves"][1], json={"moves": moves})).json()
        for index in range(args.warmup + args.runs):
            for name, (method, path, kwargs) in cases.items():
                elapsed = await timed(client, method, path, **kwargs)
                if index >= args.warmup:
                    times[name].append(elapsed)
    await engine.dispose()
    results = {name: summary(values) for name, values in times.items()}
    live = [b + f for b, f in zip(times["live balance"], times["live flags"], strict=True)]
    results["live balance + flags"] = summary(live)
    return {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "initiatives": count,
        "moves": len(moves),
        "runs": args.runs,
        "target_p50_ms": TARGET_P50_MS,
        "scenario": {
            "client_share": [
                body["before"]["balance"]["client_share"],
                body["after"]["balance"]["client_share"],
            ],
            "appearing": len(body["appearing"]),
            "disappearing": len(body["disappearing"]),
        },
        "cases": results,
    }


def report(figures: dict[str, Any]) -> Path:
    """Print the table and write the JSON; returns the JSON path."""
    title = f"Scenario of {figures['moves']} moves, {figures['initiatives']:,} initiatives"
    table = Table(title=title)
    for column in ("case", "p50 ms", "p95 ms", "min ms", "max ms"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["cases"].items():
        table.add_row(name, *(f"{row[k]}" for k in ("p50_ms", "p95_ms", "min_ms", "max_ms")))
    console.print(table)
    console.print(f"Load average before/after: {figures['machine']}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"scenarios-{figures['initiatives']}.json"
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
