"""The cost of metrics and request logging per request, and of a /metrics scrape.

    python bench/bench_observability.py [--scale 0] [--reuse] [--rounds 15] [--requests 200]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and (re)creates the database
`cdo_bench_observability` with the demo company (--scale 0) or a synthetic one of N
initiatives. Four applications share one engine: metrics on/off (METRICS_ENABLED) x request
log on/off (the JSON request line written to /dev/null, or its logger above INFO). Each
round times --requests calls of every case on every variant, in a fresh order per round
(interleaved, so drift of the machine hits all variants alike); a variant's figure is the
median over rounds of each round's p50, of wall time and of this process's CPU time (the
figure to trust on a loaded machine: other processes inflate it far less). Requests go
through httpx + ASGITransport in process, acting as the CDO office (no network, no credential
check; the client's own "HTTP Request" log line is kept out). Then it times GET /metrics.
Writes JSON under bench/results/.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import scratch
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
from service.observability import metrics

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_observability"
METRICS_TOKEN = "bench-metrics-token-0123456789"
ROUTE = type("Route", (), {"path_format": "/initiatives/{initiative_id}"})()
console = Console(width=130)

try:
    from service.observability import logs
except ImportError:  # request logging not there: the bench toggles metrics only
    logs = None  # type: ignore[assignment]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-obs/pgdata"))
    parser.add_argument("--scale", type=int, default=0, help="0: the demo company.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=200, help="Timed calls per case+round.")
    parser.add_argument("--scrapes", type=int, default=30, help="Timed GET /metrics.")
    return parser.parse_args()


def prepare(server: EmbeddedPostgres, scale: int, reuse: bool) -> str:
    """The URL of a database holding the demo company or `scale` initiatives."""
    server_url = server.start()
    if reuse and scratch.exists(server, DATABASE):
        return scratch.database_url(server, server_url, DATABASE)
    url = scratch.recreate(server, server_url, DATABASE)
    migrate.upgrade(url)
    asyncio.run(loader.load(url, console, scale=scale, seed=42))
    return url


def logging_on(enabled: bool) -> None:
    """Write the request line (JSON, to /dev/null) or skip it (its logger above INFO)."""
    logging.getLogger().setLevel(logging.INFO if enabled else logging.WARNING)


def variants(url: str, engine: AsyncEngine) -> dict[str, tuple[Any, bool]]:
    """Name -> (app, request log on)."""
    found: dict[str, tuple[Any, bool]] = {}
    log_choices = (False, True) if logs is not None else (False,)
    for measured in (False, True):
        settings = Settings(database_url=url, metrics_enabled=measured, metrics_token=METRICS_TOKEN)
        app = create_app(settings, engine=engine)
        app.dependency_overrides[current_actor] = lambda: Actor(
            account_id=None, role=Role.cdo_office, label="bench"
        )
        for log in log_choices:
            name = f"metrics {'on ' if measured else 'off'} / log {'on ' if log else 'off'}"
            found[name] = (app, log)
    return found


async def one_round(
    clients: dict[str, tuple[httpx.AsyncClient, bool]],
    calls: list[tuple[str, str, Any]],
    requests: int,
    rng: random.Random,
) -> dict[str, tuple[float, float]]:
    """Per variant, the p50 (ms) of `requests` calls cycling over `calls`, of wall time and of
    this process's CPU time (which other processes' load inflates far less); each call is
    sent to every variant in turn, in a shuffled order, so drift of the machine hits all
    alike."""
    timings: dict[str, list[float]] = {name: [] for name in clients}
    cpu: dict[str, list[float]] = {name: [] for name in clients}
    names = list(clients)
    for i in range(requests):
        method, path, body = calls[i % len(calls)]
        rng.shuffle(names)
        for name in names:
            client, log = clients[name]
            logging_on(log)
            started, cpu_started = time.perf_counter(), time.process_time()
            response = await client.request(method, path, json=body)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return {
        name: (statistics.median(timings[name]), statistics.median(cpu[name])) for name in names
    }


async def measure_requests(url: str, engine: AsyncEngine, args: argparse.Namespace) -> Any:
    """Per case and variant: the median over rounds of the round's p50 (ms), wall and CPU."""
    async with engine.connect() as connection:
        ids = (await connection.execute(text("SELECT id FROM initiative ORDER BY id"))).scalars()
        picked = list(ids)[:50]
    cases = {
        "GET /api/v1/initiatives/{id}": [("GET", f"/api/v1/initiatives/{i}", None) for i in picked],
        "POST /graphql { __typename }": [("POST", "/graphql", {"query": "{ __typename }"})],
    }
    apps = variants(url, engine)
    clients = {
        name: (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench"),
            log,
        )
        for name, (app, log) in apps.items()
    }
    p50s: dict[str, dict[str, list[float]]] = {c: {v: [] for v in apps} for c in cases}
    cpu_p50s: dict[str, dict[str, list[float]]] = {c: {v: [] for v in apps} for c in cases}
    rng = random.Random(42)
    try:
        for calls in cases.values():  # warm-up: caches, pool, first-call imports
            await one_round(clients, calls, 20, rng)
        for round_no in range(args.rounds):
            for case, calls in cases.items():
                measured = await one_round(clients, calls, args.requests, rng)
                for variant, (p50, cpu_p50) in measured.items():
                    p50s[case][variant].append(p50)
                    cpu_p50s[case][variant].append(cpu_p50)
            console.print(f"round {round_no + 1}/{args.rounds}")
    finally:
        for client, _ in clients.values():
            await client.aclose()
    return tuple(
        {
            case: {variant: round(statistics.median(r), 3) for variant, r in rows.items()}
            for case, rows in figures.items()
        }
        for figures in (p50s, cpu_p50s)
    )


