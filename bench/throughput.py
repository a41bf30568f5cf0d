"""Requests per second of cheap authenticated requests against `uvicorn --workers 2`.

Used by bench_rest.py --throughput: a trivial GraphQL `{ __typename }` and the REST list of
100 initiatives, each at concurrency 1 / 8 / 32, with a real API token over HTTP. Reports
requests/s, p50/p99 latency, the app's CPU per request (user + system time of the worker
processes, from /proc) and the load average, so a figure on a shared machine can be judged.
"""

import asyncio
import os
import random
import statistics
import subprocess
import time
from typing import Any

import harness
import httpx

from service.actor import SYSTEM
from service.auth import accounts, tokens
from service.auth.payloads import AccountCreate
from service.config import Settings
from service.db import make_engine, make_sessionmaker

CONCURRENCY = (1, 8, 32)
CASES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "graphql { __typename }": ("POST", "/graphql", {"query": "{ __typename }"}),
    "REST list of 100": ("GET", "/api/v1/initiatives?limit=100", None),
}


async def bench_token(url: str) -> str:
    """A committed CDO-office account and API token to send (a fresh one each run)."""
    engine = make_engine(url, Settings(database_url=url))
    async with make_sessionmaker(engine)() as session:
        email = f"bench-{random.randrange(10**9)}@example.com"
        account = await accounts.create_account(
            session, SYSTEM, AccountCreate(email=email, role="cdo_office")
        )
        _, plaintext = await tokens.create_token(session, SYSTEM, accounts.account_id(account))
        await session.commit()
    await engine.dispose()
    return plaintext


def serve(url: str, workers: int, cache_seconds: float) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn with `workers` processes on a free port; wait until it answers."""
    env = {"CREDENTIAL_CACHE_SECONDS": str(cache_seconds), "DB_POOL_SIZE": "10"}
    return harness.serve_uvicorn(url, workers, env)


async def _load(
    base: str,
    token: str,
    case: tuple[str, str, dict[str, Any] | None],
    concurrency: int,
    seconds: float,
) -> list[float]:
    method, path, body = case
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timings: list[float] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def user() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.request(method, path, json=body)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
                timings.append(time.perf_counter() - started)

        await asyncio.gather(*(user() for _ in range(concurrency)))
    return timings


def run(url: str, cache_seconds: float, seconds: float, workers: int = 2) -> dict[str, Any]:
    """Every case at every concurrency against one server; the figures by case."""
    token = asyncio.run(bench_token(url))
    server, base = serve(url, workers, cache_seconds)
    figures: dict[str, Any] = {}
    try:
        for name, case in CASES.items():
            asyncio.run(_load(base, token, case, 4, 2.0))  # warm up
            for concurrency in CONCURRENCY:
                cpu = harness.cpu_seconds(server)
                started = time.perf_counter()
                timings = asyncio.run(_load(base, token, case, concurrency, seconds))
                elapsed = time.perf_counter() - started
                cpu = harness.cpu_seconds(server) - cpu
                cuts = statistics.quantiles(timings, n=100, method="inclusive")
                figures[f"{name} @{concurrency}"] = {
                    "requests": len(timings),
                    "rps": round(len(timings) / elapsed, 1),
                    "p50_ms": round(statistics.median(timings) * 1000, 2),
                    "p99_ms": round(cuts[98] * 1000, 2),
                    "app_cpu_ms_per_request": round(cpu * 1000 / len(timings), 2),
                    "load_average_1m": round(os.getloadavg()[0], 2),
                }
    finally:
        harness.stop(server)
    return {"workers": workers, "credential_cache_seconds": cache_seconds} | {"cases": figures}
