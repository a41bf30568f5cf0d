"""The BI query through GraphQL at scale, side by side with PostGraphile 4 on the same database.

    python bench/bench_graphql.py [--scale 100000] [--reuse] [--requests 30]

Starts an embedded PostgreSQL in --data-dir and (re)creates the database
`cdo_bench_graphql` loaded with the synthetic company of `cdo-portfolio demo --scale N`
(--reuse keeps one that already holds N initiatives). Our application is served by
uvicorn on a free local port (acting as the CDO office: no authentication cost), and
PostGraphile 4 — installed by this script with npm into bench/.postgraphile, never
committed — on another free port against the same database. Both get the same query,
1,000 initiatives with department, owner and manager, KPIs with their latest
measurement, over HTTP (ours is compiled into one SQL statement), interleaved with the
same page as one hand-written `json_agg` statement run directly (the lower bound); the
script prints p50/p95 of each, the ratios, the load average, our SQL statements per
request, and a pyinstrument profile of one in-process execution on the resolver path
(what documents that do not compile take).
Figures are written as JSON under bench/results/.
"""

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness
import httpx
import psycopg
import scratch
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from service import migrate
from service.actor import SYSTEM
from service.config import Settings
from service.demo import loader
from service.deps import current_actor
from service.embedded_db import EmbeddedPostgres
from service.graphql.context import Context
from service.graphql.schema import schema
from service.main import create_app

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
POSTGRAPHILE_DIR = HERE / ".postgraphile"
DATABASE = "cdo_bench_graphql"
NPM_INSTALL = ("npm", "install", "--no-audit", "--no-fund", "--prefix")
console = Console(width=130)

OURS = """
query BI {
  initiatives(first: 1000) {
    nodes {
      code title status orientation budgetPlanned
      department { code name }
      owner { name manager { name } }
      kpis { weight kpi { code name latestMeasurement { measuredOn value } } }
    }
  }
}
"""

THEIRS = """
query BI {
  allInitiatives(first: 1000, orderBy: ID_ASC) {
    nodes {
      code title status orientation budgetPlanned
      departmentByDepartmentId { code name }
      personByOwnerId { name personByManagerId { name } }
      initiativeKpisByInitiativeId(orderBy: KPI_ID_ASC) {
        nodes {
          weight
          kpiByKpiId {
            code name
            kpiMeasurementsByKpiId(first: 1, orderBy: MEASURED_ON_DESC) {
              nodes { measuredOn value }
            }
          }
        }
      }
    }
  }
}
"""


# The lower bound: the same page as one hand-written statement, its JSON built by PostgreSQL.
HANDWRITTEN = """
SELECT json_build_object('data', json_build_object('initiatives', json_build_object('nodes',
  COALESCE(json_agg(json_build_object(
    'code', i.code, 'title', i.title, 'status', i.status, 'orientation', i.orientation,
    'budgetPlanned', i.budget_planned::text,
    'department', json_build_object('code', d.code, 'name', d.name),
    'owner', json_build_object('name', p.name,
      'manager', CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object('name', m.name) END),
    'kpis', COALESCE((
      SELECT json_agg(json_build_object('weight', ik.weight::text, 'kpi', json_build_object(
        'code', k.code, 'name', k.name, 'latestMeasurement', (
          SELECT json_build_object('measuredOn', km.measured_on, 'value', km.value::text)
          FROM kpi_measurement km WHERE km.kpi_id = k.id
          ORDER BY km.measured_on DESC LIMIT 1))) ORDER BY k.id)
      FROM initiative_kpi ik JOIN kpi k ON k.id = ik.kpi_id WHERE ik.initiative_id = i.id
    ), '[]')
  ) ORDER BY i.id), '[]'))))::text
FROM (SELECT * FROM initiative ORDER BY id LIMIT 1000) i
JOIN department d ON d.id = i.department_id
JOIN person p ON p.id = i.owner_id
LEFT JOIN person m ON m.id = p.manager_id
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-graphql/pgdata"))
    parser.add_argument("--scale", type=int, default=100_000, help="Initiatives to load.")
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per server.")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-postgraphile", action="store_true", help="Time ours only.")
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


class StatementCounter:
    """Counts the SQL statements our server sends (the engine is in this process)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements = [*self.statements[-9:], statement]


def serve_ours(engine: AsyncEngine, url: str) -> tuple[uvicorn.Server, str]:
    """Our application in a uvicorn thread on a free port."""
    app = create_app(Settings(database_url=url), engine=engine)
    app.dependency_overrides[current_actor] = lambda: SYSTEM
    port = harness.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}/graphql"


def install_postgraphile() -> Path:
    """postgraphile@4 from the npm registry, into bench/.postgraphile (gitignored)."""
    binary = POSTGRAPHILE_DIR / "node_modules" / ".bin" / "postgraphile"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("npm is needed to install PostGraphile (apt-get install nodejs npm).")
        POSTGRAPHILE_DIR.mkdir(parents=True, exist_ok=True)
        console.print("Installing postgraphile@4 with npm...")
        subprocess.run(
            [*NPM_INSTALL, str(POSTGRAPHILE_DIR), "postgraphile@4"],
            check=True,
            capture_output=True,
        )
    return binary


