"""Latency of the irritant list sorted by votes on a large company, against the SQL lower bound.

    python bench/bench_irritants.py [--scale 100000] [--irritants 50000] [--votes 500000]
                                    [--reuse] [--requests 200]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and (re)creates the database
`cdo_bench_irritants` loaded with `cdo-portfolio demo --scale N`, then adds the irritants
(spread over the departments, one in ten linked to an initiative, one in twenty closed),
voter accounts and the votes (a skewed number per irritant, about --votes in all) in
set-based statements, the vote counts kept by the database's own triggers. Requests go
through httpx + ASGITransport to create_app(...). The lower bound is the hand-written SQL of
the same page (the irritant rows and their initiative ids) on a bare connection. Prints
p50/p95 and the SQL statements per request, and writes bench/results/irritants-<N>.json.
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
from service.irritants import queries
from service.irritants.payloads import IrritantPublic, IrritantSort
from service.main import create_app

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_irritants"
console = Console(width=130)

VOTERS = 2_000

IRRITANTS_SQL = """
INSERT INTO irritant (title, description, department_id, process, severity, status,
    status_reason, raised_at)
SELECT 'Irritant ' || n, '',
       (SELECT id FROM department
        ORDER BY id OFFSET n %% (SELECT count(*) FROM department) LIMIT 1),
       'process ' || (n %% 40),
       (ARRAY['low', 'medium', 'high'])[1 + n %% 3],
       CASE WHEN n %% 20 = 0 THEN 'closed' ELSE 'open' END,
       CASE WHEN n %% 20 = 0 THEN 'Duplicate' ELSE '' END,
       now() - make_interval(mins => n)
FROM generate_series(1, %(irritants)s) n
"""

ACCOUNTS_SQL = """
INSERT INTO account (email, role)
SELECT 'voter' || n || '@bench.example', 'contributor' FROM generate_series(1, %(voters)s) n
ON CONFLICT (email) DO NOTHING
"""

# A skewed number of votes per irritant (0 to 2 x average), from consecutive voters.
VOTES_SQL = """
INSERT INTO irritant_vote (irritant_id, account_id)
SELECT r.id, a.id
FROM irritant r
CROSS JOIN LATERAL (
    SELECT id FROM account
    WHERE email LIKE 'voter%%@bench.example'
    ORDER BY id OFFSET r.id %% 500
    LIMIT ((r.id * 7919) %% (2 * %(average)s + 1))
) a
"""

LINKS_SQL = """
INSERT INTO initiative_irritant (initiative_id, irritant_id)
SELECT (SELECT id FROM initiative ORDER BY id OFFSET r.id % 1000 LIMIT 1), r.id
FROM irritant r WHERE r.id % 10 = 0
"""

# The same page as the list, written by hand: rows by votes with their initiatives.
LOWER_BOUND = """
SELECT r.*, coalesce((SELECT array_agg(l.initiative_id ORDER BY l.initiative_id)
    FROM initiative_irritant l WHERE l.irritant_id = r.id), '{}') AS initiative_ids
FROM irritant r
WHERE (CAST(:status AS text) IS NULL OR r.status = :status)
    AND (r.vote_count, r.id) < (:votes, :id)
ORDER BY r.vote_count DESC, r.id DESC
LIMIT 51
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-irritants/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--irritants", type=int, default=50_000)
    parser.add_argument("--votes", type=int, default=500_000, help="About this many votes.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case.")
    parser.add_argument("--warmup", type=int, default=10)
    return parser.parse_args()


