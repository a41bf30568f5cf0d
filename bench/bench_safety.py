"""/healthz while the server does the heaviest work a client can ask of it, and the time
to refuse each oversize input.

    python bench/bench_safety.py [--runs 3] [--window 5]

Starts an embedded PostgreSQL in --data-dir, (re)creates the database `cdo_bench_safety`,
and serves the application with uvicorn in a child process on a free local port (acting
as the CDO office). This process probes GET /healthz over HTTP every --interval ms while:

- idle (the baseline, measured again right before each loaded phase);
- the largest XLSX the import accepts is imported (POST /api/v1/import; rows at
  IMPORT_MAX_ROWS, read from the settings when the bench runs);
- four clients send the abusive GraphQL document (300 copies of one connection, 12 kB)
  in a loop for --window seconds;
- four clients send documents at the GraphQL bounds (500 fields, a field 10 times at each
  place), each new so that no cache helps, in a loop for --window seconds.

Then it times the refusal of an oversize GraphQL document, the abusive one, a zip bomb,
an XLSX one row over the limit and a JSON body over MAX_BODY_BYTES. Each figure is the
median over --runs rounds, the phases interleaved in every round; the machine's load
average is printed. Results go to bench/results/safety.json; generated files are kept
in --files for the next run.
"""

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import psycopg
from openpyxl import Workbook
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DATABASE = "cdo_bench_safety"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KPIS = 100
ABUSIVE = "{ " + "initiatives(first: 1) { nodes { code } } " * 300 + "}"
console = Console(width=130)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cdo-bench-safety/pgdata"))
    parser.add_argument("--files", type=Path, default=Path("/tmp/cdo-bench-safety/files"))
    parser.add_argument("--runs", type=int, default=3, help="Rounds of every phase.")
    parser.add_argument("--window", type=float, default=5.0, help="Seconds per timed phase.")
    parser.add_argument("--interval", type=float, default=20.0, help="ms between probes.")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    return parser.parse_args()


def serve(url: str, port: int) -> None:
    """The child process: the application on `port`, acting as the CDO office."""
    import uvicorn

    from service.actor import SYSTEM
    from service.config import Settings
    from service.deps import current_actor
    from service.main import create_app

    app = create_app(Settings(database_url=url))
    app.dependency_overrides[current_actor] = lambda: SYSTEM
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def prepare(database: Any) -> str:
    """A fresh, migrated database owned by the application's role; its URL."""
    from service import migrate

    app_url = make_url(database.start()).set(database=DATABASE)
    # The embedded server's superuser creates the database for the application's role.
    admin_of = getattr(database, "admin_url", None)
    admin = make_url(admin_of("postgres") if admin_of else app_url.set(database="postgres"))
    admin = admin.set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f'CREATE DATABASE {DATABASE} OWNER "{app_url.username}"')
    url = app_url.render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    child = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return child, base
        except httpx.TransportError:
            time.sleep(0.2)
    child.kill()
    raise SystemExit("The application did not start")


