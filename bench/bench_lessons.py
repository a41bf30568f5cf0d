"""Latency of the lessons search on a large synthetic company, against the SQL lower bound.

    python bench/bench_lessons.py [--scale 100000] [--reuse] [--requests 200]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and (re)creates the database
`cdo_bench_lessons` loaded with `cdo-portfolio demo --scale N`, then writes lessons on
every done or stopped initiative (two or three sentences drawn, with a fixed seed, from
English and French pools, so common words match thousands of lessons). Requests go
through httpx + ASGITransport to create_app(...), acting as the CDO office. For each
search, the lower bound is the hand-written SQL of the same ranked page (ids and ranks
only: no names, no headlines) timed on the same connection pool in the same run.
Prints p50/p95 and writes bench/results/lessons-<N>.json.
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

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_lessons"
TARGET_P50_MS = 100
console = Console(width=130)

ENGLISH = (
    "Agents were trained too late, so the new tool was avoided for months.",
    "HRIS access was missing and the bot answered few questions.",
    "The data arrived late from the ERP and planners kept their spreadsheets.",
    "Store managers adopted it once team leads approved from their phones.",
    "We measured the KPI before launch; without that baseline nobody would believe it.",
    "The vendor delivered on time but the integration with billing took twice as long.",
    "Customers did not wait for the feature: they used the phone line instead.",
    "A pilot in two stores would have shown the training gap earlier.",
)
FRENCH = (
    "Les formations ont été annulées faute de remplaçants en magasin.",
    "Les données du CRM étaient incomplètes et les commerciaux ont gardé leurs fichiers.",
    "Le pilote dans deux entrepôts a montré que les scanners manquaient.",
    "Les managers ont adopté l'outil après une démonstration sur le terrain.",
    "Le fournisseur a livré à temps mais l'intégration avec la paie a pris deux fois plus.",
    "Sans accès au SIRH, le robot ne répondait qu'à une question sur cinq.",
)
QUERIES = {
    "fr: formations annulées": "formations annulées",
    "en: trained agents": "trained agents",
    'en phrase: "HRIS access"': '"HRIS access"',
    "common: data": "data",
}
# The query parsed as the endpoint parses it (both parses, once when they agree), in a
# one-row CTE: the planner then reaches the lessons through the GIN index (inlined as a
# constant, its estimate of thousands of matches makes it read every lesson instead).
FR, EN = "websearch_to_tsquery('french', :q)", "websearch_to_tsquery('english', :q)"
PARSED = f"(CASE WHEN {FR} = {EN} THEN {FR} ELSE {FR} || {EN} END)"
LOWER_BOUND = f"""
WITH q AS MATERIALIZED (SELECT {PARSED} AS query)
SELECT l.initiative_id, ts_rank_cd(l.document, q.query, 1) AS rank
FROM initiative_lesson l CROSS JOIN q
WHERE l.document @@ q.query
ORDER BY rank DESC, l.initiative_id
LIMIT 20
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-lessons/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case.")
    parser.add_argument("--warmup", type=int, default=10)
    return parser.parse_args()


# One in a hundred lessons also tells of returns kiosks, as the first proposal's hypothesis
# does: the words that make its past lessons similar are rare, as in a real library.
KIOSK_LESSON = "Barcode scanners at the returns desks jammed; kiosks need staff nearby."
KIOSK_HYPOTHESIS = "Self-service kiosks with barcode scanners shorten the returns queue."


def lessons_for(ids: list[int]) -> list[str]:
    """Two or three sentences per initiative, one in four in French."""
    rng = random.Random(42)
    written = []
    for _ in ids:
        pool = FRENCH if rng.random() < 0.25 else ENGLISH
        lesson = " ".join(rng.sample(pool, rng.randint(2, 3)))
        written.append(f"{lesson} {KIOSK_LESSON}" if rng.random() < 0.01 else lesson)
    return written


def write_lessons(libpq: str) -> int:
    """Lessons on every done or stopped initiative (the triggers index them), and a
    hypothesis on the first proposal."""
    with psycopg.connect(libpq, autocommit=True) as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM initiative WHERE status IN ('done', 'stopped') ORDER BY id"
            )
        ]
        db.execute(
            "UPDATE initiative i SET lessons_learned = w.lessons"
            " FROM unnest(%s::bigint[], %s::text[]) AS w(id, lessons) WHERE i.id = w.id",
            [ids, lessons_for(ids)],
        )
        db.execute(
            "UPDATE initiative SET hypothesis = %s WHERE id ="
            " (SELECT min(id) FROM initiative WHERE status = 'proposed')",
            [KIOSK_HYPOTHESIS],
        )
        db.execute("VACUUM (ANALYZE) initiative_lesson")
    return len(ids)


