"""Latency of the change-request list (the CDO office's pending queue) on a large synthetic
company, in-process.

    python bench/bench_decisions.py [--scale 100000] [--reuse] [--requests 200]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and (re)creates the database
`cdo_bench_decisions` loaded with `cdo-portfolio demo --scale N`, then adds one change
request per 10 initiatives (one in four still pending, the rest decided), as a department
head's edits leave them. Requests go through httpx + ASGITransport to create_app(...),
acting as the CDO office. Prints p50/p95 and the SQL statements per request, and writes
bench/results/decisions-<N>.json.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import scratch
from bench_rest import SqlClock, measure
from rich.console import Console
from rich.table import Table
from sqlalchemy import text
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
DATABASE = "cdo_bench_decisions"
console = Console(width=130)

# One request per 10 initiatives; every 4th still pending, the others decided.
REQUESTS_SQL = """
INSERT INTO change_request (initiative_id, changes, status, comment, decided_at)
SELECT i.id,
       jsonb_build_object('budget_planned', jsonb_build_object(
           'from', i.budget_planned::text, 'to', (i.budget_planned * 2)::text)),
       CASE WHEN i.id % 40 = 0 THEN 'pending' ELSE 'rejected' END,
       '',
       CASE WHEN i.id % 40 = 0 THEN NULL ELSE now() END
FROM initiative i
WHERE i.id % 10 = 0
ORDER BY i.id
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-decisions/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case.")
    parser.add_argument("--warmup", type=int, default=10)
    return parser.parse_args()


def prepare(server: EmbeddedPostgres, scale: int, reuse: bool) -> str:
    """The URL of a database holding `scale` initiatives and their change requests."""
    server_url = server.start()
    url = scratch.database_url(server, server_url, DATABASE)
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    if reuse and scratch.exists(server, DATABASE):
        with psycopg.connect(libpq) as db:
            if db.execute("SELECT count(*) FROM initiative").fetchone() == (scale,):
                console.print(f"Reusing {DATABASE} ({scale:,} initiatives).")
                return url
    url = scratch.recreate(server, server_url, DATABASE)
    migrate.upgrade(url)
    asyncio.run(loader.load(url, console, scale=scale, seed=42))
    with psycopg.connect(libpq, autocommit=True) as db:
        db.execute(REQUESTS_SQL)
        db.execute("VACUUM (ANALYZE) change_request")
    return url


async def pick(engine: AsyncEngine) -> dict[str, Any]:
    """The pending ids (for the deep page and the single reads) and a busy initiative."""
    async with engine.connect() as connection:
        pending = (
            (
                await connection.execute(
                    text("SELECT id FROM change_request WHERE status = 'pending' ORDER BY id")
                )
            )
            .scalars()
            .all()
        )
        total = (await connection.execute(text("SELECT count(*) FROM change_request"))).scalar()
        initiative = (
            await connection.execute(text("SELECT initiative_id FROM change_request LIMIT 1"))
        ).scalar()
    return {"pending": list(pending), "total": total, "initiative": initiative}


def cases(ids: dict[str, Any], requests: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    pending = ids["pending"]
    deep = encode_cursor(pending[int(len(pending) * 0.9)])
    rng = random.Random(42)
    listed = "/api/v1/change-requests"
    return {
        "pending: first page": [(listed, {"status": "pending", "limit": 50})] * requests,
        "pending: deep page (cursor at 90%)": [
            (listed, {"status": "pending", "limit": 50, "cursor": deep})
        ]
        * requests,
        "one initiative's requests": [(listed, {"initiative_id": ids["initiative"]})] * requests,
        "get one with its gate checks": [
            (f"{listed}/{rng.choice(pending)}", {}) for _ in range(requests)
        ],
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
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
    await engine.dispose()
    counts = {"change_requests": ids["total"], "pending": len(ids["pending"])}
    return {"rows": counts, "endpoints": results}


def report(figures: dict[str, Any]) -> None:
    rows = figures["rows"]
    title = (
        f"Change requests, {figures['scale']:,} initiatives, {rows['change_requests']:,}"
        f" requests ({rows['pending']:,} pending)"
    )
    table = Table(title=title)
    for column in ("case", "p50 ms", "p95 ms", "max ms", "SQL/req", "items"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["endpoints"].items():
        sql = ",".join(str(n) for n in row["sql_per_request"])
        values = (row["p50_ms"], row["p95_ms"], row["max_ms"], sql, row["items"])
        table.add_row(name, *(str(v) for v in values))
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"decisions-{figures['scale']}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Written to {path}")


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    started = time.perf_counter()
    try:
        url = prepare(server, args.scale, args.reuse)
        figures = asyncio.run(run(url, args))
    finally:
        server.stop()
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "load_average": os.getloadavg(),
            "scale": args.scale,
            "seconds": round(time.perf_counter() - started, 1),
        }
        | figures
    )


if __name__ == "__main__":
    main()