def serve_postgraphile(url: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """PostGraphile 4 on a free port against the same database (its default schema);
    `workers` > 1 runs its `--cluster-workers` mode."""
    parsed = make_url(url)
    socket_dir = parsed.query.get("host")
    connection = f"postgres://{parsed.username or 'postgres'}@/{parsed.database}"
    if socket_dir:
        connection += f"?host={socket_dir}"
    port = harness.free_port()
    cluster = ("--cluster-workers", str(workers)) if workers > 1 else ()
    process = subprocess.Popen(
        [
            str(install_postgraphile()),
            *("--connection", connection, "--schema", "public", "--host", "127.0.0.1"),
            *("--port", str(port), "--disable-query-log", "--disable-graphiql", *cluster),
        ],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "NODE_ENV": "production"},
    )
    endpoint = f"http://127.0.0.1:{port}/graphql"

    def ready() -> bool:
        httpx.post(endpoint, json={"query": "{ __typename }"}, timeout=2)
        return True

    harness.wait_until(process, ready, "PostGraphile")
    return process, endpoint


def _summary(times: list[float], size: int) -> dict[str, Any]:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "min_ms": round(times[0], 1),
        "bytes": size,
    }


def timed(
    targets: dict[str, tuple[str, str]], url: str, requests: int, warmup: int
) -> dict[str, Any]:
    """Latency of each target's query over HTTP, and of the hand-written statement, one
    request at a time, interleaved so that all see the same machine load."""
    times: dict[str, list[float]] = {name: [] for name in [*targets, "handwritten"]}
    sizes: dict[str, int] = {}
    with httpx.Client(timeout=120) as client, psycopg.connect(_libpq(url)) as database:
        for n in range(warmup + requests):
            for name, (endpoint, query) in targets.items():
                started = time.perf_counter()
                response = client.post(endpoint, json={"query": query})
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise SystemExit(f"{name}: {response.status_code} {str(body)[:500]}")
                if n >= warmup:
                    times[name].append(elapsed)
                    sizes[name] = len(response.content)
            started = time.perf_counter()
            row = database.execute(HANDWRITTEN).fetchone()
            elapsed = (time.perf_counter() - started) * 1000
            if n >= warmup and row is not None:
                times["handwritten"].append(elapsed)
                sizes["handwritten"] = len(row[0].encode())
    return {name: _summary(times[name], sizes[name]) for name in times}


async def profile_ours(engine: AsyncEngine) -> str:
    """A pyinstrument profile of one in-process execution of the query by the resolvers."""
    from pyinstrument import Profiler

    async with AsyncSession(engine, expire_on_commit=False) as session:
        await schema.execute(OURS, context_value=Context(session, SYSTEM))  # warm
    async with AsyncSession(engine, expire_on_commit=False) as session:
        profiler = Profiler(async_mode="enabled")
        with profiler:
            result = await schema.execute(OURS, context_value=Context(session, SYSTEM))
        assert not result.errors, result.errors
    return profiler.output_text(unicode=False, color=False, show_all=False)


def main() -> None:
    args = parse_args()
    server = EmbeddedPostgres(args.data_dir, cleanup=None)
    url, load_seconds = prepare(server, args.scale, args.reuse)
    engine = create_async_engine(url, pool_size=5)
    counter = StatementCounter(engine)
    ours_server, ours_endpoint = serve_ours(engine, url)
    results: dict[str, Any] = {"taken_at": datetime.now(UTC).isoformat(timespec="seconds")}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    results["scale"] = args.scale
    results["load_seconds"] = load_seconds
    targets = {"ours": (ours_endpoint, OURS)}
    process = None
    if not args.no_postgraphile:
        process, endpoint = serve_postgraphile(url)
        targets["postgraphile"] = (endpoint, THEIRS)
    try:
        results["load_average_before"] = os.getloadavg()
        results |= timed(targets, url, args.requests, args.warmup)
        results["load_average_after"] = os.getloadavg()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    before = counter.count  # one more request, once the pool's connections are set up
    httpx.post(ours_endpoint, json={"query": OURS}, timeout=120).raise_for_status()
    seen = counter.statements[len(counter.statements) - (counter.count - before) :]
    # The app's webhook delivery worker polls on its own schedule, not for the request.
    mine = [statement for statement in seen if "webhook_delivery" not in statement]
    results["ours"]["statements_per_request"] = len(mine)
    results["ours"]["statements"] = [statement[:120] for statement in mine]
    for other, prefix in (("postgraphile", "ratio"), ("handwritten", "ratio_handwritten")):
        if other in results:
            for figure in ("p50", "p95", "min"):
                ratio = results["ours"][f"{figure}_ms"] / results[other][f"{figure}_ms"]
                results[f"{prefix}_{figure}"] = round(ratio, 2)
    ours_server.should_exit = True
    profile = asyncio.run(profile_ours(engine))
    report(results)
    console.print(profile[:6000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "graphql.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "graphql_profile.txt").write_text(profile)
    server.stop()


def report(results: dict[str, Any]) -> None:
    table = Table(title=f"BI query, 1,000 initiatives, scale {results['scale']:,}")
    for column in ("server", "p50 ms", "p95 ms", "min ms", "bytes", "SQL/request"):
        table.add_column(column, justify="right")
    for name in ("ours", "postgraphile", "handwritten"):
        row = results.get(name)
        if row:
            table.add_row(
                name,
                str(row["p50_ms"]),
                str(row["p95_ms"]),
                str(row["min_ms"]),
                f"{row['bytes']:,}",
                str(row.get("statements_per_request", "1 (one SQL query)")),
            )
    console.print(table)
    if "ratio_p50" in results:
        console.print(
            f"ours / PostGraphile: p50 x{results['ratio_p50']}, p95 x{results['ratio_p95']},"
            f" min x{results['ratio_min']}"
        )
    console.print(
        f"ours / hand-written statement: p50 x{results['ratio_handwritten_p50']},"
        f" p95 x{results['ratio_handwritten_p95']}, min x{results['ratio_handwritten_min']};"
        f" load average {results['load_average_before']} → {results['load_average_after']}"
    )


if __name__ == "__main__":
    main()