def prepare(server: EmbeddedPostgres, args: argparse.Namespace) -> str:
    """The URL of a database holding the company, its irritants and their votes."""
    server_url = server.start()
    url = scratch.database_url(server, server_url, DATABASE)
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    if args.reuse and scratch.exists(server, DATABASE):
        with psycopg.connect(libpq) as db:
            if db.execute("SELECT count(*) FROM irritant").fetchone() == (args.irritants,):
                console.print(f"Reusing {DATABASE}.")
                return url
    url = scratch.recreate(server, server_url, DATABASE)
    migrate.upgrade(url)
    asyncio.run(loader.load(url, console, scale=args.scale, seed=42))
    average = max(args.votes // max(args.irritants, 1), 1)
    with psycopg.connect(libpq, autocommit=True) as db:
        db.execute(IRRITANTS_SQL, {"irritants": args.irritants})
        db.execute(ACCOUNTS_SQL, {"voters": VOTERS})
        started = time.perf_counter()
        db.execute(VOTES_SQL, {"average": average})
        console.print(f"Votes written in {time.perf_counter() - started:.1f} s.")
        db.execute(LINKS_SQL)
        db.execute("VACUUM (ANALYZE) irritant, irritant_vote, initiative_irritant")
    return url


async def pick(engine: AsyncEngine) -> dict[str, Any]:
    """Row counts, and the key of the row at 90% of the votes order (a deep page)."""
    async with engine.connect() as connection:
        counts = (
            await connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM irritant), (SELECT count(*) FROM irritant_vote),"
                    " (SELECT sum(vote_count) FROM irritant),"
                    " (SELECT min(id) FROM department)"
                )
            )
        ).one()
        deep = (
            await connection.execute(
                text(
                    "SELECT id, vote_count, raised_at FROM irritant"
                    " ORDER BY vote_count DESC, id DESC OFFSET :n LIMIT 1"
                ),
                {"n": int(counts[0] * 0.9)},
            )
        ).one()
    return {
        "irritants": counts[0],
        "votes": counts[1],
        "vote_count_sum": counts[2],
        "department": counts[3],
        "deep": deep,
    }


def _cursor(row: Any) -> str:
    item = IrritantPublic.model_construct(id=row.id, votes=row.vote_count, raised_at=row.raised_at)
    return queries.encode_cursor(IrritantSort.votes, item)


async def lower_bound(
    engine: AsyncEngine, key: tuple[int, int], status: str | None, args: argparse.Namespace
) -> dict[str, Any]:
    """p50/p95 of the hand-written SQL of the same page."""
    timings = []
    params = {"status": status, "votes": key[0], "id": key[1]}
    async with engine.connect() as connection:
        for index in range(args.warmup + args.requests):
            started = time.perf_counter()
            rows = (await connection.execute(text(LOWER_BOUND), params)).all()
            if index >= args.warmup:
                timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cuts[18], 2),
        "rows": len(rows),
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = create_async_engine(url, pool_size=5)
    clock = SqlClock(engine)
    ids = await pick(engine)
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.viewer, label="bench"
    )
    listed = "/api/v1/irritants"
    top = (2**31, 2**62)
    deep = (ids["deep"].vote_count, ids["deep"].id)
    cases = {
        "by votes: first page": ({"limit": 50}, top, None),
        "by votes: deep page (cursor at 90%)": (
            {"limit": 50, "cursor": _cursor(ids["deep"])},
            deep,
            None,
        ),
        "open, by votes: first page": ({"limit": 50, "status": "open"}, top, "open"),
    }
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, (params, key, status) in cases.items():
            calls = [(listed, params)] * args.requests
            endpoint = await measure(client, clock, calls, args.warmup)
            bound = await lower_bound(engine, key, status, args)
            results[name] = {"endpoint": endpoint, "sql_lower_bound": bound}
            console.print(f"{name}: p50 {endpoint['p50_ms']} ms (SQL {bound['p50_ms']} ms)")
        extra = {
            "by department, by votes": {"limit": 50, "department_id": ids["department"]},
            "most recent first": {"limit": 50, "sort": "recent"},
        }
        for name, params in extra.items():
            calls = [(listed, params)] * args.requests
            results[name] = {"endpoint": await measure(client, clock, calls, args.warmup)}
            console.print(f"{name}: p50 {results[name]['endpoint']['p50_ms']} ms")
    await engine.dispose()
    rows = {k: ids[k] for k in ("irritants", "votes", "vote_count_sum")}
    return {"rows": rows, "cases": results}


def report(figures: dict[str, Any]) -> None:
    rows = figures["rows"]
    title = (
        f"Irritants by votes, {figures['scale']:,} initiatives, {rows['irritants']:,} irritants,"
        f" {rows['votes']:,} votes"
    )
    table = Table(title=title)
    for column in ("case", "p50 ms", "p95 ms", "SQL p50", "SQL p95", "SQL/req", "items"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["cases"].items():
        endpoint, bound = row["endpoint"], row.get("sql_lower_bound", {})
        sql = ",".join(str(n) for n in endpoint["sql_per_request"])
        values = (
            endpoint["p50_ms"],
            endpoint["p95_ms"],
            bound.get("p50_ms", "—"),
            bound.get("p95_ms", "—"),
            sql,
            endpoint["items"],
        )
        table.add_row(name, *(str(v) for v in values))
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"irritants-{figures['scale']}.json"
    path.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    console.print(f"Written to {path}")


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    started = time.perf_counter()
    try:
        url = prepare(server, args)
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