def prepare(server: EmbeddedPostgres, scale: int, reuse: bool) -> str:
    """The URL of a database holding `scale` initiatives, lessons on the closed ones."""
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
    console.print(f"Lessons written on {write_lessons(libpq):,} closed initiatives.")
    return url


async def lower_bound(engine: AsyncEngine, q: str, runs: int, warmup: int) -> dict[str, Any]:
    """p50/p95 of the hand-written SQL of one ranked page, and how many lessons match."""
    timings = []
    async with engine.connect() as connection:
        for index in range(warmup + runs):
            started = time.perf_counter()
            rows = (await connection.execute(text(LOWER_BOUND), {"q": q})).all()
            if index >= warmup:
                timings.append((time.perf_counter() - started) * 1000)
        matching = await connection.scalar(
            text(f"SELECT count(*) FROM initiative_lesson WHERE document @@ {PARSED}"),
            {"q": q},
        )
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cuts[18], 2),
        "rows": len(rows),
        "matching": matching,
    }


async def measure_list(
    client: httpx.AsyncClient, clock: SqlClock, path: str, args: argparse.Namespace
) -> dict[str, Any]:
    """p50/p95 of a GET answering a plain list, and SQL statements per call."""
    timings, per_call = [], set()
    for index in range(args.warmup + args.requests):
        clock.reset()
        started = time.perf_counter()
        response = await client.get(path)
        if index >= args.warmup:
            timings.append((time.perf_counter() - started) * 1000)
            per_call.add(clock.statements)
        response.raise_for_status()
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cuts[18], 2),
        "sql_per_request": sorted(per_call),
        "items": len(response.json()),
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = create_async_engine(url, pool_size=5)
    clock = SqlClock(engine)
    async with engine.connect() as connection:
        lessons = await connection.scalar(
            text("SELECT count(*) FROM initiative_lesson WHERE document <> ''")
        )
        proposal = await connection.scalar(
            text("SELECT id FROM initiative WHERE status = 'proposed' ORDER BY id LIMIT 1")
        )
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: Actor(
        account_id=None, role=Role.cdo_office, label="bench"
    )
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, q in QUERIES.items():
            calls = [("/api/v1/lessons", {"q": q, "limit": 20})] * args.requests
            endpoint = await measure(client, clock, calls, args.warmup)
            bound = await lower_bound(engine, q, args.requests, args.warmup)
            results[name] = {"endpoint": endpoint, "sql_lower_bound": bound}
            console.print(f"{name}: p50 {endpoint['p50_ms']} ms (SQL {bound['p50_ms']} ms)")
        similar = f"/api/v1/initiatives/{proposal}/similar-lessons"
        results["similar lessons of a proposal"] = {
            "endpoint": await measure_list(client, clock, similar, args),
            "sql_lower_bound": None,
        }
    await engine.dispose()
    return {"lessons": lessons, "cases": results}


def report(figures: dict[str, Any]) -> None:
    title = f"Lessons search, {figures['scale']:,} initiatives, {figures['lessons']:,} lessons"
    table = Table(title=title)
    columns = ("case", "matching", "p50 ms", "p95 ms", "SQL p50", "SQL p95", "SQL/req", "p50")
    for column in columns:
        table.add_column(column, justify="left" if column == "case" else "right")
    for name, row in figures["cases"].items():
        endpoint, bound = row["endpoint"], row["sql_lower_bound"] or {}
        ok = "ok" if endpoint["p50_ms"] < TARGET_P50_MS else "MISSED"
        table.add_row(
            name,
            str(bound.get("matching", "—")),
            str(endpoint["p50_ms"]),
            str(endpoint["p95_ms"]),
            str(bound.get("p50_ms", "—")),
            str(bound.get("p95_ms", "—")),
            ",".join(str(n) for n in endpoint["sql_per_request"]),
            f"{ok} (<{TARGET_P50_MS})",
        )
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"lessons-{figures['scale']}.json"
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
            "target_p50_ms": TARGET_P50_MS,
            "seconds": round(time.perf_counter() - started, 1),
        }
        | figures
    )


if __name__ == "__main__":
    main()
