"""Webhook delivery throughput and lag while the portfolio takes --rate writes per second.

    python bench/bench_webhooks.py [--rate 100] [--seconds 30] [--workers 1] [--endpoints 1]
                                   [--backlog]

Starts an embedded PostgreSQL in --data-dir (under /tmp) and recreates the database
`cdo_bench_webhooks` with 50 initiatives and --endpoints endpoints subscribed to
`checkin.recorded`, all pointing at a receiver on 127.0.0.1 (a threaded http.server that
answers 200 and notes when each event arrived). The writer posts one check-in per write
through the service (its own transaction, committed: the outbox trigger writes the event),
paced at --rate per second for --seconds; --workers delivery workers (the app's worker, with
the default settings: batches of 50, poll every 1 s when idle) run in the same process and
event loop, as in the app. Lag is the time from a write's commit to its arrival at the
receiver. With --backlog the workers start only once every write committed: the delivery
rate is then the workers' own throughput on a backlog. Writes JSON under bench/results/.
"""

import argparse
import asyncio
import json
import multiprocessing
import platform
import statistics
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import scratch
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from schema import ProgressUpdate, WebhookDelivery
from service import migrate
from service.actor import SYSTEM
from service.config import Settings
from service.db import make_engine, make_sessionmaker
from service.departments import service as departments
from service.departments.payloads import DepartmentCreate
from service.embedded_db import EmbeddedPostgres
from service.initiatives import checkins
from service.initiatives import service as initiatives
from service.initiatives.payloads import CheckInCreate, InitiativeCreate
from service.org import service as org
from service.org.payloads import PersonCreate
from service.webhooks import service as webhooks
from service.webhooks.payloads import EndpointCreate
from service.webhooks.worker import DeliveryWorker

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "cdo_bench_webhooks"
INITIATIVES = 50
WRITERS = 10
console = Console(width=120)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-webhooks/pgdata"))
    parser.add_argument("--rate", type=float, default=100, help="Writes per second.")
    parser.add_argument("--seconds", type=float, default=30, help="How long the writer runs.")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--endpoints", type=int, default=1)
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="Start the workers after every write committed: the drain rate of a backlog.",
    )
    return parser.parse_args()