def measurement_rows(rows: int) -> Any:
    start = date(2020, 1, 1)
    for n in range(rows):
        day = start + timedelta(days=n // KPIS)
        yield [f"K{n % KPIS}", day.isoformat(), f"{n % 997}.5", "bench"]


def write_xlsx(path: Path, rows: int, *, reference_sheets: bool) -> Path:
    """A workbook of `rows` measurements (with the department and KPIs they need)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    if reference_sheets:
        departments = book.create_sheet("departments")
        departments.append(["code", "name"])
        departments.append(["bench", "Bench"])
        kpis = book.create_sheet("kpis")
        kpis.append(["code", "name", "direction", "perspective", "department_codes"])
        for n in range(KPIS):
            kpis.append([f"K{n}", f"KPI {n}", "increase", "customer", "bench"])
    measurements = book.create_sheet("measurements")
    measurements.append(["kpi_code", "measured_on", "value", "source"])
    for row in measurement_rows(rows):
        measurements.append(row)
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.rename(path)
    return path


def write_zip_bomb(path: Path, unpacked: int) -> Path:
    """A zip whose one CSV unpacks to `unpacked` bytes of repeated rows."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    line = b"K1,2020-01-01,1.5,bench\n"
    block = line * (1_048_576 // len(line))
    partial = path.with_suffix(".partial")
    with (
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("measurements.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"kpi_code,measured_on,value,source\n")
        for _ in range(unpacked // len(block) + 1):
            member.write(block)
    partial.rename(path)
    return path


def at_the_bounds(n: int) -> str:
    """500 fields, each place holding one field 10 times: the slowest shape to validate
    found within the default bounds. The name makes every document new to the caches."""
    inner = " ".join(f"a{k}: updates(first: 1) {{ nodes {{ summary }} }}" for k in range(16))
    return f"query W{n} {{ " + f"initiatives(first: 1) {{ nodes {{ {inner} }} }} " * 10 + "}"


def stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "max": ordered[-1],
        "n": len(ordered),
    }


class Bench:
    def __init__(self, base: str, args: argparse.Namespace) -> None:
        self.base = base
        self.args = args
        self.names = count()

    async def probe_while(self, work: Callable[[], Awaitable[Any]]) -> tuple[list[float], Any]:
        """/healthz latencies (ms) while `work` runs, and what it returned."""
        times: list[float] = []
        task = asyncio.create_task(work())
        async with httpx.AsyncClient(base_url=self.base, timeout=300) as probe:
            while not task.done():
                started = time.perf_counter()
                response = await probe.get("/healthz")
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                await asyncio.sleep(self.args.interval / 1000)
        return times, await task

    async def idle(self) -> Any:
        await asyncio.sleep(self.args.window)

    async def loop(self, documents: Callable[[], str]) -> dict[str, Any]:
        """Four clients sending documents for the window; their answers' codes."""
        deadline = time.monotonic() + self.args.window
        codes: dict[str, int] = {}

        async def client() -> None:
            async with httpx.AsyncClient(base_url=self.base, timeout=300) as http:
                while time.monotonic() < deadline:
                    body = (await http.post("/graphql", json={"query": documents()})).json()
                    errors = body.get("errors") or [{"extensions": {"code": "answered"}}]
                    code = errors[0].get("extensions", {}).get("code", "?")
                    codes[code] = codes.get(code, 0) + 1

        await asyncio.gather(*(client() for _ in range(4)))
        return codes

    async def upload(self, path: Path, media: str) -> tuple[int, float, str]:
        async with httpx.AsyncClient(base_url=self.base, timeout=600) as http:
            started = time.perf_counter()
            with path.open("rb") as file:
                response = await http.post(
                    "/api/v1/import", files={"file": (path.name, file, media)}
                )
            return response.status_code, time.perf_counter() - started, response.text[:300]

    async def refusal(self, method: str, path: str, **kwargs: Any) -> tuple[int, float, str]:
        async with httpx.AsyncClient(base_url=self.base, timeout=600) as http:
            started = time.perf_counter()
            response = await http.request(method, path, **kwargs)
            return response.status_code, time.perf_counter() - started, response.text[:300]


async def one_round(bench: Bench, files: dict[str, Path], limits: dict[str, int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    phases: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("import", lambda: bench.upload(files["largest"], XLSX)),
        ("graphql_abusive_x4", lambda: bench.loop(lambda: ABUSIVE)),
        ("graphql_at_bounds_x4", lambda: bench.loop(lambda: at_the_bounds(next(bench.names)))),
    ]
    for name, work in phases:
        idle, _ = await bench.probe_while(bench.idle)
        loaded, outcome = await bench.probe_while(work)
        found[name] = {"idle": stats(idle), "loaded": stats(loaded), "outcome": outcome}
    oversize = "{ serverTime }\n#" + "x" * limits["graphql_max_document_bytes"]
    body = json.dumps({"code": "big", "name": "x" * limits["max_body_bytes"]})
    refusals = {
        "graphql_oversize_document": bench.refusal("POST", "/graphql", json={"query": oversize}),
        "graphql_abusive_document": bench.refusal("POST", "/graphql", json={"query": ABUSIVE}),
        "zip_bomb": bench.upload(files["bomb"], "application/zip"),
        "xlsx_one_row_over": bench.upload(files["rows"], XLSX),
        "json_body_over_limit": bench.refusal(
            "POST",
            "/api/v1/departments",
            content=body,
            headers={"Content-Type": "application/json"},
        ),
    }
    found["refusals"] = {name: await request for name, request in refusals.items()}
    return found


def median_of(rounds: list[dict[str, Any]], phase: str, part: str, key: str) -> float:
    return round(statistics.median(r[phase][part][key] for r in rounds), 1)


def report(rounds: list[dict[str, Any]], results: dict[str, Any]) -> None:
    table = Table(title="/healthz (ms), median of the rounds")
    for column in ("phase", "idle p50", "idle p99", "idle max", "p50", "p99", "max", "probes"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    summary: dict[str, Any] = {}
    for phase in ("import", "graphql_abusive_x4", "graphql_at_bounds_x4"):
        figures = {
            f"{part}_{key}": median_of(rounds, phase, part, key)
            for part in ("idle", "loaded")
            for key in ("p50", "p99", "max", "n")
        }
        summary[phase] = figures
        shown = [f"idle_{k}" for k in ("p50", "p99", "max")]
        shown += [f"loaded_{k}" for k in ("p50", "p99", "max", "n")]
        table.add_row(phase, *(str(figures[name]) for name in shown))
    console.print(table)
    refused = Table(title="Time to refuse (ms), median of the rounds")
    for column in ("input", "status", "ms"):
        refused.add_column(column)
    for name in rounds[0]["refusals"]:
        status = rounds[0]["refusals"][name][0]
        ms = round(statistics.median(r["refusals"][name][1] for r in rounds) * 1000, 1)
        summary[name] = {"status": status, "ms": ms}
        refused.add_row(name, str(status), str(ms))
    console.print(refused)
    results["summary"] = summary


def main() -> None:
    args = parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    from service.config import Settings
    from service.embedded_db import EmbeddedPostgres

    settings = Settings()
    limits = settings.model_dump(include={"import_max_rows", "import_max_unpacked_bytes"})
    limits |= settings.model_dump(include={"graphql_max_document_bytes", "max_body_bytes"})
    rows = min(settings.import_max_rows, (settings.import_max_cells - 2 * KPIS) // 4 - 10)
    console.print(f"Limits: {limits}; the largest import: {rows:,} measurement rows.")
    files = {
        "largest": write_xlsx(args.files / f"largest-{rows}.xlsx", rows, reference_sheets=True),
        "rows": write_xlsx(
            args.files / f"rows-{settings.import_max_rows + 1}.xlsx",
            settings.import_max_rows + 1,
            reference_sheets=False,
        ),
        "bomb": write_zip_bomb(
            args.files / f"bomb-{settings.import_max_unpacked_bytes}.zip",
            10 * settings.import_max_unpacked_bytes,
        ),
    }
    sizes = {name: path.stat().st_size for name, path in files.items()}
    console.print(f"Files (bytes): {sizes}")
    database = EmbeddedPostgres(args.data_dir)
    child, base = start_server(prepare(database))
    results: dict[str, Any] = {"taken_at": datetime.now(UTC).isoformat(timespec="seconds")}
    results |= {"python": platform.python_version(), "cpus": os.cpu_count()}
    results |= {"limits": limits, "import_rows": rows, "file_bytes": sizes}
    results["load_before"] = os.getloadavg()
    console.print(f"Load average before: {results['load_before']}")
    try:
        bench = Bench(base, args)
        rounds = []
        for n in range(args.runs):
            rounds.append(asyncio.run(one_round(bench, files, limits)))
            console.print(f"round {n + 1}: load average {os.getloadavg()}")
    finally:
        child.terminate()
        child.wait(30)
        database.stop()
    results["load_after"] = os.getloadavg()
    results["rounds"] = rounds
    report(rounds, results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "safety.json").write_text(json.dumps(results, indent=2, default=str))
    console.print(f"Load average after: {results['load_after']}")


if __name__ == "__main__":
    main()