async def measure_middleware(calls: int) -> dict[str, float]:
    """The metrics middleware alone around an app that answers at once: microseconds added
    per request (median of 5 runs of `calls`), free of database and machine noise."""

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        scope["route"] = ROUTE
        scope["path_params"] = {"initiative_id": 42}
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Any:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        return None

    measured = metrics.MetricsMiddleware(answer, metrics.Metrics())
    scope = {"type": "http", "method": "GET", "path": "/api/v1/initiatives/42"}
    runs: dict[str, list[float]] = {"bare": [], "measured": []}
    for _ in range(5):
        for name, app in (("bare", answer), ("measured", measured)):
            started = time.perf_counter()
            for _ in range(calls):
                await app(dict(scope), receive, send)
            runs[name].append((time.perf_counter() - started) / calls * 1e6)
    bare, measured_us = statistics.median(runs["bare"]), statistics.median(runs["measured"])
    return {"bare_us": round(bare, 2), "added_us": round(measured_us - bare, 2)}


async def measure_scrape(url: str, engine: AsyncEngine, scrapes: int) -> dict[str, Any]:
    """GET /metrics with the metrics token: p50/max (ms) and the size of the answer."""
    logging_on(False)
    app = create_app(Settings(database_url=url, metrics_token=METRICS_TOKEN), engine=engine)
    headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    timings = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(3):
            (await client.get("/metrics", headers=headers)).raise_for_status()
        for _ in range(scrapes):
            started = time.perf_counter()
            response = await client.get("/metrics", headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
        "bytes": len(response.content),
    }


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = create_async_engine(url, pool_size=5)
    try:
        middleware = await measure_middleware(50_000)
        requests, requests_cpu = await measure_requests(url, engine, args)
        scrape = await measure_scrape(url, engine, args.scrapes)
        async with engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM initiative"))).scalar()
    finally:
        await engine.dispose()
    return {
        "initiatives": count,
        "requests_p50_ms": requests,
        "requests_cpu_p50_ms": requests_cpu,
        "metrics_middleware": middleware,
        "scrape": scrape,
    }


def report(figures: dict[str, Any]) -> Path:
    """Print the tables and write the JSON; returns the JSON path."""
    baseline = "metrics off / log off"
    table = Table(title=f"Per-request cost, {figures['initiatives']:,} initiatives")
    columns = ("case", "variant", "p50 ms (median of rounds)", "vs both off", "CPU ms", "vs off")
    for column in columns:
        table.add_column(column, justify="left" if column in ("case", "variant") else "right")
    for case, rows in figures["requests_p50_ms"].items():
        cpu_rows = figures["requests_cpu_p50_ms"][case]
        for variant, p50 in rows.items():
            extra = (p50 / rows[baseline] - 1) * 100
            cpu, cpu_extra = cpu_rows[variant], (cpu_rows[variant] / cpu_rows[baseline] - 1) * 100
            table.add_row(
                case, variant, f"{p50:.3f}", f"{extra:+.1f}%", f"{cpu:.3f}", f"{cpu_extra:+.1f}%"
            )
    console.print(table)
    added = figures["metrics_middleware"]["added_us"]
    console.print(f"Metrics middleware alone: {added} µs per request")
    scrape = figures["scrape"]
    console.print(
        f"GET /metrics: p50 {scrape['p50_ms']} ms, max {scrape['max_ms']} ms,"
        f" {scrape['bytes']:,} bytes"
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"observability-{figures['scale'] or 'demo'}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    console.print(f"Written to {path}")
    return path


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup="stop")
    try:
        url = prepare(server, args.scale, args.reuse)
        if logs is not None:
            logs.configure("json", stream=open(os.devnull, "w"))  # noqa: SIM115 - process-long
        # The bench's own HTTP client logs each call at INFO ("HTTP Request: ..."): a client
        # cost, not the server's request line, so it stays out of the "log on" figures.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        figures = asyncio.run(run(url, args))
    finally:
        server.stop()
    load = os.getloadavg()
    report(
        {
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "load_average_1m_at_end": round(load[0], 2),
            "scale": args.scale,
            "rounds": args.rounds,
            "requests_per_round": args.requests,
        }
        | figures
    )


if __name__ == "__main__":
    main()