def receive(port: Any, arrived: Any, stop: Any, results: Any) -> None:
    """The receiver process: answer 200 (HTTP/1.1, kept alive), note each arrival's time
    by (path, check-in id); send them back when `stop` is set."""
    at: dict[tuple[str, int], float] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            now = time.time()
            key = (self.path, json.loads(body)["data"]["id"])
            with lock:
                if key not in at:
                    at[key] = now
                    arrived.value = len(at)
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024  # a listen backlog of 5 drops a batch's connections

    server = Server(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait()
    server.shutdown()
    results.put(list(at.items()))


async def seed(maker: async_sessionmaker[AsyncSession], base: str, endpoints: int) -> list[int]:
    """The initiatives the writer checks in on, and the subscribed endpoints."""
    async with maker() as session, session.begin():
        department = await departments.create_department(
            session, SYSTEM, DepartmentCreate(code="ops", name="Operations")
        )
        assert department.id is not None
        owner = await org.create_person(
            session,
            SYSTEM,
            PersonCreate(name="Owner", email="owner@example.com", department_id=department.id),
        )
        ids = []
        for n in range(INITIATIVES):
            data = InitiativeCreate(
                code=f"INI-{n:04d}",
                title=f"Initiative {n}",
                department_id=department.id,
                owner_id=owner.id,  # type: ignore[arg-type]
                orientation="internal",
            )
            ids.append((await initiatives.create_initiative(session, SYSTEM, data)).id)
        for n in range(endpoints):
            hook = EndpointCreate(url=f"{base}/hook{n}", event_types=["checkin.recorded"])  # type: ignore[arg-type]
            await webhooks.create_endpoint(session, SYSTEM, hook)
    return ids


async def write(
    maker: async_sessionmaker[AsyncSession], targets: list[int], rate: float, seconds: float
) -> dict[int, float]:
    """Check-ins paced at `rate` per second (at most WRITERS at once); the commit time of
    each, by check-in id."""
    committed: dict[int, float] = {}
    total = int(rate * seconds)
    start = time.monotonic()
    first_day = date(2020, 1, 1)
    # As many writes at once as an app's pool serves; past that the rate falls short.
    slots = asyncio.Semaphore(WRITERS)

    async def one(n: int) -> None:
        data = CheckInCreate(
            reported_on=first_day + timedelta(days=n // INITIATIVES),
            percent_complete=n % 100,
            health="green",
            summary=f"Check-in {n}",
        )
        async with slots, maker() as session:
            checkin: ProgressUpdate = await checkins.create_checkin(
                session, SYSTEM, targets[n % INITIATIVES], data
            )
            await session.commit()
        assert checkin.id is not None
        committed[checkin.id] = time.time()

    tasks = []
    for n in range(total):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    return committed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(database_url=url, db_pool_size=20)
    engine = make_engine(url, settings)
    maker = make_sessionmaker(engine)
    port, arrived = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    stop_receiving, results = multiprocessing.Event(), multiprocessing.Queue()
    receiving = multiprocessing.Process(
        target=receive, args=(port, arrived, stop_receiving, results), daemon=True
    )
    receiving.start()
    while not port.value:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    targets = await seed(maker, f"http://127.0.0.1:{port.value}", args.endpoints)
    stop = asyncio.Event()
    workers = [DeliveryWorker(maker, settings) for _ in range(args.workers)]
    running = [] if args.backlog else [asyncio.create_task(w.run(stop)) for w in workers]
    began = time.time()
    committed = await write(maker, targets, args.rate, args.seconds)
    wrote_for = time.time() - began
    if args.backlog:  # every event waits: the figures are the workers' own throughput
        began = time.time()
        wrote_for = 0.0
        running = [asyncio.create_task(w.run(stop)) for w in workers]
    expected = len(committed) * args.endpoints
    deadline = time.monotonic() + 600
    while arrived.value < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    drained = time.time()
    stop.set()
    await asyncio.gather(*running)
    stop_receiving.set()
    at = dict((tuple(key), when) for key, when in results.get(timeout=60))
    receiving.join(timeout=30)
    async with maker() as session:
        retried = await session.scalar(
            sa.select(sa.func.count()).where(col(WebhookDelivery.attempts) > 1)
        )
    await engine.dispose()
    lags = [when - committed[cid] for (_, cid), when in at.items()]
    return {
        "writes": len(committed),
        "write_rate": round(len(committed) / wrote_for, 1) if wrote_for else None,
        "deliveries": len(at),
        "expected_deliveries": expected,
        "deliveries_retried": retried,
        "delivery_rate": round(len(at) / (max(at.values()) - began), 1),
        "drain_after_last_write_s": round(drained - (began + wrote_for), 2),
        "lag_p50_ms": round(statistics.median(lags) * 1000, 1),
        "lag_p95_ms": round(percentile(lags, 0.95) * 1000, 1),
        "lag_p99_ms": round(percentile(lags, 0.99) * 1000, 1),
        "lag_max_ms": round(max(lags) * 1000, 1),
    }


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir)
    try:
        server_url = server.start()
        url = scratch.recreate(server, server_url, DATABASE)
        migrate.upgrade(url)
        figures = asyncio.run(run(url, args))
    finally:
        server.stop()
    result = {
        "bench": "webhooks",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "rate": args.rate,
        "seconds": args.seconds,
        "workers": args.workers,
        "endpoints": args.endpoints,
        "backlog": args.backlog,
        **figures,
    }
    RESULTS.mkdir(exist_ok=True)
    mode = "-backlog" if args.backlog else ""
    name = f"webhooks-{int(args.rate)}-w{args.workers}-e{args.endpoints}{mode}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    console.print_json(json.dumps(result))


if __name__ == "__main__":
    main()
